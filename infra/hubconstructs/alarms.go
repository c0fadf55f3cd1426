package hubconstructs

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// alarmPeriod is how often every alarm looks.
const alarmPeriod = 5 * time.Minute

// AlarmsProps configure the alarms.
type AlarmsProps struct {
	// Key encrypts the topic.
	Key awskms.IKey
	// Email, if set, is subscribed to the topic (the address confirms by mail).
	Email string
}

// Alarms is the SNS topic that alarms notify, and the alarms' factory: every alarm it
// declares notifies the topic when it fires and when it clears.
type Alarms struct {
	constructs.Construct
	Topic  awssns.Topic
	action awscloudwatchactions.SnsAction
}

// NewAlarms declares the topic, KMS-encrypted and TLS only, and lets CloudWatch use the key
// to publish to it.
func NewAlarms(scope constructs.Construct, id string, props *AlarmsProps) *Alarms {
	this := constructs.NewConstruct(scope, &id)
	topic := awssns.NewTopic(this, jsii.String("Topic"), &awssns.TopicProps{
		DisplayName: jsii.String("urakata alarms"),
		MasterKey:   props.Key,
		EnforceSSL:  jsii.Bool(true),
	})
	props.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublishToTheEncryptedTopic"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"), // in a key policy, * is this key
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()},
		},
	}), nil)
	if props.Email != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(props.Email), nil))
	}
	return &Alarms{Construct: this, Topic: topic, action: awscloudwatchactions.NewSnsAction(topic)}
}

func (a *Alarms) alarm(id, description string, metric awscloudwatch.IMetric, threshold float64) awscloudwatch.Alarm {
	alarm := awscloudwatch.NewAlarm(a.Construct, &id, &awscloudwatch.AlarmProps{
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(description),
	})
	alarm.AddAlarmAction(a.action)
	alarm.AddOkAction(a.action)
	return alarm
}

// QueueNotEmpty alarms as soon as q holds a message: for a dead-letter queue, every message
// is work that needs a person.
func (a *Alarms) QueueNotEmpty(id string, q awssqs.IQueue, description string) awscloudwatch.Alarm {
	metric := q.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
		Period: duration(alarmPeriod), Statistic: jsii.String("Maximum"),
	})
	return a.alarm(id, description, metric, 0)
}

// OldestMessage alarms when q's oldest message has waited longer than age: the worker is
// failing, throttled or too slow for the load.
func (a *Alarms) OldestMessage(id string, q awssqs.IQueue, age time.Duration, description string) awscloudwatch.Alarm {
	metric := q.MetricApproximateAgeOfOldestMessage(&awscloudwatch.MetricOptions{
		Period: duration(alarmPeriod), Statistic: jsii.String("Maximum"),
	})
	return a.alarm(id, description, metric, age.Seconds())
}

// FunctionErrors alarms when fn fails an invocation: a crash, a timeout or an error
// returned to Lambda. (The worker reports a failed delivery as a batch item failure, not
// an error; those show as dead letters.)
func (a *Alarms) FunctionErrors(id string, fn awslambda.IFunction, description string) awscloudwatch.Alarm {
	metric := fn.MetricErrors(&awscloudwatch.MetricOptions{Period: duration(alarmPeriod), Statistic: jsii.String("Sum")})
	return a.alarm(id, description, metric, 0)
}

// FunctionThrottles alarms when Lambda refuses to run fn for want of concurrency.
func (a *Alarms) FunctionThrottles(id string, fn awslambda.IFunction, description string) awscloudwatch.Alarm {
	metric := fn.MetricThrottles(&awscloudwatch.MetricOptions{Period: duration(alarmPeriod), Statistic: jsii.String("Sum")})
	return a.alarm(id, description, metric, 0)
}
