// Command urakata runs the integration hub on one machine: `urakata dev` against sandbox
// vendors with a demo company, `urakata run` against the real vendors of a hub.yaml, and the
// commands around them (sync, flows, connectors, validate, dlq, schema).
//
// Results go to stdout (a JSON object with --json); logs go to stderr as JSON lines.
// Exit codes: 0 ok; 1 the run finished but something failed (see the result); 2 bad usage or
// an invalid hub.yaml; 3 the hub could not start (a missing secret, an unusable data folder,
// a vendor that refused our credentials); 130 interrupted.
package main

//go:generate go test -run ^TestCommittedSchemaIsCurrent$ -update .

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // zones for schedules and business dates, also where the OS has none

	_ "github.com/urakata/urakata/connectors/all"
	_ "github.com/urakata/urakata/shared/flows/all"
	_ "github.com/urakata/urakata/shared/flows/helpdesk" // chat-helpdesk: the CLI only, see shared/flows/all
)

// Exit codes: see the package comment.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitUnavailable = 3
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit code with the message to print.
type exitError struct {
	code int
	err  error
	// reported says the printed result already tells what went wrong, so that --json
	// leaves one object on stdout.
	reported bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

func unavailable(err error) error { return &exitError{code: exitUnavailable, err: err} }

// failedErr says the command ran to the end but some work failed; the result was printed.
var failedErr = &exitError{code: exitFailed, err: errors.New("some work failed; see the result above")}

func codeOf(ctx context.Context, err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if ctx.Err() != nil {
		return exitInterrupted
	}
	return exitUnavailable
}
