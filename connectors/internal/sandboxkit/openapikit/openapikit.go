// Package openapikit is the OpenAPI half of the vendors' sandboxes: it loads a vendor's
// description once, builds the kin-openapi route of each operation ahead of time (the
// sandboxes route with net/http's ServeMux, whose path syntax the descriptions already
// use), validates requests and responses against it, and records what broke it. How a
// sandbox routes, converts or corrects its description stays in the sandbox.
package openapikit

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

// Load reads file from the vendor descriptions under testdata/, parses it and checks that
// it is sound. Vendors' examples break their own formats, so examples are never checked;
// check adds the sandbox's own options. pkg prefixes the errors.
func Load(pkg, file string, check ...openapi3.ValidationOption) (*openapi3.T, error) {
	doc, err := Parse(pkg, file)
	if err != nil {
		return nil, err
	}
	opts := append([]openapi3.ValidationOption{openapi3.DisableExamplesValidation()}, check...)
	if err := doc.Validate(context.Background(), opts...); err != nil {
		return nil, fmt.Errorf("%s: %s does not validate: %w", pkg, file, err)
	}
	return doc, nil
}

// Parse reads file from the vendor descriptions under testdata/ and parses it, for a
// sandbox that checks the description its own way. pkg prefixes the errors.
func Parse(pkg, file string) (*openapi3.T, error) {
	raw, err := urakata.VendorAPI(file)
	if err != nil {
		return nil, fmt.Errorf("%s: load %s: %w", pkg, file, err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: parse %s: %w", pkg, file, err)
	}
	return doc, nil
}

// Route is one operation of a description, with the kin-openapi route its validation needs.
type Route struct {
	// Op is the operation's name in the sandbox: its operationId unless the sandbox renames it.
	Op     string
	Method string
	// Path is the description's template, without the prefix the API is served under.
	Path string
	// Pattern is the ServeMux pattern: method, prefix and template.
	Pattern string
	params  []string
	kin     *routers.Route
}

// NewRoute builds the route of the operation at method and path of doc, served under
// prefix on server.
func NewRoute(doc *openapi3.T, server *openapi3.Server, prefix, path, method string) *Route {
	item := doc.Paths.Value(path)
	op := item.GetOperation(method)
	return &Route{
		Op: op.OperationID, Method: method, Path: path, Pattern: method + " " + prefix + path,
		params: pathParams(path),
		kin: &routers.Route{
			Spec: doc, Server: server, Path: path, PathItem: item, Method: method, Operation: op,
		},
	}
}

// Routes builds the route of every operation of doc, served under prefix on server,
// sorted by pattern so that a sandbox registers them in a stable order.
func Routes(doc *openapi3.T, server *openapi3.Server, prefix string) []*Route {
	var routes []*Route
	for _, path := range doc.Paths.InMatchingOrder() {
		for method := range doc.Paths.Value(path).Operations() {
			routes = append(routes, NewRoute(doc, server, prefix, path, method))
		}
	}
	SortRoutes(routes)
	return routes
}

// SortRoutes sorts routes by pattern, for a sandbox that joins the routes of several
// descriptions.
func SortRoutes(routes []*Route) {
	slices.SortFunc(routes, func(a, b *Route) int { return strings.Compare(a.Pattern, b.Pattern) })
}

// Operation is the description's operation of the route.
func (rt *Route) Operation() *openapi3.Operation { return rt.kin.Operation }

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

// Validator checks requests and responses against a description with one set of format
// checks. The sandboxes authenticate each request themselves before validating it (vendors
// answer 401 before 400), so the validator's security hook only has to accept; statuses a
// description does not declare are not validated, because vendors send them undeclared.
type Validator struct {
	request, response *openapi3filter.Options
}

// NewValidator returns a validator that checks string formats with formats on top of
// kin-openapi's own.
func NewValidator(formats ...openapi3.SchemaValidationOption) *Validator {
	return &Validator{
		request: &openapi3filter.Options{
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults:     true,
			SchemaValidationOptions: formats,
		},
		response: &openapi3filter.Options{SchemaValidationOptions: formats},
	}
}

// Input is what kin-openapi needs to validate r, routed to rt by a ServeMux pattern (its
// path values are the operation's path parameters).
func (v *Validator) Input(rt *Route, r *http.Request) *openapi3filter.RequestValidationInput {
	params := make(map[string]string, len(rt.params))
	for _, name := range rt.params {
		params[name] = r.PathValue(name)
	}
	return &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: rt.kin, Options: v.request,
	}
}

// Request checks the request of in against the description.
func (v *Validator) Request(ctx context.Context, in *openapi3filter.RequestValidationInput) error {
	return openapi3filter.ValidateRequest(ctx, in)
}

// Response checks a reply the sandbox is about to send to the request of in.
func (v *Validator) Response(ctx context.Context, in *openapi3filter.RequestValidationInput, status int, contentType string, body []byte) error {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status,
		Header: http.Header{"Content-Type": {contentType}}, Options: v.response,
	}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(ctx, out)
}

// DateFormat checks format "date" with the time package rather than kin-openapi's regular
// expression: same rule (a real calendar day), a fraction of the cost on a page of records.
var DateFormat = openapi3.WithStringFormatValidator("date", openapi3.NewCallbackValidator(func(v string) error {
	_, err := time.Parse(time.DateOnly, v)
	return err
}))

// DateTimeFormat checks format "date-time" as RFC 3339 with the time package, for the same
// reason as DateFormat.
var DateTimeFormat = openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(v string) error {
	_, err := time.Parse(time.RFC3339, v)
	return err
}))

// Message turns a validator's error into one line a client developer can act on.
func Message(err error) string {
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

// Side says which party broke a description.
type Side string

const (
	// RequestSide is a client request the description does not allow (answered 400).
	RequestSide Side = "request"
	// ResponseSide is a sandbox response the description does not allow: a sandbox bug.
	ResponseSide Side = "response"
)

// Violation records one request or response that did not match the description, so tests
// can assert that both the client and the sandbox kept to the vendor's description.
type Violation struct {
	Side Side
	// Op is the operation's name in the sandbox.
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

// Recorder keeps the violations a sandbox found, in order. The zero value is ready; it is
// safe for concurrent use.
type Recorder[V any] struct {
	mu   sync.Mutex
	list []V
}

// Record keeps v.
func (r *Recorder[V]) Record(v V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, v)
}

// List is a copy of what was recorded so far.
func (r *Recorder[V]) List() []V {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.list)
}

// Take returns what was recorded so far and forgets it, for a test that breaks the
// description on purpose and checks each breach once.
func (r *Recorder[V]) Take() []V {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.list
	r.list = nil
	return list
}
