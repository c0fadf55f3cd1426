package chatworktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// The webhook event types the sandbox sends.
const (
	// EventMentionToMe is an account event: someone addressed the bot ([To:bot] or a reply
	// to one of its messages).
	EventMentionToMe = "mention_to_me"
	// EventMessageCreated is a room event: a message was posted in the watched room, the
	// bot's own included, as Chatwork does (a bot must not answer itself).
	EventMessageCreated = "message_created"
	// EventMessageUpdated is a room event: a message of the watched room was edited.
	EventMessageUpdated = "message_updated"
)

// DefaultWebhookToken is the token of a webhook setting added without one: a connection whose
// secret carries it as webhook_token verifies the sandbox's webhooks. Real Chatwork gives
// each setting its own token.
const DefaultWebhookToken = "Y2hhdHdvcmt0ZXN0LXdlYmhvb2stdG9rZW4tMDAwMQ=="

// UserAgent is the User-Agent Chatwork's webhooks carry (ChatWork-Webhook/<version>).
const UserAgent = "ChatWork-Webhook/1.0.0"

// WebhookSetting is a webhook set up in Chatwork: where to post, with which token, for
// which events.
type WebhookSetting struct {
	// ID is the webhook_setting_id; AddWebhook numbers it when empty.
	ID string
	// URL is where the events are posted.
	URL string
	// Token is the webhook token as Chatwork shows it (Base64): the signing key once
	// decoded. DefaultWebhookToken when empty.
	Token string
	// Event is EventMentionToMe (an account webhook, for mentions of the bot in any room)
	// or EventMessageCreated (a room webhook: messages created and edited in RoomID).
	Event string
	// RoomID is the room a room webhook watches.
	RoomID int64
}

// Delivery is one webhook the sandbox sent, for tests to look at.
type Delivery struct {
	SettingID string
	EventType string
	MessageID string
	// Status is the receiver's answer, 0 when none came (Err says why).
	Status int
	Err    string
}

// AddWebhook registers a webhook setting and returns it completed (id and token). Chatwork
// allows five settings per account; so does the sandbox.
func (s *Server) AddWebhook(w WebhookSetting) (WebhookSetting, error) {
	u, err := url.Parse(w.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return WebhookSetting{}, fmt.Errorf("webhook URL %q is not an absolute URL", w.URL)
	}
	switch w.Event {
	case EventMentionToMe:
		w.RoomID = 0
	case EventMessageCreated:
		if _, ok := s.org.roomByID[w.RoomID]; !ok {
			return WebhookSetting{}, fmt.Errorf("room webhook for room %d, which the bot is not in", w.RoomID)
		}
	default:
		return WebhookSetting{}, fmt.Errorf("webhook event %q: want %s or %s", w.Event, EventMentionToMe, EventMessageCreated)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.webhooks) >= 5 {
		return WebhookSetting{}, errors.New("Chatwork allows 5 webhook settings per account")
	}
	if w.ID == "" {
		w.ID = strconv.Itoa(7001 + len(s.webhooks))
	}
	if w.Token == "" {
		w.Token = DefaultWebhookToken
	}
	if _, err := base64.StdEncoding.DecodeString(w.Token); err != nil {
		return WebhookSetting{}, fmt.Errorf("webhook token is not Base64: %w", err)
	}
	s.webhooks = append(s.webhooks, w)
	return w, nil
}

// Deliveries lists the webhooks sent so far, in the order they were answered.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Say posts a message as a person of the organisation (an employee writing in Chatwork)
// and sends the webhooks it sets off, waiting for their answers: mention_to_me to each
// account webhook when the message addresses the bot, message_created to each webhook that
// watches the room.
func (s *Server) Say(ctx context.Context, from, roomID int64, body string) (Message, []Delivery, error) {
	r, ok := s.org.roomByID[roomID]
	if !ok {
		return Message{}, nil, fmt.Errorf("chatworktest: say: no room %d", roomID)
	}
	if role, in := r.role(from); !in || role == "readonly" {
		return Message{}, nil, fmt.Errorf("chatworktest: say: account %d cannot post in room %d", from, roomID)
	}
	if body == "" {
		return Message{}, nil, errors.New("chatworktest: say: empty message")
	}
	m := s.store(roomID, from, body, false, s.opts.Now())
	return m, s.notify(ctx, EventMessageCreated, m), nil
}

// Edit changes a message's body, as its author editing it, and sends message_updated to the
// webhooks that watch its room, waiting for their answers.
func (s *Server) Edit(ctx context.Context, messageID, body string) (Message, []Delivery, error) {
	s.mu.Lock()
	roomID, ok := s.roomOf[messageID]
	var m Message
	if ok {
		msgs := s.messages[roomID]
		for i := range msgs {
			if msgs[i].ID == messageID {
				msgs[i].Body, msgs[i].UpdateTime = body, s.opts.Now().Truncate(time.Second)
				m = msgs[i]
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return Message{}, nil, fmt.Errorf("chatworktest: edit: no message %s", messageID)
	}
	return m, s.notify(ctx, EventMessageUpdated, m), nil
}

// mentionsBot matches the notations that address the bot: [To:id] and a reply to it.
var mentionsBot = regexp.MustCompile(`\[(To:|rp aid=)` + strconv.FormatInt(BotAccountID, 10) + `\b`)

// notify sends what m sets off to every webhook it concerns and returns the deliveries.
func (s *Server) notify(ctx context.Context, kind string, m Message) []Delivery {
	s.mu.Lock()
	settings := append([]WebhookSetting(nil), s.webhooks...)
	s.mu.Unlock()
	var out []Delivery
	for _, w := range settings {
		var p Payload
		switch {
		case w.Event == EventMentionToMe && kind == EventMessageCreated && m.AccountID != BotAccountID && mentionsBot.MatchString(m.Body):
			p = Payload{EventType: EventMentionToMe, Event: MentionEvent{
				FromAccountID: m.AccountID, ToAccountID: BotAccountID, RoomID: m.RoomID, MessageID: m.ID,
				Body: m.Body, SendTime: m.SendTime.Unix(), UpdateTime: unix(m.UpdateTime)}}
		case w.Event == EventMessageCreated && w.RoomID == m.RoomID:
			p = Payload{EventType: kind, Event: RoomMessageEvent{
				MessageID: m.ID, RoomID: m.RoomID, AccountID: m.AccountID,
				Body: m.Body, SendTime: m.SendTime.Unix(), UpdateTime: unix(m.UpdateTime)}}
		default:
			continue
		}
		p.SettingID, p.EventTime = w.ID, s.opts.Now().Unix()
		d := s.deliver(ctx, w, p)
		d.MessageID = m.ID
		s.mu.Lock()
		s.deliveries = append(s.deliveries, d)
		s.mu.Unlock()
		out = append(out, d)
	}
	return out
}

// notifyAsync sends what an API post sets off in the background, as Chatwork does: the
// post's answer does not wait for the webhooks. Close waits for them.
func (s *Server) notifyAsync(kind string, m Message) {
	s.mu.Lock()
	if s.closed || len(s.webhooks) == 0 {
		s.mu.Unlock()
		return
	}
	s.hooksGroup.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.hooksGroup.Done()
		s.notify(s.hooks, kind, m)
	}()
}

// deliver signs and posts one payload, checking it against webhook.json first.
func (s *Server) deliver(ctx context.Context, w WebhookSetting, p Payload) Delivery {
	d := Delivery{SettingID: w.ID, EventType: p.EventType}
	body, err := json.Marshal(p)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	req, err := NewWebhookRequest(ctx, w.URL, w.Token, body)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	if err := s.contract.checkWebhook(req.Header, req.URL.Query(), body); err != nil {
		s.violations.Record(Violation{Side: WebhookSide, Op: p.EventType, Method: req.Method, Path: req.URL.Path, Err: err.Error()})
	}
	resp, err := s.opts.WebhookClient.Do(req)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	d.Status = resp.StatusCode
	return d
}

// Payload is a webhook body as Chatwork sends it. Event is a MentionEvent or a
// RoomMessageEvent (or anything, for a test that sends a wrong one on purpose).
type Payload struct {
	SettingID string `json:"webhook_setting_id"`
	EventType string `json:"webhook_event_type"`
	// EventTime is when Chatwork recorded the event, Unix seconds.
	EventTime int64 `json:"webhook_event_time"`
	Event     any   `json:"webhook_event"`
}

// MentionEvent is the event object of mention_to_me.
type MentionEvent struct {
	FromAccountID int64  `json:"from_account_id"`
	ToAccountID   int64  `json:"to_account_id"`
	RoomID        int64  `json:"room_id"`
	MessageID     string `json:"message_id"`
	Body          string `json:"body"`
	SendTime      int64  `json:"send_time"`
	UpdateTime    int64  `json:"update_time"`
}

// RoomMessageEvent is the event object of message_created and message_updated.
type RoomMessageEvent struct {
	MessageID  string `json:"message_id"`
	RoomID     int64  `json:"room_id"`
	AccountID  int64  `json:"account_id"`
	Body       string `json:"body"`
	SendTime   int64  `json:"send_time"`
	UpdateTime int64  `json:"update_time"`
}

// Sign returns the signature Chatwork sends with body: Base64(HMAC-SHA256(key = the
// Base64-decoded token, message = body)).
func Sign(token string, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return "", fmt.Errorf("chatworktest: webhook token is not Base64: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// NewWebhookRequest builds the request Chatwork sends to a webhook URL: a JSON POST from
// ChatWork-Webhook/<version>, signed with token (Base64, as Chatwork shows it) in the
// x-chatworkwebhooksignature header and, the same value, the chatwork_webhook_signature
// query parameter.
func NewWebhookRequest(ctx context.Context, webhookURL, token string, body []byte) (*http.Request, error) {
	sig, err := Sign(token, body)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(webhookURL)
	if err != nil {
		return nil, fmt.Errorf("chatworktest: webhook URL: %w", err)
	}
	q := u.Query()
	q.Set("chatwork_webhook_signature", sig)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("chatworktest: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("X-ChatWorkWebhookSignature", sig)
	return req, nil
}

// SendWebhook posts payload (a Payload, or raw bytes sent as they are) to webhookURL signed
// with token exactly as Chatwork signs, and returns the receiver's status. client nil is
// http.DefaultClient.
func SendWebhook(ctx context.Context, client *http.Client, webhookURL, token string, payload any) (int, error) {
	body, ok := payload.([]byte)
	if !ok {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return 0, fmt.Errorf("chatworktest: encode webhook: %w", err)
		}
	}
	req, err := NewWebhookRequest(ctx, webhookURL, token, body)
	if err != nil {
		return 0, err
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("chatworktest: send webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
