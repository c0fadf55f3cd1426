package xero

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

func TestConnections_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/Connections", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "Authorization", "Bearer test-access")
		testHeader(t, r, TenantHeader, "")
		writeRaw(w, 200, `[{"id":"7cb59f93-2964-421d-bb5e-a0f7a4572a44","tenantId":"`+testTenant+`","tenantType":"ORGANISATION","tenantName":"Demo","createdDateUtc":"2019-12-07T18:46:19.5165400","updatedDateUtc":"2019-12-07T18:46:19.5187840"}]`)
	})
	got, _, err := client.Connections.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].TenantID != testTenant || got[0].TenantType != OrganisationTenant {
		t.Fatalf("connections = %+v", got)
	}
	if want := time.Date(2019, 12, 7, 18, 46, 19, 516540000, time.UTC); !got[0].CreatedDateUTC.Equal(want) {
		t.Errorf("created = %v; want %v (Xero's zoneless date-times are UTC)", got[0].CreatedDateUTC, want)
	}
}

func TestAccounts_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api.xro/2.0/Accounts", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"where": {`Status=="ACTIVE"`}, "order": {"Code ASC"}})
		writeRaw(w, 200, `{"Accounts":[{"AccountID":"c4f29c22-28c2-4a13-9eab-ecbbd641ffdf","Code":"6110","Name":"旅費交通費","Type":"EXPENSE","Status":"ACTIVE","TaxType":"TAX001","UpdatedDateUTC":"/Date(1552357188083+0000)/"}]}`)
	})
	got, _, err := client.Accounts.List(t.Context(), &ListFilter{Where: `Status=="ACTIVE"`, Order: "Code ASC"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Code != "6110" || got[0].TaxType != "TAX001" {
		t.Fatalf("accounts = %+v", got)
	}
	if want := time.UnixMilli(1552357188083).UTC(); !got[0].UpdatedDateUTC.Equal(want) {
		t.Errorf("updated = %v; want %v", got[0].UpdatedDateUTC, want)
	}
}

func TestTaxRates_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api.xro/2.0/TaxRates", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{})
		writeRaw(w, 200, `{"TaxRates":[{"Name":"課対仕入8%（軽）","TaxType":"TAX002","Status":"ACTIVE","EffectiveRate":8.0000,"DisplayTaxRate":8.0000}]}`)
	})
	got, _, err := client.TaxRates.List(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].TaxType != "TAX002" || got[0].EffectiveRate != "8.0000" {
		t.Fatalf("tax rates = %+v", got)
	}
}

func TestManualJournals_ListIterWalksEveryPage(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	since := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	mux.HandleFunc("/api.xro/2.0/ManualJournals", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testHeader(t, r, "If-Modified-Since", "2026-10-01T00:00:00Z")
		page := r.URL.Query().Get("page")
		testQuery(t, r, url.Values{"where": {`Narration=="ref"`}, "page": {page}})
		switch page {
		case "1":
			writeRaw(w, 200, `{"pagination":{"page":1,"pageSize":100,"pageCount":2,"itemCount":101},"ManualJournals":[{"ManualJournalID":"a","Narration":"ref","Status":"POSTED","Date":"/Date(1792972800000+0000)/"}]}`)
		case "2":
			writeRaw(w, 200, `{"pagination":{"page":2,"pageSize":100,"pageCount":2,"itemCount":101},"ManualJournals":[{"ManualJournalID":"b","Narration":"ref"}]}`)
		default:
			t.Errorf("page %q requested", page)
		}
	})
	var ids []string
	for mj, err := range client.ManualJournals.ListIter(t.Context(), ManualJournalsListOptions{ListFilter: ListFilter{Where: `Narration=="ref"`}, ModifiedSince: since}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, mj.ManualJournalID)
	}
	if strings.Join(ids, ",") != "a,b" {
		t.Fatalf("journals = %v; want a,b", ids)
	}
}

func TestManualJournals_nextPageWithoutPagination(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		n    int
		want int
	}{
		{"a full page may have a successor", PageSize, 3},
		{"a short page is the last", PageSize - 1, 0},
		{"an empty page is the last", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := nextPage(nil, 2, tc.n); got != tc.want {
				t.Errorf("nextPage(nil, 2, %d) = %d; want %d", tc.n, got, tc.want)
			}
		})
	}
	if got := nextPage(&Pagination{Page: 3, PageCount: 3}, 3, PageSize); got != 0 {
		t.Errorf("the last page by pageCount has no successor, got %d", got)
	}
}

func TestManualJournals_Get(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api.xro/2.0/ManualJournals/0b159335-606b-485f-b51b-97b3b32bad32", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		writeRaw(w, 200, `{"ManualJournals":[{"ManualJournalID":"0b159335-606b-485f-b51b-97b3b32bad32","Narration":"x","JournalLines":[{"LineAmount":1320.00,"AccountCode":"6110"},{"LineAmount":-1320.00,"AccountCode":"2110"}]}]}`)
	})
	got, _, err := client.ManualJournals.Get(t.Context(), "0b159335-606b-485f-b51b-97b3b32bad32")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.JournalLines) != 2 || got.JournalLines[1].LineAmount != "-1320.00" {
		t.Fatalf("journal = %+v", got)
	}
}

func TestManualJournals_Create(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api.xro/2.0/ManualJournals", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPut)
		testAuthorized(t, r)
		testHeader(t, r, "Content-Type", "application/json")
		testHeader(t, r, IdempotencyHeader, "key-1")
		testQuery(t, r, url.Values{"summarizeErrors": {"true"}})
		testBody(t, r, `{"ManualJournals":[{"Narration":"urakata-expense-1","Date":"2026-10-05","Status":"POSTED","LineAmountTypes":"Inclusive",
			"JournalLines":[{"LineAmount":1320,"AccountCode":"6110","TaxType":"TAX001","Description":"電車代","Tracking":[{"Name":"Department","Option":"営業部"}]},
			{"LineAmount":-1320,"AccountCode":"2110"}]}]}`)
		writeRaw(w, 200, `{"ManualJournals":[{"ManualJournalID":"d312dd5e-a53e-46d1-9d51-c569ef4570b7","Narration":"urakata-expense-1","Status":"POSTED"}]}`)
	})
	mj := ManualJournal{Narration: "urakata-expense-1", Date: DateOf(model.NewDate(2026, 10, 5)), Status: "POSTED", LineAmountTypes: Inclusive,
		JournalLines: []ManualJournalLine{
			{LineAmount: AmountOf(1320, 0), AccountCode: "6110", TaxType: "TAX001", Description: "電車代", Tracking: []Tracking{{"Department", "営業部"}}},
			{LineAmount: AmountOf(-1320, 0), AccountCode: "2110"},
		}}
	got, _, err := client.ManualJournals.Create(t.Context(), []ManualJournal{mj}, &WriteOptions{IdempotencyKey: "key-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ManualJournalID != "d312dd5e-a53e-46d1-9d51-c569ef4570b7" {
		t.Fatalf("created = %+v", got)
	}
}

func TestExpenseClaims_ListAndGet(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	claim := `{"ExpenseClaimID":"646b15ab-b874-4e13-82ae-f4385b2ac4b6","Status":"AUTHORISED","UpdatedDateUTC":"/Date(1552325851767+0000)/",
		"User":{"UserID":"d1164823-0ac1-41ad-987b-b4e30fe0b273","EmailAddress":"e00001@demo-company.example"},
		"Receipts":[{"ReceiptID":"a44fd147-af4e-4fe8-a09a-55332df74162"}],"Total":40.00}`
	mux.HandleFunc("/api.xro/2.0/ExpenseClaims", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testHeader(t, r, "If-Modified-Since", "2019-03-01T00:00:00Z")
		testQuery(t, r, url.Values{"where": {approvedClaims}, "order": {"UpdatedDateUTC ASC"}})
		writeRaw(w, 200, `{"ExpenseClaims":[`+claim+`]}`)
	})
	mux.HandleFunc("/api.xro/2.0/ExpenseClaims/646b15ab-b874-4e13-82ae-f4385b2ac4b6", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		writeRaw(w, 200, `{"ExpenseClaims":[`+claim+`]}`)
	})
	list, _, err := client.ExpenseClaims.List(t.Context(), &ExpenseClaimsListOptions{
		ListFilter: ListFilter{Where: approvedClaims, Order: "UpdatedDateUTC ASC"}, ModifiedSince: time.Date(2019, 3, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*3600)),
	})
	if err != nil {
		t.Fatal(err)
	}
	one, _, err := client.ExpenseClaims.Get(t.Context(), "646b15ab-b874-4e13-82ae-f4385b2ac4b6")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []ExpenseClaim{list[0], *one} {
		if c.Status != ClaimAuthorised || c.User.EmailAddress != "e00001@demo-company.example" || len(c.Receipts) != 1 || c.Total != "40.00" {
			t.Errorf("claim = %+v", c)
		}
	}
}

func TestReceipts_Get(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api.xro/2.0/Receipts/a44fd147-af4e-4fe8-a09a-55332df74162", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		writeRaw(w, 200, `{"Receipts":[{"ReceiptID":"a44fd147-af4e-4fe8-a09a-55332df74162","Date":"/Date(1552348800000+0000)/","LineAmountTypes":"Inclusive",
			"Contact":{"ContactID":"c","Name":"JR","TaxNumber":"T1234567890123"},
			"LineItems":[{"Description":"fare","AccountCode":"6110","TaxType":"TAX001","TaxAmount":120.00,"LineAmount":1320.00}]}]}`)
	})
	got, _, err := client.Receipts.Get(t.Context(), "a44fd147-af4e-4fe8-a09a-55332df74162")
	if err != nil {
		t.Fatal(err)
	}
	if got.Date.Date != model.NewDate(2019, 3, 12) || got.Contact.TaxNumber != "T1234567890123" || got.LineItems[0].LineAmount != "1320.00" {
		t.Fatalf("receipt = %+v", got)
	}
}

func TestEmployees_ListIterAndGet(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/payroll.xro/2.0/Employees", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		switch r.URL.Query().Get("page") {
		case "1":
			writeRaw(w, 200, `{"pagination":{"page":1,"pageSize":100,"pageCount":2,"itemCount":2},"employees":[{"employeeID":"e1","firstName":"A","lastName":"B","startDate":"2020-02-03T00:00:00","employeeNumber":"E00001","payrollCalendarID":"cal"}]}`)
		case "2":
			writeRaw(w, 200, `{"pagination":{"page":2,"pageSize":100,"pageCount":2,"itemCount":2},"employees":[{"employeeID":"e2","startDate":"2021-04-01","endDate":"2026-10-15"}]}`)
		default:
			t.Errorf("page %q", r.URL.Query().Get("page"))
		}
	})
	mux.HandleFunc("/payroll.xro/2.0/Employees/e1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		writeRaw(w, 200, `{"employee":{"employeeID":"e1","payrollCalendarID":"cal","employeeNumber":"E00001"}}`)
	})
	var got []Employee
	for e, err := range client.Employees.ListIter(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 2 || got[0].StartDate.Date != model.NewDate(2020, 2, 3) || got[1].EndDate.Date != model.NewDate(2026, 10, 15) || got[0].EmployeeNumber != "E00001" {
		t.Fatalf("employees = %+v", got)
	}
	one, _, err := client.Employees.Get(t.Context(), "e1")
	if err != nil || one.PayrollCalendarID != "cal" {
		t.Fatalf("employee = %+v, %v", one, err)
	}
}

func TestEarningsRates_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/payroll.xro/2.0/EarningsRates", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"page": {"1"}})
		writeRaw(w, 200, `{"earningsRates":[{"earningsRateID":"r1","name":"Overtime","earningsType":"OvertimeEarnings","multipleOfOrdinaryEarningsRate":1.5}]}`)
	})
	var got []EarningsRate
	for r, err := range client.EarningsRates.ListIter(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 1 || got[0].MultipleOfOrdinaryEarningsRate != "1.5" {
		t.Fatalf("rates = %+v", got)
	}
}

func TestTimesheets_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/payroll.xro/2.0/Timesheets", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"page": {"1"}, "filter": {"employeeId==e1,payrollCalendarId==cal"}, "status": {"Draft"},
			"startDate": {"2026-10-01"}, "endDate": {"2026-10-31"}})
		writeRaw(w, 200, `{"timesheets":[{"timesheetID":"t1","employeeID":"e1","startDate":"2026-10-01T00:00:00","endDate":"2026-10-31T00:00:00","status":"Draft","totalHours":16}]}`)
	})
	got, resp, err := client.Timesheets.List(t.Context(), &TimesheetsListOptions{EmployeeID: "e1", PayrollCalendarID: "cal", Status: TimesheetDraft,
		StartDate: model.NewDate(2026, 10, 1), EndDate: model.NewDate(2026, 10, 31)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].EndDate.Date != model.NewDate(2026, 10, 31) || resp.NextPage != 0 {
		t.Fatalf("timesheets = %+v, next %d", got, resp.NextPage)
	}
}

func TestTimesheets_Writes(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	const line = `{"timesheetLine":{"timesheetLineID":"l1","date":"2026-10-05","earningsRateID":"r1","numberOfUnits":7.5}}`
	mux.HandleFunc("POST /payroll.xro/2.0/Timesheets", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		testHeader(t, r, IdempotencyHeader, "k-ts")
		testBody(t, r, `{"payrollCalendarID":"cal","employeeID":"e1","startDate":"2026-10-01","endDate":"2026-10-31",
			"timesheetLines":[{"date":"2026-10-05","earningsRateID":"r1","numberOfUnits":7.5}]}`)
		writeRaw(w, 200, `{"timesheet":{"timesheetID":"t1","status":"Draft","timesheetLines":[{"timesheetLineID":"l1","date":"2026-10-05","earningsRateID":"r1","numberOfUnits":7.5}]}}`)
	})
	mux.HandleFunc("GET /payroll.xro/2.0/Timesheets/t1", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		writeRaw(w, 200, `{"timesheet":{"timesheetID":"t1","status":"Draft"}}`)
	})
	mux.HandleFunc("POST /payroll.xro/2.0/Timesheets/t1/Lines", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		testHeader(t, r, IdempotencyHeader, "k-line")
		testBody(t, r, `{"date":"2026-10-05","earningsRateID":"r1","numberOfUnits":7.5}`)
		writeRaw(w, 200, line)
	})
	mux.HandleFunc("PUT /payroll.xro/2.0/Timesheets/t1/Lines/l1", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		testHeader(t, r, IdempotencyHeader, "")
		writeRaw(w, 200, line)
	})
	mux.HandleFunc("DELETE /payroll.xro/2.0/Timesheets/t1/Lines/l1", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		writeRaw(w, 200, `{"timesheetLineID":"l1","date":"2026-10-05","earningsRateID":"r1","numberOfUnits":7.5}`)
	})
	l := TimesheetLine{Date: DateOf(model.NewDate(2026, 10, 5)), EarningsRateID: "r1", NumberOfUnits: "7.5"}
	ts, _, err := client.Timesheets.Create(t.Context(), &Timesheet{PayrollCalendarID: "cal", EmployeeID: "e1",
		StartDate: DateOf(model.NewDate(2026, 10, 1)), EndDate: DateOf(model.NewDate(2026, 10, 31)), TimesheetLines: []TimesheetLine{l}}, &WriteOptions{IdempotencyKey: "k-ts"})
	if err != nil || ts.TimesheetID != "t1" || len(ts.TimesheetLines) != 1 {
		t.Fatalf("create = %+v, %v", ts, err)
	}
	if got, _, err := client.Timesheets.Get(t.Context(), "t1"); err != nil || got.Status != TimesheetDraft {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if got, _, err := client.Timesheets.CreateLine(t.Context(), "t1", &l, &WriteOptions{IdempotencyKey: "k-line"}); err != nil || got.TimesheetLineID != "l1" {
		t.Fatalf("create line = %+v, %v", got, err)
	}
	if got, _, err := client.Timesheets.UpdateLine(t.Context(), "t1", "l1", &l); err != nil || got.NumberOfUnits != "7.5" {
		t.Fatalf("update line = %+v, %v", got, err)
	}
	if _, err := client.Timesheets.DeleteLine(t.Context(), "t1", "l1"); err != nil {
		t.Fatalf("delete line: %v", err)
	}
}

// TestErrorPaths runs every service method against the answers that must fail it: a
// refusal (400, Xero's message kept), a 404, a throttle naming its limit, a server error
// after retries, and a body that is not JSON.
func TestErrorPaths(t *testing.T) {
	t.Parallel()
	calls := map[string]func(c *Client) error{
		"Connections.List": func(c *Client) error { _, _, err := c.Connections.List(context.Background()); return err },
		"Accounts.List":    func(c *Client) error { _, _, err := c.Accounts.List(context.Background(), nil); return err },
		"TaxRates.List":    func(c *Client) error { _, _, err := c.TaxRates.List(context.Background(), nil); return err },
		"ManualJournals.List": func(c *Client) error {
			_, _, err := c.ManualJournals.List(context.Background(), nil)
			return err
		},
		"ManualJournals.Get": func(c *Client) error { _, _, err := c.ManualJournals.Get(context.Background(), "x"); return err },
		"ManualJournals.Create": func(c *Client) error {
			_, _, err := c.ManualJournals.Create(context.Background(), []ManualJournal{{Narration: "n"}}, &WriteOptions{IdempotencyKey: "k"})
			return err
		},
		"ExpenseClaims.List": func(c *Client) error { _, _, err := c.ExpenseClaims.List(context.Background(), nil); return err },
		"ExpenseClaims.Get":  func(c *Client) error { _, _, err := c.ExpenseClaims.Get(context.Background(), "x"); return err },
		"Receipts.Get":       func(c *Client) error { _, _, err := c.Receipts.Get(context.Background(), "x"); return err },
		"Employees.List":     func(c *Client) error { _, _, err := c.Employees.List(context.Background(), nil); return err },
		"Employees.Get":      func(c *Client) error { _, _, err := c.Employees.Get(context.Background(), "x"); return err },
		"EarningsRates.List": func(c *Client) error { _, _, err := c.EarningsRates.List(context.Background(), nil); return err },
		"Timesheets.List":    func(c *Client) error { _, _, err := c.Timesheets.List(context.Background(), nil); return err },
		"Timesheets.Get":     func(c *Client) error { _, _, err := c.Timesheets.Get(context.Background(), "x"); return err },
		"Timesheets.Create": func(c *Client) error {
			_, _, err := c.Timesheets.Create(context.Background(), &Timesheet{}, &WriteOptions{IdempotencyKey: "k"})
			return err
		},
		"Timesheets.CreateLine": func(c *Client) error {
			_, _, err := c.Timesheets.CreateLine(context.Background(), "x", &TimesheetLine{}, &WriteOptions{IdempotencyKey: "k"})
			return err
		},
		"Timesheets.UpdateLine": func(c *Client) error {
			_, _, err := c.Timesheets.UpdateLine(context.Background(), "x", "y", &TimesheetLine{})
			return err
		},
		"Timesheets.DeleteLine": func(c *Client) error { _, err := c.Timesheets.DeleteLine(context.Background(), "x", "y"); return err },
	}
	type check func(t *testing.T, err error)
	for _, tc := range []struct {
		name    string
		serve   func(w http.ResponseWriter)
		emptyOK bool // methods whose answer is not read pass on a body that is not JSON
		check   check
	}{
		{name: "a validation error is permanent and keeps Xero's messages",
			serve: func(w http.ResponseWriter) {
				writeRaw(w, 400, `{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred","Elements":[{"ValidationErrors":[{"Message":"The total debits (100.00) must equal total credits (-10.00)"}]}]}`)
			},
			check: func(t *testing.T, err error) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 400 || !strings.Contains(pe.Message, "must equal total credits") {
					t.Fatalf("err = %v; want a permanent 400 with Xero's validation message", err)
				}
			}},
		{name: "a payroll problem is permanent and names the invalid field",
			serve: func(w http.ResponseWriter) {
				writeRaw(w, 400, `{"type":"application/problem+json","title":"BadRequest","status":"400","detail":"Validation error occurred.","invalidFields":[{"name":"startDate","reason":"must be a pay period"}]}`)
			},
			check: func(t *testing.T, err error) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || !strings.Contains(pe.Message, "startDate: must be a pay period") {
					t.Fatalf("err = %v; want a permanent error naming the field", err)
				}
			}},
		{name: "a missing record is a permanent 404",
			serve: func(w http.ResponseWriter) {
				writeRaw(w, 404, `{"Title":"NotFound","Status":404,"Detail":"Resource was not found"}`)
			},
			check: func(t *testing.T, err error) {
				if !rest.NotFound(err) {
					t.Fatalf("err = %v; want a permanent 404", err)
				}
			}},
		{name: "the day limit is rate limited and named, with Xero's wait",
			serve: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "7200")
				w.Header().Set(RateLimitProblem, "day")
				writeRaw(w, 429, `{"Title":"Too Many Requests","Status":429}`)
			},
			check: func(t *testing.T, err error) {
				var rl *fault.RateLimitedError
				if !errors.As(err, &rl) || rl.Scope != "xero-day" || rl.RetryAfter < 7190*time.Second {
					t.Fatalf("err = %v; want RateLimited xero-day for about 2 h", err)
				}
			}},
		{name: "a server error that persists is transient",
			serve: func(w http.ResponseWriter) { writeRaw(w, 500, `{"Title":"InternalServerError","Status":500}`) },
			check: func(t *testing.T, err error) {
				if err == nil || fault.Classify(err) != fault.KindTransient {
					t.Fatalf("err = %v; want a transient error", err)
				}
			}},
		{name: "a body that is not JSON is a transient decode error", emptyOK: true,
			serve: func(w http.ResponseWriter) { writeRaw(w, 200, `{"ManualJournals":[{`) },
			check: func(t *testing.T, err error) {
				if err == nil || fault.Classify(err) != fault.KindTransient || !strings.Contains(err.Error(), "decode") {
					t.Fatalf("err = %v; want a transient decode error", err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, mux, _ := setup(t)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { tc.serve(w) })
			for name, call := range calls {
				err := call(client)
				if tc.emptyOK && name == "Timesheets.DeleteLine" {
					if err != nil {
						t.Errorf("%s: %v; its answer is not read", name, err)
					}
					continue
				}
				t.Run(name, func(t *testing.T) { tc.check(t, err) })
			}
		})
	}
}

func TestDo_renewsOnceAfter401(t *testing.T) {
	t.Parallel()
	client, mux, auth := setup(t)
	calls := 0
	mux.HandleFunc("/api.xro/2.0/Accounts", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Header.Get("Authorization") == "Bearer renewed-access" {
			writeRaw(w, 200, `{"Accounts":[]}`)
			return
		}
		writeRaw(w, 401, `{"Title":"Unauthorized","Status":401,"Detail":"TokenExpired"}`)
	})
	if _, _, err := client.Accounts.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if calls != 2 || auth.Renews.Load() != 1 {
		t.Fatalf("calls %d, renews %d; want 2 and 1", calls, auth.Renews.Load())
	}

	// A second 401 with the renewed token is the answer: no loop.
	mux.HandleFunc("/api.xro/2.0/TaxRates", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 401, `{"Title":"Unauthorized","Status":401,"Detail":"AuthenticationUnsuccessful"}`)
	})
	_, _, err := client.TaxRates.List(t.Context(), nil)
	var pe *fault.PermanentError
	if !errors.As(err, &pe) || pe.Status != 401 || auth.Renews.Load() != 2 {
		t.Fatalf("err = %v, renews %d; want a permanent 401 after one renewal", err, auth.Renews.Load())
	}
}

func TestDo_withoutTenantSendsNone(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	client.SetTenant("")
	mux.HandleFunc("/api.xro/2.0/Accounts", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Header[http.CanonicalHeaderKey(TenantHeader)]; ok {
			t.Errorf("a tenant header was sent: %q", r.Header.Get(TenantHeader))
		}
		writeRaw(w, 200, `{"Accounts":[]}`)
	})
	if _, _, err := client.Accounts.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestResponse_Remaining(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api.xro/2.0/Accounts", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(DayLimitRemaining, "4321")
		w.Header().Set(MinLimitRemaining, "59")
		writeRaw(w, 200, `{"Accounts":[]}`)
	})
	_, resp, err := client.Accounts.List(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]int{DayLimitRemaining: 4321, MinLimitRemaining: 59, AppMinLimitRemaining: -1} {
		if got := resp.Remaining(header); got != want {
			t.Errorf("Remaining(%s) = %d; want %d", header, got, want)
		}
	}
	if got := resp.Rate.Remaining; got != 59 {
		t.Errorf("quota state remaining = %d; want the minute's 59", got)
	}
	var none *Response
	if none.Remaining(DayLimitRemaining) != -1 {
		t.Error("a nil response reports a quota")
	}
}

func TestNewClient_refusesARelativeBaseURL(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"api.xero.com", "/relative", "http://"} {
		if _, err := NewClient(nil, nil, base); err == nil {
			t.Errorf("NewClient(%q) gave no error", base)
		}
	}
	c, err := NewClient(nil, nil, "")
	if err != nil || c.BaseURL.String() != DefaultBaseURL+"/" {
		t.Fatalf("default base = %v, %v", c.BaseURL, err)
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`urakata-expense-1`: `"urakata-expense-1"`,
		`a"b`:               `"a\"b"`,
		`a\b`:               `"a\\b"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s; want %s", in, got, want)
		}
	}
}

func ExampleClient_Do() {
	fmt.Println(Vendor, DefaultBaseURL)
	// Output: xero https://api.xero.com
}
