package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/urakata/urakata"
	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
)

// apiPrefix is where the Web API lives, as on slack.com/api.
const apiPrefix = "/api"

// webAPIFile is Slack's Web API description under testdata/.
const webAPIFile = "slack/web_openapi_v2.json"

// apiSpec is the Web API description converted to OpenAPI 3 and corrected, indexed by
// method. Converting the 1.2 MB file takes a few hundred milliseconds, so it is done once
// per process and shared, read-only, by every sandbox.
type apiSpec struct {
	doc *openapi3.T
	// routes are keyed by Web API method, e.g. chat.postMessage.
	routes map[string]*route
}

// route is one operation of the description, under its Web API method (e.g. users.list);
// the embedded route's Method is the HTTP method.
type route struct {
	*openapikit.Route
	method string
}

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	raw, err := urakata.VendorAPI(webAPIFile)
	if err != nil {
		return nil, fmt.Errorf("slacktest: %w", err)
	}
	doc, err := convert(raw)
	if err != nil {
		return nil, fmt.Errorf("slacktest: %s: %w", webAPIFile, err)
	}
	correct(doc)
	// Slack's examples break their own schemas (ids too short for their patterns); the
	// schemas themselves must be sound.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("slacktest: %s does not validate once converted: %w", webAPIFile, err)
	}
	server := doc.Servers[0]
	spec := &apiSpec{doc: doc, routes: map[string]*route{}}
	for path, item := range doc.Paths.Map() {
		for httpMethod := range item.Operations() {
			method := strings.TrimPrefix(path, "/")
			spec.routes[method] = &route{Route: openapikit.NewRoute(doc, server, apiPrefix, path, httpMethod), method: method}
		}
	}
	return spec, nil
})

// convert turns the Swagger 2.0 description into OpenAPI 3 with kin-openapi's openapi2conv.
// Two things of Slack's file stand in the way, both documented in CORRECTIONS.md (§1, §2):
// it writes "one of these schemas" as an array under items, which no OpenAPI version
// allows, and its schemas are JSON Schema with "null" among their types, which only
// OpenAPI 3.1 can say. So the alternatives are carried through the conversion in an
// extension, turned into anyOf after it, and the result is declared OpenAPI 3.1.
func convert(raw []byte) (*openapi3.T, error) {
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	walkObjects(generic, func(o map[string]any) {
		alts, ok := o["items"].([]any)
		if !ok {
			return
		}
		delete(o, "items")
		if o["type"] == "array" {
			o["items"] = map[string]any{alternativesKey: alts}
		} else {
			o[alternativesKey] = alts
		}
	})
	fixed, err := json.Marshal(generic)
	if err != nil {
		return nil, err
	}
	var v2 openapi2.T
	if err := json.Unmarshal(fixed, &v2); err != nil {
		return nil, fmt.Errorf("read as Swagger 2.0: %w", err)
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("convert to OpenAPI 3: %w", err)
	}
	converted, err := json.Marshal(v3)
	if err != nil {
		return nil, err
	}
	generic = nil
	if err := json.Unmarshal(converted, &generic); err != nil {
		return nil, err
	}
	walkObjects(generic, func(o map[string]any) {
		alts, ok := o[alternativesKey]
		if !ok {
			return
		}
		delete(o, alternativesKey)
		// The alternatives passed through as an extension, so their references still point
		// into Swagger 2.0's definitions.
		walkObjects(alts, func(a map[string]any) {
			if ref, ok := a["$ref"].(string); ok {
				a["$ref"] = strings.Replace(ref, "#/definitions/", "#/components/schemas/", 1)
			}
		})
		// anyOf, not oneOf: Slack's alternatives overlap (a user with only the common fields
		// is both an enterprise user and not one).
		o["anyOf"] = alts
	})
	generic.(map[string]any)["openapi"] = "3.1.0"
	final, err := json.Marshal(generic)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(final)
	if err != nil {
		return nil, fmt.Errorf("load the converted description: %w", err)
	}
	return doc, nil
}

// alternativesKey carries Slack's items-array alternatives through openapi2conv, which
// keeps extensions as they are.
const alternativesKey = "x-slacktest-alternatives"

// walkObjects calls fn on every JSON object in v, depth first, parents before children.
func walkObjects(v any, fn func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(v)
		for _, child := range v {
			walkObjects(child, fn)
		}
	case []any:
		for _, child := range v {
			walkObjects(child, fn)
		}
	}
}

// commonErrors are error codes Slack answers on any method that the 2020 description's
// per-method enums leave out (CORRECTIONS.md §4).
var commonErrors = []string{
	"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired",
	"no_permission", "missing_scope", "ratelimited", "invalid_arguments", "internal_error",
	"fatal_error", "service_unavailable", "request_timeout", "invalid_json", "json_not_object",
}

// methodErrors are error codes of one method that its page lists today and the 2020
// description does not (CORRECTIONS.md §4).
var methodErrors = map[string][]string{
	// https://api.slack.com/methods/chat.postMessage: Block Kit came after the file.
	"chat.postMessage": {"invalid_blocks", "invalid_blocks_format"},
}

// correct applies CORRECTIONS.md §3–§5 to the converted description.
func correct(doc *openapi3.T) {
	for path, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			dropTokenParameter(op)
			acceptJSONArrays(op)
			widenErrors(op, append(slices.Clone(commonErrors), methodErrors[strings.TrimPrefix(path, "/")]...))
		}
	}
}

// dropTokenParameter removes the token parameter (§3): the description declares it as a
// header named "token", or a query or form parameter, sometimes required, while Slack takes
// the token as "Authorization: Bearer" (and no longer from the query for apps made after
// February 2021). The sandbox authenticates every request itself before validating it.
func dropTokenParameter(op *openapi3.Operation) {
	op.Parameters = slices.DeleteFunc(op.Parameters, func(p *openapi3.ParameterRef) bool {
		return p.Value != nil && p.Value.Name == "token"
	})
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	for _, mt := range op.RequestBody.Value.Content {
		if s := mt.Schema; s != nil && s.Value != nil {
			delete(s.Value.Properties, "token")
			s.Value.Required = slices.DeleteFunc(s.Value.Required, func(n string) bool { return n == "token" })
		}
	}
}

// acceptJSONArrays lets a JSON body carry blocks and attachments as JSON arrays (§5): the
// description has only form parameters, where they are "a JSON-based array … presented as a
// URL-encoded string", and openapi2conv gives the JSON body the same schema, while Slack
// takes arrays in a JSON body (and still a string).
func acceptJSONArrays(op *openapi3.Operation) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return
	}
	form := mt.Schema.Value
	var touched []string
	for _, name := range []string{"blocks", "attachments"} {
		if p := form.Properties[name]; p != nil && p.Value != nil && p.Value.Type.Is(openapi3.TypeString) {
			touched = append(touched, name)
		}
	}
	if len(touched) == 0 {
		return
	}
	// The form content shares this schema: the JSON one gets its own copy.
	js := *form
	js.Properties = maps.Clone(form.Properties)
	for _, name := range touched {
		orig := form.Properties[name].Value
		js.Properties[name] = openapi3.NewSchemaRef("", &openapi3.Schema{
			Description: orig.Description,
			AnyOf: openapi3.SchemaRefs{
				openapi3.NewSchemaRef("", openapi3.NewStringSchema()),
				openapi3.NewSchemaRef("", openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema())),
			},
		})
	}
	mt.Schema = openapi3.NewSchemaRef("", &js)
}

// widenErrors adds codes to an operation's error enum and lets an error carry
// response_metadata (§4): Slack answers ratelimited, token_revoked and the like on every
// method, and explains invalid_arguments in response_metadata.messages.
func widenErrors(op *openapi3.Operation, codes []string) {
	def := op.Responses.Default()
	if def == nil || def.Value == nil {
		return
	}
	for _, mt := range def.Value.Content {
		s := mt.Schema
		if s == nil || s.Value == nil {
			continue
		}
		if e := s.Value.Properties["error"]; e != nil && e.Value != nil && len(e.Value.Enum) > 0 {
			for _, code := range codes {
				if !slices.Contains(e.Value.Enum, any(code)) {
					e.Value.Enum = append(e.Value.Enum, code)
				}
			}
		}
		if s.Value.Properties != nil && s.Value.Properties["response_metadata"] == nil {
			meta := openapi3.NewObjectSchema().
				WithProperty("messages", openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema())).
				WithProperty("warnings", openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema()))
			s.Value.Properties["response_metadata"] = openapi3.NewSchemaRef("", meta)
		}
	}
}

// validator checks formats as kin-openapi does; the sandbox authenticates each request
// itself before validating it.
var validator = openapikit.NewValidator()

// validateResponse checks a reply the sandbox is about to send. Slack sends its errors
// with HTTP 200 and the description gives their shape as the default response, so an
// "ok": false is checked against default (CORRECTIONS.md §6).
func (rt *route) validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	status := rep.status
	if rep.failed && rt.Operation().Responses.Status(status) != nil {
		// No Slack operation declares a status besides 200 and default.
		status = http.StatusNotExtended
	}
	return validator.Response(ctx, in, status, rep.contentType, rep.body)
}

// Side says which party broke the description.
type Side string

const (
	// RequestSide is a client request the description does not allow (answered with
	// "ok": false, "error": "invalid_arguments").
	RequestSide Side = "request"
	// ResponseSide is a sandbox response the description does not allow: a sandbox bug.
	ResponseSide Side = "response"
	// EventSide is an Events API request or slash command the sandbox was about to send
	// that breaks the event wrapper schema (as CORRECTIONS.md §7 corrects it): a sandbox or
	// test bug.
	EventSide Side = "event"
)

// Violation records one request, response or event that did not match the description,
// so tests can assert that both the client and the sandbox kept to it.
type Violation struct {
	Side Side
	// Method is the Web API method, or the event type.
	Method string
	// Status is the response status that was checked (0 for a request or an event).
	Status int
	// Err is what the validator found wrong.
	Err string
}

// String reads as one line for a test failure.
func (v Violation) String() string {
	if v.Side == ResponseSide {
		return fmt.Sprintf("%s %s: %d: %s", v.Side, v.Method, v.Status, v.Err)
	}
	return fmt.Sprintf("%s %s: %s", v.Side, v.Method, v.Err)
}
