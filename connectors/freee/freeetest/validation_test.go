package freeetest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEveryOperationOfHRJSONIsRouted(t *testing.T) {
	t.Parallel()
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, item := range spec.doc.Paths.Map() {
		ops += len(item.Operations())
	}
	if len(spec.routes) != ops || ops < 100 {
		t.Errorf("%d routes for %d operations", len(spec.routes), ops)
	}
	for op := range handlers {
		found := false
		for _, rt := range spec.routes {
			found = found || rt.Op == op
		}
		if !found {
			t.Errorf("handler %s serves no operation of hr.json", op)
		}
	}
}

func TestRequestsThatBreakHRJSONAreRefusedWith400AndRecorded(t *testing.T) {
	t.Parallel()
	clocks := fmt.Sprintf("/api/v1/employees/%d/time_clocks", normalID)
	summary := fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/4", normalID)
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		want   string // in the error message
	}{
		{"a date not in YYYY-MM-DD", http.MethodGet, clocks + "?company_id=1&from_date=2026/04/01", nil, "from_date"},
		{"a missing company_id", http.MethodGet, clocks + "?from_date=2026-04-01", nil, "company_id"},
		{"a limit over 100", http.MethodGet, clocks + "?company_id=1&limit=500", nil, "limit"},
		{"a year before 2000", http.MethodGet, fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/1999/4?company_id=1", normalID), nil, "year"},
		{"a month 13", http.MethodGet, "/api/v1/employees?company_id=1&year=2026&month=13", nil, "month"},
		{"a PUT without company_id", http.MethodPut, summary, map[string]any{"work_days": 20}, "company_id"},
		{"a PUT with minutes as a string", http.MethodPut, summary, map[string]any{"company_id": 1, "total_work_mins": "600"}, "total_work_mins"},
		{"a PUT with negative minutes", http.MethodPut, summary, map[string]any{"company_id": 1, "total_work_mins": -1}, "total_work_mins"},
		{"an operation the sandbox does not serve, badly asked", http.MethodGet, "/api/v1/groups", nil, "company_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := start(t, april2026())
			res := c.do(tt.method, tt.path, tt.body)
			if res.status != http.StatusBadRequest || res.header.Get("Content-Type") != contentProblem {
				t.Fatalf("status = %d %s %s, want 400 problem", res.status, res.header.Get("Content-Type"), res.body)
			}
			p := problemOf(t, res)
			if p.StatusCode != 400 || p.Errors[0].Type != "bad_request" || !strings.Contains(p.Errors[0].Messages[0], tt.want) {
				t.Errorf("problem = %+v, want bad_request naming %q", p, tt.want)
			}
			v := s.Violations()
			if len(v) != 1 || v[0].Side != RequestSide || !strings.Contains(v[0].Err, tt.want) {
				t.Errorf("violations = %v, want one request violation naming %q", v, tt.want)
			}
			if n := s.PutCount(normalID, 2026, time.April); n != 0 {
				t.Errorf("a refused PUT was stored (%d)", n)
			}
		})
	}
}

func TestAResponseThatBreaksHRJSONIsCaught(t *testing.T) {
	t.Parallel()
	// The hook makes a clock's type one hr.json does not know.
	breakIt := func(op string, rep *reply) {
		if op == "get_employee_time_clocks" {
			rep.body = []byte(strings.Replace(string(rep.body), `"clock_in"`, `"clock_on"`, 1))
		}
	}
	path := fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-04-01&to_date=2026-04-01", normalID)
	tests := []struct {
		name   string
		strict bool
		status int
	}{
		{"and recorded, the response going out as it was", false, http.StatusOK},
		{"and turned into a 500 in strict mode", true, http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := april2026()
			opts.Strict = tt.strict
			s := New(opts)
			s.mutateResponse = breakIt
			if err := s.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			c := &client{t: t, s: s, token: s.IssueToken().AccessToken, http: &http.Client{}}
			res := c.do(http.MethodGet, path, nil)
			if res.status != tt.status {
				t.Errorf("status = %d %s, want %d", res.status, res.body, tt.status)
			}
			v := s.Violations()
			if len(v) != 1 || v[0].Side != ResponseSide || v[0].Status != http.StatusOK || !strings.Contains(v[0].Err, `"/0/type"`) {
				t.Errorf("violations = %v, want the bad clock type", v)
			}
			// Other operations are untouched.
			c.do(http.MethodGet, "/api/v1/users/me", nil)
			if n := len(s.Violations()); n != 1 {
				t.Errorf("%d violations after a good response, want still 1", n)
			}
		})
	}
}
