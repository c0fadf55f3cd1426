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
	"strconv"
	"strings"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

// WebhookTokenHeader carries the verification token (検証用トークン) freee shows in the app's
// webhook settings; freee sends the same token with every notification.
const WebhookTokenHeader = "X-Freee-Token"

var _ hub.WebhookReceiver = (*HR)(nil)

// Notification is a freee webhook notification (人事労務 and 会計 send the same envelope) as
// urakata reads it: the common properties of every event
// (https://developer.freee.co.jp/reference/hr/webhook) and the record it is about, which
// sits under the resource's name (e.g. "employee" for "hr:employee").
type Notification struct {
	// ID is freee's notification id: the dedupe key, the same in a replay.
	ID       string `json:"id"`
	Resource string `json:"resource"`
	Action   string `json:"action"`
	// Record names the record the notification carries ("employee"); "" when it carries
	// none. RecordID and Status are that record's, "" when it does not say.
	Record   string `json:"-"`
	RecordID string `json:"-"`
	Status   string `json:"-"`
}

// Type is the hub.WebhookEvent type of the notification: resource.action.
func (n Notification) Type() string { return n.Resource + "." + n.Action }

// Notifications checks and reads the webhook notifications of one freee connection.
type Notifications struct {
	// Vendor and Connection name the errors.
	Vendor, Connection string
	// CompanyID is the connection's company: a notification about another company's record
	// is not the connection's.
	CompanyID int64
	// Token is the connection secret's webhook_token; zero refuses every notification.
	Token secrets.Secret
}

// Read checks the notification's X-Freee-Token against Token, then reads it; ours is false
// for a notification about another company of the same app, which is to be answered 2xx
// with no event so that freee does not retry it. freee signs nothing and sends no
// timestamp: the token is all there is to check, and the notification id makes a replayed
// one name the same run. A token that is missing or does not match is hub.ErrBadSignature.
func (w Notifications) Read(header http.Header, body []byte) (n Notification, ours bool, err error) {
	if w.Token.IsZero() {
		return n, false, fmt.Errorf("%s: connection %s: the secret has no webhook_token: %w", w.Vendor, w.Connection, hub.ErrBadSignature)
	}
	if !WebhookTokenMatches(header.Get(WebhookTokenHeader), w.Token) {
		return n, false, fmt.Errorf("%s: connection %s: %s header does not match: %w", w.Vendor, w.Connection, WebhookTokenHeader, hub.ErrBadSignature)
	}
	var records map[string]json.RawMessage
	if err := json.Unmarshal(body, &n); err != nil {
		return n, false, fmt.Errorf("%s: webhook: not a JSON notification: %w", w.Vendor, err)
	}
	if err := json.Unmarshal(body, &records); err != nil {
		return n, false, fmt.Errorf("%s: webhook: not a JSON notification: %w", w.Vendor, err)
	}
	if n.ID == "" || n.Resource == "" || n.Action == "" {
		return n, false, fmt.Errorf("%s: webhook: notification without id, resource or action", w.Vendor)
	}
	// "hr:employee" names its record "employee".
	_, name, _ := strings.Cut(n.Resource, ":")
	raw, ok := records[name]
	if !ok || name == "" {
		return n, true, nil
	}
	var rec struct {
		ID        json.Number `json:"id"`
		CompanyID json.Number `json:"company_id"`
		Status    string      `json:"status"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		return n, false, fmt.Errorf("%s: webhook: %s is not an object with an id: %w", w.Vendor, name, err)
	}
	n.Record, n.RecordID, n.Status = name, rec.ID.String(), rec.Status
	ours = rec.CompanyID == "" || rec.CompanyID.String() == strconv.FormatInt(w.CompanyID, 10)
	return n, ours, nil
}

// VerifyWebhook checks and reads a notification (Notifications.Read). The event's Resource
// is "employee/1001" for a notification about employee 1001, "" when it names no record.
func (h *HR) VerifyWebhook(_ context.Context, header http.Header, body []byte) (hub.WebhookResult, error) {
	n, ours, err := Notifications{Vendor: Vendor, Connection: h.connection, CompanyID: h.companyID, Token: h.webhookToken}.Read(header, body)
	if err != nil || !ours {
		return hub.WebhookResult{}, err
	}
	ev := hub.WebhookEvent{ID: n.ID, Type: n.Type()}
	if n.RecordID != "" {
		ev.Resource = n.Record + "/" + n.RecordID
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
