package github

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/urakata/urakata/shared/hub"
)

// EventPush is the type of the events VerifyWebhook passes on: a push to a branch or tag.
const EventPush = "push"

// VerifyWebhook checks a delivery with go-github's validation: X-Hub-Signature-256 must be
// "sha256=" and the hex HMAC-SHA256 of the raw body keyed with the connection secret's
// webhook_secret (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries);
// the SHA-1 X-Hub-Signature alone is refused. Then:
//
//   - ping (sent when the webhook is created) is answered 200 with no event;
//   - push is one event: ID is X-GitHub-Delivery, the dedupe key, Type "push", Resource
//     "owner/repo@ref" with the branch or tag name ("demo-company/back-office@main");
//   - any other event is accepted (2xx, so GitHub does not report a failure) with no event.
//     Passing issue events on would let the alert issues this connector files trigger
//     flows again.
//
// GitHub signs the body only, with no timestamp, so there is no staleness to check. A
// replayed delivery carries the same X-GitHub-Delivery (GitHub's own redeliveries do too),
// names the same run, and the ledger runs it once: GitHub's advice against replay attacks
// is exactly this dedupe on the delivery id
// (https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks#use-the-x-github-delivery-header).
// A delivery whose body was changed fails the signature.
func (c *Connection) VerifyWebhook(_ context.Context, h http.Header, body []byte) (hub.WebhookResult, error) {
	if c.webhookSecret.IsZero() {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: the secret has no webhook_secret: %w", Vendor, c.connection, hub.ErrBadSignature)
	}
	sig := h.Get(gh.SHA256SignatureHeader)
	if !strings.HasPrefix(sig, "sha256=") {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: no sha256= %s header: %w", Vendor, c.connection, gh.SHA256SignatureHeader, hub.ErrBadSignature)
	}
	if err := gh.ValidateSignature(sig, body, []byte(c.webhookSecret.Reveal())); err != nil {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: %s: %w", Vendor, c.connection, err, hub.ErrBadSignature)
	}
	// The signature holds; go-github now takes the JSON payload out of the body as the
	// webhook's content type has it (application/json, or a form's payload field).
	mediaType, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: Content-Type %q: %w", Vendor, h.Get("Content-Type"), err)
	}
	payload, err := gh.ValidatePayloadFromBody(mediaType, bytes.NewReader(body), "", nil)
	if err != nil {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: %w", Vendor, err)
	}
	id, event := h.Get(gh.DeliveryIDHeader), h.Get(gh.EventTypeHeader)
	if id == "" || event == "" {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: a delivery without %s or %s", Vendor, gh.DeliveryIDHeader, gh.EventTypeHeader)
	}
	switch event {
	case "ping":
		if _, err := gh.ParseWebHook(event, payload); err != nil {
			return hub.WebhookResult{}, fmt.Errorf("%s: webhook: ping: %w", Vendor, err)
		}
		return hub.WebhookResult{Reply: &hub.WebhookReply{Status: http.StatusOK, ContentType: "text/plain; charset=utf-8", Body: []byte("pong")}}, nil
	case EventPush:
		parsed, err := gh.ParseWebHook(event, payload)
		if err != nil {
			return hub.WebhookResult{}, fmt.Errorf("%s: webhook: push: %w", Vendor, err)
		}
		push := parsed.(*gh.PushEvent)
		repo, ref := push.GetRepo().GetFullName(), push.GetRef()
		if repo == "" || ref == "" {
			return hub.WebhookResult{}, fmt.Errorf("%s: webhook: a push without repository.full_name or ref", Vendor)
		}
		return hub.WebhookResult{Events: []hub.WebhookEvent{{ID: id, Type: EventPush, Resource: repo + "@" + shortRef(ref)}}}, nil
	}
	return hub.WebhookResult{}, nil
}

// shortRef names a branch or tag as the contents API's ref parameter takes it.
func shortRef(ref string) string {
	if name, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
		return name
	}
	if name, ok := strings.CutPrefix(ref, "refs/tags/"); ok {
		return name
	}
	return ref
}
