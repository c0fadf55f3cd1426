package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
)

// mainEnv makes the test binary act as the urakata command, so tests can run it as a child
// process (and kill it) without building it first.
const mainEnv = "URAKATA_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		// The real entry point, signal handling included, so that a test can stop the
		// child with SIGINT as a person would with Ctrl-C.
		main()
		return
	}
	os.Exit(m.Run())
}

// urakata prepares the command as a child process with args.
func urakata(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	return cmd
}

// runUrakata runs the command to the end and returns stdout, stderr and the exit code.
func runUrakata(t *testing.T, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	cmd := urakata(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.Bytes(), errb.Bytes(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), errb.Bytes(), 0
}

// writeHubPeriod writes a hub.yaml (with the flow's pay period rules) and a 0600 secrets
// file for one freee-hr connection to srv.
func writeHubPeriod(t *testing.T, srv *freeetest.Server, runtime, period string) (hubPath, secretsPath string) {
	t.Helper()
	return writeHubAt(t, srv.BaseURL(), srv.TokenURL(), runtime, period)
}

// writeHubAt is writeHubPeriod for an HR API at baseURL and a token endpoint at tokenURL,
// e.g. a test server in front of the sandbox.
func writeHubAt(t *testing.T, baseURL, tokenURL, runtime, period string) (hubPath, secretsPath string) {
	t.Helper()
	dir := t.TempDir()
	hubPath = filepath.Join(dir, "hub.yaml")
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {%s}
connections:
  freee-hr:
    vendor: freee-hr
    base_url: %s
    secret: FREEE_HR
    settings: {company_id: 1, token_url: %s}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: %s
`, runtime, baseURL, tokenURL, period)
	if err := os.WriteFile(hubPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cred, _ := json.Marshal(map[string]any{"FREEE_HR": map[string]string{
		"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "freeetest-refresh-token",
	}})
	secretsPath = filepath.Join(dir, "secrets.json")
	if err := os.WriteFile(secretsPath, cred, 0o600); err != nil {
		t.Fatal(err)
	}
	return hubPath, secretsPath
}

// result is the part of a --json run result the tests read.
type result struct {
	OK    bool `json:"ok"`
	Flows []struct {
		Name           string `json:"name"`
		Period         string `json:"period"`
		Read           int    `json:"read"`
		Delivered      int    `json:"delivered"`
		Skipped        int    `json:"skipped"`
		Failed         int    `json:"failed"`
		Dead           int    `json:"dead"`
		Reconciliation *struct {
			Matched, Mismatched, Errors int
		} `json:"reconciliation"`
	} `json:"flows"`
}

func decodeResult(t *testing.T, stdout, stderr []byte) result {
	t.Helper()
	var r result
	if err := json.Unmarshal(stdout, &r); err != nil {
		t.Fatalf("stdout is not a JSON result: %v\nstdout: %s\nstderr: %s", err, stdout, tail(stderr))
	}
	return r
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return b[len(b)-4000:]
	}
	return b
}

func newSandbox(t *testing.T, opts freeetest.Options) *freeetest.Server {
	t.Helper()
	if opts.Year == 0 {
		opts.Year, opts.Month = 2026, time.October
	}
	srv := freeetest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("sandbox: %s", v)
		}
	})
	return srv
}

// examplePath is the demo hub.yaml that `make run` uses.
const examplePath = "../../hub.example.yaml"

// exampleHub copies hub.example.yaml into a temporary folder, replacing each old string of
// oldNew with the new one that follows it, and returns the copy's path. The chat bot's
// knowledge base, which the example names relative to the repository's root (where `make
// run` runs urakata), is named absolutely in the copy.
func exampleHub(t *testing.T, oldNew ...string) string {
	t.Helper()
	b, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			t.Fatalf("hub.example.yaml has no %q to replace", oldNew[i])
		}
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	kb, err := filepath.Abs(filepath.Join("..", "..", "testdata", "faq"))
	if err != nil {
		t.Fatal(err)
	}
	s = strings.ReplaceAll(s, "kb: testdata/faq", "kb: "+strconv.Quote(kb))
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkJSONLogs fails unless every line of stderr is a structured log record.
func checkJSONLogs(t *testing.T, stderr []byte) {
	t.Helper()
	for i, line := range bytes.Split(bytes.TrimSpace(stderr), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec struct {
			Time  string `json:"time"`
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if err := json.Unmarshal(line, &rec); err != nil || rec.Time == "" || rec.Level == "" || rec.Msg == "" {
			t.Fatalf("stderr line %d is not a JSON log record (%v): %s", i+1, err, line)
		}
	}
}

// sandboxCredentials are the credentials writeHub puts in the secrets file, and every
// token the sandbox has issued so far.
func sandboxCredentials(t *testing.T, srv *freeetest.Server) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := srv.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	var st struct {
		Access  map[string]time.Time `json:"access_tokens"`
		Refresh map[string]time.Time `json:"refresh_tokens"`
	}
	if err := json.Unmarshal(buf.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	out := []string{"freeetest-secret", "freeetest-refresh-token"}
	for tok := range st.Access {
		out = append(out, tok)
	}
	for tok := range st.Refresh {
		out = append(out, tok)
	}
	return out
}

// noSecrets fails if any output holds one of the secret values.
func noSecrets(t *testing.T, values []string, outputs ...[]byte) {
	t.Helper()
	for _, out := range outputs {
		for _, v := range values {
			if v != "" && bytes.Contains(out, []byte(v)) {
				t.Fatalf("a secret value (%d characters, starting %q) is in the output", len(v), v[:min(4, len(v))])
			}
		}
	}
}
