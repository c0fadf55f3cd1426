package main

import (
	"bytes"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
)

const putSummaryOp = "update_employee_work_record_summary"

// A worker killed with SIGKILL in the middle of writing summaries, then started again, ends
// with exactly one correct summary per employee in the sandbox: no write is lost (what was
// queued is still queued) and none is doubled (an expired claim is recovered by reading what
// freee holds before writing again).
func TestKilledWorkerRestartsWithExactlyOneSummaryPerEmployee(t *testing.T) {
	t.Parallel()
	const employees, killAt = 30, 10
	var (
		puts   atomic.Int32
		mu     sync.Mutex
		victim *os.Process
		killed = make(chan struct{})
	)
	srv := newSandbox(t, freeetest.Options{Employees: employees, Seed: 3, OnRequest: func(op string) {
		if op != putSummaryOp || puts.Add(1) != killAt {
			return
		}
		// Kill the worker while this PUT is on its way in: the sandbox applies it, the
		// worker never learns that it did.
		mu.Lock()
		defer mu.Unlock()
		if victim != nil {
			_ = victim.Signal(syscall.SIGKILL)
			close(killed)
		}
	}})
	// A 7.5-hour prescribed day: the summaries urakata writes differ from the ones the
	// sandbox computes by itself before any write (on freee's 8 hours), so a summary that is
	// right in the end was written, not found.
	hubPath, secretsPath := writeHubPeriod(t, srv, "workers: 4, lease: 3s, visibility: 3s, max_receives: 5",
		`{closing_day: 0, prescribed_daily_minutes: 450, prescribed_start: "09:00", prescribed_end: "17:30", week_start: sunday}`)
	data := t.TempDir()
	args := []string{"sync", "timeclock-to-payroll", "--period", "2026-10", "--json", "--config", hubPath, "--data", data, "--secrets", secretsPath}

	first := urakata(args...)
	var stderr bytes.Buffer
	first.Stderr = &stderr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	victim = first.Process
	mu.Unlock()
	err := first.Wait()
	select {
	case <-killed:
	default:
		t.Fatalf("the first run ended before it was killed (%v); stderr:\n%s", err, tail(stderr.Bytes()))
	}
	if ws, ok := first.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("first run: %v; want killed by SIGKILL", first.ProcessState)
	}

	out, errOut, code := runUrakata(t, args...)
	if code != 0 {
		t.Fatalf("the restarted run exited %d; stderr:\n%s", code, tail(errOut))
	}
	r := decodeResult(t, out, errOut)
	f := r.Flows[0]
	if f.Failed != 0 || f.Dead != 0 || f.Reconciliation == nil || f.Reconciliation.Matched != employees {
		t.Fatalf("restarted run: %+v, reconciliation %+v; want nothing failed and %d summaries matching", f, f.Reconciliation, employees)
	}
	for _, e := range srv.Employees() {
		if n := srv.PutCount(e.ID, 2026, time.October); n != 1 {
			t.Errorf("employee %d: %d summary writes; want exactly 1", e.ID, n)
		}
	}
}
