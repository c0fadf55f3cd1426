package freeeaccounting

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestExpenseApplicationsService_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/1/expense_applications", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"company_id": {"1234"}, "status": {"approved"}, "start_issue_date": {"2026-09-01"},
			"end_issue_date": {"2026-10-31"}, "applicant_id": {"50001"}, "limit": {"500"}, "offset": {"0"}})
		fmt.Fprint(w, `{"expense_applications":[{"id":1001,"company_id":1234,"title":"大阪出張","issue_date":"2026-10-05","total_amount":1980,
			"status":"approved","section_id":null,"tag_ids":[],"deal_id":9001,"deal_status":"unsettled","applicant_id":50001,
			"application_number":"1","current_step_id":null,"current_round":0,
			"purchase_lines":[{"id":1,"transaction_date":null,"receipt_id":null,"expense_application_lines":[
				{"id":11,"description":null,"amount":1980,"expense_application_line_template_id":null}]}]}],"meta":{"total_count":1}}`)
	})
	got, resp, err := client.ExpenseApplications.List(t.Context(), &ExpenseApplicationsListOptions{CompanyID: 1234, Status: StatusApproved,
		StartIssueDate: model.NewDate(2026, 9, 1), EndIssueDate: model.NewDate(2026, 10, 31), ApplicantID: 50001})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || resp.NextOffset != 0 {
		t.Fatalf("got %d, next %d; want one claim and no next page", len(got), resp.NextOffset)
	}
	a := got[0]
	if a.IssueDate != model.NewDate(2026, 10, 5) || a.SectionID != 0 || a.DealID != 9001 || a.PurchaseLines[0].TransactionDate != (model.Date{}) ||
		a.PurchaseLines[0].Lines[0].TemplateID != 0 || !a.ApprovedAt().IsZero() {
		t.Errorf("claim = %+v; nulls must read as zero, and a listed claim has no approval time", a)
	}
}

func TestExpenseApplicationsService_ListIterPagesByTotalCount(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	const total = 1200
	var pages int
	mux.HandleFunc("/api/1/expense_applications", func(w http.ResponseWriter, r *http.Request) {
		pages++
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var page []map[string]any
		for i := offset; i < min(offset+limit, total); i++ {
			page = append(page, map[string]any{"id": i + 1, "status": "approved"})
		}
		writeJSON(w, 200, map[string]any{"expense_applications": page, "meta": map[string]int{"total_count": total}})
	})
	n := 0
	for _, err := range client.ExpenseApplications.ListIter(t.Context(), ExpenseApplicationsListOptions{CompanyID: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != total || pages != 3 {
		t.Errorf("read %d claims in %d pages; want %d in 3 (500 a page)", n, pages, total)
	}
}

func TestListIterStopsOnAShortPageWithoutMeta(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	var offsets []string
	mux.HandleFunc("/api/1/expense_application_line_templates", func(w http.ResponseWriter, r *http.Request) {
		offsets = append(offsets, r.URL.Query().Get("offset"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var page []ExpenseTemplate
		for i := offset; i < min(offset+ExpenseTemplatesPageLimit, 130); i++ {
			page = append(page, ExpenseTemplate{ID: int64(i + 1)})
		}
		writeJSON(w, 200, map[string]any{"expense_application_line_templates": page})
	})
	n := 0
	for _, err := range client.ExpenseTemplates.ListIter(t.Context(), 1, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 130 || len(offsets) != 2 || offsets[1] != "100" {
		t.Errorf("read %d templates from offsets %v; want 130 from 0 and 100", n, offsets)
	}
}

func TestExpenseApplicationsService_GetReadsTheApprovalTime(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/1/expense_applications/1001", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company_id": {"1234"}})
		fmt.Fprint(w, `{"expense_application":{"id":1001,"status":"approved","approval_flow_logs":[
			{"action":"apply","user_id":50001,"updated_at":"2026-10-05T10:00:00+09:00"},
			{"action":"approve","user_id":40001,"updated_at":"2026-10-06T09:00:00+09:00"},
			{"action":"force_approve","user_id":40002,"updated_at":"2026-10-07T15:00:00+09:00"}]}}`)
	})
	a, _, err := client.ExpenseApplications.Get(t.Context(), 1234, 1001)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 10, 7, 6, 0, 0, 0, time.UTC); !a.ApprovedAt().Equal(want) {
		t.Errorf("approved at %s; want the last approval, %s", a.ApprovedAt(), want)
	}
	a.Status = StatusInProgress
	if !a.ApprovedAt().IsZero() {
		t.Error("a claim that is not approved has an approval time")
	}
}

func TestManualJournalsService_CreateSendsEveryLine(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/1/manual_journals", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "Content-Type", "application/json")
		b, _ := io.ReadAll(r.Body)
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		want := `{"company_id":1234,"details":[{"account_item_id":105001,"amount":1980,"description":"タクシー","entry_side":"debit","section_id":101,"tax_code":136},` +
			`{"account_item_id":102001,"amount":1980,"entry_side":"credit","tax_code":0}],"issue_date":"2026-10-07","ref_number":"EXP-1001"}`
		if canon, _ := json.Marshal(got); string(canon) != want {
			t.Errorf("body = %s\nwant   %s", canon, want)
		}
		writeJSON(w, 201, map[string]any{"manual_journal": map[string]any{"id": 77, "ref_number": "EXP-1001", "issue_date": "2026-10-07"}})
	})
	mj, _, err := client.ManualJournals.Create(t.Context(), &ManualJournalCreate{CompanyID: 1234, IssueDate: model.NewDate(2026, 10, 7), RefNumber: "EXP-1001",
		Details: []ManualJournalCreateDetail{
			{EntrySide: Debit, TaxCode: 136, AccountItemID: 105001, Amount: 1980, SectionID: 101, Description: "タクシー"},
			{EntrySide: Credit, TaxCode: 0, AccountItemID: 102001, Amount: 1980},
		}})
	if err != nil || mj.ID != 77 || mj.IssueDate != model.NewDate(2026, 10, 7) {
		t.Fatalf("created %+v, %v", mj, err)
	}
}

func TestManualJournalsService_ListSearchesByReference(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/1/manual_journals", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company_id": {"1234"}, "ref_number": {"EXP-1"}, "start_issue_date": {"2026-10-01"},
			"end_issue_date": {"2026-10-31"}, "limit": {"500"}, "offset": {"0"}})
		fmt.Fprint(w, `{"manual_journals":[{"id":5,"ref_number":"EXP-10","details":[]}]}`)
	})
	got, _, err := client.ManualJournals.List(t.Context(), &ManualJournalsListOptions{CompanyID: 1234, RefNumber: "EXP-1",
		StartIssueDate: model.NewDate(2026, 10, 1), EndIssueDate: model.NewDate(2026, 10, 31)})
	if err != nil || len(got) != 1 || got[0].RefNumber != "EXP-10" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestMasterServicesSendTheirQueries(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/1/account_items", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company_id": {"7"}, "base_date": {"2026-10-01"}})
		fmt.Fprint(w, `{"account_items":[{"id":1,"name":"旅費交通費","default_tax_code":136,"available":true}]}`)
	})
	mux.HandleFunc("/api/1/taxes/companies/7", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{})
		fmt.Fprint(w, `{"taxes":[{"code":2,"name":"non_taxable","name_ja":"対象外","display_category":null,"available":true}]}`)
	})
	mux.HandleFunc("/api/1/sections", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company_id": {"7"}})
		fmt.Fprint(w, `{"sections":[{"id":101,"name":"営業部","code":null,"available":true}]}`)
	})
	mux.HandleFunc("/api/1/partners", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company_id": {"7"}, "keyword": {"デモ"}, "limit": {"3000"}, "offset": {"0"}})
		fmt.Fprint(w, `{"partners":[{"id":201,"name":"デモ交通","qualified_invoice_issuer":true,"invoice_registration_number":"T1234567890123"}]}`)
	})
	mux.HandleFunc("/api/1/users", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company_id": {"7"}, "limit": {"3000"}})
		fmt.Fprint(w, `{"users":[{"id":50001,"email":"e00001@demo-company.example","display_name":null}]}`)
	})
	mux.HandleFunc("/api/1/users/me", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"companies": {"true"}})
		fmt.Fprint(w, `{"user":{"id":40001,"email":"admin@demo-company.example","companies":[{"id":7,"display_name":"デモ","role":"admin"}]}}`)
	})
	mux.HandleFunc("/api/1/receipts/9", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"company_id": {"7"}})
		fmt.Fprint(w, `{"receipt":{"id":9,"invoice_registration_number":null,"qualified_invoice":"not_qualified"}}`)
	})
	ctx := t.Context()
	items, _, err := client.AccountItems.List(ctx, 7, &AccountItemsListOptions{BaseDate: model.NewDate(2026, 10, 1)})
	if err != nil || len(items) != 1 || items[0].DefaultTaxCode != 136 {
		t.Errorf("account items %+v, %v", items, err)
	}
	taxes, _, err := client.Taxes.ListCompany(ctx, 7)
	if err != nil || len(taxes) != 1 || taxes[0].Rate() != 0 || taxes[0].DisplayCategory != "" {
		t.Errorf("taxes %+v, %v", taxes, err)
	}
	secs, _, err := client.Sections.List(ctx, 7)
	if err != nil || len(secs) != 1 || secs[0].Code != "" {
		t.Errorf("sections %+v, %v", secs, err)
	}
	partners, _, err := client.Partners.List(ctx, &PartnersListOptions{CompanyID: 7, Keyword: "デモ"})
	if err != nil || len(partners) != 1 || !partners[0].QualifiedInvoiceIssuer {
		t.Errorf("partners %+v, %v", partners, err)
	}
	users, _, err := client.Users.List(ctx, 7, 99999)
	if err != nil || len(users) != 1 || users[0].DisplayName != "" {
		t.Errorf("users %+v, %v", users, err)
	}
	me, _, err := client.Users.Me(ctx)
	if err != nil || me.ID != 40001 || len(me.Companies) != 1 || me.Companies[0].Role != "admin" {
		t.Errorf("me %+v, %v", me, err)
	}
	rc, _, err := client.Receipts.Get(ctx, 7, 9)
	if err != nil || rc.InvoiceRegistrationNumber != "" || rc.QualifiedInvoice != "not_qualified" {
		t.Errorf("receipt %+v, %v", rc, err)
	}
}

func TestListsRefuseToRunWithoutACompany(t *testing.T) {
	t.Parallel()
	client, _, _ := setup(t)
	ctx := t.Context()
	if _, _, err := client.ExpenseApplications.List(ctx, nil); err == nil {
		t.Error("expense applications without a company")
	}
	if _, _, err := client.ManualJournals.List(ctx, &ManualJournalsListOptions{}); err == nil {
		t.Error("manual journals without a company")
	}
	if _, _, err := client.Partners.List(ctx, nil); err == nil {
		t.Error("partners without a company")
	}
}

func TestTaxRates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		category string
		rate     model.TaxRate
		reduced  bool
	}{
		{"tax_10", 10, false}, {"tax_r8", 8, true}, {"tax_8", 8, false}, {"tax_5", 5, false},
		{"tax_10_e80", 10, false}, {"tax_r8_e80", 8, true}, {"tax_r8_e50", 8, true}, {"", 0, false},
	} {
		tax := Tax{DisplayCategory: tc.category}
		if tax.Rate() != tc.rate || tax.Reduced() != tc.reduced {
			t.Errorf("%q: rate %d reduced %v; want %d %v", tc.category, tax.Rate(), tax.Reduced(), tc.rate, tc.reduced)
		}
	}
}
