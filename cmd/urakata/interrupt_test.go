package main

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
)

// Ctrl-C in the middle of a sync stops it with exit 130 and, with --json, one result object
// on stdout saying how far it got; the next sync finishes the work with exactly one summary
// per employee.
func TestInterruptedSyncExits130AndTheNextOneFinishes(t *testing.T) {
	t.Parallel()
	const employees = 8
	var (
		puts     atomic.Int32
		mu       sync.Mutex
		signal   func()
		released = make(chan struct{})
	)
	srv := newSandbox(t, freeetest.Options{Employees: employees, Seed: 9, OnRequest: func(op string) {
		if op != putSummaryOp || puts.Add(1) != 3 {
			return
		}
		mu.Lock()
		send := signal
		mu.Unlock()
		if send != nil {
			send()
		}
		// Hold this write until the interrupted process is gone, so that the interrupt
		// lands while work is still in flight.
		select {
		case <-released:
		case <-time.After(10 * time.Second):
		}
	}})
	hubPath, secretsPath := writeHubPeriod(t, srv, "workers: 1, lease: 2s, visibility: 2s, max_receives: 5",
		`{closing_day: 0, prescribed_daily_minutes: 450, prescribed_start: "09:00", prescribed_end: "17:30", week_start: sunday}`)
	args := []string{"sync", "timeclock-to-payroll", "--period", "2026-10", "--json", "--config", hubPath, "--data", t.TempDir(), "--secrets", secretsPath}

	first := urakata(args...)
	var stdout, stderr bytes.Buffer
	first.Stdout, first.Stderr = &stdout, &stderr
	var signalled atomic.Bool
	// Held across Start, so that the sandbox cannot look for the process before it exists.
	mu.Lock()
	if err := first.Start(); err != nil {
		mu.Unlock()
		t.Fatal(err)
	}
	signal = func() {
		signalled.Store(true)
		_ = first.Process.Signal(syscall.SIGINT)
	}
	mu.Unlock()
	exited := make(chan struct{})
	go func() { _ = first.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = first.Process.Kill()
		t.Fatal("the interrupted sync did not exit within 20 s")
	}
	close(released)
	if !signalled.Load() {
		t.Fatalf("the sync ended before it was interrupted; stderr:\n%s", tail(stderr.Bytes()))
	}
	if code := first.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("interrupted sync exited %d; want %d; stdout:\n%s\nstderr:\n%s", code, exitInterrupted, stdout.Bytes(), tail(stderr.Bytes()))
	}
	dec := json.NewDecoder(&stdout)
	var partial struct {
		OK    *bool             `json:"ok"`
		Flows []json.RawMessage `json:"flows"`
	}
	if err := dec.Decode(&partial); err != nil || partial.OK == nil || *partial.OK {
		t.Fatalf("stdout is not one result object saying not ok (%v):\n%s", err, stdout.Bytes())
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than the result object:\n%s", stdout.Bytes())
	}

	out, errOut, code := runUrakata(t, args...)
	if code != exitOK {
		t.Fatalf("the next sync exited %d; want 0; stderr:\n%s", code, tail(errOut))
	}
	if f := decodeResult(t, out, errOut).Flows[0]; f.Failed != 0 || f.Dead != 0 || f.Reconciliation == nil || f.Reconciliation.Matched != employees {
		t.Fatalf("next sync: %s; want nothing failed and all %d matching", out, employees)
	}
	for _, e := range srv.Employees() {
		if n := srv.PutCount(e.ID, 2026, time.October); n != 1 {
			t.Errorf("employee %d: %d summary writes; want exactly 1", e.ID, n)
		}
	}
}
