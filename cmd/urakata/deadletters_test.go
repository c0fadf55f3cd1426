package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
)

// closedMonth is what freee might answer a PUT it will never accept, in its problem shape.
const closedMonth = "対象月の勤怠は締め済みのため更新できません。"

// A 400 from the vendor is permanent: the delivery goes to the dead letters with the
// vendor's message and nothing is written for that employee, while the others are; the run
// exits 1. `dlq list` shows it with its last error. Once the cause is gone, `dlq replay
// --all` delivers it exactly once through the ledger, and neither a second replay nor
// another sync writes anything.
func TestPermanentVendorRefusalGoesToDeadLettersAndReplaysOnce(t *testing.T) {
	t.Parallel()
	const employees = 5
	srv := newSandbox(t, freeetest.Options{Employees: employees, Seed: 5, RateLimit: freeetest.NoRateLimit})
	victim := srv.Employees()[2]
	refusedPath := fmt.Sprintf("/hr/api/v1/employees/%d/work_record_summaries/2026/10", victim.ID)
	var refusing atomic.Bool
	refusing.Store(true)
	var refused atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refusing.Load() && r.Method == http.MethodPut && r.URL.Path == refusedPath {
			refused.Add(1)
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintf(w, `{"status_code":400,"errors":[{"type":"bad_request","messages":[%q]}]}`, closedMonth)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	// A 7.5-hour day: what urakata writes differs from what the sandbox computes by itself,
	// so a summary that is right was written, not found already there.
	hubPath, secretsPath := writeHubAt(t, front.URL+"/hr", srv.TokenURL(), "workers: 2, max_receives: 5",
		`{closing_day: 0, prescribed_daily_minutes: 450, prescribed_start: "09:00", prescribed_end: "17:30", week_start: sunday}`)
	data := t.TempDir()
	common := []string{"--json", "--config", hubPath, "--data", data, "--secrets", secretsPath}
	cli := func(args ...string) (stdout, stderr []byte, code int) {
		t.Helper()
		stdout, stderr, code = runUrakata(t, append(args, common...)...)
		noSecrets(t, sandboxCredentials(t, srv), stdout, stderr)
		for _, personal := range []string{victim.DisplayName, victim.LastName, victim.Email} {
			if strings.Contains(string(stdout)+string(stderr), personal) {
				t.Fatalf("the output of %v names the employee", args)
			}
		}
		return stdout, stderr, code
	}
	puts := func() map[int]int {
		out := map[int]int{}
		for _, e := range srv.Employees() {
			out[e.ID] = srv.PutCount(e.ID, 2026, time.October)
		}
		return out
	}
	checkPuts := func(when string, victimPuts int) {
		t.Helper()
		for id, n := range puts() {
			want := 1
			if id == victim.ID {
				want = victimPuts
			}
			if n != want {
				t.Errorf("%s: employee %d has %d summary writes; want %d", when, id, n, want)
			}
		}
	}

	// The run: one refusal, dead at once, the others delivered.
	stdout, stderr, code := cli("sync", "timeclock-to-payroll", "--period", "2026-10")
	if code != exitFailed {
		t.Fatalf("sync exited %d; want %d; stderr:\n%s", code, exitFailed, tail(stderr))
	}
	r := decodeResult(t, stdout, stderr)
	if f := r.Flows[0]; r.OK || f.Delivered != employees-1 || f.Failed != 1 || f.Dead != 1 {
		t.Fatalf("sync result %s; want %d delivered, 1 failed and dead", stdout, employees-1)
	}
	if n := refused.Load(); n != 1 {
		t.Fatalf("the refused PUT was sent %d times; want once (a 400 is never retried)", n)
	}
	checkPuts("after the refusal", 0)

	// dlq list shows it with freee's message.
	dead := listDead(t, cli)
	if len(dead) != 1 {
		t.Fatalf("dlq list: %+v; want one dead letter", dead)
	}
	d := dead[0]
	if d.Flow != "timeclock-to-payroll" || d.Kind != "delivery" || d.Attempts != 1 || d.ID == "" || d.NaturalKey == "" || d.DeadAt.IsZero() {
		t.Fatalf("dead letter %+v; want a delivery of timeclock-to-payroll, received once", d)
	}
	if !strings.Contains(d.LastError, closedMonth) || !strings.Contains(d.LastError, "400") {
		t.Fatalf("last error %q; want the status and freee's message %q", d.LastError, closedMonth)
	}

	// The cause removed, replay delivers it once.
	refusing.Store(false)
	stdout, stderr, code = cli("dlq", "replay", "--all")
	if code != exitOK {
		t.Fatalf("replay exited %d; want 0; stderr:\n%s", code, tail(stderr))
	}
	r = decodeResult(t, stdout, stderr)
	if len(r.Flows) != 1 || !r.OK || r.Flows[0].Delivered != 1 || r.Flows[0].Failed != 0 || replayed(t, stdout) != 1 {
		t.Fatalf("replay result %s; want one replayed and delivered", stdout)
	}
	checkPuts("after the replay", 1)
	if dead := listDead(t, cli); len(dead) != 0 {
		t.Fatalf("dlq list after the replay: %+v; want none", dead)
	}

	// Replaying again, or running the flow again, writes nothing.
	stdout, stderr, code = cli("dlq", "replay", "--all")
	if code != exitOK {
		t.Fatalf("second replay exited %d; want 0; stderr:\n%s", code, tail(stderr))
	}
	if r = decodeResult(t, stdout, stderr); !r.OK || r.Flows == nil || len(r.Flows) != 0 || replayed(t, stdout) != 0 {
		t.Fatalf("second replay result %s; want ok, none replayed and an empty flows list", stdout)
	}
	stdout, stderr, code = cli("dlq", "replay", d.ID)
	if code != exitOK || replayed(t, stdout) != 0 {
		t.Fatalf("replaying the old id again exited %d with %s; want 0 and none replayed; stderr:\n%s", code, stdout, tail(stderr))
	}
	stdout, stderr, code = cli("sync", "timeclock-to-payroll", "--period", "2026-10")
	if code != exitOK {
		t.Fatalf("sync after the replay exited %d; want 0; stderr:\n%s", code, tail(stderr))
	}
	if f := decodeResult(t, stdout, stderr).Flows[0]; f.Delivered != 0 || f.Skipped != employees || f.Reconciliation == nil || f.Reconciliation.Matched != employees {
		t.Fatalf("sync after the replay: %s; want all %d skipped and matching", stdout, employees)
	}
	checkPuts("at the end", 1)
}

// deadLetter is one item of `urakata dlq list --json`.
type deadLetter struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Flow       string    `json:"flow"`
	NaturalKey string    `json:"natural_key"`
	Attempts   int       `json:"attempts"`
	LastError  string    `json:"last_error"`
	DeadAt     time.Time `json:"dead_at"`
}

func listDead(t *testing.T, cli func(args ...string) ([]byte, []byte, int)) []deadLetter {
	t.Helper()
	stdout, stderr, code := cli("dlq", "list")
	if code != exitOK {
		t.Fatalf("dlq list exited %d; stderr:\n%s", code, tail(stderr))
	}
	var res struct {
		OK          bool          `json:"ok"`
		DeadLetters *[]deadLetter `json:"dead_letters"`
	}
	if err := json.Unmarshal(stdout, &res); err != nil {
		t.Fatalf("dlq list: stdout is not a JSON object: %v\n%s", err, stdout)
	}
	if !res.OK || res.DeadLetters == nil {
		t.Fatalf("dlq list: %s; want ok and a dead_letters list", stdout)
	}
	return *res.DeadLetters
}

// replayed reads how many dead letters `urakata dlq replay --json` put back on the queue.
func replayed(t *testing.T, stdout []byte) int {
	t.Helper()
	var res struct {
		Replayed *int `json:"replayed"`
	}
	if err := json.Unmarshal(stdout, &res); err != nil || res.Replayed == nil {
		t.Fatalf("replay result has no replayed count (%v): %s", err, stdout)
	}
	return *res.Replayed
}
