// Command webhook is the webhook Lambda: API Gateway HTTP API requests on
// POST /hooks/{connection}, verified, enqueued and answered by the same ingress as the
// embedded runtime's webhook server.
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
	h := lambdahub.Must(lambdahub.Open(context.Background(), wiring.RoleWebhook, os.Getenv))
	lambda.StartHandlerFunc(h.WebhookHandler().Handle)
}
