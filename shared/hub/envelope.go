package hub

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/queue"
)

// EnvelopeVersion is the version of the queue's wire format; a worker refuses what it does
// not know (it goes to the dead letters, replayable after an upgrade).
const EnvelopeVersion = 1

// Kind says what an Envelope carries.
type Kind string

const (
	// KindDelivery is one record to write to one target.
	KindDelivery Kind = "delivery"
	// KindJob asks for a flow run (a schedule fired, a webhook arrived, someone typed sync).
	KindJob Kind = "job"
)

// Envelope is what travels on the queue: a Delivery or a Job, with its version.
type Envelope struct {
	V        int       `json:"v"`
	Kind     Kind      `json:"kind"`
	Delivery *Delivery `json:"delivery,omitempty"`
	Job      *Job      `json:"job,omitempty"`
}

// Decode reads an envelope from a queue message body, with an error that says what is wrong.
func Decode(body []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return Envelope{}, fmt.Errorf("envelope: not JSON: %w", err)
	}
	if e.V != EnvelopeVersion {
		return Envelope{}, fmt.Errorf("envelope: version %d; this worker reads version %d", e.V, EnvelopeVersion)
	}
	switch {
	case e.Kind == KindDelivery && e.Delivery != nil:
		if e.Delivery.Key == "" {
			// Without its key a delivery cannot be claimed; retrying would not change that.
			return Envelope{}, fmt.Errorf("envelope: delivery %q without its idempotency key", e.Delivery.NaturalKey)
		}
	case e.Kind == KindJob && e.Job != nil:
	default:
		return Envelope{}, fmt.Errorf("envelope: kind %q without its body; want %q or %q", e.Kind, KindDelivery, KindJob)
	}
	return e, nil
}

// Encode writes the envelope for the queue.
func (e Envelope) Encode() ([]byte, error) {
	e.V = EnvelopeVersion
	return json.Marshal(e)
}

// Delivery is one record for one target, with the idempotency key that makes writing it
// exactly-once in effect: re-running a flow, a redelivered message, a replayed dead letter
// and a crashed worker all produce the same Key for the same content.
type Delivery struct {
	// Key is the idempotency key: see DeliveryKey.
	Key string `json:"key"`
	// Flow and Target name the hub.yaml flow and target connection.
	Flow   string `json:"flow"`
	Target string `json:"target"`
	// NaturalKey names the record in the target's terms (e.g. "employee/123/2026-10"); no
	// personal data.
	NaturalKey string `json:"natural_key"`
	// Version is a digest of Payload: a changed record gets a new key and is written again.
	Version string `json:"version"`
	// RunID is the run that planned it (for tracking; not part of the key).
	RunID   string          `json:"run_id"`
	Payload json.RawMessage `json:"payload"`
	// PlannedAt is when the planner emitted it.
	PlannedAt time.Time `json:"planned_at"`
}

// NewDelivery builds a Delivery, computing the content version and the idempotency key.
func NewDelivery(flow, target, naturalKey, runID string, payload any, now time.Time) (Delivery, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return Delivery{}, fmt.Errorf("delivery %s: encode payload: %w", naturalKey, err)
	}
	v := digest(body)[:16]
	return Delivery{
		Key:        DeliveryKey(flow, target, naturalKey, v),
		Flow:       flow,
		Target:     target,
		NaturalKey: naturalKey,
		Version:    v,
		RunID:      runID,
		Payload:    body,
		PlannedAt:  now.UTC(),
	}, nil
}

// DeliveryKey is the deterministic idempotency key of (flow, target, natural key, content
// version).
func DeliveryKey(flow, target, naturalKey, version string) string {
	return "d1-" + digest([]byte(flow + "\x00" + target + "\x00" + naturalKey + "\x00" + version))[:40]
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Job asks for one run of a flow.
type Job struct {
	Flow  string `json:"flow"`
	RunID string `json:"run_id"`
	// Period is the pay period as YYYY-MM for flows that have one ("" = the flow's default,
	// usually the period that closed most recently).
	Period string `json:"period,omitempty"`
	// Trigger says who asked: "schedule", "webhook", "cli", "replay".
	Trigger string    `json:"trigger"`
	At      time.Time `json:"at"`
	// Event is the webhook event that asked for the run, if one did.
	Event *WebhookEvent `json:"event,omitempty"`
}

// Message is j as the queue carries it: its envelope, with the attributes the queue's
// consumers route and log by (kind, flow, run_id).
func (j Job) Message() (queue.Outgoing, error) {
	body, err := Envelope{Kind: KindJob, Job: &j}.Encode()
	if err != nil {
		return queue.Outgoing{}, err
	}
	return queue.Outgoing{Body: body, Attributes: map[string]string{"kind": string(KindJob), "flow": j.Flow, "run_id": j.RunID}}, nil
}

// Message is d as the queue carries it: its envelope, with the attributes the queue's
// consumers route and log by (kind, flow, run_id, key).
func (d Delivery) Message() (queue.Outgoing, error) {
	body, err := Envelope{Kind: KindDelivery, Delivery: &d}.Encode()
	if err != nil {
		return queue.Outgoing{}, err
	}
	return queue.Outgoing{Body: body, Attributes: map[string]string{"kind": string(KindDelivery), "flow": d.Flow, "run_id": d.RunID, "key": d.Key}}, nil
}
