package freeeaccountingtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

type listedClaims struct {
	ExpenseApplications []struct {
		ID         int64   `json:"id"`
		Status     string  `json:"status"`
		IssueDate  string  `json:"issue_date"`
		DealID     *int64  `json:"deal_id"`
		DealStatus *string `json:"deal_status"`
	} `json:"expense_applications"`
	Meta struct {
		TotalCount int `json:"total_count"`
	} `json:"meta"`
}

func TestTheDemoMonthHasSevenApprovedClaimsOneWaitingOneRejectedOneDraft(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	count := map[string]int{}
	for _, a := range s.Applications() {
		count[a.Status]++
		first, last := s.Month()
		if a.IssueDate.Before(first) || a.IssueDate.After(last) {
			t.Errorf("claim %d filed %s, outside the demo month", a.ID, a.IssueDate)
		}
		if a.Status == "approved" && (a.ApprovedAt.Before(a.AppliedAt) || a.DealID == 0) {
			t.Errorf("claim %d approved at %s, applied at %s, deal %d", a.ID, a.ApprovedAt, a.AppliedAt, a.DealID)
		}
	}
	if count["approved"] != 7 || count["in_progress"] != 1 || count["rejected"] != 1 || count["draft"] != 1 {
		t.Errorf("statuses %v", count)
	}
	status, _, body := api(t, s, http.MethodGet, "/api/1/expense_applications?company_id=1&status=approved&limit=500", nil)
	got := decode[listedClaims](t, body)
	if status != 200 || len(got.ExpenseApplications) != 7 || got.Meta.TotalCount != 7 {
		t.Fatalf("%d %s", status, body)
	}
	if got.ExpenseApplications[0].ID != 1007 || got.ExpenseApplications[0].DealStatus == nil || *got.ExpenseApplications[0].DealStatus != "unsettled" {
		t.Errorf("first listed %+v; want the newest claim with its unsettled deal", got.ExpenseApplications[0])
	}
}

func TestExpenseApplicationFilters(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	for _, tc := range []struct {
		query string
		ids   []int64
	}{
		{"status=in_progress", []int64{1008}},
		{"status=unsettled", []int64{1007, 1006, 1005, 1004, 1003, 1002, 1001}},
		{"status=settled", nil},
		{"status=approved&start_issue_date=2026-10-14&end_issue_date=2026-10-16", []int64{1005, 1004}},
		{"start_transaction_date=2026-10-24", []int64{1010, 1008}},
		{"applicant_id=50003", []int64{1003}},
		{"title=出張", []int64{1008, 1001}},
		{"min_amount=30000", []int64{1005, 1001}},
		{"application_number=2", []int64{1002}},
		{"status=approved&limit=2&offset=6", []int64{1001}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			status, _, body := api(t, s, http.MethodGet, "/api/1/expense_applications?company_id=1&"+tc.query, nil)
			var ids []int64
			for _, a := range decode[listedClaims](t, body).ExpenseApplications {
				ids = append(ids, a.ID)
			}
			if status != 200 || !slices.Equal(ids, tc.ids) {
				t.Errorf("%d: ids %v; want %v", status, ids, tc.ids)
			}
		})
	}
}

func TestAClaimInDetailHasItsApprovalHistory(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	status, _, body := api(t, s, http.MethodGet, "/api/1/expense_applications/1001?company_id=1", nil)
	got := decode[struct {
		ExpenseApplication struct {
			TotalAmount      int64 `json:"total_amount"`
			ApprovalFlowLogs []struct {
				Action    string `json:"action"`
				UserID    int64  `json:"user_id"`
				UpdatedAt string `json:"updated_at"`
			} `json:"approval_flow_logs"`
			CurrentStepID *int64 `json:"current_step_id"`
		} `json:"expense_application"`
	}](t, body).ExpenseApplication
	if status != 200 || got.TotalAmount != 44420 || len(got.ApprovalFlowLogs) != 2 || got.CurrentStepID != nil {
		t.Fatalf("%d %s", status, body)
	}
	if l := got.ApprovalFlowLogs[1]; l.Action != "approve" || l.UserID != AdminUserID || l.UpdatedAt != "2026-10-07T15:00:00+09:00" {
		t.Errorf("approval %+v", l)
	}
	if status, _, _ := api(t, s, http.MethodGet, "/api/1/expense_applications/42?company_id=1", nil); status != 404 {
		t.Errorf("an unknown claim: %d; want 404", status)
	}
}

func TestReceiptsCarryRegistrationNumbersValidInvalidAndNone(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	kinds := map[string]int{}
	for _, a := range s.Applications() {
		for _, pl := range a.Lines {
			if pl.ReceiptID == 0 {
				kinds["no receipt"]++
				continue
			}
			rc, ok := s.Receipt(pl.ReceiptID)
			switch {
			case !ok:
				t.Fatalf("claim %d names receipt %d, which does not exist", a.ID, pl.ReceiptID)
			case rc.RegistrationNumber == "":
				kinds["none"]++
			case validRegistration(rc.RegistrationNumber):
				kinds["valid"]++
			default:
				kinds["invalid"]++
			}
		}
	}
	if kinds["valid"] < 8 || kinds["invalid"] != 1 || kinds["none"] != 2 || kinds["no receipt"] != 2 {
		t.Errorf("receipts %v", kinds)
	}
	status, _, body := api(t, s, http.MethodGet, "/api/1/receipts/7004?company_id=1", nil)
	if status != 200 || !strings.Contains(string(body), `"invoice_registration_number":"T9010701023456"`) {
		t.Errorf("%d %s", status, body)
	}
}

// validRegistration checks a registration number's check digit (法人番号's rule), as the
// expense flow must.
func validRegistration(n string) bool {
	if len(n) != 14 || n[0] != 'T' {
		return false
	}
	return registrationNumber(n[2:], true) == n
}

func TestRegistrationNumbersFollowTheCorporateNumberCheckDigit(t *testing.T) {
	t.Parallel()
	// 7000012050002 is the National Tax Agency's own corporate number.
	if got := registrationNumber("000012050002", true); got != "T7000012050002" {
		t.Errorf("check digit: %s; want T7000012050002", got)
	}
	if got := registrationNumber("000012050002", false); got == "T7000012050002" || validRegistration(got) {
		t.Errorf("the invalid form %s passes", got)
	}
}

func TestMastersAreTheOnesTheDemoClaimsUse(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	for _, path := range []string{
		"/api/1/users/me?companies=true", "/api/1/users?company_id=1&limit=3000", "/api/1/account_items?company_id=1",
		"/api/1/taxes/companies/1", "/api/1/taxes/companies/1?available=true&display_category=tax_r8", "/api/1/sections?company_id=1",
		"/api/1/partners?company_id=1&keyword=デモ", "/api/1/expense_application_line_templates?company_id=1&limit=100",
	} {
		if status, _, body := api(t, s, http.MethodGet, path, nil); status != 200 {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	_, _, body := api(t, s, http.MethodGet, "/api/1/users?company_id=1&limit=3000", nil)
	users := decode[struct {
		Users []struct{ Email string } `json:"users"`
	}](t, body).Users
	if len(users) != 31 || users[1].Email != "e00001@demo-company.example" {
		t.Errorf("users %+v; want the admin and 30 employees", users)
	}
	_, _, body = api(t, s, http.MethodGet, "/api/1/taxes/companies/1?available=true&display_category=tax_r8", nil)
	if !strings.Contains(string(body), "課対仕入8%（軽）") || strings.Contains(string(body), "課対仕入10%") {
		t.Errorf("reduced-rate taxes: %s", body)
	}
	for _, tpl := range s.Templates() {
		if _, ok := s.co.account(tpl.AccountItemID); !ok {
			t.Errorf("template %s names account %d, which does not exist", tpl.Name, tpl.AccountItemID)
		}
		if tax, ok := s.co.tax(tpl.TaxCode); !ok || !tax.Available {
			t.Errorf("template %s names tax code %d, which is not in use", tpl.Name, tpl.TaxCode)
		}
	}
}

func TestAnotherCompanyIsRefused(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	for _, path := range []string{"/api/1/expense_applications?company_id=2", "/api/1/taxes/companies/2", "/api/1/sections?company_id=2"} {
		if status, _, _ := api(t, s, http.MethodGet, path, nil); status != 400 {
			t.Errorf("%s: %d; want 400", path, status)
		}
	}
}

func TestOperationsTheSandboxDoesNotServeAre501(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	status, _, body := api(t, s, http.MethodGet, "/api/1/deals?company_id=1", nil)
	if status != http.StatusNotImplemented || !strings.Contains(string(body), "get_deals") {
		t.Errorf("%d %s", status, body)
	}
	if status, _, _ := api(t, s, http.MethodGet, "/api/1/nothing", nil); status != 404 {
		t.Errorf("an unknown path: %d", status)
	}
}

type journalBody map[string]any

func detail(side string, account, tax, amount int64) map[string]any {
	return map[string]any{"entry_side": side, "account_item_id": account, "tax_code": tax, "amount": amount}
}

func TestManualJournalsAreCheckedStoredAndSearchedByPrefix(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	post := func(ref string, details ...map[string]any) (int, string) {
		status, _, body := api(t, s, http.MethodPost, "/api/1/manual_journals",
			journalBody{"company_id": 1, "issue_date": "2026-10-07", "ref_number": ref, "details": details})
		return status, string(body)
	}
	for _, tc := range []struct {
		name    string
		details []map[string]any
		says    string
	}{
		{"debits and credits that differ", []map[string]any{detail("debit", 105001, 136, 1000), detail("credit", 102001, 2, 999)}, "一致しません"},
		{"an account the company lacks", []map[string]any{detail("debit", 9, 136, 1000), detail("credit", 102001, 2, 1000)}, "勘定科目"},
		{"a tax code switched off", []map[string]any{detail("debit", 105001, 108, 1000), detail("credit", 102001, 2, 1000)}, "税区分"},
		{"a department the company lacks", []map[string]any{{"entry_side": "debit", "account_item_id": 105001, "tax_code": 136, "amount": 1000, "section_id": 999}, detail("credit", 102001, 2, 1000)}, "部門"},
	} {
		if status, body := post("X", tc.details...); status != 400 || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d %s", tc.name, status, body)
		}
	}
	for _, ref := range []string{"EXP-1", "EXP-10", "EXP-100", "OTHER"} {
		if status, body := post(ref, detail("debit", 105001, 136, 1100), detail("credit", 102001, 2, 1100)); status != 201 {
			t.Fatalf("post %s: %d %s", ref, status, body)
		}
	}
	j := s.ManualJournals()
	if len(j) != 4 || j[0].Details[0].Vat != 100 || j[0].Details[1].Vat != 0 {
		t.Fatalf("journals %+v", j)
	}
	for ref, want := range map[string]int{"EXP-1": 3, "EXP-10": 2, "EXP-100": 1, "EXP-2": 0, "": 4} {
		_, _, body := api(t, s, http.MethodGet, "/api/1/manual_journals?company_id=1&ref_number="+ref, nil)
		got := decode[struct {
			ManualJournals []struct{} `json:"manual_journals"`
			Meta           struct {
				TotalCount int `json:"total_count"`
			} `json:"meta"`
		}](t, body)
		if got.Meta.TotalCount != want || (len(got.ManualJournals) != min(want, 20)) {
			t.Errorf("ref_number %q: %d found; want %d (a prefix match)", ref, got.Meta.TotalCount, want)
		}
	}
	status, _, body := api(t, s, http.MethodGet, fmt.Sprintf("/api/1/manual_journals/%d?company_id=1", j[1].ID), nil)
	if status != 200 || !strings.Contains(string(body), `"ref_number":"EXP-10"`) {
		t.Errorf("one journal: %d %s", status, body)
	}
}
