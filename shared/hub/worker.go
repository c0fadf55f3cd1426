package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/store"
)

// Action is what the queue should do with a message after the worker handled it.
type Action int

const (
	// Ack deletes the message: it is done (delivered, skipped, or planned).
	Ack Action = iota
	// RetryLater makes it visible again after Delay; the queue's receive limit applies.
	RetryLater
	// DeadLetter moves it to the dead letters now: it will never pass on its own.
	DeadLetter
)

// Status is how one message ended, for counters and progress.
type Status string

// The statuses a worker reports.
const (
	StatusDelivered   Status = "delivered"
	StatusSkipped     Status = "skipped"
	StatusPlanned     Status = "planned"
	StatusRetry       Status = "retry"
	StatusRateLimited Status = "rate_limited"
	StatusBusy        Status = "busy"
	StatusDead        Status = "dead"
)

// maxRetryDelay is the longest delay a RetryLater disposition asks for: the longest an SQS
// message (and the embedded queue's) can stay hidden.
const maxRetryDelay = 12 * time.Hour

// Disposition is the worker's verdict on one message.
type Disposition struct {
	Action Action
	Delay  time.Duration
	// Cause is the error to record with RetryLater or DeadLetter (no secrets, no personal data).
	Cause  string
	Status Status
}

// Outcome is reported for every handled message.
type Outcome struct {
	RunID, Flow, Key, NaturalKey string
	Status                       Status
	Ref                          string
	Err                          error
	// ReceiveCount is the message's receive count when it was handled.
	ReceiveCount int
}

// Worker takes messages off the queue and applies them: a Delivery is claimed in the ledger,
// written to its target and settled; a Job is planned by the Engine.
type Worker struct {
	Queue  queue.Queue
	Ledger store.Ledger
	// Flows resolves a hub.yaml flow name.
	Flows func(name string) (BoundFlow, bool)
	// Engine plans Job messages; nil means this worker only delivers.
	Engine *Engine
	// Owner names this worker process in the ledger (unique per process).
	Owner string
	// Lease is how long a claim holds; Visibility how long a received message stays hidden.
	// Keep Lease ≤ Visibility, so a redelivered message finds an expired claim, not a busy one.
	Lease, Visibility time.Duration
	// Concurrency is how many messages are handled at once (default 4); Batch how many one
	// receive takes (default 10).
	Concurrency, Batch int
	// MaxReceives is the queue's receive limit, so the last retry can say it was the last.
	MaxReceives int
	// OnOutcome, if set, sees every handled message (safe for concurrent use required).
	OnOutcome func(Outcome)
	Logger    *slog.Logger
	Now       func() time.Time
}

// Handle decides what to do with one message and does the work. It never touches the queue:
// the caller applies the Disposition (Process does, and so does the Lambda handler).
func (w *Worker) Handle(ctx context.Context, msg queue.Message) Disposition {
	env, err := Decode(msg.Body)
	if err != nil {
		w.report(Outcome{Status: StatusDead, Err: err, ReceiveCount: msg.ReceiveCount})
		return Disposition{Action: DeadLetter, Cause: err.Error(), Status: StatusDead}
	}
	if env.Kind == KindJob {
		return w.handleJob(ctx, msg, *env.Job)
	}
	return w.handleDelivery(ctx, msg, *env.Delivery)
}

func (w *Worker) handleJob(ctx context.Context, msg queue.Message, job Job) Disposition {
	out := Outcome{RunID: job.RunID, Flow: job.Flow, ReceiveCount: msg.ReceiveCount}
	bf, ok := w.Flows(job.Flow)
	switch {
	case !ok:
		out.Err = fmt.Errorf("job for flow %q: no such flow in this hub", job.Flow)
	case w.Engine == nil:
		out.Err = fmt.Errorf("job for flow %q: this worker only delivers; send jobs to a worker that plans", job.Flow)
	}
	if out.Err != nil {
		out.Status = StatusDead
		w.report(out)
		return Disposition{Action: DeadLetter, Cause: out.Err.Error(), Status: StatusDead}
	}
	_, err := w.Engine.Plan(ctx, bf, Run{ID: job.RunID, Flow: job.Flow, Job: job})
	if err != nil {
		return w.failed(out, msg, err)
	}
	out.Status = StatusPlanned
	w.report(out)
	return Disposition{Action: Ack, Status: StatusPlanned}
}

func (w *Worker) handleDelivery(ctx context.Context, msg queue.Message, d Delivery) Disposition {
	out := Outcome{RunID: d.RunID, Flow: d.Flow, Key: d.Key, NaturalKey: d.NaturalKey, ReceiveCount: msg.ReceiveCount}
	log := w.logger().With("run_id", d.RunID, "flow", d.Flow, "delivery_id", d.Key)

	bf, ok := w.Flows(d.Flow)
	if !ok {
		out.Status, out.Err = StatusDead, fmt.Errorf("delivery for flow %q: no such flow in this hub", d.Flow)
		w.report(out)
		return Disposition{Action: DeadLetter, Cause: out.Err.Error(), Status: StatusDead}
	}

	// Each receive claims as its own owner: two goroutines of one process handling copies of
	// one message must not both think they hold the claim.
	owner := w.Owner + "/" + receiptTag(msg.Receipt)
	state, ent, err := w.Ledger.Claim(ctx, d.Key, owner, w.lease())
	if err != nil {
		return w.failed(out, msg, fmt.Errorf("ledger claim: %w", err))
	}
	switch state {
	case store.AlreadyDone:
		out.Status, out.Ref = StatusSkipped, ent.TargetRef
		w.report(out)
		return Disposition{Action: Ack, Status: StatusSkipped}
	case store.Busy:
		wait := max(ent.LeaseUntil.Sub(w.now()), time.Second)
		out.Status = StatusBusy
		w.report(out)
		return Disposition{Action: RetryLater, Delay: wait, Cause: "claimed by another worker", Status: StatusBusy}
	}

	// Deliver within the lease, so a slow vendor cannot outlive the claim.
	dctx, cancel := context.WithTimeout(ctx, w.lease()*9/10)
	defer cancel()

	// An expired claim, or any earlier attempt, may have written: look before writing again.
	if rec, ok := bf.Flow.(Recoverer); ok && (state == store.Reclaimed || ent.Attempts > 1) {
		res, landed, err := rec.Recover(dctx, d)
		if err != nil {
			return w.failedClaim(ctx, owner, out, msg, d, fmt.Errorf("recover: %w", err))
		}
		if landed {
			log.Info("recovered: target already holds it", "ref", res.Ref, "claim", state.String())
			return w.settle(ctx, owner, out, d, store.Settlement{Outcome: store.Delivered, TargetRef: res.Ref, Detail: "recovered: target already held it"}, StatusDelivered)
		}
	}

	res, err := bf.Flow.Deliver(dctx, d)
	if err != nil {
		return w.failedClaim(ctx, owner, out, msg, d, err)
	}
	outcome, status := store.Delivered, StatusDelivered
	if res.Unchanged {
		outcome, status = store.Skipped, StatusSkipped
	}
	log.Info("delivered", "ref", res.Ref, "unchanged", res.Unchanged)
	return w.settle(ctx, owner, out, d, store.Settlement{Outcome: outcome, TargetRef: res.Ref, Detail: res.Detail}, status)
}

func (w *Worker) settle(ctx context.Context, owner string, out Outcome, d Delivery, s store.Settlement, status Status) Disposition {
	out.Ref = s.TargetRef
	if err := w.Ledger.Settle(ctx, d.Key, owner, s); err != nil {
		if errors.Is(err, store.ErrLostClaim) {
			// The target has it; whoever holds the claim now will find it there.
			w.logger().Warn("claim lost after writing; the next owner will recover", "delivery_id", d.Key)
		} else {
			out.Status, out.Err = StatusRetry, err
			w.report(out)
			return Disposition{Action: RetryLater, Delay: time.Second, Cause: "ledger settle: " + err.Error(), Status: StatusRetry}
		}
	}
	out.Status = status
	w.report(out)
	return Disposition{Action: Ack, Status: status}
}

// failedClaim releases the claim as Failed (so the next attempt claims it again and, being a
// later attempt, looks the target up first) and classifies the error.
func (w *Worker) failedClaim(ctx context.Context, owner string, out Outcome, msg queue.Message, d Delivery, err error) Disposition {
	if serr := w.Ledger.Settle(ctx, d.Key, owner, store.Settlement{Outcome: store.Failed, Detail: truncate(err.Error(), 500)}); serr != nil && !errors.Is(serr, store.ErrLostClaim) {
		w.logger().Warn("ledger release failed; the claim will expire", "delivery_id", d.Key, "err", serr)
	}
	return w.failed(out, msg, err)
}

func (w *Worker) failed(out Outcome, msg queue.Message, err error) Disposition {
	out.Err = err
	cause := truncate(err.Error(), 1000)
	log := w.logger().With("run_id", out.RunID, "flow", out.Flow, "delivery_id", out.Key)
	switch fault.Classify(err) {
	case fault.KindPermanent:
		out.Status = StatusDead
		log.Error("permanent failure: to the dead letters", "err", err)
		w.report(out)
		return Disposition{Action: DeadLetter, Cause: cause, Status: StatusDead}
	case fault.KindRateLimited:
		wait, _ := fault.RetryAfter(err)
		if wait <= 0 {
			wait = w.backoff(msg.ReceiveCount)
		}
		// A queue refuses a longer delay, and the message would be back after its visibility
		// timeout instead: wait the longest it takes, and ask the vendor again then.
		wait = min(wait, maxRetryDelay)
		out.Status = StatusRateLimited
		log.Info("rate limited: waiting", "retry_after", wait.String())
		w.report(out)
		return Disposition{Action: RetryLater, Delay: wait, Cause: cause, Status: StatusRateLimited}
	}
	out.Status = StatusRetry
	last := w.MaxReceives > 0 && msg.ReceiveCount >= w.MaxReceives
	log.Warn("transient failure: will retry", "err", err, "receive_count", msg.ReceiveCount, "last_attempt", last)
	w.report(out)
	return Disposition{Action: RetryLater, Delay: w.backoff(msg.ReceiveCount), Cause: cause, Status: StatusRetry}
}

// backoff is exponential with jitter: about 1 s, 2 s, 4 s … up to 5 minutes, each drawn
// from the upper half of its step so retries of a burst spread out.
func (w *Worker) backoff(receiveCount int) time.Duration {
	step := time.Second << min(max(receiveCount-1, 0), 9)
	step = min(step, 5*time.Minute)
	return step/2 + rand.N(step/2+1)
}

// Apply carries a disposition out on the queue.
func Apply(ctx context.Context, q queue.Queue, msg queue.Message, d Disposition) error {
	switch d.Action {
	case RetryLater:
		return q.Retry(ctx, msg.Receipt, d.Delay, d.Cause)
	case DeadLetter:
		return q.Bury(ctx, msg.Receipt, d.Cause)
	}
	return q.Delete(ctx, msg.Receipt)
}

// Run receives and handles messages until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	conc := w.Concurrency
	if conc <= 0 {
		conc = 4
	}
	var wg sync.WaitGroup
	errc := make(chan error, conc)
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.loop(ctx); err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	if ctx.Err() != nil {
		return nil
	}
	return <-errc
}

func (w *Worker) loop(ctx context.Context) error {
	batch := w.Batch
	if batch <= 0 {
		batch = 10
	}
	for ctx.Err() == nil {
		msgs, err := w.Queue.Receive(ctx, queue.ReceiveOptions{Max: batch, Visibility: w.visibility(), Wait: time.Second})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.logger().Error("queue receive failed", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		for _, m := range msgs {
			// Work in hand finishes even when asked to stop, so nothing is half-done.
			hctx := context.WithoutCancel(ctx)
			d := w.Handle(hctx, m)
			if err := Apply(hctx, w.Queue, m, d); err != nil {
				w.logger().Warn("queue update failed; the message will reappear", "err", err)
			}
		}
	}
	return nil
}

func (w *Worker) report(o Outcome) {
	if w.OnOutcome != nil {
		w.OnOutcome(o)
	}
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return 2 * time.Minute
}

func (w *Worker) visibility() time.Duration {
	if w.Visibility > 0 {
		return w.Visibility
	}
	return w.lease()
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// receiptTag is a short, stable name for one receive of a message.
func receiptTag(receipt string) string {
	sum := sha256.Sum256([]byte(receipt))
	return hex.EncodeToString(sum[:6])
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
