package chatwork

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

const (
	// SignatureHeader carries the webhook signature: Base64(HMAC-SHA256(key = the
	// Base64-decoded webhook token, message = the raw body)).
	SignatureHeader = "X-ChatWorkWebhookSignature"
	// SignatureParam carries the same signature in the query string.
	SignatureParam = "chatwork_webhook_signature"

	// WebhookMaxAge is how old a webhook event may be, by its webhook_event_time, before it
	// is refused as a replay. Chatwork posts each event as it records it and documents no
	// redelivery, so a genuine event arrives within seconds; five minutes leaves room for
	// clock drift and a slow network (the window Slack sets for the same purpose) while
	// keeping a captured request useless soon after. Within the window a replay is refused by
	// its event id (replayGuard); across processes the ledger absorbs it, since the id names
	// the same run.
	WebhookMaxAge = 5 * time.Minute
	// webhookFutureSkew is how far ahead of our clock an event time may be: Chatwork's clock
	// and ours are not the same.
	webhookFutureSkew = time.Minute
	// replayMemory bounds the event ids kept for replay detection.
	replayMemory = 100_000
)

// DecodeWebhookToken turns a webhook token as Chatwork shows it (Base64) into the HMAC key.
func DecodeWebhookToken(token secrets.Secret) ([]byte, error) {
	t := strings.TrimSpace(token.Reveal())
	key, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(t)
	}
	if err != nil || len(key) == 0 {
		return nil, errors.New("the secret's webhook_token is not Base64; copy it as Chatwork's webhook settings show it")
	}
	return key, nil
}

// VerifySignature reports whether signature (Base64, as Chatwork sends it) is the HMAC of
// body under key. The comparison takes the same time whatever the bytes.
func VerifySignature(key, body []byte, signature string) bool {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(key) == 0 {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// SignatureFrom returns a webhook request's signature: the header, or the query parameter
// for a front end that drops unknown headers.
func SignatureFrom(r *http.Request) string {
	if sig := r.Header.Get(SignatureHeader); sig != "" {
		return sig
	}
	return r.URL.Query().Get(SignatureParam)
}

// VerifyWebhook checks a Chatwork webhook request: the signature over the raw body first
// (header X-ChatWorkWebhookSignature; hub.Ingress hands over headers only, and Chatwork
// always sends the header), then the event time (at most WebhookMaxAge old, at most a
// minute ahead), then that this process has not seen the event id within the window. Any of
// these failing is hub.ErrBadSignature. A body that is not a Chatwork webhook is a malformed
// error; an event type urakata does not read is accepted with no event, so Chatwork sees a
// success.
//
// The event is mention_to_me, message_created or message_updated, with ID EventID() (the
// setting, the message and, for an edit, its time: the natural dedupe key) and Resource the
// room id, and Chat the message as ParseEvent reads it. ParseEvent reads the same body into a model.ChatEvent for a chat bot.
func (c *Chat) VerifyWebhook(_ context.Context, h http.Header, body []byte) (hub.WebhookResult, error) {
	if len(c.webhookKey) == 0 {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: the secret has no webhook_token: %w", Vendor, c.connection, hub.ErrBadSignature)
	}
	sig := h.Get(SignatureHeader)
	if sig == "" {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: no %s header: %w", Vendor, c.connection, SignatureHeader, hub.ErrBadSignature)
	}
	if !VerifySignature(c.webhookKey, body, sig) {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: %s does not match the body: %w", Vendor, c.connection, SignatureHeader, hub.ErrBadSignature)
	}
	p, err := ParseWebhook(body)
	if err != nil {
		return hub.WebhookResult{}, err
	}
	now := c.now()
	at := time.Unix(p.EventTime, 0)
	switch {
	case now.Sub(at) > c.maxAge:
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: event recorded %s ago, more than %s: %w",
			Vendor, c.connection, now.Sub(at).Round(time.Second), c.maxAge, hub.ErrBadSignature)
	case at.Sub(now) > webhookFutureSkew:
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: event time is %s ahead of this clock: %w",
			Vendor, c.connection, at.Sub(now).Round(time.Second), hub.ErrBadSignature)
	}
	if !knownEvent(p.EventType) {
		return hub.WebhookResult{}, nil
	}
	id := p.EventID()
	if !c.seen.first(id, now, at.Add(c.maxAge)) {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: event %s was delivered before: %w", Vendor, c.connection, id, hub.ErrBadSignature)
	}
	chat := p.ChatEvent()
	ev := hub.WebhookEvent{ID: id, Type: p.EventType, Resource: strconv.FormatInt(p.Event.RoomID, 10), Chat: &chat}
	return hub.WebhookResult{Events: []hub.WebhookEvent{ev}}, nil
}

// replayGuard remembers the event ids seen until their events fall out of the time window,
// so that a request replayed within the window is refused. It is per process: in AWS each
// Lambda instance has its own, and the ledger catches what slips between them. The zero
// value is ready.
type replayGuard struct {
	mu    sync.Mutex
	until map[string]time.Time
	// order is the ids in the order seen; event times arrive roughly in order, so expiry
	// is pruned from the front.
	order []seenID
}

type seenID struct {
	id      string
	expires time.Time
}

// first records id until expires and reports whether it was not already recorded.
func (g *replayGuard) first(id string, now, expires time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.until == nil {
		g.until = map[string]time.Time{}
	}
	for len(g.order) > 0 && (!g.order[0].expires.After(now) || len(g.order) >= replayMemory) {
		old := g.order[0]
		if g.until[old.id].Equal(old.expires) {
			delete(g.until, old.id)
		}
		g.order = g.order[1:]
	}
	if exp, ok := g.until[id]; ok && now.Before(exp) {
		return false
	}
	g.until[id] = expires
	g.order = append(g.order, seenID{id, expires})
	return true
}
