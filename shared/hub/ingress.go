package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/store"
)

// WebhookReceiver is the capability of a connector that receives its vendor's webhooks.
// VerifyWebhook must check the signature over the raw body before anything else, reject
// stale timestamps, and answer the vendor's handshakes itself (WebhookResult.Reply).
type WebhookReceiver interface {
	VerifyWebhook(ctx context.Context, h http.Header, body []byte) (WebhookResult, error)
}

// ErrBadSignature is what VerifyWebhook returns (wrapped) for a request that is not from the
// vendor: a missing or wrong signature, a stale timestamp, a replay. Ingress answers 401.
var ErrBadSignature = errors.New("webhook: signature not valid")

// WebhookResult is a verified webhook: events to act on, and/or a reply the vendor expects
// (Slack's url_verification challenge, Xero's intent to receive).
type WebhookResult struct {
	Events []WebhookEvent
	Reply  *WebhookReply
}

// WebhookReply is a handshake answer.
type WebhookReply struct {
	Status      int
	ContentType string
	Body        []byte
}

// WebhookEvent is one verified event: its id is the vendor's delivery id, the natural
// dedupe key.
type WebhookEvent struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	// Resource is the vendor's id of what the event is about (fetch details through the API).
	Resource string `json:"resource,omitempty"`
	// Chat is the message a chat event carries (a mention, a direct message), read from the
	// verified body so the worker can answer without fetching it again. Its text may be
	// personal: it travels in the queue as the job's work item and is never logged
	// (model.ChatMessage.LogValue hides it).
	Chat *model.ChatEvent `json:"chat,omitempty"`
}

// Ingress is the webhook front door: verify, turn each event into a Job for the flows that
// the connection triggers, enqueue durably, answer 2xx fast. It calls no vendor API.
//
// POST /hooks/{connection}. Bad signature: 401, nothing enqueued. Body over MaxBody: 413.
// Unknown connection: 404. A delivery already taken (the vendor's retry, or a replay of a
// captured request) is acknowledged and not enqueued again.
type Ingress struct {
	Queue queue.Queue
	// Deliveries, if set, remembers the vendors' delivery ids for Keep, so a replayed or
	// retried delivery is acknowledged without a second job. Without it, duplicates are
	// still harmless (they name the same run, and the ledger writes once), only enqueued.
	Deliveries store.Deliveries
	// Keep is how long a delivery id is remembered (default 72 hours: longer than any
	// vendor's retries, Xero's day among them).
	Keep time.Duration
	// Receivers maps a connection name to its verifier.
	Receivers map[string]WebhookReceiver
	// Routes maps a connection name to the flows its webhooks trigger.
	Routes map[string][]string
	// MaxBody bounds a request body (default 1 MiB).
	MaxBody int64
	Logger  *slog.Logger
	Now     func() time.Time
}

func (in *Ingress) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	conn, ok := strings.CutPrefix(r.URL.Path, "/hooks/")
	if !ok || conn == "" || strings.Contains(conn, "/") {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "webhooks are POSTed", http.StatusMethodNotAllowed)
		return
	}
	recv, ok := in.Receivers[conn]
	if !ok {
		http.Error(w, "no webhook receiver for connection "+conn, http.StatusNotFound)
		return
	}
	limit := in.MaxBody
	if limit <= 0 {
		limit = 1 << 20
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	log := in.logger().With("connection", conn)
	res, err := recv.VerifyWebhook(r.Context(), r.Header, body)
	switch {
	case errors.Is(err, ErrBadSignature):
		log.Warn("webhook rejected", "err", err)
		http.Error(w, "signature not valid", http.StatusUnauthorized)
		return
	case err != nil:
		log.Warn("webhook malformed", "err", err)
		http.Error(w, "malformed webhook", http.StatusBadRequest)
		return
	}
	accepted, dups, jobs, err := in.enqueue(r.Context(), conn, res.Events)
	if err != nil {
		log.Error("webhook not enqueued", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	if dups > 0 {
		log.Info("webhook deliveries already taken: acknowledged, not enqueued again", "duplicates", dups)
	}
	log.Info("webhook enqueued", "events", len(res.Events), "jobs", jobs)
	if res.Reply != nil {
		if res.Reply.ContentType != "" {
			w.Header().Set("Content-Type", res.Reply.ContentType)
		}
		w.WriteHeader(orDefault(res.Reply.Status, http.StatusOK))
		_, _ = w.Write(res.Reply.Body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]int{"accepted": accepted, "duplicates": dups})
}

// enqueue turns the events not taken before into jobs for the routed flows and enqueues
// them durably. With a queue that is a OnceSender, each event's delivery id is recorded in
// the same write as its jobs; otherwise it is recorded first and forgotten again if the
// enqueue fails, so the vendor's retry is taken.
func (in *Ingress) enqueue(ctx context.Context, conn string, events []WebhookEvent) (accepted, dups, jobs int, err error) {
	now := in.now().UTC()
	jobsOf := func(ev *WebhookEvent) ([]queue.Outgoing, error) {
		out := make([]queue.Outgoing, 0, len(in.Routes[conn]))
		for _, flow := range in.Routes[conn] {
			m, err := Job{Flow: flow, RunID: webhookRunID(conn, flow, ev.ID), Trigger: "webhook", At: now, Event: ev}.Message()
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
		return out, nil
	}
	if once, ok := in.Queue.(OnceSender); ok && in.Deliveries != nil {
		for i := range events {
			ev := &events[i]
			batch, err := jobsOf(ev)
			if err != nil {
				return accepted, dups, jobs, err
			}
			sent := true
			if ev.ID == "" {
				err = in.Queue.Send(ctx, batch)
			} else {
				sent, err = once.SendOnce(ctx, conn+"/"+ev.ID, in.keep(), batch)
			}
			if err != nil {
				return accepted, dups, jobs, err
			}
			if !sent {
				dups++
				continue
			}
			accepted++
			jobs += len(batch)
		}
		return accepted, dups, jobs, nil
	}

	fresh, marked, dups, err := in.firstArrivals(ctx, conn, events)
	if err != nil {
		return 0, 0, 0, err
	}
	var batch []queue.Outgoing
	for i := range fresh {
		b, err := jobsOf(&fresh[i])
		if err != nil {
			in.forget(context.WithoutCancel(ctx), marked)
			return 0, dups, 0, err
		}
		batch = append(batch, b...)
	}
	if len(batch) > 0 {
		if err := in.Queue.Send(ctx, batch); err != nil {
			// Not taken: the vendor's retry must find the delivery new again.
			in.forget(context.WithoutCancel(ctx), marked)
			return 0, dups, 0, err
		}
	}
	return len(fresh), dups, len(batch), nil
}

// OnceSender is the optional ability of a queue to record a webhook delivery id and enqueue
// its jobs in one durable write (the embedded runtime's SQLite holds both), so a webhook
// costs one commit, not two. sent is false when the delivery was taken before.
type OnceSender interface {
	SendOnce(ctx context.Context, key string, keep time.Duration, batch []queue.Outgoing) (sent bool, err error)
}

func (in *Ingress) keep() time.Duration {
	if in.Keep > 0 {
		return in.Keep
	}
	return 72 * time.Hour
}

// firstArrivals keeps the events not taken before, marking each as taken; marked are the
// keys to forget if the enqueue fails.
func (in *Ingress) firstArrivals(ctx context.Context, conn string, events []WebhookEvent) (fresh []WebhookEvent, marked []string, dups int, err error) {
	if in.Deliveries == nil {
		return events, nil, 0, nil
	}
	keep := in.keep()
	for _, ev := range events {
		if ev.ID == "" {
			fresh = append(fresh, ev)
			continue
		}
		key := conn + "/" + ev.ID
		first, err := in.Deliveries.FirstSeen(ctx, key, keep)
		if err != nil {
			in.forget(context.WithoutCancel(ctx), marked)
			return nil, nil, 0, err
		}
		if !first {
			dups++
			continue
		}
		marked = append(marked, key)
		fresh = append(fresh, ev)
	}
	return fresh, marked, dups, nil
}

// forget unmarks deliveries that were not enqueued after all.
func (in *Ingress) forget(ctx context.Context, keys []string) {
	for _, k := range keys {
		if err := in.Deliveries.Forget(ctx, k); err != nil {
			in.logger().Error("webhook delivery not forgotten; a vendor retry of it will be dropped", "err", err)
		}
	}
}

// webhookRunID is deterministic in the vendor's delivery id, so a redelivered webhook
// names the same run.
func webhookRunID(conn, flow, eventID string) string {
	sum := sha256.Sum256([]byte(conn + "\x00" + flow + "\x00" + eventID))
	return "wh-" + hex.EncodeToString(sum[:8])
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func (in *Ingress) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

func (in *Ingress) logger() *slog.Logger {
	if in.Logger != nil {
		return in.Logger
	}
	return slog.Default()
}
