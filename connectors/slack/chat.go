package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// ChatService posts messages.
type ChatService service

// PostMessageOptions is a message to post. Text is the notification text and the fallback
// when Blocks are given; one of them is required.
type PostMessageOptions struct {
	// Channel is a channel id (C…, G…), a direct message id (D…), or a user id (U…), which
	// Slack turns into the app's direct message with that user.
	Channel string `json:"channel"`
	// Text may be personal: never log it.
	Text string `json:"text,omitempty"`
	// Blocks is a Block Kit array, as JSON.
	Blocks json.RawMessage `json:"blocks,omitempty"`
	// ThreadTS is the ts of the parent message to reply under.
	ThreadTS string `json:"thread_ts,omitempty"`
	// ReplyBroadcast also shows a thread reply in the channel.
	ReplyBroadcast bool `json:"reply_broadcast,omitempty"`
	// UnfurlLinks and UnfurlMedia turn link previews on or off (nil: Slack's default).
	UnfurlLinks *bool `json:"unfurl_links,omitempty"`
	UnfurlMedia *bool `json:"unfurl_media,omitempty"`
}

// Message is a message as Slack returns it.
type Message struct {
	Type     string `json:"type"`
	Subtype  string `json:"subtype,omitempty"`
	Text     string `json:"text"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts,omitempty"`
	User     string `json:"user,omitempty"`
	BotID    string `json:"bot_id,omitempty"`
}

// PostedMessage is where a message went: the channel (a DM's id when posted to a user id)
// and its ts, which together name it.
type PostedMessage struct {
	Channel string  `json:"channel"`
	TS      string  `json:"ts"`
	Message Message `json:"message"`
}

// PostMessage posts a message as the app's bot, pacing posts to one channel a second apart
// as Slack asks. An error about the channel (channel_not_found, not_in_channel,
// is_archived) is permanent and names the channel id only. Posting is not idempotent: a
// timed-out post may have been made, so it is not retried on a network error.
//
// Slack API docs: https://api.slack.com/methods/chat.postMessage
//
//meta:operation POST /chat.postMessage
func (s *ChatService) PostMessage(ctx context.Context, m *PostMessageOptions) (*PostedMessage, *Response, error) {
	if m == nil || m.Channel == "" {
		return nil, nil, fmt.Errorf("post message: no channel")
	}
	if err := s.client.pacer.wait(ctx, m.Channel); err != nil {
		return nil, nil, fmt.Errorf("post message: %w", err)
	}
	req, err := s.client.NewRequest(http.MethodPost, "chat.postMessage", m)
	if err != nil {
		return nil, nil, err
	}
	var out PostedMessage
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("post message: %w", channelError(err, m.Channel))
	}
	return &out, resp, nil
}
