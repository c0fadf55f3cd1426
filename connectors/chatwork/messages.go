package chatwork

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/urakata/urakata/shared/fault"
)

// MessagesService reads and posts the messages of a room.
type MessagesService service

// MaxMessageLength is the longest message body Chatwork takes, in characters.
const MaxMessageLength = 65535

// Message is a message in a room. Body is in Chatwork's message notation ([To:id],
// [rp aid=… to=room-message], [info]…) and may be personal: never log it.
type Message struct {
	// MessageID is a string of digits, unique across rooms.
	MessageID  string    `json:"message_id"`
	Account    Account   `json:"account"`
	Body       string    `json:"body"`
	SendTime   Timestamp `json:"send_time"`
	UpdateTime Timestamp `json:"update_time"`
}

// Account is a message's author.
type Account struct {
	AccountID      int64  `json:"account_id"`
	Name           string `json:"name"`
	AvatarImageURL string `json:"avatar_image_url"`
}

// MessageListOptions choose what List returns.
type MessageListOptions struct {
	// Force asks for the latest 100 messages whether this token fetched them before or not.
	// Without it Chatwork returns only what this token has not fetched yet.
	Force bool
}

// List returns a room's messages, oldest first, at most 100.
//
// The endpoint is stateful: without Force, Chatwork returns only the messages this API token
// has not fetched yet and remembers that it now has, so a second call returns nothing new
// (204, an empty list) and two programs sharing a token steal each other's messages. More
// than 100 unfetched messages cannot all be had: a reader must poll often enough, or take the
// webhook.
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (GET /rooms/{room_id}/messages)
//
//meta:operation GET /rooms/{room_id}/messages
func (s *MessagesService) List(ctx context.Context, roomID int64, opts *MessageListOptions) ([]Message, *Response, error) {
	path, err := roomPath(roomID, "/messages")
	if err != nil {
		return nil, nil, err
	}
	if opts != nil && opts.Force {
		path += "?force=1"
	}
	req, err := s.client.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, err
	}
	var msgs []Message
	resp, err := s.client.Do(ctx, req, &msgs)
	if err != nil {
		return nil, resp, fmt.Errorf("list messages of room %d: %w", roomID, err)
	}
	return msgs, resp, nil
}

// Get returns one message of a room.
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (GET /rooms/{room_id}/messages/{message_id})
//
//meta:operation GET /rooms/{room_id}/messages/{message_id}
func (s *MessagesService) Get(ctx context.Context, roomID int64, messageID string) (*Message, *Response, error) {
	if !isDigits(messageID) {
		return nil, nil, fault.Permanentf(Vendor, "message id %q is not a Chatwork message id", messageID)
	}
	path, err := roomPath(roomID, "/messages/"+messageID)
	if err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, err
	}
	var msg Message
	resp, err := s.client.Do(ctx, req, &msg)
	if err != nil {
		return nil, resp, fmt.Errorf("get message %s of room %d: %w", messageID, roomID, err)
	}
	return &msg, resp, nil
}

// PostOptions adjust a post.
type PostOptions struct {
	// SelfUnread leaves the new message unread for the token's own account.
	SelfUnread bool
}

// Posted is what Chatwork answers a post with.
type Posted struct {
	MessageID string `json:"message_id"`
}

// Post adds a message to a room and returns its id. body is sent as it is, in Chatwork's
// message notation; 1 to MaxMessageLength characters, or a Permanent error without a
// request. A post is not idempotent: the client does not retry it after a 5xx or a lost
// connection (it may have been applied), only after a 429, which Chatwork did not process.
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (POST /rooms/{room_id}/messages)
//
//meta:operation POST /rooms/{room_id}/messages
func (s *MessagesService) Post(ctx context.Context, roomID int64, body string, opts *PostOptions) (*Posted, *Response, error) {
	if n := utf8.RuneCountInString(body); n == 0 || n > MaxMessageLength {
		return nil, nil, fault.Permanentf(Vendor, "a message body must have 1 to %d characters, not %d", MaxMessageLength, n)
	}
	path, err := roomPath(roomID, "/messages")
	if err != nil {
		return nil, nil, err
	}
	form := url.Values{"body": {body}}
	if opts != nil && opts.SelfUnread {
		form.Set("self_unread", "1")
	}
	req, err := s.client.NewRequest(http.MethodPost, path, form)
	if err != nil {
		return nil, nil, err
	}
	var posted Posted
	resp, err := s.client.Do(ctx, req, &posted)
	if err != nil {
		return nil, resp, fmt.Errorf("post to room %d: %w", roomID, err)
	}
	if !isDigits(posted.MessageID) {
		return nil, resp, fmt.Errorf("%s: post to room %d: the answer has no message id", Vendor, roomID)
	}
	return &posted, resp, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
