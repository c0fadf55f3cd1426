package alerts

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/store"
)

// State is what became of an alert.
type State string

// The states a Report gives.
const (
	// Opened: a new failure: posted to chat and filed as an issue.
	Opened State = "opened"
	// Repeated: a failure already open: the issue was commented with the new count; chat
	// heard of it when it opened.
	Repeated State = "repeated"
	// Closed: the flow ran with nothing failed: the issue was closed and chat told.
	Closed State = "closed"
)

// Report says what was done with one alert, for a run's summary.
type Report struct {
	Fingerprint string `json:"fingerprint"`
	Kind        Kind   `json:"kind"`
	Flow        string `json:"flow"`
	Connection  string `json:"connection,omitempty"`
	Cause       string `json:"cause,omitempty"`
	// Count is how many times this run saw it (0 for Closed).
	Count int   `json:"count,omitempty"`
	State State `json:"state"`
	// Issue is the issue's reference (owner/repo#n) when one was filed or commented.
	Issue string `json:"issue,omitempty"`
	// Error says what could not be sent (no secret: the connectors' errors carry none).
	Error string `json:"error,omitempty"`
}

// Options configure an Alerter.
type Options struct {
	// Chat posts the alerts to Channel.
	Chat    hub.ChatPoster
	Channel string
	// Issues files them as issues; nil for chat alone.
	Issues hub.IssueTracker
	// State keeps which alerts are open, one cursor per flow ("alerts/<flow>"); nil keeps
	// nothing, so every run's failures are new to chat and nothing is closed.
	State  store.Cursors
	Logger *slog.Logger
	// Zone is where times in alerts are shown (the company's); nil is UTC.
	Zone *time.Location
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Timeout bounds one Flush or Resolve (default 1 min), as does the caller's deadline:
	// alerts are sent even when the run was interrupted, and never hold it for long.
	Timeout time.Duration
}

// Alerter collects a run's alerts and sends them. A nil *Alerter does nothing, so a hub
// without an alerts section needs no checks. It is safe for concurrent use.
type Alerter struct {
	o   Options
	log *slog.Logger

	mu      sync.Mutex
	pending map[string]*pendingAlert
	// marked is when Flush last wrote each flow's open alerts, so that a Recovery sharing
	// this Alerter knows its last read of them is out of date.
	marked map[string]time.Time
}

type pendingAlert struct {
	Alert
	count int
	// seq orders alerts as they were first seen.
	seq int
}

// New returns an Alerter sending as o says.
func New(o Options) *Alerter {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Minute
	}
	return &Alerter{o: o, log: o.Logger.With("component", "alerts"), pending: map[string]*pendingAlert{}, marked: map[string]time.Time{}}
}

// Record notes an alert for the next Flush. The same fingerprint again is counted, not
// sent again. It does no I/O, so a worker may call it for every outcome.
func (a *Alerter) Record(al Alert) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	fp := al.Fingerprint()
	if p, ok := a.pending[fp]; ok {
		p.count++
		return
	}
	a.pending[fp] = &pendingAlert{Alert: al, count: 1, seq: len(a.pending)}
}

// take empties the pending alerts and returns them in the order first seen.
func (a *Alerter) take() []*pendingAlert {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*pendingAlert, 0, len(a.pending))
	for _, p := range a.pending {
		out = append(out, p)
	}
	clear(a.pending)
	slices.SortFunc(out, func(x, y *pendingAlert) int { return cmp.Compare(x.seq, y.seq) })
	return out
}

// Flush sends what Record noted since the last Flush: a new failure goes to chat and is
// filed as an issue; one already open comments on its issue with the new count. What
// cannot be sent is logged and reported with Error; Flush never fails the caller.
func (a *Alerter) Flush(ctx context.Context) []Report {
	if a == nil {
		return nil
	}
	pending := a.take()
	if len(pending) == 0 {
		return nil
	}
	ctx, cancel := a.bound(ctx)
	defer cancel()

	byFlow := map[string][]*pendingAlert{}
	var flows []string
	for _, p := range pending {
		if _, ok := byFlow[p.Flow]; !ok {
			flows = append(flows, p.Flow)
		}
		byFlow[p.Flow] = append(byFlow[p.Flow], p)
	}
	var out []Report
	for _, flow := range flows {
		list := byFlow[flow]
		fresh, err := a.markOpen(ctx, flow, list)
		a.mu.Lock()
		a.marked[flow] = a.o.Now()
		a.mu.Unlock()
		if err != nil {
			// Without the store, chat may hear of a failure twice rather than not at all.
			a.log.Warn("alert state not kept; treating the alerts as new", "flow", flow, "err", err)
		}
		for _, p := range list {
			out = append(out, a.send(ctx, p, err != nil || fresh[p.Fingerprint()]))
		}
	}
	return out
}

// send files or comments p's issue and, for a new alert, posts it to chat.
func (a *Alerter) send(ctx context.Context, p *pendingAlert, fresh bool) Report {
	fp := p.Fingerprint()
	r := Report{Fingerprint: fp, Kind: p.Kind, Flow: p.Flow, Connection: p.Connection, Cause: p.Cause, Count: p.count, State: Repeated}
	if fresh {
		r.State = Opened
	}
	log := a.log.With("fingerprint", fp, "kind", string(p.Kind), "flow", p.Flow, "run_id", p.RunID)
	var errs []error
	if a.o.Issues != nil {
		ref, err := a.o.Issues.OpenIssue(ctx, fp, issueTitle(p.Alert), issueBody(p.Alert, p.count, a.o.Now().In(a.o.Zone)))
		if err != nil {
			log.Warn("alert issue not filed", "err", err)
			errs = append(errs, fmt.Errorf("issue: %w", err))
		}
		r.Issue = ref
	}
	if fresh {
		if err := a.post(ctx, chatText(p.Alert, p.count, r.Issue)); err != nil {
			log.Warn("alert not posted to chat", "err", err)
			errs = append(errs, fmt.Errorf("chat: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		r.Error = err.Error()
	} else {
		log.Info("alert sent", "state", string(r.State), "count", p.count, "issue", r.Issue)
	}
	return r
}

// bound is ctx for sending: not cancelled with the caller (an interrupted run still
// alerts), but within Timeout and within the caller's deadline (a Lambda invocation's).
func (a *Alerter) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	d := a.o.Timeout
	if deadline, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(deadline))
	}
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

// post sends text to the operations channel.
func (a *Alerter) post(ctx context.Context, text string) error {
	if a.o.Chat == nil {
		return nil
	}
	_, err := a.o.Chat.PostMessage(ctx, model.ChatMessage{Channel: a.o.Channel, Text: text})
	return err
}

// Resolve closes flow's open alerts after a run with nothing failed: each issue is closed
// with a comment, and one recovery line goes to chat. An issue that cannot be closed stays
// open in the store, to be closed after the next good run.
func (a *Alerter) Resolve(ctx context.Context, flow, runID string) []Report {
	return a.resolve(ctx, flow, closeComment(flow, runID), ranClean, runID, func(openAlert) bool { return true })
}

// ResolveBy closes the open alerts of ev.Flow that ev shows to be over (see Evidence), as
// Resolve closes them all: for a runtime that never sees a run end with nothing failed,
// only pieces of one (the Lambda functions).
func (a *Alerter) ResolveBy(ctx context.Context, ev Evidence) []Report {
	return a.resolve(ctx, ev.Flow, ev.comment(), ev.summary(), ev.RunID, ev.covers)
}

// resolve closes flow's open alerts that closes says to, as Resolve documents.
func (a *Alerter) resolve(ctx context.Context, flow, comment string, how howText, runID string, closes func(openAlert) bool) []Report {
	if a == nil || a.o.State == nil {
		return nil
	}
	ctx, cancel := a.bound(ctx)
	defer cancel()
	log := a.log.With("flow", flow, "run_id", runID)
	st, _, err := a.load(ctx, flow)
	if err != nil {
		log.Warn("open alerts not read; none closed", "err", err)
		return nil
	}
	var out []Report
	closed := map[string]bool{}
	var closedAlerts []Alert
	for _, o := range st.Open {
		if !closes(o) {
			continue
		}
		r := Report{Fingerprint: o.Fingerprint, Kind: o.Kind, Flow: flow, Connection: o.Connection, Cause: o.Cause, State: Closed}
		if a.o.Issues != nil {
			if err := a.o.Issues.CloseIssue(ctx, o.Fingerprint, comment); err != nil {
				log.Warn("alert issue not closed; it stays open until the next good run", "fingerprint", o.Fingerprint, "err", err)
				r.State, r.Error = Repeated, "issue: "+err.Error()
				out = append(out, r)
				continue
			}
		}
		closed[o.Fingerprint] = true
		closedAlerts = append(closedAlerts, o.alert(flow))
		out = append(out, r)
	}
	if len(closed) == 0 {
		return out
	}
	if err := a.update(ctx, flow, func(st *flowState) {
		// One seen again since it was read (by another process) stays open.
		st.Open = slices.DeleteFunc(st.Open, func(o openAlert) bool { return closed[o.Fingerprint] && closes(o) })
	}); err != nil {
		log.Warn("closed alerts not forgotten; the next good run closes them again", "err", err)
	}
	if err := a.post(ctx, recoveryText(flow, how, closedAlerts)); err != nil {
		log.Warn("recovery not posted to chat", "err", err)
		for i := range out {
			if out[i].State == Closed {
				out[i].Error = "chat: " + err.Error()
			}
		}
	}
	log.Info("alerts closed", "closed", len(closed))
	return out
}

// markedAt is when Flush last wrote flow's open alerts (zero: never, in this process).
func (a *Alerter) markedAt(flow string) time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.marked[flow]
}

// Open returns flow's open alerts as the store holds them.
func (a *Alerter) Open(ctx context.Context, flow string) ([]Report, error) {
	if a == nil || a.o.State == nil {
		return nil, nil
	}
	st, _, err := a.load(ctx, flow)
	if err != nil {
		return nil, err
	}
	out := make([]Report, 0, len(st.Open))
	for _, o := range st.Open {
		out = append(out, Report{Fingerprint: o.Fingerprint, Kind: o.Kind, Flow: flow, Connection: o.Connection, Cause: o.Cause, Count: o.Count, State: Opened})
	}
	return out, nil
}

// flowState is the document kept per flow: its open alerts.
type flowState struct {
	Open []openAlert `json:"open"`
}

type openAlert struct {
	Fingerprint string `json:"fingerprint"`
	Kind        Kind   `json:"kind"`
	Connection  string `json:"connection,omitempty"`
	Cause       string `json:"cause,omitempty"`
	// Count is how many times it was seen while open, over every run.
	Count int       `json:"count"`
	Since time.Time `json:"since"`
	Last  time.Time `json:"last"`
}

func (o openAlert) alert(flow string) Alert {
	return Alert{Kind: o.Kind, Flow: flow, Connection: o.Connection, Cause: o.Cause}
}

// maxOpen bounds the open alerts kept per flow, so the document stays small (a DynamoDB
// item holds 400 KB). Causes are classes, so a flow rarely has more than a few.
const maxOpen = 100

func stateName(flow string) string { return "alerts/" + part(flow) }

// markOpen adds list to flow's open alerts and returns the fingerprints that were not open
// before: those are new to chat.
func (a *Alerter) markOpen(ctx context.Context, flow string, list []*pendingAlert) (map[string]bool, error) {
	fresh := map[string]bool{}
	if a.o.State == nil {
		for _, p := range list {
			fresh[p.Fingerprint()] = true
		}
		return fresh, nil
	}
	now := a.o.Now().UTC()
	err := a.update(ctx, flow, func(st *flowState) {
		clear(fresh)
		for _, p := range list {
			fp := p.Fingerprint()
			i := slices.IndexFunc(st.Open, func(o openAlert) bool { return o.Fingerprint == fp })
			if i >= 0 {
				st.Open[i].Count += p.count
				st.Open[i].Last = now
				continue
			}
			fresh[fp] = true
			if len(st.Open) >= maxOpen {
				a.log.Warn("too many open alerts for one flow; this one will not be closed automatically", "flow", flow, "fingerprint", fp)
				continue
			}
			st.Open = append(st.Open, openAlert{Fingerprint: fp, Kind: p.Kind, Connection: p.Connection, Cause: p.Cause, Count: p.count, Since: now, Last: now})
		}
	})
	return fresh, err
}

// update applies change to flow's document with compare-and-swap, again on a conflict with
// another process.
func (a *Alerter) update(ctx context.Context, flow string, change func(*flowState)) error {
	const attempts = 8
	for range attempts {
		st, version, err := a.load(ctx, flow)
		if err != nil {
			return err
		}
		change(&st)
		b, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("alerts: encode open alerts of flow %s: %w", part(flow), err)
		}
		_, err = a.o.State.PutCursor(ctx, stateName(flow), string(b), version)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("alerts: store open alerts of flow %s: %w", part(flow), err)
		}
		return nil
	}
	return fmt.Errorf("alerts: store open alerts of flow %s: %d conflicts in a row: %w", part(flow), attempts, store.ErrConflict)
}

// load reads flow's document and its version. A document that does not decode (written by
// hand, or by a later version) is read as none open, so alerting goes on.
func (a *Alerter) load(ctx context.Context, flow string) (flowState, int64, error) {
	c, err := a.o.State.GetCursor(ctx, stateName(flow))
	if err != nil {
		return flowState{}, 0, fmt.Errorf("alerts: read open alerts of flow %s: %w", part(flow), err)
	}
	var st flowState
	if c.Value != "" {
		if err := json.Unmarshal([]byte(c.Value), &st); err != nil {
			a.log.Warn("open alerts do not decode; starting afresh", "flow", flow, "err", err)
			st = flowState{}
		}
	}
	return st, c.Version, nil
}
