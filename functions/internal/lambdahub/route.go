package lambdahub

import (
	"context"
	"errors"
	"fmt"

	"github.com/urakata/urakata/shared/queue"
)

// Router is a function's queue when some flows run in functions of their own (the chat bot
// in the helpdesk function): each message sent goes to the queue of the function that runs
// its flow, known by the "flow" attribute every job and delivery carries, so the webhook
// function's chat events, the schedule function's jobs and the helpdesk function's own
// deliveries all reach the helpdesk queue. Receiving, retrying, burying and the dead
// letters stay on the function's own queue (the embedded Queue), whose receipts the
// function holds.
type Router struct {
	Queue
	// Shared takes the messages of the flows Routes does not name (the shared worker's);
	// nil is Queue.
	Shared queue.Queue
	// Routes maps a flow to the queue of the function of its own that runs it.
	Routes map[string]queue.Queue
}

// Send sends each message of batch to its flow's queue, in the order given. Each queue's
// share is sent even when another's fails; the error names the function queues that did
// not take theirs (what they did take is absorbed by the ledger on a resend, as for any
// partly sent batch).
func (r *Router) Send(ctx context.Context, batch []queue.Outgoing) error {
	var order []queue.Queue
	parts := map[queue.Queue][]queue.Outgoing{}
	for _, m := range batch {
		q := r.destination(m.Attributes["flow"])
		if _, ok := parts[q]; !ok {
			order = append(order, q)
		}
		parts[q] = append(parts[q], m)
	}
	var errs []error
	for _, q := range order {
		if err := q.Send(ctx, parts[q]); err != nil {
			errs = append(errs, fmt.Errorf("%d of %d messages: %w", len(parts[q]), len(batch), err))
		}
	}
	return errors.Join(errs...)
}

func (r *Router) destination(flow string) queue.Queue {
	if q, ok := r.Routes[flow]; ok {
		return q
	}
	if r.Shared != nil {
		return r.Shared
	}
	return r.Queue
}
