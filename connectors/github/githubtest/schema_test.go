package githubtest

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSchemaFilesAreEveryFileOfTestdataGithub(t *testing.T) {
	t.Parallel()
	onDisk, err := filepath.Glob("../../../testdata/github/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range onDisk {
		names = append(names, filepath.Base(p))
	}
	want := slices.Sorted(slices.Values(SchemaFiles))
	if !slices.Equal(names, want) {
		t.Errorf("testdata/github holds %v; SchemaFiles lists %v", names, want)
	}
	for _, p := range onDisk {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "https://docs.github.com/") {
			t.Errorf("%s cites no docs.github.com page", filepath.Base(p))
		}
	}
}

func TestEveryOperationOfTheSchemasIsServed(t *testing.T) {
	t.Parallel()
	sch, err := loadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, op := range sch.ops {
		ids = append(ids, op.ID)
		if _, ok := handlers[op.ID]; !ok {
			t.Errorf("%s has no handler", op.ID)
		}
		if !strings.HasPrefix(op.Docs, "https://docs.github.com/") {
			t.Errorf("%s: docs %q is not a docs.github.com page", op.ID, op.Docs)
		}
		if _, ok := op.responses["error"]; !ok {
			t.Errorf("%s declares no error answer", op.ID)
		}
	}
	if len(ids) != len(handlers) {
		t.Errorf("schemas declare %v; handlers serve %d operations", ids, len(handlers))
	}
	for _, event := range []string{"push", "ping"} {
		if sch.webhooks[event] == nil {
			t.Errorf("no schema for the %s webhook", event)
		}
	}
}

// TestTheValidatorRejectsWrongRequests proves the request check is not a formality: each
// request breaks one rule of GitHub's documentation, is refused as GitHub refuses it, and
// is recorded as the client's violation.
func TestTheValidatorRejectsWrongRequests(t *testing.T) {
	t.Parallel()
	const issues = "/api/v3/repos/demo-company/back-office/issues"
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		want                     string // in the recorded violation
	}{
		{"a misspelt body parameter is refused", http.MethodPost, issues, `{"title":"x","lables":["bug"]}`, nil, 422, "lables"},
		{"an issue without a title is refused", http.MethodPost, issues, `{"body":"no title"}`, nil, 422, "title"},
		{"labels given as one string are refused", http.MethodPost, issues, `{"title":"x","labels":"bug"}`, nil, 422, "labels"},
		{"a body that is not JSON is refused with 400", http.MethodPost, issues, `{"title":`, nil, 400, "body"},
		{"a JSON body sent as a form is refused", http.MethodPost, issues, `{"title":"x"}`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 422, "content-type"},
		{"a request without a User-Agent is refused", http.MethodGet, issues, "", map[string]string{"User-Agent": ""}, 422, "user-agent"},
		{"an unknown API version is refused", http.MethodGet, issues, "", map[string]string{"X-GitHub-Api-Version": "2020-01-01"}, 422, "x-github-api-version"},
		{"a page larger than 100 is refused", http.MethodGet, issues + "?per_page=500", "", nil, 422, "per_page"},
		{"an unknown state filter is refused", http.MethodGet, issues + "?state=opened", "", nil, 422, "state"},
		{"an unknown query parameter is refused", http.MethodGet, issues + "?label=bug", "", nil, 422, "label"},
		{"a repeated query parameter is refused", http.MethodGet, issues + "?state=open&state=closed", "", nil, 422, "state"},
		{"a GET with a body is refused", http.MethodGet, issues + "/1", `{"x":1}`, nil, 422, "body"},
		{"an issue number that is not a number is refused", http.MethodGet, issues + "/first", "", nil, 422, "issue_number"},
		{"an empty comment is refused", http.MethodPost, issues + "/1/comments", `{"body":""}`, nil, 422, "body"},
		{"an unknown state is refused", http.MethodPatch, issues + "/1", `{"state":"done"}`, nil, 422, "state"},
		{"an edit that changes nothing is refused", http.MethodPatch, issues + "/1", `{}`, nil, 422, "body"},
		{"a contents query with an unknown parameter is refused", http.MethodGet, "/api/v3/repos/demo-company/back-office/contents/faq?branch=main", "", nil, 422, "branch"},
		{"an owner name GitHub would not allow is refused", http.MethodGet, "/api/v3/repos/demo_company!/back-office/issues", "", nil, 422, "owner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, Options{})
			resp, body := raw(t, s, tc.method, tc.path, tc.body, tc.header)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s); want %d", resp.StatusCode, body, tc.status)
			}
			v := s.Violations()
			if len(v) != 1 || v[0].Side != RequestSide || !strings.Contains(v[0].String(), tc.want) {
				t.Fatalf("violations %v; want one request violation naming %q", v, tc.want)
			}
			if got := s.Issues("demo-company", "back-office"); len(got) != 3 || len(got[0].Comments) != 0 || got[0].State != "open" {
				t.Errorf("a refused request changed the repository: %+v", got)
			}
		})
	}
}

func TestTheSameRequestsDoneRightPass(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	const issues = "/api/v3/repos/demo-company/back-office/issues"
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, issues, `{"title":"x","labels":["bug",{"name":"urakata-alert"}]}`},
		{http.MethodPost, issues, `{"title":42}`},
		{http.MethodGet, issues + "?per_page=100&state=all&labels=bug,documentation&sort=updated&direction=asc&since=2026-01-01T00:00:00Z", ""},
		{http.MethodPost, issues + "/1/comments", `{"body":"了解です"}`},
		{http.MethodPatch, issues + "/1", `{"state":"closed","state_reason":"not_planned"}`},
		{http.MethodGet, "/api/v3/repos/demo-company/back-office/contents/faq?ref=main", ""},
	} {
		if resp, body := raw(t, s, tc.method, tc.path, tc.body, nil); resp.StatusCode >= 300 {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, resp.StatusCode, body)
		}
	}
	noViolations(t, s)
}

// TestBrokenAnswersAreCaught proves the answer checks work: an answer that breaks the
// schema, and one that passes the schema but that go-github cannot decode, are recorded,
// and Strict turns them into a 500.
func TestBrokenAnswersAreCaught(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		strict bool
		mutate func(rep *reply)
		side   Side
	}{
		{"an issue without its number breaks the schema", false,
			func(rep *reply) { rep.body = []byte(strings.Replace(string(rep.body), `"number":1,`, ``, 1)) }, ResponseSide},
		{"a number written 1.0 passes the schema but not go-github", false,
			func(rep *reply) {
				rep.body = []byte(strings.Replace(string(rep.body), `"number":1,`, `"number":1.0,`, 1))
			}, DecodeSide},
		{"a status the operation does not declare is caught", false,
			func(rep *reply) { rep.status = http.StatusAccepted }, ResponseSide},
		{"in strict mode a broken answer becomes a 500", true,
			func(rep *reply) { rep.body = []byte(`{"id":1}`) }, ResponseSide},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(Options{Strict: tc.strict})
			s.mutateResponse = func(op string, rep *reply) {
				if op == "issues/get" {
					tc.mutate(rep)
				}
			}
			if err := s.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			resp, body := raw(t, s, http.MethodGet, "/api/v3/repos/demo-company/back-office/issues/1", "", nil)
			v := s.Violations()
			if len(v) != 1 || v[0].Side != tc.side || v[0].Op != "issues/get" {
				t.Fatalf("violations %v; want one %s violation of issues/get", v, tc.side)
			}
			if tc.strict && (resp.StatusCode != 500 || !contains(body, "broke testdata/github")) {
				t.Errorf("strict: %d %s; want a 500 saying why", resp.StatusCode, body)
			}
		})
	}
}
