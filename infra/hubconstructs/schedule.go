package hubconstructs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsschedulertargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Retry policy of a schedule's invocation. Scheduler invokes the function asynchronously,
// so these retries cover only a failed hand-over to Lambda (throttling, a service error);
// a flow that fails once started is the function's own errors alarm.
const (
	scheduleRetries     = 4
	scheduleMaxEventAge = time.Hour
)

// FlowSchedulesProps configure the flow schedules.
type FlowSchedulesProps struct {
	// Target is the schedule function.
	Target awslambda.IFunction
	// DeadLetters keeps the invocations that could not be handed to Target.
	DeadLetters awssqs.IQueue
}

// FlowSchedules are the EventBridge Scheduler schedules that start flows, and the one role
// they all invoke the schedule function with.
type FlowSchedules struct {
	constructs.Construct
	// Role is what Scheduler assumes: it may invoke Target and send to DeadLetters.
	Role  awsiam.Role
	props FlowSchedulesProps
}

// NewFlowSchedules declares the schedules' role; Add declares each flow's schedules.
func NewFlowSchedules(scope constructs.Construct, id string, props *FlowSchedulesProps) *FlowSchedules {
	this := constructs.NewConstruct(scope, &id)
	role := awsiam.NewRole(this, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), nil).WithConditions(&map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()},
		}),
		Description: jsii.String("urakata: EventBridge Scheduler starts the hub's flows"),
	})
	// The target grants sqs:SendMessage alone; an encrypted queue also needs the key.
	props.DeadLetters.GrantSendMessages(role)
	return &FlowSchedules{Construct: this, Role: role, props: *props}
}

// Add declares the schedules of one flow: one per expression (two when its cron names both
// a day of the month and a day of the week), each read in zone and sending
// {"flow":"<flow>"} to the schedule function. The construct is named after the flow, so a
// flow keeps its schedule's logical id whatever other flows come and go.
func (s *FlowSchedules) Add(flow string, expressions []string, zone string) []awsscheduler.Schedule {
	this := constructs.NewConstruct(s.Construct, &flow)
	input, err := json.Marshal(struct {
		Flow string `json:"flow"`
	}{flow})
	if err != nil {
		panic(err) // a struct of one string always marshals
	}
	var out []awsscheduler.Schedule
	for i, expr := range expressions {
		target := awsschedulertargets.NewLambdaInvoke(s.props.Target, &awsschedulertargets.ScheduleTargetBaseProps{
			Input:           awsscheduler.ScheduleTargetInput_FromText(jsii.String(string(input))),
			DeadLetterQueue: s.props.DeadLetters,
			RetryAttempts:   jsii.Number(scheduleRetries),
			MaxEventAge:     duration(scheduleMaxEventAge),
			Role:            s.Role,
		})
		out = append(out, awsscheduler.NewSchedule(this, jsii.String(fmt.Sprintf("Cron%d", i+1)), &awsscheduler.ScheduleProps{
			Schedule:    awsscheduler.ScheduleExpression_Expression(jsii.String(expr), awscdk.TimeZone_Of(jsii.String(zone))),
			Target:      target,
			Description: jsii.String("urakata: starts flow " + flow),
		}))
	}
	return out
}
