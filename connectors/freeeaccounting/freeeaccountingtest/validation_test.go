package freeeaccountingtest

import (
	"net/http"
	"strings"
	"testing"
)

func TestTheValidatorRefusesAWrongRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method, path string
		body               any
		says               string
	}{
		{"a list without company_id", http.MethodGet, "/api/1/expense_applications", nil, "company_id"},
		{"a page larger than freee serves", http.MethodGet, "/api/1/expense_applications?company_id=1&limit=501", nil, "limit"},
		{"a status freee does not know", http.MethodGet, "/api/1/expense_applications?company_id=1&status=done", nil, "status"},
		{"a journal line without a tax code", http.MethodPost, "/api/1/manual_journals",
			map[string]any{"company_id": 1, "issue_date": "2026-10-07", "details": []map[string]any{{"entry_side": "debit", "account_item_id": 1, "amount": 1}}}, "tax_code"},
		{"a reference number over 20 characters", http.MethodPost, "/api/1/manual_journals",
			map[string]any{"company_id": 1, "issue_date": "2026-10-07", "ref_number": strings.Repeat("x", 21),
				"details": []map[string]any{{"entry_side": "debit", "account_item_id": 1, "tax_code": 2, "amount": 1}}}, "ref_number"},
		{"a zero amount", http.MethodPost, "/api/1/manual_journals",
			map[string]any{"company_id": 1, "issue_date": "2026-10-07", "details": []map[string]any{{"entry_side": "debit", "account_item_id": 1, "tax_code": 2, "amount": 0}}}, "amount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, Options{})
			status, _, body := api(t, s, tc.method, tc.path, tc.body)
			if status != 400 || !strings.Contains(string(body), `"type":"validation"`) {
				t.Errorf("%d %s; want 400 with a validation message", status, body)
			}
			v := s.Violations()
			if len(v) != 1 || v[0].Side != RequestSide || !strings.Contains(v[0].Err, tc.says) {
				t.Errorf("violations %v; want one request violation naming %s", v, tc.says)
			}
			if len(s.ManualJournals()) != 0 {
				t.Error("a refused journal was stored")
			}
		})
	}
}

func TestTheValidatorCatchesABrokenResponse(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		s := start(t, Options{Strict: strict})
		s.mutateResponse = func(op string, rep *reply) {
			if op == "get_expense_application" {
				rep.body = []byte(strings.Replace(string(rep.body), `"status":"approved"`, `"status":"done"`, 1))
			}
		}
		status, _, _ := api(t, s, http.MethodGet, "/api/1/expense_applications/1001?company_id=1", nil)
		v := s.Violations()
		if len(v) != 1 || v[0].Side != ResponseSide || v[0].Status != 200 || !strings.Contains(v[0].String(), "status") {
			t.Errorf("strict %v: violations %v; want the response's status flagged", strict, v)
		}
		if want := map[bool]int{false: 200, true: 500}[strict]; status != want {
			t.Errorf("strict %v: answered %d; want %d", strict, status, want)
		}
	}
}
