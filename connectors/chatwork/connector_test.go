package chatwork_test

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/chatwork"
	"github.com/urakata/urakata/connectors/chatwork/chatworktest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// webhookToken is a webhook token as Chatwork shows it (Base64).
const webhookToken = "dXJha2F0YS10ZXN0LXdlYmhvb2sta2V5LTAwMDAwMQ=="

// sandbox starts a Chatwork sandbox of 20 people and fails the test on any contract breach
// it saw.
func sandbox(t *testing.T, opts chatworktest.Options) *chatworktest.Server {
	t.Helper()
	if opts.Employees == 0 {
		opts.Employees = 20
	}
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	srv := chatworktest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("contract breach: %s", v)
		}
	})
	return srv
}

// connect builds the connector for the sandbox as the hub would, from hub.yaml-like
// settings and a secret.
func connect(t *testing.T, srv *chatworktest.Server, settings map[string]any) *chatwork.Chat {
	t.Helper()
	v, err := chatwork.Connector.New(t.Context(), hub.Env{
		Connection: "chatwork",
		BaseURL:    srv.BaseURL(),
		Settings:   settings,
		Secret:     secrets.New(`{"api_token":"` + chatworktest.DefaultToken + `","webhook_token":"` + webhookToken + `"}`),
		SecretName: "CHATWORK",
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.(*chatwork.Chat)
}

func TestConnectorDeclaration(t *testing.T) {
	t.Parallel()
	c, ok := hub.Connectors.Lookup("chatwork")
	if !ok {
		t.Fatal("chatwork is not registered")
	}
	if !c.Has(hub.CapChat) || !c.Has(hub.CapWebhook) || c.DefaultBaseURL != "https://api.chatwork.com/v2" {
		t.Errorf("connector = %+v", c)
	}
	secret := map[string]bool{}
	for _, f := range c.Fields {
		secret[f.Name] = f.Secret
	}
	for name, want := range map[string]bool{"api_token": true, "webhook_token": true, "room_id": false, "requests_per_5min": false} {
		if got, ok := secret[name]; !ok || got != want {
			t.Errorf("field %s: declared %v, secret %v; want secret %v", name, ok, got, want)
		}
	}
}

func TestNewRefusesABadConnection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		secret   string
		settings map[string]any
		want     string
	}{
		{"an empty secret", "", nil, "no API token"},
		{"an object without api_token", `{"webhook_token":"` + webhookToken + `"}`, nil, "api_token"},
		{"a webhook token that is not Base64", `{"api_token":"t","webhook_token":"not base64!"}`, nil, "webhook_token is not Base64"},
		{"a secret object that does not parse", `{"api_token":`, nil, "secret"},
		{"a negative room", "t", map[string]any{"room_id": -4}, "room_id"},
		{"a room that is not a number", "t", map[string]any{"room_id": "general"}, "room_id"},
		{"a zero request rate", "t", map[string]any{"requests_per_5min": 0}, "requests_per_5min"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := chatwork.Connector.New(t.Context(), hub.Env{Connection: "cw", Secret: secrets.New(tc.secret), Settings: tc.settings})
			if !fault.IsPermanent(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want Permanent mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), webhookToken) || strings.Contains(err.Error(), "not base64!") {
				t.Fatalf("the error %q holds a secret", err)
			}
		})
	}
}

func TestParseSecretTakesTheTokenAloneOrAnObject(t *testing.T) {
	t.Parallel()
	c, err := chatwork.ParseSecret(secrets.New("  plain-token \n"))
	if err != nil || c.APIToken.Reveal() != "plain-token" || !c.WebhookToken.IsZero() {
		t.Errorf("plain token: %v, %v", c, err)
	}
	c, err = chatwork.ParseSecret(secrets.New(`{"api_token":"a","webhook_token":"` + webhookToken + `"}`))
	if err != nil || c.APIToken.Reveal() != "a" || c.WebhookToken.Reveal() != webhookToken {
		t.Errorf("object: %v, %v", c, err)
	}
}

func TestPostMessage(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, map[string]any{"room_id": int(chatworktest.AllHandsRoomID)})
	accounts := srv.Accounts()
	contact, stranger := accounts[0], accounts[9]
	if contact.DirectRoomID == 0 || stranger.DirectRoomID != 0 {
		t.Fatalf("the demo organisation changed: %+v %+v", contact, stranger)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	all := id(chatworktest.AllHandsRoomID)

	first, err := chat.PostMessage(t.Context(), model.ChatMessage{Text: "経費精算を受け付けました"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		msg      model.ChatMessage
		wantRoom int64
		wantBody string
	}{
		{"a message naming no room goes to settings.room_id as it is",
			model.ChatMessage{Text: "月次締めが終わりました"}, chatworktest.AllHandsRoomID, "月次締めが終わりました"},
		{"a message to a contact goes to the direct chat without a mention",
			model.ChatMessage{User: id(contact.AccountID), Text: "仕訳 J-42 を登録しました"}, contact.DirectRoomID, "仕訳 J-42 を登録しました"},
		{"a message to someone who is not a contact goes to the default room with a mention",
			model.ChatMessage{User: id(stranger.AccountID), Text: "仕訳 J-43 を登録しました"}, chatworktest.AllHandsRoomID,
			"[To:" + id(stranger.AccountID) + "]\n仕訳 J-43 を登録しました"},
		{"a message to a person in a named room mentions them there",
			model.ChatMessage{Channel: all, User: id(contact.AccountID), Text: "確認してください"}, chatworktest.AllHandsRoomID,
			"[To:" + id(contact.AccountID) + "]\n確認してください"},
		{"a reply to the bot's own message names the bot as the author",
			model.ChatMessage{Thread: first, Text: "追記です"}, chatworktest.AllHandsRoomID,
			"[rp aid=" + id(chatworktest.BotAccountID) + " to=" + first + "]\n追記です"},
		{"a reply to someone's message names them",
			model.ChatMessage{Channel: all, Thread: first, User: id(contact.AccountID), Text: "承知しました"}, chatworktest.AllHandsRoomID,
			"[rp aid=" + id(contact.AccountID) + " to=" + first + "]\n承知しました"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := chat.PostMessage(t.Context(), tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := chatwork.ParseMessageRef(ref, 0)
			if err != nil {
				t.Fatalf("ref %q: %v", ref, err)
			}
			msgs := srv.Messages(tc.wantRoom)
			i := slices.IndexFunc(msgs, func(m chatworktest.Message) bool { return m.ID == parsed.MessageID })
			if parsed.RoomID != tc.wantRoom || i < 0 {
				t.Fatalf("ref %q; want the message in room %d", ref, tc.wantRoom)
			}
			if got := msgs[i]; got.Body != tc.wantBody || got.AccountID != chatworktest.BotAccountID {
				t.Errorf("posted %q by %d; want %q by the bot", got.Body, got.AccountID, tc.wantBody)
			}
		})
	}
	if n := srv.Requests()["getMe"]; n != 1 {
		t.Errorf("GET /me was called %d times; the bot's id is read once", n)
	}
	if n := srv.Requests()["getContacts"]; n != 1 {
		t.Errorf("GET /contacts was called %d times; the contacts are read once within ten minutes", n)
	}
}

func TestPostMessageRefusals(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	noDefault := connect(t, srv, nil)
	withDefault := connect(t, srv, map[string]any{"room_id": int(chatworktest.AllHandsRoomID)})
	for _, tc := range []struct {
		name   string
		chat   *chatwork.Chat
		msg    model.ChatMessage
		status int
		want   string
	}{
		{"a message naming no room without settings.room_id", noDefault, model.ChatMessage{Text: "x"}, 0, "room_id"},
		{"a message without text", withDefault, model.ChatMessage{Text: "  "}, 0, "no text"},
		{"a channel that is not a room id", withDefault, model.ChatMessage{Channel: "#general", Text: "x"}, 0, "room id"},
		{"a user that is not an account id", withDefault, model.ChatMessage{User: "U123", Text: "x"}, 0, "account id"},
		{"a thread that is not a message reference", withDefault, model.ChatMessage{Thread: "1700000000.000100", Text: "x"}, 0, "message reference"},
		{"a room the bot may only read", withDefault,
			model.ChatMessage{Channel: strconv.FormatInt(chatworktest.ReadOnlyRoomID, 10), Text: "x"}, http.StatusForbidden, "permission"},
		{"a room the bot is not in", withDefault, model.ChatMessage{Channel: "42", Text: "x"}, http.StatusNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.chat.PostMessage(t.Context(), tc.msg)
			var pe *fault.PermanentError
			if !errors.As(err, &pe) || pe.Status != tc.status || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want Permanent (status %d) mentioning %q", err, tc.status, tc.want)
			}
		})
	}
	if got := srv.Posted(); len(got) != 0 {
		t.Errorf("%d messages were posted", len(got))
	}
}

func TestPostMessageWithARevokedToken(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, map[string]any{"room_id": int(chatworktest.AllHandsRoomID)})
	srv.RevokeToken(chatworktest.DefaultToken)
	_, err := chat.PostMessage(t.Context(), model.ChatMessage{Text: "x"})
	var pe *fault.PermanentError
	if !errors.As(err, &pe) || pe.Status != 401 || !strings.Contains(err.Error(), "secret CHATWORK") ||
		strings.Contains(err.Error(), chatworktest.DefaultToken) {
		t.Fatalf("err = %v; want Permanent 401 naming the secret, not the token", err)
	}
}

func TestPostMessageWhenChatworkThrottles(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{RateLimit: 3})
	chat := connect(t, srv, map[string]any{"room_id": int(chatworktest.AllHandsRoomID)})
	for i := range 3 {
		if _, err := chat.PostMessage(t.Context(), model.ChatMessage{Text: "notice " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := chat.PostMessage(t.Context(), model.ChatMessage{Text: "one too many"})
	wait, ok := fault.RetryAfter(err)
	if !ok || wait <= 0 || wait > chatwork.RateWindow+time.Second {
		t.Fatalf("err = %v; want RateLimited until the window resets", err)
	}
	if n := srv.Requests()["postRoomMessage"]; n != 3 {
		t.Errorf("%d posts reached Chatwork; once Remaining is 0 the client must not call until the reset", n)
	}
}

func TestUserByEmailNeedsTheHubYAMLMapping(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, nil)
	for _, email := range []string{srv.Accounts()[0].Email, chatworktest.BotMail} {
		user, room, ok, err := chat.UserByEmail(t.Context(), email)
		if err != nil || ok || user != "" || room != "" {
			t.Errorf("UserByEmail = %q, %q, %v, %v; Chatwork gives no emails, so never found", user, room, ok, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("UserByEmail made %d kinds of request; it has nothing to ask", n)
	}
}

func TestDirectRoom(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, chatworktest.Options{})
	chat := connect(t, srv, nil)
	a := srv.Accounts()
	room, ok, err := chat.DirectRoom(t.Context(), strconv.FormatInt(a[1].AccountID, 10))
	if err != nil || !ok || room != strconv.FormatInt(a[1].DirectRoomID, 10) {
		t.Errorf("a contact: %q, %v, %v", room, ok, err)
	}
	if _, ok, err := chat.DirectRoom(t.Context(), strconv.FormatInt(a[9].AccountID, 10)); ok || err != nil {
		t.Errorf("not a contact: ok %v, err %v", ok, err)
	}
	if _, _, err := chat.DirectRoom(t.Context(), "someone"); !fault.IsPermanent(err) {
		t.Errorf("not an id: err = %v; want Permanent", err)
	}
}
