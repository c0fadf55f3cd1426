package sqsqueue_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/urakata/urakata/shared/awstest"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/queuetest"
	"github.com/urakata/urakata/shared/queue/sqsqueue"
)

// newQueue makes a fresh queue pair on env and the adapter over it.
func newQueue(t testing.TB, env *awstest.Env, maxReceives int) *sqsqueue.Queue {
	t.Helper()
	qs := env.QueuePair(t, maxReceives)
	q, err := sqsqueue.New(env.SQS(), sqsqueue.Options{
		QueueURL:      qs.URL,
		DeadLetterURL: qs.DeadLetterURL,
		MaxReceives:   maxReceives,
		// kumo ends a long poll only when a message is sent, not when one becomes visible.
		PollWait: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestConformance(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	queuetest.Run(t, func(t *testing.T, maxReceives int) queuetest.Subject {
		return newQueue(t, env, maxReceives)
	}, queuetest.Features{
		// SQS counts visibility and delay in whole seconds.
		Tick: time.Second,
		// Send splits any batch into calls of ten.
		MaxSend: 100,
		// kumo is exact; SQS's counts lag by up to a minute, which a run against AWS
		// would declare here.
		Settle: 0,
		// SQS's DeleteMessage succeeds with a receipt whose message was received again.
		DeleteReportsStale: false,
	})
}

// receiveOne waits for one message.
func receiveOne(t *testing.T, q *sqsqueue.Queue, visibility time.Duration) queue.Message {
	t.Helper()
	msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 1, Visibility: visibility, Wait: 5 * time.Second})
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

// allDead lists every dead letter, page by page.
func allDead(t *testing.T, q *sqsqueue.Queue) []queue.DeadLetter {
	t.Helper()
	var all []queue.DeadLetter
	after := ""
	for {
		page, err := q.ListDead(t.Context(), after, 10)
		if err != nil {
			t.Fatalf("list dead letters: %v", err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
}

func send(t *testing.T, q *sqsqueue.Queue, msgs ...queue.Outgoing) {
	t.Helper()
	if err := q.Send(t.Context(), msgs); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func TestAMessageWhoseHandlerDiedIsMovedByTheRedrivePolicyAndSaysSo(t *testing.T) {
	t.Parallel()
	q := newQueue(t, awstest.Start(t), 2)
	send(t, q, queue.Outgoing{Body: []byte("crashes its handler"), Attributes: map[string]string{"flow": "expenses"}})

	// Two receives whose handler never answers: the visibility simply runs out.
	first := receiveOne(t, q, time.Second)
	receiveOne(t, q, time.Second)
	// The receive past the limit finds nothing: the redrive policy moved it.
	if msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 1, Wait: 3 * time.Second}); err != nil || len(msgs) != 0 {
		t.Fatalf("receive past the limit: %d messages, err %v; want none", len(msgs), err)
	}
	dead := allDead(t, q)
	if len(dead) != 1 {
		t.Fatalf("%d dead letters, want 1", len(dead))
	}
	d := dead[0]
	if d.ID != first.ID || string(d.Body) != "crashes its handler" || d.Attributes["flow"] != "expenses" {
		t.Errorf("dead letter %s %q %v, want %s as sent", d.ID, d.Body, d.Attributes, first.ID)
	}
	if d.ReceiveCount != 2 || d.LastError != sqsqueue.PolicyMoved || d.DeadAt.IsZero() {
		t.Errorf("dead letter counted %d, last error %q, dead at %v; want 2, the policy's note, a time",
			d.ReceiveCount, d.LastError, d.DeadAt)
	}
	if !d.SentAt.Equal(first.SentAt) {
		t.Errorf("sent at %v, want %v", d.SentAt, first.SentAt)
	}
}

func TestAMessageKeepsItsIDAndSendTimeThroughBuryAndRedrive(t *testing.T) {
	t.Parallel()
	q := newQueue(t, awstest.Start(t), 0)
	send(t, q, queue.Outgoing{Body: []byte("twice dead"), Attributes: map[string]string{"kind": "delivery"}})
	first := receiveOne(t, q, time.Minute)
	if err := q.Bury(t.Context(), first.Receipt, "vendor said 422"); err != nil {
		t.Fatalf("bury: %v", err)
	}
	if n, err := q.Redrive(t.Context(), []string{first.ID}); err != nil || n != 1 {
		t.Fatalf("redrive moved %d, err %v; want 1", n, err)
	}
	again := receiveOne(t, q, time.Minute)
	if again.ID != first.ID || !again.SentAt.Equal(first.SentAt) || again.ReceiveCount != 1 {
		t.Errorf("redriven: %s sent %v counted %d; want %s sent %v counted 1",
			again.ID, again.SentAt, again.ReceiveCount, first.ID, first.SentAt)
	}
	if again.Attributes["kind"] != "delivery" || len(again.Attributes) != 1 {
		t.Errorf("redriven attributes %v, want the message's own only", again.Attributes)
	}
	if err := q.Bury(t.Context(), again.Receipt, "vendor said 422 again"); err != nil {
		t.Fatalf("bury again: %v", err)
	}
	dead := allDead(t, q)
	if len(dead) != 1 || dead[0].ID != first.ID || dead[0].LastError != "vendor said 422 again" || !dead[0].SentAt.Equal(first.SentAt) {
		t.Errorf("dead letters %+v, want %s once, with the second cause", dead, first.ID)
	}
}

func TestAdoptLetsAMessageReceivedElsewhereBeRetriedAndBuried(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	qs := env.QueuePair(t, 0)
	q, err := sqsqueue.New(env.SQS(), sqsqueue.Options{QueueURL: qs.URL, DeadLetterURL: qs.DeadLetterURL, PollWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	send(t, q, queue.Outgoing{Body: []byte("from lambda"), Attributes: map[string]string{"flow": "payroll"}})

	// What a Lambda event source hands over.
	raw, err := env.SQS().ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(qs.URL), VisibilityTimeout: 60, WaitTimeSeconds: 1,
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
	})
	if err != nil || len(raw.Messages) != 1 {
		t.Fatalf("raw receive: %d messages, err %v", len(raw.Messages), err)
	}
	m := raw.Messages[0]
	r := sqsqueue.Received{
		MessageID: *m.MessageId, ReceiptHandle: *m.ReceiptHandle, Body: *m.Body,
		Attributes: m.Attributes, MessageAttributes: map[string]string{}, Visibility: time.Minute,
	}
	for k, v := range m.MessageAttributes {
		r.MessageAttributes[k] = *v.StringValue
	}

	if err := q.Retry(t.Context(), r.ReceiptHandle, 0, "not adopted yet"); !errors.Is(err, queue.ErrStaleReceipt) {
		t.Errorf("retry before adopt: err = %v, want ErrStaleReceipt", err)
	}
	msg := q.Adopt(r)
	if msg.ID != *m.MessageId || string(msg.Body) != "from lambda" || msg.ReceiveCount != 1 || msg.Attributes["flow"] != "payroll" || msg.SentAt.IsZero() {
		t.Errorf("adopted %+v, want the message as sent, counted 1", msg)
	}
	if err := q.Retry(t.Context(), msg.Receipt, time.Second, "rate limited"); err != nil {
		t.Fatalf("retry: %v", err)
	}
	back := receiveOne(t, q, time.Minute)
	if back.ID != msg.ID || back.ReceiveCount != 2 {
		t.Errorf("after retry: %s counted %d, want %s counted 2", back.ID, back.ReceiveCount, msg.ID)
	}
	if err := q.Bury(t.Context(), back.Receipt, "permanent"); err != nil {
		t.Fatalf("bury: %v", err)
	}
	if dead := allDead(t, q); len(dead) != 1 || dead[0].ID != msg.ID || dead[0].ReceiveCount != 2 {
		t.Errorf("dead letters %+v, want %s counted 2", dead, msg.ID)
	}
}

func TestSendRefusesWhatSQSWouldRefuseAndSendsNothing(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	tooMany := map[string]string{}
	for i := range sqsqueue.MaxAttributes + 1 {
		tooMany[fmt.Sprint("a", i)] = "x"
	}
	tests := []struct {
		name string
		msg  queue.Outgoing
	}{
		{"an empty body", queue.Outgoing{}},
		{"a body that is not UTF-8", queue.Outgoing{Body: []byte{0xff, 0xfe}}},
		{"a body with a control character", queue.Outgoing{Body: []byte("bell\a")}},
		{"a delay over fifteen minutes", queue.Outgoing{Body: []byte("late"), Delay: 16 * time.Minute}},
		{"the adapter's own attribute", queue.Outgoing{Body: []byte("x"), Attributes: map[string]string{sqsqueue.OriginAttribute: "{}"}}},
		{"an attribute name SQS reserves", queue.Outgoing{Body: []byte("x"), Attributes: map[string]string{"AWS.trace": "1"}}},
		{"an attribute name with a space", queue.Outgoing{Body: []byte("x"), Attributes: map[string]string{"run id": "1"}}},
		{"more attributes than SQS allows beside the adapter's", queue.Outgoing{Body: []byte("x"), Attributes: tooMany}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := newQueue(t, env, 0)
			err := q.Send(t.Context(), []queue.Outgoing{{Body: []byte("fine")}, tt.msg})
			if !errors.Is(err, sqsqueue.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if st, err := q.Stats(t.Context()); err != nil || st != (queue.Stats{}) {
				t.Errorf("after a refused batch: stats %+v, err %v; want an empty queue", st, err)
			}
		})
	}
}

func TestAnAttributeWithAnEmptyValueIsLeftOut(t *testing.T) {
	t.Parallel()
	q := newQueue(t, awstest.Start(t), 0)
	send(t, q, queue.Outgoing{Body: []byte("x"), Attributes: map[string]string{"flow": "payroll", "run_id": ""}})
	m := receiveOne(t, q, time.Minute)
	if len(m.Attributes) != 1 || m.Attributes["flow"] != "payroll" {
		t.Errorf("attributes %v, want only flow", m.Attributes)
	}
}

func TestABatchLargerThanOneCallCarriesArrivesWhole(t *testing.T) {
	t.Parallel()
	q := newQueue(t, awstest.Start(t), 0)
	var batch []queue.Outgoing
	for i := range 10 {
		batch = append(batch, queue.Outgoing{Body: []byte(fmt.Sprintf("%02d", i) + strings.Repeat("x", 60*1024))})
	}
	send(t, q, batch...)
	st, err := q.Stats(t.Context())
	if err != nil || st.Visible != 10 {
		t.Errorf("stats %+v, err %v; want 10 visible", st, err)
	}
}

func TestSendToAMissingQueueReportsEveryMessageUnsent(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	qs := env.QueuePair(t, 0)
	q, err := sqsqueue.New(env.SQS(), sqsqueue.Options{QueueURL: qs.URL + "-gone", DeadLetterURL: qs.DeadLetterURL})
	if err != nil {
		t.Fatal(err)
	}
	var batch []queue.Outgoing
	for i := range 12 {
		batch = append(batch, queue.Outgoing{Body: []byte(fmt.Sprint("message ", i))})
	}
	err = q.Send(t.Context(), batch)
	se, ok := errors.AsType[*sqsqueue.SendError](err)
	if !ok {
		t.Fatalf("err = %v, want a *SendError", err)
	}
	if se.Total != 12 || len(se.Unsent) != 12 || se.Unsent[0] != 0 || se.Unsent[11] != 11 {
		t.Errorf("unsent %v of %d, want all 12", se.Unsent, se.Total)
	}
}

func TestListingResumesAfterADeadLetterThatWasRedriven(t *testing.T) {
	t.Parallel()
	q := newQueue(t, awstest.Start(t), 0)
	for _, b := range []string{"first", "second", "third"} {
		send(t, q, queue.Outgoing{Body: []byte(b)})
		m := receiveOne(t, q, time.Minute)
		if err := q.Bury(t.Context(), m.Receipt, "test"); err != nil {
			t.Fatalf("bury: %v", err)
		}
	}
	page, err := q.ListDead(t.Context(), "", 1)
	if err != nil || len(page) != 1 || string(page[0].Body) != "first" {
		t.Fatalf("first page %+v, err %v; want the first letter", page, err)
	}
	if n, err := q.Redrive(t.Context(), []string{page[0].ID}); err != nil || n != 1 {
		t.Fatalf("redrive moved %d, err %v", n, err)
	}
	rest, err := q.ListDead(t.Context(), page[0].ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, d := range rest {
		bodies = append(bodies, string(d.Body))
	}
	// Letters sort by first send time, then id; the emulator stamps sends to the second,
	// so two letters sent within one second may come in either order.
	slices.Sort(bodies)
	if fmt.Sprint(bodies) != "[second third]" {
		t.Errorf("after the redriven letter: %v, want second and third", bodies)
	}
	if page, err := q.ListDead(t.Context(), "never-listed", 10); err != nil || len(page) != 0 {
		t.Errorf("after an id never listed: %d letters, err %v; want an empty page", len(page), err)
	}
}

func TestNewRefusesOptionsItCannotWorkWith(t *testing.T) {
	t.Parallel()
	client := sqs.NewFromConfig(aws.Config{Region: awstest.Region})
	tests := []struct {
		name   string
		client *sqs.Client
		opts   sqsqueue.Options
	}{
		{"no client", nil, sqsqueue.Options{QueueURL: "q", DeadLetterURL: "d"}},
		{"no queue URL", client, sqsqueue.Options{DeadLetterURL: "d"}},
		{"no dead-letter queue URL", client, sqsqueue.Options{QueueURL: "q"}},
		{"a negative receive limit", client, sqsqueue.Options{QueueURL: "q", DeadLetterURL: "d", MaxReceives: -1}},
		{"a poll longer than SQS allows", client, sqsqueue.Options{QueueURL: "q", DeadLetterURL: "d", PollWait: time.Minute}},
	}
	for _, tt := range tests {
		if _, err := sqsqueue.New(tt.client, tt.opts); !errors.Is(err, sqsqueue.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tt.name, err)
		}
	}
}
