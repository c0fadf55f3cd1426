package freeeaccounting

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/shared/hub"
)

// Webhook resources and actions of freee 会計 (https://developer.freee.co.jp/reference/accounting/webhook).
const (
	// ResourceExpenseApplication is a notification about an expense claim (経費申請).
	ResourceExpenseApplication = "accounting:expense_application"
	// ActionApproved is an approval; freee sends one for every approval step.
	ActionApproved = "approved"
	// EventExpenseApproved is the hub.WebhookEvent type of a claim's final approval.
	EventExpenseApproved = ResourceExpenseApplication + "." + ActionApproved
)

// webhookNotice is the part of a freee 会計 notification urakata reads: the common
// properties of every event and the record it is about, which sits under the resource's
// name ("expense_application" for "accounting:expense_application").
type webhookNotice struct {
	ID       string `json:"id"`
	Resource string `json:"resource"`
	Action   string `json:"action"`
	records  map[string]json.RawMessage
}

type webhookRecord struct {
	ID        json.Number `json:"id"`
	CompanyID json.Number `json:"company_id"`
	Status    string      `json:"status"`
}

// VerifyWebhook checks the notification's X-Freee-Token against the connection secret's
// webhook_token (in constant time), then reads the event: ID is freee's notification id
// (the dedupe key), Type is resource.action (EventExpenseApproved for an approval), and
// Resource the claim's id, as Expense takes it.
//
// freee signs nothing and sends no timestamp, so the token is all there is to check and a
// replayed notification passes: it carries the same id, so it names the same run and the
// ledger keeps it from being booked twice. Answered 2xx with no event, so that freee does not
// retry: a notification for another company of the same app, and an approval that is not the
// final one (freee notifies every approval step; the claim is still in_progress), since
// nothing is booked before the final approval.
func (a *Accounting) VerifyWebhook(_ context.Context, header http.Header, body []byte) (hub.WebhookResult, error) {
	if a.webhookToken.IsZero() {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: the secret has no webhook_token: %w", Vendor, a.connection, hub.ErrBadSignature)
	}
	if !freee.WebhookTokenMatches(header.Get(freee.WebhookTokenHeader), a.webhookToken) {
		return hub.WebhookResult{}, fmt.Errorf("%s: connection %s: %s header does not match: %w", Vendor, a.connection, freee.WebhookTokenHeader, hub.ErrBadSignature)
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
	_, name, _ := strings.Cut(n.Resource, ":")
	if raw, ok := n.records[name]; ok && name != "" {
		var rec webhookRecord
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&rec); err != nil {
			return hub.WebhookResult{}, fmt.Errorf("%s: webhook: %s is not an object with an id: %w", Vendor, name, err)
		}
		if rec.CompanyID != "" && rec.CompanyID.String() != strconv.FormatInt(a.companyID, 10) {
			return hub.WebhookResult{}, nil
		}
		if ev.Type == EventExpenseApproved && rec.Status != "" && rec.Status != StatusApproved {
			return hub.WebhookResult{}, nil
		}
		ev.Resource = rec.ID.String()
	}
	return hub.WebhookResult{Events: []hub.WebhookEvent{ev}}, nil
}
