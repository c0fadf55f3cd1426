package infra

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// botHub is a hub.yaml with a payroll flow, operations alerts and, with bots, two chat bots:
// one on Slack that reads time clocks, one on Chatwork that also refreshes its knowledge
// base on a schedule. Without bots, the Chatwork connection stays, unused, so that both
// stacks have the same secrets.
func botHub(t *testing.T, bots bool) string {
	t.Helper()
	text := `version: 1
company: {name: テスト株式会社, zone: Asia/Tokyo}
runtime: {lease: 2m, max_receives: 5}
connections:
  freee-hr: {vendor: freee-hr, secret: FREEE_HR, settings: {company_id: 1}}
  slack: {vendor: slack, secret: SLACK}
  chatwork: {vendor: chatwork, secret: CHATWORK}
  github: {vendor: github, secret: GITHUB, settings: {owner: demo-company, repo: back-office}}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 480}
`
	if bots {
		text += `  bot-slack:
    type: chat-helpdesk
    source: slack
    target: slack
    trigger: {webhook: {connection: slack}}
    mapping: {attendance: freee-hr, backoffice_channel: C0BACKOFFICE}
  bot-chatwork:
    type: chat-helpdesk
    source: chatwork
    target: chatwork
    trigger: {webhook: {connection: chatwork}, schedule: {cron: "0 5 * * *"}}
`
	}
	return text + "alerts: {chat: slack, channel: C0123OPS, issues: github}\n"
}

// TestAChatBotGetsAFunctionOfItsOwn deploys a hub.yaml without chat bots and the same with
// two: the bots bring the helpdesk function with its own queue, dead letters, alarms and
// exact grants, the webhook function may send to that queue, and the shared worker is
// untouched. Without bots there is none of it.
func TestAChatBotGetsAFunctionOfItsOwn(t *testing.T) {
	assets := fakeAssets(t)
	before := synth(t, parseHub(t, "hub.yaml", botHub(t, false)), assets)
	after := synth(t, parseHub(t, "hub.yaml", botHub(t, true)), assets)
	helpdesk := func(s *synthesized) []string {
		var out []string
		for id := range s.resources {
			if strings.Contains(id, "Helpdesk") {
				out = append(out, name(id))
			}
		}
		slices.Sort(out)
		return out
	}
	variables := func(s *synthesized, fn string) map[string]any {
		props := s.resources[s.id(t, fn+"Function")]["Properties"].(map[string]any)
		return props["Environment"].(map[string]any)["Variables"].(map[string]any)
	}

	t.Run("without a bot there is no helpdesk and no route", func(t *testing.T) {
		if got := helpdesk(before); len(got) != 0 {
			t.Errorf("resources %q; want none of the helpdesk", got)
		}
		for _, fn := range []string{"Webhook", "Schedule", "Worker", "Replay"} {
			if v, ok := variables(before, fn)["URAKATA_ROUTES"]; ok {
				t.Errorf("%s has URAKATA_ROUTES %v; want none", fn, v)
			}
		}
	})

	t.Run("the bots bring the helpdesk's queue, dead letters, function, event source and alarms", func(t *testing.T) {
		got := helpdesk(after)
		for _, want := range []string{"HelpdeskWorkQueue", "HelpdeskWorkDeadLetters", "HelpdeskFunction", "HelpdeskRole", "HelpdeskLogs",
			"HelpdeskFunctionSqsEventSourceHubHelpdeskWorkQueue", "AlarmsHelpdeskDeadLetters", "AlarmsHelpdeskOldestMessage",
			"AlarmsHelpdeskErrors", "AlarmsHelpdeskThrottles"} {
			if !slices.ContainsFunc(got, func(n string) bool { return strings.HasPrefix(n, want) }) {
				t.Errorf("no %s among %q", want, got)
			}
		}
	})

	t.Run("the helpdesk function has the memory for the dictionary and the worker's timeout", func(t *testing.T) {
		fn := after.resources[after.id(t, "HelpdeskFunction")]["Properties"].(map[string]any)
		worker := after.resources[after.id(t, "WorkerFunction")]["Properties"].(map[string]any)
		if mem, _ := fn["MemorySize"].(float64); mem < 512 {
			t.Errorf("memory %v MB; want at least 512 for the tokenizer's dictionary", fn["MemorySize"])
		}
		if fn["Timeout"] != worker["Timeout"] || fn["Runtime"] != "provided.al2023" || fmt.Sprint(fn["Architectures"]) != "[arm64]" {
			t.Errorf("function %v; want the worker's timeout on provided.al2023 arm64", fn)
		}
	})

	t.Run("it takes batches from its own queue, reports item failures, and is capped for freee", func(t *testing.T) {
		check(t, func() {
			after.template.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
				"EventSourceArn":        getAtt(after.id(t, "HelpdeskWorkQueue")),
				"FunctionName":          ref(after.id(t, "HelpdeskFunction")),
				"BatchSize":             10,
				"FunctionResponseTypes": []any{"ReportBatchItemFailures"},
				// The Slack bot reads freee's time clocks.
				"ScalingConfig": map[string]any{"MaximumConcurrency": 2},
			})
		})
	})

	t.Run("every function is told the routes and the helpdesk's queues", func(t *testing.T) {
		for _, fn := range []string{"Webhook", "Schedule", "Worker", "Replay", "Helpdesk"} {
			v := variables(after, fn)
			if v["URAKATA_ROUTES"] != "bot-slack=helpdesk,bot-chatwork=helpdesk" ||
				!reflect.DeepEqual(v["URAKATA_HELPDESK_QUEUE_URL"], ref(after.id(t, "HelpdeskWorkQueue"))) ||
				!reflect.DeepEqual(v["URAKATA_HELPDESK_DLQ_URL"], ref(after.id(t, "HelpdeskWorkDeadLetters"))) ||
				!reflect.DeepEqual(v["URAKATA_QUEUE_URL"], ref(after.id(t, "WorkQueue"))) {
				t.Errorf("%s environment %v", fn, v)
			}
		}
	})

	t.Run("each role may do exactly what it needs", func(t *testing.T) {
		key := []string{"kms:Decrypt"}
		tests := []struct {
			role string
			want map[string][]string
		}{
			// The bots' connections, the connection one reads time clocks from, and the
			// alert connections; nothing of the shared worker's queue.
			{"HelpdeskRole", map[string][]string{"HelpdeskLogs": logsWrite, "HelpdeskWorkQueue": union(sqsConsume, sqsSend),
				"HelpdeskWorkDeadLetters": sqsSend, "Table": tableRW, "Key": kmsAll, "Key via secretsmanager": key,
				"SecretsSLACK": secretRead, "SecretsCHATWORK": secretRead, "SecretsFREEEHR": secretRead, "SecretsGITHUB": secretRead}},
			// It verifies the bots' events, queues them on the helpdesk's queue and writes
			// their delivery ids to the table.
			{"WebhookRole", map[string][]string{"WebhookLogs": logsWrite, "WorkQueue": sqsSend, "HelpdeskWorkQueue": sqsSend,
				"Table": tableWrite, "Key": kmsAll, "Key via secretsmanager": key, "SecretsSLACK": secretRead, "SecretsCHATWORK": secretRead}},
			// It queues the Chatwork bot's scheduled runs for the helpdesk, whose secrets it
			// does not read: it does not build the bot.
			{"ScheduleRole", map[string][]string{"ScheduleLogs": logsWrite, "WorkQueue": sqsSend, "HelpdeskWorkQueue": sqsSend,
				"ScheduleDeadLetters": {"sqs:SendMessage"}, "Table": tableRW, "Key": kmsAll, "Key via secretsmanager": key,
				"SecretsFREEEHR": secretRead, "SecretsSLACK": secretRead, "SecretsGITHUB": secretRead}},
			{"ReplayRole", map[string][]string{"ReplayLogs": logsWrite, "WorkDeadLetters": sqsConsume, "WorkQueue": sqsSend,
				"HelpdeskWorkDeadLetters": sqsConsume, "HelpdeskWorkQueue": sqsSend, "Key": kmsEncrypt}},
		}
		for _, tt := range tests {
			t.Run(tt.role, func(t *testing.T) {
				got := after.grants(t, tt.role)
				if !maps.EqualFunc(got, tt.want, slices.Equal) {
					for _, r := range union(sortedKeys(got), sortedKeys(tt.want)) {
						if !slices.Equal(got[r], tt.want[r]) {
							t.Errorf("%s on %s: %q, want %q", tt.role, r, got[r], tt.want[r])
						}
					}
				}
			})
		}
		t.Run("the shared worker's grants do not change", func(t *testing.T) {
			if was, is := before.grants(t, "WorkerRole"), after.grants(t, "WorkerRole"); !maps.EqualFunc(was, is, slices.Equal) {
				t.Errorf("worker grants %v with the bots; %v without", is, was)
			}
			if _, ok := after.grants(t, "WorkerRole")["SecretsCHATWORK"]; ok {
				t.Error("the shared worker may read the Chatwork bot's secret")
			}
		})
	})

	t.Run("the bot's schedule invokes the schedule function, as every schedule does", func(t *testing.T) {
		check(t, func() {
			after.template.HasResourceProperties(jsii.String("AWS::Scheduler::Schedule"), map[string]any{
				"ScheduleExpression": "cron(0 5 * * ? *)", "ScheduleExpressionTimezone": "Asia/Tokyo",
				"Target": map[string]any{"Arn": getAtt(after.id(t, "ScheduleFunction")), "Input": `{"flow":"bot-chatwork"}`},
			})
		})
	})

	t.Run("cdk-nag AwsSolutions leaves nothing unsuppressed", func(t *testing.T) {
		for _, f := range after.nagFindings() {
			t.Error(f)
		}
	})
}
