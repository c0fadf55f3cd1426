package config_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/urakata/urakata/shared/config"
)

var update = flag.Bool("update", false, "rewrite the golden schema in testdata")

// schemaPath is the schema GenerateSchema writes for testVocabulary. The hub.schema.json at
// the module root is the real binary's (`urakata schema`, checked in cmd/urakata).
const schemaPath = "testdata/hub.schema.json"

// TestSchemaFileIsCurrent keeps the golden testdata/hub.schema.json equal to what
// GenerateSchema writes for testVocabulary, so that every change to the schema's shape is
// seen in review. Rewrite it with: go test ./shared/config -run TestSchemaFileIsCurrent -update
func TestSchemaFileIsCurrent(t *testing.T) {
	got, err := config.GenerateSchema(testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(schemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v; write it with: go test ./shared/config -run TestSchemaFileIsCurrent -update", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("testdata/hub.schema.json is stale; rewrite it with: go test ./shared/config -run TestSchemaFileIsCurrent -update")
	}
}

func TestGenerateSchemaIsDeterministic(t *testing.T) {
	t.Parallel()
	first, err := config.GenerateSchema(richVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := config.GenerateSchema(richVocabulary())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("two runs wrote different schemas")
		}
	}
}

// compile compiles the schema GenerateSchema writes for v; the compiler checks it against
// the draft 2020-12 metaschema first.
func compile(t *testing.T, v config.Vocabulary) *jsonschema.Schema {
	t.Helper()
	raw, err := config.GenerateSchema(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("hub.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("hub.schema.json")
	if err != nil {
		t.Fatalf("the generated schema is not valid JSON Schema: %v", err)
	}
	return sch
}

// validateYAML checks a hub.yaml against the schema as an editor would: as JSON.
func validateYAML(t *testing.T, sch *jsonschema.Schema, data string) error {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(data), &v); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

func TestExampleFileMatchesTheSchema(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# yaml-language-server: $schema=./hub.schema.json\n") {
		t.Fatal("hub.example.yaml does not point editors at hub.schema.json on its first line")
	}
	if err := validateYAML(t, compile(t, testVocabulary()), string(data)); err != nil {
		t.Fatalf("the schema refuses hub.example.yaml: %v", err)
	}
}

// TestSchemaAndValidatorAgree runs the same files through Parse and through a JSON Schema
// validator with the generated schema: what one accepts the other accepts.
func TestSchemaAndValidatorAgree(t *testing.T) {
	t.Parallel()
	sch := compile(t, richVocabulary())
	for _, tc := range []struct {
		name  string
		file  func(t *testing.T) string
		valid bool
	}{
		{"the base file is valid", func(*testing.T) string { return base }, true},
		{"a file using every key is valid", func(*testing.T) string { return richFile }, true},
		{"an unknown key is refused", func(t *testing.T) string { return with(t, "secret: FREEE_HR", "secrets: FREEE_HR") }, false},
		{"a string for an integer is refused", func(t *testing.T) string { return with(t, "closing_day: 0", "closing_day: end") }, false},
		{"closing day 31 is refused", func(t *testing.T) string { return with(t, "closing_day: 0", "closing_day: 31") }, false},
		{"a secret in settings is refused", func(t *testing.T) string {
			return with(t, "      company_id: 1\n", "      company_id: 1\n      client_secret: x\n")
		}, false},
		{"a missing required setting is refused", func(t *testing.T) string { return with(t, "company_id: 1", "token_url: https://a.example/t") }, false},
		{"a connection without the secret its vendor needs is refused", func(t *testing.T) string { return with(t, "    secret: FREEE_HR\n", "") }, false},
		{"a setting of another vendor is refused", func(t *testing.T) string { return with(t, "company_id: 1", "company_id: 1\n      channel: x") }, false},
		{"a bad name is refused", func(t *testing.T) string { return with(t, "  payroll:\n", "  Payroll_1:\n") }, false},
		{"a duration in words is refused", func(*testing.T) string { return "runtime: {lease: 2 minutes}\n" + base }, false},
		{"an unregistered vendor is refused", func(t *testing.T) string { return with(t, "vendor: freee-hr", "vendor: freee") }, false},
		{"an unregistered flow type is refused", func(t *testing.T) string { return with(t, "type: timeclock-to-payroll", "type: other") }, false},
		{"a trigger the flow type does not take is refused", func(t *testing.T) string {
			return with(t, "    period:\n", "      webhook: {connection: freee-hr}\n    period:\n")
		}, false},
		{"an empty trigger is refused", func(t *testing.T) string {
			return with(t, "    trigger:\n      schedule:\n        cron: \"0 6 1 * *\"\n", "    trigger: {}\n")
		}, false},
		{"a missing period is refused", func(t *testing.T) string {
			return with(t, "    period:\n      closing_day: 0\n      prescribed_daily_minutes: 480\n", "")
		}, false},
		{"a period on a flow type without one is refused", func(t *testing.T) string {
			return with(t, "type: timeclock-to-payroll", "type: expense-to-journal")
		}, false},
		{"a prescribed start without an end is refused", func(t *testing.T) string {
			return with(t, "      closing_day: 0\n", "      closing_day: 0\n      prescribed_start: \"09:00\"\n")
		}, false},
		{"a rounding unit not offered is refused", func(*testing.T) string { return base + "      rounding: {unit: 7}\n" }, false},
		{"a mapping item not offered is refused", func(*testing.T) string { return base + "    mapping: {match: [phone]}\n" }, false},
		{"a mapping item listed twice is refused", func(*testing.T) string { return base + "    mapping: {match: [code, code]}\n" }, false},
		{"a base URL that is not http is refused", func(t *testing.T) string {
			return with(t, "    secret: FREEE_HR\n", "    secret: FREEE_HR\n    base_url: ftp://files.example.com\n")
		}, false},
		{"a cron of four fields is refused", func(t *testing.T) string { return with(t, `"0 6 1 * *"`, `"0 6 1 *"`) }, false},
		{"another version is refused", func(t *testing.T) string { return with(t, "version: 1", "version: 2") }, false},
		{"a list document is refused", func(*testing.T) string { return "- version: 1\n" }, false},
		{"alerts to a chat connection and channel are valid", func(*testing.T) string { return base + "alerts: {chat: freee-hr, channel: C0123OPS}\n" }, true},
		{"alerts without a chat connection are refused", func(*testing.T) string { return base + "alerts: {channel: C0123OPS}\n" }, false},
		{"an alerts channel with a space is refused", func(*testing.T) string { return base + "alerts: {chat: freee-hr, channel: ops room}\n" }, false},
		{"an unknown key under alerts is refused", func(*testing.T) string {
			return base + "alerts: {chat: freee-hr, channel: C0123OPS, email: ops@example.com}\n"
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := tc.file(t)
			_, parseErr := config.Parse("hub.yaml", []byte(file), richVocabulary())
			schemaErr := validateYAML(t, sch, file)
			if (parseErr == nil) != tc.valid || (schemaErr == nil) != tc.valid {
				t.Fatalf("want valid=%v; Parse: %v; schema: %v", tc.valid, parseErr, schemaErr)
			}
		})
	}
}

// TestSchemaLeavesSomeRulesToTheValidator pins down what the schema cannot state, which its
// descriptions say: editors accept these files and urakata validate refuses them.
func TestSchemaLeavesSomeRulesToTheValidator(t *testing.T) {
	t.Parallel()
	sch := compile(t, richVocabulary())
	for _, tc := range []struct {
		name string
		file func(t *testing.T) string
	}{
		{"a cron field out of range", func(t *testing.T) string { return with(t, `"0 6 1 * *"`, `"0 25 * * *"`) }},
		{"a zone that does not exist", func(*testing.T) string { return "company: {zone: Asia/Tokio}\n" + base }},
		{"a source that names no connection", func(t *testing.T) string { return with(t, "source: freee-hr", "source: nobody") }},
		{"alerts that name no connection", func(*testing.T) string { return base + "alerts: {chat: nobody, channel: C0123OPS}\n" }},
		{"a duration of zero", func(*testing.T) string { return "runtime: {lease: 0s}\n" + base }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := tc.file(t)
			if err := validateYAML(t, sch, file); err != nil {
				t.Fatalf("the schema now refuses it (good: move this case to TestSchemaAndValidatorAgree): %v", err)
			}
			if _, err := config.Parse("hub.yaml", []byte(file), richVocabulary()); err == nil {
				t.Fatal("Parse accepted it")
			}
		})
	}
}
