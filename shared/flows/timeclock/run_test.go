package timeclock_test

import (
	"testing"

	"github.com/urakata/urakata/shared/flows/internal/flowtest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// TestRunsWriteEachSummaryOnce plans and delivers the flow on the embedded queue and ledger
// three times: the first run writes every summary, a second with unchanged clocks writes
// nothing, and a corrected punch writes that one employee's summary again.
func TestRunsWriteEachSummaryOnce(t *testing.T) {
	t.Parallel()
	h := flowtest.Open(t)
	src, dst := sameSystem(), newTarget("freee-hr")
	h.Bind(hub.BoundFlow{Name: "timeclock", Target: "freee-hr", Flow: build(t, flowConfig("freee-hr", "freee-hr"), src, dst, planned)})
	run := func(id string) (hub.PlanStats, []hub.Status) {
		t.Helper()
		return h.Run(hub.Job{Flow: "timeclock", RunID: id, Period: "2026-10"})
	}

	stats, statuses := run("run-1")
	if stats.Queued != 2 || len(statuses) != 2 || statuses[0] != hub.StatusDelivered || statuses[1] != hub.StatusDelivered {
		t.Fatalf("first run: %+v, %v; want both summaries delivered", stats, statuses)
	}
	if got := dst.held["101/2026-10"]; got != taroSummary {
		t.Errorf("target holds %+v for taro, want %+v", got, taroSummary)
	}

	stats, statuses = run("run-2")
	if stats.Queued != 0 || stats.Skipped != 2 || len(statuses) != 0 || len(dst.puts) != 2 {
		t.Errorf("second run with the same clocks: %+v, %v, %d puts; want nothing written", stats, statuses, len(dst.puts))
	}

	// Hanako's clock-out on 1 October is corrected from 18:00 to 19:00.
	src.days["102"] = []model.AttendanceDay{shift(model.Workday, "2026-10-01", "09:00", "19:00", "12:00-13:00")}
	stats, statuses = run("run-3")
	if stats.Queued != 1 || stats.Skipped != 1 || len(statuses) != 1 || statuses[0] != hub.StatusDelivered || len(dst.puts) != 3 {
		t.Errorf("run after a correction: %+v, %v, %d puts; want hanako's summary written once more", stats, statuses, len(dst.puts))
	}
	if got := dst.held["102/2026-10"]; got.WorkedMinutes != 540 || got.OvertimeMinutes != 60 {
		t.Errorf("hanako's summary %+v, want 540 worked with 60 overtime", got)
	}
}
