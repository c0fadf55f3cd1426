package xerotest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestValidatorRejectsWrongRequests proves the request validator works: each request breaks
// the description in one way, is answered 400 in its API's error shape, and is kept as a
// violation.
func TestValidatorRejectsWrongRequests(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method, path string
		body               any
		header             []string
		op                 string
	}{
		{name: "journal lines that are not an array", method: http.MethodPut, path: "/api.xro/2.0/ManualJournals",
			body: `{"ManualJournals":[{"Narration":"n","JournalLines":"1320"}]}`, op: "accounting.createManualJournals"},
		{name: "a journal without its required narration", method: http.MethodPut, path: "/api.xro/2.0/ManualJournals",
			body: `{"ManualJournals":[{"JournalLines":[]}]}`, op: "accounting.createManualJournals"},
		{name: "a page that is not an integer", method: http.MethodGet, path: "/api.xro/2.0/ManualJournals?page=two", op: "accounting.getManualJournals"},
		{name: "a request without the tenant header", method: http.MethodGet, path: "/api.xro/2.0/Accounts", header: []string{"xero-tenant-id", ""}, op: "accounting.getAccounts"},
		{name: "a timesheet id that is not a UUID", method: http.MethodGet, path: "/payroll.xro/2.0/Timesheets/not-a-uuid", op: "payroll.getTimesheet"},
		{name: "a timesheet line without its earnings rate", method: http.MethodPost, path: "/payroll.xro/2.0/Timesheets",
			body: `{"payrollCalendarID":"216d80e6-af55-47b1-b718-9457c3f5d2fe","employeeID":"aad6b292-7b94-408b-93f6-e489867e3fb0","startDate":"2026-10-01","endDate":"2026-10-31","timesheetLines":[{"date":"2026-10-05","numberOfUnits":8}]}`,
			op:   "payroll.createTimesheet"},
		{name: "a timesheet date that is not a date", method: http.MethodPost, path: "/payroll.xro/2.0/Timesheets",
			body: `{"payrollCalendarID":"216d80e6-af55-47b1-b718-9457c3f5d2fe","employeeID":"aad6b292-7b94-408b-93f6-e489867e3fb0","startDate":"1 October","endDate":"2026-10-31"}`,
			op:   "payroll.createTimesheet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := start(t, october2026())
			res := c.do(tc.method, tc.path, tc.body, tc.header...)
			if res.status != http.StatusBadRequest {
				t.Fatalf("status %d %s; want 400", res.status, res.body)
			}
			if strings.HasPrefix(tc.op, "payroll.") {
				payrollReason(t, res)
			} else {
				accountingMessages(t, res)
			}
			v := s.Violations()
			if len(v) != 1 || v[0].Side != RequestSide || v[0].Op != tc.op {
				t.Fatalf("violations %v; want one request violation of %s", v, tc.op)
			}
		})
	}
}

// TestValidatorCatchesABrokenResponse proves the response validator works: a response the
// sandbox breaks on purpose is kept as a violation, and in Strict mode answered 500.
func TestValidatorCatchesABrokenResponse(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		opts := october2026()
		opts.Strict = strict
		s, c := start(t, opts)
		s.mutateResponse = func(op string, rep *reply) {
			if op == "payroll.getEmployees" {
				rep.body = []byte(`{"employees":[{"employeeID":"e1","firstName":7}]}`)
			}
		}
		res := c.do(http.MethodGet, "/payroll.xro/2.0/Employees", nil)
		v := s.Violations()
		if len(v) != 1 || v[0].Side != ResponseSide || v[0].Status != 200 {
			t.Fatalf("strict=%v: violations %v; want one response violation", strict, v)
		}
		if want := map[bool]int{false: 200, true: 500}[strict]; res.status != want {
			t.Errorf("strict=%v: status %d; want %d", strict, res.status, want)
		}
	}
}

// TestEveryServedResponseKeepsToTheDescriptions reads every operation the sandbox serves:
// no violation, so what the connectors are tested against is what Xero describes.
func TestEveryServedResponseKeepsToTheDescriptions(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	emp := s.Employees()[0]
	claim := s.ExpenseClaims()[0]
	for _, path := range []string{
		"/Connections", "/api.xro/2.0/Accounts", "/api.xro/2.0/TaxRates", "/api.xro/2.0/ManualJournals",
		"/api.xro/2.0/ExpenseClaims", "/api.xro/2.0/ExpenseClaims/" + claim.ID, "/api.xro/2.0/Receipts/" + claim.Receipts[0].ID,
		"/payroll.xro/2.0/Employees", "/payroll.xro/2.0/Employees/" + emp.ID, "/payroll.xro/2.0/EarningsRates", "/payroll.xro/2.0/Timesheets",
	} {
		var v any
		c.get(path, &v)
	}
	res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("n-1"))
	if res.status != 200 {
		t.Fatalf("PUT journal: %d %s", res.status, res.body)
	}
	var out struct {
		ManualJournals []struct{ ManualJournalID string }
	}
	_ = json.Unmarshal(res.body, &out)
	var v any
	c.get("/api.xro/2.0/ManualJournals/"+out.ManualJournals[0].ManualJournalID, &v)
	noViolations(t, s)
}

func TestUnservedOperations(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	// Validated first, then 501.
	if res := c.do(http.MethodGet, "/api.xro/2.0/Invoices", nil); res.status != http.StatusNotImplemented {
		t.Errorf("GET Invoices: %d; want 501", res.status)
	}
	// The description declares …/Attachments/{AttachmentID} and …/{FileName}: 501 unvalidated.
	if res := c.do(http.MethodGet, "/api.xro/2.0/Receipts/0b159335-606b-485f-b51b-97b3b32bad32/Attachments/x.jpg", nil); res.status != http.StatusNotImplemented {
		t.Errorf("GET an attachment: %d; want 501", res.status)
	}
	if res := c.do(http.MethodGet, "/nothing/here", nil); res.status != http.StatusNotFound {
		t.Errorf("GET an unknown path: %d; want 404", res.status)
	}
	noViolations(t, s)
}

func TestTenants(t *testing.T) {
	t.Parallel()
	opts := october2026()
	opts.OtherOrganisations = []string{"Other Ltd"}
	s, c := start(t, opts)
	var conns []connection
	c.get("/Connections", &conns)
	if len(conns) != 2 || conns[0].TenantID != s.TenantID() || conns[1].TenantName != "Other Ltd" {
		t.Fatalf("connections %+v", conns)
	}
	for _, tenant := range []string{conns[1].TenantID, "00000000-0000-4000-8000-000000000000"} {
		if res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil, "xero-tenant-id", tenant); res.status != http.StatusForbidden {
			t.Errorf("tenant %s: %d; want 403", tenant, res.status)
		}
	}
	noViolations(t, s)
}

func TestWebhookValidatorCatchesAWrongEvent(t *testing.T) {
	t.Parallel()
	s := New(october2026())
	good := s.InvoiceEvent("717f2bfc-c6d4-41fd-b238-3f2f0c0cf777", "UPDATE")
	if _, err := s.Delivery(1, good); err != nil {
		t.Fatal(err)
	}
	noViolations(t, s)
	bad := good
	bad.EventType = "DELETE"
	if _, err := s.Delivery(1, bad); err != nil {
		t.Fatal(err)
	}
	v := s.Violations()
	if len(v) != 1 || v[0].Side != WebhookSide {
		t.Fatalf("violations %v; want one webhook violation for a DELETE event", v)
	}
}
