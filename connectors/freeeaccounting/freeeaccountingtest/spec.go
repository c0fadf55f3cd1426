package freeeaccountingtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/urakata/urakata"
)

// SpecPath is the API description the sandbox validates against, under testdata/.
const SpecPath = "freee/accounting.json"

// apiSpec is accounting.json loaded and indexed. The description is 2 MB and takes about
// 0.3 s to load, so it is loaded once per process and shared, read-only, by every sandbox;
// each request then costs only the validation of its own operation.
type apiSpec struct {
	doc    *openapi3.T
	routes []*route
}

// route is one operation of accounting.json, with the kin-openapi route its validation
// needs built ahead of time: the sandbox routes with net/http's ServeMux (accounting.json's
// path templates are already in its syntax), so no kin-openapi router runs per request.
type route struct {
	op      string // operationId, e.g. get_expense_applications
	method  string
	path    string // accounting.json's template
	params  []string
	kin     *routers.Route
	pattern string // ServeMux pattern
}

var loadSpec = sync.OnceValues(parseSpec)

// parseSpec loads and indexes accounting.json.
func parseSpec() (*apiSpec, error) {
	raw, err := urakata.VendorAPI(SpecPath)
	if err != nil {
		return nil, fmt.Errorf("freeeaccountingtest: load %s: %w", SpecPath, err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("freeeaccountingtest: parse %s: %w", SpecPath, err)
	}
	// freee's examples break their own formats here and there; the schemas must be sound.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("freeeaccountingtest: %s does not validate: %w", SpecPath, err)
	}
	server := &openapi3.Server{URL: "https://api.freee.co.jp"}
	if len(doc.Servers) > 0 {
		server = doc.Servers[0]
	}
	spec := &apiSpec{doc: doc}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			spec.routes = append(spec.routes, &route{
				op:      op.OperationID,
				method:  method,
				path:    path,
				params:  pathParams(path),
				pattern: method + " " + path,
				kin: &routers.Route{
					Spec: doc, Server: server, Path: path, PathItem: item,
					Method: method, Operation: op,
				},
			})
		}
	}
	slices.SortFunc(spec.routes, func(a, b *route) int { return strings.Compare(a.pattern, b.pattern) })
	return spec, nil
}

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

// requestOptions: the sandbox checks the bearer token itself before validation (freee
// answers 401 before 400), so the validator's security hook only has to accept.
var requestOptions = &openapi3filter.Options{
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults:     true,
	SchemaValidationOptions: fastFormats,
}

// responseOptions: statuses accounting.json does not declare (429 on most operations, 501)
// are not validated, because freee sends them without declaring them.
var responseOptions = &openapi3filter.Options{SchemaValidationOptions: fastFormats}

// fastFormats check date and date-time with the time package rather than kin-openapi's
// regular expressions: same rules (RFC 3339, a real calendar day), a fraction of the cost.
var fastFormats = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidator("date", openapi3.NewCallbackValidator(func(v string) error {
		_, err := time.Parse(time.DateOnly, v)
		return err
	})),
	openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(v string) error {
		_, err := time.Parse(time.RFC3339, v)
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

// validateRequest checks a request against accounting.json; the error says what is wrong
// in the words a client developer needs.
func validateRequest(ctx context.Context, in *openapi3filter.RequestValidationInput) error {
	return openapi3filter.ValidateRequest(ctx, in)
}

// validateResponse checks a reply the sandbox is about to send against accounting.json.
func validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	header := http.Header{"Content-Type": {rep.contentType}}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: rep.status, Header: header, Options: responseOptions,
	}
	out.SetBodyBytes(rep.body)
	return openapi3filter.ValidateResponse(ctx, out)
}

// Side says which party broke accounting.json.
type Side string

const (
	// RequestSide is a client request that accounting.json does not allow (answered 400).
	RequestSide Side = "request"
	// ResponseSide is a sandbox response that accounting.json does not allow: a sandbox bug.
	ResponseSide Side = "response"
)

// Violation records one request or response that did not match accounting.json, so tests
// can assert that both the client and the sandbox kept to the vendor's description.
type Violation struct {
	Side Side
	// Op is accounting.json's operationId.
	Op     string
	Method string
	// Path is the request path as sent (ids, no query).
	Path string
	// Status is the response status that was checked (0 for a request).
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
