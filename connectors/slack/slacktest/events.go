package slacktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/urakata/urakata"
)

// The headers Slack sends with every request to an app. Source:
// https://api.slack.com/authentication/verifying-requests-from-slack and
// https://api.slack.com/apis/connections/events-api (retries).
const (
	SignatureHeader   = "X-Slack-Signature"
	TimestampHeader   = "X-Slack-Request-Timestamp"
	RetryNumHeader    = "X-Slack-Retry-Num"
	RetryReasonHeader = "X-Slack-Retry-Reason"
	// NoRetryHeader, answered "1", asks Slack not to retry a failed event.
	NoRetryHeader = "X-Slack-No-Retry"
	userAgent     = "Slackbot 1.0 (+https://api.slack.com/robots)"
)

// Event is the inner event of an Events API request (the wrapper's "event" member). The
// sandbox fills in ts and event_ts, and records a person's message in its channel.
type Event struct {
	// Type is the event type, e.g. "app_mention" or "message".
	Type string
	// Subtype is a message's subtype (e.g. "message_changed"); "" for a plain message.
	Subtype string
	User    string
	Channel string
	// ChannelType is a message's kind of channel: "im", "channel", "group", "mpim".
	ChannelType string
	Text        string
	// ThreadTS makes the message a reply in that thread.
	ThreadTS string
	// BotID marks a message posted by a bot (the app's own, echoed back).
	BotID string
	// Extra are further members of the event, as they are.
	Extra map[string]any
}

// Mention is an app_mention: a person mentioning the app's bot in a channel.
func (s *Server) Mention(user, channel, text string) Event {
	return Event{Type: "app_mention", User: user, Channel: channel, Text: "<@" + s.ws.botUser + "> " + text}
}

// DirectMessageFrom is a message.im: a person writing to the app in their direct message
// with it, which is opened if need be.
func (s *Server) DirectMessageFrom(user, text string) Event {
	ch, _ := s.openDM(user, s.opts.Now().Unix())
	return Event{Type: "message", ChannelType: "im", User: user, Channel: ch.ID, Text: text}
}

// Attempt is one try at delivering a request: what was sent, signed, and what came back.
type Attempt struct {
	// Retry is 0 for the first try, then 1 to 3 as X-Slack-Retry-Num says.
	Retry int
	// Reason is X-Slack-Retry-Reason on a retry: http_timeout, http_error, connection_failed.
	Reason string
	Header http.Header
	Body   []byte
	// Status is the answer's status; 0 when none came (a timeout, a refused connection).
	Status   int
	Response []byte
	// ResponseHeader are the answer's headers (X-Slack-No-Retry).
	ResponseHeader http.Header
	Err            error
}

// Acked reports whether the app answered 2xx.
func (a Attempt) Acked() bool { return a.Status >= 200 && a.Status < 300 }

// Delivery is one request Slack sent, with every try.
type Delivery struct {
	// EventID is the event_id of an event (the trigger_id of a slash command): the same on
	// every retry.
	EventID  string
	Attempts []Attempt
}

// Acked reports whether the app finally answered 2xx.
func (d *Delivery) Acked() bool {
	return len(d.Attempts) > 0 && d.Attempts[len(d.Attempts)-1].Acked()
}

// Last is the last try.
func (d *Delivery) Last() Attempt {
	if len(d.Attempts) == 0 {
		return Attempt{}
	}
	return d.Attempts[len(d.Attempts)-1]
}

// SendEvent delivers an event to an app's Request URL as Slack does: wrapped in an
// event_callback with a new event_id, signed (v0) with the signing secret and the current
// time, and tried again with X-Slack-Retry-Num and X-Slack-Retry-Reason, as far as
// Options.EventRetryWaits allow, while the app does not answer 2xx within EventTimeout —
// unless it answers X-Slack-No-Retry: 1. Each retry carries the same body, event_id
// included, signed afresh. The payload is checked against the event wrapper schema first;
// a mismatch is recorded as a Violation and the event is still sent.
func (s *Server) SendEvent(ctx context.Context, requestURL string, ev Event) (*Delivery, error) {
	now := s.opts.Now()
	s.mu.Lock()
	s.eventSeq++
	seq := s.eventSeq
	ts := s.nextTS(now.UnixMicro())
	if ev.User != "" && (ev.Type == "message" || ev.Type == "app_mention") && ev.Subtype == "" && ev.BotID == "" {
		s.messages[ev.Channel] = append(s.messages[ev.Channel], Message{TS: ts, ThreadTS: ev.ThreadTS, User: ev.User, Text: ev.Text})
	}
	s.mu.Unlock()

	inner := map[string]any{"type": ev.Type, "ts": ts, "event_ts": ts}
	for k, v := range map[string]string{"subtype": ev.Subtype, "user": ev.User, "channel": ev.Channel,
		"channel_type": ev.ChannelType, "text": ev.Text, "thread_ts": ev.ThreadTS, "bot_id": ev.BotID} {
		if v != "" {
			inner[k] = v
		}
	}
	if ev.Type == "message" || ev.Type == "app_mention" {
		inner["team"] = s.ws.teamID
	}
	maps.Copy(inner, ev.Extra)
	eventID := slackID("Ev", s.ws.seed, "event", seq)
	payload := map[string]any{
		"token": s.opts.VerificationToken, "team_id": s.ws.teamID, "api_app_id": s.ws.appID,
		"event": inner, "type": "event_callback", "event_id": eventID, "event_time": now.Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": s.ws.teamID, "user_id": s.ws.botUser,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + eventID,
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("slacktest: encode event: %w", err)
	}
	s.checkEvent(ev.Type, s.events.wrapper, body)
	d := &Delivery{EventID: eventID}
	for try := 0; ; try++ {
		a := s.deliver(ctx, requestURL, "application/json", body, try, retryReason(d))
		d.Attempts = append(d.Attempts, a)
		if a.Acked() || a.ResponseHeader.Get(NoRetryHeader) == "1" || try >= len(s.opts.EventRetryWaits) {
			return d, nil
		}
		if err := sleep(ctx, s.opts.EventRetryWaits[try]); err != nil {
			return d, err
		}
	}
}

// retryReason is why the last try of d failed, in Slack's words.
func retryReason(d *Delivery) string {
	if len(d.Attempts) == 0 {
		return ""
	}
	last := d.Last()
	var ue *url.Error
	switch {
	case last.Status != 0:
		return "http_error"
	case errors.As(last.Err, &ue) && ue.Timeout():
		return "http_timeout"
	case last.Err != nil:
		return "connection_failed"
	}
	return "unknown_error"
}

// SendURLVerification sends the url_verification handshake Slack sends when an app's
// Request URL is saved, and checks the app echoes the challenge, as Slack does: as the body
// (text/plain), in JSON {"challenge": …}, or form-encoded challenge=…. It returns the
// delivery and an error when the app failed the handshake.
func (s *Server) SendURLVerification(ctx context.Context, requestURL string) (*Delivery, error) {
	s.mu.Lock()
	s.eventSeq++
	seq := s.eventSeq
	s.mu.Unlock()
	challenge := slackID("", s.ws.seed, "challenge", seq) + slackID("", s.ws.seed, "challenge-2", seq)
	body, err := json.Marshal(map[string]any{"token": s.opts.VerificationToken, "challenge": challenge, "type": "url_verification"})
	if err != nil {
		return nil, fmt.Errorf("slacktest: encode url_verification: %w", err)
	}
	s.checkEvent("url_verification", s.events.urlVerification, body)
	a := s.deliver(ctx, requestURL, "application/json", body, 0, "")
	d := &Delivery{Attempts: []Attempt{a}}
	if !a.Acked() {
		return d, fmt.Errorf("slacktest: url_verification: the app answered %d, want 200", a.Status)
	}
	if echoed(a, challenge) {
		return d, nil
	}
	return d, fmt.Errorf("slacktest: url_verification: the app did not echo the challenge")
}

func echoed(a Attempt, challenge string) bool {
	if strings.TrimSpace(string(a.Response)) == challenge {
		return true
	}
	var v struct {
		Challenge string `json:"challenge"`
	}
	if json.Unmarshal(a.Response, &v) == nil && v.Challenge == challenge {
		return true
	}
	form, err := url.ParseQuery(string(a.Response))
	return err == nil && form.Get("challenge") == challenge
}

// SlashCommand is a slash command a person typed.
type SlashCommand struct {
	// Command is the command, e.g. "/expense".
	Command string
	// Text is what followed it.
	Text    string
	User    string
	Channel string
}

// responsePrefix is where the sandbox takes a slash command's delayed answers (its
// response_url).
const responsePrefix = "/commands/"

// SendSlashCommand delivers a slash command as Slack does: form-encoded, signed (v0), once —
// Slack does not retry a command, it tells the person it failed. The Delivery's EventID is
// the command's trigger_id.
func (s *Server) SendSlashCommand(ctx context.Context, requestURL string, cmd SlashCommand) (*Delivery, error) {
	now := s.opts.Now()
	s.mu.Lock()
	s.eventSeq++
	seq := s.eventSeq
	s.mu.Unlock()
	trigger := fmt.Sprintf("%d.%d.%s", now.Unix(), seq, strings.ToLower(slackID("", s.ws.seed, "trigger", seq)))
	channelName := ""
	if i, ok := s.ws.channelByID[cmd.Channel]; ok {
		channelName = s.ws.channels[i].Name
	} else if strings.HasPrefix(cmd.Channel, "D") {
		channelName = "directmessage"
	}
	userName := ""
	if u, ok := s.ws.user(cmd.User); ok {
		userName = u.Name
	}
	form := url.Values{
		"token": {s.opts.VerificationToken}, "team_id": {s.ws.teamID}, "team_domain": {s.ws.domain},
		"channel_id": {cmd.Channel}, "channel_name": {channelName}, "user_id": {cmd.User}, "user_name": {userName},
		"command": {cmd.Command}, "text": {cmd.Text}, "api_app_id": {s.ws.appID}, "is_enterprise_install": {"false"},
		"response_url": {s.URL() + responsePrefix + url.PathEscape(trigger)}, "trigger_id": {trigger},
	}
	for _, name := range slashCommandFields {
		if form.Get(name) == "" && name != "text" {
			s.violations.Record(Violation{Side: EventSide, Method: "slash_command", Err: "missing " + name})
		}
	}
	a := s.deliver(ctx, requestURL, "application/x-www-form-urlencoded", []byte(form.Encode()), 0, "")
	return &Delivery{EventID: trigger, Attempts: []Attempt{a}}, nil
}

// slashCommandFields are the fields Slack sends with a command
// (https://api.slack.com/interactivity/slash-commands, "app command handling"); the
// description has no schema for them (CORRECTIONS.md §8).
var slashCommandFields = []string{"token", "team_id", "team_domain", "channel_id", "channel_name",
	"user_id", "user_name", "command", "text", "api_app_id", "response_url", "trigger_id"}

// serveResponseURL takes a command's delayed answer ({"text", "response_type"}) and files
// it in the channel the command came from, as a message of the app.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
		// Channel is not Slack's: the sandbox needs to know where the command was typed.
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&msg); err != nil {
		http.Error(w, "slacktest: response_url takes JSON", http.StatusBadRequest)
		return
	}
	trigger := r.PathValue("trigger")
	s.mu.Lock()
	s.responses[trigger] = append(s.responses[trigger], Message{TS: s.nextTS(s.opts.Now().UnixMicro()), User: s.ws.botUser, BotID: s.ws.botID, Text: msg.Text, Blocks: msg.Blocks})
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// CommandResponses returns what the app sent to a slash command's response_url, by the
// command's trigger_id (Delivery.EventID).
func (s *Server) CommandResponses(trigger string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.responses[trigger]...)
}

// deliver makes one signed try.
func (s *Server) deliver(ctx context.Context, requestURL, contentType string, body []byte, try int, reason string) Attempt {
	ts := strconv.FormatInt(s.opts.Now().Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", contentType)
	h.Set("User-Agent", userAgent)
	h.Set(TimestampHeader, ts)
	h.Set(SignatureHeader, Sign(s.opts.SigningSecret, ts, body))
	if try > 0 {
		h.Set(RetryNumHeader, strconv.Itoa(try))
		h.Set(RetryReasonHeader, reason)
	}
	a := Attempt{Retry: try, Reason: reason, Header: h, Body: body}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, requestURL, bytes.NewReader(body))
	if err != nil {
		a.Err = err
		return a
	}
	req.Header = h.Clone()
	resp, err := s.sender.Do(req)
	if err != nil {
		a.Err = err
		return a
	}
	defer resp.Body.Close()
	a.Status, a.ResponseHeader = resp.StatusCode, resp.Header
	a.Response, a.Err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return a
}

// Sign is Slack's v0 request signature: "v0=" and the hex HMAC-SHA256, keyed with the
// signing secret, of "v0:" + timestamp + ":" + body.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// eventSchemas are the schemas the sandbox checks what it sends against.
type eventSchemas struct {
	wrapper, urlVerification *jsonschema.Schema
	// topics are the event subscriptions of events_api_async_v1.json, e.g. "app.mention".
	topics map[string]bool
}

const (
	wrapperFile  = "slack/common_event_wrapper_schema.json"
	asyncAPIFile = "slack/events_api_async_v1.json"
)

// loadEventSchemas compiles the event wrapper schema corrected as CORRECTIONS.md §7 says:
// authed_users is no longer required and authorizations, which replaced it, is; and the
// url_verification payload's own shape (§7), which the 2018 files give no schema of.
var loadEventSchemas = sync.OnceValues(func() (*eventSchemas, error) {
	raw, err := urakata.VendorAPI(wrapperFile)
	if err != nil {
		return nil, fmt.Errorf("slacktest: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("slacktest: %s: %w", wrapperFile, err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("slacktest: %s is not a schema object", wrapperFile)
	}
	var required []any
	for _, name := range root["required"].([]any) {
		if name != "authed_users" {
			required = append(required, name)
		}
	}
	root["required"] = append(required, "authorizations")
	root["properties"].(map[string]any)["authorizations"] = authorizationsSchema
	c := jsonschema.NewCompiler()
	if err := c.AddResource("slacktest:wrapper", root); err != nil {
		return nil, fmt.Errorf("slacktest: %s: %w", wrapperFile, err)
	}
	if err := c.AddResource("slacktest:url_verification", urlVerificationSchema); err != nil {
		return nil, err
	}
	out := &eventSchemas{topics: map[string]bool{}}
	if out.wrapper, err = c.Compile("slacktest:wrapper"); err != nil {
		return nil, fmt.Errorf("slacktest: %s: %w", wrapperFile, err)
	}
	if out.urlVerification, err = c.Compile("slacktest:url_verification"); err != nil {
		return nil, fmt.Errorf("slacktest: url_verification schema: %w", err)
	}
	raw, err = urakata.VendorAPI(asyncAPIFile)
	if err != nil {
		return nil, fmt.Errorf("slacktest: %w", err)
	}
	var async struct {
		Topics map[string]json.RawMessage `json:"topics"`
	}
	if err := json.Unmarshal(raw, &async); err != nil {
		return nil, fmt.Errorf("slacktest: %s: %w", asyncAPIFile, err)
	}
	for topic := range async.Topics {
		out.topics[topic] = true
	}
	return out, nil
})

// authorizationsSchema is the member that replaced authed_users: at most one installation
// the event is visible to (https://api.slack.com/changelog/2020-09-15-events-api-truncate-authed-users).
var authorizationsSchema = map[string]any{
	"type": "array", "maxItems": 1,
	"items": map[string]any{
		"type":     "object",
		"required": []any{"team_id", "user_id", "is_bot", "is_enterprise_install"},
		"properties": map[string]any{
			"enterprise_id":         map[string]any{"type": []any{"string", "null"}},
			"team_id":               map[string]any{"type": []any{"string", "null"}},
			"user_id":               map[string]any{"type": "string"},
			"is_bot":                map[string]any{"type": "boolean"},
			"is_enterprise_install": map[string]any{"type": "boolean"},
		},
	},
}

// urlVerificationSchema is the handshake's payload (https://api.slack.com/events/url_verification).
var urlVerificationSchema = map[string]any{
	"$schema":  "http://json-schema.org/draft-07/schema#",
	"type":     "object",
	"required": []any{"token", "challenge", "type"},
	"properties": map[string]any{
		"token":     map[string]any{"type": "string"},
		"challenge": map[string]any{"type": "string", "minLength": 1},
		"type":      map[string]any{"const": "url_verification"},
	},
}

// checkEvent validates a payload the sandbox is about to send, and that its event is one of
// the Events API's subscriptions; a mismatch is recorded as a Violation.
func (s *Server) checkEvent(typ string, schema *jsonschema.Schema, body []byte) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err == nil {
		err = schema.Validate(inst)
	}
	if err != nil {
		// The first line only names the schema; the ones after it say what is wrong.
		msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", " ")), " ")
		s.violations.Record(Violation{Side: EventSide, Method: typ, Err: msg})
	}
	if topic := strings.ReplaceAll(typ, "_", "."); !s.events.topics[topic] && !s.events.topics[typ] {
		s.violations.Record(Violation{Side: EventSide, Method: typ, Err: "not an event of " + asyncAPIFile})
	}
}
