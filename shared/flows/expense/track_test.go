package expense_test

import (
	"testing"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// ExpensesOf tells an employee where each of their own claims stands, from what the worker
// recorded in the ledger, and never lists anyone else's.
func TestExpensesOfReportsTheAskersClaimsFromTheLedger(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]any{"notify": ""})
	at := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, tokyo) }
	h.src.reports = []model.ExpenseReport{
		report("E1", "E001", "hanako@demo.example", at(20), taxi(3300)),
		report("E2", "E002", "jiro@demo.example", at(21), taxi(1100)),
	}
	tracker := h.flow.(hub.ExpenseTracker)
	hanako := model.Employee{Code: "E001", Email: "Hanako@demo.example"}
	ctx := t.Context()

	got, err := tracker.ExpensesOf(ctx, hanako, at(1), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Report.ID != "E1" || got[0].State != hub.ExpenseWaiting {
		t.Fatalf("before any run: %+v; want E1 waiting", got)
	}

	h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	// A claim approved after the run has not been planned yet.
	h.src.reports = append(h.src.reports,
		report("E3", "E001", "hanako@demo.example", at(22), taxi(500)),
		report("E4", "", "HANAKO@demo.example", at(23), taxi(700)),     // no code at the source: matched by email
		report("E5", "E009", "hanako@demo.example", at(24), taxi(900)), // another code, same email: not hers
	)
	got, err = tracker.ExpensesOf(ctx, hanako, at(1), 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id    string
		state hub.ExpenseState
	}{{"E4", hub.ExpenseWaiting}, {"E3", hub.ExpenseWaiting}, {"E1", hub.ExpensePosted}}
	if len(got) != len(want) {
		t.Fatalf("after the run: %d claims %+v; want %v", len(got), got, want)
	}
	for i, w := range want {
		if got[i].Report.ID != w.id || got[i].State != w.state {
			t.Errorf("claim %d = %s %s; want %s %s", i, got[i].Report.ID, got[i].State, w.id, w.state)
		}
	}
	if got[2].Ref != "deal-urakata-expense-E1" {
		t.Errorf("posted claim's ref = %q; want the books' reference", got[2].Ref)
	}

	// A limit keeps the newest.
	if got, _ := tracker.ExpensesOf(ctx, hanako, at(1), 1); len(got) != 1 || got[0].Report.ID != "E4" {
		t.Errorf("limit 1: %+v; want only the newest (E4)", got)
	}
	// Nobody without a code and an email matches anything.
	if got, _ := tracker.ExpensesOf(ctx, model.Employee{}, at(1), 5); len(got) != 0 {
		t.Errorf("an employee with neither code nor email got %+v", got)
	}
}
