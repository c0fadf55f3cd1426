package hub_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/store"
)

// workerRig is a worker on the real embedded queue and ledger, all on one fake clock,
// delivering the flow "timeclock" with a scripted flow.
type workerRig struct {
	backend
	clk    *clock
	flow   *scriptFlow
	worker *hub.Worker
	mu     sync.Mutex
	seen   []hub.Outcome
}

func newWorkerRig(t *testing.T) *workerRig {
	t.Helper()
	clk := newClock()
	r := &workerRig{backend: newBackend(t, clk.Now), clk: clk, flow: &scriptFlow{}}
	r.worker = &hub.Worker{
		Queue: r.queue, Ledger: r.store,
		Flows: flows(map[string]hub.Flow{"timeclock": r.flow}),
		Owner: "worker-1", Lease: time.Minute, Visibility: time.Minute,
		Logger: quiet, Now: clk.Now,
		OnOutcome: func(o hub.Outcome) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.seen = append(r.seen, o)
		},
	}
	return r
}

// delivery is a delivery of the flow "timeclock" for employee n.
func (r *workerRig) delivery(t *testing.T, n int) hub.Delivery {
	t.Helper()
	d, err := hub.NewDelivery("timeclock", "payroll", fmt.Sprintf("employee/%d/2026-10", n), "run-1", summary{Minutes: 480}, r.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// handle receives the one visible message, handles it and applies the disposition.
func (r *workerRig) handle(t *testing.T) hub.Disposition {
	t.Helper()
	msg := receiveOne(t, r.queue)
	disp := r.worker.Handle(t.Context(), msg)
	if err := hub.Apply(t.Context(), r.queue, msg, disp); err != nil {
		t.Fatalf("apply %+v: %v", disp, err)
	}
	return disp
}

func (r *workerRig) outcomes() []hub.Outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

func TestHandleDelivery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		deliver     func(int, hub.Delivery) (hub.Result, error)
		wantAction  hub.Action
		wantStatus  hub.Status
		wantOutcome store.Outcome
		wantRef     string
		wantCause   string
		wantDelay   func(time.Duration) bool
		wantQueue   queue.Stats
	}{
		{
			name:        "a delivery the target takes is acked and settled delivered with the target's ref",
			deliver:     func(int, hub.Delivery) (hub.Result, error) { return hub.Result{Ref: "summary-77"}, nil },
			wantAction:  hub.Ack,
			wantStatus:  hub.StatusDelivered,
			wantOutcome: store.Delivered,
			wantRef:     "summary-77",
			wantQueue:   queue.Stats{},
		},
		{
			name: "a delivery the target already held is acked and settled skipped",
			deliver: func(int, hub.Delivery) (hub.Result, error) {
				return hub.Result{Ref: "summary-77", Unchanged: true}, nil
			},
			wantAction:  hub.Ack,
			wantStatus:  hub.StatusSkipped,
			wantOutcome: store.Skipped,
			wantRef:     "summary-77",
			wantQueue:   queue.Stats{},
		},
		{
			name: "a permanent error goes to the dead letters now, with the vendor's message, and settles failed",
			deliver: func(int, hub.Delivery) (hub.Result, error) {
				return hub.Result{}, fmt.Errorf("put work summary: %w", &fault.PermanentError{Op: "freee-hr: put", Status: 400, Message: "year is out of range"})
			},
			wantAction:  hub.DeadLetter,
			wantStatus:  hub.StatusDead,
			wantOutcome: store.Failed,
			wantCause:   "freee-hr: put: 400: year is out of range",
			wantQueue:   queue.Stats{Dead: 1},
		},
		{
			name: "a rate limit waits exactly what the vendor asked, and is no failure",
			deliver: func(int, hub.Delivery) (hub.Result, error) {
				return hub.Result{}, fmt.Errorf("put: %w", &fault.RateLimitedError{Op: "freee-hr: put", RetryAfter: 37 * time.Second, Scope: "hourly"})
			},
			wantAction:  hub.RetryLater,
			wantStatus:  hub.StatusRateLimited,
			wantOutcome: store.Failed,
			wantCause:   "rate limited (hourly)",
			wantDelay:   func(d time.Duration) bool { return d == 37*time.Second },
			wantQueue:   queue.Stats{InFlight: 1},
		},
		{
			name: "a rate limit longer than a queue can hold a message waits the longest it can",
			deliver: func(int, hub.Delivery) (hub.Result, error) {
				return hub.Result{}, &fault.RateLimitedError{Op: "freee-hr: put", RetryAfter: 20 * time.Hour, Scope: "daily"}
			},
			wantAction:  hub.RetryLater,
			wantStatus:  hub.StatusRateLimited,
			wantOutcome: store.Failed,
			wantCause:   "rate limited (daily)",
			wantDelay:   func(d time.Duration) bool { return d == 12*time.Hour },
			wantQueue:   queue.Stats{InFlight: 1},
		},
		{
			name: "a rate limit that does not say how long waits the backoff",
			deliver: func(int, hub.Delivery) (hub.Result, error) {
				return hub.Result{}, &fault.RateLimitedError{Op: "freee-hr: put"}
			},
			wantAction:  hub.RetryLater,
			wantStatus:  hub.StatusRateLimited,
			wantOutcome: store.Failed,
			wantCause:   "rate limited",
			wantDelay:   func(d time.Duration) bool { return d >= 500*time.Millisecond && d <= time.Second },
			wantQueue:   queue.Stats{InFlight: 1},
		},
		{
			name: "a transient error is retried after a backoff",
			deliver: func(int, hub.Delivery) (hub.Result, error) {
				return hub.Result{}, errors.New("read tcp: connection reset by peer")
			},
			wantAction:  hub.RetryLater,
			wantStatus:  hub.StatusRetry,
			wantOutcome: store.Failed,
			wantCause:   "connection reset by peer",
			wantDelay:   func(d time.Duration) bool { return d >= 500*time.Millisecond && d <= time.Second },
			wantQueue:   queue.Stats{InFlight: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newWorkerRig(t)
			r.flow.deliver = tc.deliver
			d := r.delivery(t, 1)
			sendBodies(t, r.queue, encode(t, d))

			disp := r.handle(t)
			if disp.Action != tc.wantAction || disp.Status != tc.wantStatus {
				t.Errorf("disposition %+v, want action %v status %s", disp, tc.wantAction, tc.wantStatus)
			}
			if !strings.Contains(disp.Cause, tc.wantCause) || (tc.wantCause == "") != (disp.Cause == "") {
				t.Errorf("cause %q, want %q", disp.Cause, tc.wantCause)
			}
			if tc.wantDelay != nil && !tc.wantDelay(disp.Delay) {
				t.Errorf("delay %v is out of bounds", disp.Delay)
			}
			e := lookup(t, r.store, d.Key)
			if e.Outcome != tc.wantOutcome || e.TargetRef != tc.wantRef {
				t.Errorf("ledger %+v, want outcome %q ref %q", e, tc.wantOutcome, tc.wantRef)
			}
			if got := stats(t, r.queue); got != tc.wantQueue {
				t.Errorf("queue %+v, want %+v", got, tc.wantQueue)
			}
			if tc.wantAction == hub.DeadLetter {
				dead, err := r.queue.ListDead(t.Context(), "", 10)
				if err != nil || len(dead) != 1 || dead[0].LastError != disp.Cause {
					t.Errorf("dead letters %d, %v; want one with last error %q", len(dead), err, disp.Cause)
				} else if dead[0].LastError == "" {
					t.Errorf("dead letter without its last error")
				}
			}
			if got := r.flow.Deliveries(); got != 1 {
				t.Errorf("Deliver called %d times, want 1", got)
			}
			if out := r.outcomes(); len(out) != 1 || out[0].Status != tc.wantStatus || out[0].Key != d.Key || out[0].NaturalKey != d.NaturalKey || out[0].RunID != "run-1" {
				t.Errorf("outcomes %+v, want one %s for the delivery", out, tc.wantStatus)
			}
		})
	}
}

func TestHandleSkipsASecondCopy(t *testing.T) {
	t.Parallel()
	r := newWorkerRig(t)
	d := r.delivery(t, 1)
	sendBodies(t, r.queue, encode(t, d))
	if disp := r.handle(t); disp.Status != hub.StatusDelivered {
		t.Fatalf("first copy: %+v", disp)
	}
	sendBodies(t, r.queue, encode(t, d))
	disp := r.handle(t)
	if disp.Action != hub.Ack || disp.Status != hub.StatusSkipped {
		t.Errorf("second copy: %+v, want acked as skipped", disp)
	}
	if got := r.flow.Deliveries(); got != 1 {
		t.Errorf("Deliver called %d times, want once", got)
	}
	if out := r.outcomes(); len(out) != 2 || out[1].Ref != "ref-employee/1/2026-10" {
		t.Errorf("outcomes %+v: the skipped copy should report the ref already stored", out)
	}
}

func TestReplayOfADeadLetterDeliversOnce(t *testing.T) {
	t.Parallel()
	r := newWorkerRig(t)
	fixed := false
	r.flow.deliver = func(_ int, d hub.Delivery) (hub.Result, error) {
		if !fixed {
			return hub.Result{}, fault.Permanentf("freee-hr: put", "employee is not on the payroll for 2026-10")
		}
		return hub.Result{Ref: "summary-1"}, nil
	}
	d := r.delivery(t, 1)
	sendBodies(t, r.queue, encode(t, d))
	if disp := r.handle(t); disp.Action != hub.DeadLetter {
		t.Fatalf("first attempt: %+v, want dead letter", disp)
	}
	dead, err := r.queue.ListDead(t.Context(), "", 10)
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead letters %v, %v", dead, err)
	}

	// Someone fixes the employee at the vendor and replays the dead letter.
	fixed = true
	if n, err := r.queue.Redrive(t.Context(), []string{dead[0].ID}); err != nil || n != 1 {
		t.Fatalf("redrive = %d, %v", n, err)
	}
	disp := r.handle(t)
	if disp.Action != hub.Ack || disp.Status != hub.StatusDelivered {
		t.Fatalf("replay: %+v, want delivered", disp)
	}
	if got, want := r.flow.Calls(), []string{"deliver", "recover", "deliver"}; !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v: a replay looks the target up before writing", got, want)
	}
	if e := lookup(t, r.store, d.Key); e.Outcome != store.Delivered || e.TargetRef != "summary-1" {
		t.Errorf("ledger %+v, want delivered summary-1", e)
	}

	// A second replay of the same message (say, a stale copy) writes nothing.
	sendBodies(t, r.queue, encode(t, d))
	if disp := r.handle(t); disp.Status != hub.StatusSkipped {
		t.Errorf("second replay: %+v, want skipped", disp)
	}
	if got := r.flow.Deliveries(); got != 2 {
		t.Errorf("Deliver called %d times, want 2 (the failure and the replay)", got)
	}
	if s := stats(t, r.queue); s != (queue.Stats{}) {
		t.Errorf("queue %+v, want empty", s)
	}
}

func TestRetryLooksTheTargetUpBeforeWritingAgain(t *testing.T) {
	t.Parallel()
	r := newWorkerRig(t)
	r.flow.deliver = func(call int, d hub.Delivery) (hub.Result, error) {
		if call == 1 {
			return hub.Result{}, errors.New("context deadline exceeded")
		}
		return hub.Result{Ref: "summary-2"}, nil
	}
	d := r.delivery(t, 2)
	sendBodies(t, r.queue, encode(t, d))
	first := r.handle(t)
	if first.Action != hub.RetryLater || first.Status != hub.StatusRetry {
		t.Fatalf("first attempt: %+v", first)
	}
	if msgs := receiveAll(t, r.queue); len(msgs) != 0 {
		t.Fatalf("the message came back before its delay")
	}
	r.clk.Advance(first.Delay)
	msg := receiveOne(t, r.queue)
	if msg.ReceiveCount != 2 {
		t.Errorf("receive count %d, want 2", msg.ReceiveCount)
	}
	disp := r.worker.Handle(t.Context(), msg)
	if err := hub.Apply(t.Context(), r.queue, msg, disp); err != nil {
		t.Fatal(err)
	}
	if disp.Status != hub.StatusDelivered {
		t.Errorf("second attempt: %+v, want delivered", disp)
	}
	if got, want := r.flow.Calls(), []string{"deliver", "recover", "deliver"}; !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	if e := lookup(t, r.store, d.Key); e.Outcome != store.Delivered || e.TargetRef != "summary-2" || e.Attempts != 2 {
		t.Errorf("ledger %+v, want delivered summary-2 after 2 attempts", e)
	}
}

func TestBackoffGrowsWithinBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		receiveCount int
		low, high    time.Duration
	}{
		{"the first receive waits half a second to a second", 1, 500 * time.Millisecond, time.Second},
		{"the second receive waits one to two seconds", 2, time.Second, 2 * time.Second},
		{"the third receive waits two to four seconds", 3, 2 * time.Second, 4 * time.Second},
		{"the ninth receive waits about two to four minutes", 9, 128 * time.Second, 256 * time.Second},
		{"the tenth receive is capped at five minutes", 10, 150 * time.Second, 5 * time.Minute},
		{"the hundredth receive is still capped at five minutes", 100, 150 * time.Second, 5 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newWorkerRig(t)
			r.flow.deliver = func(int, hub.Delivery) (hub.Result, error) { return hub.Result{}, errors.New("HTTP 503") }
			body := encode(t, r.delivery(t, 1))
			// Jitter draws at random: several draws must all stay in bounds.
			for i := range 20 {
				msg := queue.Message{ID: "m", Body: body, ReceiveCount: tc.receiveCount, Receipt: fmt.Sprintf("receipt-%d", i)}
				disp := r.worker.Handle(t.Context(), msg)
				if disp.Action != hub.RetryLater || disp.Delay < tc.low || disp.Delay > tc.high {
					t.Fatalf("draw %d: %+v, want a retry after %v to %v", i, disp, tc.low, tc.high)
				}
			}
		})
	}
}

func TestExpiredClaimIsRecovered(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		landed       bool
		wantCalls    []string
		wantRef      string
		wantDelivers int
	}{
		{"a write that landed before the worker died is settled without writing again",
			true, []string{"recover"}, "found-9", 0},
		{"a write that did not land is written", false, []string{"recover", "deliver"}, "ref-employee/1/2026-10", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newWorkerRig(t)
			r.flow.recover = func(hub.Delivery) (hub.Result, bool, error) {
				return hub.Result{Ref: "found-9"}, tc.landed, nil
			}
			d := r.delivery(t, 1)
			// A worker claimed it and died mid-write: its lease runs out unsettled.
			if state, _, err := r.store.Claim(t.Context(), d.Key, "dead-worker/abc", time.Minute); err != nil || state != store.Claimed {
				t.Fatalf("claim = %v, %v", state, err)
			}
			r.clk.Advance(2 * time.Minute)
			sendBodies(t, r.queue, encode(t, d))
			disp := r.handle(t)
			if disp.Action != hub.Ack || disp.Status != hub.StatusDelivered {
				t.Errorf("disposition %+v, want delivered", disp)
			}
			if got := r.flow.Calls(); !slices.Equal(got, tc.wantCalls) {
				t.Errorf("calls %v, want %v", got, tc.wantCalls)
			}
			if e := lookup(t, r.store, d.Key); e.Outcome != store.Delivered || e.TargetRef != tc.wantRef {
				t.Errorf("ledger %+v, want delivered with ref %s", e, tc.wantRef)
			}
		})
	}
}

func TestRecoverFailureIsRetried(t *testing.T) {
	t.Parallel()
	r := newWorkerRig(t)
	r.flow.recover = func(hub.Delivery) (hub.Result, bool, error) {
		return hub.Result{}, false, errors.New("get work summary: HTTP 502")
	}
	d := r.delivery(t, 1)
	if _, _, err := r.store.Claim(t.Context(), d.Key, "dead-worker/abc", time.Minute); err != nil {
		t.Fatal(err)
	}
	r.clk.Advance(2 * time.Minute)
	sendBodies(t, r.queue, encode(t, d))
	disp := r.handle(t)
	if disp.Action != hub.RetryLater || !strings.Contains(disp.Cause, "recover: get work summary: HTTP 502") {
		t.Errorf("disposition %+v, want a retry naming the look-up", disp)
	}
	if r.flow.Deliveries() != 0 {
		t.Errorf("wrote although the target could not be looked up")
	}
}

func TestBusyClaimWaitsForTheLease(t *testing.T) {
	t.Parallel()
	r := newWorkerRig(t)
	d := r.delivery(t, 1)
	// Another process holds the claim for a minute.
	if _, _, err := r.store.Claim(t.Context(), d.Key, "worker-2/xyz", time.Minute); err != nil {
		t.Fatal(err)
	}
	body := encode(t, d)
	for _, step := range []struct {
		after     time.Duration
		wantDelay time.Duration
	}{
		{0, time.Minute},
		{45 * time.Second, 15 * time.Second},
		{14500 * time.Millisecond, time.Second}, // half a second left: wait at least a second
	} {
		r.clk.Advance(step.after)
		msg := queue.Message{ID: "m", Body: body, ReceiveCount: 1, Receipt: "receipt-" + step.after.String()}
		disp := r.worker.Handle(t.Context(), msg)
		if disp.Action != hub.RetryLater || disp.Status != hub.StatusBusy || disp.Delay != step.wantDelay {
			t.Errorf("after %v more: %+v, want busy, retry in %v", step.after, disp, step.wantDelay)
		}
	}
	if r.flow.Deliveries() != 0 {
		t.Fatalf("delivered while another worker held the claim")
	}
	// The lease ends unsettled: the other worker is gone, and this one takes over.
	r.clk.Advance(time.Second)
	sendBodies(t, r.queue, body)
	if disp := r.handle(t); disp.Status != hub.StatusDelivered {
		t.Errorf("after the lease: %+v, want delivered", disp)
	}
	if got, want := r.flow.Calls(), []string{"recover", "deliver"}; !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

func TestHandleDeadLettersWhatItCannotUse(t *testing.T) {
	t.Parallel()
	d, err := hub.NewDelivery("expenses", "payroll", "expense/1", "run-1", summary{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	unknownFlow, _ := hub.Envelope{Kind: hub.KindDelivery, Delivery: &d}.Encode()
	unknownJob, _ := hub.Envelope{Kind: hub.KindJob, Job: &hub.Job{Flow: "expenses", RunID: "r"}}.Encode()
	for _, tc := range []struct {
		name      string
		body      []byte
		wantCause string
	}{
		{"a delivery for a flow this hub does not have goes to the dead letters", unknownFlow, `flow "expenses": no such flow`},
		{"a job for a flow this hub does not have goes to the dead letters", unknownJob, `flow "expenses": no such flow`},
		{"a message that is not an envelope goes to the dead letters", []byte("hello"), "not JSON"},
		{"an envelope of a newer version goes to the dead letters", []byte(`{"v":9,"kind":"job","job":{}}`), "version 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newWorkerRig(t)
			sendBodies(t, r.queue, tc.body)
			disp := r.handle(t)
			if disp.Action != hub.DeadLetter || disp.Status != hub.StatusDead || !strings.Contains(disp.Cause, tc.wantCause) {
				t.Errorf("disposition %+v, want dead letter with cause %q", disp, tc.wantCause)
			}
			if s := stats(t, r.queue); s.Dead != 1 {
				t.Errorf("queue %+v, want one dead letter", s)
			}
			if r.flow.Deliveries() != 0 {
				t.Errorf("Deliver was called")
			}
		})
	}
}

func TestJobForAWorkerThatDoesNotPlan(t *testing.T) {
	t.Parallel()
	r := newWorkerRig(t) // no Engine: it only delivers
	job, err := hub.Envelope{Kind: hub.KindJob, Job: &hub.Job{Flow: "timeclock", RunID: "run-9"}}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	sendBodies(t, r.queue, job)
	disp := r.handle(t)
	if disp.Action != hub.DeadLetter || !strings.Contains(disp.Cause, "only delivers") {
		t.Errorf("disposition %+v, want a dead letter saying this worker does not plan (the flow exists)", disp)
	}
}

func TestHandleJobPlansTheFlow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		flow       *listFlow
		wantAction hub.Action
		wantStatus hub.Status
		wantQueued int
	}{
		{"a job plans its flow and is acked", &listFlow{items: items(3)}, hub.Ack, hub.StatusPlanned, 3},
		{"a job whose plan fails for good goes to the dead letters",
			&listFlow{err: fault.Permanentf("timeclock", `period "2026-13": want YYYY-MM`)}, hub.DeadLetter, hub.StatusDead, 0},
		{"a job whose source fails for now is retried", &listFlow{items: items(1), err: errors.New("HTTP 502")}, hub.RetryLater, hub.StatusRetry, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newWorkerRig(t)
			r.worker.Flows = flows(map[string]hub.Flow{"timeclock": tc.flow})
			r.worker.Engine = &hub.Engine{Queue: r.queue, Ledger: r.store, Cursors: r.store, Logger: quiet, Now: r.clk.Now}
			job, err := hub.Envelope{Kind: hub.KindJob, Job: &hub.Job{Flow: "timeclock", RunID: "run-9", Trigger: "cli"}}.Encode()
			if err != nil {
				t.Fatal(err)
			}
			sendBodies(t, r.queue, job)
			msg := receiveOne(t, r.queue)
			disp := r.worker.Handle(t.Context(), msg)
			if disp.Action != tc.wantAction || disp.Status != tc.wantStatus {
				t.Errorf("disposition %+v, want %v %s", disp, tc.wantAction, tc.wantStatus)
			}
			if err := hub.Apply(t.Context(), r.queue, msg, disp); err != nil {
				t.Fatal(err)
			}
			envs := decodeAll(t, receiveAll(t, r.queue))
			if len(envs) != tc.wantQueued {
				t.Fatalf("%d messages queued, want %d deliveries", len(envs), tc.wantQueued)
			}
			for _, env := range envs {
				if env.Kind != hub.KindDelivery || env.Delivery.RunID != "run-9" {
					t.Errorf("queued %+v, want a delivery of run-9", env)
				}
			}
		})
	}
}

func TestRunDeliversEachOnce(t *testing.T) {
	t.Parallel()
	b := newBackend(t, nil)
	flow := &scriptFlow{}
	const n = 40
	var bodies [][]byte
	keys := map[string]bool{}
	for i := range n {
		d, err := hub.NewDelivery("timeclock", "payroll", fmt.Sprintf("employee/%d/2026-10", i), "run-1", summary{Minutes: i}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		keys[d.Key] = true
		bodies = append(bodies, encode(t, d))
	}
	// Every delivery is on the queue twice, as a redelivered or re-planned message would be.
	sendBodies(t, b.queue, append(bodies, bodies...)...)

	// The deadline only keeps a broken worker from hanging the test.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var mu sync.Mutex
	done := 0
	w := &hub.Worker{
		Queue: b.queue, Ledger: b.store, Flows: flows(map[string]hub.Flow{"timeclock": flow}),
		Owner: "worker-1", Lease: 2 * time.Second, Concurrency: 4, Batch: 3, Logger: quiet,
		OnOutcome: func(o hub.Outcome) {
			mu.Lock()
			defer mu.Unlock()
			if o.Status == hub.StatusDelivered || o.Status == hub.StatusSkipped {
				done++
				if done == 2*n {
					cancel()
				}
			}
		},
	}
	if err := w.Run(ctx); err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("Run stopped with %v before every message was handled (%d of %d)", ctx.Err(), done, 2*n)
	}
	byKey := flow.DeliveriesByKey()
	if len(byKey) != n {
		t.Errorf("%d keys delivered, want %d", len(byKey), n)
	}
	for k, c := range byKey {
		if !keys[k] || c != 1 {
			t.Errorf("key %s delivered %d times, want once", k, c)
		}
	}
	if s := stats(t, b.queue); s != (queue.Stats{}) {
		t.Errorf("queue %+v after the run, want empty", s)
	}
}

func TestLongVendorMessagesAreCutOnACharacter(t *testing.T) {
	t.Parallel()
	r := newWorkerRig(t)
	long := strings.Repeat("従業員番号が不正です。", 200) // 3 bytes a character
	r.flow.deliver = func(int, hub.Delivery) (hub.Result, error) {
		return hub.Result{}, fault.Permanentf("freee-hr: put", "%s", long)
	}
	d := r.delivery(t, 1)
	sendBodies(t, r.queue, encode(t, d))
	disp := r.handle(t)
	if len(disp.Cause) > 1000+len("…") || !utf8.ValidString(disp.Cause) || !strings.HasSuffix(disp.Cause, "…") {
		t.Errorf("cause of %d bytes (valid UTF-8: %v): want at most 1000 bytes and a mark, cut between characters", len(disp.Cause), utf8.ValidString(disp.Cause))
	}
	e := lookup(t, r.store, d.Key)
	if len(e.Detail) > 500+len("…") || !utf8.ValidString(e.Detail) || !strings.HasPrefix(e.Detail, "freee-hr: put: 従業員番号") {
		t.Errorf("ledger detail of %d bytes (valid UTF-8: %v): want at most 500 bytes, cut between characters", len(e.Detail), utf8.ValidString(e.Detail))
	}
}
