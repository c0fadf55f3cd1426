package sqsqueue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/urakata/urakata/shared/queue"
)

// place is where a dead letter sorts: by first send, then by id.
type place struct {
	sent time.Time
	id   string
}

func (p place) compare(o place) int {
	return cmp.Or(p.sent.Compare(o.sent), cmp.Compare(p.id, o.id))
}

// scanned is a dead letter read by a scan, with the receipt that hides it meanwhile.
type scanned struct {
	letter  queue.DeadLetter
	receipt string
}

func (s scanned) place() place { return place{s.letter.SentAt, s.letter.ID} }

// ListDead returns up to limit dead letters, oldest sent first, after the one with id after
// ("" for the first page). Each call reads the whole dead-letter queue (see the package
// comment); an after that has left the queue since the last page (redriven) still resumes
// where it was, if this Queue listed it.
func (q *Queue) ListDead(ctx context.Context, after string, limit int) ([]queue.DeadLetter, error) {
	if limit < 1 {
		return nil, fmt.Errorf("%w: list dead letters: limit %d", ErrInvalid, limit)
	}
	letters, err := q.scanDead(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqsqueue: list dead letters: %w", err)
	}
	// Not waiting for SQS to show them again on its own; should this fail, it does so after
	// ListVisibility, and the page is still right.
	defer q.release(ctx, letters)

	places := make(map[string]place, len(letters))
	for _, l := range letters {
		places[l.letter.ID] = l.place()
	}
	q.mu.Lock()
	from, known := places[after]
	if !known && after != "" {
		if from, known = q.places[after]; known {
			places[after] = from
		}
	}
	q.places = places
	q.mu.Unlock()

	start := 0
	if after != "" {
		if !known {
			// Nothing sorts after an id never seen; an empty page ends the caller's paging.
			return nil, nil
		}
		start, _ = slices.BinarySearchFunc(letters, from, func(s scanned, p place) int {
			if s.place().compare(p) <= 0 {
				return -1
			}
			return 1
		})
	}
	page := letters[start:min(start+limit, len(letters))]
	out := make([]queue.DeadLetter, len(page))
	for i, s := range page {
		out[i] = s.letter
	}
	return out, nil
}

// Redrive sends the named dead letters back to the work queue, with a fresh receive count
// and their first id, and deletes them from the dead-letter queue. Unknown ids, and dead
// letters a concurrent listing hides, are skipped. A letter sent back whose delete then
// fails is in both queues; it is counted as moved, and the error says so.
func (q *Queue) Redrive(ctx context.Context, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	letters, err := q.scanDead(ctx)
	if err != nil {
		return 0, fmt.Errorf("sqsqueue: redrive: %w", err)
	}
	var chosen, stay []scanned
	for _, l := range letters {
		if want[l.letter.ID] {
			chosen = append(chosen, l)
		} else {
			stay = append(stay, l)
		}
	}
	moved := 0
	var errs []error
	for chunk := range slices.Chunk(chosen, 10) {
		sent, err := q.sendBack(ctx, chunk)
		if err != nil {
			errs = append(errs, err)
		}
		for _, l := range chunk {
			if !sent[l.receipt] {
				stay = append(stay, l)
			}
		}
		var done []scanned
		for _, l := range chunk {
			if sent[l.receipt] {
				done = append(done, l)
			}
		}
		moved += len(done)
		if err := q.deleteDead(ctx, done); err != nil {
			errs = append(errs, fmt.Errorf("sent back but still among the dead letters: %w", err))
		}
	}
	q.release(ctx, stay)
	if err := errors.Join(errs...); err != nil {
		return moved, fmt.Errorf("sqsqueue: redrive: %w", err)
	}
	return moved, nil
}

// sendBack sends up to ten dead letters to the work queue and returns the receipts of those
// that were sent.
func (q *Queue) sendBack(ctx context.Context, chunk []scanned) (map[string]bool, error) {
	entries := make([]types.SendMessageBatchRequestEntry, 0, len(chunk))
	for i, l := range chunk {
		attrs, err := movedAttributes(l.letter.Message, origin{ID: l.letter.ID, Sent: l.letter.SentAt.UnixMilli()})
		if err != nil {
			return nil, fmt.Errorf("dead letter %s: %w", l.letter.ID, err)
		}
		entries = append(entries, types.SendMessageBatchRequestEntry{
			Id:                aws.String(strconv.Itoa(i)),
			MessageBody:       aws.String(string(l.letter.Body)),
			MessageAttributes: attrs,
		})
	}
	err := q.sendChunk(ctx, q.opts.QueueURL, entries)
	sent := map[string]bool{}
	for _, l := range chunk {
		sent[l.receipt] = true
	}
	var se *SendError
	if errors.As(err, &se) {
		for _, i := range se.Unsent {
			delete(sent, chunk[i].receipt)
		}
	} else if err != nil {
		return nil, err
	}
	return sent, err
}

// deleteDead deletes up to ten scanned letters from the dead-letter queue.
func (q *Queue) deleteDead(ctx context.Context, letters []scanned) error {
	if len(letters) == 0 {
		return nil
	}
	entries := make([]types.DeleteMessageBatchRequestEntry, len(letters))
	for i, l := range letters {
		entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(l.receipt)}
	}
	out, err := q.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(q.opts.DeadLetterURL), Entries: entries})
	if err != nil {
		return err
	}
	if len(out.Failed) > 0 {
		f := out.Failed[0]
		return fmt.Errorf("%d of %d deletes failed: %s: %s", len(out.Failed), len(letters), aws.ToString(f.Code), aws.ToString(f.Message))
	}
	return nil
}

// scanDead receives every message of the dead-letter queue, hiding each for
// Options.ListVisibility, and returns them sorted oldest sent first. A message received
// twice in one scan (a scan longer than ListVisibility) is kept once, with its newer receipt.
func (q *Queue) scanDead(ctx context.Context) ([]scanned, error) {
	var letters []scanned
	bySQSID := map[string]int{}
	for {
		out, err := q.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(q.opts.DeadLetterURL),
			MaxNumberOfMessages:         MaxReceive,
			VisibilityTimeout:           seconds(q.opts.ListVisibility),
			WaitTimeSeconds:             seconds(q.opts.ListWait),
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		})
		if err != nil {
			q.release(ctx, letters)
			return nil, fmt.Errorf("read the dead-letter queue: %w", err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			l := q.deadLetter(m)
			if i, ok := bySQSID[aws.ToString(m.MessageId)]; ok {
				letters[i] = l
				continue
			}
			bySQSID[aws.ToString(m.MessageId)] = len(letters)
			letters = append(letters, l)
		}
	}
	slices.SortFunc(letters, func(a, b scanned) int { return a.place().compare(b.place()) })
	return letters, nil
}

// deadLetter reads one message of the dead-letter queue. One the adapter buried carries its
// history; one the redrive policy moved carries none, so it is reported as received
// MaxReceives times, with no error of its own and the time the dead-letter queue first
// handed it out as its time of death (SQS does not record when the policy moved it).
func (q *Queue) deadLetter(m types.Message) scanned {
	r := received(m, q.opts.ListVisibility)
	o := decodeOrigin(r.MessageAttributes[OriginAttribute])
	d := queue.DeadLetter{Message: queue.Message{
		ID:         r.MessageID,
		Body:       []byte(r.Body),
		Attributes: userAttributes(r.MessageAttributes),
		SentAt:     millis(r.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)]),
	}}
	if o.ID != "" {
		d.ID = o.ID
	}
	if o.Sent != 0 {
		d.SentAt = time.UnixMilli(o.Sent)
	}
	if o.Dead != 0 {
		d.ReceiveCount, d.LastError, d.DeadAt = o.Receives, o.Error, time.UnixMilli(o.Dead)
	} else {
		d.ReceiveCount = q.opts.MaxReceives
		d.LastError = PolicyMoved
		d.DeadAt = millis(r.Attributes[string(types.MessageSystemAttributeNameApproximateFirstReceiveTimestamp)])
		if d.DeadAt.IsZero() {
			d.DeadAt = time.Now()
		}
	}
	return scanned{letter: d, receipt: r.ReceiptHandle}
}

// PolicyMoved is the LastError of a dead letter that SQS's redrive policy moved: its handler
// ended without Retry or Bury (a crash or a timeout), so no error was given.
const PolicyMoved = "moved by the queue's redrive policy after its last receive; the handler gave no error (it crashed or timed out)"

// release makes scanned letters visible again at once. It runs even when ctx has ended,
// briefly, since letters left hidden only come back after ListVisibility.
func (q *Queue) release(ctx context.Context, letters []scanned) {
	if len(letters) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for chunk := range slices.Chunk(letters, 10) {
		entries := make([]types.ChangeMessageVisibilityBatchRequestEntry, len(chunk))
		for i, l := range chunk {
			entries[i] = types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(l.receipt)}
		}
		_, _ = q.client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{
			QueueUrl: aws.String(q.opts.DeadLetterURL),
			Entries:  entries,
		})
	}
}
