package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Bad usage exits 2 with a message that says what is wrong, before anything is opened.
func TestBadUsageExitsTwo(t *testing.T) {
	t.Parallel()
	hubPath := exampleHub(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no command at all", nil, "usage: urakata COMMAND"},
		{"an unknown command", []string{"deploy"}, `unknown command "deploy"; commands: dev, run, sync`},
		{"an unknown flag", []string{"flows", "--colour", "--config", hubPath}, "flag provided but not defined: -colour"},
		{"sync without a flow", []string{"sync", "--config", hubPath}, "sync takes one flow name"},
		{"sync with two flows", []string{"sync", "a", "b", "--config", hubPath}, "sync takes one flow name"},
		{"sync with month 13", []string{"sync", "timeclock-to-payroll", "--period", "2026-13", "--config", hubPath}, `--period "2026-13": want YYYY-MM`},
		{"dev with month 13", []string{"dev", "--once", "--period", "2026-13", "--config", hubPath, "--data", t.TempDir()}, `--period "2026-13": want YYYY-MM`},
		{"dev with a period that is not a month", []string{"dev", "--once", "--period", "October", "--config", hubPath, "--data", t.TempDir()}, `--period "October"`},
		{"dev with no employees", []string{"dev", "--once", "--employees", "0", "--config", hubPath, "--data", t.TempDir()}, "--employees must be at least 1"},
		{"dlq without a subcommand", []string{"dlq", "--config", hubPath}, "dlq takes a subcommand"},
		{"dlq replay without ids or --all", []string{"dlq", "replay", "--config", hubPath, "--data", t.TempDir()}, "dlq replay takes --all or the ids"},
		{"dlq replay with ids and --all", []string{"dlq", "replay", "x", "--all", "--config", hubPath, "--data", t.TempDir()}, "dlq replay takes --all or the ids"},
		{"a log level that does not exist", []string{"flows", "--log-level", "loud", "--config", hubPath}, `--log-level "loud"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runUrakata(t, tc.args...)
			if code != exitUsage {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(string(stderr), tc.want) {
				t.Fatalf("stderr does not say %q:\n%s", tc.want, stderr)
			}
			if len(stdout) != 0 {
				t.Fatalf("stdout is not empty:\n%s", stdout)
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"flows", "-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			_, stderr, code := runUrakata(t, args...)
			if code != exitOK || len(stderr) == 0 {
				t.Fatalf("exit %d, stderr %q; want 0 and the usage", code, stderr)
			}
		})
	}
}

// An invalid hub.yaml stops every command that reads it with exit 2 and every problem
// placed as file:line:column and the key path; with --json the same problems are listed in
// the error object on stdout.
func TestInvalidHubYAMLIsReportedWithLineAndPath(t *testing.T) {
	t.Parallel()
	hubPath := exampleHub(t, "workers: 4", "workers: 0", "closing_day: 0", "closing_day: 31")
	want := []string{
		hubPath + `:\d+:\d+: runtime\.workers: 0 is out of range`,
		hubPath + `:\d+:\d+: flows\.timeclock-to-payroll\.period\.closing_day: 31 is out of range`,
	}
	commands := [][]string{
		{"validate"},
		{"flows"},
		{"sync", "timeclock-to-payroll"},
		{"run", "--once"},
		{"dev", "--once"},
		{"dlq", "list"},
	}
	for _, cmd := range commands {
		t.Run(cmd[0]+" prints each problem on stderr", func(t *testing.T) {
			t.Parallel()
			args := append(slices.Clone(cmd), "--config", hubPath, "--data", t.TempDir())
			stdout, stderr, code := runUrakata(t, args...)
			if code != exitUsage {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if len(stdout) != 0 {
				t.Fatalf("stdout is not empty:\n%s", stdout)
			}
			for _, re := range want {
				if !regexp.MustCompile("(?m)^" + re).Match(stderr) {
					t.Errorf("stderr has no line matching %s:\n%s", re, stderr)
				}
			}
		})
		t.Run(cmd[0]+" --json lists the problems on stdout", func(t *testing.T) {
			t.Parallel()
			args := append(slices.Clone(cmd), "--json", "--config", hubPath, "--data", t.TempDir())
			stdout, stderr, code := runUrakata(t, args...)
			if code != exitUsage {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			var res struct {
				OK       *bool `json:"ok"`
				ExitCode int   `json:"exit_code"`
				Errors   []struct {
					File         string
					Line, Column int
					Path         string
					Message      string
				} `json:"errors"`
			}
			if err := json.Unmarshal(stdout, &res); err != nil {
				t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
			}
			if res.OK == nil || *res.OK || res.ExitCode != exitUsage || len(res.Errors) != 2 {
				t.Fatalf("result %s; want ok false, exit_code 2 and two errors", stdout)
			}
			for i, path := range []string{"runtime.workers", "flows.timeclock-to-payroll.period.closing_day"} {
				e := res.Errors[i]
				if e.File != hubPath || e.Line == 0 || e.Column == 0 || e.Path != path || e.Message == "" {
					t.Errorf("error %d: %+v; want %s at a line and column of %s", i, e, path, hubPath)
				}
			}
		})
	}
}

// Asking for a flow that hub.yaml does not declare is bad usage, and the message lists the
// flows there are, before any secret is needed.
func TestUnknownFlowListsTheFlows(t *testing.T) {
	t.Parallel()
	hubPath := exampleHub(t)
	for _, tc := range []struct{ flow, want string }{
		{"nope", `unknown flow "nope"; flows in hub.yaml: timeclock-to-payroll`},
		{"timeclock-to-payrol", `did you mean "timeclock-to-payroll"`},
	} {
		t.Run(tc.flow, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runUrakata(t, "sync", tc.flow, "--config", hubPath, "--data", t.TempDir())
			if code != exitUsage {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if !strings.Contains(string(stderr), tc.want) || !strings.Contains(string(stderr), "timeclock-to-payroll") {
				t.Fatalf("stderr does not say %q:\n%s", tc.want, stderr)
			}
			if len(stdout) != 0 {
				t.Fatalf("stdout is not empty:\n%s", stdout)
			}
		})
	}
}

// A connection whose secret is nowhere stops the hub with exit 3 and a message that names
// the connection, the secret, the environment variable and the file looked in; no secret
// value appears anywhere, not even the values of other secrets in the same places.
func TestMissingSecretNamesWhereItWasLookedFor(t *testing.T) {
	t.Parallel()
	hubPath := exampleHub(t)
	const other = "not-this-one-0123456789"
	secretsPath := filepath.Join(t.TempDir(), "secrets.json")
	if err := os.WriteFile(secretsPath, []byte(`{"FREEE_HR_OLD": {"client_secret": "`+other+`"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"sync", []string{"sync", "timeclock-to-payroll"}},
		{"run --once", []string{"run", "--once"}},
		{"dlq replay --all", []string{"dlq", "replay", "--all"}},
	} {
		for _, asJSON := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s json=%v", tc.name, asJSON), func(t *testing.T) {
				t.Parallel()
				args := append(slices.Clone(tc.args), "--config", hubPath, "--data", t.TempDir(), "--secrets", secretsPath)
				if asJSON {
					args = append(args, "--json")
				}
				cmd := urakata(args...)
				cmd.Env = append(cmd.Env, "URAKATA_SECRET_FREEE_HR_OLD="+other)
				var out, errb strings.Builder
				cmd.Stdout, cmd.Stderr = &out, &errb
				_ = cmd.Run()
				if code := cmd.ProcessState.ExitCode(); code != exitUnavailable {
					t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitUnavailable, errb.String())
				}
				msg := errb.String()
				if asJSON {
					var res struct {
						OK       bool   `json:"ok"`
						Error    string `json:"error"`
						ExitCode int    `json:"exit_code"`
					}
					if err := json.Unmarshal([]byte(out.String()), &res); err != nil {
						t.Fatalf("stdout is not a JSON object: %v\n%s", err, out.String())
					}
					if res.OK || res.ExitCode != exitUnavailable {
						t.Fatalf("result %s; want ok false and exit_code 3", out.String())
					}
					msg = res.Error
				}
				for _, want := range []string{`secret "FREEE_HR"`, "connection freee-hr", "environment variable URAKATA_SECRET_FREEE_HR", "file " + secretsPath} {
					if !strings.Contains(msg, want) {
						t.Errorf("message does not say %q: %s", want, msg)
					}
				}
				noSecrets(t, []string{other}, []byte(out.String()), []byte(errb.String()))
			})
		}
	}
}

// flows, connectors and validate describe the hub without touching any vendor.
func TestDescribingCommands(t *testing.T) {
	t.Parallel()
	t.Run("flows --json lists each flow with its trigger and next run", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runUrakata(t, "flows", "--json", "--config", examplePath)
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		var res struct {
			OK    bool `json:"ok"`
			Flows []struct {
				Name, Type, Source, Target, Schedule, Zone, Webhook string
				NextRun                                             string `json:"next_run"`
			}
		}
		if err := json.Unmarshal(stdout, &res); err != nil {
			t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
		}
		if !res.OK || len(res.Flows) != 5 {
			t.Fatalf("result %s; want ok and the example's five flows", stdout)
		}
		for i, name := range []string{"helpdesk-slack", "helpdesk-chatwork"} {
			bot := res.Flows[3+i]
			if bot.Name != name || bot.Type != "chat-helpdesk" || bot.Webhook != "/hooks/"+bot.Source || bot.Schedule != "" {
				t.Fatalf("flow %d %+v; want the chat bot %s, started by its chat's webhook alone", 4+i, bot, name)
			}
		}
		if e := res.Flows[1]; e.Name != "expense-to-accounting" || e.Source != "freee-accounting" || e.Target != "xero" || e.Schedule != "*/30 * * * *" {
			t.Fatalf("second flow %+v; want expense-to-accounting from freee-accounting to xero every 30 minutes", e)
		}
		f := res.Flows[0]
		if f.Name != "timeclock-to-payroll" || f.Type != "timeclock-to-payroll" || f.Source != "freee-hr" || f.Target != "freee-hr" ||
			f.Schedule != "0 6 1 * *" || f.Zone != "Asia/Tokyo" || !regexp.MustCompile(`^\d{4}-\d\d-01T06:00:00\+09:00$`).MatchString(f.NextRun) {
			t.Fatalf("flow %+v; want the example's flow, next run at 06:00 JST on a 1st", f)
		}
	})
	t.Run("connectors --json lists freee-hr with its capabilities and secret fields", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runUrakata(t, "connectors", "--json")
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		type connector struct {
			Vendor       string
			Capabilities []string
			Sandbox      bool
			Fields       []struct {
				Name   string
				Secret bool
			}
		}
		var res struct {
			OK         bool `json:"ok"`
			Connectors []connector
		}
		if err := json.Unmarshal(stdout, &res); err != nil {
			t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
		}
		i := slices.IndexFunc(res.Connectors, func(c connector) bool { return c.Vendor == "freee-hr" })
		if !res.OK || i < 0 {
			t.Fatalf("result %s; want freee-hr", stdout)
		}
		c := res.Connectors[i]
		for _, want := range []string{"employees", "attendance", "work-summary-target"} {
			if !slices.Contains(c.Capabilities, want) {
				t.Errorf("freee-hr capabilities %v; want %s among them", c.Capabilities, want)
			}
		}
		if !c.Sandbox {
			t.Error("freee-hr has no sandbox; want one for urakata dev")
		}
		secret := map[string]bool{}
		for _, f := range c.Fields {
			secret[f.Name] = f.Secret
		}
		want := map[string]bool{"company_id": false, "token_url": false, "requests_per_hour": false, "client_id": true, "client_secret": true, "refresh_token": true}
		for name, isSecret := range want {
			if got, ok := secret[name]; !ok || got != isSecret {
				t.Errorf("field %s: secret=%v (listed %v); want secret=%v", name, got, ok, isSecret)
			}
		}
	})
	t.Run("connectors --json lists the wave-1 vendors, each with a sandbox and its secrets marked", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runUrakata(t, "connectors", "--json")
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		var res struct {
			Connectors []struct {
				Vendor       string
				Capabilities []string
				Sandbox      bool
				Windows      []struct{ Start, End, Zone string }
				Fields       []struct {
					Name   string
					Secret bool
				}
			}
		}
		if err := json.Unmarshal(stdout, &res); err != nil {
			t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
		}
		seen := map[string]bool{}
		for _, c := range res.Connectors {
			seen[c.Vendor] = true
			secrets := 0
			for _, f := range c.Fields {
				if f.Secret {
					secrets++
				}
			}
			if !c.Sandbox || len(c.Capabilities) == 0 || secrets == 0 {
				t.Errorf("%s: sandbox %v, capabilities %v, %d secret fields; want a sandbox, capabilities and its secrets marked", c.Vendor, c.Sandbox, c.Capabilities, secrets)
			}
			if c.Vendor == "kingoftime" && (len(c.Windows) != 2 || c.Windows[0].Start != "08:30" || c.Windows[0].Zone != "Asia/Tokyo") {
				t.Errorf("kingoftime windows %+v; want 08:30–10:00 and 17:30–18:30 in Asia/Tokyo", c.Windows)
			}
		}
		for _, v := range []string{"kingoftime", "freee-hr", "freee-accounting", "xero", "slack", "chatwork", "github"} {
			if !seen[v] {
				t.Errorf("%s is not listed", v)
			}
		}
	})
	t.Run("validate accepts hub.example.yaml", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runUrakata(t, "validate", "--config", examplePath)
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		if want := examplePath + ": ok (6 connections, 5 flows)\n"; string(stdout) != want {
			t.Fatalf("stdout %q; want %q", stdout, want)
		}
	})
	t.Run("validate --json says ok with the counts", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := runUrakata(t, "validate", "--json", "--config", examplePath)
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		var res struct {
			OK                 bool
			File               string
			Connections, Flows int
			Warnings           []string
		}
		if err := json.Unmarshal(stdout, &res); err != nil || !res.OK || res.File != examplePath || res.Connections != 6 || res.Flows != 5 || res.Warnings == nil || len(res.Warnings) != 0 {
			t.Fatalf("result %s (%v); want ok, 6 connections, 5 flows, an empty warnings list", stdout, err)
		}
	})
}

// `dlq list` on a folder where nothing has run cannot answer: exit 3, the folder named, and
// nothing created there.
func TestDeadLettersOfAnUnusedFolder(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "typo")
	_, stderr, code := runUrakata(t, "dlq", "list", "--config", examplePath, "--data", data)
	if code != exitUnavailable || !strings.Contains(string(stderr), "data folder "+data) {
		t.Fatalf("exit %d, stderr %q; want 3 naming the folder", code, stderr)
	}
	if _, err := os.Stat(data); err == nil {
		t.Fatal("dlq list created the data folder")
	}
}
