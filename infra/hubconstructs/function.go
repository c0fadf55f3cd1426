package hubconstructs

import (
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// FunctionProps configure one of the hub's functions.
type FunctionProps struct {
	// CodeDir is the folder with the function's bootstrap and hub.yaml
	// (build/lambda/<name>, written by make lambdas).
	CodeDir     string
	Description string
	Timeout     time.Duration
	MemoryMiB   int
	Environment map[string]string
	// LogRetention is how long the function's log lines are kept.
	LogRetention awslogs.RetentionDays
	// DeadLetters, if set, keeps the events of asynchronous invocations that failed every
	// retry.
	DeadLetters awssqs.IQueue
}

// Function is one of the hub's Lambda functions: a Go bootstrap on provided.al2023 and
// arm64, its own log group with a retention, and its own role, which starts with no
// permission beyond writing to that log group; the stack grants the rest.
type Function struct {
	constructs.Construct
	Function awslambda.Function
	Role     awsiam.Role
	LogGroup awslogs.LogGroup
}

// NewFunction declares a function, its role and its log group.
func NewFunction(scope constructs.Construct, id string, props *FunctionProps) *Function {
	this := constructs.NewConstruct(scope, &id)
	logs := awslogs.NewLogGroup(this, jsii.String("Logs"), &awslogs.LogGroupProps{Retention: props.LogRetention})
	role := awsiam.NewRole(this, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("urakata " + id + " function"),
	})
	logs.GrantWrite(role)
	env := map[string]*string{}
	for _, k := range slices.Sorted(maps.Keys(props.Environment)) {
		env[k] = jsii.String(props.Environment[k])
	}
	fn := awslambda.NewFunction(this, jsii.String("Function"), &awslambda.FunctionProps{
		Runtime:         awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:    awslambda.Architecture_ARM_64(),
		Handler:         jsii.String("bootstrap"),
		Code:            awslambda.Code_FromAsset(jsii.String(props.CodeDir), nil),
		Description:     jsii.String(props.Description),
		Timeout:         duration(props.Timeout),
		MemorySize:      jsii.Number(props.MemoryMiB),
		Environment:     &env,
		Role:            role,
		LogGroup:        logs,
		DeadLetterQueue: props.DeadLetters,
	})
	return &Function{Construct: this, Function: fn, Role: role, LogGroup: logs}
}
