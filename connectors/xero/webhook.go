package xero

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

// SignatureHeader carries Base64(HMAC-SHA256(webhook key, raw body)).
const SignatureHeader = "x-xero-signature"

// DefaultMaxEventAge bounds how old the newest event of a delivery may be. Xero retries a
// delivery that was not answered 200 for up to 24 hours and then disables the webhook, so
// nothing older can come from Xero: it is a replay. The hour on top absorbs clock skew.
const DefaultMaxEventAge = 25 * time.Hour

// Sign returns the x-xero-signature of body under key, as Xero computes it.
func Sign(key secrets.Secret, body []byte) string {
	mac := hmac.New(sha256.New, []byte(key.Reveal()))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// webhookPayload is a delivery (xero-webhooks.yaml, WebhookEvent).
type webhookPayload struct {
	Events             *[]webhookEvent `json:"events"`
	FirstEventSequence int64           `json:"firstEventSequence"`
	LastEventSequence  int64           `json:"lastEventSequence"`
	Entropy            string          `json:"entropy"`
}

type webhookEvent struct {
	ResourceURL   string `json:"resourceUrl"`
	ResourceID    string `json:"resourceId"`
	EventDateUTC  string `json:"eventDateUtc"`
	EventType     string `json:"eventType"`
	EventCategory string `json:"eventCategory"`
	TenantID      string `json:"tenantId"`
	TenantType    string `json:"tenantType"`
}

// VerifyWebhook checks x-xero-signature over the raw body in constant time, then reads the
// delivery. Xero's rules:
//
//   - A wrong or missing signature is hub.ErrBadSignature: ingress answers 401, which is
//     also what Xero's "intent to receive" check wants for its badly signed deliveries.
//   - A correctly signed delivery is answered 200 with no body, as Xero requires; one with
//     no events (the intent-to-receive deliveries) yields no event.
//   - Each event becomes one hub.WebhookEvent. A delivery has no id of its own: entropy is
//     random per payload and the sequence numbers count payloads, not events, and Xero may
//     batch a retried event differently. So the id is what the event itself says, stable
//     across retries and batches: tenant, category, resource, type and time. A redelivery
//     or replay of an event names the same id, and so the same run, which the ledger
//     absorbs.
//   - A delivery whose newest event is older than DefaultMaxEventAge is refused as a replay:
//     Xero stops retrying after 24 hours.
//   - With settings.tenant_id set, events of the app's other organisations are skipped
//     (Xero sends every connected organisation's events to the one webhook).
func (x *Xero) VerifyWebhook(_ context.Context, header http.Header, body []byte) (hub.WebhookResult, error) {
	if x.webhookKey.IsZero() {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: the secret has no webhook_key: %w", Vendor, x.connection, hub.ErrBadSignature)
	}
	if !validSignature(header.Get(SignatureHeader), body, x.webhookKey) {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: %s does not match the body: %w", Vendor, x.connection, SignatureHeader, hub.ErrBadSignature)
	}
	var p webhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: not a JSON delivery: %w", Vendor, err)
	}
	if p.Events == nil {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: the delivery has no events array", Vendor)
	}
	res := hub.WebhookResult{Reply: &hub.WebhookReply{Status: http.StatusOK}}
	var newest time.Time
	for i, e := range *p.Events {
		if e.ResourceID == "" || e.EventType == "" || e.EventCategory == "" || e.TenantID == "" {
			return hub.WebhookResult{}, fmt.Errorf("%s: webhook: event %d lacks resourceId, eventType, eventCategory or tenantId", Vendor, i)
		}
		at, err := ParseTime(e.EventDateUTC)
		if err != nil || at.IsZero() {
			return hub.WebhookResult{}, fmt.Errorf("%s: webhook: event %d: eventDateUtc %q is not a date-time", Vendor, i, e.EventDateUTC)
		}
		if at.After(newest) {
			newest = at
		}
		if x.tenantSetting != "" && e.TenantID != x.tenantSetting {
			continue
		}
		res.Events = append(res.Events, hub.WebhookEvent{
			ID:       eventID(e, at),
			Type:     e.EventCategory + "." + e.EventType,
			Resource: e.ResourceID,
		})
	}
	if !newest.IsZero() && x.now().Sub(newest) > x.maxEventAge {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: the newest event is from %s, older than Xero retries: %w",
			Vendor, newest.Format(time.RFC3339), hub.ErrBadSignature)
	}
	return res, nil
}

// eventID names an event by what it says: the same event always has the same id.
func eventID(e webhookEvent, at time.Time) string {
	return e.TenantID + "/" + e.EventCategory + "/" + e.ResourceID + "/" + e.EventType + "/" + at.UTC().Format(time.RFC3339Nano)
}

// validSignature compares the HMAC bytes in constant time; a header that is not Base64 is
// simply wrong.
func validSignature(got string, body []byte, key secrets.Secret) bool {
	sig, err := base64.StdEncoding.DecodeString(got)
	if err != nil || len(sig) == 0 {
		return false
	}
	mac := hmac.New(sha256.New, []byte(key.Reveal()))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}
