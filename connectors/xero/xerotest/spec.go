package xerotest

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

// api is one of Xero's APIs the sandbox serves, each under its own path on one host, as on
// api.xero.com.
type api struct {
	// name prefixes the operation ids ("accounting.getManualJournals"): the accounting and
	// payroll APIs both have a getEmployees.
	name   string
	file   string
	prefix string
}

var apis = []api{
	{"accounting", "xero/xero_accounting.yaml", "/api.xro/2.0"},
	{"payroll", "xero/xero-payroll-uk.yaml", "/payroll.xro/2.0"},
	{"identity", "xero/xero-identity.yaml", ""},
}

// apiSpecs are the descriptions loaded and indexed. Loading the 0.9 MB accounting YAML takes
// about 100 ms, so it is done once per process and shared, read-only, by every sandbox.
type apiSpecs struct {
	routes []*route
	// webhook is xero-webhooks.yaml's WebhookEvent schema, for the deliveries the sandbox sends.
	webhook *openapi3.Schema
}

// route is one operation, with the kin-openapi route its validation needs built ahead of
// time: the sandbox routes with net/http's ServeMux.
type route struct {
	api     string
	op      string // api name + "." + operationId
	method  string
	path    string // the description's template, without the API's prefix
	params  []string
	kin     *routers.Route
	pattern string // ServeMux pattern
	// ambiguous is set for the paths Xero's accounting description declares twice with
	// different parameter names (…/Attachments/{AttachmentID} and …/{FileName}): a request
	// cannot be routed to one of them, so it is answered 501 without validation.
	ambiguous bool
}

var loadSpecs = sync.OnceValues(func() (*apiSpecs, error) {
	specs := &apiSpecs{}
	for _, a := range apis {
		doc, err := loadDoc(a.file)
		if err != nil {
			return nil, err
		}
		server := doc.Servers[0]
		shapes := map[string]int{}
		var routes []*route
		for _, path := range doc.Paths.InMatchingOrder() {
			item := doc.Paths.Value(path)
			for method, op := range item.Operations() {
				rt := &route{
					api: a.name, op: a.name + "." + op.OperationID, method: method, path: path,
					params:  pathParams(path),
					pattern: method + " " + a.prefix + path,
					kin: &routers.Route{
						Spec: doc, Server: server, Path: path, PathItem: item, Method: method, Operation: op,
					},
				}
				shapes[method+" "+shape(path)]++
				routes = append(routes, rt)
			}
		}
		for _, rt := range routes {
			rt.ambiguous = shapes[rt.method+" "+shape(rt.path)] > 1
		}
		specs.routes = append(specs.routes, routes...)
	}
	slices.SortFunc(specs.routes, func(a, b *route) int { return strings.Compare(a.pattern, b.pattern) })

	raw, err := urakata.VendorAPI("xero/xero-webhooks.yaml")
	if err != nil {
		return nil, fmt.Errorf("xerotest: %w", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("xerotest: parse xero-webhooks.yaml: %w", err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation(), openapi3.IsOpenAPI31OrLater()); err != nil {
		return nil, fmt.Errorf("xerotest: xero-webhooks.yaml does not validate: %w", err)
	}
	ref := doc.Components.Schemas["WebhookEvent"]
	if ref == nil || ref.Value == nil {
		return nil, errors.New("xerotest: xero-webhooks.yaml has no WebhookEvent schema")
	}
	specs.webhook = ref.Value
	return specs, nil
})

// loadDoc loads one description and checks it is sound. Xero's examples break their own
// schemas, and the accounting API's defaults are strings where booleans are due ("false"),
// so neither is checked; the accounting API's doubly declared attachment paths are known
// (see route.ambiguous). Anything else wrong is an error.
func loadDoc(file string) (*openapi3.T, error) {
	raw, err := urakata.VendorAPI(file)
	if err != nil {
		return nil, fmt.Errorf("xerotest: %w", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("xerotest: parse %s: %w", file, err)
	}
	err = doc.Validate(context.Background(), openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation(), openapi3.EnableMultiError())
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var left openapi3.MultiError
		for _, e := range me {
			var conflict *openapi3.ConflictingPathsError
			if !errors.As(e, &conflict) {
				left = append(left, e)
			}
		}
		err = nil
		if len(left) > 0 {
			err = left
		}
	}
	if err != nil {
		return nil, fmt.Errorf("xerotest: %s does not validate: %w", file, err)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("xerotest: %s names no server", file)
	}
	return doc, nil
}

var param = regexp.MustCompile(`\{[^}]*\}`)

// shape is a path template with its parameter names erased: two templates of one shape
// match the same requests.
func shape(path string) string { return param.ReplaceAllString(path, "{}") }

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

// formats check date, date-time and uuid with the standard library rather than
// kin-openapi's regular expressions: same rules, less time per record.
var formats = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidator("date", openapi3.NewCallbackValidator(func(v string) error {
		_, err := time.Parse(time.DateOnly, v)
		return err
	})),
	openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(v string) error {
		_, err := time.Parse(time.RFC3339, v)
		return err
	})),
	openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(v string) error {
		if !isUUID(v) {
			return fmt.Errorf("%q is not a UUID", v)
		}
		return nil
	})),
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }

// requestOptions: the sandbox checks the bearer token itself before validation (Xero
// answers 401 before 400), so the validator's security hook only has to accept.
var requestOptions = &openapi3filter.Options{
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SkipSettingDefaults:     true,
	SchemaValidationOptions: formats,
}

// responseOptions: statuses a description does not declare (401, 403, 404, 429, 501) are
// not validated, because Xero sends them without declaring them.
var responseOptions = &openapi3filter.Options{SchemaValidationOptions: formats}

// validationInput returns what kin-openapi needs to validate a request routed to rt.
func (rt *route) validationInput(r *http.Request) *openapi3filter.RequestValidationInput {
	params := make(map[string]string, len(rt.params))
	for _, name := range rt.params {
		params[name] = r.PathValue(name)
	}
	return &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: rt.kin, Options: requestOptions}
}

// validateResponse checks a reply the sandbox is about to send against the description.
func validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	header := http.Header{"Content-Type": {rep.contentType}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rep.status, Header: header, Options: responseOptions}
	out.SetBodyBytes(rep.body)
	return openapi3filter.ValidateResponse(ctx, out)
}

// validateWebhook checks a delivery the sandbox is about to send against
// xero-webhooks.yaml's WebhookEvent, with JSON Schema 2020-12 as OpenAPI 3.1 asks. Two
// things Xero does are allowed although the schema says otherwise: eventDateUtc without a
// zone (every example of Xero's, and what Xero sends; JSON Schema 2020-12 makes format an
// annotation, not an assertion) and the intent-to-receive deliveries, which Xero documents
// with sequence numbers 0 where the schema asks for at least 1: those are not validated.
func validateWebhook(schema *openapi3.Schema, v any) error {
	return schema.VisitJSON(v, openapi3.EnableJSONSchema2020(),
		openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(s string) error {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"} {
				if _, err := time.Parse(layout, s); err == nil {
					return nil
				}
			}
			return fmt.Errorf("%q is not a date-time", s)
		})),
		openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
			if !isUUID(s) {
				return fmt.Errorf("%q is not a UUID", s)
			}
			return nil
		})),
	)
}

// Side says which party broke a description.
type Side string

const (
	// RequestSide is a client request the description does not allow (answered with 400).
	RequestSide Side = "request"
	// ResponseSide is a sandbox response the description does not allow: a sandbox bug.
	ResponseSide Side = "response"
	// WebhookSide is a delivery the sandbox sent that xero-webhooks.yaml does not allow.
	WebhookSide Side = "webhook"
)

// Violation records one request, response or delivery that did not match its
// description, so tests can assert that both the client and the sandbox kept to Xero's.
type Violation struct {
	Side Side
	// Op is the operation: api name and operationId, e.g. "payroll.createTimesheet".
	Op     string
	Method string
	// Path is the request path as sent (ids, no query).
	Path string
	// Status is the response status that was checked (0 for a request).
	Status int
	// Err is what the validator found wrong.
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
