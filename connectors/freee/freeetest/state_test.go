package freeetest

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSavedStateBringsBackTokensAndSummaries(t *testing.T) {
	t.Parallel()
	opts := Options{Employees: 3, Year: 2026, Month: time.October, Seed: 11}
	a := New(opts)
	tok := a.IssueToken()
	emp := a.Employees()[0]
	a.mu.Lock()
	a.summaries[monthKey{emp.ID, 2026, time.October}] = Summary{CompanyID: 1, TotalWorkMins: 9600}
	a.puts[monthKey{emp.ID, 2026, time.October}] = 1
	a.mu.Unlock()

	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	b := New(opts)
	if err := b.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	got, ok := b.Summary(emp.ID, 2026, time.October)
	if !ok || got.TotalWorkMins != 9600 || b.PutCount(emp.ID, 2026, time.October) != 1 {
		t.Fatalf("summary after restore = %+v, %v, puts %d; want total_work_mins 9600 and 1 put", got, ok, b.PutCount(emp.ID, 2026, time.October))
	}
	req, _ := http.NewRequest(http.MethodGet, "/hr/api/v1/users/me", nil)
	if _, ok := b.authenticate(withBearer(req, tok.AccessToken)); !ok {
		t.Fatal("an access token issued before the save is refused after the restore")
	}
}

func TestSavedStateBringsBackDepartments(t *testing.T) {
	t.Parallel()
	opts := Options{Employees: 3, Year: 2026, Month: time.October, Seed: 11}
	a := New(opts)
	legal := Department{ID: 201, Code: "LEGAL", Name: "法務部"}
	if err := a.SetDepartment(1001, legal); err != nil {
		t.Fatal(err)
	}
	if err := a.SetDepartment(1002, Department{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.String()
	b := New(opts)
	if err := b.LoadState(strings.NewReader(saved)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.Employees(), a.Employees()) {
		t.Errorf("employees after restore = %+v\nwant %+v", b.Employees(), a.Employees())
	}
	if e, _ := b.Employee(1002); e.Department != (Department{}) {
		t.Errorf("employee 1002 is in %+v after restore; want no department", e.Department)
	}

	smaller := New(Options{Employees: 1, Year: 2026, Month: time.October, Seed: 11})
	if err := smaller.LoadState(strings.NewReader(saved)); err == nil || !strings.Contains(err.Error(), "1002") {
		t.Errorf("loading into a company without employee 1002: err = %v; want a refusal naming it", err)
	}
}

func TestSavedStateOfAnotherCompanyIsRefused(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := New(Options{Employees: 1, CompanyID: 1}).SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	if err := New(Options{Employees: 1, CompanyID: 2}).LoadState(&buf); err == nil {
		t.Fatal("state of company 1 loaded into company 2")
	}
}

func withBearer(r *http.Request, tok string) *http.Request {
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}
