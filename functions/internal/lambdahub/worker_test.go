package lambdahub_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
)

// clock is a hand-moved clock shared by a queue and a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// embeddedQueue is the SQLite queue with SQS semantics, on a hand-moved clock: the worker
// handler's contract is the queue port's, so it is proved here without AWS and again on
// kumo in the end-to-end test.
func embeddedQueue(t *testing.T, maxReceives int) (*sqlitequeue.Queue, *clock) {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	c := &clock{t: time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)}
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work", MaxReceives: maxReceives, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	return q, c
}

// scripted answers each message by its body, and counts what it saw.
type scripted struct {
	mu       sync.Mutex
	verdicts map[string]hub.Disposition
	seen     map[string][]int // body → the receive counts it was handled with
}

func newScripted(v map[string]hub.Disposition) *scripted {
	return &scripted{verdicts: v, seen: map[string][]int{}}
}

func (s *scripted) Handle(_ context.Context, msg queue.Message) hub.Disposition {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[string(msg.Body)] = append(s.seen[string(msg.Body)], msg.ReceiveCount)
	return s.verdicts[string(msg.Body)]
}

func (s *scripted) counts(body string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen[body])
}

// sqsEvent is the event Lambda would build from msgs.
func sqsEvent(msgs []queue.Message) events.SQSEvent {
	var ev events.SQSEvent
	for _, m := range msgs {
		rec := events.SQSMessage{
			MessageId: m.ID, ReceiptHandle: m.Receipt, Body: string(m.Body), EventSource: "aws:sqs",
			Attributes: map[string]string{
				"ApproximateReceiveCount": strconv.Itoa(m.ReceiveCount),
				"SentTimestamp":           strconv.FormatInt(m.SentAt.UnixMilli(), 10),
			},
			MessageAttributes: map[string]events.SQSMessageAttribute{},
		}
		for k, v := range m.Attributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{StringValue: &v, DataType: "String"}
		}
		ev.Records = append(ev.Records, rec)
	}
	return ev
}

// dispatch does what Lambda's event source mapping does once: receive up to 10, call the
// handler, delete every record the answer does not name. It returns the named ids.
func dispatch(t *testing.T, q queue.Queue, w *lambdahub.Worker) (received int, failed []string) {
	t.Helper()
	msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := w.Handle(t.Context(), sqsEvent(msgs))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	for _, m := range msgs {
		if slices.Contains(failed, m.ID) {
			continue
		}
		// A record the handler buried is gone already, as in SQS.
		if err := q.Delete(t.Context(), m.Receipt); err != nil && !errors.Is(err, queue.ErrStaleReceipt) {
			t.Fatal(err)
		}
	}
	return len(msgs), failed
}

func send(t *testing.T, q queue.Queue, bodies ...string) {
	t.Helper()
	var batch []queue.Outgoing
	for _, b := range bodies {
		batch = append(batch, queue.Outgoing{Body: []byte(b), Attributes: map[string]string{"kind": "delivery", "flow": "payroll"}})
	}
	if err := q.Send(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
}

func stats(t *testing.T, q *sqlitequeue.Queue) queue.Stats {
	t.Helper()
	st, err := q.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func deadLetters(t *testing.T, q queue.DeadLetters) []queue.DeadLetter {
	t.Helper()
	dead, err := q.ListDead(t.Context(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return dead
}

var (
	ack         = hub.Disposition{Action: hub.Ack, Status: hub.StatusDelivered}
	permanent   = hub.Disposition{Action: hub.DeadLetter, Cause: "freee-hr: 400: 勤務日数が不正です", Status: hub.StatusDead}
	transient   = hub.Disposition{Action: hub.RetryLater, Delay: 2 * time.Second, Cause: "freee-hr: 503", Status: hub.StatusRetry}
	rateLimited = hub.Disposition{Action: hub.RetryLater, Delay: 40 * time.Second, Cause: "rate limited", Status: hub.StatusRateLimited}
	busy        = hub.Disposition{Action: hub.RetryLater, Delay: 30 * time.Second, Cause: "claimed by another worker", Status: hub.StatusBusy}
)

func TestWorkerNamesOnlyTheFailedRecords(t *testing.T) {
	t.Parallel()
	q, _ := embeddedQueue(t, 5)
	h := newScripted(map[string]hub.Disposition{"a": ack, "b": transient, "c": ack, "d": permanent, "e": rateLimited, "f": busy})
	w := &lambdahub.Worker{Handler: h, Queue: q, MaxReceives: 5, Concurrency: 3}
	send(t, q, "a", "b", "c", "d", "e", "f")
	msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
	if err != nil || len(msgs) != 6 {
		t.Fatalf("received %d, err %v", len(msgs), err)
	}
	resp, err := w.Handle(t.Context(), sqsEvent(msgs))
	if err != nil {
		t.Fatal(err)
	}
	var want []events.SQSBatchItemFailure
	for _, m := range msgs {
		if string(m.Body) == "b" {
			want = append(want, events.SQSBatchItemFailure{ItemIdentifier: m.ID})
		}
	}
	if !slices.Equal(resp.BatchItemFailures, want) {
		t.Fatalf("failures %v; want only the transient failure %v", resp.BatchItemFailures, want)
	}
}

func TestAnAllGoodBatchAnswersAnEmptyListNotNull(t *testing.T) {
	t.Parallel()
	w := &lambdahub.Worker{Handler: newScripted(nil), Queue: nil}
	resp, err := w.Handle(t.Context(), events.SQSEvent{})
	if err != nil || resp.BatchItemFailures == nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("resp %+v, err %v; want an empty, non-nil list", resp, err)
	}
}

func TestWorkerVerdicts(t *testing.T) {
	t.Parallel()
	t.Run("an acked record is deleted by Lambda and never seen again", func(t *testing.T) {
		t.Parallel()
		q, c := embeddedQueue(t, 5)
		h := newScripted(map[string]hub.Disposition{"a": ack})
		w := &lambdahub.Worker{Handler: h, Queue: q, MaxReceives: 5}
		send(t, q, "a")
		if _, failed := dispatch(t, q, w); len(failed) != 0 {
			t.Fatalf("failed %v", failed)
		}
		c.Advance(time.Hour)
		if st := stats(t, q); st != (queue.Stats{}) {
			t.Fatalf("queue %+v; want empty", st)
		}
	})

	t.Run("a permanent failure goes to the dead letters with its cause and is not named", func(t *testing.T) {
		t.Parallel()
		q, _ := embeddedQueue(t, 5)
		w := &lambdahub.Worker{Handler: newScripted(map[string]hub.Disposition{"d": permanent}), Queue: q, MaxReceives: 5}
		send(t, q, "d")
		if _, failed := dispatch(t, q, w); len(failed) != 0 {
			t.Fatalf("failed %v; a dead-lettered record is done with", failed)
		}
		dead := deadLetters(t, q)
		if len(dead) != 1 || string(dead[0].Body) != "d" || dead[0].LastError != permanent.Cause || dead[0].Attributes["flow"] != "payroll" {
			t.Fatalf("dead letters %+v; want d with its cause and attributes", dead)
		}
	})

	t.Run("a transient failure is named and comes back after its backoff with one more receive", func(t *testing.T) {
		t.Parallel()
		q, c := embeddedQueue(t, 5)
		h := newScripted(map[string]hub.Disposition{"b": transient})
		w := &lambdahub.Worker{Handler: h, Queue: q, MaxReceives: 5}
		send(t, q, "b")
		if _, failed := dispatch(t, q, w); len(failed) != 1 {
			t.Fatalf("failed %v; want the record named", failed)
		}
		c.Advance(transient.Delay - time.Millisecond)
		if n, _ := dispatch(t, q, w); n != 0 {
			t.Fatal("the record came back before its backoff")
		}
		c.Advance(time.Millisecond)
		if n, _ := dispatch(t, q, w); n != 1 {
			t.Fatal("the record did not come back after its backoff")
		}
		if got := h.counts("b"); !slices.Equal(got, []int{1, 2}) {
			t.Fatalf("receive counts %v; want 1 then 2", got)
		}
	})

	t.Run("the last receive of a failing record dead-letters it with its cause", func(t *testing.T) {
		t.Parallel()
		q, c := embeddedQueue(t, 3)
		h := newScripted(map[string]hub.Disposition{"b": transient})
		w := &lambdahub.Worker{Handler: h, Queue: q, MaxReceives: 3}
		send(t, q, "b")
		var named []int
		for range 3 {
			_, failed := dispatch(t, q, w)
			named = append(named, len(failed))
			c.Advance(time.Minute)
		}
		if !slices.Equal(named, []int{1, 1, 0}) {
			t.Fatalf("named per receive %v; want failures on 1 and 2, none on the last", named)
		}
		dead := deadLetters(t, q)
		if len(dead) != 1 || dead[0].LastError != transient.Cause {
			t.Fatalf("dead letters %+v; want b with the last error", dead)
		}
	})

	for _, tc := range []struct {
		name string
		d    hub.Disposition
	}{
		{"a rate-limited record is not named and comes back after the wait without spending a receive", rateLimited},
		{"a record whose claim another worker holds is not named and comes back after the lease", busy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, c := embeddedQueue(t, 2)
			h := newScripted(map[string]hub.Disposition{"e": tc.d})
			w := &lambdahub.Worker{Handler: h, Queue: q, MaxReceives: 2}
			send(t, q, "e")
			// More waits than the receive limit allows failures: none of them counts.
			for i := range 4 {
				if n, failed := dispatch(t, q, w); n != 1 || len(failed) != 0 {
					t.Fatalf("round %d: received %d, failed %v; want the record handled and not named", i, n, failed)
				}
				c.Advance(tc.d.Delay - time.Millisecond)
				if n, _ := dispatch(t, q, w); n != 0 {
					t.Fatalf("round %d: the copy came back before the wait", i)
				}
				c.Advance(time.Millisecond)
			}
			if got := h.counts("e"); !slices.Equal(got, []int{1, 1, 1, 1}) {
				t.Fatalf("receive counts %v; want every wait to count as nothing", got)
			}
			if dead := deadLetters(t, q); len(dead) != 0 {
				t.Fatalf("dead letters %+v; want none", dead)
			}
			msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
			if err != nil || len(msgs) != 1 || msgs[0].Attributes["flow"] != "payroll" || msgs[0].Attributes["kind"] != "delivery" {
				t.Fatalf("copy %+v, err %v; want one copy with the original attributes", msgs, err)
			}
		})
	}

	t.Run("failures before a rate limit still count towards the receive limit", func(t *testing.T) {
		t.Parallel()
		q, c := embeddedQueue(t, 4)
		script := map[string]hub.Disposition{"x": transient}
		h := newScripted(script)
		w := &lambdahub.Worker{Handler: h, Queue: q, MaxReceives: 4}
		send(t, q, "x")
		for range 2 {
			dispatch(t, q, w)
			c.Advance(time.Minute)
		}
		h.mu.Lock()
		script["x"] = rateLimited
		h.mu.Unlock()
		dispatch(t, q, w)
		c.Advance(time.Hour)
		h.mu.Lock()
		script["x"] = transient
		h.mu.Unlock()
		dispatch(t, q, w)
		c.Advance(time.Minute)
		dispatch(t, q, w)
		if got := h.counts("x"); !slices.Equal(got, []int{1, 2, 3, 3, 4}) {
			t.Fatalf("receive counts %v; want the copy to start where the failures left off", got)
		}
		if dead := deadLetters(t, q); len(dead) != 1 || dead[0].LastError != transient.Cause {
			t.Fatalf("dead letters %+v; want x after its fourth failed receive", dead)
		}
	})

	t.Run("a rate limit longer than SQS can delay is served in steps of the longest delay", func(t *testing.T) {
		t.Parallel()
		q, c := embeddedQueue(t, 5)
		long := rateLimited
		long.Delay = 50 * time.Minute
		w := &lambdahub.Worker{Handler: newScripted(map[string]hub.Disposition{"l": long}), Queue: q, MaxReceives: 5}
		send(t, q, "l")
		dispatch(t, q, w)
		c.Advance(lambdahub.MaxDelay)
		if n, _ := dispatch(t, q, w); n != 1 {
			t.Fatal("the copy did not come back after the longest delay")
		}
	})

	t.Run("if the delayed copy cannot be sent the record is named, so nothing is lost", func(t *testing.T) {
		t.Parallel()
		q, c := embeddedQueue(t, 5)
		w := &lambdahub.Worker{Handler: newScripted(map[string]hub.Disposition{"e": rateLimited}), Queue: failingSend{q}, MaxReceives: 5}
		send(t, q, "e")
		if _, failed := dispatch(t, q, w); len(failed) != 1 {
			t.Fatalf("failed %v; want the record named", failed)
		}
		c.Advance(rateLimited.Delay)
		if n, _ := dispatch(t, q, w); n != 1 {
			t.Fatal("the record did not come back after the wait")
		}
	})
}

// failingSend is a queue whose sends fail.
type failingSend struct{ *sqlitequeue.Queue }

func (failingSend) Send(context.Context, []queue.Outgoing) error {
	return errors.New("sqs: unavailable")
}

func TestMessageReadsTheRecord(t *testing.T) {
	t.Parallel()
	v := func(s string) *string { return &s }
	rec := events.SQSMessage{
		MessageId: "m-1", ReceiptHandle: "r-1", Body: `{"v":1}`,
		Attributes: map[string]string{"ApproximateReceiveCount": "2", "SentTimestamp": "1793582100120"},
		MessageAttributes: map[string]events.SQSMessageAttribute{
			"flow":                           {StringValue: v("payroll"), DataType: "String"},
			lambdahub.PriorReceivesAttribute: {StringValue: v("3"), DataType: "Number"},
			"blob":                           {BinaryValue: []byte{1}, DataType: "Binary"},
		},
	}
	m := lambdahub.Message(rec)
	if m.ID != "m-1" || m.Receipt != "r-1" || string(m.Body) != `{"v":1}` || m.ReceiveCount != 5 {
		t.Fatalf("message %+v; want its id, receipt, body and receive count 2 + 3 prior", m)
	}
	if !m.SentAt.Equal(time.UnixMilli(1793582100120)) {
		t.Fatalf("sent at %v", m.SentAt)
	}
	if len(m.Attributes) != 1 || m.Attributes["flow"] != "payroll" {
		t.Fatalf("attributes %v; want the string ones, without the prior receives", m.Attributes)
	}
	if got := lambdahub.Message(events.SQSMessage{MessageId: "m-2"}); got.ReceiveCount != 1 {
		t.Fatalf("a record without a receive count counts %d; want 1", got.ReceiveCount)
	}
}
