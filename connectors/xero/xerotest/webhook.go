package xerotest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
)

// Event is one webhook event, as Xero sends it (xero-webhooks.yaml).
type Event struct {
	ResourceURL string `json:"resourceUrl"`
	ResourceID  string `json:"resourceId"`
	// EventDateUTC is written as Xero does: UTC, milliseconds, no zone.
	EventDateUTC  string `json:"eventDateUtc"`
	EventType     string `json:"eventType"`
	EventCategory string `json:"eventCategory"`
	TenantID      string `json:"tenantId"`
	TenantType    string `json:"tenantType"`
}

// Delivery is the body of one webhook request.
type Delivery struct {
	Events             []Event `json:"events"`
	FirstEventSequence int     `json:"firstEventSequence"`
	LastEventSequence  int     `json:"lastEventSequence"`
	Entropy            string  `json:"entropy"`
}

// xeroTime writes an instant as Xero's webhooks do: 2024-06-21T01:15:39.902.
func xeroTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000") }

// InvoiceEvent is an INVOICE event of the demo organisation for resource id, at the
// sandbox's now. eventType is CREATE or UPDATE.
func (s *Server) InvoiceEvent(id, eventType string) Event {
	return s.event("INVOICE", "Invoices", id, eventType)
}

// ContactEvent is a CONTACT event of the demo organisation (see InvoiceEvent).
func (s *Server) ContactEvent(id, eventType string) Event {
	return s.event("CONTACT", "Contacts", id, eventType)
}

func (s *Server) event(category, collection, id, eventType string) Event {
	return Event{ResourceURL: "https://api.xero.com/api.xro/2.0/" + collection + "/" + id, ResourceID: id,
		EventDateUTC: xeroTime(s.opts.Now()), EventType: eventType, EventCategory: category, TenantID: s.co.tenantID, TenantType: "ORGANISATION"}
}

// Sign returns the x-xero-signature of body: Base64(HMAC-SHA256(key, body)).
func Sign(key string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Sign signs body with the sandbox's webhook key.
func (s *Server) Sign(body []byte) string { return Sign(s.opts.WebhookKey, body) }

// Delivery wraps events in a delivery body with consecutive sequence numbers from first
// and a random entropy, and checks it against xero-webhooks.yaml (a breach is kept for
// Violations).
func (s *Server) Delivery(first int, events ...Event) ([]byte, error) {
	if events == nil {
		events = []Event{}
	}
	d := Delivery{Events: events, FirstEventSequence: first, LastEventSequence: first + max(len(events)-1, 0), Entropy: entropy()}
	if len(events) == 0 {
		// Xero's intent-to-receive deliveries, as its documentation shows them.
		d.FirstEventSequence, d.LastEventSequence = 0, 0
	}
	body, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("xerotest: webhook: %w", err)
	}
	if len(events) > 0 {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, fmt.Errorf("xerotest: webhook: %w", err)
		}
		if err := validateWebhook(s.specs.webhook, v); err != nil {
			s.violations.Record(Violation{Side: WebhookSide, Op: "webhook", Method: http.MethodPost, Err: openapikit.Message(err)})
		}
	}
	return body, nil
}

// entropy is the random text Xero adds to every delivery.
func entropy() string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	id := newID()
	var b strings.Builder
	for i := range 20 {
		b.WriteByte(letters[int(id[i%len(id)])%len(letters)])
	}
	return b.String()
}

// Post sends body to url signed as signature says, as Xero does: POST, JSON, the
// x-xero-signature header. It returns the status the endpoint answered.
func Post(ctx context.Context, url string, body []byte, signature string) (int, error) {
	status, _, err := post(ctx, url, body, signature)
	return status, err
}

func post(ctx context.Context, url string, body []byte, signature string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("xerotest: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-xero-signature", signature)
	req.Header.Set("User-Agent", "Xero-Webhooks")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("xerotest: webhook to %s: %w", url, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return 0, nil, fmt.Errorf("xerotest: webhook to %s: read the answer: %w", url, err)
	}
	return resp.StatusCode, answer, nil
}

// SendWebhook sends events to url as one signed delivery and returns the status answered.
func (s *Server) SendWebhook(ctx context.Context, url string, events ...Event) (int, error) {
	body, err := s.Delivery(1, events...)
	if err != nil {
		return 0, err
	}
	return Post(ctx, url, body, s.Sign(body))
}

// IntentToReceive runs Xero's "intent to receive" check against url: correctly signed
// deliveries with no events must be answered 200, and deliveries signed with another key
// 401, each with no body, within 5 seconds. It returns nil when the endpoint passes, as a
// subscription becomes active in Xero.
func (s *Server) IntentToReceive(ctx context.Context, url string) error {
	for i := range 4 {
		body, err := s.Delivery(0)
		if err != nil {
			return err
		}
		good := i%2 == 0
		sig := s.Sign(body)
		want := http.StatusOK
		if !good {
			sig, want = Sign(s.opts.WebhookKey+"-not", body), http.StatusUnauthorized
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		status, answer, err := post(cctx, url, body, sig)
		cancel()
		if err != nil {
			return fmt.Errorf("xerotest: intent to receive: %w", err)
		}
		kind := map[bool]string{true: "correctly signed", false: "wrongly signed"}[good]
		if status != want {
			return fmt.Errorf("xerotest: intent to receive: a %s delivery was answered %d; Xero wants %d", kind, status, want)
		}
		if good && len(answer) > 0 {
			return fmt.Errorf("xerotest: intent to receive: a %s delivery was answered with a body; Xero wants none", kind)
		}
	}
	return nil
}
