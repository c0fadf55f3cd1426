package slack

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/cache"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Connector declares Slack to the hub: its secrets, capabilities and constructor.
var Connector = hub.Connector{
	Vendor:         Vendor,
	Summary:        "Slack: messages out (chat.postMessage, threads), people found by email and askers' emails read, Events API and slash commands in",
	DefaultBaseURL: DefaultBaseURL,
	Capabilities:   []hub.Capability{hub.CapChat, hub.CapWebhook},
	Fields: []config.Field{
		{Name: "bot_token", Type: config.String, Secret: true, Required: true, Example: "xoxb-…",
			Description: "the app's Bot User OAuth Token (OAuth & Permissions), xoxb-…; scopes chat:write, users:read, users:read.email, im:write, channels:read, groups:read, and for webhook flows app_mentions:read, im:history, commands"},
		{Name: "signing_secret", Type: config.String, Secret: true,
			Description: "the app's Signing Secret (Basic Information → App Credentials), which signs Events API and slash command requests; needed only by flows with a webhook trigger"},
	},
	New: func(ctx context.Context, env hub.Env) (any, error) { return New(ctx, env) },
}

func init() { hub.Register(Connector) }

// Slack is one Slack app installation as the hub uses it: a chat poster, a directory that
// finds an employee's direct message by email, a reader of a member's email (who asked),
// and a receiver of Events API requests and slash commands.
type Slack struct {
	// Client is the API client, for calls the capabilities do not cover.
	Client     *Client
	connection string
	verifier   *Verifier
	logger     *slog.Logger

	// dms keeps UserByEmail's answers (lower-cased email → user and DM): both are stable,
	// and each costs two tier-3 calls. Misses are not kept: the person may join later.
	dms *cache.Recent[directMessage]
	// emails keeps EmailOf's answers (user id → email) for emailTTL. Misses are not kept.
	emails *cache.Recent[string]
}

type directMessage struct{ user, channel string }

// How much a connection remembers of who is who. A chat bot is asked by the same few
// people again and again; an email can change (Slack confirms the new address), so an
// asker's is read again after emailTTL.
const (
	dmCacheSize    = 1024
	emailCacheSize = 256
	emailTTL       = 10 * time.Minute
)

var (
	_ hub.ChatPoster      = (*Slack)(nil)
	_ hub.ChatDirectory   = (*Slack)(nil)
	_ hub.ChatProfiles    = (*Slack)(nil)
	_ hub.WebhookReceiver = (*Slack)(nil)
)

// New builds the connection env describes. It makes no call: a token's validity shows on
// the first request (or with Client.Auth.Test).
func New(_ context.Context, env hub.Env) (*Slack, error) {
	op := Vendor + ": connection " + env.Connection
	creds, err := ParseCredentials(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, fmt.Errorf("secret %s: %w", cmp.Or(env.SecretName, env.Connection), err))
	}
	logger := env.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	client, err := NewClient(cmp.Or(env.BaseURL, DefaultBaseURL), creds.BotToken,
		WithConnection(env.Connection), WithLogger(logger))
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	return &Slack{
		Client:     client,
		connection: env.Connection,
		verifier:   &Verifier{Secret: creds.SigningSecret},
		logger:     logger,
		dms:        cache.New[directMessage](dmCacheSize, 0),
		emails:     cache.New[string](emailCacheSize, emailTTL),
	}, nil
}

// Credentials are a connection's secrets.
type Credentials struct {
	BotToken secrets.Secret
	// SigningSecret is zero when the connection receives no webhooks.
	SigningSecret secrets.Secret
}

// ParseCredentials reads a connection secret: a JSON object {"bot_token", "signing_secret"}
// (the signing secret may be left out), or the bare bot token. The token must be a bot
// token (xoxb-…): the connector posts as the app's bot. No error carries a value.
func ParseCredentials(s secrets.Secret) (Credentials, error) {
	raw := strings.TrimSpace(s.Reveal())
	var c Credentials
	if strings.HasPrefix(raw, "{") {
		fields, err := secrets.DecodeFields(s)
		if err != nil {
			return Credentials{}, err
		}
		c.BotToken, c.SigningSecret = fields["bot_token"], fields["signing_secret"]
	} else {
		c.BotToken = secrets.New(raw)
	}
	switch token := c.BotToken.Reveal(); {
	case token == "":
		return Credentials{}, fmt.Errorf("no bot_token")
	case !strings.HasPrefix(token, BotTokenPrefix):
		return Credentials{}, fmt.Errorf("bot_token is not a bot token: it must start with %s (OAuth & Permissions → Bot User OAuth Token)", BotTokenPrefix)
	}
	return c, nil
}

// PostMessage posts m as the app's bot and returns the message's reference,
// "channel:ts" (see MessageRef): the channel is the one Slack posted to, a DM's id when
// m.Channel is a user id. m.Thread, a reference or a bare ts, makes it a reply in that
// thread. A failure about the channel is permanent and names only its id; the text is never
// in an error.
func (s *Slack) PostMessage(ctx context.Context, m model.ChatMessage) (string, error) {
	op := Vendor + ": post message"
	opts := &PostMessageOptions{Channel: m.Channel, Text: m.Text}
	if m.Channel == "" {
		return "", fault.Permanentf(op, "the message has no channel")
	}
	if len(m.Blocks) > 0 {
		var blocks []json.RawMessage
		if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
			return "", fault.Permanentf(op, "blocks are not a JSON array of Block Kit blocks")
		}
		opts.Blocks = json.RawMessage(m.Blocks)
	}
	if m.Text == "" && len(opts.Blocks) == 0 {
		return "", fault.Permanentf(op, "the message has neither text nor blocks")
	}
	if m.Thread != "" {
		opts.ThreadTS = m.Thread
		if ch, ts, ok := ParseMessageRef(m.Thread); ok {
			// A user id names the DM Slack will post to, which the reference cannot be
			// checked against; a conversation id can.
			if ch != m.Channel && isConversationID(m.Channel) {
				return "", fault.Permanentf(op, "thread %s is in channel %s, not %s", ts, ch, m.Channel)
			}
			opts.ThreadTS = ts
		}
	}
	posted, _, err := s.Client.Chat.PostMessage(ctx, opts)
	if err != nil {
		return "", fmt.Errorf("%s: %w", Vendor, err)
	}
	return MessageRef(posted.Channel, posted.TS), nil
}

// UserByEmail finds the member with that email and opens the app's direct message with
// them: user is their id, channel the DM's id. ok is false when Slack has no such member,
// or only a deactivated one or a bot. The email appears in no error and no log.
func (s *Slack) UserByEmail(ctx context.Context, email string) (user, channel string, ok bool, err error) {
	key := strings.ToLower(strings.TrimSpace(email))
	if key == "" {
		return "", "", false, nil
	}
	if dm, cached := s.dms.Get(key); cached {
		return dm.user, dm.channel, true, nil
	}
	u, _, err := s.Client.Users.LookupByEmail(ctx, key)
	if ErrorCode(err) == "users_not_found" {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("%s: %w", Vendor, err)
	}
	if !u.IsPerson() {
		return "", "", false, nil
	}
	conv, _, err := s.Client.Conversations.Open(ctx, u.ID)
	if err != nil {
		return "", "", false, fmt.Errorf("%s: direct message with user %s: %w", Vendor, u.ID, err)
	}
	s.dms.Put(key, directMessage{u.ID, conv.ID})
	return u.ID, conv.ID, true, nil
}

// EmailOf returns the email on a member's profile (users.info), so that the chat bot can
// tell which employee asked. ok is false for a member who is not a person (a bot, an app's
// user, Slackbot), a deactivated one, one whose profile shows no email, and an id Slack
// does not have or does not show the app (user_not_found, user_not_visible). A token
// without the users:read.email scope, which Slack answers with profiles stripped of their
// emails, is a Permanent error that names the scope, not a member without one.
//
// Answers are kept per connection (emailCacheSize members, each for emailTTL); misses are
// asked again. users.info is tier 4 (100 a minute). The email is personal data: it is in no
// error and no log.
func (s *Slack) EmailOf(ctx context.Context, user string) (email string, ok bool, err error) {
	user = strings.TrimSpace(user)
	if user == "" {
		return "", false, nil
	}
	if email, cached := s.emails.Get(user); cached {
		return email, true, nil
	}
	u, resp, err := s.Client.Users.Info(ctx, user)
	switch code := ErrorCode(err); {
	case code == "user_not_found", code == "user_not_visible":
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("%s: %w", Vendor, err)
	}
	email = strings.TrimSpace(u.Profile.Email)
	if !u.IsPerson() {
		return "", false, nil
	}
	if email == "" {
		if resp != nil && lacksScope(resp.Header, scopeEmail) {
			return "", false, &fault.PermanentError{Op: Vendor + ": users.info", Status: http.StatusOK,
				Message: fmt.Sprintf("missing_scope: add the scope %s to the app and install it again: without it Slack shows no member's email", scopeEmail)}
		}
		return "", false, nil
	}
	s.emails.Put(user, email)
	return email, true, nil
}

// scopeEmail is the scope that lets a bot token read members' emails.
const scopeEmail = "users:read.email"

// lacksScope reports whether Slack's X-OAuth-Scopes header, the scopes of the token a call
// was made with, is there and does not hold scope. Without the header nothing is known.
func lacksScope(h http.Header, scope string) bool {
	granted := h.Get("X-OAuth-Scopes")
	if granted == "" {
		return false
	}
	for s := range strings.SplitSeq(granted, ",") {
		if strings.TrimSpace(s) == scope {
			return false
		}
	}
	return true
}

// isConversationID tells a conversation id (C…, G…, D…) from a user id (U…, W…).
func isConversationID(id string) bool {
	return id != "" && strings.ContainsRune("CGD", rune(id[0]))
}

// MessageRef names a message: "channel:ts". A message's ts is unique only within its
// channel, so both are needed to find it again or to reply in its thread.
func MessageRef(channel, ts string) string { return channel + ":" + ts }

// ParseMessageRef splits a MessageRef; ok is false for anything else (a bare ts included).
func ParseMessageRef(ref string) (channel, ts string, ok bool) {
	channel, ts, ok = strings.Cut(ref, ":")
	if !ok || channel == "" || ts == "" {
		return "", "", false
	}
	return channel, ts, true
}
