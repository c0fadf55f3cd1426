// Package infra is the urakata CDK app's stack: from one hub.yaml it declares everything the
// hub needs in an AWS account (queue and dead letters, table, secrets, functions, webhook
// API, schedules, alarms), so that adding a connector or a flow is an edit of hub.yaml and
// one deploy. The Lambda binaries never import it.
package infra

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/urakata/urakata/infra/hubconstructs"
	"github.com/urakata/urakata/infra/plan"
	"github.com/urakata/urakata/shared/config"
)

// The function names: each is a folder of the asset directory and a construct of the stack.
const (
	WebhookFunction  = "webhook"
	ScheduleFunction = "schedule"
	WorkerFunction   = "worker"
	ReplayFunction   = "replay"
)

// functionQueueEnv names the variables that give every function the queues of a function
// of its own: URAKATA_HELPDESK_QUEUE_URL and URAKATA_HELPDESK_DLQ_URL for "helpdesk" (the
// functions read them by the same rule, lambdahub.FunctionQueueEnv).
func functionQueueEnv(name string) (queueURL, dlqURL string) {
	n := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	return "URAKATA_" + n + "_QUEUE_URL", "URAKATA_" + n + "_DLQ_URL"
}

// constructName is a function's name as the root of construct ids: "helpdesk" is
// "Helpdesk", "help-desk" "HelpDesk".
func constructName(name string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// configPath is where a function finds hub.yaml: make lambdas copies it beside bootstrap,
// and Lambda unpacks the asset into /var/task.
const configPath = "/var/task/hub.yaml"

// oldestMessageAlarm is how long a message may wait before someone is told. Rate-limited
// deliveries wait on purpose, up to the vendor's reset (an hour for freee), so less would
// alarm on a healthy hub.
const oldestMessageAlarm = time.Hour

// HubStackProps configure the hub's stack.
type HubStackProps struct {
	awscdk.StackProps
	// Config is the hub.yaml to deploy, parsed and validated.
	Config *config.File
	// AssetDir holds one folder per function (webhook, schedule, worker, replay, and each
	// function of its own the flows need, such as helpdesk), each with its bootstrap and the
	// same hub.yaml: build/lambda after make lambdas.
	AssetDir string
	// SecretPrefix starts the name of every connection secret, e.g. "urakata/".
	SecretPrefix string
	// AlarmEmail, if set, is subscribed to the alarm topic.
	AlarmEmail string
	// LogRetention applies to every log group; three months when zero.
	LogRetention awslogs.RetentionDays
	// LogLevel is the functions' URAKATA_LOG_LEVEL; info when empty.
	LogLevel string
	// WebhookRateLimit and WebhookBurstLimit throttle the webhook API; 50 requests a second
	// with bursts of 100 when zero, far above what a company's vendors send and far below
	// what would run up a bill.
	WebhookRateLimit, WebhookBurstLimit float64
}

// NewHubStack declares the hub for props.Config. It panics when the hub.yaml asks for what
// AWS cannot do, as CDK constructs do with invalid props; call plan.For first to get the
// error instead.
func NewHubStack(scope constructs.Construct, id string, props *HubStackProps) awscdk.Stack {
	p, err := plan.For(props.Config)
	if err != nil {
		panic(fmt.Errorf("infra: %w", err))
	}
	props = withDefaults(props)
	sp := props.StackProps
	if sp.Description == nil {
		sp.Description = jsii.String(strings.TrimSuffix("urakata integration hub: "+props.Config.Company.Name, ": "))
	}
	stack := awscdk.NewStack(scope, &id, &sp)
	awscdk.Tags_Of(stack).Add(jsii.String("app"), jsii.String("urakata"), nil)

	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{
		Description:       jsii.String("urakata: encrypts the hub's queues, table, secrets and alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
	})
	work := hubconstructs.NewWorkQueue(stack, "Work", &hubconstructs.WorkQueueProps{
		Key: key, MaxReceives: p.MaxReceives, Visibility: p.QueueVisibility,
	})
	table := hubconstructs.NewTable(stack, "Table", key)
	secrets := hubconstructs.NewConnectionSecrets(stack, "Secrets", &hubconstructs.ConnectionSecretsProps{
		Prefix: props.SecretPrefix, Names: p.Secrets, Key: key,
	})
	scheduleDead := hubconstructs.NewDeadLetterQueue(stack, "ScheduleDeadLetters", key)

	env := map[string]string{
		"URAKATA_QUEUE_URL":     *work.Queue.QueueUrl(),
		"URAKATA_DLQ_URL":       *work.DeadLetters.QueueUrl(),
		"URAKATA_TABLE":         *table.TableName(),
		"URAKATA_SECRET_PREFIX": props.SecretPrefix,
		"URAKATA_CONFIG":        configPath,
		"URAKATA_MAX_RECEIVES":  strconv.Itoa(p.MaxReceives),
		"URAKATA_LOG_LEVEL":     props.LogLevel,
	}
	// Each function of its own (the chat bot's helpdesk) gets a work queue and dead letters
	// of its own, which every function is told of: the webhook and schedule functions send
	// its flows' jobs there, and it works nothing else.
	works := make([]*hubconstructs.WorkQueue, len(p.Functions))
	for i, fn := range p.Functions {
		works[i] = hubconstructs.NewWorkQueue(stack, constructName(fn.Name)+"Work", &hubconstructs.WorkQueueProps{
			Key: key, MaxReceives: p.MaxReceives, Visibility: p.QueueVisibility,
		})
		qv, dv := functionQueueEnv(fn.Name)
		env[qv], env[dv] = *works[i].Queue.QueueUrl(), *works[i].DeadLetters.QueueUrl()
	}
	if routes := p.Routes(); routes != "" {
		env["URAKATA_ROUTES"] = routes
	}
	function := func(name, description string, timeout time.Duration, memory int) *hubconstructs.FunctionProps {
		return &hubconstructs.FunctionProps{
			CodeDir: filepath.Join(props.AssetDir, name), Description: description,
			Timeout: timeout, MemoryMiB: memory, Environment: env, LogRetention: props.LogRetention,
		}
	}

	webhook := hubconstructs.NewFunction(stack, "Webhook",
		function(WebhookFunction, "urakata: verifies vendors' webhooks and queues their events", 10*time.Second, 256))
	work.Queue.GrantSendMessages(webhook.Role)
	secrets.GrantRead(webhook.Role, p.WebhookSecrets)
	// The ingress remembers each vendor delivery id in the table (store.Deliveries: a
	// conditional put, and a delete when the enqueue fails), so that a vendor's retry is
	// acknowledged and not queued twice.
	table.GrantWriteData(webhook.Role)

	scheduleProps := function(ScheduleFunction, "urakata: starts a scheduled flow's run", 15*time.Minute, 512)
	scheduleProps.DeadLetters = scheduleDead
	schedule := hubconstructs.NewFunction(stack, "Schedule", scheduleProps)
	table.GrantReadWriteData(schedule.Role)
	work.Queue.GrantSendMessages(schedule.Role)
	secrets.GrantRead(schedule.Role, p.ScheduleSecrets)

	worker := hubconstructs.NewFunction(stack, "Worker",
		function(WorkerFunction, "urakata: writes queued deliveries to their targets", p.WorkerTimeout, 512))
	worker.Function.AddEventSource(awslambdaeventsources.NewSqsEventSource(work.Queue, &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(10),
		ReportBatchItemFailures: jsii.Bool(true),
		MaxConcurrency:          jsii.Number(p.WorkerConcurrency),
	}))
	table.GrantReadWriteData(worker.Role)
	// The event source grants receiving and deleting; a worker also sends (a job plans its
	// deliveries), changes visibility (a rate-limited delivery waits) and buries (a
	// permanent failure goes to the dead letters with its error).
	work.Queue.GrantSendMessages(worker.Role)
	work.DeadLetters.GrantSendMessages(worker.Role)
	secrets.GrantRead(worker.Role, p.WorkerSecrets)

	replay := hubconstructs.NewFunction(stack, "Replay",
		function(ReplayFunction, "urakata: moves chosen dead letters back to their queues", 5*time.Minute, 256))
	work.DeadLetters.GrantConsumeMessages(replay.Role)
	work.Queue.GrantSendMessages(replay.Role)

	own := make([]*hubconstructs.Function, len(p.Functions))
	for i, fn := range p.Functions {
		q := works[i]
		f := hubconstructs.NewFunction(stack, constructName(fn.Name), function(fn.Name, fn.Description, p.WorkerTimeout, fn.MemoryMiB))
		f.Function.AddEventSource(awslambdaeventsources.NewSqsEventSource(q.Queue, &awslambdaeventsources.SqsEventSourceProps{
			BatchSize:               jsii.Number(10),
			ReportBatchItemFailures: jsii.Bool(true),
			MaxConcurrency:          jsii.Number(fn.Concurrency),
		}))
		// As the worker: the table, its own queue (a job plans deliveries, a rate-limited
		// one waits) and its dead letters, and the secrets of its flows.
		table.GrantReadWriteData(f.Role)
		q.Queue.GrantSendMessages(f.Role)
		q.DeadLetters.GrantSendMessages(f.Role)
		secrets.GrantRead(f.Role, fn.Secrets)
		if fn.Webhook {
			q.Queue.GrantSendMessages(webhook.Role)
		}
		if fn.Scheduled {
			q.Queue.GrantSendMessages(schedule.Role)
		}
		q.DeadLetters.GrantConsumeMessages(replay.Role)
		q.Queue.GrantSendMessages(replay.Role)
		own[i] = f
	}

	api := hubconstructs.NewWebhookAPI(stack, "Webhooks", &hubconstructs.WebhookAPIProps{
		Handler: webhook.Function, RateLimit: props.WebhookRateLimit, BurstLimit: props.WebhookBurstLimit,
		LogRetention: props.LogRetention,
	})

	schedules := hubconstructs.NewFlowSchedules(stack, "Schedules", &hubconstructs.FlowSchedulesProps{
		Target: schedule.Function, DeadLetters: scheduleDead,
	})
	for _, s := range p.Schedules {
		schedules.Add(s.Flow, s.Expressions, s.Zone)
	}

	alarms := hubconstructs.NewAlarms(stack, "Alarms", &hubconstructs.AlarmsProps{Key: key, Email: props.AlarmEmail})
	alarms.QueueNotEmpty("DeadLetters", work.DeadLetters,
		"Deliveries reached the dead letters: list them with urakata dlq list, fix the cause, replay them.")
	alarms.QueueNotEmpty("ScheduleDeadLetters", scheduleDead,
		"A scheduled flow did not start: its event is in the schedule dead-letter queue.")
	alarms.OldestMessage("OldestMessage", work.Queue, oldestMessageAlarm,
		"A queued delivery has waited over an hour: the worker is failing, throttled or too slow.")
	for i, fn := range p.Functions {
		name := constructName(fn.Name)
		alarms.QueueNotEmpty(name+"DeadLetters", works[i].DeadLetters,
			"Deliveries of the "+fn.Name+" function reached its dead letters: list them, fix the cause, replay them with the replay function.")
		alarms.OldestMessage(name+"OldestMessage", works[i].Queue, oldestMessageAlarm,
			"A message on the "+fn.Name+" function's queue has waited over an hour: the function is failing, throttled or too slow.")
	}
	for _, f := range append([]*hubconstructs.Function{webhook, schedule, worker, replay}, own...) {
		name := *f.Node().Id()
		alarms.FunctionErrors(name+"Errors", f.Function, "The "+strings.ToLower(name)+" function failed: see its log group.")
		alarms.FunctionThrottles(name+"Throttles", f.Function, "Lambda throttled the "+strings.ToLower(name)+" function.")
	}

	suppress(stack, suppressed{
		webhook: webhook, schedule: schedule, worker: worker, replay: replay, own: own,
		api: api, secrets: secrets, schedules: schedules,
	})

	output := func(id, value, description string) {
		awscdk.NewCfnOutput(stack, &id, &awscdk.CfnOutputProps{Value: &value, Description: &description})
	}
	output("WebhookUrl", *api.HooksURL(), "Vendors post webhooks here, followed by the connection name: <url><connection>")
	output("AlarmTopicArn", *alarms.Topic.TopicArn(), "Subscribe to be told about dead letters, errors and stuck messages")
	output("ScheduleFunctionName", *schedule.Function.FunctionName(), "Invoke with {\"flow\":\"<name>\"} to run a flow now")
	output("ReplayFunctionName", *replay.Function.FunctionName(), "Invoke with {\"ids\":[...]} or {\"all\":true} to replay dead letters")
	output("TableName", *table.TableName(), "Ledger, cursors and tokens")
	var names []string
	for _, s := range p.Secrets {
		names = append(names, props.SecretPrefix+s)
	}
	if len(names) > 0 {
		output("SecretNames", strings.Join(names, ","), "Fill each with aws secretsmanager put-secret-value before the first run")
	}
	return stack
}

// withDefaults returns a copy of props with the zero values filled in.
func withDefaults(props *HubStackProps) *HubStackProps {
	p := *props
	if p.LogRetention == "" {
		p.LogRetention = awslogs.RetentionDays_THREE_MONTHS
	}
	if p.LogLevel == "" {
		p.LogLevel = "info"
	}
	if p.WebhookRateLimit == 0 {
		p.WebhookRateLimit = 50
	}
	if p.WebhookBurstLimit == 0 {
		p.WebhookBurstLimit = 100
	}
	return &p
}
