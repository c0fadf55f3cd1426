// Package lambdahub is what the Lambda functions share: their environment, the hub built
// once per container from hub.yaml with the AWS adapters (the same connectors and flows as
// the embedded runtime, through shared/wiring), and the handlers that turn each function's
// event into the core's calls. functions/<name>/main.go only picks a handler and starts it.
//
// Only the functions import it; it never links SQLite, the CDK or the vendors' sandboxes.
package lambdahub

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
)

// The environment variables infra sets on every function.
const (
	EnvQueueURL     = "URAKATA_QUEUE_URL"
	EnvDLQURL       = "URAKATA_DLQ_URL"
	EnvTable        = "URAKATA_TABLE"
	EnvSecretPrefix = "URAKATA_SECRET_PREFIX"
	EnvConfig       = "URAKATA_CONFIG"
	EnvMaxReceives  = "URAKATA_MAX_RECEIVES"
	EnvLogLevel     = "URAKATA_LOG_LEVEL"
)

// Env is a function's configuration, read from its environment.
type Env struct {
	// QueueURL and DeadLetterURL are the work queue and its dead-letter queue.
	QueueURL, DeadLetterURL string
	// Table is the DynamoDB table of the ledger, cursors and tokens.
	Table string
	// SecretPrefix goes before a connection's secret name to make its Secrets Manager name:
	// "urakata/demo/" + "FREEE_HR".
	SecretPrefix string
	// ConfigPath is the hub.yaml deployed beside the bootstrap.
	ConfigPath string
	// MaxReceives is the work queue's redrive maxReceiveCount.
	MaxReceives int
	LogLevel    slog.Level
}

// ReadEnv reads the environment through getenv (os.Getenv in main). Every variable that is
// missing or wrong is reported at once, so one failed cold start shows everything to fix.
func ReadEnv(getenv func(string) string) (Env, error) {
	e := Env{
		QueueURL:      getenv(EnvQueueURL),
		DeadLetterURL: getenv(EnvDLQURL),
		Table:         getenv(EnvTable),
		SecretPrefix:  getenv(EnvSecretPrefix),
		ConfigPath:    getenv(EnvConfig),
	}
	var errs []error
	// The table is checked by Open: the replay function touches only the queues.
	for _, name := range []string{EnvQueueURL, EnvDLQURL} {
		if getenv(name) == "" {
			errs = append(errs, fmt.Errorf("%s is not set", name))
		}
	}
	if e.ConfigPath == "" {
		// The build puts hub.yaml beside bootstrap, which Lambda unpacks in LAMBDA_TASK_ROOT.
		e.ConfigPath = filepath.Join(getenv("LAMBDA_TASK_ROOT"), "hub.yaml")
	}
	if raw := getenv(EnvMaxReceives); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("%s = %q: want the redrive policy's maxReceiveCount, 1 to 1000", EnvMaxReceives, raw))
		}
		e.MaxReceives = n
	}
	if raw := getenv(EnvLogLevel); raw != "" {
		if err := e.LogLevel.UnmarshalText([]byte(strings.ToUpper(raw))); err != nil {
			errs = append(errs, fmt.Errorf("%s = %q: want debug, info, warn or error", EnvLogLevel, raw))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Env{}, fmt.Errorf("lambda environment: %w", err)
	}
	return e, nil
}
