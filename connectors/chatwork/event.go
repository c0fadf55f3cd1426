package chatwork

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// The webhook event types urakata reads (https://developer.chatwork.com/docs/webhook).
const (
	// EventMentionToMe is an account event: someone addressed the webhook's owner.
	EventMentionToMe = "mention_to_me"
	// EventMessageCreated is a room event: a message was posted in the watched room.
	EventMessageCreated = "message_created"
	// EventMessageUpdated is a room event: a message of the watched room was edited.
	EventMessageUpdated = "message_updated"
)

func knownEvent(t string) bool {
	return t == EventMentionToMe || t == EventMessageCreated || t == EventMessageUpdated
}

// ErrUnsupportedEvent is what ParseEvent returns (wrapped) for an event type urakata does not
// read.
var ErrUnsupportedEvent = errors.New("chatwork: webhook event type not supported")

// WebhookPayload is the body of a Chatwork webhook request.
type WebhookPayload struct {
	SettingID string `json:"webhook_setting_id"`
	EventType string `json:"webhook_event_type"`
	// EventTime is when Chatwork recorded the event, in Unix seconds.
	EventTime int64        `json:"webhook_event_time"`
	Event     WebhookEvent `json:"webhook_event"`
}

// WebhookEvent is the event object of either kind: a room event names its author AccountID,
// a mention names FromAccountID (the author) and ToAccountID (the webhook's owner).
type WebhookEvent struct {
	MessageID     string `json:"message_id"`
	RoomID        int64  `json:"room_id"`
	AccountID     int64  `json:"account_id,omitempty"`
	FromAccountID int64  `json:"from_account_id,omitempty"`
	ToAccountID   int64  `json:"to_account_id,omitempty"`
	// Body may be personal: never log it.
	Body       string `json:"body"`
	SendTime   int64  `json:"send_time"`
	UpdateTime int64  `json:"update_time"`
}

// ParseWebhook reads a webhook body (already verified) and checks it has what every event
// needs: the setting, the type, the time, and for the types urakata reads, the room, the
// message and its author.
func ParseWebhook(body []byte) (WebhookPayload, error) {
	var p WebhookPayload
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		return WebhookPayload{}, fmt.Errorf("%s: webhook: not a Chatwork webhook body: %w", Vendor, err)
	}
	switch {
	case p.SettingID == "" || p.EventType == "" || p.EventTime <= 0:
		return WebhookPayload{}, fmt.Errorf("%s: webhook: the body lacks webhook_setting_id, webhook_event_type or webhook_event_time", Vendor)
	case knownEvent(p.EventType) && (p.Event.RoomID <= 0 || !isDigits(p.Event.MessageID) || p.Author() <= 0):
		return WebhookPayload{}, fmt.Errorf("%s: webhook: a %s event without its room_id, message_id or author", Vendor, p.EventType)
	}
	return p, nil
}

// EventID is the event's natural dedupe key: "setting:message", with ":update_time" for an
// edit. Chatwork sends no delivery id; a message is created once, and each edit has its
// own time, while the same message reaching two webhook settings stays two events.
func (p WebhookPayload) EventID() string {
	id := p.SettingID + ":" + p.Event.MessageID
	if p.EventType == EventMessageUpdated && p.Event.UpdateTime > 0 {
		id += ":" + strconv.FormatInt(p.Event.UpdateTime, 10)
	}
	return id
}

// Author is the account that wrote the message.
func (p WebhookPayload) Author() int64 {
	if p.EventType == EventMentionToMe {
		return p.Event.FromAccountID
	}
	return p.Event.AccountID
}

// ChatEvent is the event as the hub's chat records say it. Message.Channel is the room,
// Message.User the author, Message.Text the body as written (notation included), and
// Message.Thread the message's own reference ("room-message"): Chatwork has no threads, so
// the way to answer a message is to reply to it, and a ChatMessage that keeps Channel,
// Thread and User of the event does exactly that through PostMessage. At is when the message
// was sent, or edited for message_updated.
func (p WebhookPayload) ChatEvent() model.ChatEvent {
	at := p.Event.SendTime
	if p.EventType == EventMessageUpdated && p.Event.UpdateTime > 0 {
		at = p.Event.UpdateTime
	}
	room := strconv.FormatInt(p.Event.RoomID, 10)
	return model.ChatEvent{
		ID:   p.EventID(),
		Type: p.EventType,
		At:   time.Unix(at, 0).UTC(),
		Message: model.ChatMessage{
			Channel: room,
			Thread:  MessageRef{RoomID: p.Event.RoomID, MessageID: p.Event.MessageID}.String(),
			User:    strconv.FormatInt(p.Author(), 10),
			Text:    p.Event.Body,
		},
	}
}

// ParseEvent reads a verified webhook body into a model.ChatEvent, for a chat bot that acts
// on mentions and messages. An event type urakata does not read is ErrUnsupportedEvent.
func ParseEvent(body []byte) (model.ChatEvent, error) {
	p, err := ParseWebhook(body)
	if err != nil {
		return model.ChatEvent{}, err
	}
	if !knownEvent(p.EventType) {
		return model.ChatEvent{}, fmt.Errorf("%w: %q", ErrUnsupportedEvent, p.EventType)
	}
	return p.ChatEvent(), nil
}
