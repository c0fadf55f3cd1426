package freeeaccountingtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestApproveOnlyWhatWaitsForApproval(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 5, 10, 30, 15, 0, jst)
	s := New(Options{Year: 2026, Month: time.October, Now: func() time.Time { return now }})
	if err := s.Approve(1008); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Application(1008); a.Status != "approved" || !a.ApprovedAt.Equal(now) || a.DealID == 0 {
		t.Errorf("claim %+v", a)
	}
	for _, id := range []int64{1008, 1001, 1009, 1010, 42} {
		if err := s.Approve(id); err == nil {
			t.Errorf("claim %d approved again or from the wrong status", id)
		}
	}
}

func TestNotifyApprovedSendsFreeesNotificationWithTheToken(t *testing.T) {
	t.Parallel()
	s := New(Options{Year: 2026, Month: time.October, Now: fixedNow, WebhookToken: "tok-Zq81"})
	var got struct {
		header http.Header
		body   []byte
	}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.header = r.Header.Clone()
		got.body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(hook.Close)
	if err := s.Approve(1008); err != nil {
		t.Fatal(err)
	}
	status, err := s.NotifyApproved(t.Context(), hook.URL, 1008)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("%d %v", status, err)
	}
	if got.header.Get("X-Freee-Token") != "tok-Zq81" || got.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", got.header)
	}
	var n struct {
		ID                 string `json:"id"`
		ApplicationID      int64  `json:"application_id"`
		Resource, Action   string
		CreatedAt          string `json:"created_at"`
		ExpenseApplication struct {
			ID, CompanyID, ApplicantID int64
			Status                     string
		} `json:"expense_application"`
	}
	if err := json.Unmarshal(got.body, &n); err != nil {
		t.Fatal(err)
	}
	if len(n.ID) != 36 || n.ApplicationID != WebhookAppID || n.Resource != "accounting:expense_application" || n.Action != "approved" ||
		n.CreatedAt != "2026-11-02T12:00:00+09:00" || n.ExpenseApplication.ID != 1008 || n.ExpenseApplication.Status != "approved" ||
		!strings.Contains(string(got.body), `"company_id":1`) || !strings.Contains(string(got.body), `"applicant_id":50008`) {
		t.Errorf("notification %s", got.body)
	}
	a, _ := s.WebhookNotice(1008, "approved")
	b, _ := s.WebhookNotice(1008, "approved")
	if string(a) == string(b) {
		t.Error("two notifications share an id")
	}
	if _, err := s.NotifyApproved(t.Context(), hook.URL, 42); err == nil {
		t.Error("a notification for an unknown claim was sent")
	}
}
