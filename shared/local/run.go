package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
)

// RunRequest says which flows to run now.
type RunRequest struct {
	// Flows to run, in order; empty means every flow of hub.yaml.
	Flows []string
	// Period is YYYY-MM for flows that have pay periods; "" is each flow's default.
	Period string
	// Trigger is recorded on the job: "cli", "dev", "schedule".
	Trigger string
	// Reconcile compares every planned record with the target after the run.
	Reconcile bool
}

// FlowResult is what one flow run did.
type FlowResult struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	RunID  string `json:"run_id"`
	Period string `json:"period,omitempty"`
	FlowCounts
	ItemErrors     []hub.ItemError   `json:"item_errors,omitempty"`
	Reconciliation *ReconcileSummary `json:"reconciliation,omitempty"`
	DurationMS     int64             `json:"duration_ms"`
	// RecordsPerSecond is records read per second of the whole run (plan, deliver, drain).
	RecordsPerSecond float64 `json:"records_per_second"`
	// Error is set when the flow could not run to the end (its source failed).
	Error string `json:"error,omitempty"`
	// Alerts are the operations alerts the run sent: opened, repeated, or closed because
	// the run had nothing failed (none when hub.yaml has no alerts section).
	Alerts []alerts.Report `json:"alerts,omitempty"`
}

// OK reports whether nothing failed: every record was delivered or already there, and, when
// the run reconciled, the target holds exactly what was planned.
func (r FlowResult) OK() bool {
	if r.Error != "" || r.Failed != 0 || r.Dead != 0 {
		return false
	}
	return r.Reconciliation == nil || (r.Reconciliation.Mismatched == 0 && r.Reconciliation.Errors == 0)
}

// Result is what a Run did, flow by flow.
type Result struct {
	OK    bool         `json:"ok"`
	Flows []FlowResult `json:"flows"`
}

// Progress is a snapshot while a flow runs.
type Progress struct {
	Flow string
	FlowCounts
	Pending int
	Elapsed time.Duration
}

// Run runs the requested flows once each: plan, deliver through the workers, wait until the
// queue is drained, count dead letters, reconcile. It returns an error only when it could not
// run at all (an unknown flow); a flow whose source failed has Error set in its result.
func (h *Hub) Run(ctx context.Context, req RunRequest) (Result, error) {
	names := req.Flows
	if len(names) == 0 {
		names = h.FlowNames()
	}
	for _, n := range names {
		if _, ok := h.parts.Flow(n); !ok {
			return Result{}, &config.UnknownFlowError{Name: n, Known: h.FlowNames()}
		}
	}

	wctx, stopWorkers := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.worker.Run(wctx) }()
	defer func() { stopWorkers(); <-done }()

	res := Result{OK: true}
	for _, n := range names {
		fr := h.runFlow(ctx, n, req)
		res.OK = res.OK && fr.OK()
		res.Flows = append(res.Flows, fr)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
	return res, nil
}

func (h *Hub) runFlow(ctx context.Context, name string, req RunRequest) FlowResult {
	bf, _ := h.parts.Flow(name)
	start := time.Now()
	fr := FlowResult{Name: name, Type: h.flowType(name), RunID: newRunID()}
	period, err := h.parts.ResolvePeriod(name, req.Period)
	if err != nil {
		fr.Error = err.Error()
		return fr
	}
	fr.Period = period
	trigger := req.Trigger
	if trigger == "" {
		trigger = "cli"
	}

	eng := *h.engine
	var sp *spool
	rec, canReconcile := bf.Flow.(hub.Reconciler)
	if req.Reconcile && canReconcile {
		if sp, err = newSpool(filepath.Join(h.dataDir, "reports"), fr.RunID); err != nil {
			fr.Error = err.Error()
			return fr
		}
		eng.OnPlanned = sp.add
	}

	before := h.tracker.snapshot(name)
	h.alerting.begin(name)
	stopProgress := h.progress(ctx, name, start)
	stats, planErr := eng.Plan(ctx, bf, hub.Run{ID: fr.RunID, Flow: name, Job: hub.Job{
		Flow: name, RunID: fr.RunID, Period: fr.Period, Trigger: trigger, At: start.UTC(),
	}})
	h.tracker.plan(name, stats)
	fr.ItemErrors = stats.ItemErrors
	if planErr != nil {
		fr.Error = planErr.Error()
	}
	drainErr := h.drain(ctx)
	h.tracker.addDead(name, h.deadSince(ctx, start, h.alerting.deadLetter, name)[name])
	stopProgress()

	after := h.tracker.snapshot(name)
	fr.FlowCounts = diff(after, before)
	if drainErr != nil && fr.Error == "" {
		fr.Error = drainErr.Error()
	}
	if sp != nil {
		if err := sp.close(); err != nil && fr.Error == "" {
			fr.Error = err.Error()
		}
		if ctx.Err() == nil {
			sum, err := reconcile(ctx, rec, sp, filepath.Join(h.dataDir, "reports", fr.RunID+".reconciliation.jsonl"))
			if err != nil && fr.Error == "" {
				fr.Error = err.Error()
			}
			fr.Reconciliation = &sum
		}
	}
	elapsed := time.Since(start)
	fr.DurationMS = elapsed.Milliseconds()
	if s := elapsed.Seconds(); s > 0 {
		fr.RecordsPerSecond = float64(fr.Read) / s
	}
	h.alerting.finish(ctx, &fr, fr.RunID, planErr)
	h.log.Info("flow run finished", "run_id", fr.RunID, "flow", name, "read", fr.Read, "delivered", fr.Delivered,
		"skipped", fr.Skipped, "failed", fr.Failed, "dead", fr.Dead, "duration_ms", fr.DurationMS)
	return fr
}

// drain waits until no message is visible, in flight or delayed.
func (h *Hub) drain(ctx context.Context) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		st, err := h.queue.Stats(ctx)
		if err != nil {
			return fmt.Errorf("queue stats: %w", err)
		}
		if st.Visible+st.InFlight+st.Delayed == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// deadSince counts, by flow, the dead letters of flows that died at or after since, and
// shows each to visit (nil: none). It reads the dead letters once, whatever the number of
// flows.
func (h *Hub) deadSince(ctx context.Context, since time.Time, visit func(queue.DeadLetter), flows ...string) map[string]int {
	n, after := map[string]int{}, ""
	for {
		page, err := h.queue.ListDead(ctx, after, 500)
		if err != nil || len(page) == 0 {
			return n
		}
		for _, d := range page {
			flow := d.Attributes["flow"]
			if !slices.Contains(flows, flow) || d.DeadAt.Before(since) {
				continue
			}
			n[flow]++
			if visit != nil {
				visit(d)
			}
		}
		after = page[len(page)-1].ID
	}
}

// progress calls Options.Progress periodically until the returned stop is called.
func (h *Hub) progress(ctx context.Context, flow string, start time.Time) (stop func()) {
	if h.opts.Progress == nil {
		return func() {}
	}
	base := h.tracker.snapshot(flow)
	pctx, cancel := context.WithCancel(ctx)
	finished := make(chan struct{})
	report := func() {
		var st queue.Stats
		st, _ = h.queue.Stats(context.WithoutCancel(ctx))
		h.opts.Progress(Progress{Flow: flow, FlowCounts: diff(h.tracker.snapshot(flow), base), Pending: st.Visible + st.InFlight + st.Delayed, Elapsed: time.Since(start)})
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-pctx.Done():
				return
			case <-t.C:
				report()
			}
		}
	}()
	return func() { cancel(); <-finished; report() }
}

func (h *Hub) flowType(name string) string {
	if fc, err := h.cfg.Flow(name); err == nil {
		return fc.Type
	}
	return ""
}

func diff(a, b FlowCounts) FlowCounts {
	return FlowCounts{
		Read: a.Read - b.Read, Queued: a.Queued - b.Queued, Delivered: a.Delivered - b.Delivered,
		Skipped: a.Skipped - b.Skipped, Failed: a.Failed - b.Failed, Dead: a.Dead - b.Dead,
		Retries: a.Retries - b.Retries, RateLimited: a.RateLimited - b.RateLimited,
	}
}

func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}
