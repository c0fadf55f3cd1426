package freee

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

// WebhookTokenHeader carries the verification token (検証用トークン) freee shows in the app's
// webhook settings; freee sends the same token with every notification.
const WebhookTokenHeader = "X-Freee-Token"

var _ hub.WebhookReceiver = (*HR)(nil)

// webhookNotice is the part of a freee HR webhook notification urakata reads: the common
// properties of every event (https://developer.freee.co.jp/reference/hr/webhook) and the
// id and company of the record it is about, which sits under the resource's name (e.g.
// "employee" for "hr:employee").
type webhookNotice struct {
	ID        string `json:"id"`
	Resource  string `json:"resource"`
	Action    string `json:"action"`
	CreatedAt string `json:"created_at"`
	records   map[string]json.RawMessage
}

type webhookRecord struct {
	ID        json.Number `json:"id"`
	CompanyID json.Number `json:"company_id"`
}

// VerifyWebhook checks the notification's token against the connection secret's
// webhook_token, then reads the event. freee signs nothing and sends no timestamp: the token
// is all there is to check, and the notification id (the dedupe key) makes a replayed one
// name the same run. A notification for another company of the same app is answered 2xx
// with no event, so freee does not retry it.
func (h *HR) VerifyWebhook(_ context.Context, header http.Header, body []byte) (hub.WebhookResult, error) {
	if h.webhookToken.IsZero() {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: the secret has no webhook_token: %w", Vendor, h.connection, hub.ErrBadSignature)
	}
	if !WebhookTokenMatches(header.Get(WebhookTokenHeader), h.webhookToken) {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: %s header does not match: %w", Vendor, h.connection, WebhookTokenHeader, hub.ErrBadSignature)
	}
	var n webhookNotice
	if err := json.Unmarshal(body, &n); err != nil {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: not a JSON notification: %w", Vendor, err)
	}
	if err := json.Unmarshal(body, &n.records); err != nil {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: not a JSON notification: %w", Vendor, err)
	}
	if n.ID == "" || n.Resource == "" || n.Action == "" {
		return hub.WebhookResult{}, fmt.Errorf("%s: webhook: notification without id, resource or action", Vendor)
	}
	ev := hub.WebhookEvent{ID: n.ID, Type: n.Resource + "." + n.Action}
	// "hr:employee" names its record "employee".
	_, name, _ := strings.Cut(n.Resource, ":")
	if raw, ok := n.records[name]; ok && name != "" {
		var rec webhookRecord
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&rec); err != nil {
			return hub.WebhookResult{}, fmt.Errorf("%s: webhook: %s is not an object with an id: %w", Vendor, name, err)
		}
		if rec.CompanyID != "" && rec.CompanyID.String() != fmt.Sprint(h.companyID) {
			return hub.WebhookResult{}, nil
		}
		if rec.ID != "" {
			ev.Resource = name + "/" + rec.ID.String()
		}
	}
	return hub.WebhookResult{Events: []hub.WebhookEvent{ev}}, nil
}

// WebhookTokenMatches reports whether got, the X-Freee-Token of a notification, is the
// connection's verification token. It compares in constant time; hashing first hides the
// token's length too. Every freee webhook (人事労務 and 会計) is verified this way.
func WebhookTokenMatches(got string, want secrets.Secret) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want.Reveal()))
	return got != "" && subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// ParseWebhookToken reads the optional webhook_token of a connection secret (zero when there
// is none); call ParseCredentials first, which refuses a secret that is not a JSON object.
func ParseWebhookToken(s secrets.Secret) (secrets.Secret, error) {
	var raw struct {
		WebhookToken *string `json:"webhook_token"`
	}
	if json.Unmarshal([]byte(s.Reveal()), &raw) != nil {
		return secrets.Secret{}, errors.New("the secret's webhook_token is not a string")
	}
	if raw.WebhookToken == nil {
		return secrets.Secret{}, nil
	}
	return secrets.New(*raw.WebhookToken), nil
}
