package chatworktest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a webhook endpoint that checks each request as Chatwork's documentation tells
// a receiver to, with its own HMAC, and keeps what it got.
type receiver struct {
	t     *testing.T
	token string
	mu    sync.Mutex
	got   []Payload
	raw   [][]byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	key, _ := base64.StdEncoding.DecodeString(rc.token)
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if r.Header.Get("X-ChatWorkWebhookSignature") != want || r.URL.Query().Get("chatwork_webhook_signature") != want {
		rc.t.Errorf("signature header %q, query %q; want %q in both", r.Header.Get("X-ChatWorkWebhookSignature"),
			r.URL.Query().Get("chatwork_webhook_signature"), want)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(r.UserAgent(), "ChatWork-Webhook/") {
		rc.t.Errorf("%s with %v", r.Method, r.Header)
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		rc.t.Error(err)
	}
	rc.mu.Lock()
	rc.got, rc.raw = append(rc.got, p), append(rc.raw, body)
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) payloads() []Payload {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Payload(nil), rc.got...)
}

func listen(t *testing.T, token string) (*receiver, string) {
	t.Helper()
	rc := &receiver{t: t, token: token}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv.URL + "/hooks/chatwork?conn=1"
}

func TestSignMatchesAnIndependentComputation(t *testing.T) {
	t.Parallel()
	// Computed with: printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'urakata-test-webhook-key-000001' -binary | base64
	body := `{"webhook_setting_id":"7001","webhook_event_type":"message_created","webhook_event_time":1790000000,"webhook_event":{"message_id":"1500000000000000001","room_id":300000010,"account_id":9100001,"body":"hello","send_time":1790000000,"update_time":0}}`
	sig, err := Sign("dXJha2F0YS10ZXN0LXdlYmhvb2sta2V5LTAwMDAwMQ==", []byte(body))
	if err != nil || sig != "/q+QK0P8YwXAUwR5QqPnICk0iq9PgP+aEXHwfaI9nRs=" {
		t.Errorf("Sign = %q, %v", sig, err)
	}
	if _, err := Sign("not base64!", []byte(body)); err == nil {
		t.Error("a token that is not Base64 must be refused")
	}
}

func TestSayAndEditSendSignedWebhooks(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := start(t, Options{Now: clk.now})
	mentions, mentionURL := listen(t, "bWVudGlvbi10b2tlbg==")
	roomEvents, roomURL := listen(t, "cm9vbS10b2tlbg==")
	if _, err := s.AddWebhook(WebhookSetting{URL: mentionURL, Token: "bWVudGlvbi10b2tlbg==", Event: EventMentionToMe}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWebhook(WebhookSetting{ID: "room-hook", URL: roomURL, Token: "cm9vbS10b2tlbg==", Event: EventMessageCreated, RoomID: AllHandsRoomID}); err != nil {
		t.Fatal(err)
	}
	from := s.Accounts()[4]

	msg, deliveries, err := s.Say(t.Context(), from.AccountID, AllHandsRoomID, fmt.Sprintf("[To:%d]経理bot\n交通費の締めはいつですか", BotAccountID))
	if err != nil {
		t.Fatal(err)
	}
	if len(deliveries) != 2 || deliveries[0].Status != 200 || deliveries[1].Status != 200 {
		t.Fatalf("deliveries = %+v; want a mention and a room event, both accepted", deliveries)
	}
	m := mentions.payloads()
	if len(m) != 1 || m[0].SettingID != "7001" || m[0].EventType != EventMentionToMe || m[0].EventTime != clk.now().Unix() {
		t.Fatalf("mention payloads = %+v", m)
	}
	ev := m[0].Event.(map[string]any)
	if ev["from_account_id"] != float64(from.AccountID) || ev["to_account_id"] != float64(BotAccountID) || ev["message_id"] != msg.ID {
		t.Errorf("mention event = %v", ev)
	}

	if _, _, err := s.Say(t.Context(), from.AccountID, MyRoomID, "x"); err == nil {
		t.Error("someone who is not in the bot's my chat cannot post there")
	}
	var dept int64
	for _, r := range s.org.rooms {
		if r.typ == "group" && r.name == from.Department {
			dept = r.id
		}
	}
	if _, d, err := s.Say(t.Context(), from.AccountID, dept, fmt.Sprintf("[rp aid=%d to=%d-%s]了解です", BotAccountID, AllHandsRoomID, msg.ID)); err != nil ||
		len(d) != 1 || d[0].EventType != EventMentionToMe {
		t.Errorf("a reply to the bot in another room: %+v, %v; want only the mention (the room webhook watches all-hands)", d, err)
	}
	if _, d, err := s.Say(t.Context(), from.AccountID, dept, "独り言"); err != nil || len(d) != 0 {
		t.Errorf("a message that addresses no one elsewhere: %+v, %v; want no webhook", d, err)
	}

	clk.add(time.Minute)
	if _, d, err := s.Edit(t.Context(), msg.ID, "交通費の締めは何日ですか"); err != nil || len(d) != 1 || d[0].EventType != EventMessageUpdated {
		t.Fatalf("edit: %+v, %v; want one message_updated to the room webhook", d, err)
	}
	r := roomEvents.payloads()
	if len(r) != 2 || r[0].EventType != EventMessageCreated || r[1].EventType != EventMessageUpdated || r[1].SettingID != "room-hook" {
		t.Fatalf("room payloads = %+v", r)
	}
	if up := r[1].Event.(map[string]any); up["update_time"] != float64(clk.now().Unix()) || up["body"] != "交通費の締めは何日ですか" {
		t.Errorf("update event = %v", up)
	}
	if got := s.Deliveries(); len(got) != 4 {
		t.Errorf("Deliveries = %+v", got)
	}
}

func TestTheBotsOwnPostsSetOffRoomEventsButNoMention(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	mentions, mentionURL := listen(t, "bWVudGlvbi10b2tlbg==")
	roomEvents, roomURL := listen(t, "cm9vbS10b2tlbg==")
	if _, err := s.AddWebhook(WebhookSetting{URL: mentionURL, Token: "bWVudGlvbi10b2tlbg==", Event: EventMentionToMe}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWebhook(WebhookSetting{URL: roomURL, Token: "cm9vbS10b2tlbg==", Event: EventMessageCreated, RoomID: AllHandsRoomID}); err != nil {
		t.Fatal(err)
	}
	a := do(t, s, request{method: http.MethodPost, path: fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID),
		form: url.Values{"body": {fmt.Sprintf("[To:%d] 自分宛て", BotAccountID)}}})
	if a.status != 200 {
		t.Fatal(a.status)
	}
	s.Close() // waits for the webhooks in flight
	r := roomEvents.payloads()
	if len(r) != 1 || r[0].Event.(map[string]any)["account_id"] != float64(BotAccountID) {
		t.Errorf("room events = %+v; the bot's own post is a message_created", r)
	}
	if m := mentions.payloads(); len(m) != 0 {
		t.Errorf("mentions = %+v; the bot does not mention itself", m)
	}
}

func TestAddWebhookRefusesWhatChatworkWould(t *testing.T) {
	t.Parallel()
	s := New(Options{Employees: 3})
	for name, w := range map[string]WebhookSetting{
		"a relative URL":                    {URL: "/hooks", Event: EventMentionToMe},
		"an event Chatwork has no hook for": {URL: "http://127.0.0.1:9/h", Event: "task_added"},
		"a room the bot is not in":          {URL: "http://127.0.0.1:9/h", Event: EventMessageCreated, RoomID: 42},
		"a token that is not Base64":        {URL: "http://127.0.0.1:9/h", Event: EventMentionToMe, Token: "%%%"},
	} {
		if _, err := s.AddWebhook(w); err == nil {
			t.Errorf("%s: added", name)
		}
	}
	for i := range 5 {
		w, err := s.AddWebhook(WebhookSetting{URL: "http://127.0.0.1:9/h", Event: EventMentionToMe})
		if err != nil || w.ID == "" || w.Token == "" {
			t.Fatalf("setting %d: %+v, %v", i, w, err)
		}
	}
	if _, err := s.AddWebhook(WebhookSetting{URL: "http://127.0.0.1:9/h", Event: EventMentionToMe}); err == nil {
		t.Error("a sixth webhook setting: added; Chatwork allows five")
	}
}

func TestSendWebhookSignsWhatItSends(t *testing.T) {
	t.Parallel()
	rc, u := listen(t, "dG9rZW4=")
	status, err := SendWebhook(t.Context(), nil, u, "dG9rZW4=", Payload{SettingID: "1", EventType: EventMessageCreated, EventTime: 1790000000,
		Event: RoomMessageEvent{MessageID: "5", RoomID: 2, AccountID: 3, Body: "x", SendTime: 1790000000}})
	if err != nil || status != 200 || len(rc.payloads()) != 1 {
		t.Fatalf("%d, %v, %d payloads", status, err, len(rc.payloads()))
	}
	status, err = SendWebhook(t.Context(), nil, u, "dG9rZW4=", []byte(`{"raw":true}`))
	if err != nil || status != 200 || string(rc.raw[1]) != `{"raw":true}` {
		t.Errorf("raw bytes are sent as they are: %d, %v", status, err)
	}
}
