package lambdahub_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/awstest"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/wiring"
)

// In AWS no function sees a run end, so alerts close on what each piece shows: on kumo, a
// reconnect alert the schedule function raised closes when a later scheduled run plans
// cleanly, and a dead letter the worker buried closes when it is replayed and delivered, or
// when a delivery of a later run reaches freee, never when the other deliveries of its own
// run do.
func TestAlertsCloseOnLambdaWhenALaterRunSucceeds(t *testing.T) {
	t.Parallel()
	year, month := payMonth()
	sb := startSandbox(t, 31, 3, year, month)
	slack := slacktest.New(slacktest.Options{Seed: 31, Employees: 2, NoRateLimit: true})
	if err := slack.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		slack.Close()
		for _, v := range slack.Violations() {
			t.Errorf("slack sandbox: %s", v)
		}
	})
	ops, _ := slack.Channel(slacktest.ChannelBackOffice)
	opsPosts := func() []string {
		var out []string
		for _, m := range slack.Messages(ops.ID) {
			out = append(out, m.Text)
		}
		return out
	}

	kumo := awstest.Start(t)
	qs := kumo.QueuePair(t, 2)
	prefix := awstest.Unique("urakata/alerts-") + "/"
	revoked, _ := json.Marshal(map[string]string{"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "revoked"})
	kumo.PutSecret(t, prefix+"FREEE_HR", string(revoked))
	slackSecret, _ := json.Marshal(map[string]string{"bot_token": slacktest.DefaultBotToken})
	kumo.PutSecret(t, prefix+"SLACK", string(slackSecret))
	yaml := withSlackAlerts(hubText(sb.BaseURL(), sb.TokenURL(), ""), slack.BaseURL(), ops.ID)
	path := writeHub(t, strings.Replace(yaml, "max_receives: 5", "max_receives: 2", 1))
	env := mapEnv{
		"URAKATA_QUEUE_URL": qs.URL, "URAKATA_DLQ_URL": qs.DeadLetterURL, "URAKATA_TABLE": kumo.Table(t),
		"URAKATA_SECRET_PREFIX": prefix, "URAKATA_CONFIG": path, "URAKATA_MAX_RECEIVES": "2", "URAKATA_LOG_LEVEL": "error",
	}
	awsOpts := []func(*aws.Config){func(c *aws.Config) {
		c.BaseEndpoint, c.Region, c.Credentials = aws.String(kumo.Server.URL), awstest.Region, kumo.Config.Credentials
	}}
	open := func(role wiring.Role) *lambdahub.Hub {
		t.Helper()
		h, err := lambdahub.Open(t.Context(), role, env.get, awsOpts...)
		if err != nil {
			t.Fatalf("%s cold start: %v", role, err)
		}
		return h
	}
	openAlerts := func(h *lambdahub.Hub) []string {
		t.Helper()
		open, err := h.Alerts.Open(t.Context(), "timeclock-to-payroll")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range open {
			out = append(out, string(o.Kind)+" "+o.Connection)
		}
		return out
	}
	in := lambdahub.ScheduleInput{Flow: "timeclock-to-payroll"}

	// The refresh token is revoked: the scheduled run fails and says to reconnect.
	first := open(wiring.RoleSchedule)
	if _, err := first.ScheduleHandler().Handle(t.Context(), in); err == nil {
		t.Fatal("the schedule planned with a revoked refresh token")
	}
	if got := openAlerts(first); len(got) != 1 || got[0] != "reconnect freee-hr" {
		t.Fatalf("open alerts %q; want the reconnect", got)
	}

	// Someone authorises the app again; a fresh container plans the next run cleanly.
	_, err := kumo.SecretsManager().PutSecretValue(t.Context(), &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(prefix + "FREEE_HR"), SecretString: aws.String(sandboxSecret()),
	})
	if err != nil {
		t.Fatal(err)
	}
	schedule := open(wiring.RoleSchedule)
	run, err := schedule.ScheduleHandler().Handle(t.Context(), in)
	if err != nil || run.Queued != 3 || run.Failed != 0 {
		t.Fatalf("schedule %+v, %v; want three deliveries planned", run, err)
	}
	if got := openAlerts(schedule); len(got) != 0 {
		t.Fatalf("open alerts %q after a clean plan; want the reconnect closed", got)
	}
	if posts := opsPosts(); len(posts) != 2 || !strings.Contains(posts[1], "Recovered: flow timeclock-to-payroll planned every record without an error") {
		t.Fatalf("operations channel %q; want the reconnect alert and its recovery", posts)
	}

	// freee fails an employee's summary on both receives (each tries five times: the client
	// retries a 500 four times): it is buried and alerted, and the other deliveries of the
	// same run do not close the alert.
	worker := open(wiring.RoleWorker)
	src := &eventSource{client: kumo.SQS(), queues: qs, worker: lambda.NewHandler(worker.WorkerHandler().Handle), visibility: 30}
	failSummary := func(employee int) {
		sb.Fail(freeetest.FaultServerError, 10, fmt.Sprintf("PUT /hr/api/v1/employees/%d/work_record_summaries/*/*", employee))
	}
	emps := sb.Employees()
	failSummary(emps[0].ID)
	src.drain(t)
	if got := openAlerts(worker); len(got) != 1 || got[0] != "dead-letter freee-hr" {
		t.Fatalf("open alerts %q; want the dead letter, open", got)
	}

	// The cause is gone (the faults are spent); the replay function sends the dead letter
	// back and its delivery closes the alert, as a replay does on the embedded runtime.
	replay, err := lambdahub.OpenReplay(t.Context(), env.get, awsOpts...)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := replay.Handle(t.Context(), lambdahub.ReplayInput{All: true}); err != nil || out.Replayed != 1 {
		t.Fatalf("replay %+v, %v; want the dead letter sent back", out, err)
	}
	if handled, failed := src.drain(t); handled != 1 || failed != 0 {
		t.Fatalf("the worker handled %d (%d failed) after the replay; want the one delivery", handled, failed)
	}
	if got := openAlerts(worker); len(got) != 0 {
		t.Fatalf("open alerts %q after the replay delivered; want none", got)
	}
	posts := opsPosts()
	if len(posts) != 4 || !strings.Contains(posts[2], "freee-hr") || !strings.Contains(posts[3], "Recovered: flow timeclock-to-payroll delivered to freee-hr again") {
		t.Fatalf("operations channel %q; want the dead-letter alert and its recovery", posts)
	}

	// Another employee's day changes and its new summary dies the same way.
	var d freeetest.Day
	for day := 1; day <= 28 && d.ClockOut.IsZero(); day++ {
		d, _ = sb.Attendance(emps[1].ID, model.NewDate(year, month, day))
	}
	if d.ClockOut.IsZero() {
		t.Fatal("the sandbox has no worked day to change")
	}
	d.ClockOut = d.ClockOut.Add(time.Hour)
	if err := sb.SetDay(emps[1].ID, d); err != nil {
		t.Fatal(err)
	}
	if run, err := schedule.ScheduleHandler().Handle(t.Context(), in); err != nil || run.Queued != 1 {
		t.Fatalf("schedule %+v, %v; want the changed summary planned", run, err)
	}
	failSummary(emps[1].ID)
	src.drain(t)
	if got := openAlerts(worker); len(got) != 1 {
		t.Fatalf("open alerts %q; want the new dead letter", got)
	}
	// The next scheduled run plans it again; its plan alone closes no dead letter.
	if run, err := schedule.ScheduleHandler().Handle(t.Context(), in); err != nil || run.Queued != 1 {
		t.Fatalf("schedule %+v, %v; want the summary not yet written planned again", run, err)
	}
	if got := openAlerts(schedule); len(got) != 1 {
		t.Fatalf("open alerts %q after the plan; want the dead letter still open", got)
	}
	// Its delivery, of a run planned after the failure, reaches freee: the alert closes.
	if handled, failed := src.drain(t); handled != 1 || failed != 0 {
		t.Fatalf("the worker handled %d (%d failed); want the one delivery", handled, failed)
	}
	if got := openAlerts(worker); len(got) != 0 {
		t.Fatalf("open alerts %q; want the dead letter closed by the later run's delivery", got)
	}
	if posts := opsPosts(); len(posts) != 6 || !strings.Contains(posts[5], "Recovered: flow timeclock-to-payroll delivered to freee-hr again") {
		t.Fatalf("operations channel %q; want the second alert and its recovery", posts)
	}
}
