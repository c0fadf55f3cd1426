package xerotest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
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

// route is one operation of one API; its Op is the API's name and the operationId, and
// its Path the template without the API's prefix.
type route struct {
	*openapikit.Route
	api string
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
		shapes := map[string]int{}
		var routes []*route
		for _, kit := range openapikit.Routes(doc, doc.Servers[0], a.prefix) {
			kit.Op = a.name + "." + kit.Op
			shapes[kit.Method+" "+shape(kit.Path)]++
			routes = append(routes, &route{Route: kit, api: a.name})
		}
		for _, rt := range routes {
			rt.ambiguous = shapes[rt.Method+" "+shape(rt.Path)] > 1
		}
		specs.routes = append(specs.routes, routes...)
	}
	slices.SortFunc(specs.routes, func(a, b *route) int { return strings.Compare(a.Pattern, b.Pattern) })

	doc, err := openapikit.Load("xerotest", "xero/xero-webhooks.yaml", openapi3.IsOpenAPI31OrLater())
	if err != nil {
		return nil, err
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
	doc, err := openapikit.Parse("xerotest", file)
	if err != nil {
		return nil, err
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

// validator checks date, date-time and uuid with the standard library rather than
// kin-openapi's regular expressions: same rules, less time per record. Statuses a
// description does not declare (401, 403, 404, 429, 501) are not validated, because Xero
// sends them without declaring them.
var validator = openapikit.NewValidator(
	openapikit.DateFormat,
	openapikit.DateTimeFormat,
	openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(v string) error {
		if !isUUID(v) {
			return fmt.Errorf("%q is not a UUID", v)
		}
		return nil
	})),
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }

// validateResponse checks a reply the sandbox is about to send against the description.
func validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	return validator.Response(ctx, in, rep.status, rep.contentType, rep.body)
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
type Side = openapikit.Side

const (
	// RequestSide is a client request the description does not allow (answered with 400).
	RequestSide = openapikit.RequestSide
	// ResponseSide is a sandbox response the description does not allow: a sandbox bug.
	ResponseSide = openapikit.ResponseSide
	// WebhookSide is a delivery the sandbox sent that xero-webhooks.yaml does not allow.
	WebhookSide Side = "webhook"
)

// Violation records one request, response or delivery that did not match its
// description, so tests can assert that both the client and the sandbox kept to Xero's.
// Op is the API's name and operationId, e.g. "payroll.createTimesheet".
type Violation = openapikit.Violation
