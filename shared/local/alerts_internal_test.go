package local

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/queue"
)

type chatLog struct {
	mu    sync.Mutex
	texts []string
}

func (c *chatLog) PostMessage(_ context.Context, m model.ChatMessage) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.texts = append(c.texts, m.Text)
	return "1", nil
}

func testAlerting(chat *chatLog) *alerting {
	cfg := &config.File{Flows: []config.Flow{{Name: "payroll", Source: "clock", Target: "freee-hr"}}}
	return newAlerting(cfg, alerts.New(alerts.Options{Chat: chat, Channel: "C1"}))
}

func deadLetter(kind, key, runID, lastError string) queue.DeadLetter {
	return queue.DeadLetter{Message: queue.Message{Attributes: map[string]string{"kind": kind, "flow": "payroll", "run_id": runID, "key": key}}, LastError: lastError}
}

// A dead letter is alerted once: from the worker's outcome when it buried the message (with
// the error itself), from the dead letters when the queue moved it at its receive limit.
func TestADeadLetterIsAlertedOnceWhicheverWayItDied(t *testing.T) {
	t.Parallel()
	chat := &chatLog{}
	x := testAlerting(chat)
	x.observe(hub.Outcome{RunID: "r", Flow: "payroll", Key: "k1", NaturalKey: "employee/1/2026-10", Status: hub.StatusDead,
		Err: &fault.PermanentError{Message: "reconnect freee-hr", Err: &fault.ReconnectError{Connection: "freee-hr"}}})
	x.observe(hub.Outcome{RunID: "r", Flow: "payroll", Key: "k2", Status: hub.StatusRetry, Err: errors.New("connection reset")})
	x.deadLetter(deadLetter("delivery", "k1", "r", "reconnect freee-hr: freee refused the refresh token"))
	x.deadLetter(deadLetter("delivery", "k2", "r", "freee-hr: PUT /hr/api/v1/employees/2: 500: internal error"))
	x.deadLetter(deadLetter("job", "", "r2", "list employees: connection reset"))

	fr := FlowResult{Name: "payroll", RunID: "r", FlowCounts: FlowCounts{Failed: 2, Dead: 2}}
	x.finish(t.Context(), &fr, "r", nil)
	kinds := map[alerts.Kind]alerts.Report{}
	for _, a := range fr.Alerts {
		kinds[a.Kind] = a
	}
	if len(fr.Alerts) != 3 || kinds[alerts.Reconnect].Connection != "freee-hr" ||
		kinds[alerts.DeadLetter].Cause != "freee-hr: PUT /hr/api/v#/employees/#: 500: internal error" || kinds[alerts.DeadLetter].Connection != "freee-hr" ||
		kinds[alerts.FlowFailed].Cause != "list employees: connection reset" {
		t.Fatalf("alerts %+v; want the reconnect from its outcome, the receive-limit letter and the dead job, once each", fr.Alerts)
	}
	if len(chat.texts) != 3 {
		t.Fatalf("%d chat messages; want 3", len(chat.texts))
	}
}

// A run that failed for a reason alerted already raises no "flow failed" besides; one that
// failed with nothing else alerted does.
func TestAFailedRunIsAlertedWhenNothingElseWas(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		fr      FlowResult
		planErr error
		want    []alerts.Kind
		cause   string
	}{
		{"a source that failed is a failed run", FlowResult{Name: "payroll", Error: "flow payroll: list employees: 503: maintenance"},
			errors.New("flow payroll: list employees: 503: maintenance"), []alerts.Kind{alerts.FlowFailed}, "flow payroll: list employees: 503: maintenance"},
		{"records that could not be planned are a failed run", FlowResult{Name: "payroll", FlowCounts: FlowCounts{Failed: 1},
			ItemErrors: []hub.ItemError{{NaturalKey: "employee/7", Error: "employee 7 has no code"}}}, nil, []alerts.Kind{alerts.FlowFailed}, "records not planned: employee # has no code"},
		{"a target that does not hold what was planned is a failed run", FlowResult{Name: "payroll", Reconciliation: &ReconcileSummary{Mismatched: 2}},
			nil, []alerts.Kind{alerts.FlowFailed}, "reconciliation: the target does not hold what was planned"},
		{"a good run raises nothing", FlowResult{Name: "payroll"}, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := testAlerting(&chatLog{})
			fr := tc.fr
			x.finish(t.Context(), &fr, "r", tc.planErr)
			var kinds []alerts.Kind
			for _, a := range fr.Alerts {
				kinds = append(kinds, a.Kind)
				if a.Cause != tc.cause {
					t.Errorf("cause %q; want %q", a.Cause, tc.cause)
				}
			}
			if strings.Join(kindNames(kinds), ",") != strings.Join(kindNames(tc.want), ",") {
				t.Fatalf("alerts %+v; want kinds %v", fr.Alerts, tc.want)
			}
		})
	}
	t.Run("a dead letter already alerted is not a failed run besides", func(t *testing.T) {
		t.Parallel()
		x := testAlerting(&chatLog{})
		x.observe(hub.Outcome{RunID: "r", Flow: "payroll", Key: "k", NaturalKey: "n", Status: hub.StatusDead, Err: fault.Permanentf("freee-hr", "month is closed")})
		fr := FlowResult{Name: "payroll", FlowCounts: FlowCounts{Failed: 1, Dead: 1}}
		x.finish(t.Context(), &fr, "r", nil)
		if len(fr.Alerts) != 1 || fr.Alerts[0].Kind != alerts.DeadLetter {
			t.Fatalf("alerts %+v; want the dead letter alone", fr.Alerts)
		}
	})
	t.Run("an interrupted run alerts no failure of its own", func(t *testing.T) {
		t.Parallel()
		x := testAlerting(&chatLog{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		fr := FlowResult{Name: "payroll", Error: "context canceled"}
		x.finish(ctx, &fr, "r", context.Canceled)
		if len(fr.Alerts) != 0 {
			t.Fatalf("alerts %+v; want none for an interruption", fr.Alerts)
		}
	})
}

func kindNames(kinds []alerts.Kind) []string {
	var out []string
	for _, k := range kinds {
		out = append(out, string(k))
	}
	return out
}

func TestANilAlertingDoesNothing(t *testing.T) {
	t.Parallel()
	var x *alerting
	x.observe(hub.Outcome{Status: hub.StatusDead})
	x.deadLetter(queue.DeadLetter{})
	x.forget()
	fr := FlowResult{Name: "payroll", Error: "boom"}
	x.finish(t.Context(), &fr, "r", errors.New("boom"))
	if fr.Alerts != nil {
		t.Fatalf("alerts %+v; want none without an alerts section", fr.Alerts)
	}
}

// A replay finishes its flows one after another, and the first one's finish sends every
// alert noted so far: a later flow whose dead letter was alerted that way failed for a reason
// alerted already, and raises no "flow failed" besides.
func TestAFlowAlertedInAnotherFlowsFinishIsNotAFailedRunBesides(t *testing.T) {
	t.Parallel()
	x := testAlerting(&chatLog{})
	x.begin("payroll", "expenses")
	x.observe(hub.Outcome{RunID: "r", Flow: "payroll", Key: "k1", NaturalKey: "n1", Status: hub.StatusDead, Err: fault.Permanentf("freee-hr", "month is closed")})
	x.observe(hub.Outcome{RunID: "r", Flow: "expenses", Key: "k2", NaturalKey: "n2", Status: hub.StatusDead, Err: fault.Permanentf("xero", "account code unknown")})
	first := FlowResult{Name: "payroll", FlowCounts: FlowCounts{Failed: 1, Dead: 1}}
	x.finish(t.Context(), &first, "r", nil)
	if len(first.Alerts) != 2 {
		t.Fatalf("first finish sent %+v; want both dead letters", first.Alerts)
	}
	second := FlowResult{Name: "expenses", FlowCounts: FlowCounts{Failed: 1, Dead: 1}}
	x.finish(t.Context(), &second, "r", nil)
	if len(second.Alerts) != 0 {
		t.Fatalf("second finish sent %+v; want nothing more: its dead letter was alerted", second.Alerts)
	}

	// What a serving hub alerted before a run began does not count for the run: failing with
	// nothing alerted since it began, it is a failed run.
	served := deadLetter("delivery", "k3", "wh-1", "xero: 400: account code unknown")
	served.Attributes["flow"] = "expenses"
	x.deadLetter(served)
	x.alerter.Flush(t.Context())
	x.begin("expenses")
	again := FlowResult{Name: "expenses", FlowCounts: FlowCounts{Failed: 1}, ItemErrors: []hub.ItemError{{NaturalKey: "report/9", Error: "no account for category 9"}}}
	x.finish(t.Context(), &again, "r2", nil)
	if len(again.Alerts) != 1 || again.Alerts[0].Kind != alerts.FlowFailed {
		t.Fatalf("alerts %+v; want the failed run", again.Alerts)
	}
}
