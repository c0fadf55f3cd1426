package lambdahub_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/awstest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/wiring"
)

// eventSource feeds the work queue to the worker function as Lambda's SQS event source
// mapping does: receive up to ten with the queue's visibility timeout, invoke the function
// with the batch as Lambda encodes it, and delete only the records the answer does not name.
// A named record stays and comes back when its visibility (as the handler set it) ends.
type eventSource struct {
	client     *sqs.Client
	queues     awstest.Queues
	worker     lambda.Handler
	visibility int32
}

// drain runs batches until the queue holds nothing visible, in flight or delayed, and
// returns how many records were handled and how many were named as failed.
func (s *eventSource) drain(t *testing.T) (handled, failed int) {
	t.Helper()
	ctx := t.Context()
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) {
		out, err := s.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(s.queues.URL), MaxNumberOfMessages: 10, VisibilityTimeout: s.visibility, WaitTimeSeconds: 1,
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			t.Fatalf("event source: receive: %v", err)
		}
		if len(out.Messages) == 0 {
			if s.depth(t) == 0 {
				return handled, failed
			}
			continue
		}
		payload, err := json.Marshal(s.event(out.Messages))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := s.worker.Invoke(ctx, payload)
		if err != nil {
			t.Fatalf("the worker invocation failed: %v", err)
		}
		var resp events.SQSEventResponse
		if err := json.Unmarshal(raw, &resp); err != nil {
			t.Fatalf("worker answer %s: %v", raw, err)
		}
		named := map[string]bool{}
		for _, f := range resp.BatchItemFailures {
			named[f.ItemIdentifier] = true
		}
		var del []sqstypes.DeleteMessageBatchRequestEntry
		for i, m := range out.Messages {
			if !named[aws.ToString(m.MessageId)] {
				del = append(del, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
			}
		}
		if len(del) > 0 {
			// As Lambda's, these deletes may name a record the worker already moved; SQS
			// answers for each, and the event source goes on either way.
			if _, err := s.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(s.queues.URL), Entries: del}); err != nil {
				t.Fatalf("event source: delete: %v", err)
			}
		}
		handled += len(out.Messages)
		failed += len(named)
	}
	t.Fatalf("the queue did not drain; %d messages left", s.depth(t))
	return handled, failed
}

// event is the SQS event Lambda builds from a receive.
func (s *eventSource) event(msgs []sqstypes.Message) events.SQSEvent {
	var ev events.SQSEvent
	for _, m := range msgs {
		rec := events.SQSMessage{
			MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
			Md5OfBody: aws.ToString(m.MD5OfBody), Md5OfMessageAttributes: aws.ToString(m.MD5OfMessageAttributes),
			Attributes: m.Attributes, MessageAttributes: map[string]events.SQSMessageAttribute{},
			EventSource: "aws:sqs", EventSourceARN: "arn:aws:sqs:" + awstest.Region + ":000000000000:work", AWSRegion: awstest.Region,
		}
		for k, v := range m.MessageAttributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{StringValue: v.StringValue, BinaryValue: v.BinaryValue, DataType: aws.ToString(v.DataType)}
		}
		ev.Records = append(ev.Records, rec)
	}
	return ev
}

// depth is what the work queue holds: visible, in flight and delayed.
func (s *eventSource) depth(t *testing.T) int {
	t.Helper()
	out, err := s.client.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(s.queues.URL), AttributeNames: []sqstypes.QueueAttributeName{
		sqstypes.QueueAttributeNameApproximateNumberOfMessages,
		sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed,
	}})
	if err != nil {
		t.Fatalf("queue depth: %v", err)
	}
	n := 0
	for _, v := range out.Attributes {
		c, _ := strconv.Atoi(v)
		n += c
	}
	return n
}

// payMonth is the month whose pay period closed most recently in Tokyo, which both the
// sandbox (its demo month) and the flow (its default period) take from the clock.
func payMonth() (int, time.Month) {
	y, m, _ := time.Now().In(time.FixedZone("JST", 9*60*60)).Date()
	last := model.NewDate(y, m, 0)
	return last.Year, last.Month
}

// The demo flow through the real function handlers on kumo ends as the embedded runtime
// ends, record for record: the schedule function plans onto SQS, the worker function
// delivers through the DynamoDB ledger to the freee sandbox, and a second sandbox of the
// same seed, synced by shared/local, holds the same summaries.
func TestEndToEndOnKumoMatchesTheEmbeddedRuntime(t *testing.T) {
	t.Parallel()
	const employees, seed = 12, 21
	year, month := payMonth()
	sbAWS := startSandbox(t, seed, employees, year, month)
	sbLocal := startSandbox(t, seed, employees, year, month)

	kumo := awstest.Start(t)
	qs := kumo.QueuePair(t, 5)
	table := kumo.Table(t)
	// The emulator is shared by the whole test binary: a prefix of this run's own.
	prefix := awstest.Unique("urakata/e2e-") + "/"
	kumo.PutSecret(t, prefix+"FREEE_HR", sandboxSecret())
	env := mapEnv{
		"URAKATA_QUEUE_URL": qs.URL, "URAKATA_DLQ_URL": qs.DeadLetterURL, "URAKATA_TABLE": table,
		"URAKATA_SECRET_PREFIX": prefix, "URAKATA_CONFIG": writeHub(t, hubText(sbAWS.BaseURL(), sbAWS.TokenURL(), "")),
		"URAKATA_MAX_RECEIVES": "5", "URAKATA_LOG_LEVEL": "error",
	}
	awsOpts := []func(*aws.Config){func(c *aws.Config) {
		c.BaseEndpoint, c.Region, c.Credentials = aws.String(kumo.Server.URL), awstest.Region, kumo.Config.Credentials
	}}
	// Each function's cold start, as main does it.
	h, err := lambdahub.Open(t.Context(), wiring.RoleWorker, env.get, awsOpts...)
	if err != nil {
		t.Fatal(err)
	}
	replay, err := lambdahub.OpenReplay(t.Context(), env.get, awsOpts...)
	if err != nil {
		t.Fatal(err)
	}
	schedule := lambda.NewHandlerWithOptions(h.ScheduleHandler().Handle, lambdahub.StrictInput)
	src := &eventSource{client: kumo.SQS(), queues: qs, worker: lambda.NewHandler(h.WorkerHandler().Handle), visibility: 30}

	runSchedule := func() lambdahub.ScheduleOutput {
		t.Helper()
		raw, err := schedule.Invoke(t.Context(), fixture(t, "scheduler-input.json"))
		if err != nil {
			t.Fatalf("schedule: %v", err)
		}
		var out lambdahub.ScheduleOutput
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	// The schedule fires: every employee on the payroll gets a delivery.
	first := runSchedule()
	wantPeriod := model.NewDate(year, month, 1).String()[:7]
	if first.Period != wantPeriod || first.Queued == 0 || first.Queued != first.Read {
		t.Fatalf("schedule %+v; want every record of %s queued (if the month turned during the test, run it again)", first, wantPeriod)
	}
	t.Logf("schedule: period %s, read %d, queued %d", first.Period, first.Read, first.Queued)
	if handled, failed := src.drain(t); handled != first.Queued || failed != 0 {
		t.Fatalf("the worker handled %d with %d failures; want %d deliveries, none failed", handled, failed, first.Queued)
	}

	// The same flow on the embedded runtime, on the twin sandbox.
	lh, err := local.Open(t.Context(), mustLoad(t, writeHub(t, hubText(sbLocal.BaseURL(), sbLocal.TokenURL(), t.TempDir()))), local.Options{
		Secrets: secrets.Static{"FREEE_HR": sandboxSecret()}, Logger: quietLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lh.Run(t.Context(), local.RunRequest{Period: first.Period, Trigger: "test"})
	lh.Close()
	if err != nil || !res.OK || res.Flows[0].Delivered != first.Queued {
		t.Fatalf("embedded run %+v, err %v; want %d delivered", res, err, first.Queued)
	}

	written := 0
	for _, e := range sbAWS.Employees() {
		got, inAWS := sbAWS.Summary(e.ID, year, month)
		want, inLocal := sbLocal.Summary(e.ID, year, month)
		if inAWS != inLocal || got != want {
			t.Errorf("employee %d: AWS wrote %+v (%v), the embedded runtime %+v (%v)", e.ID, got, inAWS, want, inLocal)
		}
		if inAWS {
			written++
			if n := sbAWS.PutCount(e.ID, year, month); n != 1 {
				t.Errorf("employee %d: summary written %d times; want once", e.ID, n)
			}
		}
	}
	if written != first.Queued {
		t.Fatalf("%d summaries written; want %d", written, first.Queued)
	}

	// The schedule fires again: the ledger says everything is done, nothing new goes out.
	second := runSchedule()
	if second.Queued != 0 || second.Skipped != first.Queued {
		t.Fatalf("second schedule %+v; want all %d skipped, none queued", second, first.Queued)
	}
	if handled, _ := src.drain(t); handled != 0 {
		t.Fatalf("the worker handled %d after the second schedule; want nothing", handled)
	}

	// A webhook with a bad token is refused and enqueues nothing.
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(fixture(t, "apigw-v2-webhook.json"), &req); err != nil {
		t.Fatal(err)
	}
	webhook := h.WebhookHandler()
	bad := req
	bad.Headers = map[string]string{"content-type": "application/json", "x-freee-token": "forged"}
	if res, err := webhook.Handle(t.Context(), bad); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged webhook: %d %q, err %v; want 401", res.StatusCode, res.Body, err)
	}
	if n := src.depth(t); n != 0 {
		t.Fatalf("%d messages queued after a forged webhook; want none", n)
	}

	// A genuine one starts a run through the worker, which finds nothing new to write.
	if res, err := webhook.Handle(t.Context(), req); err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("webhook: %d %q, err %v; want 202", res.StatusCode, res.Body, err)
	}
	if handled, failed := src.drain(t); handled != 1 || failed != 0 {
		t.Fatalf("the worker handled %d (%d failed) after the webhook; want its one job", handled, failed)
	}
	puts := 0
	for _, e := range sbAWS.Employees() {
		puts += sbAWS.PutCount(e.ID, year, month)
	}
	if puts != written {
		t.Fatalf("%d summary writes in all; want %d, one per employee", puts, written)
	}

	// Nothing went to the dead letters, so a replay of all finds nothing.
	if out, err := replay.Handle(t.Context(), lambdahub.ReplayInput{All: true}); err != nil || out.Replayed != 0 {
		t.Fatalf("replay all: %+v, err %v; want nothing to replay", out, err)
	}
}

func mustLoad(t *testing.T, path string) *config.File {
	t.Helper()
	cfg, err := config.Load(path, wiring.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
