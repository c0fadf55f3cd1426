package local

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
)

// windowsConfig is a hub.yaml whose flow reads from a vendor closed 08:30–10:00 and
// 17:30–18:30 Tokyo time, on the given schedule.
func windowsConfig(t *testing.T, cron string) (*config.File, *hub.Registry) {
	t.Helper()
	jst := time.FixedZone("Asia/Tokyo", 9*60*60)
	reg := hub.NewRegistry()
	newConn := func(context.Context, hub.Env) (any, error) { return nil, nil }
	reg.Register(hub.Connector{Vendor: "windowed", New: newConn, Windows: []hub.Window{
		{Start: "08:30", End: "10:00", Zone: jst, Reason: "restricted hours"},
		{Start: "17:30", End: "18:30", Zone: jst, Reason: "restricted hours"},
	}})
	reg.Register(hub.Connector{Vendor: "open", New: newConn})
	vocab := config.Vocabulary{
		Vendors:   map[string][]config.Field{"windowed": nil, "open": nil},
		FlowTypes: map[string]config.FlowTypeSpec{"copy": {Triggers: []config.TriggerKind{config.TriggerSchedule}}},
	}
	yaml := `version: 1
company: {zone: Asia/Tokyo}
connections:
  attendance: {vendor: windowed}
  payroll: {vendor: open}
flows:
  sync:
    type: copy
    source: attendance
    target: payroll
    trigger: {schedule: {cron: "` + cron + `"}}
`
	cfg, err := config.Parse("hub.yaml", []byte(yaml), vocab)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, reg
}

func TestWarningsOfSchedulesInsideVendorWindows(t *testing.T) {
	t.Parallel()
	// A Friday at noon in Tokyo.
	now := time.Date(2026, 10, 2, 12, 0, 0, 0, time.FixedZone("Asia/Tokyo", 9*60*60))
	for _, tc := range []struct {
		name string
		cron string
		want []string // substrings of the one warning; none when nil
	}{
		{"a monthly run at 06:00 is outside every window", "0 6 1 * *", nil},
		{"a monthly run at 09:00 falls in the morning window", "0 9 1 * *",
			[]string{"flow sync", `"0 9 1 * *"`, "2026-11-01 09:00 +09:00", "windowed", "08:30–10:00 Asia/Tokyo", "restricted hours", "connection attendance"}},
		{"a daily run at 18:00 falls in the evening window", "0 18 * * *",
			[]string{"2026-10-02 18:00 +09:00", "17:30–18:30 Asia/Tokyo"}},
		{"a run at 10:00 is outside, since a window ends before its end time", "0 10 * * *", nil},
		{"a run at 08:30 is inside, since a window starts at its start time", "30 8 * * *", []string{"08:30–10:00"}},
		{"a run every five minutes is warned of for both windows", "*/5 * * * *", []string{"08:30–10:00", "17:30–18:30"}},
		{"a weekday run at 09:15, next fired after the weekend, is still found", "15 9 * * 1-5",
			[]string{"2026-10-05 09:15 +09:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, reg := windowsConfig(t, tc.cron)
			got := warnings(cfg, reg, now)
			if tc.want == nil {
				if len(got) != 0 {
					t.Fatalf("warnings = %q; want none", got)
				}
				return
			}
			joined := strings.Join(got, "\n")
			for _, w := range tc.want {
				if !strings.Contains(joined, w) {
					t.Errorf("warnings %q lack %q", got, w)
				}
			}
		})
	}
}

func TestWarningsOfEachWindowOnce(t *testing.T) {
	t.Parallel()
	cfg, reg := windowsConfig(t, "*/5 * * * *")
	got := warnings(cfg, reg, time.Date(2026, 10, 2, 3, 0, 0, 0, time.UTC))
	if len(got) != 2 {
		t.Fatalf("warnings = %q; want one per window", got)
	}
}
