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

	_ "github.com/urakata/urakata/connectors/freee" // the target, registered as freee-hr
	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	"github.com/urakata/urakata/shared/config"
	_ "github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// TestTimeclockToPayrollFromKingOfTimeToFreee runs the timeclock-to-payroll flow on the
// embedded runtime with KING OF TIME as the source and freee 人事労務 as the target, both
// sandboxes in this process, chosen by hub.yaml alone: every employee is matched by code
// and gets one summary in freee, nothing fails, and a second run writes nothing.
func TestTimeclockToPayrollFromKingOfTimeToFreee(t *testing.T) {
	t.Parallel()
	const employees = 30
	noon := time.Date(2026, 11, 2, 12, 0, 0, 0, time.FixedZone("Asia/Tokyo", 9*60*60))
	kot := kingoftimetest.New(kingoftimetest.Options{Seed: 1, Employees: employees, Year: 2026, Month: time.October,
		NoRestrictedHours: true, Now: func() time.Time { return noon }})
	freee := freeetest.New(freeetest.Options{Seed: 1, Employees: employees, Year: 2026, Month: time.October, RateLimit: freeetest.NoRateLimit})
	for _, s := range []interface{ Start() error }{kot, freee} {
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		kot.Close()
		freee.Close()
		for _, v := range kot.Violations() {
			t.Errorf("KING OF TIME sandbox: %s", v)
		}
		for _, v := range freee.Violations() {
			t.Errorf("freee sandbox: %s", v)
		}
	})

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
  freee-hr:
    vendor: freee-hr
    base_url: %s
    secret: FREEE_HR
    settings: {company_id: 1, token_url: %s}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: kot
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 480, prescribed_start: "09:00", prescribed_end: "18:00", week_start: sunday}
`, data, kot.BaseURL(), freee.BaseURL(), freee.TokenURL())
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if w := local.Warnings(cfg); len(w) != 0 {
		t.Fatalf("warnings %q; a 06:00 schedule is outside KOT's windows", w)
	}
	freeeCreds, _ := json.Marshal(map[string]string{"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "freeetest-refresh-token"})
	h, err := local.Open(t.Context(), cfg, local.Options{
		Secrets: secrets.Static(map[string]string{"KOT": kingoftimetest.DefaultToken, "FREEE_HR": string(freeeCreds)}),
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
	if !res.OK || f.Read != employees || f.Delivered != employees || f.Failed != 0 || f.Dead != 0 || f.Error != "" || len(f.ItemErrors) != 0 {
		t.Fatalf("first run: %+v; want every employee matched and delivered, nothing failed", f)
	}
	if r := f.Reconciliation; r == nil || r.Matched != employees {
		t.Fatalf("reconciliation %+v; want every summary found in freee as written", r)
	}

	byCode := map[string]freeetest.Employee{}
	for _, e := range freee.Employees() {
		byCode[e.Num] = e
		if n := freee.PutCount(e.ID, 2026, time.October); n != 1 {
			t.Errorf("employee %s: %d summaries written; want 1", e.Num, n)
		}
	}
	summary := func(p kingoftimetest.Profile) freeetest.Summary {
		t.Helper()
		for _, e := range kot.Employees() {
			if e.Profile == p {
				s, ok := freee.Summary(byCode[e.Code].ID, 2026, time.October)
				if !ok {
					t.Fatalf("no summary for %s", e.Code)
				}
				return s
			}
		}
		t.Fatalf("no employee of profile %s", p)
		return freeetest.Summary{}
	}
	// KOT's day kinds, leave and punches arrive in freee as payroll totals.
	if s := summary(kingoftimetest.ProfileWeekendWork); s.TotalHolidayWorkMins != 315 || s.TotalPrescribedHolidayWorkMins != 240 {
		t.Errorf("weekend worker: holiday %d, prescribed holiday %d minutes; want 315 on the legal holiday and 240 on Saturday",
			s.TotalHolidayWorkMins, s.TotalPrescribedHolidayWorkMins)
	}
	if s := summary(kingoftimetest.ProfilePaidLeave); s.NumPaidHolidays != model.Day+model.Day/2 {
		t.Errorf("paid leave: %v days; want 1.5", s.NumPaidHolidays)
	}
	if s := summary(kingoftimetest.ProfileAbsence); s.NumAbsences != model.Day {
		t.Errorf("absence: %v days; want 1", s.NumAbsences)
	}
	if s := summary(kingoftimetest.ProfileLateNight); s.TotalLatenightWorkMins != 300 {
		t.Errorf("late night: %d minutes; want 90 on the 2nd Tuesday and 210 past midnight", s.TotalLatenightWorkMins)
	}
	if s := summary(kingoftimetest.ProfileOvertime); s.TotalOvertimeWorkMins == 0 {
		t.Error("overtime worker: no overtime")
	}

	again, err := h.Run(t.Context(), local.RunRequest{Period: "2026-10", Trigger: "test"})
	if err != nil {
		t.Fatal(err)
	}
	g := again.Flows[0]
	if !again.OK || g.Delivered != 0 || g.Skipped != employees || g.Failed != 0 {
		t.Fatalf("second run: %+v; want nothing delivered, every employee skipped", g)
	}
	for _, e := range freee.Employees() {
		if n := freee.PutCount(e.ID, 2026, time.October); n != 1 {
			t.Errorf("employee %s: %d summaries written after two runs; want 1", e.Num, n)
		}
	}
}
