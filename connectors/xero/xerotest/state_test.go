package xerotest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestSaveAndLoadState(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	tok := c.tokenRequest(s.opts.RefreshToken, s.opts.ClientSecret)
	refresh := tokenOf(t, tok).RefreshToken
	if res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("urakata-expense-1"), "Idempotency-Key", "k-1"); res.status != 200 {
		t.Fatalf("PUT: %d", res.status)
	}
	e, r := s.Employees()[0], s.EarningsRates()
	if res := c.do(http.MethodPost, "/payroll.xro/2.0/Timesheets", timesheetBody(e, "2026-10-01", "2026-10-31", lineBody("2026-10-05", r.Ordinary, "8"))); res.status != 200 {
		t.Fatalf("POST timesheet: %d %s", res.status, res.body)
	}
	var saved bytes.Buffer
	if err := s.SaveState(&saved); err != nil {
		t.Fatal(err)
	}

	// The same organisation, started again.
	next, c2 := start(t, october2026())
	if err := next.LoadState(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	if j := next.ManualJournals(); len(j) != 1 || j[0].Narration != "urakata-expense-1" {
		t.Fatalf("journals %+v", j)
	}
	if ts := next.Timesheets(); len(ts) != 1 || ts[0].Lines[0].Minutes() != 480 {
		t.Fatalf("timesheets %+v", ts)
	}
	// The refresh token it issued still works, and the key it answered is still answered.
	tokenOf(t, c2.tokenRequest(refresh, s.opts.ClientSecret))
	if res := c2.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("urakata-expense-1"), "Idempotency-Key", "k-1"); res.status != 200 || len(next.ManualJournals()) != 1 {
		t.Fatalf("replayed key after a restart: %d with %d journals", res.status, len(next.ManualJournals()))
	}

	other := New(Options{Seed: 2, Year: 2026, Month: 10})
	if err := other.LoadState(bytes.NewReader(saved.Bytes())); err == nil || !strings.Contains(err.Error(), "organisation") {
		t.Fatalf("another seed's state: %v", err)
	}
	if err := other.LoadState(strings.NewReader(`{"version":9}`)); err == nil || !strings.Contains(err.Error(), "version") {
		t.Fatalf("another version: %v", err)
	}
	if err := other.LoadState(strings.NewReader(`{`)); err == nil {
		t.Fatal("a truncated state loaded")
	}
	noViolations(t, s)
	noViolations(t, next)
}
