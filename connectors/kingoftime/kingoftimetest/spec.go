package kingoftimetest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/urakata/urakata"
)

// apiPrefix is where the API lives, as on api.kingtime.jp/v1.0.
const apiPrefix = "/v1.0"

// SpecPath is the corrected description the sandbox validates against, under testdata/.
const SpecPath = "kingoftime/kot-openapi.yml"

// apiSpec is the description loaded and indexed once per process, shared read-only by every
// sandbox.
type apiSpec struct {
	doc    *openapi3.T
	routes []*route
}

// route is one operation, with the kin-openapi route its validation needs built ahead of
// time: the sandbox routes with net/http's ServeMux, whose path syntax the description's
// templates already use.
type route struct {
	op      string // operationId, e.g. GetDailyWorkings
	method  string
	path    string // the template, without /v1.0
	params  []string
	kin     *routers.Route
	pattern string // ServeMux pattern
}

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	raw, err := urakata.VendorAPI(SpecPath)
	if err != nil {
		return nil, fmt.Errorf("kingoftimetest: load %s: %w", SpecPath, err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("kingoftimetest: parse %s: %w", SpecPath, err)
	}
	// The transcription's examples keep the vendor's slips (date-time examples for date
	// parameters); the schemas themselves must be sound.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("kingoftimetest: %s does not validate: %w", SpecPath, err)
	}
	server := &openapi3.Server{URL: "https://api.kingtime.jp/v1.0"}
	spec := &apiSpec{doc: doc}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			spec.routes = append(spec.routes, &route{
				op: op.OperationID, method: method, path: path, params: pathParams(path),
				pattern: method + " " + apiPrefix + path,
				kin: &routers.Route{
					Spec: doc, Server: server, Path: path, PathItem: item, Method: method, Operation: op,
				},
			})
		}
	}
	slices.SortFunc(spec.routes, func(a, b *route) int { return strings.Compare(a.pattern, b.pattern) })
	return spec, nil
})

// pathParams lists the {names} of a path template.
func pathParams(path string) []string {
	var names []string
	for seg := range strings.SplitSeq(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, seg[1:len(seg)-1])
		}
	}
	return names
}

// requestOptions: the sandbox checks the token itself before validation, so the
// validator's security hook only has to accept.
var requestOptions = &openapi3filter.Options{
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults:     true,
	SchemaValidationOptions: kotFormats,
}

var responseOptions = &openapi3filter.Options{SchemaValidationOptions: kotFormats}

// kotDateTime is a date-time as KOT writes it: with or without seconds, always with an
// explicit offset. The description says "date-time" for both, which kin-openapi would read
// as RFC 3339 with seconds only.
var kotDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$`)

// kotFormats check date and date-time with the time package, as KOT writes them.
var kotFormats = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidator("date", openapi3.NewCallbackValidator(func(v string) error {
		_, err := time.Parse(time.DateOnly, v)
		return err
	})),
	openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(v string) error {
		if !kotDateTime.MatchString(v) {
			return fmt.Errorf("%q is not a date-time with an offset", v)
		}
		if _, err := time.Parse(time.RFC3339, v); err == nil {
			return nil
		}
		_, err := time.Parse("2006-01-02T15:04Z07:00", v)
		return err
	})),
}

// validationInput returns what kin-openapi needs to validate a request routed to rt.
func (rt *route) validationInput(r *http.Request) *openapi3filter.RequestValidationInput {
	params := make(map[string]string, len(rt.params))
	for _, name := range rt.params {
		params[name] = r.PathValue(name)
	}
	return &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: rt.kin, Options: requestOptions,
	}
}

// validateResponse checks a reply the sandbox is about to send.
func validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rep.status,
		Header: http.Header{"Content-Type": {contentJSON}}, Options: responseOptions,
	}
	out.SetBodyBytes(rep.body)
	return openapi3filter.ValidateResponse(ctx, out)
}

// Side says which party broke the description.
type Side string

const (
	// RequestSide is a client request the description does not allow (answered 400).
	RequestSide Side = "request"
	// ResponseSide is a sandbox response the description does not allow: a sandbox bug.
	ResponseSide Side = "response"
)

// Violation records one request or response that did not match the description, so tests
// can assert that both the client and the sandbox kept to it.
type Violation struct {
	Side Side
	// Op is the operationId.
	Op     string
	Method string
	// Path is the request path as sent (no query).
	Path string
	// Status is the response status checked (0 for a request).
	Status int
	// Err is what kin-openapi found wrong.
	Err string
}

// String reads as one line for a test failure.
func (v Violation) String() string {
	if v.Side == ResponseSide {
		return fmt.Sprintf("%s %s %s (%s): response %d: %s", v.Side, v.Method, v.Path, v.Op, v.Status, v.Err)
	}
	return fmt.Sprintf("%s %s %s (%s): %s", v.Side, v.Method, v.Path, v.Op, v.Err)
}

// validationMessage turns a kin-openapi error into one line a client developer can act on.
func validationMessage(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		err = me[0]
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
