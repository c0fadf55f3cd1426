package chatwork_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/chatwork"
	"github.com/urakata/urakata/connectors/chatwork/chatworktest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
)

// vectorBody and vectorSignature were computed outside Go, with
//
//	printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'urakata-test-webhook-key-000001' -binary | base64
//
// where the key is webhookToken Base64-decoded: Chatwork keys the HMAC with the decoded
// token, not the token's text.
const (
	vectorBody      = `{"webhook_setting_id":"7001","webhook_event_type":"message_created","webhook_event_time":1790000000,"webhook_event":{"message_id":"1500000000000000001","room_id":300000010,"account_id":9100001,"body":"hello","send_time":1790000000,"update_time":0}}`
	vectorSignature = "/q+QK0P8YwXAUwR5QqPnICk0iq9PgP+aEXHwfaI9nRs="
)

func TestSignatureMatchesAnIndependentComputation(t *testing.T) {
	t.Parallel()
	key, err := chatwork.DecodeWebhookToken(secrets.New(webhookToken))
	if err != nil {
		t.Fatal(err)
	}
	if string(key) != "urakata-test-webhook-key-000001" {
		t.Fatalf("decoded key %q", key)
	}
	if !chatwork.VerifySignature(key, []byte(vectorBody), vectorSignature) {
		t.Error("the openssl signature does not verify")
	}
	if chatwork.VerifySignature([]byte(webhookToken), []byte(vectorBody), vectorSignature) {
		t.Error("a signature keyed with the token's text must not verify")
	}
	sandboxSig, err := chatworktest.Sign(webhookToken, []byte(vectorBody))
	if err != nil || sandboxSig != vectorSignature {
		t.Errorf("the sandbox signs %q, %v; want %q", sandboxSig, err, vectorSignature)
	}
}

func TestSignatureFromReadsTheHeaderThenTheQuery(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/hooks/chatwork?chatwork_webhook_signature=abc%2B%3D", nil)
	if got := chatwork.SignatureFrom(r); got != "abc+=" {
		t.Errorf("from the query: %q", got)
	}
	r.Header.Set("x-chatworkwebhooksignature", "from-header")
	if got := chatwork.SignatureFrom(r); got != "from-header" {
		t.Errorf("from the header: %q", got)
	}
}

// payload is a webhook body for the event type, recorded at at.
func payload(t *testing.T, typ string, at time.Time, messageID string) []byte {
	t.Helper()
	var ev any = chatworktest.RoomMessageEvent{MessageID: messageID, RoomID: chatworktest.AllHandsRoomID, AccountID: 9100001,
		Body: "経費の件", SendTime: at.Unix()}
	if typ == chatwork.EventMentionToMe {
		ev = chatworktest.MentionEvent{FromAccountID: 9100001, ToAccountID: chatworktest.BotAccountID, RoomID: chatworktest.AllHandsRoomID,
			MessageID: messageID, Body: "[To:9000001] 経費の件", SendTime: at.Unix()}
	}
	b, err := json.Marshal(chatworktest.Payload{SettingID: "7001", EventType: typ, EventTime: at.Unix(), Event: ev})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func signed(t *testing.T, token string, body []byte) http.Header {
	t.Helper()
	sig, err := chatworktest.Sign(token, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-ChatWorkWebhookSignature", sig)
	return h
}

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	now := time.Now()
	otherToken := "b3RoZXIta2V5"
	for _, tc := range []struct {
		name    string
		header  func(body []byte) http.Header
		body    []byte
		want    []hub.WebhookEvent
		badSig  bool
		invalid bool
	}{
		{name: "a message_created with the right signature is one event keyed by setting and message",
			body: payload(t, chatwork.EventMessageCreated, now, "1500000000000000101"),
			want: []hub.WebhookEvent{{ID: "7001:1500000000000000101", Type: "message_created", Resource: "300000010"}}},
		{name: "a mention_to_me is one event about its room",
			body: payload(t, chatwork.EventMentionToMe, now.Add(-4*time.Minute), "1500000000000000102"),
			want: []hub.WebhookEvent{{ID: "7001:1500000000000000102", Type: "mention_to_me", Resource: "300000010"}}},
		{name: "an event a little ahead of this clock passes",
			body: payload(t, chatwork.EventMessageCreated, now.Add(30*time.Second), "1500000000000000103"),
			want: []hub.WebhookEvent{{ID: "7001:1500000000000000103", Type: "message_created", Resource: "300000010"}}},
		{name: "an event type urakata does not read is accepted with no event",
			body: []byte(fmt.Sprintf(`{"webhook_setting_id":"7001","webhook_event_type":"task_added","webhook_event_time":%d,"webhook_event":{}}`, now.Unix()))},
		{name: "a signature made with another token is refused",
			header: func(b []byte) http.Header { return signed(t, otherToken, b) },
			body:   payload(t, chatwork.EventMessageCreated, now, "1500000000000000104"), badSig: true},
		{name: "a body changed after signing is refused",
			header: func([]byte) http.Header {
				return signed(t, webhookToken, payload(t, chatwork.EventMessageCreated, now, "1500000000000000105"))
			},
			body: payload(t, chatwork.EventMessageCreated, now, "1500000000000000106"), badSig: true},
		{name: "no signature is refused",
			header: func([]byte) http.Header { return http.Header{"Content-Type": {"application/json"}} },
			body:   payload(t, chatwork.EventMessageCreated, now, "1500000000000000107"), badSig: true},
		{name: "a signature that is not Base64 is refused",
			header: func([]byte) http.Header { return http.Header{"X-Chatworkwebhooksignature": {"%%%"}} },
			body:   payload(t, chatwork.EventMessageCreated, now, "1500000000000000108"), badSig: true},
		{name: "an event recorded more than five minutes ago is refused as a replay",
			body:   payload(t, chatwork.EventMessageCreated, now.Add(-chatwork.WebhookMaxAge-10*time.Second), "1500000000000000109"),
			badSig: true},
		{name: "an event from more than a minute ahead is refused",
			body:   payload(t, chatwork.EventMessageCreated, now.Add(3*time.Minute), "1500000000000000110"),
			badSig: true},
		{name: "a signed body that is not JSON is malformed", body: []byte(`{"webhook_setting_id":`), invalid: true},
		{name: "a signed event without its room is malformed",
			body:    []byte(fmt.Sprintf(`{"webhook_setting_id":"7001","webhook_event_type":"message_created","webhook_event_time":%d,"webhook_event":{"message_id":"1","account_id":3}}`, now.Unix())),
			invalid: true},
		{name: "a signed body without the event time is malformed",
			body:    []byte(`{"webhook_setting_id":"7001","webhook_event_type":"message_created","webhook_event":{"message_id":"1","room_id":2,"account_id":3}}`),
			invalid: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chat := connect(t, srv, nil)
			header := signed(t, webhookToken, tc.body)
			if tc.header != nil {
				header = tc.header(tc.body)
			}
			res, err := chat.VerifyWebhook(t.Context(), header, tc.body)
			switch {
			case tc.badSig:
				if !errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want ErrBadSignature", err)
				}
				if strings.Contains(err.Error(), webhookToken) || strings.Contains(err.Error(), "経費") {
					t.Fatalf("the error %q holds the token or the message", err)
				}
				return
			case tc.invalid:
				if err == nil || errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want a malformed-webhook error", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if res.Reply != nil || len(res.Events) != len(tc.want) {
				t.Fatalf("result %+v; want events %+v and no reply", res, tc.want)
			}
			for i := range tc.want {
				got := res.Events[i]
				if got.Chat == nil || got.Chat.ID != got.ID || got.Chat.Type != got.Type {
					t.Errorf("event %d carries chat %+v; want the message of event %s", i, got.Chat, got.ID)
				}
				got.Chat = nil
				if got != tc.want[i] {
					t.Errorf("event %d = %+v; want %+v", i, got, tc.want[i])
				}
			}
		})
	}
}

func TestVerifyWebhookRefusesAReplayWithinTheWindow(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, nil)
	body := payload(t, chatwork.EventMessageCreated, time.Now(), "1500000000000000201")
	if _, err := chat.VerifyWebhook(t.Context(), signed(t, webhookToken, body), body); err != nil {
		t.Fatal(err)
	}
	_, err := chat.VerifyWebhook(t.Context(), signed(t, webhookToken, body), body)
	if !errors.Is(err, hub.ErrBadSignature) || !strings.Contains(err.Error(), "delivered before") {
		t.Fatalf("replay: err = %v; want ErrBadSignature for an event seen before", err)
	}
	edited := []byte(strings.Replace(string(payload(t, chatwork.EventMessageUpdated, time.Now(), "1500000000000000201")),
		`"update_time":0`, fmt.Sprintf(`"update_time":%d`, time.Now().Unix()), 1))
	res, err := chat.VerifyWebhook(t.Context(), signed(t, webhookToken, edited), edited)
	if err != nil || len(res.Events) != 1 || !strings.HasPrefix(res.Events[0].ID, "7001:1500000000000000201:") {
		t.Errorf("an edit of the same message is a new event: %+v, %v", res, err)
	}
}

func TestVerifyWebhookWithoutATokenRefusesEverything(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	v, err := chatwork.Connector.New(t.Context(), hub.Env{Connection: "cw", BaseURL: srv.BaseURL(), Secret: secrets.New("api-only")})
	if err != nil {
		t.Fatal(err)
	}
	body := payload(t, chatwork.EventMessageCreated, time.Now(), "1500000000000000301")
	_, err = v.(*chatwork.Chat).VerifyWebhook(t.Context(), signed(t, webhookToken, body), body)
	if !errors.Is(err, hub.ErrBadSignature) || !strings.Contains(err.Error(), "webhook_token") {
		t.Fatalf("err = %v; want ErrBadSignature naming the missing webhook_token", err)
	}
}

// ingress serves hub.Ingress for the connection "chatwork" on loopback, enqueueing into a
// real SQLite queue in a temporary folder.
func ingress(t *testing.T, chat *chatwork.Chat) (url string, q *sqlitequeue.Queue) {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "urakata.db"))
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
		Receivers: map[string]hub.WebhookReceiver{"chatwork": chat},
		Routes:    map[string][]string{"chatwork": {"chat-bot"}},
		Logger:    slog.New(slog.DiscardHandler),
	}
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/chatwork", q
}

func queued(t *testing.T, q *sqlitequeue.Queue) []hub.Job {
	t.Helper()
	msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var jobs []hub.Job
	for _, m := range msgs {
		env, err := hub.Decode(m.Body)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, *env.Job)
	}
	return jobs
}

func TestIngressEnqueuesOnlyVerifiedDeliveries(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, nil)
	url, q := ingress(t, chat)
	now := time.Now()

	good := payload(t, chatwork.EventMentionToMe, now, "1500000000000000401")
	status, err := chatworktest.SendWebhook(t.Context(), nil, url, webhookToken, good)
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("a correctly signed delivery: %d, %v; want 202", status, err)
	}
	for _, tc := range []struct {
		name  string
		token string
		body  []byte
		want  int
	}{
		{"a delivery signed with another token", "b3RoZXIta2V5", payload(t, chatwork.EventMentionToMe, now, "1500000000000000402"), http.StatusUnauthorized},
		{"a stale delivery", webhookToken, payload(t, chatwork.EventMentionToMe, now.Add(-10*time.Minute), "1500000000000000403"), http.StatusUnauthorized},
		{"a replayed delivery", webhookToken, good, http.StatusUnauthorized},
		{"a malformed delivery", webhookToken, []byte(`{"webhook_setting_id":"7001"`), http.StatusBadRequest},
	} {
		status, err := chatworktest.SendWebhook(t.Context(), nil, url, tc.token, tc.body)
		if err != nil || status != tc.want {
			t.Errorf("%s: %d, %v; want %d", tc.name, status, err, tc.want)
		}
	}
	jobs := queued(t, q)
	if len(jobs) != 1 {
		t.Fatalf("%d jobs queued; want only the verified delivery's", len(jobs))
	}
	if ev := jobs[0].Event; jobs[0].Flow != "chat-bot" || ev == nil || ev.ID != "7001:1500000000000000401" || ev.Type != "mention_to_me" {
		t.Errorf("job = %+v", jobs[0])
	}
}

// TestAReplayThatReachesAnotherProcessNamesTheSameRun is the case the in-process guard
// cannot see: two receivers (two Lambda instances) each take the same delivery once. Both
// enqueue, under the same run id, which the ledger dedupes.
func TestAReplayThatReachesAnotherProcessNamesTheSameRun(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	body := payload(t, chatwork.EventMessageCreated, time.Now(), "1500000000000000501")
	var runs []string
	for range 2 {
		url, q := ingress(t, connect(t, srv, nil))
		if status, err := chatworktest.SendWebhook(t.Context(), nil, url, webhookToken, body); err != nil || status != http.StatusAccepted {
			t.Fatalf("%d, %v", status, err)
		}
		for _, j := range queued(t, q) {
			runs = append(runs, j.RunID)
		}
	}
	if len(runs) != 2 || runs[0] != runs[1] {
		t.Errorf("runs = %v; want the same run id from both processes", runs)
	}
}

// TestTheSandboxsWebhooksReachTheHubAndTheBotAnswers runs the whole loop: an employee
// mentions the bot in Chatwork, the sandbox signs and posts the webhook, ingress verifies and
// enqueues it, the event is read as a ChatEvent, and the answer goes back as a reply.
func TestTheSandboxsWebhooksReachTheHubAndTheBotAnswers(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, nil)

	var bodies [][]byte
	in := &hub.Ingress{Queue: discard{}, Receivers: map[string]hub.WebhookReceiver{"chatwork": recorder{chat, &bodies}},
		Routes: map[string][]string{"chatwork": {"chat-bot"}}, Logger: slog.New(slog.DiscardHandler)}
	hook := httptest.NewServer(in)
	t.Cleanup(hook.Close)
	if _, err := srv.AddWebhook(chatworktest.WebhookSetting{URL: hook.URL + "/hooks/chatwork", Token: webhookToken, Event: chatworktest.EventMentionToMe}); err != nil {
		t.Fatal(err)
	}

	employee := srv.Accounts()[2]
	said, deliveries, err := srv.Say(t.Context(), employee.AccountID, chatworktest.AllHandsRoomID, "[To:9000001]urakata 経理bot\n先月の経費は処理済みですか？")
	if err != nil {
		t.Fatal(err)
	}
	if len(deliveries) != 1 || deliveries[0].Status != http.StatusAccepted {
		t.Fatalf("deliveries = %+v; want one accepted", deliveries)
	}
	if len(bodies) != 1 {
		t.Fatalf("the receiver saw %d bodies", len(bodies))
	}
	ev, err := chatwork.ParseEvent(bodies[0])
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != chatwork.EventMentionToMe || ev.Message.User != fmt.Sprint(employee.AccountID) ||
		ev.Message.Channel != fmt.Sprint(chatworktest.AllHandsRoomID) || !strings.Contains(ev.Message.Text, "経費") {
		t.Fatalf("event = %+v", ev)
	}
	answer := ev.Message
	answer.Text = "はい、処理済みです。"
	if _, err := chat.PostMessage(t.Context(), answer); err != nil {
		t.Fatal(err)
	}
	posted := srv.Posted()
	want := fmt.Sprintf("[rp aid=%d to=%d-%s]\nはい、処理済みです。", employee.AccountID, chatworktest.AllHandsRoomID, said.ID)
	if len(posted) != 1 || posted[0].Body != want {
		t.Errorf("posted %+v; want the reply %q", posted, want)
	}
}

// recorder keeps the bodies its receiver verified, as a chat bot would read them.
type recorder struct {
	hub.WebhookReceiver
	bodies *[][]byte
}

func (r recorder) VerifyWebhook(ctx context.Context, h http.Header, body []byte) (hub.WebhookResult, error) {
	res, err := r.WebhookReceiver.VerifyWebhook(ctx, h, body)
	if err == nil {
		*r.bodies = append(*r.bodies, body)
	}
	return res, err
}

// discard is a queue that accepts and forgets.
type discard struct{ queue.Queue }

func (discard) Send(context.Context, []queue.Outgoing) error { return nil }

func TestVerifyWebhookCarriesTheMessageToTheWorker(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, nil)
	body := payload(t, chatwork.EventMentionToMe, time.Now(), "1500000000000000201")
	res, err := chat.VerifyWebhook(t.Context(), signed(t, webhookToken, body), body)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 || res.Events[0].Chat == nil {
		t.Fatalf("events %+v; want one carrying its message", res.Events)
	}
	got := res.Events[0].Chat.Message
	room := strconv.FormatInt(chatworktest.AllHandsRoomID, 10)
	if got.Channel != room || got.Thread != room+"-1500000000000000201" || got.User != "9100001" || got.Text != "[To:9000001] 経費の件" {
		t.Errorf("message = %+v; want the mention's room, its own reference, its author and its body", got)
	}
}
