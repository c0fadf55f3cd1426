// Package alerts raises operations alerts: a delivery that lands in the dead letters, a
// connection that must be authorised again (invalid_grant) and a flow whose run failed each
// become one chat message to the operations channel and one issue (hub.IssueTracker, GitHub),
// deduplicated by a fingerprint. The same failure again in a run is counted, not sent again;
// in a later run it comments on the open issue with the new count. When the flow next runs
// with nothing failed, its open alerts are closed and chat hears of the recovery.
//
// Closing needs to know that a flow ran clean, which only the embedded runtime sees: its run
// ends, every delivery settled, and Resolve closes the flow's alerts. In AWS a run is a plan
// in one function and its deliveries in many worker invocations, and nothing sees it end, so
// each piece closes what it proves (Evidence, ResolveBy): a scheduled run that planned every
// record closes the flow-failed alerts and the reconnect alerts of its source; a delivery
// that reached its target closes that connection's dead-letter and reconnect alerts and the
// flow-failed ones. Both count only for alerts last seen before the work began (a run's
// start, a delivery's planning, a replayed dead letter's return), so the other deliveries
// of the run that failed close nothing: a later run, or the replay, must succeed, as on the
// embedded runtime. The worker functions note their deliveries' evidence without I/O and
// read a flow's open alerts at most once a minute per container (Recovery).
//
// An alert carries the kind, the flow, the connection and a cause class: the error's message
// with ids, numbers, quoted values, addresses and anything token-like taken out (Class), so
// it holds no personal data and no secret, and the same failure of another record has the
// same fingerprint. Which alerts are open is kept in the store (store.Cursors, one document
// per flow), so a later process knows what to close.
//
// Sending an alert never changes a run's result: what cannot be sent is logged and reported.
package alerts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
)

// Kind is what failed.
type Kind string

// The kinds of alert.
const (
	// DeadLetter: a delivery went to the dead letters (refused for good, or retried until
	// the queue's receive limit).
	DeadLetter Kind = "dead-letter"
	// Reconnect: a connection's vendor refused its refresh token; a person must authorise
	// the app again.
	Reconnect Kind = "reconnect"
	// FlowFailed: a run of a flow failed (its source could not be read, records could not
	// be planned, or the target does not hold what was planned).
	FlowFailed Kind = "flow-failed"
)

// Alert is one failure, described without personal data or secrets.
type Alert struct {
	Kind Kind
	// Flow is the hub.yaml flow that failed; empty for a message no flow claims.
	Flow string
	// Connection is the connection concerned: the target of a dead delivery, the one to
	// reconnect; empty when the failure is the flow's as a whole.
	Connection string
	// Cause is the cause class (see Class): the same for every record failing the same way.
	Cause string
	// RunID is the run that saw it, for the operator to find the logs.
	RunID string
}

// Fingerprint identifies the failure across runs and processes: kind, flow, connection and
// a hash of the cause class, e.g. "dead-letter/timeclock-to-payroll/freee-hr/3f2a9c1b0d".
// It fits the GitHub connector's rule (letters, digits and ._:/@+=-, at most 200).
func (a Alert) Fingerprint() string {
	sum := sha256.Sum256([]byte(a.Cause))
	return strings.Join([]string{string(a.Kind), part(a.Flow), part(a.Connection), hex.EncodeToString(sum[:5])}, "/")
}

func part(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// FromError is the alert for err, seen by a run of flow: a Reconnect alert for the
// connection err names when err says one must be authorised again (fault.ErrReconnect,
// whatever the kind asked), otherwise an alert of kind about connection with the cause
// class of err, or of the fault.PermanentError in it (the vendor's refusal, without the
// wrapping that names the record).
func FromError(kind Kind, flow, connection, runID string, err error) Alert {
	if conn, ok := fault.ReconnectConnection(err); ok {
		if conn == "" {
			conn = connection
		}
		return Alert{Kind: Reconnect, Flow: flow, Connection: conn, Cause: "invalid_grant", RunID: runID}
	}
	cause := ""
	var pe *fault.PermanentError
	switch {
	case errors.As(err, &pe):
		// The vendor's refusal says it all; the wrapping names the record.
		cause = pe.Error()
	case err != nil:
		cause = err.Error()
	}
	return FromCause(kind, flow, connection, runID, cause)
}

// FromCause is the alert for a failure known only by its message (a dead letter's last
// error): cause is reduced to its class.
func FromCause(kind Kind, flow, connection, runID, cause string) Alert {
	return Alert{Kind: kind, Flow: flow, Connection: connection, Cause: Class(cause), RunID: runID}
}

// ForOutcome is the alert a worker's outcome raises, if any: a delivery or a job that went
// to the dead letters. target names the flow's target connection (for a dead delivery).
func ForOutcome(o hub.Outcome, target string) (Alert, bool) {
	if o.Status != hub.StatusDead {
		return Alert{}, false
	}
	kind, conn := DeadLetter, target
	if isJob(o.Key, o.NaturalKey, o.Flow) {
		// A job that dies is a scheduled run that could not be planned.
		kind, conn = FlowFailed, ""
	}
	return FromError(kind, o.Flow, conn, o.RunID, o.Err), true
}

// ForDeadLetter is the alert for a message found in the dead letters, known only by its
// attributes and last error (the queue moved it there at its receive limit). target
// names the flow's target connection.
func ForDeadLetter(d queue.DeadLetter, target string) Alert {
	flow := d.Attributes["flow"]
	kind, conn := DeadLetter, target
	if d.Attributes["kind"] == string(hub.KindJob) {
		kind, conn = FlowFailed, ""
	}
	return FromCause(kind, flow, conn, d.Attributes["run_id"], d.LastError)
}

// isJob tells a job's outcome (a flow named, no delivery key) from a delivery's.
func isJob(key, naturalKey, flow string) bool { return key == "" && naturalKey == "" && flow != "" }
