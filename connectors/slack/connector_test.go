package slack

import (
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/cache"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

func TestTheConnectorIsRegisteredWithItsSecretsMarked(t *testing.T) {
	t.Parallel()
	c, ok := hub.Connectors.Lookup(Vendor)
	if !ok {
		t.Fatal("slack is not registered")
	}
	if !c.Has(hub.CapChat) || !c.Has(hub.CapWebhook) {
		t.Errorf("capabilities %v; want chat and webhook", c.Capabilities)
	}
	secret := map[string]bool{}
	for _, f := range c.Fields {
		secret[f.Name] = f.Secret
	}
	if !secret["bot_token"] || !secret["signing_secret"] || len(secret) != 2 {
		t.Errorf("fields %+v; want bot_token and signing_secret, both secret", c.Fields)
	}
	if c.DefaultBaseURL != "https://slack.com/api" {
		t.Errorf("default base URL %q", c.DefaultBaseURL)
	}
}

func TestParseCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		secret  string
		token   string
		signing string
		bad     string // in the error
	}{
		{name: "an object with both fields", secret: `{"bot_token":"xoxb-1-2","signing_secret":"s3"}`, token: "xoxb-1-2", signing: "s3"},
		{name: "an object without the signing secret, for a connection that only posts", secret: `{"bot_token":"xoxb-1-2"}`, token: "xoxb-1-2"},
		{name: "a bare bot token", secret: "xoxb-1-2\n", token: "xoxb-1-2"},
		{name: "a user token is refused", secret: `{"bot_token":"xoxp-9-9"}`, bad: "xoxb-"},
		{name: "a bare user token is refused", secret: "xoxp-9-9", bad: "xoxb-"},
		{name: "an object without the bot token is refused", secret: `{"signing_secret":"s3"}`, bad: "bot_token"},
		{name: "a bot token that is not a string is refused", secret: `{"bot_token":true}`, bad: "bot_token"},
		{name: "an empty secret is refused", secret: "", bad: "bot_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseCredentials(secrets.New(tc.secret))
			if tc.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("err = %v; want one naming %q", err, tc.bad)
				}
				if strings.Contains(err.Error(), "xoxp-9-9") {
					t.Errorf("the error %q holds the token", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.BotToken.Reveal() != tc.token || c.SigningSecret.Reveal() != tc.signing {
				t.Errorf("token %q signing %q", c.BotToken.Reveal(), c.SigningSecret.Reveal())
			}
		})
	}
}

func TestNewRefusesABadSecretWithAPermanentErrorNamingIt(t *testing.T) {
	t.Parallel()
	_, err := Connector.New(t.Context(), hub.Env{Connection: "chat", SecretName: "urakata/slack", Secret: secrets.New("xoxp-user")})
	if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "urakata/slack") {
		t.Errorf("err = %v; want a permanent error naming the secret", err)
	}
}

// connectorOn builds a connection whose client talks to a test mux.
func connectorOn(t *testing.T) (*Slack, *http.ServeMux) {
	t.Helper()
	client, mux := setup(t)
	return &Slack{Client: client, connection: "slack-test", verifier: &Verifier{}, logger: discard, dms: cache.New[directMessage](dmCacheSize, 0), emails: cache.New[string](emailCacheSize, emailTTL)}, mux
}

func TestPostMessageReturnsChannelAndTS(t *testing.T) {
	t.Parallel()
	s, mux := connectorOn(t)
	var bodies []map[string]any
	mux.HandleFunc("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		body := testJSONBody(t, r)
		bodies = append(bodies, body)
		// Posting to a user id lands in the DM, whose id Slack returns.
		channel := body["channel"].(string)
		if strings.HasPrefix(channel, "U") {
			channel = "D0123456789"
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": "1793500000.000100",
			"message": map[string]any{"type": "message", "text": body["text"], "ts": "1793500000.000100"}})
	})
	for _, tc := range []struct {
		name string
		m    model.ChatMessage
		ref  string
		sent map[string]any
	}{
		{"a message to a channel", model.ChatMessage{Channel: "C0123456789", Text: "経費を計上しました"}, "C0123456789:1793500000.000100",
			map[string]any{"channel": "C0123456789", "text": "経費を計上しました"}},
		{"a message to a user id is referenced by the DM it went to", model.ChatMessage{Channel: "U0123456789", Text: "hi"}, "D0123456789:1793500000.000100",
			map[string]any{"channel": "U0123456789", "text": "hi"}},
		{"a reply in a thread given by reference sends only its ts", model.ChatMessage{Channel: "C0123456789", Thread: "C0123456789:1793400000.000001", Text: "続き"},
			"C0123456789:1793500000.000100", map[string]any{"channel": "C0123456789", "text": "続き", "thread_ts": "1793400000.000001"}},
		{"a reply in a thread given by a bare ts", model.ChatMessage{Channel: "C0123456789", Thread: "1793400000.000001", Text: "続き"},
			"C0123456789:1793500000.000100", map[string]any{"channel": "C0123456789", "text": "続き", "thread_ts": "1793400000.000001"}},
		{"blocks are passed through as JSON", model.ChatMessage{Channel: "C0123456789", Text: "fallback", Blocks: []byte(`[{"type":"divider"}]`)},
			"C0123456789:1793500000.000100", map[string]any{"channel": "C0123456789", "text": "fallback", "blocks": []any{map[string]any{"type": "divider"}}}},
	} {
		bodies = nil
		ref, err := s.PostMessage(t.Context(), tc.m)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if ref != tc.ref {
			t.Errorf("%s: ref %q; want %q", tc.name, ref, tc.ref)
		}
		if len(bodies) != 1 || !reflect.DeepEqual(bodies[0], tc.sent) {
			t.Errorf("%s: sent %v; want %v", tc.name, bodies, tc.sent)
		}
	}
}

func TestPostMessageRefusesWhatSlackWouldWithoutCalling(t *testing.T) {
	t.Parallel()
	s, mux := connectorOn(t)
	var calls atomic.Int32
	mux.HandleFunc("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	for _, tc := range []struct {
		name string
		m    model.ChatMessage
	}{
		{"a message without a channel", model.ChatMessage{Text: "x"}},
		{"a message without text or blocks", model.ChatMessage{Channel: "C0123456789"}},
		{"blocks that are not a JSON array", model.ChatMessage{Channel: "C0123456789", Text: "x", Blocks: []byte(`{"type":"divider"}`)}},
		{"a thread of another channel", model.ChatMessage{Channel: "C0123456789", Thread: "C9999999999:1793400000.000001", Text: "x"}},
	} {
		_, err := s.PostMessage(t.Context(), tc.m)
		if !fault.IsPermanent(err) {
			t.Errorf("%s: err = %v; want permanent", tc.name, err)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("Slack was called %d times", calls.Load())
	}
}

func TestUserByEmail(t *testing.T) {
	t.Parallel()
	s, mux := connectorOn(t)
	var lookups, opens atomic.Int32
	users := map[string]map[string]any{
		"e00001@demo-company.example": {"id": "U0000000001", "profile": map[string]any{"email": "e00001@demo-company.example"}},
		"former@demo-company.example": {"id": "U0000000002", "deleted": true},
		"bot@demo-company.example":    {"id": "U0000000003", "is_bot": true},
	}
	mux.HandleFunc("/users.lookupByEmail", func(w http.ResponseWriter, r *http.Request) {
		lookups.Add(1)
		u, ok := users[r.URL.Query().Get("email")]
		if !ok {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "users_not_found"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": u})
	})
	mux.HandleFunc("/conversations.open", func(w http.ResponseWriter, r *http.Request) {
		opens.Add(1)
		body := testJSONBody(t, r)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + body["users"].(string)[1:]}})
	})
	for _, tc := range []struct {
		name, email   string
		user, channel string
		ok            bool
	}{
		{"a member is found with the DM to reach them", "e00001@demo-company.example", "U0000000001", "D0000000001", true},
		{"the email is matched whatever its case", "E00001@Demo-Company.example", "U0000000001", "D0000000001", true},
		{"nobody with that email is not found, without an error", "nobody@demo-company.example", "", "", false},
		{"a deactivated member is not found", "former@demo-company.example", "", "", false},
		{"a bot is not found", "bot@demo-company.example", "", "", false},
		{"an empty email is not found without a call", "", "", "", false},
	} {
		user, channel, ok, err := s.UserByEmail(t.Context(), tc.email)
		if err != nil || user != tc.user || channel != tc.channel || ok != tc.ok {
			t.Errorf("%s: %q %q %v %v; want %q %q %v", tc.name, user, channel, ok, err, tc.user, tc.channel, tc.ok)
		}
	}
	// The member was looked up and their DM opened once; the second ask came from the cache.
	if lookups.Load() != 4 || opens.Load() != 1 {
		t.Errorf("%d lookups, %d opens; want 4 and 1", lookups.Load(), opens.Load())
	}
}

func TestUserByEmailErrorsAreTypedAndKeepTheEmailOut(t *testing.T) {
	t.Parallel()
	s, mux := connectorOn(t)
	mux.HandleFunc("/users.lookupByEmail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "missing_scope", "needed": "users:read.email"})
	})
	_, _, ok, err := s.UserByEmail(t.Context(), "e00001@demo-company.example")
	if ok || !fault.IsPermanent(err) || !strings.Contains(err.Error(), "users:read.email") || strings.Contains(err.Error(), "e00001") {
		t.Errorf("ok %v err %v; want a permanent error naming the scope and not the email", ok, err)
	}
}

func TestUserByEmailFailsWhenTheDMCannotBeOpened(t *testing.T) {
	t.Parallel()
	s, mux := connectorOn(t)
	mux.HandleFunc("/users.lookupByEmail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": map[string]any{"id": "U0000000001"}})
	})
	mux.HandleFunc("/conversations.open", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "missing_scope", "needed": "im:write"})
	})
	_, _, ok, err := s.UserByEmail(t.Context(), "e00001@demo-company.example")
	if ok || !fault.IsPermanent(err) || !strings.Contains(err.Error(), "U0000000001") {
		t.Errorf("ok %v err %v; want a permanent error naming the user id", ok, err)
	}
}

func TestMessageRef(t *testing.T) {
	t.Parallel()
	ref := MessageRef("C0123456789", "1793500000.000100")
	ch, ts, ok := ParseMessageRef(ref)
	if ref != "C0123456789:1793500000.000100" || ch != "C0123456789" || ts != "1793500000.000100" || !ok {
		t.Errorf("ref %q parsed to %q %q %v", ref, ch, ts, ok)
	}
	for _, bad := range []string{"1793500000.000100", ":1793500000.000100", "C0123456789:", ""} {
		if _, _, ok := ParseMessageRef(bad); ok {
			t.Errorf("ParseMessageRef(%q) ok", bad)
		}
	}
}

var discard = slog.New(slog.DiscardHandler)

func TestPostMessageKeepsToOneMessageASecondPerChannel(t *testing.T) {
	t.Parallel()
	s, mux := connectorOn(t)
	s.Client.pacer = newChannelPacer(PostInterval)
	var calls atomic.Int32
	mux.HandleFunc("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body := testJSONBody(t, r)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": body["channel"], "ts": "1793500000.000100",
			"message": map[string]any{"type": "message", "text": "x", "ts": "1793500000.000100"}})
	})
	if _, err := s.PostMessage(t.Context(), model.ChatMessage{Channel: "C0123456789", Text: "one"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := s.PostMessage(ctx, model.ChatMessage{Channel: "C0123456789", Text: "two"})
	if wait, ok := fault.RetryAfter(err); !ok || wait <= 0 || wait > PostInterval {
		t.Errorf("a second post within the second: %v; want RateLimited for the rest of it", err)
	}
	if _, err := s.PostMessage(ctx, model.ChatMessage{Channel: "C9876543210", Text: "elsewhere"}); err != nil {
		t.Errorf("another channel was held up: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls; the paced post must not reach Slack", calls.Load())
	}
}
