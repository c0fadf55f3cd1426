package githubtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	urakata "github.com/urakata/urakata"
)

// SchemaFiles are the files of testdata/github/ the sandbox validates with: the shared
// shapes, one file per operation used, and one per webhook event sent.
var SchemaFiles = []string{
	"types.json",
	"issues-create.json", "issues-get.json", "issues-list-for-repo.json",
	"issues-create-comment.json", "issues-update.json", "repos-get-content.json",
	"webhook-push.json", "webhook-ping.json",
}

// schemaBase is where the schemas of testdata/github/ are registered with the compiler;
// their $refs ("types.json#/$defs/issue") resolve against it. Nothing is fetched from it
// (.invalid is a reserved name).
const schemaBase = "https://schemas.urakata.invalid/testdata/github/"

// operation is one REST operation of testdata/github/, as its x-operation says, with its
// compiled schemas.
type operation struct {
	// ID is GitHub's operation id, e.g. "issues/create".
	ID     string `json:"id"`
	Method string `json:"method"`
	// Path is the template, e.g. "/repos/{owner}/{repo}/issues/{issue_number}".
	Path string `json:"path"`
	Docs string `json:"docs"`

	params    []string
	request   *jsonschema.Schema
	responses map[string]*jsonschema.Schema // "200", "201", "error"
}

// schemas is testdata/github/ compiled: the operations the sandbox serves and the webhook
// payloads it sends. Compiled once per process and shared, read-only.
type schemas struct {
	ops      []*operation
	webhooks map[string]*jsonschema.Schema // by event name
}

var loadSchemas = sync.OnceValues(func() (*schemas, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	docs := map[string]map[string]any{}
	for _, f := range SchemaFiles {
		raw, err := urakata.VendorAPI("github/" + f)
		if err != nil {
			return nil, fmt.Errorf("githubtest: %w", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("githubtest: %s: %w", f, err)
		}
		name := f
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			return nil, fmt.Errorf("githubtest: %s: %w", f, err)
		}
		if m, ok := doc.(map[string]any); ok {
			docs[name] = m
		}
	}
	s := &schemas{webhooks: map[string]*jsonschema.Schema{}}
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		doc := docs[name]
		if wh, ok := doc["x-webhook"].(map[string]any); ok {
			event, _ := wh["event"].(string)
			sch, err := c.Compile(schemaBase + name)
			if err != nil {
				return nil, fmt.Errorf("githubtest: %s: %w", name, err)
			}
			s.webhooks[event] = sch
			continue
		}
		raw, ok := doc["x-operation"]
		if !ok {
			continue
		}
		b, _ := json.Marshal(raw)
		op := &operation{responses: map[string]*jsonschema.Schema{}}
		if err := json.Unmarshal(b, op); err != nil || op.ID == "" || op.Method == "" || op.Path == "" {
			return nil, fmt.Errorf("githubtest: %s: x-operation wants id, method and path", name)
		}
		op.params = pathParams(op.Path)
		defs, _ := doc["$defs"].(map[string]any)
		for def := range defs {
			sch, err := c.Compile(schemaBase + name + "#/$defs/" + def)
			if err != nil {
				return nil, fmt.Errorf("githubtest: %s: %s: %w", name, def, err)
			}
			switch {
			case def == "request":
				op.request = sch
			case strings.HasPrefix(def, "response-"):
				op.responses[strings.TrimPrefix(def, "response-")] = sch
			}
		}
		if op.request == nil {
			return nil, fmt.Errorf("githubtest: %s: no $defs/request", name)
		}
		s.ops = append(s.ops, op)
	}
	return s, nil
})

// pathParams lists the {names} of a path template.
func pathParams(p string) []string {
	var names []string
	for seg := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, seg[1:len(seg)-1])
		}
	}
	return names
}

// responseSchema picks the schema of an answer: its status's, or the error shape for any
// 4xx and 5xx. ok is false for a status the operation does not declare.
func (op *operation) responseSchema(status int) (*jsonschema.Schema, bool) {
	if sch, ok := op.responses[fmt.Sprint(status)]; ok {
		return sch, true
	}
	if status >= 400 {
		sch, ok := op.responses["error"]
		return sch, ok
	}
	return nil, false
}

// validate checks a JSON document (as encoding/json decodes it, numbers as json.Number)
// against sch; the error names the first place that fails.
func validate(sch *jsonschema.Schema, doc any) error {
	err := sch.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return errors.New(firstCause(ve))
	}
	return err
}

// firstCause is the deepest first failure of a validation, as "at /body/title: ...".
func firstCause(ve *jsonschema.ValidationError) string {
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	msg, _, _ := strings.Cut(ve.Error(), "\n")
	return msg
}

// decodeJSON reads b as the validator wants it (numbers kept exact).
func decodeJSON(b []byte) (any, error) {
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// Side says which party broke the schemas of testdata/github/.
type Side string

const (
	// RequestSide is a client request the schemas do not allow (answered 400 or 422).
	RequestSide Side = "request"
	// ResponseSide is a sandbox answer the schemas do not allow: a sandbox bug.
	ResponseSide Side = "response"
	// DecodeSide is a sandbox answer go-github's types cannot decode: a sandbox bug too.
	DecodeSide Side = "go-github"
	// WebhookSide is a webhook payload the sandbox built that its schema does not allow.
	WebhookSide Side = "webhook"
)

// Violation records one request, answer or webhook that broke testdata/github/, so tests
// can assert that both the client and the sandbox kept to GitHub's documented shapes.
type Violation struct {
	Side Side
	// Op is GitHub's operation id (or the webhook event).
	Op     string
	Method string
	// Path is the request path as sent (no query).
	Path string
	// Status is the answer's status (0 for a request).
	Status int
	// Err is what was found wrong.
	Err string
}

// String reads as one line for a test failure.
func (v Violation) String() string {
	if v.Status != 0 {
		return fmt.Sprintf("%s %s %s (%s): %d: %s", v.Side, v.Method, v.Path, v.Op, v.Status, v.Err)
	}
	return fmt.Sprintf("%s %s %s (%s): %s", v.Side, v.Method, v.Path, v.Op, v.Err)
}
