// Command worker is the worker Lambda: an SQS event source with ReportBatchItemFailures,
// handled by the same worker as the embedded runtime. It answers with the ids of the
// records that failed, and only those.
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
	h := lambdahub.Must(lambdahub.Open(context.Background(), wiring.RoleWorker, os.Getenv))
	lambda.StartHandlerFunc(h.WorkerHandler().Handle)
}
