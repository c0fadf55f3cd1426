package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The demo on a fresh data folder writes every employee's summary and exits 0 with a JSON
// result on stdout and nothing else there; run again on the same folder, it finds every
// delivery already settled in the ledger and writes nothing.
func TestDevOnceDeliversThenFindsEverythingSettled(t *testing.T) {
	t.Parallel()
	hubPath := exampleHub(t)
	data := t.TempDir()
	// The demo as `make run` starts it: 30 employees, the month that closed last.
	args := []string{"dev", "--once", "--json", "--config", hubPath, "--data", data}

	first, out1 := devOnce(t, args)
	if tc := first["timeclock-to-payroll"]; tc.Delivered != 30 || tc.Read != 30 || tc.Skipped != 0 {
		t.Fatalf("first run: %+v; want 30 read and 30 delivered", tc)
	}
	// The demo's seven approved claims: a journal each in Xero and a notice each in Slack.
	if ex := first["expense-to-accounting"]; ex.Read != 7 || ex.Delivered != 14 {
		t.Fatalf("first run: %+v; want 7 claims read, 7 journals and 7 notices delivered", ex)
	}

	second, out2 := devOnce(t, args)
	if tc := second["timeclock-to-payroll"]; tc.Delivered != 0 || tc.Skipped != 30 {
		t.Fatalf("second run on the same data folder: %+v; want 0 delivered, 30 skipped", tc)
	}
	if ex := second["expense-to-accounting"]; ex.Delivered != 0 {
		t.Fatalf("second run on the same data folder: %+v; want nothing new delivered", ex)
	}

	// Neither the sandbox's credentials nor any token it issued reach the output.
	state, err := os.ReadFile(filepath.Join(data, "sandbox", "freee-hr.json"))
	if err != nil {
		t.Fatal(err)
	}
	var issued struct {
		Access  map[string]time.Time `json:"access_tokens"`
		Refresh map[string]time.Time `json:"refresh_tokens"`
	}
	if err := json.Unmarshal(state, &issued); err != nil || len(issued.Access) == 0 || len(issued.Refresh) == 0 {
		t.Fatalf("sandbox state holds no tokens (%v)", err)
	}
	secretValues := []string{"freeetest-secret", "freeetest-refresh-token"}
	for tok := range issued.Access {
		secretValues = append(secretValues, tok)
	}
	for tok := range issued.Refresh {
		secretValues = append(secretValues, tok)
	}
	noSecrets(t, secretValues, out1, out2)
}

// flowCounts is one flow item of a --json run result, every count required to be present.
type flowCounts struct {
	Name                                   string
	Read, Delivered, Skipped, Failed, Dead int
}

// devOnce runs `urakata dev --once --json`, checks the promises every such run keeps (exit
// 0, stdout one JSON object, stderr JSON log lines, nothing failed, every record reconciled)
// and returns the counts of each flow by name, and stdout and stderr together.
func devOnce(t *testing.T, args []string) (map[string]flowCounts, []byte) {
	t.Helper()
	stdout, stderr, code := runUrakata(t, args...)
	if code != 0 {
		t.Fatalf("exit %d; want 0; stdout:\n%s\nstderr:\n%s", code, stdout, tail(stderr))
	}
	checkJSONLogs(t, stderr)
	dec := json.NewDecoder(strings.NewReader(string(stdout)))
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON object:\n%s", stdout)
	}
	var flows []map[string]json.RawMessage
	if err := json.Unmarshal(doc["flows"], &flows); err != nil {
		t.Fatalf("result has no flows list: %v\n%s", err, stdout)
	}
	out := map[string]flowCounts{}
	for _, f := range flows {
		var name string
		_ = json.Unmarshal(f["name"], &name)
		count := func(key string) int {
			raw, ok := f[key]
			if !ok {
				t.Fatalf("flow item has no %q: %s", key, stdout)
			}
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				t.Fatalf("flow item %q is not a number: %s", key, raw)
			}
			return n
		}
		fc := flowCounts{Name: name, Read: count("read"), Delivered: count("delivered"), Skipped: count("skipped"), Failed: count("failed"), Dead: count("dead")}
		if fc.Failed != 0 || fc.Dead != 0 {
			t.Fatalf("flow %s: %+v; want nothing failed or dead", name, fc)
		}
		var rec struct{ Matched, Mismatched, Errors int }
		if err := json.Unmarshal(f["reconciliation"], &rec); err != nil {
			t.Fatalf("flow item has no reconciliation: %s", stdout)
		}
		if rec.Matched != fc.Delivered+fc.Skipped || rec.Mismatched != 0 || rec.Errors != 0 {
			t.Fatalf("flow %s: reconciliation %+v; want all %d deliveries matching", name, rec, fc.Delivered+fc.Skipped)
		}
		out[name] = fc
	}
	for _, want := range []string{"timeclock-to-payroll", "expense-to-accounting"} {
		if _, ok := out[want]; !ok {
			t.Fatalf("no %s in the result:\n%s", want, stdout)
		}
	}
	return out, append(stdout, stderr...)
}

// `urakata dev` without --once runs every flow, prints the summary, serves /healthz on
// runtime.listen, and on SIGINT or SIGTERM exits 0 within seconds having saved the
// sandbox's state: the next run on the same data folder meets the same vendor (the refresh
// token it holds is still valid, the summaries it wrote are still there).
func TestDevServesUntilSignalledAndSavesTheSandbox(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			addr := freeAddr(t)
			// A 7.5-hour day: the summaries urakata writes differ from the ones the sandbox
			// computes by itself on freee's 8 hours, so the run after the restart reconciles
			// only if the sandbox kept what was written.
			hubPath := exampleHub(t, "listen: 127.0.0.1:8787", "listen: "+addr,
				"prescribed_daily_minutes: 480", "prescribed_daily_minutes: 450", `prescribed_end: "18:00"`, `prescribed_end: "17:30"`)
			data := t.TempDir()

			cmd := urakata("dev", "--employees", "4", "--period", "2026-10", "--config", hubPath, "--data", data)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
			})

			// Read the summary up to the line that says the server is up.
			var printed []string
			sc := bufio.NewScanner(stdout)
			served := ""
			for sc.Scan() {
				line := sc.Text()
				printed = append(printed, line)
				if rest, ok := strings.CutPrefix(line, "serving webhooks on http://"); ok {
					served, _, _ = strings.Cut(rest, "/")
					break
				}
			}
			if served == "" {
				t.Fatalf("no serving line; stdout:\n%s\nstderr:\n%s", strings.Join(printed, "\n"), stderr.String())
			}
			go func() { _, _ = io.Copy(io.Discard, stdout); exited <- cmd.Wait() }()
			if served != addr {
				t.Fatalf("serving on %s; want runtime.listen %s", served, addr)
			}
			summary := strings.Join(printed, "\n")
			if !regexp.MustCompile(`freee-hr +sandbox freee-hr at http://127\.0\.0\.1:`).MatchString(summary) {
				t.Fatalf("summary does not show the sandbox on loopback:\n%s", summary)
			}
			if !strings.Contains(summary, "timeclock-to-payroll  period 2026-10  read 4  delivered 4  skipped 0  failed 0  dead 0") {
				t.Fatalf("summary does not say all 4 were delivered:\n%s", summary)
			}

			resp, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			var health struct{ OK bool }
			err = json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || !health.OK {
				t.Fatalf("GET /healthz: %d %+v %v; want 200 and ok", resp.StatusCode, health, err)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Fatalf("after %v: %v; want exit 0; stderr:\n%s", sig, err, tail([]byte(stderr.String())))
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10 s after %v", sig)
			}
			state, err := os.ReadFile(filepath.Join(data, "sandbox", "freee-hr.json"))
			if err != nil {
				t.Fatalf("sandbox state not saved: %v", err)
			}
			var saved struct{ Summaries []json.RawMessage }
			if err := json.Unmarshal(state, &saved); err != nil || len(saved.Summaries) != 4 {
				t.Fatalf("saved sandbox state holds %d summaries (%v); want the 4 written", len(saved.Summaries), err)
			}
			if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				t.Fatalf("%s still accepts connections after exit", addr)
			}

			runs, _ := devOnce(t, []string{"dev", "--once", "--json", "--employees", "4", "--period", "2026-10", "--config", hubPath, "--data", data})
			if again := runs["timeclock-to-payroll"]; again.Delivered != 0 || again.Skipped != 4 {
				t.Fatalf("run after the restart: %+v; want everything already settled", runs)
			}
		})
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr())
}
