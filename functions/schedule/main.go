// Command schedule is the schedule Lambda: the target of each flow's EventBridge Scheduler
// schedule, with the input {"flow": "<name>"}. It plans a run of the flow for the pay period
// that has just closed and leaves the deliveries on the queue for the worker.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	_ "github.com/urakata/urakata/connectors/all"
	"github.com/urakata/urakata/functions/internal/lambdahub"
	_ "github.com/urakata/urakata/shared/flows/all"
	"github.com/urakata/urakata/shared/wiring"
)

func main() {
	h := lambdahub.Must(lambdahub.Open(context.Background(), wiring.RoleSchedule, os.Getenv))
	lambda.StartHandlerFunc(h.ScheduleHandler().Handle, lambdahub.StrictInput)
}
