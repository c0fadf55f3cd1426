// Package queue is the port between ingress and the workers: a durable queue with SQS
// semantics (visibility timeout, receive count, delay, a receive limit that moves a message
// to the dead letters with its last error, batch receive). The embedded adapter keeps it in
// SQLite; the AWS adapter is SQS with a redrive dead-letter queue. Both pass queuetest.
package queue

import (
	"context"
	"errors"
	"time"
)

// Outgoing is a message to send.
type Outgoing struct {
	Body []byte
	// Attributes are small string headers (flow, kind, run id); never personal data.
	Attributes map[string]string
	// Delay keeps the message invisible for this long after it is sent (SQS DelaySeconds).
	Delay time.Duration
}

// Message is a received message.
type Message struct {
	// ID is the queue's id for the message, the same on every receive.
	ID         string
	Body       []byte
	Attributes map[string]string
	// ReceiveCount is how many times it has been received, this time included.
	ReceiveCount int
	// Receipt is the handle of this receive; Delete, Retry and Bury need it. A receipt is
	// stale once the visibility timeout has passed and someone else received the message.
	Receipt string
	SentAt  time.Time
}

// ReceiveOptions bounds one receive.
type ReceiveOptions struct {
	// Max is the most messages to return (1 to 10 in SQS; adapters may allow more).
	Max int
	// Visibility is how long the received messages stay hidden from other receivers.
	Visibility time.Duration
	// Wait is how long to long-poll for a message when none is visible; 0 returns at once.
	Wait time.Duration
}

// Queue is a durable work queue.
//
// Send is durable when it returns nil: every message of the batch is stored, or none is.
// Receive hides what it returns for the visibility timeout; a message whose receive count
// would go past the queue's receive limit is moved to the dead letters instead of returned,
// keeping the last error given to Retry. Delete, Retry and Bury act on one receipt and
// return ErrStaleReceipt when that receive no longer owns the message.
type Queue interface {
	Send(ctx context.Context, batch []Outgoing) error
	Receive(ctx context.Context, opts ReceiveOptions) ([]Message, error)
	// Delete removes a message that was handled.
	Delete(ctx context.Context, receipt string) error
	// Retry makes the message visible again after delay and records cause as its last error.
	Retry(ctx context.Context, receipt string, delay time.Duration, cause string) error
	// Bury moves the message to the dead letters now, with cause as its last error.
	Bury(ctx context.Context, receipt string, cause string) error
}

// DeadLetter is a message that will not be retried on its own.
type DeadLetter struct {
	Message
	// LastError is the error of the last attempt (vendor message, no secrets).
	LastError string
	DeadAt    time.Time
}

// DeadLetters lists and replays the messages that went to the dead letters.
type DeadLetters interface {
	// ListDead returns up to limit dead letters, oldest first, after the given id ("" for
	// the start).
	ListDead(ctx context.Context, after string, limit int) ([]DeadLetter, error)
	// Redrive moves the named dead letters back to the queue with a fresh receive count and
	// returns how many were moved. Unknown ids are skipped.
	Redrive(ctx context.Context, ids []string) (int, error)
}

// Stats is a queue's depth, for progress and alarms.
type Stats struct {
	Visible, InFlight, Delayed, Dead int
}

// Counter is the optional ability to report depth.
type Counter interface {
	Stats(ctx context.Context) (Stats, error)
}

// ErrStaleReceipt says the receipt no longer owns its message: the visibility timeout
// passed and the message was received again, or it was already deleted.
var ErrStaleReceipt = errors.New("queue: stale receipt")
