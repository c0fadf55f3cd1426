package infra

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/urakata/urakata/infra/plan"
)

// TestHubStack checks every resource the demo hub.yaml declares, by its properties. What
// the demo holds (how many secrets, schedules, functions of their own) comes from its plan,
// so the checks hold as the demo grows.
func TestHubStack(t *testing.T) {
	cfg := parseHub(t, "hub.example.yaml", demoHub(t))
	p, err := plan.For(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := synth(t, cfg, fakeAssets(t))
	key := s.id(t, "Key")
	queue, dead := s.id(t, "WorkQueue"), s.id(t, "WorkDeadLetters")
	table := s.id(t, "Table")
	topic := s.id(t, "AlarmsTopic")
	scheduleFn, scheduleDead := s.id(t, "ScheduleFunction"), s.id(t, "ScheduleDeadLetters")
	has := func(t *testing.T, typ string, props map[string]any) {
		t.Helper()
		check(t, func() { s.template.HasResourceProperties(jsii.String(typ), props) })
	}
	functions := []string{"Webhook", "Schedule", "Worker", "Replay"}
	workQueues, deadQueues := []string{queue}, []string{dead}
	for _, fn := range p.Functions {
		functions = append(functions, constructName(fn.Name))
		workQueues = append(workQueues, s.id(t, constructName(fn.Name)+"WorkQueue"))
		deadQueues = append(deadQueues, s.id(t, constructName(fn.Name)+"WorkDeadLetters"))
	}

	t.Run("the key rotates", func(t *testing.T) {
		has(t, "AWS::KMS::Key", map[string]any{"EnableKeyRotation": true})
	})

	t.Run("each work queue is encrypted with the key and redrives to its dead letters after runtime.max_receives", func(t *testing.T) {
		for i := range workQueues {
			has(t, "AWS::SQS::Queue", map[string]any{
				"KmsMasterKeyId": getAtt(key),
				"RedrivePolicy":  map[string]any{"deadLetterTargetArn": getAtt(deadQueues[i]), "maxReceiveCount": 5},
			})
		}
	})

	t.Run("the dead letters are encrypted with the key and kept for 14 days", func(t *testing.T) {
		for _, q := range append(slices.Clone(deadQueues), scheduleDead) {
			props := s.resources[q]["Properties"].(map[string]any)
			if props["KmsMasterKeyId"] == nil || props["MessageRetentionPeriod"] != float64(14*24*3600) {
				t.Errorf("%s: %v, want the key and 1209600 s retention", q, props)
			}
		}
	})

	t.Run("every queue refuses requests without TLS", func(t *testing.T) {
		for _, q := range slices.Concat(workQueues, deadQueues, []string{scheduleDead}) {
			has(t, "AWS::SQS::QueuePolicy", map[string]any{
				"Queues": []any{ref(q)},
				"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
					"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
						"Effect": "Deny", "Action": "sqs:*",
						"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
					})}),
				}),
			})
		}
	})

	t.Run("each queue hides a message six times as long as its function may run", func(t *testing.T) {
		workers := []string{"Worker"}
		for _, fn := range p.Functions {
			workers = append(workers, constructName(fn.Name))
		}
		for i, fn := range workers {
			visibility := s.resources[workQueues[i]]["Properties"].(map[string]any)["VisibilityTimeout"].(float64)
			timeout := s.resources[s.id(t, fn+"Function")]["Properties"].(map[string]any)["Timeout"].(float64)
			if visibility < 6*timeout {
				t.Errorf("%s: visibility %v s < 6 × timeout %v s", fn, visibility, timeout)
			}
		}
	})

	t.Run("the table has string keys pk and sk, TTL on ttl, point-in-time recovery, the key, on-demand billing", func(t *testing.T) {
		has(t, "AWS::DynamoDB::Table", map[string]any{
			"KeySchema": []any{
				map[string]any{"AttributeName": "pk", "KeyType": "HASH"},
				map[string]any{"AttributeName": "sk", "KeyType": "RANGE"},
			},
			"AttributeDefinitions": []any{
				map[string]any{"AttributeName": "pk", "AttributeType": "S"},
				map[string]any{"AttributeName": "sk", "AttributeType": "S"},
			},
			"TimeToLiveSpecification":          map[string]any{"AttributeName": "ttl", "Enabled": true},
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
			"SSESpecification":                 map[string]any{"KMSMasterKeyId": getAtt(key), "SSEEnabled": true, "SSEType": "KMS"},
			"BillingMode":                      "PAY_PER_REQUEST",
		})
		if s.resources[table]["DeletionPolicy"] != "Retain" {
			t.Errorf("table deletion policy %v, want Retain: the ledger outlives a stack", s.resources[table]["DeletionPolicy"])
		}
	})

	t.Run("each connection's secret is named with the prefix, encrypted, and holds only a generated placeholder", func(t *testing.T) {
		// The demo's first connections each name a secret.
		for _, name := range []string{"FREEE_HR", "FREEE_ACCOUNTING", "XERO", "SLACK"} {
			if !slices.Contains(p.Secrets, name) {
				t.Errorf("the demo's plan has no secret %s", name)
			}
		}
		for _, name := range p.Secrets {
			has(t, "AWS::SecretsManager::Secret", map[string]any{
				"Name":                 "urakata/" + name,
				"KmsKeyId":             getAtt(key),
				"GenerateSecretString": assertions.Match_ObjectLike(&map[string]any{}),
				"SecretString":         assertions.Match_Absent(),
			})
		}
		check(t, func() {
			s.template.ResourceCountIs(jsii.String("AWS::SecretsManager::Secret"), jsii.Number(len(p.Secrets)))
		})
	})

	t.Run("the HTTP API routes POST /hooks/{connection} to the webhook function, throttled and logged", func(t *testing.T) {
		has(t, "AWS::ApiGatewayV2::Api", map[string]any{"ProtocolType": "HTTP"})
		has(t, "AWS::ApiGatewayV2::Route", map[string]any{"RouteKey": "POST /hooks/{connection}"})
		has(t, "AWS::ApiGatewayV2::Integration", map[string]any{
			"IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
			"IntegrationUri": getAtt(s.id(t, "WebhookFunction")),
		})
		has(t, "AWS::ApiGatewayV2::Stage", map[string]any{
			"StageName": "$default", "AutoDeploy": true,
			"DefaultRouteSettings": map[string]any{"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100},
			"AccessLogSettings": assertions.Match_ObjectLike(&map[string]any{
				"DestinationArn": getAtt(s.id(t, "WebhooksAccessLogs")),
			}),
		})
	})

	t.Run("the scheduled flows run on EventBridge cron in Asia/Tokyo, with retries and a dead-letter queue", func(t *testing.T) {
		has(t, "AWS::Scheduler::Schedule", map[string]any{
			"ScheduleExpression":         "cron(0 6 1 * ? *)",
			"ScheduleExpressionTimezone": "Asia/Tokyo",
			"FlexibleTimeWindow":         map[string]any{"Mode": "OFF"},
			"Target": assertions.Match_ObjectLike(&map[string]any{
				"Arn":              getAtt(scheduleFn),
				"Input":            `{"flow":"timeclock-to-payroll"}`,
				"RetryPolicy":      map[string]any{"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
				"DeadLetterConfig": map[string]any{"Arn": getAtt(scheduleDead)},
				"RoleArn":          getAtt(s.id(t, "SchedulesRole")),
			}),
		})
		// The expense flow's sweep runs every 30 minutes beside its webhook.
		has(t, "AWS::Scheduler::Schedule", map[string]any{
			"ScheduleExpression":         "cron(0,30 * * * ? *)",
			"ScheduleExpressionTimezone": "Asia/Tokyo",
			"Target":                     assertions.Match_ObjectLike(&map[string]any{"Input": `{"flow":"expense-to-accounting"}`}),
		})
		// Every scheduled flow, a chat bot's included, goes through the schedule function.
		n := 0
		for _, sc := range p.Schedules {
			n += len(sc.Expressions)
			has(t, "AWS::Scheduler::Schedule", map[string]any{
				"Target": assertions.Match_ObjectLike(&map[string]any{"Arn": getAtt(scheduleFn), "Input": `{"flow":"` + sc.Flow + `"}`}),
			})
		}
		check(t, func() { s.template.ResourceCountIs(jsii.String("AWS::Scheduler::Schedule"), jsii.Number(n)) })
	})

	t.Run("the worker takes batches of 10 from the queue, reports item failures, and is capped for freee", func(t *testing.T) {
		has(t, "AWS::Lambda::EventSourceMapping", map[string]any{
			"EventSourceArn":        getAtt(queue),
			"FunctionName":          ref(s.id(t, "WorkerFunction")),
			"BatchSize":             10,
			"FunctionResponseTypes": []any{"ReportBatchItemFailures"},
			"ScalingConfig":         map[string]any{"MaximumConcurrency": 2},
		})
	})

	t.Run("every function is a provided.al2023 arm64 bootstrap with its own role, log group and the contract's environment", func(t *testing.T) {
		env := map[string]any{
			"URAKATA_QUEUE_URL":     ref(queue),
			"URAKATA_DLQ_URL":       ref(dead),
			"URAKATA_TABLE":         ref(table),
			"URAKATA_SECRET_PREFIX": "urakata/",
			"URAKATA_CONFIG":        "/var/task/hub.yaml",
			"URAKATA_MAX_RECEIVES":  "5",
			"URAKATA_LOG_LEVEL":     "info",
		}
		for i, fn := range p.Functions {
			qv, dv := functionQueueEnv(fn.Name)
			env[qv], env[dv] = ref(workQueues[i+1]), ref(deadQueues[i+1])
			env["URAKATA_ROUTES"] = p.Routes()
		}
		for _, fn := range functions {
			props := map[string]any{
				"Runtime": "provided.al2023", "Architectures": []any{"arm64"}, "Handler": "bootstrap",
				"Role":          getAtt(s.id(t, fn+"Role")),
				"LoggingConfig": map[string]any{"LogGroup": ref(s.id(t, fn+"Logs"))},
				"Environment":   map[string]any{"Variables": env},
			}
			has(t, "AWS::Lambda::Function", props)
		}
		has(t, "AWS::Lambda::Function", map[string]any{"Role": getAtt(s.id(t, "ScheduleRole")),
			"DeadLetterConfig": map[string]any{"TargetArn": getAtt(scheduleDead)}})
	})

	t.Run("every log group keeps its lines for three months", func(t *testing.T) {
		check(t, func() {
			s.template.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 90})
		})
		// One per function, and the API's access logs.
		check(t, func() { s.template.ResourceCountIs(jsii.String("AWS::Logs::LogGroup"), jsii.Number(len(functions)+1)) })
	})

	t.Run("alarms on dead letters, function errors and throttles and the oldest message notify an encrypted topic", func(t *testing.T) {
		has(t, "AWS::SNS::Topic", map[string]any{"KmsMasterKeyId": getAtt(key)})
		has(t, "AWS::SNS::TopicPolicy", map[string]any{
			"Topics": []any{ref(topic)},
			"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
				"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
				})}),
			}),
		})
		has(t, "AWS::KMS::Key", map[string]any{"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{
			"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
				"Action":    []any{"kms:Decrypt", "kms:GenerateDataKey*"},
			})}),
		})})
		alarm := func(namespace, metric, dimension string, dimensionValue any, statistic string, threshold float64) {
			t.Helper()
			has(t, "AWS::CloudWatch::Alarm", map[string]any{
				"Namespace": namespace, "MetricName": metric, "Statistic": statistic,
				"Dimensions":         []any{map[string]any{"Name": dimension, "Value": dimensionValue}},
				"ComparisonOperator": "GreaterThanThreshold", "Threshold": threshold,
				"AlarmActions": []any{ref(topic)}, "OKActions": []any{ref(topic)},
			})
		}
		queueName := func(id string) any { return map[string]any{"Fn::GetAtt": []any{id, "QueueName"}} }
		for i := range workQueues {
			alarm("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName(deadQueues[i]), "Maximum", 0)
			alarm("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queueName(workQueues[i]), "Maximum", 3600)
		}
		alarm("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName(scheduleDead), "Maximum", 0)
		for _, fn := range functions {
			alarm("AWS/Lambda", "Errors", "FunctionName", ref(s.id(t, fn+"Function")), "Sum", 0)
			alarm("AWS/Lambda", "Throttles", "FunctionName", ref(s.id(t, fn+"Function")), "Sum", 0)
		}
		want := 2*len(workQueues) + 1 + 2*len(functions)
		check(t, func() { s.template.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(want)) })
	})

	t.Run("the outputs give the webhook URL, the secret names and the functions to invoke by hand", func(t *testing.T) {
		for _, o := range []string{"WebhookUrl", "SecretNames", "ScheduleFunctionName", "ReplayFunctionName", "AlarmTopicArn", "TableName"} {
			check(t, func() { s.template.HasOutput(jsii.String(o), map[string]any{}) })
		}
		var names []string
		for _, n := range p.Secrets {
			names = append(names, "urakata/"+n)
		}
		check(t, func() {
			s.template.HasOutput(jsii.String("SecretNames"), map[string]any{"Value": strings.Join(names, ",")})
		})
	})

	t.Run("cdk-nag AwsSolutions leaves nothing unsuppressed", func(t *testing.T) {
		for _, f := range s.nagFindings() {
			t.Error(f)
		}
	})

	t.Run("the demo's webhook comes from freee 会計, and the worker reads every shared flow's secrets", func(t *testing.T) {
		if !slices.Contains(p.WebhookSecrets, "FREEE_ACCOUNTING") || slices.Contains(p.WebhookSecrets, "FREEE_HR") {
			t.Errorf("webhook secrets %q; want FREEE_ACCOUNTING and not FREEE_HR, which sends no webhook", p.WebhookSecrets)
		}
		for _, name := range []string{"FREEE_HR", "FREEE_ACCOUNTING", "XERO", "SLACK"} {
			if !slices.Contains(p.WorkerSecrets, name) {
				t.Errorf("worker secrets %q; want %s", p.WorkerSecrets, name)
			}
		}
	})

	t.Run("each function's role may do only what the function needs", func(t *testing.T) {
		for role, want := range wantGrants(p) {
			t.Run(role, func(t *testing.T) {
				got := s.grants(t, role)
				if !maps.EqualFunc(got, want, slices.Equal) {
					for _, r := range union(sortedKeys(got), sortedKeys(want)) {
						if !slices.Equal(got[r], want[r]) {
							t.Errorf("%s on %s: %q, want %q", role, r, got[r], want[r])
						}
					}
				}
			})
		}
	})
}

// The actions the stack grants, as the grants helper reads them.
var (
	logsWrite  = []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	sqsSend    = []string{"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"}
	sqsConsume = []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"}
	kmsEncrypt = []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}
	kmsAll     = []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}
	tableRW    = []string{"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
		"dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:GetRecords",
		"dynamodb:GetShardIterator", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"}
	tableWrite = []string{"dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem"}
	secretRead = []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}
)

// wantGrants is what each role of the stack for p may do, by the rules README states: the
// webhook function sends to the queues of the flows webhooks start, reads the secrets of
// the connections that send them and writes the delivery ids it has taken to the table;
// the schedule function uses the table and sends to the queues of scheduled flows; the
// worker and each function of its own use the table, take from and send to their own
// queue, send to their own dead letters, and read their flows' secrets; the replay
// function moves every dead letter back to its own queue.
func wantGrants(p *plan.Plan) map[string]map[string][]string {
	withSecrets := func(g map[string][]string, names []string) map[string][]string {
		for _, n := range names {
			g[secretID(n)] = secretRead
		}
		if len(names) > 0 {
			g["Key via secretsmanager"] = []string{"kms:Decrypt"}
		}
		return g
	}
	out := map[string]map[string][]string{
		"WebhookRole": withSecrets(map[string][]string{"WebhookLogs": logsWrite, "WorkQueue": sqsSend, "Table": tableWrite, "Key": kmsAll}, p.WebhookSecrets),
		"ScheduleRole": withSecrets(map[string][]string{"ScheduleLogs": logsWrite, "WorkQueue": sqsSend, "ScheduleDeadLetters": {"sqs:SendMessage"},
			"Table": tableRW, "Key": kmsAll}, p.ScheduleSecrets),
		"WorkerRole": withSecrets(map[string][]string{"WorkerLogs": logsWrite, "WorkQueue": union(sqsConsume, sqsSend), "WorkDeadLetters": sqsSend,
			"Table": tableRW, "Key": kmsAll}, p.WorkerSecrets),
		"ReplayRole": {"ReplayLogs": logsWrite, "WorkDeadLetters": sqsConsume, "WorkQueue": sqsSend, "Key": kmsEncrypt},
		"SchedulesRole": {"ScheduleFunction": {"lambda:InvokeFunction"},
			"ScheduleFunction:*": {"lambda:InvokeFunction"}, "ScheduleDeadLetters": sqsSend, "Key": kmsEncrypt},
	}
	for _, fn := range p.Functions {
		n := constructName(fn.Name)
		out[n+"Role"] = withSecrets(map[string][]string{n + "Logs": logsWrite, n + "WorkQueue": union(sqsConsume, sqsSend),
			n + "WorkDeadLetters": sqsSend, "Table": tableRW, "Key": kmsAll}, fn.Secrets)
		if fn.Webhook {
			out["WebhookRole"][n+"WorkQueue"] = sqsSend
		}
		if fn.Scheduled {
			out["ScheduleRole"][n+"WorkQueue"] = sqsSend
		}
		out["ReplayRole"][n+"WorkDeadLetters"] = sqsConsume
		out["ReplayRole"][n+"WorkQueue"] = sqsSend
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestWebhookFlows builds a hub with more in it than the demo (a second connection, a
// second cron, a flow triggered by the second connection's webhooks): the webhook function
// may now read the secret it verifies signatures with, and cdk-nag still finds nothing.
func TestWebhookFlows(t *testing.T) {
	text := withFlows(withConnection(demoHub(t), storesConnection), storesFlow+webhookFlow)
	s := synth(t, parseHub(t, "hub.yaml", text), fakeAssets(t))

	t.Run("the webhook function reads the secret of the connection that sends webhooks, and no other", func(t *testing.T) {
		got := s.grants(t, "WebhookRole")
		want := map[string][]string{
			"SecretsFREEEHRSTORES":   {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
			"Key via secretsmanager": {"kms:Decrypt"},
		}
		for r, actions := range want {
			if !slices.Equal(got[r], actions) {
				t.Errorf("webhook role on %s: %q, want %q", r, got[r], actions)
			}
		}
		if _, ok := got["SecretsFREEEHR"]; ok {
			t.Errorf("the webhook role may read FREEE_HR, which sends no webhooks")
		}
	})
	t.Run("cdk-nag AwsSolutions leaves nothing unsuppressed", func(t *testing.T) {
		for _, f := range s.nagFindings() {
			t.Error(f)
		}
	})
}

// TestAddingAConnector deploys the demo hub.yaml, then the same plus one connection and
// one scheduled flow, and compares the two templates resource by resource: exactly the new
// secret and the new schedule appear, and exactly the grants to read that secret are added
// to the two functions that work the new flow.
func TestAddingAConnector(t *testing.T) {
	assets := fakeAssets(t)
	before := synth(t, parseHub(t, "hub.yaml", demoHub(t)), assets)
	after := synth(t, parseHub(t, "hub.yaml", withFlows(withConnection(demoHub(t), storesConnection), storesFlow)), assets)

	var added, removed, changed []string
	for id, r := range after.resources {
		old, ok := before.resources[id]
		switch {
		case !ok:
			added = append(added, name(id))
		case !reflect.DeepEqual(old, r):
			changed = append(changed, name(id))
		}
	}
	for id := range before.resources {
		if _, ok := after.resources[id]; !ok {
			removed = append(removed, name(id))
		}
	}
	slices.Sort(added)
	slices.Sort(changed)
	want := []string{"SchedulesstorestimeclocktopayrollCron1", "SecretsFREEEHRSTORES"}
	if !slices.Equal(added, want) {
		t.Errorf("added %q, want %q", added, want)
	}
	if len(removed) > 0 {
		t.Errorf("removed %q, want nothing removed", removed)
	}
	if want := []string{"ScheduleRoleDefaultPolicy", "WorkerRoleDefaultPolicy"}; !slices.Equal(changed, want) {
		t.Errorf("changed %q, want only the policies of the functions that work the new flow, %q", changed, want)
	}

	t.Run("the new secret is named with the prefix and holds a placeholder", func(t *testing.T) {
		check(t, func() {
			after.template.HasResourceProperties(jsii.String("AWS::SecretsManager::Secret"), map[string]any{
				"Name": "urakata/FREEE_HR_STORES", "SecretString": assertions.Match_Absent(),
			})
		})
	})
	t.Run("the new schedule starts the new flow on the 16th in the company's zone", func(t *testing.T) {
		check(t, func() {
			after.template.HasResourceProperties(jsii.String("AWS::Scheduler::Schedule"), map[string]any{
				"ScheduleExpression": "cron(0 7 16 * ? *)", "ScheduleExpressionTimezone": "Asia/Tokyo",
				"Target": assertions.Match_ObjectLike(&map[string]any{"Input": `{"flow":"stores-timeclock-to-payroll"}`}),
			})
		})
	})
	for _, role := range []string{"ScheduleRole", "WorkerRole"} {
		t.Run(role+" gains reading the new secret and nothing else", func(t *testing.T) {
			was, is := before.grants(t, role), after.grants(t, role)
			gained := map[string][]string{}
			for r, actions := range is {
				if extra := slices.DeleteFunc(slices.Clone(actions), func(a string) bool { return slices.Contains(was[r], a) }); len(extra) > 0 {
					gained[r] = extra
				}
			}
			for r, actions := range was {
				if !slices.Equal(actions, is[r]) && len(gained[r]) == 0 {
					t.Errorf("%s lost %q on %s", role, actions, r)
				}
			}
			want := map[string][]string{"SecretsFREEEHRSTORES": {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}}
			if !maps.EqualFunc(gained, want, slices.Equal) {
				t.Errorf("%s gained %v, want %v", role, gained, want)
			}
		})
	}
}

// The additions the tests make to the demo hub.yaml.
const (
	storesConnection = `
  freee-hr-stores:
    vendor: freee-hr
    secret: FREEE_HR_STORES
    settings:
      company_id: 2
`
	storesFlow = `
  stores-timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr-stores
    target: freee-hr-stores
    trigger:
      schedule:
        cron: "0 7 16 * *"
    period:
      closing_day: 15
      prescribed_daily_minutes: 450
`
	webhookFlow = `
  timeclock-on-webhook:
    type: timeclock-to-payroll
    source: freee-hr-stores
    target: freee-hr
    trigger:
      webhook:
        connection: freee-hr-stores
    period:
      closing_day: 0
      prescribed_daily_minutes: 480
`
)

// withConnection adds a connection to hub.yaml text whose connections come before its flows.
func withConnection(text, conn string) string {
	i := indexLine(text, "flows:")
	return text[:i] + conn[1:] + "\n" + text[i:]
}

// withFlows adds flows first under hub.yaml's flows, wherever other sections follow.
func withFlows(text, flows string) string {
	i := indexLine(text, "flows:") + len("flows:\n")
	return text[:i] + flows[1:] + text[i:]
}

func indexLine(text, line string) int {
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && text[j] != '\n' {
			j++
		}
		if text[i:j] == line {
			return i
		}
		i = j + 1
	}
	panic("no line " + strconv.Quote(line))
}
