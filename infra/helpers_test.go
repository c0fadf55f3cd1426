package infra

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/urakata/urakata/shared/config"
)

// These tests drive CDK through jsii, which runs one node process for the whole test
// binary and serializes calls to it: they build each stack once, check it in subtests, and
// do not run in parallel, which would only queue behind the same process.

// fakeAssets stands in for make lambdas' build/lambda: one folder per function with a
// bootstrap. Its content is the same on every call, so asset hashes are too.
func fakeAssets(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{WebhookFunction, ScheduleFunction, WorkerFunction, ReplayFunction, "helpdesk"} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "bootstrap"), []byte("#!/bin/sh\n# "+name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// parseHub validates a hub.yaml as the app does.
func parseHub(t *testing.T, name, text string) *config.File {
	t.Helper()
	cfg, err := config.Parse(name, []byte(text), Vocabulary())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cfg
}

// demoHub is the repository's hub.example.yaml, the one make synth deploys by default.
func demoHub(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../hub.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// synthesized is a stack built for a test, its template, and cdk-nag's verdict on it.
type synthesized struct {
	stack    awscdk.Stack
	template assertions.Template
	// resources is the template's Resources section, by logical id.
	resources map[string]map[string]any
}

// synth builds the stack for cfg in a fresh app, with cdk-nag's AwsSolutions pack applied
// as the real app applies it.
func synth(t *testing.T, cfg *config.File, assets string) *synthesized {
	t.Helper()
	app := awscdk.NewApp(nil)
	stack := NewHubStack(app, "Hub", &HubStackProps{Config: cfg, AssetDir: assets, SecretPrefix: "urakata/"})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
	tmpl := assertions.Template_FromStack(stack, nil)
	raw, err := json.Marshal(tmpl.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources map[string]map[string]any
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return &synthesized{stack: stack, template: tmpl, resources: doc.Resources}
}

// check runs a CDK assertion, which reports failure by panicking through jsii, as a test
// error.
func check(t *testing.T, assertion func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Error(r)
		}
	}()
	assertion()
}

var logicalIDHash = regexp.MustCompile(`[0-9A-F]{8}$`)

// name is a logical id without the hash CDK appends: "WorkQueue1CAC4D2F" is "WorkQueue".
func name(logicalID string) string { return logicalIDHash.ReplaceAllString(logicalID, "") }

// id returns the logical id of the one resource called name (see name).
func (s *synthesized) id(t *testing.T, n string) string {
	t.Helper()
	var found []string
	for id := range s.resources {
		if name(id) == n {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		t.Fatalf("resources named %s: %q, want exactly one", n, found)
	}
	return found[0]
}

func ref(id string) map[string]any    { return map[string]any{"Ref": id} }
func getAtt(id string) map[string]any { return map[string]any{"Fn::GetAtt": []any{id, "Arn"}} }

// grants is what a role may do: resource name (see name) to allowed actions. It reads the
// role's IAM policies and the key policy statements naming the role, which CDK writes for
// secrets decrypted through Secrets Manager (resource "Key via secretsmanager").
func (s *synthesized) grants(t *testing.T, role string) map[string][]string {
	t.Helper()
	roleID := s.id(t, role)
	out := map[string][]string{}
	add := func(stmt map[string]any, resourceSuffix string) {
		if stmt["Effect"] != "Allow" {
			return
		}
		for _, r := range list(stmt["Resource"]) {
			res := resourceName(t, r) + resourceSuffix
			for _, a := range list(stmt["Action"]) {
				out[res] = append(out[res], a.(string))
			}
		}
	}
	for _, r := range s.resources {
		props, _ := r["Properties"].(map[string]any)
		switch r["Type"] {
		case "AWS::IAM::Policy":
			if !slices.ContainsFunc(list(props["Roles"]), func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(ref(roleID)) }) {
				continue
			}
			for _, st := range list(props["PolicyDocument"].(map[string]any)["Statement"]) {
				add(st.(map[string]any), "")
			}
		case "AWS::KMS::Key":
			for _, st := range list(props["KeyPolicy"].(map[string]any)["Statement"]) {
				stmt := st.(map[string]any)
				if fmt.Sprint(stmt["Principal"]) == fmt.Sprint(map[string]any{"AWS": getAtt(roleID)}) {
					stmt["Resource"] = "Key"
					add(stmt, " via secretsmanager")
				}
			}
		}
	}
	for k, v := range out {
		slices.Sort(v)
		out[k] = slices.Compact(v)
	}
	return out
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// resourceName names a policy resource: {"Fn::GetAtt":[id,"Arn"]} and {"Ref":id} by the
// resource's name, a join of one of those and ":*" (every version of a function) by the
// name and ":*"; "*" stays "*".
func resourceName(t *testing.T, r any) string {
	t.Helper()
	switch v := r.(type) {
	case string:
		return v
	case map[string]any:
		if a, ok := v["Fn::GetAtt"].([]any); ok {
			return name(a[0].(string))
		}
		if id, ok := v["Ref"].(string); ok {
			return name(id)
		}
		if j, ok := v["Fn::Join"].([]any); ok {
			parts := j[1].([]any)
			if len(parts) == 2 && parts[1] == ":*" {
				return resourceName(t, parts[0]) + ":*"
			}
		}
	}
	t.Fatalf("policy resource %v: not a form these tests read", r)
	return ""
}

// nagFindings lists cdk-nag's unsuppressed errors and warnings on the stack.
func (s *synthesized) nagFindings() []string {
	ann := assertions.Annotations_FromStack(s.stack)
	nagRule := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	var out []string
	for _, m := range append(*ann.FindError(jsii.String("*"), nagRule), *ann.FindWarning(jsii.String("*"), nagRule)...) {
		out = append(out, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
	}
	return out
}

// secretID is the resource name (see name) of the secret hub.yaml names secret:
// "FREEE_HR" is "SecretsFREEEHR".
func secretID(secret string) string { return "Secrets" + strings.ReplaceAll(secret, "_", "") }

// sortedKeys is for messages.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
