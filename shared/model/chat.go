package model

import (
	"log/slog"
	"time"
)

// ChatMessage is a message to post to, or read from, a chat service.
type ChatMessage struct {
	Channel string `json:"channel"`
	// Thread is the parent message's id when replying in a thread.
	Thread string `json:"thread,omitempty"`
	// User is the chat service's user id of the author or the addressee.
	User string `json:"user,omitempty"`
	// Text may be personal: never log it.
	Text string `json:"text"`
	// Blocks is the service's rich layout, passed through as JSON.
	Blocks []byte `json:"blocks,omitempty"`
}

// ChatEvent is something that happened in a chat service: a message to the bot, a slash
// command, a mention.
type ChatEvent struct {
	// ID is the service's event id: the natural dedupe key.
	ID      string      `json:"id"`
	Type    string      `json:"type"`
	At      time.Time   `json:"at"`
	Message ChatMessage `json:"message"`
}

// LogValue keeps the text out of logs.
func (m ChatMessage) LogValue() slog.Value {
	return slog.GroupValue(slog.String("channel", m.Channel), slog.String("thread", m.Thread), slog.Int("text_len", len(m.Text)))
}
