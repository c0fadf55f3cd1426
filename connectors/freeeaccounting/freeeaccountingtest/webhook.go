package freeeaccountingtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// WebhookTokenHeader is the header freee puts the verification token in.
const WebhookTokenHeader = "x-freee-token"

// WebhookAppID is the application_id of the sandbox's notifications: the freee app the
// webhook is configured on.
const WebhookAppID = 4242

// Approve finally approves a claim that is waiting for approval (in_progress), now
// (Options.Now), as the admin: freee books its deal, and the claim is then listed with the
// approved ones. Send the notification with NotifyApproved.
func (s *Server) Approve(id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.co.application(id)
	switch {
	case a == nil:
		return fmt.Errorf("freeeaccountingtest: approve: no expense application %d", id)
	case a.Status != "in_progress":
		return fmt.Errorf("freeeaccountingtest: approve: expense application %d is %s, not in_progress", id, a.Status)
	}
	a.Status = "approved"
	a.ApprovedAt = s.opts.Now().In(tokyo).Truncate(time.Second)
	a.DealID = 9000 + a.ID
	return nil
}

// WebhookNotice is the body freee sends for action on a claim, as the claim is now: the
// common properties (a fresh notification id, the app, resource, action, created_at) and the
// claim's id, company, status and applicant.
func (s *Server) WebhookNotice(id int64, action string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.co.application(id)
	if a == nil {
		return nil, fmt.Errorf("freeeaccountingtest: webhook: no expense application %d", id)
	}
	type record struct {
		ID          int64  `json:"id"`
		CompanyID   int64  `json:"company_id"`
		Status      string `json:"status"`
		ApplicantID int64  `json:"applicant_id"`
	}
	return json.Marshal(struct {
		ID                 string `json:"id"`
		ApplicationID      int64  `json:"application_id"`
		Resource           string `json:"resource"`
		Action             string `json:"action"`
		CreatedAt          string `json:"created_at"`
		ExpenseApplication record `json:"expense_application"`
	}{
		ID: noticeID(), ApplicationID: WebhookAppID, Resource: "accounting:expense_application", Action: action,
		CreatedAt:          stamp(s.opts.Now()),
		ExpenseApplication: record{ID: a.ID, CompanyID: s.co.id, Status: a.Status, ApplicantID: a.ApplicantID},
	})
}

// noticeID is a random UUID, as freee's notification ids are.
func noticeID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// SendWebhook posts body to url as freee does: JSON, with the verification token
// (Options.WebhookToken) in x-freee-token. It returns the receiver's status.
func (s *Server) SendWebhook(ctx context.Context, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("freeeaccountingtest: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(WebhookTokenHeader, s.opts.WebhookToken)
	req.Header.Set("User-Agent", "freeeaccountingtest-webhook")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("freeeaccountingtest: webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// NotifyApproved sends url the notification of the claim's approval (see Approve), signed
// with the verification token, and returns the receiver's status.
func (s *Server) NotifyApproved(ctx context.Context, url string, id int64) (int, error) {
	body, err := s.WebhookNotice(id, "approved")
	if err != nil {
		return 0, err
	}
	return s.SendWebhook(ctx, url, body)
}
