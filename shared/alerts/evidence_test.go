package alerts_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/store"
)

// testClock is a clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// countingState counts the reads of the open-alerts documents.
type countingState struct {
	store.Cursors
	mu    sync.Mutex
	reads int
}

func (c *countingState) GetCursor(ctx context.Context, name string) (store.Cursor, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.Cursors.GetCursor(ctx, name)
}

func (c *countingState) count() int { c.mu.Lock(); defer c.mu.Unlock(); return c.reads }

// t0 is when the failures of these tests were alerted: 06:00 in Tokyo.
var t0 = time.Date(2026, 11, 1, 6, 0, 0, 0, time.FixedZone("JST", 9*3600))

// alerterAt is an alerter of rig r on clock c.
func (r *rig) alerterAt(c *testClock) *alerts.Alerter {
	return alerts.New(alerts.Options{
		Chat: r.chat, Channel: "C0123OPS", Issues: r.tracker, State: r.state,
		Logger: slog.New(slog.NewJSONHandler(r.logs, nil)), Zone: t0.Location(), Now: c.Now,
	})
}

// The failures of one payroll run (freee-hr → freee-hr, telling people in Slack): a dead
// delivery, Slack's token refused, and a run that could not be planned.
var (
	dead        = alerts.FromError(alerts.DeadLetter, "payroll", "freee-hr", "run-1", errors.New("freee-hr: 400: month is closed"))
	slackRevoke = alerts.Alert{Kind: alerts.Reconnect, Flow: "payroll", Connection: "slack", Cause: "invalid_grant", RunID: "run-1"}
	notPlanned  = alerts.FromError(alerts.FlowFailed, "payroll", "", "run-1", errors.New("freee-hr: list employees: 503"))
)

// opened is a rig whose payroll flow has the three alerts open since t0.
func opened(t *testing.T) (*rig, *alerts.Alerter, *testClock) {
	t.Helper()
	r := newRig(t)
	c := &testClock{now: t0}
	a := r.alerterAt(c)
	for _, al := range []alerts.Alert{dead, slackRevoke, notPlanned} {
		a.Record(al)
	}
	if reports := a.Flush(t.Context()); len(reports) != 3 {
		t.Fatalf("opened %+v; want three alerts", reports)
	}
	return r, a, c
}

func openKinds(t *testing.T, a *alerts.Alerter) []string {
	t.Helper()
	open, err := a.Open(t.Context(), "payroll")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range open {
		out = append(out, string(o.Kind)+" "+o.Connection)
	}
	return out
}

func TestEvidenceClosesWhatItProves(t *testing.T) {
	t.Parallel()
	later := t0.Add(time.Hour)
	for _, tc := range []struct {
		name     string
		ev       alerts.Evidence
		stayOpen []string
	}{
		{"a run planned without an error closes the flow-failed alert and a reconnect of what it read",
			alerts.Evidence{Flow: "payroll", RunID: "run-2", Since: later, Connections: []string{"slack"}},
			[]string{"dead-letter freee-hr"}},
		{"a clean plan does not close the dead letters: only a delivery shows its target takes them",
			alerts.Evidence{Flow: "payroll", RunID: "run-2", Since: later, Connections: []string{"freee-hr"}},
			[]string{"dead-letter freee-hr", "reconnect slack"}},
		{"a delivery of a later run closes the alerts about its target and the flow-failed one",
			alerts.Evidence{Flow: "payroll", RunID: "run-2", Since: later, Connections: []string{"freee-hr"}, Delivered: true},
			[]string{"reconnect slack"}},
		{"a delivery of the run that failed (planned before the alerts) closes nothing",
			alerts.Evidence{Flow: "payroll", RunID: "run-1", Since: t0.Add(-time.Minute), Connections: []string{"freee-hr", "slack"}, Delivered: true},
			[]string{"dead-letter freee-hr", "reconnect slack", "flow-failed "}},
		{"evidence about another flow closes nothing",
			alerts.Evidence{Flow: "expenses", RunID: "run-2", Since: later, Connections: []string{"freee-hr", "slack"}, Delivered: true},
			[]string{"dead-letter freee-hr", "reconnect slack", "flow-failed "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, a, c := opened(t)
			c.Set(later.Add(time.Minute))
			reports := a.ResolveBy(t.Context(), tc.ev)
			if got := openKinds(t, a); strings.Join(got, "|") != strings.Join(tc.stayOpen, "|") {
				t.Fatalf("open after the evidence: %q; want %q (reports %+v)", got, tc.stayOpen, reports)
			}
			closed := 3 - len(tc.stayOpen)
			if len(reports) != closed {
				t.Fatalf("reports %+v; want %d closed", reports, closed)
			}
			posts := r.chat.texts()
			if closed == 0 {
				if len(posts) != 3 {
					t.Fatalf("chat %q; want nothing posted beyond the three alerts", posts)
				}
				return
			}
			if len(posts) != 4 || !strings.Contains(posts[3], "Recovered: flow payroll") || !strings.Contains(posts[3], "alert(s) closed") {
				t.Fatalf("chat %q; want one recovery line", posts)
			}
			shut := 0
			for _, is := range r.tracker.list() {
				if !is.open {
					shut++
					if last := is.comments[len(is.comments)-1]; !strings.Contains(last, "run `run-2`") || !strings.Contains(last, "Resolved: flow payroll") {
						t.Errorf("closing comment %q; want the run that showed it", last)
					}
				}
			}
			if shut != closed {
				t.Fatalf("%d issues closed; want %d", shut, closed)
			}
		})
	}
	t.Run("a failure seen again after the evidence began stays open", func(t *testing.T) {
		t.Parallel()
		_, a, c := opened(t)
		c.Set(later.Add(time.Minute))
		a.Record(dead) // another record of the same later run died
		a.Flush(t.Context())
		a.ResolveBy(t.Context(), alerts.Evidence{Flow: "payroll", RunID: "run-2", Since: later, Connections: []string{"freee-hr"}, Delivered: true})
		if got := openKinds(t, a); strings.Join(got, "|") != "dead-letter freee-hr|reconnect slack" {
			t.Fatalf("open %q; want the dead letter, seen again, still open", got)
		}
	})
}

// The worker functions note evidence for every delivery, and a Recovery reads each flow's
// open alerts at most once a minute, keeping what it could not yet rule out.
func TestRecoveryReadsAFlowsAlertsAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	counted := &countingState{Cursors: r.state}
	r.state = counted
	c := &testClock{now: t0}
	worker := r.alerterAt(c)
	rec := alerts.NewRecovery(worker, time.Minute)
	delivered := func(since time.Time) alerts.Evidence {
		return alerts.Evidence{Flow: "payroll", RunID: "run", Since: since, Connections: []string{"freee-hr"}, Delivered: true}
	}

	// A busy batch: a hundred deliveries, one read.
	for i := range 100 {
		rec.Note(delivered(t0.Add(-time.Duration(i) * time.Second)))
	}
	if reports := rec.Close(t.Context()); len(reports) != 0 || counted.count() != 1 {
		t.Fatalf("reports %+v after %d reads; want nothing closed after one read", reports, counted.count())
	}
	// Another process alerts a dead letter; a delivery planned after it succeeds here, but
	// the last read is too recent to read again.
	c.Set(t0.Add(5 * time.Second))
	other := r.alerterAt(c)
	other.Record(dead)
	other.Flush(t.Context())
	readsBefore := counted.count()
	c.Set(t0.Add(10 * time.Second))
	rec.Note(delivered(t0.Add(8 * time.Second)))
	if reports := rec.Close(t.Context()); len(reports) != 0 || counted.count() != readsBefore {
		t.Fatalf("reports %+v, %d reads; want no read within the minute", reports, counted.count()-readsBefore)
	}
	// A minute after the first read, the next batch reads again, and the evidence kept
	// from before closes the alert.
	c.Set(t0.Add(61 * time.Second))
	reports := rec.Close(t.Context())
	if len(reports) != 1 || reports[0].State != alerts.Closed || reports[0].Kind != alerts.DeadLetter {
		t.Fatalf("reports %+v; want the dead letter closed", reports)
	}
	if open := openKinds(t, worker); len(open) != 0 {
		t.Fatalf("open %q; want none", open)
	}
	// Nothing is kept once a read has ruled it out.
	c.Set(t0.Add(3 * time.Minute))
	readsBefore = counted.count()
	rec.Close(t.Context())
	rec.Close(t.Context())
	if counted.count() != readsBefore {
		t.Fatalf("%d reads with nothing noted; want none", counted.count()-readsBefore)
	}
	// An alert this container opens makes its last read out of date at once.
	c.Set(t0.Add(4 * time.Minute))
	rec.Note(delivered(t0))
	rec.Close(t.Context())
	c.Set(t0.Add(4*time.Minute + 5*time.Second))
	worker.Record(dead)
	worker.Flush(t.Context())
	c.Set(t0.Add(4*time.Minute + 10*time.Second))
	rec.Note(delivered(t0.Add(4*time.Minute + 6*time.Second)))
	if reports := rec.Close(t.Context()); len(reports) != 1 || reports[0].State != alerts.Closed {
		t.Fatalf("reports %+v; want the alert this container opened closed without waiting a minute", reports)
	}
	t.Run("without a store or an alerter there is nothing to do", func(t *testing.T) {
		none := alerts.NewRecovery(nil, time.Minute)
		none.Note(delivered(t0))
		if none.Close(t.Context()) != nil {
			t.Fatal("a nil Recovery reported")
		}
		r := newRig(t)
		r.state = nil
		if alerts.NewRecovery(r.alerterAt(c), time.Minute) != nil {
			t.Fatal("a Recovery without a store to read")
		}
	})
}
