package chatworktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/urakata/urakata"
)

// apiPrefix is where the API lives, as on api.chatwork.com/v2.
const apiPrefix = "/v2"

// ContractDir is where the contract the sandbox validates against lies under testdata/:
// operations.json, requests.json, responses.json and webhook.json, written for urakata from
// Chatwork's pages (Chatwork publishes no description with a licence).
const ContractDir = "chatwork/"

// schemaBase is the made-up location the contract's files are compiled under, so their
// relative references resolve; nothing is fetched from it.
const schemaBase = "https://contract.urakata.invalid/chatwork/"

// contract is the Chatwork contract loaded and compiled once per process, shared read-only
// by every sandbox.
type contract struct {
	ops         []*operation
	errorBody   *jsonschema.Schema
	rateHeaders *jsonschema.Schema
	hookBody    *jsonschema.Schema
	hookHeaders *jsonschema.Schema
	hookQuery   *jsonschema.Schema
}

// operation is one operation of operations.json, compiled.
type operation struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	// Path is the template without /v2, e.g. /rooms/{room_id}/messages.
	Path string `json:"path"`
	Docs string `json:"docs"`
	// Request and Responses name schemas, e.g. "requests.json#/$defs/getMe"; a response
	// named "" has no body.
	Request   string            `json:"request"`
	Responses map[string]string `json:"responses"`

	params    []string
	request   *jsonschema.Schema
	responses map[int]*jsonschema.Schema
	pattern   string
}

// operationsFile is operations.json.
type operationsFile struct {
	ErrorResponse    string       `json:"errorResponse"`
	RateLimitHeaders string       `json:"rateLimitHeaders"`
	Operations       []*operation `json:"operations"`
}

var loadContract = sync.OnceValues(func() (*contract, error) {
	raw, err := urakata.VendorAPI(ContractDir + "operations.json")
	if err != nil {
		return nil, fmt.Errorf("chatworktest: %w", err)
	}
	var file operationsFile
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("chatworktest: %soperations.json: %w", ContractDir, err)
	}
	c := jsonschema.NewCompiler()
	for _, name := range []string{"requests.json", "responses.json", "webhook.json"} {
		raw, err := urakata.VendorAPI(ContractDir + name)
		if err != nil {
			return nil, fmt.Errorf("chatworktest: %w", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("chatworktest: %s%s: %w", ContractDir, name, err)
		}
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			return nil, fmt.Errorf("chatworktest: %s%s: %w", ContractDir, name, err)
		}
	}
	compile := func(ref string) (*jsonschema.Schema, error) {
		s, err := c.Compile(schemaBase + ref)
		if err != nil {
			return nil, fmt.Errorf("chatworktest: compile %s: %w", ref, err)
		}
		return s, nil
	}
	out := &contract{ops: file.Operations}
	for _, x := range []struct {
		ref string
		to  **jsonschema.Schema
	}{
		{file.ErrorResponse, &out.errorBody},
		{file.RateLimitHeaders, &out.rateHeaders},
		{"webhook.json", &out.hookBody},
		{"webhook.json#/$defs/headers", &out.hookHeaders},
		{"webhook.json#/$defs/query", &out.hookQuery},
	} {
		if *x.to, err = compile(x.ref); err != nil {
			return nil, err
		}
	}
	for _, op := range out.ops {
		if op.request, err = compile(op.Request); err != nil {
			return nil, err
		}
		op.responses = map[int]*jsonschema.Schema{}
		for code, ref := range op.Responses {
			status, err := strconv.Atoi(code)
			if err != nil {
				return nil, fmt.Errorf("chatworktest: %s: response %q is not a status", op.ID, code)
			}
			if ref == "" {
				op.responses[status] = nil
				continue
			}
			if op.responses[status], err = compile(ref); err != nil {
				return nil, err
			}
		}
		op.params = pathParams(op.Path)
		op.pattern = op.Method + " " + apiPrefix + op.Path
	}
	slices.SortFunc(out.ops, func(a, b *operation) int { return strings.Compare(a.pattern, b.pattern) })
	return out, nil
})

// Operations lists the operations of the contract as "METHOD /path" (the path without /v2),
// for tests that check a client against it.
func Operations() ([]string, error) {
	c, err := loadContract()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(c.ops))
	for i, op := range c.ops {
		out[i] = op.Method + " " + op.Path
	}
	return out, nil
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

// requestInstance is the request as requests.json sees it: path, query, headers (lower-case
// names, first values) and, when a body came, form.
func (op *operation) requestInstance(r *http.Request, body []byte) map[string]any {
	path := map[string]any{}
	for _, name := range op.params {
		path[name] = r.PathValue(name)
	}
	headers := map[string]any{}
	for name, vs := range r.Header {
		headers[strings.ToLower(name)] = vs[0]
	}
	in := map[string]any{"path": path, "query": values(r.URL.Query()), "headers": headers}
	if len(body) > 0 {
		ct := strings.ToLower(r.Header.Get("Content-Type"))
		form, err := url.ParseQuery(string(body))
		if strings.HasPrefix(ct, "application/x-www-form-urlencoded") && err == nil {
			in["form"] = values(form)
		} else {
			// Not a form: it stands as one unnamed field, which no form schema allows.
			in["form"] = map[string]any{"(a body that is not form-encoded)": string(body)}
		}
	}
	return in
}

// values turns url.Values into JSON Schema's terms: one value is a string, several an array.
func values(v url.Values) map[string]any {
	out := make(map[string]any, len(v))
	for k, vs := range v {
		if len(vs) == 1 {
			out[k] = vs[0]
			continue
		}
		arr := make([]any, len(vs))
		for i, s := range vs {
			arr[i] = s
		}
		out[k] = arr
	}
	return out
}

// headerInstance is a header set as the schemas see it: lower-case names, first values.
func headerInstance(h http.Header) map[string]any {
	out := make(map[string]any, len(h))
	for name, vs := range h {
		out[strings.ToLower(name)] = vs[0]
	}
	return out
}

// checkResponse checks a reply the sandbox is about to send for op: the body against the
// schema of its status (the error schema for an error status) and, when authenticated, the
// rate-limit headers.
func (c *contract) checkResponse(op *operation, rep reply, authenticated bool) error {
	schema, listed := op.responses[rep.status]
	switch {
	case listed && schema == nil:
		if len(rep.body) > 0 {
			return fmt.Errorf("status %d has no body in the contract, the reply has %d bytes", rep.status, len(rep.body))
		}
	case listed:
		if err := validateJSON(schema, rep.body); err != nil {
			return err
		}
	case rep.status >= 400:
		if err := validateJSON(c.errorBody, rep.body); err != nil {
			return err
		}
	default:
		return fmt.Errorf("status %d is not a response of %s in the contract", rep.status, op.ID)
	}
	if authenticated {
		if err := c.rateHeaders.Validate(headerInstance(rep.header)); err != nil {
			return fmt.Errorf("headers: %s", schemaMessage(err))
		}
	}
	return nil
}

// checkWebhook checks a webhook the sandbox is about to send.
func (c *contract) checkWebhook(h http.Header, query url.Values, body []byte) error {
	if err := c.hookHeaders.Validate(headerInstance(h)); err != nil {
		return fmt.Errorf("headers: %s", schemaMessage(err))
	}
	if err := c.hookQuery.Validate(values(query)); err != nil {
		return fmt.Errorf("query: %s", schemaMessage(err))
	}
	return validateJSON(c.hookBody, body)
}

func validateJSON(s *jsonschema.Schema, body []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("the body is not JSON: %w", err)
	}
	if err := s.Validate(doc); err != nil {
		return errors.New(schemaMessage(err))
	}
	return nil
}

// schemaMessage turns a validation error into one line a client developer can act on: the
// places that failed and why, without the schema's own locations.
func schemaMessage(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var parts []string
	for line := range strings.SplitSeq(ve.Error(), "\n") {
		line = strings.TrimSpace(line)
		// A line that only says a subschema failed is followed by the lines that say why.
		if rest, ok := strings.CutPrefix(line, "- "); ok && !strings.HasSuffix(rest, ": validation failed") {
			parts = append(parts, rest)
		}
	}
	if len(parts) == 0 {
		return ve.Error()
	}
	return strings.Join(slices.Compact(parts), "; ")
}
