package lambdahub_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/awstest"
	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/flows/helpdesk"
	"github.com/urakata/urakata/shared/wiring"
)

// apiGateway serves the webhook function as API Gateway's HTTP API does: each request to
// /hooks/{connection} becomes a payload format 2.0 event for the handler, and its answer
// the HTTP response.
func apiGateway(t *testing.T, webhook *lambdahub.Webhook) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "POST /hooks/{connection}", RawPath: r.URL.Path, RawQueryString: r.URL.RawQuery,
			Headers: map[string]string{}, Body: string(body),
			PathParameters: map[string]string{"connection": strings.TrimPrefix(r.URL.Path, "/hooks/")},
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				Stage: "$default", DomainName: r.Host,
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method, Path: r.URL.Path, SourceIP: "192.0.2.1"},
			},
		}
		for k, v := range r.Header {
			req.Headers[strings.ToLower(k)] = strings.Join(v, ",")
		}
		res, err := webhook.Handle(r.Context(), req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for k, v := range res.Headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(res.StatusCode)
		_, _ = io.WriteString(w, res.Body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// helpdeskConfig writes the hub.yaml of a chat bot on the Slack sandbox, answering from the
// demo knowledge base, beside a shared flow that has nothing to do with chat.
func helpdeskConfig(t *testing.T, slack *slacktest.Server, backoffice string) string {
	t.Helper()
	kb, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "faq"))
	if err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {workers: 2, lease: 30s, visibility: 30s, max_receives: 3}
connections:
  freee-hr:
    vendor: freee-hr
    base_url: http://127.0.0.1:9/hr
    secret: FREEE_HR
    settings: {company_id: 1}
  slack:
    vendor: slack
    base_url: %s
    secret: SLACK
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 480}
  helpdesk:
    type: chat-helpdesk
    source: slack
    target: slack
    trigger: {webhook: {connection: slack}}
    mapping: {kb: %q, backoffice_channel: %s}
`, slack.BaseURL(), kb, backoffice)
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A Slack mention posted to the webhook function lands on the helpdesk queue, not the work
// queue, and the helpdesk function's handler answers it in the thread, from the FAQ, in the
// Slack sandbox: the functions as main builds them, on kumo.
func TestTheHelpdeskFunctionAnswersAChatEventTheWebhookFunctionQueued(t *testing.T) {
	t.Parallel()
	slack := slacktest.New(slacktest.Options{Seed: 11, Employees: 2, NoRateLimit: true})
	if err := slack.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		slack.Close()
		for _, v := range slack.Violations() {
			t.Errorf("slack sandbox: %s", v)
		}
	})
	general, _ := slack.Channel(slacktest.ChannelGeneral)
	backoffice, _ := slack.Channel(slacktest.ChannelBackOffice)
	asker, ok := slack.UserByEmail(slacktest.DemoPerson(0).Email)
	if !ok {
		t.Fatal("the Slack sandbox has no demo person")
	}

	kumo := awstest.Start(t)
	work, desk := kumo.QueuePair(t, 3), kumo.QueuePair(t, 3)
	table := kumo.Table(t)
	prefix := awstest.Unique("urakata/helpdesk-") + "/"
	slackSecret, _ := json.Marshal(map[string]string{"bot_token": slacktest.DefaultBotToken, "signing_secret": slacktest.DefaultSigningSecret})
	kumo.PutSecret(t, prefix+"SLACK", string(slackSecret))
	// FREEE_HR is not put: neither function may need it (the worker's flow is not theirs).
	deskQueue, deskDLQ := lambdahub.FunctionQueueEnv(helpdesk.FunctionName)
	env := mapEnv{
		"URAKATA_QUEUE_URL": work.URL, "URAKATA_DLQ_URL": work.DeadLetterURL, "URAKATA_TABLE": table,
		"URAKATA_SECRET_PREFIX": prefix, "URAKATA_CONFIG": helpdeskConfig(t, slack, backoffice.ID),
		"URAKATA_MAX_RECEIVES": "3", "URAKATA_LOG_LEVEL": "error",
		"URAKATA_ROUTES": "helpdesk=" + helpdesk.FunctionName, deskQueue: desk.URL, deskDLQ: desk.DeadLetterURL,
	}
	awsOpts := []func(*aws.Config){func(c *aws.Config) {
		c.BaseEndpoint, c.Region, c.Credentials = aws.String(kumo.Server.URL), awstest.Region, kumo.Config.Credentials
	}}
	webhookHub, err := lambdahub.Open(t.Context(), wiring.RoleWebhook, env.get, awsOpts...)
	if err != nil {
		t.Fatalf("webhook cold start: %v", err)
	}
	deskHub, err := lambdahub.Open(t.Context(), wiring.FunctionRole(helpdesk.FunctionName), env.get, awsOpts...)
	if err != nil {
		t.Fatalf("helpdesk cold start: %v", err)
	}
	if _, built := deskHub.Parts.Flow("helpdesk"); !built || len(deskHub.Parts.Flows) != 1 {
		t.Fatalf("the helpdesk function built %d flows; want the bot alone", len(deskHub.Parts.Flows))
	}
	gateway := apiGateway(t, webhookHub.WebhookHandler())
	deskSource := &eventSource{client: kumo.SQS(), queues: desk, worker: lambda.NewHandler(deskHub.WorkerHandler().Handle), visibility: 30}
	workSource := &eventSource{client: kumo.SQS(), queues: work}

	// Slack checks the Request URL before it sends events: the same webhook URL answers.
	if d, err := slack.SendURLVerification(t.Context(), gateway.URL+"/hooks/slack"); err != nil || !d.Acked() {
		t.Fatalf("url_verification: %+v, %v; want it answered", d, err)
	}

	ev := slack.Mention(asker.ID, general.ID, "給料日っていつだっけ")
	d, err := slack.SendEvent(t.Context(), gateway.URL+"/hooks/slack", ev)
	if err != nil || !d.Acked() || len(d.Attempts) != 1 {
		t.Fatalf("delivery %+v, %v; want the webhook function to acknowledge the event at once", d, err)
	}
	if n := workSource.depth(t); n != 0 {
		t.Fatalf("the work queue holds %d messages; the bot's job belongs on the helpdesk queue", n)
	}
	if n := deskSource.depth(t); n != 1 {
		t.Fatalf("the helpdesk queue holds %d messages; want the event's one job", n)
	}
	// The job plans the reply, which the next batch posts.
	start := time.Now()
	if handled, failed := deskSource.drain(t); handled != 2 || failed != 0 {
		t.Fatalf("the helpdesk function handled %d records (%d failed); want the job and its reply", handled, failed)
	}
	t.Logf("helpdesk: job and reply in %s, the dictionary's first load included", time.Since(start).Round(time.Millisecond))

	kb, err := faq.Load(t.Context(), faq.Dir(filepath.Join("..", "..", "..", "testdata", "faq")))
	if err != nil {
		t.Fatal(err)
	}
	want, ok := kb.Entry("payday")
	if !ok {
		t.Fatal("the demo knowledge base has no payday entry")
	}
	var question string
	for _, m := range slack.Messages(general.ID) {
		if m.User == asker.ID && m.Text == ev.Text {
			question = m.TS
		}
	}
	threadReplies := func() []string {
		var out []string
		for _, m := range slack.Messages(general.ID) {
			if m.BotID != "" && m.ThreadTS == question {
				out = append(out, m.Text)
			}
		}
		return out
	}
	if replies := threadReplies(); len(replies) != 1 || replies[0] != want.AnswerIn(faq.Japanese) {
		t.Fatalf("bot replies %q in the question's thread; want the payday entry's answer once", replies)
	}

	// Slack sends the same event again (it thought the answer lost): it is answered once.
	first := d.Attempts[0]
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, gateway.URL+"/hooks/slack", strings.NewReader(string(first.Body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = first.Header.Clone()
	req.Header.Set(slacktest.RetryNumHeader, "1")
	req.Header.Set(slacktest.RetryReasonHeader, "http_timeout")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("the retried event was answered %d; want 2xx", res.StatusCode)
	}
	deskSource.drain(t)
	if got := threadReplies(); len(got) != 1 {
		t.Fatalf("bot replies %q after Slack's retry; want still one", got)
	}
	if n := workSource.depth(t); n != 0 {
		t.Fatalf("the work queue holds %d messages; want none", n)
	}

	// The replay function looks in the helpdesk's dead letters too: nothing died.
	replay, err := lambdahub.OpenReplay(t.Context(), env.get, awsOpts...)
	if err != nil {
		t.Fatal(err)
	}
	if len(replay.Functions) != 1 {
		t.Fatalf("the replay function reads %d functions' dead letters; want the helpdesk's", len(replay.Functions))
	}
	if out, err := replay.Handle(t.Context(), lambdahub.ReplayInput{All: true}); err != nil || out.Replayed != 0 {
		t.Fatalf("replay all: %+v, %v; want nothing to replay", out, err)
	}
}
