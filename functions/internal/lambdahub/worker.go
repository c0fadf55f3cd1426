package lambdahub

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"golang.org/x/sync/errgroup"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqsqueue"
)

// PriorReceivesAttribute carries, on a message the worker sent again after a rate limit,
// the receives its earlier copies failed: the copy starts SQS's receive count afresh, and
// this keeps the failures before the wait counting towards the receive limit.
const PriorReceivesAttribute = "prior_receives"

// MaxDelay is the longest SQS delays a message (DelaySeconds): a longer wait is served in
// steps, each copy finding the vendor still asking to wait and going round again.
const MaxDelay = 15 * time.Minute

// Handler decides what to do with one message; *hub.Worker is the one the worker uses.
type Handler interface {
	Handle(ctx context.Context, msg queue.Message) hub.Disposition
}

// Worker serves the worker function: an SQS event source mapping with
// ReportBatchItemFailures. Lambda deletes every record of the batch that the answer does not
// name, and leaves the named ones in the queue to come back when their visibility ends.
//
// What each verdict of the core becomes:
//
//   - Ack: nothing; Lambda deletes it.
//   - DeadLetter: sent to the dead-letter queue with its cause, then left to Lambda to delete.
//   - RetryLater after a failure: its visibility is set to the backoff and it is named as
//     failed, so SQS counts the receive towards the redrive limit. On the last receive it is
//     dead-lettered here instead, because SQS's own redrive would drop the cause.
//   - RetryLater because the vendor rate-limited it, or another worker holds its ledger
//     claim: not a failure. Naming it as failed would keep it but spend one of its receives,
//     and a long rate limit would push good deliveries into the dead letters; and nothing
//     else keeps Lambda from deleting it. So the worker sends a copy delayed by the wait
//     (the same body, so the same idempotency key) carrying its earlier failures in
//     PriorReceivesAttribute, and lets Lambda delete the original. Should that send fail,
//     it falls back to the failure path, so the message is never lost. The count the copy
//     carries keeps a message that alternates failures and rate limits from going round
//     for ever.
type Worker struct {
	Handler Handler
	// Adopt turns a record into the queue's message, handing its receipt to Queue (in AWS,
	// sqsqueue's Adopt of Received(rec)); nil is Message, for queues that issued the
	// receipts themselves.
	Adopt func(rec events.SQSMessage) queue.Message
	// Queue carries the verdicts out: Send for the delayed copies, Retry for the visibility
	// of failures, Bury for the dead letters.
	Queue queue.Queue
	// MaxReceives is the queue's redrive maxReceiveCount (0: none).
	MaxReceives int
	// Concurrency is how many records of a batch are handled at once (default 4).
	Concurrency int
	Logger      *slog.Logger
	// Alerts, if set, sends the batch's operations alerts when it is done (the handler's
	// outcomes note them); OnBury notes a message moved to the dead letters at the receive
	// limit, which no outcome reports.
	Alerts *alerts.Alerter
	OnBury func(msg queue.Message, cause string)
	// Recovery, if set, closes the alerts that the batch's deliveries show to be over (see
	// alerts.Evidence): each delivery that reached its target is noted, and the batch ends
	// by closing what the notes cover.
	Recovery *alerts.Recovery
}

// Handle handles a batch and names the records that failed.
func (w *Worker) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	failed := make([]bool, len(ev.Records))
	conc := w.Concurrency
	if conc <= 0 {
		conc = 4
	}
	var g errgroup.Group
	g.SetLimit(conc)
	for i, rec := range ev.Records {
		g.Go(func() error {
			failed[i] = !w.record(ctx, rec)
			return nil
		})
	}
	_ = g.Wait()
	w.Alerts.Flush(ctx)
	w.Recovery.Close(ctx)
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for i, f := range failed {
		if f {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: ev.Records[i].MessageId})
		}
	}
	return resp, nil
}

// record handles one record and reports whether Lambda may delete it.
func (w *Worker) record(ctx context.Context, rec events.SQSMessage) (done bool) {
	adopt := w.Adopt
	if adopt == nil {
		adopt = Message
	}
	msg := adopt(rec)
	d := w.Handler.Handle(ctx, msg)
	log := w.logger().With("message_id", msg.ID, "receive_count", msg.ReceiveCount)
	switch d.Action {
	case hub.Ack:
		if d.Status == hub.StatusDelivered {
			w.noteDelivered(rec, msg)
		}
		return true
	case hub.DeadLetter:
		return w.bury(ctx, msg, d.Cause, log)
	}
	switch {
	case d.Status == hub.StatusRateLimited || d.Status == hub.StatusBusy:
		err := w.requeue(ctx, msg, d.Delay)
		if err == nil {
			return true
		}
		log.Warn("delayed copy not sent; retrying the message as a failure", "err", err)
	case w.MaxReceives > 0 && msg.ReceiveCount >= w.MaxReceives:
		buried := w.bury(ctx, msg, d.Cause, log)
		if buried && w.OnBury != nil {
			w.OnBury(msg, d.Cause)
		}
		return buried
	}
	if err := w.Queue.Retry(ctx, msg.Receipt, d.Delay, d.Cause); err != nil {
		// It comes back when the queue's own visibility timeout ends instead.
		log.Warn("visibility not changed", "err", err)
	}
	return false
}

// noteDelivered gives Recovery the evidence of a delivery that reached its target: the
// target connection, and when the work began: when the delivery was planned or, for a dead
// letter the replay function sent back, when it was sent back (after its alert), so a
// replay that delivers closes the alert, as on the embedded runtime.
func (w *Worker) noteDelivered(rec events.SQSMessage, msg queue.Message) {
	if w.Recovery == nil {
		return
	}
	env, err := hub.Decode(msg.Body)
	if err != nil || env.Delivery == nil {
		return
	}
	d := env.Delivery
	since := d.PlannedAt
	// A message moved by the queue (a redriven dead letter) keeps its first id; the copy
	// has an SQS id of its own, sent when it was moved.
	if msg.ID != rec.MessageId {
		if ms, err := strconv.ParseInt(rec.Attributes["SentTimestamp"], 10, 64); err == nil && time.UnixMilli(ms).After(since) {
			since = time.UnixMilli(ms)
		}
	}
	w.Recovery.Note(alerts.Evidence{Flow: d.Flow, RunID: d.RunID, Since: since, Connections: []string{d.Target}, Delivered: true})
}

func (w *Worker) bury(ctx context.Context, msg queue.Message, cause string, log *slog.Logger) bool {
	if err := w.Queue.Bury(ctx, msg.Receipt, cause); err != nil {
		log.Error("not moved to the dead letters; it will be tried again", "err", err)
		return false
	}
	return true
}

// requeue sends a copy of msg delayed by wait, its earlier failures carried along.
func (w *Worker) requeue(ctx context.Context, msg queue.Message, wait time.Duration) error {
	attrs := make(map[string]string, len(msg.Attributes)+1)
	for k, v := range msg.Attributes {
		attrs[k] = v
	}
	if prior := msg.ReceiveCount - 1; prior > 0 {
		attrs[PriorReceivesAttribute] = strconv.Itoa(prior)
	}
	return w.Queue.Send(ctx, []queue.Outgoing{{Body: msg.Body, Attributes: attrs, Delay: min(max(wait, 0), MaxDelay)}})
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// Message is the queue message a record of an SQS event carries: its string message
// attributes, and its receive count with the receives of its earlier copies added.
func Message(rec events.SQSMessage) queue.Message {
	attrs, count := folded(rec)
	msg := queue.Message{
		ID:           rec.MessageId,
		Body:         []byte(rec.Body),
		Receipt:      rec.ReceiptHandle,
		Attributes:   attrs,
		ReceiveCount: count,
	}
	if ms, err := strconv.ParseInt(rec.Attributes["SentTimestamp"], 10, 64); err == nil {
		msg.SentAt = time.UnixMilli(ms).UTC()
	}
	return msg
}

// Received is a record as the SQS adapter takes it over (sqsqueue.Queue.Adopt), with the
// receives of its earlier copies folded into its receive count. PriorReceivesAttribute is
// left out, so a dead letter made of it does not carry it back on a replay, which must start
// the count afresh.
func Received(rec events.SQSMessage) sqsqueue.Received {
	attrs, count := folded(rec)
	system := make(map[string]string, len(rec.Attributes))
	for k, v := range rec.Attributes {
		system[k] = v
	}
	system["ApproximateReceiveCount"] = strconv.Itoa(count)
	return sqsqueue.Received{
		MessageID: rec.MessageId, ReceiptHandle: rec.ReceiptHandle, Body: rec.Body,
		Attributes: system, MessageAttributes: attrs,
	}
}

// folded returns a record's string message attributes without PriorReceivesAttribute, and
// its receive count with that attribute added.
func folded(rec events.SQSMessage) (map[string]string, int) {
	count := 1
	if n, err := strconv.Atoi(rec.Attributes["ApproximateReceiveCount"]); err == nil && n > 0 {
		count = n
	}
	attrs := map[string]string{}
	for k, a := range rec.MessageAttributes {
		if a.StringValue == nil {
			continue
		}
		if k == PriorReceivesAttribute {
			if n, err := strconv.Atoi(*a.StringValue); err == nil && n > 0 {
				count += n
			}
			continue
		}
		attrs[k] = *a.StringValue
	}
	return attrs, count
}
