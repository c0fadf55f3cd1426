package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite hub.schema.json at the module root from `urakata schema`")

// schemaPath is the schema editors read, named on the first line of hub.example.yaml.
const schemaPath = "../../hub.schema.json"

// TestCommittedSchemaIsCurrent keeps hub.schema.json equal to what `urakata schema` prints:
// the schema of the connectors and flow types this binary registers. Rewrite it with:
// go generate ./cmd/urakata
func TestCommittedSchemaIsCurrent(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runUrakata(t, "schema")
	if code != exitOK {
		t.Fatalf("urakata schema exited %d; stderr:\n%s", code, stderr)
	}
	if *update {
		if err := os.WriteFile(schemaPath, stdout, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v; write it with: go generate ./cmd/urakata", err)
	}
	if !bytes.Equal(stdout, want) {
		t.Fatal("hub.schema.json is not what `urakata schema` prints; rewrite it with: go generate ./cmd/urakata")
	}
}

// The committed schema is valid JSON Schema, accepts hub.example.yaml, and knows the
// registered vendor's settings: an editor flags a misspelt one as urakata validate does.
func TestCommittedSchemaChecksTheExample(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("hub.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("hub.schema.json")
	if err != nil {
		t.Fatalf("hub.schema.json is not valid JSON Schema: %v", err)
	}
	example, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(yamlAsJSON(t, example)); err != nil {
		t.Fatalf("hub.schema.json refuses hub.example.yaml: %v", err)
	}
	misspelt := bytes.Replace(example, []byte("company_id: 1"), []byte("companyid: 1"), 1)
	if err := sch.Validate(yamlAsJSON(t, misspelt)); err == nil {
		t.Fatal("hub.schema.json accepts a freee-hr setting that does not exist")
	}
}

// yamlAsJSON decodes a YAML document into the values a JSON Schema validator takes.
func yamlAsJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}
