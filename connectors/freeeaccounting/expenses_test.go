package freeeaccounting_test

import (
	"maps"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freeeaccounting/freeeaccountingtest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

func TestApprovedExpensesCarryTheReceiptsRegistrationNumbersAsFreeeHoldsThem(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	byTitle := map[string]model.ExpenseReport{}
	for _, r := range collect(t, acc.ApprovedExpenses(t.Context(), time.Time{})) {
		byTitle[r.Title] = r
	}
	visit := byTitle["客先訪問 交通費"]
	if len(visit.Lines) != 2 {
		t.Fatalf("visit lines = %+v", visit.Lines)
	}
	train, taxi := visit.Lines[0], visit.Lines[1]
	if train.ReceiptRef != "" || train.InvoiceRegistrationNumber != "" {
		t.Errorf("a train fare without a receipt: %+v", train)
	}
	rc, _ := srv.Receipt(7004)
	if taxi.ReceiptRef != "receipts/7004" || taxi.InvoiceRegistrationNumber != rc.RegistrationNumber || rc.RegistrationNumber == "" {
		t.Errorf("taxi = %+v; want receipt 7004's number %q carried unchecked", taxi, rc.RegistrationNumber)
	}
	supplies := byTitle["事務用品"].Lines[0]
	if supplies.ReceiptRef == "" || supplies.InvoiceRegistrationNumber != "" || supplies.TaxRate != 10 {
		t.Errorf("supplies from a shop without a number = %+v", supplies)
	}
	paper := byTitle["新聞 定期購読"].Lines[0]
	if paper.Category != "新聞購読料" || paper.TaxRate != 8 || paper.TaxAmount != model.Yen(325) {
		t.Errorf("newspaper = %+v; want 8 %% with 325 yen of tax", paper)
	}
	if len(byTitle) != 7 {
		t.Errorf("%d approved claims with since zero; want all 7", len(byTitle))
	}
}

func TestApprovedExpensesKeepsOnlyThoseApprovedAtOrAfterSince(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	since := time.Date(2026, 10, 17, 15, 4, 0, 0, jst) // the 5th claim's approval, to the second
	var titles []string
	for _, r := range collect(t, acc.ApprovedExpenses(t.Context(), since)) {
		titles = append(titles, r.Title)
	}
	if len(titles) != 3 || titles[0] != "取引先 会食" {
		t.Errorf("since %s: %v; want the three approved from then on, the one approved at since first", since, titles)
	}
}

func TestApprovedExpensesFindsAClaimApprovedLateOnlyWithinTheLookback(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 15, 9, 30, 0, 0, jst)
	srv := sandbox(t, freeeaccountingtest.Options{Now: func() time.Time { return now }})
	if err := srv.Approve(1008); err != nil { // filed 2026-10-26, approved 2026-12-15
		t.Fatal(err)
	}
	since := time.Date(2026, 12, 1, 0, 0, 0, 0, jst)
	short := collect(t, connect(t, srv, nil).ApprovedExpenses(t.Context(), since))
	long := collect(t, connect(t, srv, map[string]any{"approval_lookback_days": 62}).ApprovedExpenses(t.Context(), since))
	if len(short) != 0 {
		t.Errorf("with 31 days of lookback: %d claims; a claim filed 36 days before since is out of reach", len(short))
	}
	if len(long) != 1 || long[0].ID != "1008" || !long[0].ApprovedAt.Equal(now) {
		t.Errorf("with 62 days of lookback: %+v; want claim 1008 approved at %s", long, now)
	}
}

func TestApprovedExpensesReadsEachClaimsDetailsOncePerProcess(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	since := time.Date(2026, 10, 1, 0, 0, 0, 0, jst)
	first := len(collect(t, acc.ApprovedExpenses(t.Context(), since)))
	before := srv.Requests()
	second := len(collect(t, acc.ApprovedExpenses(t.Context(), since)))
	after := srv.Requests()
	diff := map[string]int{}
	for op, n := range after {
		if n != before[op] {
			diff[op] = n - before[op]
		}
	}
	if first != 7 || second != 7 {
		t.Fatalf("polls found %d and %d claims; want 7 each", first, second)
	}
	if want := map[string]int{"get_expense_applications": 1}; !maps.Equal(diff, want) {
		t.Errorf("the second poll made %v; want only %v", diff, want)
	}
	if got := before["get_expense_application"]; got != 7 {
		t.Errorf("the first poll read %d claims' details; want 7", got)
	}
}

func TestExpenseCostsOneRequestAndOnePerReceiptPlusTheMastersOncePerRun(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	rep, err := acc.Expense(t.Context(), "1001") // three receipts
	if err != nil {
		t.Fatal(err)
	}
	if rep.ApprovedAt.IsZero() || len(rep.Lines) != 4 {
		t.Fatalf("report %+v", rep)
	}
	if _, err := acc.Expense(t.Context(), "1004"); err != nil { // one receipt, masters cached
		t.Fatal(err)
	}
	got := srv.Requests()
	delete(got, freeeaccountingtest.OAuthOp)
	want := map[string]int{"get_expense_application": 2, "get_receipt": 4, "get_expense_application_line_templates": 1,
		"get_taxes_companies": 1, "get_users": 1}
	if !maps.Equal(got, want) {
		t.Errorf("requests %v; want %v", got, want)
	}
}

func TestExpenseOfAClaimNotYetApprovedHasNoApprovalTime(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	rep, err := acc.Expense(t.Context(), "1008")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.ApprovedAt.IsZero() || rep.Title != "福岡出張" || len(rep.Lines) != 2 {
		t.Errorf("in-progress claim = %+v; want it as it is, with no approval time", rep)
	}
}

func TestExpenseErrors(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	for _, tc := range []struct {
		name, id string
		requests int
	}{
		{"an id that is not a number is Permanent without a request", "EXP-1", 0},
		{"an id freee does not know is Permanent", "99999", 1},
	} {
		before := srv.Requests()["get_expense_application"]
		_, err := acc.Expense(t.Context(), tc.id)
		if fault.Classify(err) != fault.KindPermanent {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if n := srv.Requests()["get_expense_application"] - before; n != tc.requests {
			t.Errorf("%s: %d requests; want %d", tc.name, n, tc.requests)
		}
	}
}

func TestExpenseSettings(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	t.Run("expense_category account_item names lines after the account", func(t *testing.T) {
		rep, err := connect(t, srv, map[string]any{"expense_category": "account_item"}).Expense(t.Context(), "1003")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Lines[0].Category != freeeaccountingtest.AccountMeetings || rep.Lines[1].Category != freeeaccountingtest.AccountMeetings {
			t.Errorf("categories %q, %q; want %s", rep.Lines[0].Category, rep.Lines[1].Category, freeeaccountingtest.AccountMeetings)
		}
	})
	t.Run("read_receipts off reads no receipt and carries no number", func(t *testing.T) {
		before := srv.Requests()["get_receipt"]
		rep, err := connect(t, srv, map[string]any{"read_receipts": false}).Expense(t.Context(), "1001")
		if err != nil {
			t.Fatal(err)
		}
		if n := srv.Requests()["get_receipt"] - before; n != 0 || rep.Lines[0].InvoiceRegistrationNumber != "" || rep.Lines[0].ReceiptRef != "receipts/7001" {
			t.Errorf("%d receipt requests, line %+v", n, rep.Lines[0])
		}
	})
}

func TestExpenseSurvivesTheSandboxFaults(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	if _, err := acc.Expense(t.Context(), "1004"); err != nil {
		t.Fatal(err)
	}
	srv.Fail(freeeaccountingtest.FaultServerError, 2, "get_expense_application")
	srv.ExpireAccessTokens()
	if _, err := acc.Expense(t.Context(), "1004"); err != nil {
		t.Fatalf("after two 500s and an expired token: %v", err)
	}
	srv.Fail(freeeaccountingtest.FaultThrottled, 1, "get_expense_application")
	_, err := acc.Expense(t.Context(), "1004")
	if wait, ok := fault.RetryAfter(err); !ok || wait != 10*time.Minute {
		t.Errorf("throttled: %v; want RateLimited for ten minutes", err)
	}
}

func TestTheDailyCapIsRateLimitedUntilMidnightInJapan(t *testing.T) {
	t.Parallel()
	now := time.Now().In(jst) // httpx measures the wait until the reset on the real clock
	srv := sandbox(t, freeeaccountingtest.Options{DailyLimit: 3, Now: func() time.Time { return now }})
	acc := connect(t, srv, map[string]any{"read_receipts": false})
	_, err := acc.Expense(t.Context(), "1004") // claim, templates, taxes: the cap
	if err == nil {
		_, err = acc.Expense(t.Context(), "1005")
	}
	var rl *fault.RateLimitedError
	if !errorAs(err, &rl) || rl.RetryAfter <= 0 {
		t.Fatalf("err = %v; want RateLimited", err)
	}
	midnight := model.DateOf(now, jst).AddDays(1).In(jst)
	if rl.RetryAfter > time.Until(midnight)+time.Second || rl.RetryAfter < time.Until(midnight)-time.Minute {
		t.Errorf("wait %s; want until midnight in Japan", rl.RetryAfter)
	}
}
