package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/local"
)

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, a *app, args []string) error
}

func commands() []command {
	return []command{
		{"dev", "[--once] [--period YYYY-MM] [--employees N]", "sandbox vendors with a demo company: every flow once, a scripted chat with the bot and an alert raised and closed, then serve webhooks until Ctrl-C", cmdDev},
		{"run", "[--once]", "the real vendors of hub.yaml: schedules, webhooks and workers until Ctrl-C (--once: every flow once, then exit)", cmdRun},
		{"sync", "FLOW [--period YYYY-MM]", "run one flow now and wait for its deliveries", cmdSync},
		{"flows", "", "list the flows of hub.yaml with their triggers", cmdFlows},
		{"connectors", "", "list the connectors this binary has, their capabilities and settings", cmdConnectors},
		{"validate", "", "check hub.yaml; exit 2 with file:line and the field when it is wrong", cmdValidate},
		{"dlq", "list | replay (--all | ID...)", "list or replay dead letters (replay goes through the ledger: no double writes)", cmdDLQ},
		{"schema", "", "print the JSON Schema of hub.yaml for editors", cmdSchema},
		{"faq", `ask "QUESTION" [--kb DIR]`, "answer from the FAQ knowledge base (--kb default testdata/faq); exit 1 when it declines", cmdFAQ},
	}
}

// app holds the global options and where output goes.
type app struct {
	stdout, stderr io.Writer
	json           bool
	configPath     string
	dataDir        string
	logLevel       string
	secretsFile    string
	logger         *slog.Logger
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	a := &app{stdout: stdout, stderr: stderr}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, a, args[1:])
			return a.finish(ctx, err)
		}
	}
	fmt.Fprintf(stderr, "urakata: unknown command %q; commands: %s\n", args[0], commandNames())
	return exitUsage
}

func commandNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "urakata: the integration hub for a company's cloud back office")
	fmt.Fprintln(w, "\nusage: urakata COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n  %-11s   %s\n", c.name, c.args, "", c.summary)
	}
	fmt.Fprintln(w, "\nflags of every command: --config FILE (hub.yaml), --data DIR, --secrets FILE, --json, --log-level LEVEL")
	fmt.Fprintln(w, "exit codes: 0 ok, 1 something failed, 2 bad usage or hub.yaml, 3 could not start, 130 interrupted")
}

// flags returns a flag set with the flags every command takes.
func (a *app) flags(name, defaultConfig string) *flag.FlagSet {
	fs := flag.NewFlagSet("urakata "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.StringVar(&a.configPath, "config", defaultConfig, "the hub.yaml to use")
	fs.StringVar(&a.dataDir, "data", "", "the data folder (default: runtime.data_dir of hub.yaml)")
	fs.StringVar(&a.secretsFile, "secrets", os.Getenv("URAKATA_SECRETS_FILE"), "a 0600 JSON file of secrets, besides URAKATA_SECRET_* variables")
	fs.BoolVar(&a.json, "json", false, "print a JSON result object on stdout")
	fs.StringVar(&a.logLevel, "log-level", "", "debug, info, warn or error (default: info, or warn on a terminal)")
	return fs
}

// parse parses args, allowing flags after positional arguments (urakata sync FLOW --json).
func (a *app) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &exitError{code: exitOK, err: err}
			}
			return nil, &exitError{code: exitUsage, err: err}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	logger, err := a.newLogger()
	if err != nil {
		return nil, err
	}
	a.logger = logger
	return pos, nil
}

func (a *app) newLogger() (*slog.Logger, error) {
	level := slog.LevelInfo
	if a.logLevel == "" && isTerminal(a.stderr) {
		level = slog.LevelWarn
	}
	if a.logLevel != "" {
		// A misspelt level would otherwise log at info without a word.
		if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
			return nil, usageErr("--log-level %q: want debug, info, warn or error", a.logLevel)
		}
	}
	return slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: level})), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// finish prints err (as JSON on stdout with --json) and returns the exit code.
func (a *app) finish(ctx context.Context, err error) int {
	code := codeOf(ctx, err)
	if err == nil || err == failedErr {
		return code
	}
	var ee *exitError
	if errors.As(err, &ee) && errors.Is(ee.err, flag.ErrHelp) {
		return exitOK
	}
	if errors.As(err, &ee) && ee.reported && a.json {
		return code
	}
	if code == exitInterrupted && !a.json {
		// Not "context canceled": the person pressed Ctrl-C and knows why.
		fmt.Fprintln(a.stderr, "urakata: interrupted")
		return code
	}
	var list config.Errors
	if a.json {
		out := map[string]any{"ok": false, "error": err.Error(), "exit_code": code}
		if errors.As(err, &list) {
			out["errors"] = list
		}
		a.printJSON(out)
		return code
	}
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(a.stderr, e.Error())
		}
		return code
	}
	fmt.Fprintln(a.stderr, "urakata:", err)
	return code
}

func (a *app) printJSON(v any) {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// loadConfig reads and validates hub.yaml against the connectors and flow types compiled in.
func (a *app) loadConfig() (*config.File, error) {
	cfg, err := config.Load(a.configPath, local.Vocabulary())
	if err != nil {
		var list config.Errors
		if errors.As(err, &list) {
			return nil, &exitError{code: exitUsage, err: list}
		}
		return nil, &exitError{code: exitUsage, err: err}
	}
	return cfg, nil
}
