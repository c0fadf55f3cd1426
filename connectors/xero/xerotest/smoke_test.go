package xerotest

import (
	"io"
	"net/http"
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	s := New(Options{Year: 2026, Month: time.October})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok := s.IssueToken().AccessToken
	for _, p := range []string{"/Connections", "/api.xro/2.0/Accounts", "/api.xro/2.0/TaxRates", "/api.xro/2.0/ExpenseClaims", "/payroll.xro/2.0/Employees", "/payroll.xro/2.0/EarningsRates", "/payroll.xro/2.0/Timesheets", "/api.xro/2.0/ManualJournals"} {
		req, _ := http.NewRequest("GET", s.URL()+p, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("xero-tenant-id", s.TenantID())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if len(b) > 300 {
			b = b[:300]
		}
		t.Logf("%s %d %s", p, resp.StatusCode, b)
	}
	for _, v := range s.Violations() {
		t.Errorf("%s", v)
	}
}
