package local_test

import (
	"bufio"
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
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/secrets"
)

// The freee sandbox can run in a child process (this test binary, re-executed), so that a
// benchmark measures the hub's memory and CPU apart from the fake vendor's.
const childEnv = "URAKATA_TEST_FREEE_SANDBOX_EMPLOYEES"

func TestMain(m *testing.M) {
	if n := os.Getenv(childEnv); n != "" {
		serveSandboxChild(n)
		return
	}
	os.Exit(m.Run())
}

// serveSandboxChild runs the sandbox until stdin closes, after printing its URLs.
func serveSandboxChild(employees string) {
	n, _ := strconv.Atoi(employees)
	srv := freeetest.New(freeetest.Options{Seed: 1, Employees: n, Year: 2026, Month: time.October, RateLimit: freeetest.NoRateLimit})
	if err := srv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s %s\n", srv.BaseURL(), srv.TokenURL())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	if v := srv.Violations(); len(v) > 0 {
		fmt.Fprintf(os.Stderr, "sandbox: %d violations, first: %s\n", len(v), v[0])
		os.Exit(3)
	}
	srv.Close()
}

// sandboxChild starts the sandbox in a child process and returns its base and token URLs.
func sandboxChild(tb testing.TB, employees int) (baseURL, tokenURL string) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", childEnv, employees))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = stdin.Close()
		if err := cmd.Wait(); err != nil {
			tb.Errorf("sandbox child: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("sandbox child: %v", err)
	}
	f := strings.Fields(line)
	if len(f) != 2 {
		tb.Fatalf("sandbox child said %q", line)
	}
	return f[0], f[1]
}

// hubConfig writes a hub.yaml for one freee-hr connection at baseURL and parses it.
func hubConfig(tb testing.TB, dataDir, baseURL, tokenURL string, extra string) *config.File {
	tb.Helper()
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {data_dir: %q, workers: 8, lease: 30s, visibility: 30s, max_receives: 5}
connections:
  freee-hr:
    vendor: freee-hr
    base_url: %s
    secret: FREEE_HR
    settings: {company_id: 1, token_url: %s %s}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 480, prescribed_start: "09:00", prescribed_end: "18:00", week_start: sunday}
`, dataDir, baseURL, tokenURL, extra)
	path := filepath.Join(tb.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		tb.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// sandboxSecrets are the sandbox's default OAuth client and first refresh token.
func sandboxSecrets() secrets.Source {
	b, _ := json.Marshal(map[string]string{"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "freeetest-refresh-token"})
	return secrets.Static(map[string]string{"FREEE_HR": string(b)})
}
