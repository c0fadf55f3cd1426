package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
)

// A vendor that fails for a while (500s, 429 with Retry-After, a dropped connection) is
// retried, by the HTTP client and then by the queue, and the run ends with every summary
// written once and nothing failed.
func TestTransientVendorFailuresAreRetried(t *testing.T) {
	t.Parallel()
	const employees = 4
	for _, tc := range []struct {
		name  string
		kind  freeetest.FaultKind
		times int
		// requeued: more failures in a row than the HTTP client retries, so the queue
		// retries the delivery later.
		requeued bool
	}{
		{"three 500s in a row are retried by the client", freeetest.FaultServerError, 3, false},
		{"two 429s with Retry-After are waited out", freeetest.FaultRateLimited, 2, false},
		{"a dropped connection is retried", freeetest.FaultConnectionReset, 1, false},
		{"more 500s than the client retries are retried from the queue", freeetest.FaultServerError, 6, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newSandbox(t, freeetest.Options{Employees: employees, Seed: 7, RetryAfter: time.Second})
			srv.Fail(tc.kind, tc.times, putSummaryOp)
			hubPath, secretsPath := writeHubPeriod(t, srv, "workers: 1, max_receives: 5",
				`{closing_day: 0, prescribed_daily_minutes: 450, prescribed_start: "09:00", prescribed_end: "17:30", week_start: sunday}`)
			stdout, stderr, code := runUrakata(t, "sync", "timeclock-to-payroll", "--period", "2026-10", "--json",
				"--config", hubPath, "--data", t.TempDir(), "--secrets", secretsPath)
			if code != exitOK {
				t.Fatalf("exit %d; want 0; stdout:\n%s\nstderr:\n%s", code, stdout, tail(stderr))
			}
			checkJSONLogs(t, stderr)
			noSecrets(t, sandboxCredentials(t, srv), stdout, stderr)
			r := decodeResult(t, stdout, stderr)
			f := r.Flows[0]
			if !r.OK || f.Delivered != employees || f.Failed != 0 || f.Dead != 0 || f.Reconciliation == nil || f.Reconciliation.Matched != employees {
				t.Fatalf("result %s; want all %d delivered and matching, nothing failed", stdout, employees)
			}
			var counts struct {
				Retries int `json:"retries"`
			}
			var res struct{ Flows []json.RawMessage }
			if err := json.Unmarshal(stdout, &res); err != nil || json.Unmarshal(res.Flows[0], &counts) != nil {
				t.Fatalf("result %s has no retries count", stdout)
			}
			if tc.requeued != (counts.Retries > 0) {
				t.Fatalf("the queue retried %d times; want retries only when the client gave up", counts.Retries)
			}
			if got := srv.Requests()[putSummaryOp]; got != employees+tc.times {
				t.Fatalf("%d PUTs reached the sandbox; want %d (one each, plus %d refused)", got, employees+tc.times, tc.times)
			}
			for _, e := range srv.Employees() {
				if n := srv.PutCount(e.ID, 2026, time.October); n != 1 {
					t.Errorf("employee %d: %d summary writes; want exactly 1", e.ID, n)
				}
			}
		})
	}
}
