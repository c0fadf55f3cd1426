package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// The headers of a request Slack sends (Events API, slash commands, interactivity).
// Source: https://api.slack.com/authentication/verifying-requests-from-slack and
// https://api.slack.com/apis/connections/events-api (retries).
const (
	SignatureHeader = "X-Slack-Signature"
	TimestampHeader = "X-Slack-Request-Timestamp"
	// RetryNumHeader counts Slack's retries of an event (1 to 3); absent on the first try.
	RetryNumHeader = "X-Slack-Retry-Num"
	// RetryReasonHeader says why Slack retried: http_timeout, http_error, connection_failed…
	RetryReasonHeader = "X-Slack-Retry-Reason"
	// MaxClockSkew is how far a request's timestamp may be from our clock, either way.
	MaxClockSkew = 5 * time.Minute
	// signatureVersion prefixes the signed text and the signature.
	signatureVersion = "v0"
)

// Event types the connector turns into hub events: the Events API subscriptions app_mention
// and message.im, and slash commands.
const (
	EventAppMention     = "app_mention"
	EventDirectMessage  = "message.im"
	EventSlashCommand   = "slash_command"
	eventURLVerify      = "url_verification"
	eventCallback       = "event_callback"
	eventAppRateLimited = "app_rate_limited"
)

// Verifier checks Slack's request signature (version v0): HMAC-SHA256 keyed with the app's
// signing secret over "v0:" + X-Slack-Request-Timestamp + ":" + the raw body, sent in hex
// as "v0=<hex>" in X-Slack-Signature. A timestamp more than MaxSkew from Now is refused, so
// a captured request cannot be replayed later.
type Verifier struct {
	Secret secrets.Secret
	// Now is the clock timestamps are compared with; nil means time.Now.
	Now func() time.Time
	// MaxSkew defaults to MaxClockSkew.
	MaxSkew time.Duration
}

// Verify checks the signature and timestamp of a request Slack sent. Every failure wraps
// hub.ErrBadSignature and carries neither the secret nor the signature.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if v.Secret.IsZero() {
		return fmt.Errorf("%s: no signing_secret in the connection's secret: %w", Vendor, hub.ErrBadSignature)
	}
	ts := h.Get(TimestampHeader)
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %s missing or not a number: %w", Vendor, TimestampHeader, hub.ErrBadSignature)
	}
	maxSkew := v.MaxSkew
	if maxSkew <= 0 {
		maxSkew = MaxClockSkew
	}
	if skew := v.now().Sub(time.Unix(secs, 0)); skew > maxSkew || skew < -maxSkew {
		return fmt.Errorf("%s: request timestamp is %s off our clock (at most %s): %w", Vendor, skew.Round(time.Second), maxSkew, hub.ErrBadSignature)
	}
	hexSig, ok := strings.CutPrefix(h.Get(SignatureHeader), signatureVersion+"=")
	if !ok {
		return fmt.Errorf("%s: %s missing or not %s: %w", Vendor, SignatureHeader, signatureVersion, hub.ErrBadSignature)
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || !hmac.Equal(got, v.sum(ts, body)) {
		return fmt.Errorf("%s: %s does not match: %w", Vendor, SignatureHeader, hub.ErrBadSignature)
	}
	return nil
}

// sum is the HMAC of one request; hmac.Equal compares it in constant time.
func (v *Verifier) sum(ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(v.Secret.Reveal()))
	mac.Write([]byte(signatureVersion + ":" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// VerifyWebhook checks a request Slack sent to the hub's webhook URL, then reads it:
//
//   - url_verification (the Events API's handshake when the Request URL is saved) is
//     answered with its challenge, as text/plain, and enqueues nothing;
//   - an event_callback of app_mention, or a person's message in a DM with the app
//     (message.im), is one event: ID the event_id, Type EventAppMention or
//     EventDirectMessage, Resource the channel, Chat the message (channel, thread, user,
//     text) as ParseChatEvent reads it. The app's own messages (bot_id), edits and
//     other subtypes, and every other event are accepted with no event, so Slack does not
//     retry them;
//   - a slash command (form-encoded) is one event: ID the trigger_id, Type
//     EventSlashCommand, Resource the channel, Chat the command; the reply is an empty 200, which Slack shows
//     as nothing, so the command's answer can come later from the flow.
//
// A retry (X-Slack-Retry-Num) of an event carries the same event_id, so it becomes the same
// event and names the same run: the ledger makes a second enqueue harmless, and verifying
// costs no call, so the retry is answered as fast as the first try.
func (s *Slack) VerifyWebhook(ctx context.Context, h http.Header, body []byte) (hub.WebhookResult, error) {
	if err := s.verifier.Verify(h, body); err != nil {
		return hub.WebhookResult{}, fmt.Errorf("connection %s: %w", s.connection, err)
	}
	if n := h.Get(RetryNumHeader); n != "" {
		s.logger.DebugContext(ctx, "slack retried a request", "connection", s.connection, "retry", n, "reason", h.Get(RetryReasonHeader))
	}
	p, err := parse(h.Get("Content-Type"), body)
	if err != nil {
		return hub.WebhookResult{}, err
	}
	switch {
	case p.challenge != nil:
		return hub.WebhookResult{Reply: &hub.WebhookReply{Status: http.StatusOK, ContentType: "text/plain", Body: []byte(*p.challenge)}}, nil
	case p.rateLimited:
		s.logger.WarnContext(ctx, "slack is dropping this app's events: it answered too slowly or too rarely", "connection", s.connection)
		return hub.WebhookResult{}, nil
	case p.event == nil:
		return hub.WebhookResult{}, nil
	}
	res := hub.WebhookResult{Events: []hub.WebhookEvent{{ID: p.event.ID, Type: p.event.Type, Resource: p.event.Message.Channel, Chat: p.event}}}
	if p.event.Type == EventSlashCommand {
		res.Reply = &hub.WebhookReply{Status: http.StatusOK}
	}
	return res, nil
}

// ParseChatEvent reads a request Slack sent, already verified, as a chat event: a mention
// of the app, a person's message in a DM with it, or a slash command. ok is false for
// anything else (the handshake, other events, the app's own messages). The message's
// Thread is the thread to answer in, as a MessageRef: the thread the message is in, or the
// message itself when it is not in one. A slash command's text is the command and its
// arguments ("/expense status"), its time zero (Slack sends none).
func ParseChatEvent(contentType string, body []byte) (ev model.ChatEvent, ok bool, err error) {
	p, err := parse(contentType, body)
	if err != nil || p.event == nil {
		return model.ChatEvent{}, false, err
	}
	return *p.event, true, nil
}

// parsed is a Slack request read: at most one of its members is set.
type parsed struct {
	challenge   *string
	rateLimited bool
	event       *model.ChatEvent
}

// callback is the Events API wrapper and the inner event members the hub reads.
type callback struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	EventID   string `json:"event_id"`
	EventTime int64  `json:"event_time"`
	Event     struct {
		Type        string `json:"type"`
		Subtype     string `json:"subtype"`
		Channel     string `json:"channel"`
		ChannelType string `json:"channel_type"`
		User        string `json:"user"`
		BotID       string `json:"bot_id"`
		Text        string `json:"text"`
		TS          string `json:"ts"`
		ThreadTS    string `json:"thread_ts"`
	} `json:"event"`
}

// parse reads an Events API body (JSON) or a slash command (form-encoded); a malformed body
// is an error that is not ErrBadSignature, which ingress answers with 400.
func parse(contentType string, body []byte) (parsed, error) {
	media, _, _ := mime.ParseMediaType(contentType)
	if media == "application/x-www-form-urlencoded" {
		return parseCommand(body)
	}
	var cb callback
	if err := json.Unmarshal(body, &cb); err != nil {
		return parsed{}, fmt.Errorf("%s: webhook: not a JSON Events API request: %w", Vendor, err)
	}
	switch cb.Type {
	case eventURLVerify:
		if cb.Challenge == "" {
			return parsed{}, fmt.Errorf("%s: webhook: url_verification without a challenge", Vendor)
		}
		return parsed{challenge: &cb.Challenge}, nil
	case eventAppRateLimited:
		return parsed{rateLimited: true}, nil
	case eventCallback:
	default:
		return parsed{}, nil
	}
	if cb.EventID == "" || cb.Event.Type == "" {
		return parsed{}, fmt.Errorf("%s: webhook: event_callback without an event_id or an event type", Vendor)
	}
	e := cb.Event
	var typ string
	switch {
	case e.Type == EventAppMention:
		typ = EventAppMention
	case e.Type == "message" && e.ChannelType == "im" && e.Subtype == "" && e.BotID == "":
		typ = EventDirectMessage
	default:
		return parsed{}, nil
	}
	thread := e.ThreadTS
	if thread == "" {
		thread = e.TS
	}
	ev := &model.ChatEvent{
		ID:   cb.EventID,
		Type: typ,
		Message: model.ChatMessage{
			Channel: e.Channel,
			Thread:  MessageRef(e.Channel, thread),
			User:    e.User,
			Text:    e.Text,
		},
	}
	if cb.EventTime > 0 {
		ev.At = time.Unix(cb.EventTime, 0).UTC()
	}
	return parsed{event: ev}, nil
}

// parseCommand reads a slash command. Interactivity payloads (payload=…) are accepted with
// no event: the hub has no flow for them yet.
func parseCommand(body []byte) (parsed, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return parsed{}, fmt.Errorf("%s: webhook: not a form-encoded request: %w", Vendor, err)
	}
	if form.Has("payload") {
		return parsed{}, nil
	}
	command, trigger := form.Get("command"), form.Get("trigger_id")
	if command == "" || trigger == "" {
		return parsed{}, fmt.Errorf("%s: webhook: slash command without a command or a trigger_id", Vendor)
	}
	text := command
	if args := strings.TrimSpace(form.Get("text")); args != "" {
		text += " " + args
	}
	return parsed{event: &model.ChatEvent{
		ID:   trigger,
		Type: EventSlashCommand,
		Message: model.ChatMessage{
			Channel: form.Get("channel_id"),
			User:    form.Get("user_id"),
			Text:    text,
		},
	}}, nil
}
