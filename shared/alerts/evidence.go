package alerts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Evidence is something a runtime saw succeed that shows some of a flow's alerts are over.
// The embedded runtime sees a whole run end with nothing failed and closes every alert of
// the flow (Resolve); the Lambda functions never see a run end, only its pieces, each in
// another invocation, so they close what each piece proves (ResolveBy):
//
//   - A run that planned every record without an error (the schedule function's) proves
//     the flow can be planned again: it closes the flow-failed alerts and the reconnect
//     alerts of the connections it read (Connections: its source).
//   - A delivery that reached its target proves that target takes the flow's deliveries
//     again: it closes the dead-letter and reconnect alerts of that connection
//     (Connections: the delivery's target), and the flow-failed alerts, since a later run
//     was planned. Delivered is set.
//
// Either closes only alerts last seen before Since, the time the work it comes from began:
// a run's start, a delivery's planning. So a delivery of the very run whose other record
// died does not close that record's alert (it was planned before the failure): a later run
// must succeed, as on the embedded runtime, where the next run with nothing failed closes
// it. A dead letter replayed after its alert counts from when it was sent back, so a replay
// that delivers closes the alert, as there too. A failure seen again after Since stays open.
type Evidence struct {
	Flow  string
	RunID string
	// Since is when the work began; see above.
	Since time.Time
	// Connections are the connections the work used and found working.
	Connections []string
	// Delivered says the work was a delivery that reached its target, not a plan alone.
	Delivered bool
}

// covers reports whether ev shows that the open alert o is over (see Evidence).
func (ev Evidence) covers(o openAlert) bool {
	if !o.Last.Before(ev.Since) {
		return false
	}
	switch o.Kind {
	case FlowFailed:
		return true
	case Reconnect:
		return slices.Contains(ev.Connections, o.Connection)
	case DeadLetter:
		return ev.Delivered && slices.Contains(ev.Connections, o.Connection)
	}
	return false
}

// summary is how the recovery line says what ev showed.
func (ev Evidence) summary() howText {
	if ev.Delivered {
		to := name(strings.Join(ev.Connections, ", "))
		return howText{
			ja:    "の配信が障害の後の実行で " + to + " に届き",
			jaEnd: "の配信が障害の後の実行で " + to + " に届きました",
			en:    "delivered to " + to + " again, in a run planned after the failure",
		}
	}
	return howText{ja: "が全件をエラーなく計画し", jaEnd: "が全件をエラーなく計画しました", en: "planned every record without an error"}
}

// comment is left on each issue ev closes.
func (ev Evidence) comment() string {
	how := ev.summary()
	return fmt.Sprintf("✅ 復旧しました: フロー %s %s（run `%s`）。\nResolved: flow %s %s (run `%s`).",
		name(ev.Flow), how.jaEnd, ev.RunID, name(ev.Flow), how.en, ev.RunID)
}

// Recovery closes alerts on the evidence a worker sees in passing, for the Lambda worker
// functions: Note takes a delivery's evidence as it comes, without I/O; Close, at the end
// of each batch, checks what was noted against the flows' open alerts and closes those it
// covers. The open alerts of a flow are read from the store at most once per Every per
// Recovery (one per container), so a busy worker does not pay a read per message; a read
// costs one document per flow (store.Cursors). They are read again at once after the
// Recovery's own Alerter opened one of the flow's alerts. Evidence noted after the last
// read is kept until the next read has seen it, so an alert another process opened
// meanwhile is not missed, only closed up to Every later. A nil *Recovery does nothing.
type Recovery struct {
	alerter *Alerter
	every   time.Duration

	mu sync.Mutex
	// pending holds, per flow and connection, the latest evidence not yet checked against a
	// read made after it.
	pending map[[2]string]Evidence
	read    map[string]flowRead
}

// flowRead is a flow's open alerts as last read, and when.
type flowRead struct {
	open []openAlert
	at   time.Time
}

// NewRecovery returns a Recovery closing a's alerts, reading each flow's at most once per
// every. It is nil when a is nil or keeps no state (nothing could be closed).
func NewRecovery(a *Alerter, every time.Duration) *Recovery {
	if a == nil || a.o.State == nil {
		return nil
	}
	return &Recovery{alerter: a, every: every, pending: map[[2]string]Evidence{}, read: map[string]flowRead{}}
}

// Note takes ev for the next Close. Of the evidence about one flow and connection, the
// latest (by Since) covers all the earlier ones cover, so only it is kept.
func (r *Recovery) Note(ev Evidence) {
	if r == nil {
		return
	}
	k := [2]string{ev.Flow, strings.Join(ev.Connections, ",")}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.pending[k]; !ok || ev.Since.After(old.Since) {
		r.pending[k] = ev
	}
}

// Close closes the open alerts the noted evidence covers and reports what it did. Like
// Flush, it never fails the caller.
func (r *Recovery) Close(ctx context.Context) []Report {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.alerter
	now := a.o.Now()
	var out []Report
	for k, ev := range r.pending {
		fr, ok := r.read[ev.Flow]
		marked := a.markedAt(ev.Flow)
		if !ok || now.Sub(fr.at) >= r.every || !marked.IsZero() && !marked.Before(fr.at) {
			st, _, err := a.load(ctx, ev.Flow)
			if err != nil {
				a.log.Warn("open alerts not read; the evidence waits for the next read", "flow", ev.Flow, "err", err)
				continue
			}
			fr = flowRead{open: st.Open, at: now}
			r.read[ev.Flow] = fr
		}
		switch {
		case slices.ContainsFunc(fr.open, ev.covers):
			reports := a.ResolveBy(ctx, ev)
			out = append(out, reports...)
			// What was closed is read again next time.
			delete(r.read, ev.Flow)
			delete(r.pending, k)
		case ev.Since.After(fr.at):
			// The read is older than the work: an alert opened in between is not in it.
		default:
			delete(r.pending, k)
		}
	}
	return out
}
