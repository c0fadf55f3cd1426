package freeeaccounting_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freeeaccounting"
	"github.com/urakata/urakata/connectors/freeeaccounting/freeeaccountingtest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/storetest"
)

const approvedNotice = `{"id":"6c0a4b2e-0d2f-4a53-9e0c-5f1d2a3b4c5d","application_id":4242,"resource":"accounting:expense_application","action":"approved","created_at":"2026-10-07T15:00:01+09:00","expense_application":{"id":1001,"company_id":1,"status":"approved","applicant_id":50001}}`

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	withToken := func(tok string) http.Header {
		h := http.Header{}
		if tok != "" {
			h.Set("x-freee-token", tok)
		}
		return h
	}
	good := withToken(freeeaccountingtest.DefaultWebhookToken)
	for _, tc := range []struct {
		name    string
		header  http.Header
		body    string
		want    []hub.WebhookEvent
		badSig  bool
		invalid bool
	}{
		{name: "a final approval with the right token is one event naming the claim", header: good, body: approvedNotice,
			want: []hub.WebhookEvent{{ID: "6c0a4b2e-0d2f-4a53-9e0c-5f1d2a3b4c5d", Type: freeeaccounting.EventExpenseApproved, Resource: "1001"}}},
		{name: "a replayed notification passes again with the same id, so it names the same run", header: good, body: approvedNotice,
			want: []hub.WebhookEvent{{ID: "6c0a4b2e-0d2f-4a53-9e0c-5f1d2a3b4c5d", Type: freeeaccounting.EventExpenseApproved, Resource: "1001"}}},
		{name: "an approval step before the final one is accepted with no event", header: good,
			body: strings.Replace(approvedNotice, `"status":"approved"`, `"status":"in_progress"`, 1)},
		{name: "another action on a claim is an event of its own type", header: good,
			body: strings.Replace(strings.Replace(approvedNotice, `"action":"approved"`, `"action":"created"`, 1), `"status":"approved"`, `"status":"in_progress"`, 1),
			want: []hub.WebhookEvent{{ID: "6c0a4b2e-0d2f-4a53-9e0c-5f1d2a3b4c5d", Type: "accounting:expense_application.created", Resource: "1001"}}},
		{name: "a notification for another company of the app is accepted with no event", header: good,
			body: strings.Replace(approvedNotice, `"company_id":1,`, `"company_id":99,`, 1)},
		{name: "a wrong token is a bad signature", header: withToken(freeeaccountingtest.DefaultWebhookToken + "x"), body: approvedNotice, badSig: true},
		{name: "no token is a bad signature", header: withToken(""), body: approvedNotice, badSig: true},
		{name: "a bad token is refused before the body is read", header: withToken("nope"), body: `{not json`, badSig: true},
		{name: "a body that is not JSON is malformed", header: good, body: `{not json`, invalid: true},
		{name: "a notification without an id is malformed", header: good, body: `{"resource":"accounting:expense_application","action":"approved"}`, invalid: true},
		{name: "a claim that is not an object is malformed", header: good,
			body: `{"id":"x","resource":"accounting:expense_application","action":"approved","expense_application":7}`, invalid: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := acc.VerifyWebhook(t.Context(), tc.header, []byte(tc.body))
			switch {
			case tc.badSig:
				if !errors.Is(err, hub.ErrBadSignature) || strings.Contains(err.Error(), freeeaccountingtest.DefaultWebhookToken) {
					t.Fatalf("err = %v; want ErrBadSignature without the token", err)
				}
				return
			case tc.invalid:
				if err == nil || errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want a malformed-notification error", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if res.Reply != nil || len(res.Events) != len(tc.want) {
				t.Fatalf("result %+v; want events %+v and no reply", res, tc.want)
			}
			for i := range tc.want {
				if res.Events[i] != tc.want[i] {
					t.Errorf("event %d = %+v; want %+v", i, res.Events[i], tc.want[i])
				}
			}
		})
	}
}

func TestVerifyWebhookWithoutAWebhookTokenRefusesEverything(t *testing.T) {
	t.Parallel()
	v, err := freeeaccounting.Connector.New(t.Context(), hub.Env{
		Connection: "freee-acc", Settings: map[string]any{"company_id": 1},
		Secret: secretsOf(`{"client_id":"c","client_secret":"s","refresh_token":"r"}`), Tokens: &storetest.MemoryTokens{},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"X-Freee-Token": {"anything"}}
	_, err = v.(*freeeaccounting.Accounting).VerifyWebhook(t.Context(), h, []byte(approvedNotice))
	if !errors.Is(err, hub.ErrBadSignature) || !strings.Contains(err.Error(), "webhook_token") {
		t.Fatalf("err = %v; want ErrBadSignature naming the missing webhook_token", err)
	}
}

// ingress is the hub's webhook front door for one freee 会計 connection on a real embedded
// queue, served on loopback.
func ingress(t *testing.T, acc *freeeaccounting.Accounting) (url string, q *sqlitequeue.Queue) {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, err = sqlitequeue.New(db, sqlitequeue.Options{Name: "work"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	in := &hub.Ingress{
		Queue:     q,
		Receivers: map[string]hub.WebhookReceiver{"freee-acc": acc},
		Routes:    map[string][]string{"freee-acc": {"expense-to-accounting"}},
		Logger:    quietLogger(),
	}
	hs := httptest.NewServer(in)
	t.Cleanup(hs.Close)
	return hs.URL + "/hooks/freee-acc", q
}

func jobs(t *testing.T, q queue.Queue) []hub.Job {
	t.Helper()
	var out []hub.Job
	for {
		msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return out
		}
		for _, m := range msgs {
			env, err := hub.Decode(m.Body)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, *env.Job)
		}
	}
}

func TestAnApprovalNotifiedBySandboxIsVerifiedAndEnqueued(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	url, q := ingress(t, acc)
	if err := srv.Approve(1008); err != nil {
		t.Fatal(err)
	}
	status, err := srv.NotifyApproved(t.Context(), url, 1008)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("notify: %d, %v; want 202", status, err)
	}
	got := jobs(t, q)
	if len(got) != 1 || got[0].Flow != "expense-to-accounting" || got[0].Trigger != "webhook" || got[0].Event == nil ||
		got[0].Event.Type != freeeaccounting.EventExpenseApproved || got[0].Event.Resource != "1008" {
		t.Fatalf("jobs = %+v", got)
	}
	rep, err := acc.Expense(t.Context(), got[0].Event.Resource)
	if err != nil || rep.ApprovedAt.IsZero() {
		t.Errorf("the claim the event names: %+v, %v; want it approved", rep, err)
	}
}

func TestWebhooksThatMustNotRunAFlowEnqueueNothing(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	url, q := ingress(t, acc)
	impostor := freeeaccountingtest.New(freeeaccountingtest.Options{Year: demoYear, Month: demoMonth, WebhookToken: "not-the-token"})
	for _, tc := range []struct {
		name   string
		send   func() (int, error)
		status int
	}{
		{"a wrong token is 401", func() (int, error) { return impostor.NotifyApproved(t.Context(), url, 1001) }, http.StatusUnauthorized},
		{"a missing token is 401", func() (int, error) {
			resp, err := http.Post(url, "application/json", strings.NewReader(approvedNotice))
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			return resp.StatusCode, nil
		}, http.StatusUnauthorized},
		{"an approval step before the final one is 202", func() (int, error) { return srv.NotifyApproved(t.Context(), url, 1008) }, http.StatusAccepted},
		{"a body that is not JSON is 400", func() (int, error) { return srv.SendWebhook(t.Context(), url, []byte(`{"id":`)) }, http.StatusBadRequest},
	} {
		status, err := tc.send()
		if err != nil || status != tc.status {
			t.Errorf("%s: %d, %v", tc.name, status, err)
		}
	}
	if got := jobs(t, q); len(got) != 0 {
		t.Errorf("%d jobs enqueued; want none", len(got))
	}
}

func TestAReplayedNotificationNamesTheSameRun(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	url, q := ingress(t, acc)
	body, err := srv.WebhookNotice(1001, "approved")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if status, err := srv.SendWebhook(t.Context(), url, body); err != nil || status != http.StatusAccepted {
			t.Fatalf("send: %d, %v", status, err)
		}
	}
	if status, err := srv.NotifyApproved(t.Context(), url, 1001); err != nil || status != http.StatusAccepted {
		t.Fatalf("send: %d, %v", status, err)
	}
	got := jobs(t, q)
	if len(got) != 3 {
		t.Fatalf("%d jobs; want 3", len(got))
	}
	if got[0].RunID != got[1].RunID || got[0].Event.ID != got[1].Event.ID {
		t.Errorf("a replay gave runs %s and %s; the ledger dedupes only when they are the same", got[0].RunID, got[1].RunID)
	}
	if got[2].RunID == got[0].RunID {
		t.Error("a new notification for the same claim gave the same run; freee's notification id is the key")
	}
}

// BenchmarkVerifyWebhook measures what ingress spends on a freee 会計 notification before
// it enqueues: the token check and reading the event.
func BenchmarkVerifyWebhook(b *testing.B) {
	v, err := freeeaccounting.Connector.New(b.Context(), hub.Env{Connection: "freee-acc", Settings: map[string]any{"company_id": 1},
		Secret: secretsOf(`{"client_id":"c","client_secret":"s","refresh_token":"r","webhook_token":"tok"}`), Tokens: &storetest.MemoryTokens{}})
	if err != nil {
		b.Fatal(err)
	}
	acc := v.(*freeeaccounting.Accounting)
	h := http.Header{"X-Freee-Token": {"tok"}}
	body := []byte(approvedNotice)
	b.ReportAllocs()
	for b.Loop() {
		if res, err := acc.VerifyWebhook(b.Context(), h, body); err != nil || len(res.Events) != 1 {
			b.Fatal(res, err)
		}
	}
}
