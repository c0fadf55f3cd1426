package freeeaccounting

import (
	"context"
	"net/http"

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
	n, ours, err := freee.Notifications{Vendor: Vendor, Connection: a.connection, CompanyID: a.companyID, Token: a.webhookToken}.Read(header, body)
	if err != nil || !ours {
		return hub.WebhookResult{}, err
	}
	if n.Type() == EventExpenseApproved && n.Status != "" && n.Status != StatusApproved {
		return hub.WebhookResult{}, nil
	}
	return hub.WebhookResult{Events: []hub.WebhookEvent{{ID: n.ID, Type: n.Type(), Resource: n.RecordID}}}, nil
}
