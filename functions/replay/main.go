// Command replay is the replay Lambda, invoked by hand or by the CLI with
// {"ids": ["…"], "all": false}: it moves the chosen dead letters back to the work queue,
// whence the worker delivers them through the ledger, and answers {"replayed": N}.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/urakata/urakata/functions/internal/lambdahub"
)

func main() {
	r := lambdahub.Must(lambdahub.OpenReplay(context.Background(), os.Getenv))
	lambda.StartHandlerFunc(r.Handle, lambdahub.StrictInput)
}
