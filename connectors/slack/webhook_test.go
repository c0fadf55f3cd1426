package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Slack's worked example of a signed slash command, from "Verifying requests from Slack"
// (https://api.slack.com/authentication/verifying-requests-from-slack).
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = "1531420618"
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func docHeader(ts, sig string) http.Header {
	h := http.Header{}
	if ts != "" {
		h.Set(TimestampHeader, ts)
	}
	if sig != "" {
		h.Set(SignatureHeader, sig)
	}
	return h
}

func TestVerifierAcceptsSlacksWorkedExample(t *testing.T) {
	t.Parallel()
	v := &Verifier{Secret: secrets.New(docSecret), Now: func() time.Time { return time.Unix(1531420618, 0) }}
	if err := v.Verify(docHeader(docTimestamp, docSignature), []byte(docBody)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifierRefuses(t *testing.T) {
	t.Parallel()
	at := time.Unix(1531420618, 0)
	for _, tc := range []struct {
		name   string
		secret string
		now    time.Time
		header http.Header
		body   string
	}{
		{"a signature made with another secret", "another-secret", at, docHeader(docTimestamp, docSignature), docBody},
		{"a body changed by one byte", docSecret, at, docHeader(docTimestamp, docSignature), strings.Replace(docBody, "text=", "text=x", 1)},
		{"a timestamp changed after signing", docSecret, at, docHeader("1531420619", docSignature), docBody},
		{"a request five minutes and a second old", docSecret, at.Add(5*time.Minute + time.Second), docHeader(docTimestamp, docSignature), docBody},
		{"a request five minutes and a second ahead of our clock", docSecret, at.Add(-5*time.Minute - time.Second), docHeader(docTimestamp, docSignature), docBody},
		{"no signature", docSecret, at, docHeader(docTimestamp, ""), docBody},
		{"no timestamp", docSecret, at, docHeader("", docSignature), docBody},
		{"a timestamp that is not a number", docSecret, at, docHeader("yesterday", docSignature), docBody},
		{"a signature of another version", docSecret, at, docHeader(docTimestamp, strings.Replace(docSignature, "v0=", "v1=", 1)), docBody},
		{"a signature that is not hex", docSecret, at, docHeader(docTimestamp, "v0=zz"+docSignature[5:]), docBody},
		{"a truncated signature", docSecret, at, docHeader(docTimestamp, docSignature[:40]), docBody},
		{"any request when the connection has no signing secret", "", at, docHeader(docTimestamp, docSignature), docBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := &Verifier{Secret: secrets.New(tc.secret), Now: func() time.Time { return tc.now }}
			err := v.Verify(tc.header, []byte(tc.body))
			if !errors.Is(err, hub.ErrBadSignature) {
				t.Fatalf("err = %v; want ErrBadSignature", err)
			}
			if strings.Contains(err.Error(), docSecret) || strings.Contains(err.Error(), docSignature[3:]) {
				t.Errorf("the error %q holds the secret or the signature", err)
			}
		})
	}
}

func TestVerifierAcceptsTheEdgesOfTheWindow(t *testing.T) {
	t.Parallel()
	at := time.Unix(1531420618, 0)
	for _, now := range []time.Time{at.Add(5 * time.Minute), at.Add(-5 * time.Minute)} {
		v := &Verifier{Secret: secrets.New(docSecret), Now: func() time.Time { return now }}
		if err := v.Verify(docHeader(docTimestamp, docSignature), []byte(docBody)); err != nil {
			t.Errorf("at %v: %v; five minutes exactly is within the window", now.Sub(at), err)
		}
	}
}

// webhookSlack builds a connection whose signing secret is testSigning and whose clock is
// at; sign signs like Slack does, for the tests' own requests.
const testSigning = "test-signing-secret"

func webhookSlack(t testing.TB, at time.Time) *Slack {
	t.Helper()
	v, err := Connector.New(t.Context(), hub.Env{
		Connection: "slack-test", BaseURL: "http://127.0.0.1:9/api",
		Secret: secrets.New(`{"bot_token":"xoxb-1","signing_secret":"` + testSigning + `"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := v.(*Slack)
	s.verifier.Now = func() time.Time { return at }
	return s
}

func sign(at time.Time, contentType, body string, extra ...string) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(testSigning))
	mac.Write([]byte("v0:" + ts + ":" + body))
	h := http.Header{}
	h.Set("Content-Type", contentType)
	h.Set(TimestampHeader, ts)
	h.Set(SignatureHeader, "v0="+hex.EncodeToString(mac.Sum(nil)))
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
	mention  = `{"token":"vt","team_id":"T0123456789","api_app_id":"A0123456789","event":{"type":"app_mention","user":"U0AAAAAAA1","text":"<@U0BOTBOT01> 経費の状況は？","ts":"1793500000.000100","channel":"C0123456789","event_ts":"1793500000.000100"},"type":"event_callback","event_id":"Ev0123456789","event_time":1793500000,"authorizations":[{"team_id":"T0123456789","user_id":"U0BOTBOT01","is_bot":true,"is_enterprise_install":false}]}`
	dm       = `{"token":"vt","team_id":"T0123456789","api_app_id":"A0123456789","event":{"type":"message","user":"U0AAAAAAA1","text":"hello","ts":"1793500001.000200","thread_ts":"1793500000.000100","channel":"D0123456789","channel_type":"im","event_ts":"1793500001.000200"},"type":"event_callback","event_id":"Ev0000000002","event_time":1793500001}`
	command  = "token=vt&team_id=T0123456789&team_domain=demo&channel_id=C0123456789&channel_name=general&user_id=U0AAAAAAA1&user_name=shota&command=%2Fexpense&text=status+2026-10&api_app_id=A0123456789&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=13345224609.738474920.8088930838d88f008e0"
)

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	at := time.Unix(1793500002, 0)
	s := webhookSlack(t, at)
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		extra       []string
		want        []hub.WebhookEvent
		reply       *hub.WebhookReply
		malformed   bool
	}{
		{name: "url_verification is answered with its challenge and enqueues nothing", contentType: jsonType,
			body:  `{"token":"vt","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`,
			reply: &hub.WebhookReply{Status: 200, ContentType: "text/plain", Body: []byte("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")}},
		{name: "an app_mention is one event keyed by its event_id", contentType: jsonType, body: mention,
			want: []hub.WebhookEvent{{ID: "Ev0123456789", Type: EventAppMention, Resource: "C0123456789"}}},
		{name: "a person's message in a DM is a message.im event", contentType: jsonType, body: dm,
			want: []hub.WebhookEvent{{ID: "Ev0000000002", Type: EventDirectMessage, Resource: "D0123456789"}}},
		{name: "a retry of an event is the same event", contentType: jsonType, body: mention,
			extra: []string{RetryNumHeader, "1", RetryReasonHeader, "http_timeout"},
			want:  []hub.WebhookEvent{{ID: "Ev0123456789", Type: EventAppMention, Resource: "C0123456789"}}},
		{name: "the app's own message echoed in a DM is accepted with no event", contentType: jsonType,
			body: strings.Replace(dm, `"user":"U0AAAAAAA1"`, `"bot_id":"B0123456789","user":"U0BOTBOT01"`, 1)},
		{name: "an edited message is accepted with no event", contentType: jsonType,
			body: strings.Replace(dm, `"channel_type":"im"`, `"channel_type":"im","subtype":"message_changed"`, 1)},
		{name: "a message in a channel is accepted with no event", contentType: jsonType,
			body: strings.Replace(dm, `"channel_type":"im"`, `"channel_type":"channel"`, 1)},
		{name: "another event is accepted with no event", contentType: jsonType,
			body: strings.Replace(mention, `"type":"app_mention"`, `"type":"reaction_added"`, 1)},
		{name: "app_rate_limited is accepted with no event", contentType: jsonType,
			body: `{"token":"vt","type":"app_rate_limited","team_id":"T0123456789","minute_rate_limited":1518467820,"api_app_id":"A0123456789"}`},
		{name: "a slash command is one event keyed by its trigger_id, answered with an empty 200", contentType: formType, body: command,
			want:  []hub.WebhookEvent{{ID: "13345224609.738474920.8088930838d88f008e0", Type: EventSlashCommand, Resource: "C0123456789"}},
			reply: &hub.WebhookReply{Status: 200}},
		{name: "an interactivity payload is accepted with no event", contentType: formType, body: "payload=%7B%22type%22%3A%22block_actions%22%7D"},
		{name: "a body that is not JSON is malformed", contentType: jsonType, body: `{"type":`, malformed: true},
		{name: "an event_callback without an event_id is malformed", contentType: jsonType,
			body: strings.Replace(mention, `"event_id":"Ev0123456789",`, "", 1), malformed: true},
		{name: "url_verification without a challenge is malformed", contentType: jsonType, body: `{"type":"url_verification"}`, malformed: true},
		{name: "a slash command without a trigger_id is malformed", contentType: formType,
			body: strings.Replace(command, "&trigger_id=", "&x=", 1), malformed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := sign(at, tc.contentType, tc.body, tc.extra...)
			res, err := s.VerifyWebhook(t.Context(), h, []byte(tc.body))
			if tc.malformed {
				if err == nil || errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want a malformed-request error, not a bad signature", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != len(tc.want) {
				t.Fatalf("events %+v; want %+v", res.Events, tc.want)
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
			switch {
			case tc.reply == nil && res.Reply != nil:
				t.Errorf("reply %+v; want none", res.Reply)
			case tc.reply != nil && (res.Reply == nil || res.Reply.Status != tc.reply.Status ||
				res.Reply.ContentType != tc.reply.ContentType || string(res.Reply.Body) != string(tc.reply.Body)):
				t.Errorf("reply %+v; want %+v", res.Reply, tc.reply)
			}
		})
	}
}

func TestVerifyWebhookChecksTheSignatureBeforeReadingTheBody(t *testing.T) {
	t.Parallel()
	at := time.Unix(1793500002, 0)
	s := webhookSlack(t, at)
	h := sign(at, jsonType, mention)
	for _, tc := range []struct {
		name string
		h    http.Header
		body string
	}{
		{"a malformed body with a bad signature is a bad signature", h, `{"type":`},
		{"a url_verification whose signature does not match gets no challenge back", sign(at, jsonType, "x"),
			`{"token":"vt","challenge":"c","type":"url_verification"}`},
	} {
		res, err := s.VerifyWebhook(t.Context(), tc.h, []byte(tc.body))
		if !errors.Is(err, hub.ErrBadSignature) || res.Reply != nil || len(res.Events) > 0 {
			t.Errorf("%s: result %+v, err %v", tc.name, res, err)
		}
	}
}

func TestParseChatEvent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		want        model.ChatEvent
		ok          bool
	}{
		{"a mention is the person's message, to answer in a thread under it", jsonType, mention, model.ChatEvent{
			ID: "Ev0123456789", Type: EventAppMention, At: time.Unix(1793500000, 0).UTC(),
			Message: model.ChatMessage{Channel: "C0123456789", Thread: "C0123456789:1793500000.000100", User: "U0AAAAAAA1", Text: "<@U0BOTBOT01> 経費の状況は？"},
		}, true},
		{"a DM in a thread is answered in that thread", jsonType, dm, model.ChatEvent{
			ID: "Ev0000000002", Type: EventDirectMessage, At: time.Unix(1793500001, 0).UTC(),
			Message: model.ChatMessage{Channel: "D0123456789", Thread: "D0123456789:1793500000.000100", User: "U0AAAAAAA1", Text: "hello"},
		}, true},
		{"a slash command reads as the command typed", formType, command, model.ChatEvent{
			ID: "13345224609.738474920.8088930838d88f008e0", Type: EventSlashCommand,
			Message: model.ChatMessage{Channel: "C0123456789", User: "U0AAAAAAA1", Text: "/expense status 2026-10"},
		}, true},
		{"the handshake is no chat event", jsonType, `{"token":"vt","challenge":"c","type":"url_verification"}`, model.ChatEvent{}, false},
		{"another event is no chat event", jsonType, strings.Replace(mention, `"type":"app_mention"`, `"type":"reaction_added"`, 1), model.ChatEvent{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok, err := ParseChatEvent(tc.contentType, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.ok || got.ID != tc.want.ID || got.Type != tc.want.Type || !got.At.Equal(tc.want.At) ||
				got.Message.Channel != tc.want.Message.Channel || got.Message.Thread != tc.want.Message.Thread ||
				got.Message.User != tc.want.Message.User || got.Message.Text != tc.want.Message.Text {
				t.Errorf("ParseChatEvent = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
			if tc.ok && got.At.Location() != time.UTC {
				t.Errorf("the event time is in %v; want UTC", got.At.Location())
			}
		})
	}
	if _, _, err := ParseChatEvent(jsonType, []byte("nope")); err == nil {
		t.Error("a body that is not JSON parsed")
	}
}

func TestVerifyWebhookCarriesTheMessageToTheWorker(t *testing.T) {
	t.Parallel()
	at := time.Unix(1793500002, 0)
	s := webhookSlack(t, at)
	for _, tc := range []struct {
		name string
		body string
		want model.ChatMessage
	}{
		{name: "a mention outside a thread is answered in a thread under it", body: mention,
			want: model.ChatMessage{Channel: "C0123456789", Thread: "C0123456789:1793500000.000100", User: "U0AAAAAAA1", Text: "<@U0BOTBOT01> 経費の状況は？"}},
		{name: "a direct message inside a thread is answered in that thread", body: dm,
			want: model.ChatMessage{Channel: "D0123456789", Thread: "D0123456789:1793500000.000100", User: "U0AAAAAAA1", Text: "hello"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := s.VerifyWebhook(t.Context(), sign(at, jsonType, tc.body), []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 1 || res.Events[0].Chat == nil {
				t.Fatalf("events %+v; want one carrying its message", res.Events)
			}
			if got := res.Events[0].Chat.Message; got.Channel != tc.want.Channel || got.Thread != tc.want.Thread || got.User != tc.want.User || got.Text != tc.want.Text {
				t.Errorf("message = %+v; want %+v", got, tc.want)
			}
		})
	}
}
