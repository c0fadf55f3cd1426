package metacheck

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the errors a check reports, so that a test can
// assert the check fails.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestServiceMethodsReadsEveryExportedServiceMethodButIterHelpers(t *testing.T) {
	t.Parallel()
	methods := ServiceMethods(t, "testdata/client")
	var names []string
	for _, m := range methods {
		names = append(names, m.Name)
	}
	want := []string{"ThingsService.List", "ThingsService.Get", "ThingsService.Undocumented", "ThingsService.Twice", "ThingsService.Malformed"}
	if !slices.Equal(names, want) {
		t.Fatalf("methods = %v; want %v", names, want)
	}
	list := methods[0]
	if filepath.Base(list.Pos.Filename) != "client.go" || list.Pos.Line != 11 {
		t.Errorf("List is at %s; want client.go:11", list.Pos)
	}
	if op, ok := list.Operation(); !ok || op != (Operation{Method: "GET", Path: "/things"}) {
		t.Errorf("List names %v (ok %v); want GET /things", op, ok)
	}
	for _, m := range methods[2:] {
		if _, ok := m.Operation(); ok {
			t.Errorf("%s parses as naming one operation; want not", m.Name)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	methods := map[string]Method{}
	for _, m := range ServiceMethods(t, "testdata/client") {
		methods[strings.TrimPrefix(m.Name, "ThingsService.")] = m
	}
	list := Operation{Method: "GET", Path: "/things"}
	get := Operation{Method: "GET", Path: "/things/{id}"}
	both := Description{
		list: {Source: "things.json", DocsURL: "https://example.com/docs/things/list"},
		get:  {Source: "things.json"},
	}
	template := func(p string) string {
		if i := strings.Index(p, "{"); i >= 0 {
			return p[:i] + "{}"
		}
		return p
	}
	for _, tc := range []struct {
		name    string
		methods []string
		d       Description
		opts    Options
		want    string // a part of the one error wanted; "" for none
	}{
		{"a method naming a described operation under the docs section passes", []string{"List"}, both,
			Options{DocsURL: Section("https://example.com/docs/")}, ""},
		{"a method naming an operation the description lacks fails", []string{"List"}, Description{get: {}},
			Options{}, "GET /things is not an operation of the description"},
		{"a path with other parameter names matches once normalized", []string{"Get"}, both,
			Options{Normalize: template}, ""},
		{"a path with other parameter names fails without normalizing", []string{"Get"}, both,
			Options{}, "GET /things/{thing_id} is not an operation"},
		{"a method with no meta line fails", []string{"Undocumented"}, both,
			Options{}, "want exactly one //meta:operation line, have 0"},
		{"a method with two meta lines fails", []string{"Twice"}, both,
			Options{}, "have 2"},
		{"a malformed meta line fails", []string{"Malformed"}, both,
			Options{}, "malformed"},
		{"a doc comment that links no page of the docs section fails", []string{"List"}, both,
			Options{DocsURL: Section("https://example.com/other/")}, "does not link the docs URL https://example.com/other/"},
		{"a page URL must be linked exactly, not as a prefix", []string{"List"}, both,
			Options{DocsURL: func(Operation, Described) string { return "https://example.com/docs/things/li" }}, "does not link"},
		{"the description's own docs URL for the operation passes", []string{"List"}, both,
			Options{DocsURL: func(_ Operation, d Described) string { return d.DocsURL }}, ""},
		{"a described operation no method names fails when the audit is complete", []string{"List"}, both,
			Options{Complete: true}, "GET /things/{id} of things.json has no service method"},
		{"a scan finding fewer methods than expected fails", []string{"List"}, both,
			Options{MinMethods: 2}, "found 1 service methods"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ms []Method
			for _, name := range tc.methods {
				ms = append(ms, methods[name])
			}
			r := &recorder{TB: t}
			Check(r, ms, tc.d, tc.opts)
			switch {
			case tc.want == "" && len(r.errs) > 0:
				t.Errorf("errors %q; want none", r.errs)
			case tc.want != "" && (len(r.errs) != 1 || !strings.Contains(r.errs[0], tc.want)):
				t.Errorf("errors %q; want one saying %q", r.errs, tc.want)
			}
		})
	}
}

func TestOpenAPI(t *testing.T) {
	t.Parallel()
	t.Run("a Swagger 2 description is read without conversion", func(t *testing.T) {
		t.Parallel()
		d := OpenAPI(t, "slack/web_openapi_v2.json", "")
		if _, ok := d[Operation{Method: "GET", Path: "/auth.test"}]; !ok {
			t.Errorf("GET /auth.test missing from %d operations", len(d))
		}
	})
	t.Run("the prefix goes before every path", func(t *testing.T) {
		t.Parallel()
		d := OpenAPI(t, "xero/xero-identity.yaml", "/identity")
		if _, ok := d[Operation{Method: "GET", Path: "/identity/Connections"}]; !ok {
			t.Errorf("GET /identity/Connections missing from %v", d)
		}
		for op := range d {
			if !strings.HasPrefix(op.Path, "/identity/") || !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, op.Method) {
				t.Errorf("%s is not an operation under the prefix", op)
			}
		}
	})
	t.Run("an operation's docs URL is unescaped", func(t *testing.T) {
		t.Parallel()
		d := OpenAPI(t, "kingoftime/kot-openapi.yml", "")
		got := d[Operation{Method: "GET", Path: "/daily-workings"}].DocsURL
		if got != "https://developer.kingtime.jp/#勤怠-日別勤怠データ-get" {
			t.Errorf("docs URL = %q", got)
		}
	})
}
