package hub_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/store"
)

// items makes n items with natural keys "employee/<i>/2026-10" and a payload per key.
func items(n int) []hub.Item {
	out := make([]hub.Item, n)
	for i := range out {
		out[i] = hub.Item{NaturalKey: fmt.Sprintf("employee/%d/2026-10", i+1), Payload: summary{Minutes: 480 + i}}
	}
	return out
}

// engineRig is an engine on the real embedded queue (Sends counted) and ledger.
type engineRig struct {
	backend
	clk    *clock
	q      *countingQueue
	engine *hub.Engine
}

func newEngineRig(t *testing.T, batch int) *engineRig {
	t.Helper()
	clk := newClock()
	b := newBackend(t, clk.Now)
	q := &countingQueue{Queue: b.queue}
	return &engineRig{backend: b, clk: clk, q: q, engine: &hub.Engine{
		Queue: q, Ledger: b.store, Cursors: b.store, BatchSize: batch, Logger: quiet, Now: clk.Now,
	}}
}

// queuedKeys decodes what the plan left on the queue and returns the natural keys in order.
func (r *engineRig) queuedKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for _, env := range decodeAll(t, receiveAll(t, r.queue)) {
		if env.Kind != hub.KindDelivery {
			t.Fatalf("queued a %s, want deliveries only", env.Kind)
		}
		keys = append(keys, env.Delivery.NaturalKey)
	}
	return keys
}

func naturalKeys(its []hub.Item) []string {
	out := make([]string, 0, len(its))
	for _, it := range its {
		if it.Err == nil {
			out = append(out, it.NaturalKey)
		}
	}
	return out
}

func TestPlanSendsBatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		items     int
		batch     int
		wantSends []int
	}{
		{"seven items in batches of three go in three sends", 7, 3, []int{3, 3, 1}},
		{"six items in batches of three go in two full sends", 6, 3, []int{3, 3}},
		{"one item goes in one send", 1, 3, []int{1}},
		{"no items send nothing", 0, 3, nil},
		{"without a batch size, batches hold fifty", 51, 0, []int{50, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newEngineRig(t, tc.batch)
			its := items(tc.items)
			stats, err := r.engine.Plan(t.Context(), hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: &listFlow{items: its}}, hub.Run{ID: "run-1"})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.q.Sends(); !slices.Equal(got, tc.wantSends) {
				t.Errorf("sends of %v, want %v", got, tc.wantSends)
			}
			if stats.Read != tc.items || stats.Queued != tc.items || stats.Skipped != 0 || stats.Failed != 0 {
				t.Errorf("stats %+v, want %d read and queued", stats, tc.items)
			}
			if got := r.queuedKeys(t); !slices.Equal(got, naturalKeys(its)) {
				t.Errorf("queued %v, want %v in order", got, naturalKeys(its))
			}
		})
	}
}

func TestPlanQueuesDeliveriesTheWorkerCanRead(t *testing.T) {
	t.Parallel()
	r := newEngineRig(t, 10)
	its := items(2)
	if _, err := r.engine.Plan(t.Context(), hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: &listFlow{items: its}}, hub.Run{ID: "run-7"}); err != nil {
		t.Fatal(err)
	}
	msgs := receiveAll(t, r.queue)
	for i, env := range decodeAll(t, msgs) {
		d := env.Delivery
		want, err := hub.NewDelivery("timeclock", "payroll", its[i].NaturalKey, "run-7", its[i].Payload, r.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if d.Key != want.Key || d.Flow != "timeclock" || d.Target != "payroll" || d.RunID != "run-7" || !d.PlannedAt.Equal(r.clk.Now()) {
			t.Errorf("delivery %+v, want %+v", d, want)
		}
		a := msgs[i].Attributes
		if a["kind"] != "delivery" || a["flow"] != "timeclock" || a["run_id"] != "run-7" || a["key"] != d.Key {
			t.Errorf("attributes %v, want kind, flow, run_id and key", a)
		}
	}
}

func TestPlanLeavesOutWhatTheLedgerSaysIsDone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		ledger      []store.Outcome // by item, "-" for no entry
		pending     []int           // items claimed but not settled
		wantQueued  []int
		wantSkipped int
	}{
		{"a delivered and a skipped record are not queued again",
			[]store.Outcome{store.Delivered, store.Skipped, "-"}, nil, []int{2}, 2},
		{"a record that failed before is queued again",
			[]store.Outcome{store.Failed, store.Delivered, "-"}, nil, []int{0, 2}, 1},
		{"a record claimed but not settled is queued, for its claim may be a dead worker's",
			[]store.Outcome{"-", "-", "-"}, []int{1}, []int{0, 1, 2}, 0},
		{"with nothing in the ledger everything is queued",
			[]store.Outcome{"-", "-", "-"}, nil, []int{0, 1, 2}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newEngineRig(t, 2)
			its := items(len(tc.ledger))
			for i, o := range tc.ledger {
				if o == "-" {
					continue
				}
				d, err := hub.NewDelivery("timeclock", "payroll", its[i].NaturalKey, "old-run", its[i].Payload, r.clk.Now())
				if err != nil {
					t.Fatal(err)
				}
				settle(t, r.store, d.Key, o)
			}
			for _, i := range tc.pending {
				d, _ := hub.NewDelivery("timeclock", "payroll", its[i].NaturalKey, "old-run", its[i].Payload, r.clk.Now())
				if _, _, err := r.store.Claim(t.Context(), d.Key, "someone", time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			var seen []string
			var skippedSeen []string
			r.engine.OnPlanned = func(d hub.Delivery, skipped bool) {
				seen = append(seen, d.NaturalKey)
				if skipped {
					skippedSeen = append(skippedSeen, d.NaturalKey)
				}
			}
			stats, err := r.engine.Plan(t.Context(), hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: &listFlow{items: its}}, hub.Run{ID: "run-2"})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, i := range tc.wantQueued {
				want = append(want, its[i].NaturalKey)
			}
			if got := r.queuedKeys(t); !slices.Equal(got, want) {
				t.Errorf("queued %v, want %v", got, want)
			}
			if stats.Skipped != tc.wantSkipped || stats.Queued != len(tc.wantQueued) || stats.Read != len(its) {
				t.Errorf("stats %+v, want %d skipped, %d queued", stats, tc.wantSkipped, len(tc.wantQueued))
			}
			if !slices.Equal(seen, naturalKeys(its)) {
				t.Errorf("OnPlanned saw %v, want every delivery %v", seen, naturalKeys(its))
			}
			if len(skippedSeen) != tc.wantSkipped {
				t.Errorf("OnPlanned saw %v skipped, want %d", skippedSeen, tc.wantSkipped)
			}
		})
	}
}

func TestPlanQueuesAChangedRecordAgain(t *testing.T) {
	t.Parallel()
	r := newEngineRig(t, 10)
	bf := hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: &listFlow{items: items(1)}}
	old, _ := hub.NewDelivery("timeclock", "payroll", "employee/1/2026-10", "r", summary{Minutes: 1}, r.clk.Now())
	settle(t, r.store, old.Key, store.Delivered)
	stats, err := r.engine.Plan(t.Context(), bf, hub.Run{ID: "run-3"})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Queued != 1 || stats.Skipped != 0 {
		t.Errorf("stats %+v: a corrected record must be written again", stats)
	}
}

func TestPlanCountsItemErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		items      []hub.Item
		wantFailed int
		wantKept   int
		wantQueued int
	}{
		{"an item error is counted, kept with its natural key, and the rest goes through",
			[]hub.Item{
				{NaturalKey: "employee/1/2026-10", Payload: summary{Minutes: 1}},
				{NaturalKey: "employee/2/2026-10", Err: errors.New("2026-10-07: clock-in without a clock-out")},
				{NaturalKey: "employee/3/2026-10", Payload: summary{Minutes: 3}},
			}, 1, 1, 2},
		{"every item failing queues nothing",
			[]hub.Item{
				{NaturalKey: "employee/1/2026-10", Err: errors.New("read time clocks: timeout")},
				{NaturalKey: "employee/2/2026-10", Err: errors.New("no match")},
			}, 2, 2, 0},
		{"more than a hundred item errors are all counted, a hundred kept",
			func() []hub.Item {
				out := make([]hub.Item, 150)
				for i := range out {
					out[i] = hub.Item{NaturalKey: fmt.Sprintf("employee/%d/2026-10", i), Err: errors.New("bad punch")}
				}
				return out
			}(), 150, 100, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newEngineRig(t, 10)
			var planned int
			r.engine.OnPlanned = func(hub.Delivery, bool) { planned++ }
			stats, err := r.engine.Plan(t.Context(), hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: &listFlow{items: tc.items}}, hub.Run{ID: "run-1"})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Failed != tc.wantFailed || len(stats.ItemErrors) != tc.wantKept || stats.Queued != tc.wantQueued || stats.Read != len(tc.items) {
				t.Errorf("stats read %d queued %d failed %d kept %d; want failed %d kept %d queued %d",
					stats.Read, stats.Queued, stats.Failed, len(stats.ItemErrors), tc.wantFailed, tc.wantKept, tc.wantQueued)
			}
			if planned != tc.wantQueued {
				t.Errorf("OnPlanned saw %d deliveries, want %d: item errors are no deliveries", planned, tc.wantQueued)
			}
			var failing []hub.Item
			for _, it := range tc.items {
				if it.Err != nil {
					failing = append(failing, it)
				}
			}
			for i, ie := range stats.ItemErrors {
				if ie.NaturalKey != failing[i].NaturalKey || ie.Error != failing[i].Err.Error() {
					t.Errorf("item error %d = %+v, want %s: %v", i, ie, failing[i].NaturalKey, failing[i].Err)
				}
			}
			if got := len(receiveAll(t, r.queue)); got != tc.wantQueued {
				t.Errorf("%d messages on the queue, want %d", got, tc.wantQueued)
			}
		})
	}
}

func TestPlanCursor(t *testing.T) {
	t.Parallel()
	errSource := errors.New("source: page 3: HTTP 502")
	errQueue := errors.New("queue: disk full")
	for _, tc := range []struct {
		name       string
		stored     string // the cursor stored before the plan
		flow       *listFlow
		sendErr    error
		wantErr    error
		wantCursor string
		wantQueued int
	}{
		{"a plan that ends well stores its cursor",
			"", &listFlow{items: items(3), cursor: "2026-11-05T00:00:00Z"}, nil, nil, "2026-11-05T00:00:00Z", 3},
		{"a plan that ends well replaces the stored cursor",
			"2026-11-01T00:00:00Z", &listFlow{items: items(1), cursor: "2026-11-05T00:00:00Z"}, nil, nil, "2026-11-05T00:00:00Z", 1},
		{"a plan that keeps no cursor leaves the stored one",
			"2026-11-01T00:00:00Z", &listFlow{items: items(1)}, nil, nil, "2026-11-01T00:00:00Z", 1},
		{"a plan that fails stores no cursor, but what it emitted is queued",
			"2026-11-01T00:00:00Z", &listFlow{items: items(3), cursor: "2026-11-05T00:00:00Z", err: errSource}, nil, errSource, "2026-11-01T00:00:00Z", 3},
		{"a plan whose deliveries could not be queued stores no cursor",
			"2026-11-01T00:00:00Z", &listFlow{items: items(3), cursor: "2026-11-05T00:00:00Z"}, errQueue, errQueue, "2026-11-01T00:00:00Z", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newEngineRig(t, 2)
			ctx := t.Context()
			var version int64
			if tc.stored != "" {
				v, err := r.store.PutCursor(ctx, "flow/timeclock", tc.stored, 0)
				if err != nil {
					t.Fatal(err)
				}
				version = v
			}
			// Every send must happen while the old cursor is still the stored one.
			var mu sync.Mutex
			var early []string
			r.q.before = func([]queue.Outgoing) error {
				c, err := r.store.GetCursor(ctx, "flow/timeclock")
				if err != nil {
					return err
				}
				if c.Version != version {
					mu.Lock()
					early = append(early, c.Value)
					mu.Unlock()
				}
				return tc.sendErr
			}
			_, err := r.engine.Plan(ctx, hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: tc.flow}, hub.Run{ID: "run-1"})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Plan error = %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "timeclock") {
				t.Errorf("Plan error %q does not name the flow", err)
			}
			c, err := r.store.GetCursor(ctx, "flow/timeclock")
			if err != nil {
				t.Fatal(err)
			}
			if c.Value != tc.wantCursor {
				t.Errorf("stored cursor %q, want %q", c.Value, tc.wantCursor)
			}
			if len(early) > 0 {
				t.Errorf("the cursor was stored (%v) before every delivery was queued", early)
			}
			if tc.flow.runCursor != tc.stored {
				t.Errorf("the flow was given cursor %q, want the stored %q", tc.flow.runCursor, tc.stored)
			}
			if got := len(receiveAll(t, r.queue)); got != tc.wantQueued {
				t.Errorf("%d deliveries queued, want %d", got, tc.wantQueued)
			}
		})
	}
}

func TestPlanWithoutCursorsStillPlans(t *testing.T) {
	t.Parallel()
	r := newEngineRig(t, 2)
	r.engine.Cursors = nil
	stats, err := r.engine.Plan(t.Context(), hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: &listFlow{items: items(3), cursor: "c"}}, hub.Run{ID: "run-1"})
	if err != nil || stats.Queued != 3 {
		t.Fatalf("Plan = %+v, %v; want 3 queued", stats, err)
	}
}

func TestPlanReportsAFailedSendOnce(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("queue: disk full")
	for _, tc := range []struct {
		name       string
		fails      int // sends that fail before the queue recovers
		wantQueued int
	}{
		{"a queue that keeps failing is reported once, naming the flow once", 1000, 0},
		{"a send that failed mid-plan is tried once more, so what was emitted is queued, and the plan still fails", 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newEngineRig(t, 2)
			n := 0
			r.q.before = func([]queue.Outgoing) error {
				n++
				if n <= tc.fails {
					return errDisk
				}
				return nil
			}
			stats, err := r.engine.Plan(t.Context(), hub.BoundFlow{Name: "timeclock", Target: "payroll", Flow: &listFlow{items: items(5), cursor: "c"}}, hub.Run{ID: "run-1"})
			if !errors.Is(err, errDisk) {
				t.Fatalf("Plan error = %v, want the queue's", err)
			}
			if msg := err.Error(); strings.Count(msg, "flow timeclock") != 1 || strings.Count(msg, "disk full") != 1 {
				t.Errorf("Plan error %q: want the flow and the failure named once each", msg)
			}
			if stats.Queued != tc.wantQueued || len(receiveAll(t, r.queue)) != tc.wantQueued {
				t.Errorf("stats %+v: want %d queued", stats, tc.wantQueued)
			}
			if c, _ := r.store.GetCursor(t.Context(), "flow/timeclock"); c.Value != "" {
				t.Errorf("cursor %q stored after a failed plan", c.Value)
			}
		})
	}
}
