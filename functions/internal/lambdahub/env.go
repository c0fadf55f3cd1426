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
	"regexp"
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
	// EnvRoutes names the flows that functions of their own run, as "flow=function,…"
	// (infra sets it when hub.yaml has such flows): their jobs and deliveries go to that
	// function's queue, named by FunctionQueueEnv.
	EnvRoutes = "URAKATA_ROUTES"
)

// FunctionQueueEnv names the variables that hold the work queue and dead-letter queue of a
// function of its own: URAKATA_HELPDESK_QUEUE_URL and URAKATA_HELPDESK_DLQ_URL for
// "helpdesk" (the name in capitals, '-' as '_').
func FunctionQueueEnv(function string) (queueURL, dlqURL string) {
	name := strings.ToUpper(strings.ReplaceAll(function, "-", "_"))
	return "URAKATA_" + name + "_QUEUE_URL", "URAKATA_" + name + "_DLQ_URL"
}

// QueueURLs are a work queue and its dead-letter queue.
type QueueURLs struct {
	Queue, DeadLetters string
}

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
	// Routes maps each flow that a function of its own runs to that function's name
	// (EnvRoutes); the shared functions run the flows it does not name.
	Routes map[string]string
	// Functions are the queues of the functions Routes names, by function name.
	Functions map[string]QueueURLs
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
	var err error
	if e.Routes, e.Functions, err = readRoutes(getenv); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return Env{}, fmt.Errorf("lambda environment: %w", err)
	}
	return e, nil
}

// functionName is what a function of its own may be called: it becomes part of variable
// names and of infra's construct ids.
var functionName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// readRoutes reads EnvRoutes and the queues of each function it names.
func readRoutes(getenv func(string) string) (map[string]string, map[string]QueueURLs, error) {
	raw := getenv(EnvRoutes)
	if raw == "" {
		return nil, nil, nil
	}
	routes, functions := map[string]string{}, map[string]QueueURLs{}
	var errs []error
	for item := range strings.SplitSeq(raw, ",") {
		flow, fn, ok := strings.Cut(strings.TrimSpace(item), "=")
		switch {
		case !ok || flow == "" || !functionName.MatchString(fn):
			errs = append(errs, fmt.Errorf("%s: %q: want flow=function, the function in lower case letters, digits and '-'", EnvRoutes, item))
			continue
		case routes[flow] != "" && routes[flow] != fn:
			errs = append(errs, fmt.Errorf("%s: flow %s is routed to both %s and %s; want one function per flow", EnvRoutes, flow, routes[flow], fn))
			continue
		}
		routes[flow] = fn
		if _, seen := functions[fn]; seen {
			continue
		}
		qv, dv := FunctionQueueEnv(fn)
		functions[fn] = QueueURLs{Queue: getenv(qv), DeadLetters: getenv(dv)}
		for _, v := range []string{qv, dv} {
			if getenv(v) == "" {
				errs = append(errs, fmt.Errorf("%s is not set (%s routes flows to the %s function)", v, EnvRoutes, fn))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return routes, functions, nil
}
