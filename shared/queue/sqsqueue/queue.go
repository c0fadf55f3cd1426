// Package sqsqueue is the AWS home's queue: queue.Queue, queue.DeadLetters and
// queue.Counter on an SQS standard queue and its redrive dead-letter queue. It passes
// queuetest, with the differences SQS imposes declared there and described here.
//
// What maps to what:
//
//   - A receipt is the SQS receipt handle. Retry is ChangeMessageVisibility; Delete is
//     DeleteMessage; Bury sends a copy to the dead-letter queue, then deletes the original.
//   - The receive limit is the work queue's redrive policy: SQS moves a message that was
//     received maxReceiveCount times. The adapter does not count receives itself; it only
//     needs Options.MaxReceives to know that a Retry on the last allowed receive is the last
//     word, and moves that message to the dead letters at once, with the cause, instead of
//     leaving SQS to move it on the next receive without one (SQS message attributes cannot
//     change, so a cause can only travel on a copy). A message whose handler never called
//     Retry or Bury (a crash, a Lambda timeout) is moved by the redrive policy alone, and its
//     dead letter says so instead of giving an error.
//   - Moving a message (Bury, Redrive) sends a new SQS message, which gets a new SQS id, so
//     the copy carries one message attribute, "urakata.origin", holding the first id, the
//     first send time and, for a dead letter, the receive count, cause and time of death.
//     Message.ID is that first id, stable through every move; a message sent by Send has
//     none, and its id is its SQS id. Users may set at most 9 attributes of their own.
//   - Bury and Retry need the message, not just the receipt, so the Queue remembers what it
//     received until the visibility ends. A message received by someone else (a Lambda event
//     source) is handed over with Adopt first.
//
// Listing dead letters: SQS cannot browse a queue, only receive from it. ListDead receives
// every message of the dead-letter queue (hiding each for Options.ListVisibility), sorts them
// oldest sent first, returns the requested page and makes them all visible again at once.
// Nothing is lost, and a listing that dies midway only hides letters for ListVisibility;
// but every page reads the whole dead-letter queue (one call per ten letters, plus a final
// empty long poll of a second), and two listings at once each see only part of it.
// That suits a queue that is meant to stay near empty, with an alarm on its first letter.
// Listing counts as receiving, so the dead-letter queue must have no redrive policy of its
// own (its letters would move on after a few listings).
//
// What is kept of an error: the cause given to Bury, and to a Retry on the last allowed
// receive, travels with the dead letter. The causes of earlier Retries are not kept (no
// dead letter ever shows them: a later receive either succeeds or fails with its own). When
// the last receive ends without a word, the dead letter's LastError is PolicyMoved; the
// ledger entry of the delivery still holds the detail of its last failed attempt.
//
// Differences from the embedded queue, declared to queuetest: DeleteMessage with a receipt
// whose message was received again since succeeds in SQS (Features.DeleteReportsStale is
// false), and SQS's counts lag by up to a minute (a run against AWS declares
// Features.Settle; kumo is exact).
package sqsqueue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/urakata/urakata/shared/queue"
)

// Limits SQS sets, refused with ErrInvalid before any call.
const (
	// MaxReceive is the most messages one Receive returns.
	MaxReceive = 10
	// MaxDelay is the longest Outgoing.Delay (DelaySeconds).
	MaxDelay = 15 * time.Minute
	// MaxVisibility is the longest visibility timeout or Retry delay.
	MaxVisibility = 12 * time.Hour
	// MaxWait is the longest single ReceiveMessage long poll.
	MaxWait = 20 * time.Second
	// MaxAttributes is how many attributes a message may carry: SQS allows 10, and one is
	// the adapter's.
	MaxAttributes = 9
	// OriginAttribute is the message attribute the adapter keeps a moved message's history in.
	OriginAttribute = "urakata.origin"
)

// batchBytes is what one SendMessageBatch may carry in all; 256 KiB is the limit of every
// queue, including those created before SQS allowed 1 MiB.
const batchBytes = 256 * 1024

// ErrInvalid says a request is outside SQS's limits; nothing was sent or changed.
var ErrInvalid = errors.New("sqsqueue: invalid request")

// Options configures a Queue.
type Options struct {
	// QueueURL is the work queue.
	QueueURL string
	// DeadLetterURL is the queue named as deadLetterTargetArn in the work queue's redrive
	// policy.
	DeadLetterURL string
	// MaxReceives is the redrive policy's maxReceiveCount (0: the queue has none). A Retry
	// on a message received this many times buries it with the cause, and a dead letter moved
	// by the policy is reported as received this many times.
	MaxReceives int
	// PollWait is the longest wait of one ReceiveMessage call; a Receive with a longer Wait
	// polls again until its Wait ends. Zero means MaxWait. SQS ends a long poll as soon as
	// any message becomes visible; kumo only when one is sent, so tests against kumo set one
	// second, so that messages whose visibility or delay ended are found within a second.
	PollWait time.Duration
	// ListVisibility is how long ListDead and Redrive hide the dead letters they read, in
	// case they die before making them visible again. Zero means 30 seconds.
	ListVisibility time.Duration
	// ListWait is the long poll that ends a dead-letter scan: SQS short polls may miss
	// messages of a small queue, so the scan stops only when a wait this long finds nothing.
	// Zero means one second.
	ListWait time.Duration
}

// Queue is an SQS work queue and its dead-letter queue. It is safe for concurrent use.
type Queue struct {
	client *sqs.Client
	opts   Options

	mu       sync.Mutex
	received map[string]*held  // by receipt
	latest   map[string]string // message id → its latest receipt
	places   map[string]place  // dead letters of the last listing, to resume after one gone
}

// held is a message this Queue received or adopted, while its receipt may still own it.
type held struct {
	msg   queue.Message
	until time.Time
}

var (
	_ queue.Queue       = (*Queue)(nil)
	_ queue.DeadLetters = (*Queue)(nil)
	_ queue.Counter     = (*Queue)(nil)
)

// New returns the queue at opts.QueueURL with its dead letters at opts.DeadLetterURL. It
// makes no call: a wrong URL shows on first use.
func New(client *sqs.Client, opts Options) (*Queue, error) {
	switch {
	case client == nil:
		return nil, fmt.Errorf("%w: no SQS client", ErrInvalid)
	case opts.QueueURL == "" || opts.DeadLetterURL == "":
		return nil, fmt.Errorf("%w: both the queue URL and the dead-letter queue URL are needed", ErrInvalid)
	case opts.MaxReceives < 0:
		return nil, fmt.Errorf("%w: negative receive limit", ErrInvalid)
	case opts.PollWait < 0 || opts.PollWait > MaxWait:
		return nil, fmt.Errorf("%w: poll wait %s is outside 0 to %s", ErrInvalid, opts.PollWait, MaxWait)
	case opts.ListVisibility < 0 || opts.ListVisibility > MaxVisibility:
		return nil, fmt.Errorf("%w: list visibility %s is outside 0 to %s", ErrInvalid, opts.ListVisibility, MaxVisibility)
	case opts.ListWait < 0 || opts.ListWait > MaxWait:
		return nil, fmt.Errorf("%w: list wait %s is outside 0 to %s", ErrInvalid, opts.ListWait, MaxWait)
	}
	if opts.PollWait == 0 {
		opts.PollWait = MaxWait
	}
	if opts.ListVisibility == 0 {
		opts.ListVisibility = 30 * time.Second
	}
	if opts.ListWait == 0 {
		opts.ListWait = time.Second
	}
	return &Queue{
		client:   client,
		opts:     opts,
		received: map[string]*held{},
		latest:   map[string]string{},
	}, nil
}

// Send sends the batch in SendMessageBatch calls of up to ten messages. It checks every
// message against SQS's limits first, so an invalid batch sends nothing. SQS cannot undo a
// send, so a batch that fails partway cannot be all-or-nothing: entries SQS failed on its
// side are retried, and what still could not be sent is a *SendError naming those messages
// (the others were sent; the ledger absorbs a resend of them). An attribute with an empty
// value is left out: SQS refuses empty values, and a missing key reads as empty.
func (q *Queue) Send(ctx context.Context, batch []queue.Outgoing) error {
	entries := make([]types.SendMessageBatchRequestEntry, len(batch))
	sizes := make([]int, len(batch))
	for i, m := range batch {
		e, size, err := entry(i, m)
		if err != nil {
			return fmt.Errorf("sqsqueue: send: message %d: %w", i, err)
		}
		entries[i], sizes[i] = e, size
	}
	start := 0
	for start < len(entries) {
		end, bytes := start, 0
		for end < len(entries) && end-start < 10 && (end == start || bytes+sizes[end] <= batchBytes) {
			bytes += sizes[end]
			end++
		}
		if err := q.sendChunk(ctx, q.opts.QueueURL, entries[start:end]); err != nil {
			var se *SendError
			if !errors.As(err, &se) {
				se = &SendError{Err: err}
			}
			// Every later message was not sent either.
			for i := end; i < len(entries); i++ {
				se.Unsent = append(se.Unsent, i)
			}
			se.Total = len(batch)
			return se
		}
		start = end
	}
	return nil
}

// SendError says which messages of a batch SQS did not take. The others were sent.
type SendError struct {
	// Unsent are the indexes, in the batch given to Send, of the messages not sent.
	Unsent []int
	// Total is the size of the batch.
	Total int
	// Err is the last failure.
	Err error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("sqsqueue: send: %d of %d messages not sent: %v", len(e.Unsent), e.Total, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// entry turns message i into a batch entry, checking it as SQS would, and returns its size.
func entry(i int, m queue.Outgoing) (types.SendMessageBatchRequestEntry, int, error) {
	var none types.SendMessageBatchRequestEntry
	if m.Delay < 0 || m.Delay > MaxDelay {
		return none, 0, fmt.Errorf("%w: delay %s is outside 0 to %s", ErrInvalid, m.Delay, MaxDelay)
	}
	if err := checkBody(m.Body); err != nil {
		return none, 0, err
	}
	attrs, size, err := messageAttributes(m.Attributes)
	if err != nil {
		return none, 0, err
	}
	return types.SendMessageBatchRequestEntry{
		Id:                aws.String(strconv.Itoa(i)),
		MessageBody:       aws.String(string(m.Body)),
		DelaySeconds:      seconds(m.Delay),
		MessageAttributes: attrs,
	}, size + len(m.Body), nil
}

// checkBody refuses what SQS refuses in a body: nothing at all, bytes that are not UTF-8,
// and characters outside XML's.
func checkBody(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: SQS refuses an empty body", ErrInvalid)
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("%w: the body is not UTF-8", ErrInvalid)
	}
	for _, r := range string(b) {
		if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000) {
			return fmt.Errorf("%w: the body holds the character %U, which SQS refuses", ErrInvalid, r)
		}
	}
	return nil
}

// messageAttributes converts a message's attributes and returns their size as SQS counts it.
func messageAttributes(attrs map[string]string) (map[string]types.MessageAttributeValue, int, error) {
	out := map[string]types.MessageAttributeValue{}
	size := 0
	for k, v := range attrs {
		if v == "" {
			continue
		}
		if k == OriginAttribute {
			return nil, 0, fmt.Errorf("%w: the attribute %s is the adapter's", ErrInvalid, OriginAttribute)
		}
		if !validAttributeName(k) {
			return nil, 0, fmt.Errorf("%w: %q is not an SQS attribute name", ErrInvalid, k)
		}
		if err := checkBody([]byte(v)); err != nil {
			return nil, 0, fmt.Errorf("attribute %s: %w", k, err)
		}
		out[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
		size += len(k) + len("String") + len(v)
	}
	if len(out) > MaxAttributes {
		return nil, 0, fmt.Errorf("%w: %d attributes, more than %d", ErrInvalid, len(out), MaxAttributes)
	}
	if len(out) == 0 {
		return nil, 0, nil
	}
	return out, size, nil
}

// validAttributeName follows SQS's rules: up to 256 letters, digits, '-', '_' and '.', no
// leading, trailing or doubled '.', and no "AWS." or "Amazon." prefix.
func validAttributeName(k string) bool {
	if k == "" || len(k) > 256 || k[0] == '.' || k[len(k)-1] == '.' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok || c == '.' && k[i-1] == '.' {
			return false
		}
	}
	l := strings.ToLower(k)
	return !strings.HasPrefix(l, "aws.") && !strings.HasPrefix(l, "amazon.")
}

// sendChunk sends up to ten entries, retrying the ones SQS failed on its side. Entry ids
// are indexes into the caller's batch.
func (q *Queue) sendChunk(ctx context.Context, url string, entries []types.SendMessageBatchRequestEntry) error {
	pending := entries
	for attempt := 0; ; attempt++ {
		out, err := q.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: pending})
		if err != nil {
			return &SendError{Unsent: ids(pending), Err: err}
		}
		if len(out.Failed) == 0 {
			return nil
		}
		failed := map[string]types.BatchResultErrorEntry{}
		for _, f := range out.Failed {
			failed[aws.ToString(f.Id)] = f
		}
		var retry []types.SendMessageBatchRequestEntry
		var last types.BatchResultErrorEntry
		for _, e := range pending {
			if f, ok := failed[aws.ToString(e.Id)]; ok {
				retry = append(retry, e)
				last = f
			}
		}
		cause := fmt.Errorf("SQS refused a message: %s: %s", aws.ToString(last.Code), aws.ToString(last.Message))
		if last.SenderFault || attempt == 2 {
			return &SendError{Unsent: ids(retry), Err: cause}
		}
		select {
		case <-ctx.Done():
			return &SendError{Unsent: ids(retry), Err: ctx.Err()}
		case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
		}
		pending = retry
	}
}

func ids(entries []types.SendMessageBatchRequestEntry) []int {
	out := make([]int, 0, len(entries))
	for _, e := range entries {
		i, _ := strconv.Atoi(aws.ToString(e.Id))
		out = append(out, i)
	}
	return out
}

// Receive returns up to opts.Max messages (a Max below 1 counts as 1; above MaxReceive it is
// refused) and hides them for opts.Visibility, rounded up to whole seconds; zero means the
// queue's own visibility timeout. It long-polls for opts.Wait, in calls of at most
// Options.PollWait.
func (q *Queue) Receive(ctx context.Context, opts queue.ReceiveOptions) ([]queue.Message, error) {
	limit := max(opts.Max, 1)
	if limit > MaxReceive {
		return nil, fmt.Errorf("%w: receive: max %d is over %d", ErrInvalid, opts.Max, MaxReceive)
	}
	if opts.Visibility < 0 || opts.Visibility > MaxVisibility {
		return nil, fmt.Errorf("%w: receive: visibility %s is outside 0 to %s", ErrInvalid, opts.Visibility, MaxVisibility)
	}
	deadline := time.Now().Add(opts.Wait)
	for {
		wait := min(max(time.Until(deadline), 0), q.opts.PollWait)
		out, err := q.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(q.opts.QueueURL),
			MaxNumberOfMessages:         int32(limit),
			VisibilityTimeout:           seconds(opts.Visibility),
			WaitTimeSeconds:             seconds(wait),
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		})
		if err != nil {
			return nil, fmt.Errorf("sqsqueue: receive: %w", err)
		}
		if len(out.Messages) > 0 {
			msgs := make([]queue.Message, len(out.Messages))
			for i, m := range out.Messages {
				msgs[i] = q.Adopt(received(m, opts.Visibility))
			}
			return msgs, nil
		}
		if !time.Now().Before(deadline) {
			return nil, nil
		}
	}
}

// Received is a message as another receiver handed it over, such as a record of a Lambda
// SQS event (events.SQSMessage: MessageId, ReceiptHandle, Body, Attributes, and the
// StringValue of each MessageAttributes entry).
type Received struct {
	MessageID, ReceiptHandle, Body string
	// Attributes are the SQS system attributes: ApproximateReceiveCount, SentTimestamp…
	Attributes map[string]string
	// MessageAttributes are the message attributes' string values.
	MessageAttributes map[string]string
	// Visibility is how long the receive hides the message (for a Lambda event source, the
	// queue's visibility timeout); zero means 15 minutes, Lambda's longest run.
	Visibility time.Duration
}

func received(m types.Message, visibility time.Duration) Received {
	r := Received{
		MessageID:         aws.ToString(m.MessageId),
		ReceiptHandle:     aws.ToString(m.ReceiptHandle),
		Body:              aws.ToString(m.Body),
		Attributes:        m.Attributes,
		MessageAttributes: map[string]string{},
		Visibility:        visibility,
	}
	if r.Visibility == 0 {
		// The queue's own timeout, unknown here; SQS's default is 30 seconds, and a Queue
		// that forgets a receipt too early only makes Retry and Bury report it stale.
		r.Visibility = MaxVisibility
	}
	for k, v := range m.MessageAttributes {
		if v.StringValue != nil {
			r.MessageAttributes[k] = *v.StringValue
		}
	}
	return r
}

// Adopt takes over a message received elsewhere (by the Lambda event source), so that
// Delete, Retry and Bury can act on its receipt, and returns it as the port's Message.
func (q *Queue) Adopt(r Received) queue.Message {
	o := decodeOrigin(r.MessageAttributes[OriginAttribute])
	msg := queue.Message{
		ID:         r.MessageID,
		Body:       []byte(r.Body),
		Receipt:    r.ReceiptHandle,
		SentAt:     millis(r.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)]),
		Attributes: userAttributes(r.MessageAttributes),
	}
	msg.ReceiveCount, _ = strconv.Atoi(r.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
	if o.ID != "" {
		msg.ID = o.ID
	}
	if o.Sent != 0 {
		msg.SentAt = time.UnixMilli(o.Sent)
	}
	visibility := r.Visibility
	if visibility == 0 {
		visibility = 15 * time.Minute
	}
	now := time.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.forgetExpired(now)
	if old, ok := q.latest[msg.ID]; ok {
		// A new receive makes the old receipt stale.
		delete(q.received, old)
	}
	q.received[msg.Receipt] = &held{msg: msg, until: now.Add(visibility)}
	q.latest[msg.ID] = msg.Receipt
	return msg
}

// grace is how long after its visibility ends a receipt is kept: SQS still honours it
// until someone else receives the message.
const grace = time.Minute

// forgetExpired drops receipts whose visibility ended a while ago. Caller holds q.mu.
func (q *Queue) forgetExpired(now time.Time) {
	for receipt, h := range q.received {
		if now.After(h.until.Add(grace)) {
			q.forget(receipt)
		}
	}
}

// forget drops one receipt. Caller holds q.mu.
func (q *Queue) forget(receipt string) {
	if h, ok := q.received[receipt]; ok {
		if q.latest[h.msg.ID] == receipt {
			delete(q.latest, h.msg.ID)
		}
		delete(q.received, receipt)
	}
}

// holding returns what receipt received, or ErrStaleReceipt if this Queue does not hold it.
func (q *Queue) holding(receipt string) (queue.Message, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	h, ok := q.received[receipt]
	if !ok {
		return queue.Message{}, fmt.Errorf("not received through this queue, or no longer held: %w", queue.ErrStaleReceipt)
	}
	return h.msg, nil
}

// Delete removes a handled message. As in SQS, deleting with a receipt whose message was
// received again since may succeed (queuetest.Features.DeleteReportsStale is false); a
// string that is no receipt at all is ErrStaleReceipt.
func (q *Queue) Delete(ctx context.Context, receipt string) error {
	_, err := q.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.opts.QueueURL), ReceiptHandle: aws.String(receipt)})
	q.mu.Lock()
	q.forget(receipt)
	q.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sqsqueue: delete: %w", staleOr(err))
	}
	return nil
}

// Retry makes the message visible again after delay, rounded up to whole seconds, unless
// this was its last allowed receive (Options.MaxReceives): then it buries it with cause,
// where SQS would move it on its next receive without one. Below the limit, cause is not
// kept: an SQS message cannot change, and the redrive policy never hears it.
func (q *Queue) Retry(ctx context.Context, receipt string, delay time.Duration, cause string) error {
	if delay < 0 || delay > MaxVisibility {
		return fmt.Errorf("%w: retry: delay %s is outside 0 to %s", ErrInvalid, delay, MaxVisibility)
	}
	msg, err := q.holding(receipt)
	if err != nil {
		return fmt.Errorf("sqsqueue: retry: %w", err)
	}
	if q.opts.MaxReceives > 0 && msg.ReceiveCount >= q.opts.MaxReceives {
		if err := q.bury(ctx, msg, cause); err != nil {
			return fmt.Errorf("sqsqueue: retry after the last receive: %w", err)
		}
		return nil
	}
	if err := q.hide(ctx, receipt, delay); err != nil {
		return fmt.Errorf("sqsqueue: retry: %w", err)
	}
	return nil
}

// hide sets the visibility of a received message and remembers its receipt that long.
func (q *Queue) hide(ctx context.Context, receipt string, d time.Duration) error {
	_, err := q.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl:          aws.String(q.opts.QueueURL),
		ReceiptHandle:     aws.String(receipt),
		VisibilityTimeout: seconds(d),
	})
	if err != nil {
		err = staleOr(err)
		if errors.Is(err, queue.ErrStaleReceipt) {
			q.mu.Lock()
			q.forget(receipt)
			q.mu.Unlock()
		}
		return err
	}
	q.mu.Lock()
	if h, ok := q.received[receipt]; ok {
		h.until = time.Now().Add(d)
	}
	q.mu.Unlock()
	return nil
}

// Bury moves the message to the dead letters now, with cause as its last error.
func (q *Queue) Bury(ctx context.Context, receipt string, cause string) error {
	msg, err := q.holding(receipt)
	if err == nil {
		err = q.bury(ctx, msg, cause)
	}
	if err != nil {
		return fmt.Errorf("sqsqueue: bury: %w", err)
	}
	return nil
}

// buryHold is how long a message being buried stays hidden, so nobody receives it between
// the copy to the dead letters and the delete.
const buryHold = 30 * time.Second

// maxCause bounds the cause kept with a dead letter, so body and attributes stay within
// SQS's size limit.
const maxCause = 2048

func (q *Queue) bury(ctx context.Context, msg queue.Message, cause string) error {
	// Proves the receipt still owns the message before anything is copied.
	if err := q.hide(ctx, msg.Receipt, buryHold); err != nil {
		return err
	}
	o := origin{
		ID:       msg.ID,
		Sent:     msg.SentAt.UnixMilli(),
		Receives: msg.ReceiveCount,
		Error:    truncate(cause, maxCause),
		Dead:     time.Now().UnixMilli(),
	}
	if err := q.sendMoved(ctx, q.opts.DeadLetterURL, msg, o); err != nil {
		return fmt.Errorf("copy to the dead letters: %w", err)
	}
	_, err := q.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.opts.QueueURL), ReceiptHandle: aws.String(msg.Receipt)})
	q.mu.Lock()
	q.forget(msg.Receipt)
	q.mu.Unlock()
	if err != nil {
		// The dead letter exists; the original comes back after buryHold and the ledger
		// absorbs its second handling.
		return fmt.Errorf("copied to the dead letters but not deleted: %w", err)
	}
	return nil
}

// sendMoved sends msg to url carrying its history in o.
func (q *Queue) sendMoved(ctx context.Context, url string, msg queue.Message, o origin) error {
	attrs, err := movedAttributes(msg, o)
	if err != nil {
		return err
	}
	_, err = q.client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:          aws.String(url),
		MessageBody:       aws.String(string(msg.Body)),
		MessageAttributes: attrs,
	})
	return err
}

// movedAttributes are the attributes of a moved copy of msg: its own and its history.
func movedAttributes(msg queue.Message, o origin) (map[string]types.MessageAttributeValue, error) {
	attrs, _, err := messageAttributes(msg.Attributes)
	if err != nil {
		return nil, err
	}
	if attrs == nil {
		attrs = map[string]types.MessageAttributeValue{}
	}
	attrs[OriginAttribute] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(o.encode())}
	return attrs, nil
}

// Stats reads the approximate counts of both queues: Visible, InFlight and Delayed of the
// work queue, and Dead as every message of the dead-letter queue, hidden or not (a listing
// hides them for a moment). SQS updates these counts about once a minute
// (queuetest.Features.Settle).
func (q *Queue) Stats(ctx context.Context) (queue.Stats, error) {
	work, err := q.counts(ctx, q.opts.QueueURL)
	if err != nil {
		return queue.Stats{}, fmt.Errorf("sqsqueue: stats of the work queue: %w", err)
	}
	dead, err := q.counts(ctx, q.opts.DeadLetterURL)
	if err != nil {
		return queue.Stats{}, fmt.Errorf("sqsqueue: stats of the dead-letter queue: %w", err)
	}
	return queue.Stats{Visible: work[0], InFlight: work[1], Delayed: work[2], Dead: dead[0] + dead[1] + dead[2]}, nil
}

// counts returns a queue's visible, in-flight and delayed counts.
func (q *Queue) counts(ctx context.Context, url string) ([3]int, error) {
	names := []types.QueueAttributeName{
		types.QueueAttributeNameApproximateNumberOfMessages,
		types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		types.QueueAttributeNameApproximateNumberOfMessagesDelayed,
	}
	out, err := q.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: names})
	if err != nil {
		return [3]int{}, err
	}
	var c [3]int
	for i, n := range names {
		v, err := strconv.Atoi(out.Attributes[string(n)])
		if err != nil {
			return [3]int{}, fmt.Errorf("attribute %s = %q: %w", n, out.Attributes[string(n)], err)
		}
		c[i] = v
	}
	return c, nil
}

// origin is a moved message's history, kept in OriginAttribute.
type origin struct {
	// ID is the message's first SQS id; Sent its first send, in Unix milliseconds.
	ID   string `json:"id"`
	Sent int64  `json:"sent"`
	// Receives, Error and Dead (Unix ms) are set when the adapter buried it.
	Receives int    `json:"receives,omitempty"`
	Error    string `json:"error,omitempty"`
	Dead     int64  `json:"dead,omitempty"`
}

func (o origin) encode() string {
	b, _ := json.Marshal(o) // a struct of strings and numbers always marshals
	return string(b)
}

// decodeOrigin reads OriginAttribute; anything unreadable counts as no history.
func decodeOrigin(s string) origin {
	var o origin
	if s == "" || json.Unmarshal([]byte(s), &o) != nil {
		return origin{}
	}
	return o
}

// userAttributes returns attrs without the adapter's own.
func userAttributes(attrs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range attrs {
		if k != OriginAttribute {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// staleOr turns SQS's ways of saying a receipt does not own its message into
// queue.ErrStaleReceipt, and returns other errors as they are.
func staleOr(err error) error {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	switch apiErr.ErrorCode() {
	case "ReceiptHandleIsInvalid", "MessageNotInflight", "InvalidReceiptHandle":
		return fmt.Errorf("%w (%s)", queue.ErrStaleReceipt, apiErr.ErrorCode())
	case "InvalidParameterValue":
		// SQS's answer to ChangeMessageVisibility on a message received again since.
		if strings.Contains(strings.ToLower(apiErr.ErrorMessage()), "receipthandle") {
			return fmt.Errorf("%w (%s)", queue.ErrStaleReceipt, apiErr.ErrorCode())
		}
	}
	return err
}

// seconds rounds d up to whole seconds, as SQS counts them, so "hidden at least d" holds.
func seconds(d time.Duration) int32 {
	return int32(math.Ceil(d.Seconds()))
}

// millis reads a Unix-milliseconds attribute; zero time if absent.
func millis(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
