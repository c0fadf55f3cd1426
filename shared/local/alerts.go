package local

import (
	"context"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
)

// alertEvery is how often a serving hub sends the alerts its workers noted (webhook-started
// deliveries have no run whose end would send them).
const alertEvery = 5 * time.Second

// alerting raises the hub's operations alerts: from the workers' outcomes as they come, from
// the dead letters the queue made on its own, and from each run's result. A nil *alerting
// (hub.yaml has no alerts section) does nothing.
type alerting struct {
	alerter *alerts.Alerter
	cfg     *config.File

	mu sync.Mutex
	// raised are the dead letters already alerted from a worker's outcome, which carries the
	// error itself, so the scan of the dead letters does not raise them a second time. Each
	// is kept with the generation it was noted in (see forget).
	raised     map[string]uint64
	generation uint64
	// alerted are the flows an alert was noted for since their run began (begin), so that
	// a run that failed for a reason alerted already raises no "flow failed" besides, even
	// when the alert went out with another flow's (a replay finishes its flows one after
	// another, and the first finish sends what every flow noted).
	alerted map[string]bool
}

func newAlerting(cfg *config.File, a *alerts.Alerter) *alerting {
	if a == nil {
		return nil
	}
	return &alerting{alerter: a, cfg: cfg, raised: map[string]uint64{}, alerted: map[string]bool{}}
}

// begin starts a run of each of flows: nothing is alerted for it yet.
func (x *alerting) begin(flows ...string) {
	if x == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, f := range flows {
		delete(x.alerted, f)
	}
}

// record notes al for the next Flush and its flow as alerted.
func (x *alerting) record(al alerts.Alert) {
	x.alerter.Record(al)
	x.mu.Lock()
	x.alerted[al.Flow] = true
	x.mu.Unlock()
}

// observe notes the alert a worker's outcome raises (it runs on the worker's goroutine and
// does no I/O).
func (x *alerting) observe(o hub.Outcome) {
	if x == nil {
		return
	}
	al, ok := alerts.ForOutcome(o, x.target(o.Flow))
	if !ok {
		return
	}
	x.record(al)
	x.mu.Lock()
	x.raised[deadLetterID(o.Key, o.RunID, o.Flow)] = x.generation
	x.mu.Unlock()
}

// deadLetter notes the alert for a dead letter, unless its outcome raised one already: what
// is left are the messages the queue moved at its receive limit.
func (x *alerting) deadLetter(d queue.DeadLetter) {
	if x == nil {
		return
	}
	id := deadLetterID(d.Attributes["key"], d.Attributes["run_id"], d.Attributes["flow"])
	x.mu.Lock()
	_, seen := x.raised[id]
	delete(x.raised, id)
	x.mu.Unlock()
	if !seen {
		x.record(alerts.ForDeadLetter(d, x.target(d.Attributes["flow"])))
	}
}

// forget drops what two scans in a row did not match, so the set does not grow in a hub
// that serves for months. One scan is not enough: a worker notes its outcome a moment
// before the queue buries the message, and a scan in that moment finds no letter yet.
func (x *alerting) forget() {
	if x == nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for id, gen := range x.raised {
		if gen < x.generation {
			delete(x.raised, id)
		}
	}
	x.generation++
}

// finish sends a run's alerts once it is over: the plan's error, a "flow failed" alert when
// the run failed for no reason alerted since it began, and, after a run with nothing
// failed, the flow's open alerts closed. An interrupted run sends what it saw and closes
// nothing.
func (x *alerting) finish(ctx context.Context, fr *FlowResult, runID string, planErr error) {
	if x == nil {
		return
	}
	interrupted := ctx.Err() != nil
	if planErr != nil && !interrupted {
		x.record(alerts.FromError(alerts.FlowFailed, fr.Name, "", runID, planErr))
	}
	x.mu.Lock()
	alerted := x.alerted[fr.Name]
	delete(x.alerted, fr.Name)
	x.mu.Unlock()
	if !fr.OK() && !interrupted && !alerted {
		x.alerter.Record(alerts.FromCause(alerts.FlowFailed, fr.Name, "", runID, failureCause(*fr)))
	}
	x.forget()
	fr.Alerts = append(fr.Alerts, x.alerter.Flush(ctx)...)
	if fr.OK() && !interrupted {
		fr.Alerts = append(fr.Alerts, x.alerter.Resolve(ctx, fr.Name, runID)...)
	}
}

// failureCause says why a run that alerted nothing else failed.
func failureCause(fr FlowResult) string {
	switch {
	case fr.Error != "":
		return fr.Error
	case len(fr.ItemErrors) > 0:
		return "records not planned: " + fr.ItemErrors[0].Error
	case fr.Reconciliation != nil && (fr.Reconciliation.Mismatched > 0 || fr.Reconciliation.Errors > 0):
		return "reconciliation: the target does not hold what was planned"
	}
	return "records failed"
}

// target is the flow's target connection, which a dead delivery was meant for.
func (x *alerting) target(flow string) string {
	if f, err := x.cfg.Flow(flow); err == nil {
		return f.Target
	}
	return ""
}

// deadLetterID names a dead message by what both its outcome and its dead letter carry: a
// delivery's idempotency key, or a job's run.
func deadLetterID(key, runID, flow string) string {
	if key != "" {
		return key
	}
	return "job/" + flow + "/" + runID
}
