package kingoftime_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	_ "github.com/urakata/urakata/connectors/xero" // the target, registered as xero
	"github.com/urakata/urakata/connectors/xero/xerotest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// TestTimeclockToPayrollFromKingOfTimeToXeroTimesheets runs the same flow type with Xero's
// UK payroll as the target, chosen by hub.yaml alone: every employee gets one timesheet of
// daily lines, matched by employee code, reconciled against what Xero holds, and a second
// run writes nothing.
func TestTimeclockToPayrollFromKingOfTimeToXeroTimesheets(t *testing.T) {
	t.Parallel()
	const employees = 10
	noon := time.Date(2026, 11, 2, 12, 0, 0, 0, time.FixedZone("Asia/Tokyo", 9*60*60))
	kot := kingoftimetest.New(kingoftimetest.Options{Seed: 1, Employees: employees, Year: 2026, Month: time.October,
		NoRestrictedHours: true, Now: func() time.Time { return noon }})
	// Xero allows 60 calls a minute per organisation: the connector keeps to it (tested in
	// connectors/xero); here the sandbox lifts it so the test does not wait out minutes.
	xero := xerotest.New(xerotest.Options{Seed: 1, Employees: employees, Year: 2026, Month: time.October,
		MinuteLimit: xerotest.NoLimit, ConcurrentLimit: xerotest.NoLimit})
	for _, s := range []interface{ Start() error }{kot, xero} {
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		kot.Close()
		xero.Close()
		for _, v := range kot.Violations() {
			t.Errorf("KING OF TIME sandbox: %s", v)
		}
		for _, v := range xero.Violations() {
			t.Errorf("Xero sandbox: %s", v)
		}
	})

	rates := xero.EarningsRates()
	data := t.TempDir()
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {data_dir: %q, workers: 4, lease: 30s, visibility: 30s, max_receives: 5}
connections:
  kot:
    vendor: kingoftime
    base_url: %s
    secret: KOT
    settings: {observe_restricted_hours: false, requests_per_minute: 60000}
  xero:
    vendor: xero
    base_url: %s
    secret: XERO
    settings:
      token_url: %s
      requests_per_minute: 6000
      ordinary_earnings_rate_id: %s
      overtime_earnings_rate_id: %s
      holiday_earnings_rate_id: %s
      late_night_earnings_rate_id: %s
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: kot
    target: xero
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 480, prescribed_start: "09:00", prescribed_end: "18:00", week_start: sunday}
`, data, kot.BaseURL(), xero.BaseURL(), xero.TokenURL(), rates.Ordinary, rates.Overtime, rates.Holiday, rates.LateNight)
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	o := xero.Options()
	xeroCreds, _ := json.Marshal(map[string]string{"client_id": o.ClientID, "client_secret": o.ClientSecret, "refresh_token": o.RefreshToken})
	h, err := local.Open(t.Context(), cfg, local.Options{
		Secrets: secrets.Static(map[string]string{"KOT": kingoftimetest.DefaultToken, "XERO": string(xeroCreds)}),
		Logger:  slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)

	res, err := h.Run(t.Context(), local.RunRequest{Period: "2026-10", Trigger: "test", Reconcile: true})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Flows[0]
	if !res.OK || f.Read != employees || f.Delivered != employees || f.Failed != 0 || f.Dead != 0 || len(f.ItemErrors) != 0 {
		t.Fatalf("first run: %+v; want every employee matched and a timesheet delivered each", f)
	}
	if r := f.Reconciliation; r == nil || r.Matched != employees || r.Mismatched != 0 {
		t.Fatalf("reconciliation %+v; want every timesheet found in Xero as written", r)
	}
	sheets := xero.Timesheets()
	perEmployee := map[string]int{}
	for _, s := range sheets {
		perEmployee[s.EmployeeID]++
		if len(s.Lines) == 0 || s.Start != model.NewDate(2026, time.October, 1) {
			t.Errorf("timesheet %s: %d lines from %s; want daily lines of October", s.ID, len(s.Lines), s.Start)
		}
	}
	if len(perEmployee) != employees {
		t.Errorf("%d employees have timesheets; want %d", len(perEmployee), employees)
	}
	for id, n := range perEmployee {
		if n != 1 {
			t.Errorf("employee %s has %d timesheets; want 1", id, n)
		}
	}

	res, err = h.Run(t.Context(), local.RunRequest{Period: "2026-10", Trigger: "test", Reconcile: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Flows[0]; !res.OK || f.Delivered != 0 || f.Skipped != employees {
		t.Fatalf("second run: %+v, reconciliation %+v; want nothing new written, everything matching", f, f.Reconciliation)
	}
}
