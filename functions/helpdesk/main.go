// Command helpdesk is the chat bot's Lambda (flow type chat-helpdesk): an SQS event source
// on the helpdesk queue with ReportBatchItemFailures, handled by the same worker as the
// embedded runtime. The webhook function queues the bot's chat events there, the schedule
// function its scheduled runs; this function plans and answers them. It is a function of
// its own because it links the FAQ tokenizer's dictionary, which the shared functions leave
// out to stay small.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	_ "github.com/urakata/urakata/connectors/all"
	"github.com/urakata/urakata/functions/internal/lambdahub"
	_ "github.com/urakata/urakata/shared/flows/all" // the flows a bot's mapping may name
	"github.com/urakata/urakata/shared/flows/helpdesk"
	"github.com/urakata/urakata/shared/wiring"
)

func main() {
	h := lambdahub.Must(lambdahub.Open(context.Background(), wiring.FunctionRole(helpdesk.FunctionName), os.Getenv))
	lambda.StartHandlerFunc(h.WorkerHandler().Handle)
}
