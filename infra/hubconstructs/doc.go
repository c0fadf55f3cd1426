// Package hubconstructs holds the CDK constructs the urakata stack is built from: the work
// queue with its dead letters, the ledger table, the connection secrets, the hub's Lambda
// functions, the webhook API, the flow schedules and the alarms. Each is secure by default
// (encrypted with the hub's key, TLS only, least privilege); what the hub.yaml asks for is
// decided in infra/plan and wired together in infra.
package hubconstructs

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// duration turns a Go duration into a CDK one, in whole seconds.
func duration(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Seconds(jsii.Number(d.Seconds()))
}
