package lambdahub

import (
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

// StrictInput is the option the schedule and replay functions start with: their input is
// small and written by infra or a person, so a misspelt key fails the invocation instead of
// being ignored. (The SQS and API Gateway events are AWS's, and gain fields over time.)
var StrictInput = lambda.WithDisallowUnknownFields(true)

// Must returns v, or logs err and exits: a cold start that cannot build the hub fails the
// invocation with the reason in the function's log, and Lambda tries a fresh container.
func Must[T any](v T, err error) T {
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("cold start failed", "err", err)
		os.Exit(1)
	}
	return v
}

// NewLogger is the functions' logger: JSON lines, which CloudWatch Logs indexes by field.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// owner names this container in the ledger: its log stream is unique to it, and says where
// to look when a claim is found held.
func owner(getenv func(string) string) string {
	if s := getenv("AWS_LAMBDA_LOG_STREAM_NAME"); s != "" {
		return getenv("AWS_LAMBDA_FUNCTION_NAME") + "/" + s
	}
	return ""
}
