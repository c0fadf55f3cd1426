package xero

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/connectors/xero/xerotest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store/storetest"
)

// october2026 is the demo month of the sandbox tests: a closed month, paid monthly.
var october2026 = model.PayPeriod{Year: 2026, Month: time.October, Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 31)}

// sandbox starts a Xero sandbox for the test and a connection to it, with the demo's
// earnings rates set and error paths made fast. Violations fail the test.
func sandbox(t *testing.T, opts xerotest.Options, settings map[string]any) (*xerotest.Server, *Xero) {
	t.Helper()
	if opts.Year == 0 {
		opts.Year, opts.Month = 2026, time.October
	}
	srv := xerotest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("sandbox: %s", v)
		}
	})
	rates := srv.EarningsRates()
	s := map[string]any{
		"token_url":                 srv.TokenURL(),
		"requests_per_minute":       60000,
		"ordinary_earnings_rate_id": rates.Ordinary,
		"overtime_earnings_rate_id": rates.Overtime,
	}
	maps.Copy(s, settings)
	for k, v := range s {
		if v == nil {
			delete(s, k)
		}
	}
	o := srv.Options()
	secret, _ := json.Marshal(map[string]string{"client_id": o.ClientID, "client_secret": o.ClientSecret, "refresh_token": o.RefreshToken, "webhook_key": o.WebhookKey})
	v, err := Connector.New(t.Context(), hub.Env{Connection: conn, BaseURL: srv.BaseURL(), Settings: s, Secret: secrets.New(string(secret)), SecretName: "XERO", Tokens: &storetest.MemoryTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	x := v.(*Xero)
	p := testPolicy()
	p.Rate, p.Burst = Policy(60000).Rate, 1
	x.Client.HTTP = httpx.New(p)
	return srv, x
}

func TestConnectorIsRegistered(t *testing.T) {
	t.Parallel()
	c, ok := hub.Connectors.Lookup(Vendor)
	if !ok {
		t.Fatal("xero is not registered")
	}
	for _, cap := range []hub.Capability{hub.CapEmployees, hub.CapExpenseSource, hub.CapJournalTarget, hub.CapTimesheetTarget, hub.CapWebhook} {
		if !c.Has(cap) {
			t.Errorf("capability %s is not declared", cap)
		}
	}
	secret := map[string]bool{}
	for _, f := range c.Fields {
		secret[f.Name] = f.Secret
	}
	for _, name := range []string{"client_id", "client_secret", "refresh_token", "webhook_key"} {
		if !secret[name] {
			t.Errorf("field %s is not marked secret", name)
		}
	}
	for _, name := range []string{"tenant_id", "ordinary_earnings_rate_id", "overtime_earnings_rate_id", "currency", "journal_status"} {
		if _, ok := secret[name]; !ok || secret[name] {
			t.Errorf("setting %s is missing or marked secret", name)
		}
	}
}

func TestNew_refusesBadSettings(t *testing.T) {
	t.Parallel()
	good := `{"client_id":"a","client_secret":"b","refresh_token":"c"}`
	for _, tc := range []struct {
		name     string
		settings map[string]any
		secret   string
		tokens   bool
		want     string
	}{
		{"a zero rate", map[string]any{"requests_per_minute": 0}, good, true, "requests_per_minute"},
		{"a fractional rate", map[string]any{"requests_per_minute": 1.5}, good, true, "requests_per_minute"},
		{"a currency that is not a code", map[string]any{"currency": "円"}, good, true, "currency"},
		{"an unknown journal status", map[string]any{"journal_status": "VOIDED"}, good, true, "journal_status"},
		{"a secret without a refresh token", nil, `{"client_id":"a","client_secret":"b"}`, true, "refresh_token"},
		{"no token store", nil, good, false, "token store"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := hub.Env{Connection: conn, Settings: tc.settings, Secret: secrets.New(tc.secret)}
			if tc.tokens {
				env.Tokens = &storetest.MemoryTokens{}
			}
			_, err := New(t.Context(), env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want it to name %s", err, tc.want)
			}
		})
	}
}

func TestXero_discoversTheOneOrganisation(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	for range 3 {
		if _, _, err := x.FindJournal(t.Context(), "nothing"); err != nil {
			t.Fatal(err)
		}
	}
	if x.Client.Tenant() != srv.TenantID() {
		t.Errorf("tenant %q; want the organisation's %q", x.Client.Tenant(), srv.TenantID())
	}
	if n := srv.Requests()["identity.getConnections"]; n != 1 {
		t.Errorf("GET /Connections called %d times; want once", n)
	}
}

func TestXero_manyOrganisationsNeedATenantSetting(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{OtherOrganisations: []string{"Other Ltd"}}, nil)
	_, _, err := x.FindJournal(t.Context(), "ref")
	var pe *fault.PermanentError
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "tenant_id") || !strings.Contains(pe.Message, srv.TenantID()) {
		t.Fatalf("err = %v; want a permanent error asking for tenant_id and listing the organisations", err)
	}

	_, chosen := sandbox(t, xerotest.Options{OtherOrganisations: []string{"Other Ltd"}}, map[string]any{"tenant_id": srv.TenantID()})
	if _, _, err := chosen.FindJournal(t.Context(), "ref"); err != nil {
		t.Fatalf("with tenant_id set: %v", err)
	}
}

func TestXero_Employees(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{Employees: 130}, nil)
	var got []model.Employee
	for e, err := range x.Employees(t.Context(), october2026) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := srv.Employees()
	if len(got) != len(want) {
		t.Fatalf("%d employees; want %d (two pages)", len(got), len(want))
	}
	for i, e := range got {
		code, email := xerotest.DemoPerson(i)
		if e.ID(conn) != want[i].ID || e.Code != code || e.Email != email || !e.Active || e.Name == "" {
			t.Fatalf("employee %d = %+v; want id %s, %s, %s, active", i, e, want[i].ID, code, email)
		}
	}
	// Someone who had not started by a period's end is not on its payroll.
	early := model.PayPeriod{Year: 2018, Month: 1, Start: model.NewDate(2018, 1, 1), End: model.NewDate(2018, 1, 31)}
	n := 0
	for e, err := range x.Employees(t.Context(), early) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if i := slices.IndexFunc(want, func(w xerotest.Employee) bool { return w.ID == e.ID(conn) }); want[i].StartDate.After(early.End) {
			t.Errorf("%s started %s, after the period", e.Code, want[i].StartDate)
		}
	}
	if n == 0 || n == len(want) {
		t.Errorf("%d of %d employees on a 2018 payroll; the demo's start dates spread over ten years", n, len(want))
	}
}

func expenseJournal(ref string) model.JournalEntry {
	return model.JournalEntry{Date: model.NewDate(2026, 10, 9), SourceRef: ref, Lines: []model.JournalLine{
		{Side: model.Debit, Account: "旅費交通費", Amount: model.Yen(1320), TaxCode: "課対仕入10%", Department: "営業部", Memo: "電車代", InvoiceRegistrationNumber: "T1234567890123"},
		{Side: model.Debit, Account: "6140", Amount: model.Yen(864), TaxCode: "TAX002", Memo: "打合せ用菓子"},
		{Side: model.Credit, Account: "未払金", Amount: model.Yen(2184), Memo: "経費精算 1"},
	}}
}

func TestXero_PostAndFindJournal(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	ctx := t.Context()
	if ref, ok, err := x.FindJournal(ctx, "urakata-expense-1"); err != nil || ok {
		t.Fatalf("FindJournal before posting = %q, %v, %v; want none", ref, ok, err)
	}
	ref, err := x.PostJournal(ctx, expenseJournal("urakata-expense-1"))
	if err != nil {
		t.Fatal(err)
	}
	journals := srv.ManualJournals()
	if len(journals) != 1 {
		t.Fatalf("%d journals; want 1", len(journals))
	}
	j := journals[0]
	if ref != "xero:ManualJournals/"+j.ID || j.Narration != "urakata-expense-1" || j.Status != JournalPosted || j.LineAmountTypes != Inclusive || j.Date != model.NewDate(2026, 10, 9) {
		t.Fatalf("ref %q, journal %+v", ref, j)
	}
	wantLines := []xerotest.JournalLine{
		{Amount: "1320.00", AccountCode: "6110", TaxType: "TAX001", TaxAmount: "120.00", Description: "電車代 (T1234567890123)", Tracking: []xerotest.Tracking{{Name: "Department", Option: "営業部"}}},
		{Amount: "864.00", AccountCode: "6140", TaxType: "TAX002", TaxAmount: "64.00", Description: "打合せ用菓子"},
		{Amount: "-2184.00", AccountCode: "2110", TaxType: "NONE", TaxAmount: "0.00", Description: "経費精算 1"},
	}
	for i, w := range wantLines {
		got := j.Lines[i]
		got.AccountID = ""
		if !reflect.DeepEqual(got, w) {
			t.Errorf("line %d = %+v; want %+v", i, got, w)
		}
	}
	found, ok, err := x.FindJournal(ctx, "urakata-expense-1")
	if err != nil || !ok || found != ref {
		t.Fatalf("FindJournal = %q, %v, %v; want %q", found, ok, err, ref)
	}

	// The same entry sent again (a worker that lost the answer) carries the same
	// Idempotency-Key: Xero answers with the first journal and writes nothing.
	again, err := x.PostJournal(ctx, expenseJournal("urakata-expense-1"))
	if err != nil || again != ref || len(srv.ManualJournals()) != 1 {
		t.Fatalf("second post = %q, %v with %d journals; want %q and one journal", again, err, len(srv.ManualJournals()), ref)
	}

	// A voided journal is not held any more.
	if err := srv.SetJournalStatus(j.ID, "VOIDED"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := x.FindJournal(ctx, "urakata-expense-1"); err != nil || ok {
		t.Fatalf("FindJournal of a voided journal = %v, %v; want none", ok, err)
	}
	// Accounts and tax rates were read once for all of it.
	if r := srv.Requests(); r["accounting.getAccounts"] != 1 || r["accounting.getTaxRates"] != 1 {
		t.Errorf("chart read %d times, tax rates %d; want once each", r["accounting.getAccounts"], r["accounting.getTaxRates"])
	}
}

// TestXero_PostJournal_lostAnswer: Xero wrote the journal, but the answer was lost on the
// way back. httpx sends the PUT again because it carries an Idempotency-Key, and Xero
// answers with the journal it made: one journal.
func TestXero_PostJournal_lostAnswer(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	srv.Fail(xerotest.FaultLostAnswer, 1, "accounting.createManualJournals")
	ref, err := x.PostJournal(t.Context(), expenseJournal("urakata-expense-2"))
	if err != nil {
		t.Fatal(err)
	}
	journals := srv.ManualJournals()
	if len(journals) != 1 || ref != "xero:ManualJournals/"+journals[0].ID || srv.Requests()["accounting.createManualJournals"] != 2 {
		t.Fatalf("ref %q, %d journals after %d PUTs; want one journal, found by its ref, after two", ref, len(journals), srv.Requests()["accounting.createManualJournals"])
	}
}

func TestXero_PostJournal_refusals(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	unbalanced := expenseJournal("r-1")
	unbalanced.Lines[2].Amount = model.Yen(2000)
	dollars := expenseJournal("r-2")
	for i := range dollars.Lines {
		dollars.Lines[i].Amount.Currency = "USD"
	}
	unknownAccount := expenseJournal("r-3")
	unknownAccount.Lines[0].Account = "雑費"
	unknownTax := expenseJournal("r-4")
	unknownTax.Lines[0].TaxCode = "TAX999"
	badTracking := expenseJournal("r-5")
	badTracking.Lines[0].Department = "総務部"
	for _, tc := range []struct {
		name string
		e    model.JournalEntry
		want string
	}{
		{"an unbalanced entry is refused before any call", unbalanced, "does not balance"},
		{"an entry in another currency than the organisation's is refused", dollars, "USD"},
		{"an account in neither the codes nor the names is refused", unknownAccount, "雑費"},
		{"a tax code Xero does not know is refused", unknownTax, "TAX999"},
		{"a department that is no tracking option is Xero's refusal, with its message", badTracking, "総務部"},
		{"an entry without a reference is refused", model.JournalEntry{Lines: expenseJournal("x").Lines}, "source reference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := x.PostJournal(t.Context(), tc.e)
			var pe *fault.PermanentError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want a permanent error naming %q", err, tc.want)
			}
		})
	}
	if n := len(srv.ManualJournals()); n != 0 {
		t.Errorf("%d journals written; want none", n)
	}
	if n := srv.Requests()["accounting.createManualJournals"]; n != 1 {
		t.Errorf("%d PUTs; want only the one Xero had to judge", n)
	}
}

func TestXero_PostJournal_asDraft(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, map[string]any{"journal_status": "DRAFT", "department_tracking_category": ""})
	if _, err := x.PostJournal(t.Context(), expenseJournal("urakata-expense-3")); err != nil {
		t.Fatal(err)
	}
	j := srv.ManualJournals()[0]
	if j.Status != JournalDraft || len(j.Lines[0].Tracking) != 0 {
		t.Fatalf("journal %+v; want a draft without tracking", j)
	}
}

// workDays is a week of work as package payroll computes it: ordinary days, a day with
// overtime and late night, and a day of legal-holiday work.
func workDays(emp string) []model.AttendanceDay {
	return []model.AttendanceDay{
		{EmployeeID: emp, Date: model.NewDate(2026, 10, 5), Kind: model.Workday, WorkedMinutes: 480, NormalMinutes: 480},
		{EmployeeID: emp, Date: model.NewDate(2026, 10, 6), Kind: model.Workday, WorkedMinutes: 690, NormalMinutes: 480, OvertimeMinutes: 210, LateNightMinutes: 30},
		{EmployeeID: emp, Date: model.NewDate(2026, 10, 7), Kind: model.Workday, WorkedMinutes: 440, NormalMinutes: 440},
		{EmployeeID: emp, Date: model.NewDate(2026, 10, 11), Kind: model.LegalHoliday, WorkedMinutes: 315, HolidayMinutes: 315},
		{EmployeeID: emp, Date: model.NewDate(2026, 10, 12), Kind: model.Workday, Leave: model.PaidLeave, LeaveDays: model.Day},
		// Outside the period: the week's start reaching back, not written.
		{EmployeeID: emp, Date: model.NewDate(2026, 9, 30), Kind: model.Workday, WorkedMinutes: 480},
	}
}

func TestXero_PutAndGetTimesheet(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	ctx := t.Context()
	emp := srv.Employees()[1]
	who := model.Employee{IDs: map[string]string{conn: emp.ID}, Code: emp.Code}
	if _, ok, err := x.GetTimesheet(ctx, who, october2026); err != nil || ok {
		t.Fatalf("GetTimesheet before writing = %v, %v; want none", ok, err)
	}
	days := workDays("kot-2")
	ref, err := x.PutTimesheet(ctx, who, october2026, days)
	if err != nil {
		t.Fatal(err)
	}
	sheets := srv.Timesheets()
	if len(sheets) != 1 || ref != "xero:Timesheets/"+sheets[0].ID || sheets[0].EmployeeID != emp.ID || sheets[0].PayrollCalendarID != emp.PayrollCalendarID {
		t.Fatalf("ref %q, timesheets %+v", ref, sheets)
	}
	rates := srv.EarningsRates()
	type line struct {
		date    string
		rate    string
		minutes int
	}
	var got []line
	for _, l := range sheets[0].Lines {
		got = append(got, line{l.Date.String(), l.EarningsRateID, l.Minutes()})
	}
	want := []line{
		{"2026-10-05", rates.Ordinary, 480},
		{"2026-10-06", rates.Ordinary, 480},
		{"2026-10-06", rates.Overtime, 210},
		{"2026-10-07", rates.Ordinary, 440},
		// Without a holiday rate, holiday work is ordinary hours.
		{"2026-10-11", rates.Ordinary, 315},
	}
	slices.SortFunc(got, func(a, b line) int { return strings.Compare(a.date+a.rate, b.date+b.rate) })
	slices.SortFunc(want, func(a, b line) int { return strings.Compare(a.date+a.rate, b.date+b.rate) })
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("lines = %+v\nwant %+v", got, want)
	}

	back, ok, err := x.GetTimesheet(ctx, who, october2026)
	if err != nil || !ok {
		t.Fatalf("GetTimesheet = %v, %v", ok, err)
	}
	planned, err := x.ComparableDays(days, october2026)
	if err != nil {
		t.Fatal(err)
	}
	held, _ := x.ComparableDays(back, october2026)
	if !reflect.DeepEqual(planned, held) {
		t.Fatalf("read back %+v\nplanned %+v", held, planned)
	}

	// The same days again: nothing to write.
	before := srv.Requests()
	if again, err := x.PutTimesheet(ctx, who, october2026, days); err != nil || again != ref {
		t.Fatalf("second put = %q, %v", again, err)
	}
	if writes(srv.Requests()) != writes(before) {
		t.Errorf("an unchanged timesheet was written: %v then %v", before, srv.Requests())
	}

	// A corrected punch changes one line, removes one and adds one; the rest stay.
	changed := slices.Clone(days)
	changed[0].WorkedMinutes = 500 // 10-05: ordinary 480 → 500
	changed[2].WorkedMinutes = 0   // 10-07: no work after all
	changed[4].WorkedMinutes = 120 // 10-12: two hours on a leave day
	before = srv.Requests()
	if _, err := x.PutTimesheet(ctx, who, october2026, changed); err != nil {
		t.Fatal(err)
	}
	after := srv.Requests()
	for op, n := range map[string]int{"payroll.updateTimesheetLine": 1, "payroll.deleteTimesheetLine": 1, "payroll.createTimesheetLine": 1, "payroll.createTimesheet": 0} {
		if d := after[op] - before[op]; d != n {
			t.Errorf("%s called %d times; want %d", op, d, n)
		}
	}
	back, _, err = x.GetTimesheet(ctx, who, october2026)
	if err != nil {
		t.Fatal(err)
	}
	planned, _ = x.ComparableDays(changed, october2026)
	held, _ = x.ComparableDays(back, october2026)
	if !reflect.DeepEqual(planned, held) {
		t.Fatalf("after the change read back %+v\nplanned %+v", held, planned)
	}

	// Approved in Xero: the same hours are fine, other hours are refused.
	if err := srv.ApproveTimesheet(sheets[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := x.PutTimesheet(ctx, who, october2026, changed); err != nil {
		t.Fatalf("unchanged hours on an approved timesheet: %v", err)
	}
	_, err = x.PutTimesheet(ctx, who, october2026, days)
	var pe *fault.PermanentError
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "Approved") {
		t.Fatalf("err = %v; want a permanent refusal naming the approval", err)
	}
}

// writes counts the timesheet writes among a sandbox's requests.
func writes(r map[string]int) int {
	return r["payroll.createTimesheet"] + r["payroll.createTimesheetLine"] + r["payroll.updateTimesheetLine"] + r["payroll.deleteTimesheetLine"]
}

func TestXero_PutTimesheet_withHolidayAndLateNightRates(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	rates := srv.EarningsRates()
	x.earnings.Holiday, x.earnings.LateNight = rates.Holiday, rates.LateNight
	emp := srv.Employees()[3]
	who := model.Employee{IDs: map[string]string{conn: emp.ID}, Code: emp.Code}
	if _, err := x.PutTimesheet(t.Context(), who, october2026, workDays("e")); err != nil {
		t.Fatal(err)
	}
	minutes := map[string]int{}
	for _, l := range srv.Timesheets()[0].Lines {
		minutes[l.Date.String()+" "+l.EarningsRateID] += l.Minutes()
	}
	for key, want := range map[string]int{
		"2026-10-06 " + rates.LateNight: 30,
		"2026-10-11 " + rates.Holiday:   315,
	} {
		if minutes[key] != want {
			t.Errorf("%s = %d minutes; want %d", key, minutes[key], want)
		}
	}
	if _, ok := minutes["2026-10-11 "+rates.Ordinary]; ok {
		t.Error("holiday work was also written as ordinary hours")
	}
}

func TestXero_PutTimesheet_refusals(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	emp := srv.Employees()[0]
	who := model.Employee{IDs: map[string]string{conn: emp.ID}, Code: emp.Code}
	halfMonth := model.PayPeriod{Year: 2026, Month: 10, Start: model.NewDate(2026, 9, 16), End: model.NewDate(2026, 10, 15)}
	broken := []model.AttendanceDay{{Date: model.NewDate(2026, 10, 5), WorkedMinutes: 60, OvertimeMinutes: 90}}
	for _, tc := range []struct {
		name   string
		emp    model.Employee
		period model.PayPeriod
		days   []model.AttendanceDay
		want   string
	}{
		{"an employee without a Xero id", model.Employee{Code: "E9"}, october2026, nil, "no Xero id"},
		{"a period that is not one of the payroll calendar's", who, halfMonth, workDays("e"), "pay period"},
		{"a day with more overtime than work", who, october2026, broken, "exceed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := x.PutTimesheet(t.Context(), tc.emp, tc.period, tc.days)
			if !fault.IsPermanent(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want a permanent error naming %q", err, tc.want)
			}
		})
	}
	x.earnings = TimesheetRates{}
	if _, err := x.PutTimesheet(t.Context(), who, october2026, workDays("e")); !fault.IsPermanent(err) || !strings.Contains(err.Error(), "ordinary_earnings_rate_id") {
		t.Fatalf("err = %v; want a permanent error naming the settings", err)
	}
	if n := len(srv.Timesheets()); n != 0 {
		t.Errorf("%d timesheets written; want none", n)
	}
}

func TestXero_ApprovedExpenses(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{Employees: 40}, nil)
	claims := srv.ExpenseClaims()
	var approved []xerotest.ExpenseClaim
	for _, c := range claims {
		if c.Status != "SUBMITTED" {
			approved = append(approved, c)
		}
	}
	slices.SortStableFunc(approved, func(a, b xerotest.ExpenseClaim) int { return a.UpdatedAt.Compare(b.UpdatedAt) })

	var got []model.ExpenseReport
	for r, err := range x.ApprovedExpenses(t.Context(), time.Time{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != len(approved) {
		t.Fatalf("%d reports; want the %d approved or paid claims", len(got), len(approved))
	}
	emps := srv.Employees()
	for i, r := range got {
		c := approved[i]
		e := emps[c.Employee]
		if r.ID != c.ID || r.Source != conn || r.ApplicantID != e.UserID || r.ApplicantEmail != e.Email || !r.ApprovedAt.Equal(c.UpdatedAt) {
			t.Fatalf("report %d = %+v; want claim %s of %s approved at %v", i, r, c.ID, e.Code, c.UpdatedAt)
		}
		if r.Total() != model.Yen(c.Total()) || len(r.Lines) != 2 {
			t.Fatalf("report %d total %v with %d lines; want %d yen on 2", i, r.Total(), len(r.Lines), c.Total())
		}
		fare, snacks := r.Lines[0], r.Lines[1]
		rc := c.Receipts
		if fare.TaxRate != 10 || fare.Category != "6110" || fare.TaxAmount != model.Yen(rc[0].Lines[0].Tax) || fare.InvoiceRegistrationNumber != rc[0].TaxNumber ||
			fare.Date != rc[0].Date || fare.ReceiptRef != "xero:Receipts/"+rc[0].ID || fare.Description != rc[0].Lines[0].Description {
			t.Errorf("fare line %+v; want receipt %+v", fare, rc[0])
		}
		if snacks.TaxRate != 8 || snacks.Category != "6140" || snacks.InvoiceRegistrationNumber != rc[1].TaxNumber {
			t.Errorf("snacks line %+v; want receipt %+v", snacks, rc[1])
		}
	}

	// Since a moment in the middle: only what was approved then or later.
	since := got[len(got)/2].ApprovedAt
	var later []string
	for r, err := range x.ApprovedExpenses(t.Context(), since) {
		if err != nil {
			t.Fatal(err)
		}
		if r.ApprovedAt.Before(since) {
			t.Errorf("report approved %v, before %v", r.ApprovedAt, since)
		}
		later = append(later, r.ID)
	}
	if len(later) != len(got)-len(got)/2 {
		t.Errorf("%d reports since the middle; want %d", len(later), len(got)-len(got)/2)
	}
}

func TestXero_Expense(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	for _, c := range srv.ExpenseClaims() {
		r, err := x.Expense(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if (c.Status == "SUBMITTED") != r.ApprovedAt.IsZero() {
			t.Errorf("claim %s (%s) approved at %v; want zero only while submitted", c.ID, c.Status, r.ApprovedAt)
		}
	}
	_, err := x.Expense(t.Context(), "00000000-0000-4000-8000-000000000000")
	if !rest.NotFound(err) {
		t.Fatalf("err = %v; want a permanent 404", err)
	}
}

func TestXero_ApprovedExpenses_errorEndsTheIteration(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	srv.Fail(xerotest.FaultServerError, 10, "accounting.getReceipt")
	n := 0
	for _, err := range x.ApprovedExpenses(t.Context(), time.Time{}) {
		n++
		if err == nil || fault.Classify(err) != fault.KindTransient {
			t.Fatalf("err = %v; want a transient error", err)
		}
	}
	if n != 1 {
		t.Fatalf("%d yields; want the one error", n)
	}
}

// TestXero_sandboxFaults drives the connection through the sandbox's faults: what is
// retried passes, what is not comes back typed.
func TestXero_sandboxFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind  xerotest.FaultKind
		times int
		check func(t *testing.T, err error)
	}{
		{xerotest.FaultServerError, 2, func(t *testing.T, err error) {
			if err != nil {
				t.Fatalf("err = %v; a GET is retried past two 500s", err)
			}
		}},
		{xerotest.FaultConnectionReset, 1, func(t *testing.T, err error) {
			if err != nil {
				t.Fatalf("err = %v; a GET is retried past a reset", err)
			}
		}},
		{xerotest.FaultMalformedBody, 1, func(t *testing.T, err error) {
			if err == nil || fault.Classify(err) != fault.KindTransient {
				t.Fatalf("err = %v; want a transient decode error", err)
			}
		}},
		{xerotest.FaultExpiredToken, 1, func(t *testing.T, err error) {
			if err != nil {
				t.Fatalf("err = %v; a 401 is tried again with a renewed token", err)
			}
		}},
		{xerotest.FaultDayLimit, 1, func(t *testing.T, err error) {
			var rl *fault.RateLimitedError
			if !errors.As(err, &rl) || rl.Scope != "xero-day" || rl.RetryAfter <= time.Minute {
				t.Fatalf("err = %v; want RateLimited xero-day, handed to the runtime", err)
			}
		}},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			srv, x := sandbox(t, xerotest.Options{}, nil)
			x.Client.SetTenant(srv.TenantID())
			srv.Fail(tc.kind, tc.times, "accounting.getManualJournals")
			_, _, err := x.FindJournal(t.Context(), "ref")
			tc.check(t, err)
		})
	}
}

// TestXero_staysWithinFiveAtOnce: many callers at once never have more than five requests
// in flight, so the sandbox's concurrency limit never answers 429.
func TestXero_staysWithinFiveAtOnce(t *testing.T) {
	t.Parallel()
	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	release := make(chan struct{})
	srv, x := sandbox(t, xerotest.Options{OnRequest: func(op string) {
		if op != "accounting.getManualJournals" {
			return
		}
		n := inFlight.Add(1)
		mu.Lock()
		if n > peak.Load() {
			peak.Store(n)
		}
		mu.Unlock()
		<-release
		inFlight.Add(-1)
	}}, nil)
	x.Client.SetTenant(srv.TenantID())
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Go(func() {
			_, _, err := x.FindJournal(t.Context(), "ref")
			errs <- err
		})
	}
	// Let the first five in, then everyone through.
	for inFlight.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if peak.Load() != 5 {
		t.Errorf("peak in flight %d; want 5", peak.Load())
	}
}

// TestXero_tokenAnswerLostIsResentWithinGrace: the sandbox spends the refresh token and
// drops the answer; the connection sends the same token again and Xero's grace period
// takes it.
func TestXero_tokenAnswerLostIsResentWithinGrace(t *testing.T) {
	t.Parallel()
	srv, x := sandbox(t, xerotest.Options{}, nil)
	srv.Fail(xerotest.FaultLostAnswer, 1, xerotest.OAuthOp)
	if _, _, err := x.FindJournal(t.Context(), "ref"); err != nil {
		t.Fatal(err)
	}
	granted, grace := srv.Refreshes()
	if granted != 2 || grace != 1 {
		t.Fatalf("refreshes granted %d, within grace %d; want 2 and 1", granted, grace)
	}
	// The access token expires; the stored (second) refresh token takes over.
	srv.ExpireAccessTokens()
	if _, _, err := x.FindJournal(t.Context(), "ref"); err != nil {
		t.Fatal(err)
	}
	if granted, _ := srv.Refreshes(); granted != 3 {
		t.Fatalf("refreshes granted %d; want a third after the expiry", granted)
	}
}
