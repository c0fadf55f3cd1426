package timeclock_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// fakeSheets is a payroll that takes daily timesheet lines (as Xero's does), keyed by its
// own employee id and the period.
type fakeSheets struct {
	conn string
	mu   sync.Mutex
	held map[string][]model.AttendanceDay
}

var (
	_ hub.TimesheetTarget   = (*fakeSheets)(nil)
	_ hub.TimesheetComparer = (*fakeSheets)(nil)
)

func (s *fakeSheets) PutTimesheet(_ context.Context, emp model.Employee, p model.PayPeriod, days []model.AttendanceDay) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held[emp.ID(s.conn)+"/"+p.Label()] = days
	return "sheet/" + emp.ID(s.conn), nil
}

func (s *fakeSheets) GetTimesheet(_ context.Context, emp model.Employee, p model.PayPeriod) ([]model.AttendanceDay, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	days, ok := s.held[emp.ID(s.conn)+"/"+p.Label()]
	return days, ok, nil
}

// ComparableDays keeps worked and overtime minutes only, as a payroll that takes those two
// earnings lines would hand them back.
func (s *fakeSheets) ComparableDays(days []model.AttendanceDay, _ model.PayPeriod) ([]model.AttendanceDay, error) {
	out := make([]model.AttendanceDay, 0, len(days))
	for _, d := range days {
		out = append(out, model.AttendanceDay{Date: d.Date, WorkedMinutes: d.WorkedMinutes, OvertimeMinutes: d.OvertimeMinutes})
	}
	return out, nil
}

func TestATimesheetTargetGetsThePeriodsComputedDays(t *testing.T) {
	t.Parallel()
	src := &fakeSource{conn: "kot", employees: []model.Employee{{IDs: map[string]string{"kot": "7"}, Code: "E007"}}, days: map[string][]model.AttendanceDay{
		"7": {
			// 30 September is before the period: it counts toward the week, not onto the sheet.
			shift(model.Workday, "2026-09-30", "09:00", "18:00", "12:00-13:00"),
			// 1 October, 09:00–21:00 with an hour's break: 660 worked; 8 hours normal, 180
			// beyond 8 hours is overtime (法定外).
			shift(model.Workday, "2026-10-01", "09:00", "21:00", "12:00-13:00"),
		},
	}}
	sheets := &fakeSheets{conn: "kot", held: map[string][]model.AttendanceDay{}}
	f := build(t, flowConfig("kot", "kot"), src, sheets, planned)
	items, err := plan(t, f, "2026-10")
	if err != nil || len(items) != 1 || items[0].Err != nil {
		t.Fatalf("plan: %v %+v", err, items)
	}
	p := items[0].Payload.(timeclock.Payload)
	if len(p.Days) != 1 || p.Days[0].Date != model.NewDate(2026, 10, 1) || p.Days[0].WorkedMinutes != 660 || p.Days[0].OvertimeMinutes != 180 {
		t.Fatalf("days = %+v; want 1 October only, 660 worked and 180 overtime", p.Days)
	}

	d := delivery(t, items[0])
	if _, err := f.Deliver(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if r, err := f.Reconcile(t.Context(), d); err != nil || !r.Match {
		t.Fatalf("reconcile after the write: %+v, %v; want a match", r, err)
	}
	if _, landed, err := f.Recover(t.Context(), d); err != nil || !landed {
		t.Fatalf("recover after the write: landed %v, %v; want the timesheet found", landed, err)
	}

	// Someone changes the day in payroll: reconciliation names the date.
	sheets.held["7/2026-10"] = []model.AttendanceDay{{Date: model.NewDate(2026, 10, 1), WorkedMinutes: 600, OvertimeMinutes: 120}}
	r, err := f.Reconcile(t.Context(), d)
	if err != nil || r.Match || len(r.Differences) != 1 || !strings.HasPrefix(r.Differences[0], "2026-10-01:") {
		t.Fatalf("reconcile after a change: %+v, %v; want one difference on 2026-10-01", r, err)
	}
}
