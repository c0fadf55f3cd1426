package freeetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// leaveWire is the paid-leave part of a summary as hr.json names it.
type leaveWire struct {
	Year      int     `json:"year"`
	Month     int     `json:"month"`
	Taken     float64 `json:"num_paid_holidays"`
	Left      float64 `json:"num_paid_holidays_left"`
	SplitLeft struct {
		Days  float64 `json:"days"`
		Hours int     `json:"hours"`
	} `json:"num_paid_holidays_and_hours_left"`
}

func (c *client) leaveOf(id, year int, month time.Month) leaveWire {
	c.t.Helper()
	var w leaveWire
	c.get(fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/%d/%d?company_id=1", id, year, month), &w)
	return w
}

// grantOn is the demo company's grant on 1 April 2026, worked out here from the rule its
// documentation gives: ten days plus one per full year of service, at most twenty.
func grantOn(t *testing.T, s *Server, id int) model.Days {
	t.Helper()
	e, ok := s.Employee(id)
	if !ok {
		t.Fatalf("no employee %d", id)
	}
	years := 2026 - e.EntryDate.Year
	if e.EntryDate.After(model.NewDate(e.EntryDate.Year, time.April, 1)) {
		years--
	}
	return model.Days(min(10+years, 20)) * model.Day
}

func TestSummariesReportThePaidLeaveLeftSinceTheAprilGrant(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	tests := []struct {
		name  string
		id    int
		month time.Month
		taken model.Days
	}{
		{"someone who took no leave keeps the whole grant", normalID, time.April, 0},
		{"a day and a half taken in April is off the grant", paidLeaveID, time.April, 150},
		{"a month after the demo month reports the same, no day exists after it", paidLeaveID, time.May, 150},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := grantOn(t, s, tt.id) - tt.taken
			got := c.leaveOf(tt.id, 2026, tt.month)
			if got.Left != want.Float64() || got.SplitLeft.Days != want.Float64() || got.SplitLeft.Hours != 0 {
				t.Errorf("summary 2026-%02d of %d: %+v; want %v days left", tt.month, tt.id, got, want)
			}
			if left, ok := s.PaidLeaveLeft(tt.id, 2026, tt.month); !ok || left != (LeaveBalance{Days: want}) {
				t.Errorf("PaidLeaveLeft = %+v, %v; want %v days", left, ok, want)
			}
		})
	}
	t.Run("March falls under the previous April's grant, with a year of leave taken", func(t *testing.T) {
		got := c.leaveOf(paidLeaveID, 2026, time.March)
		left, _ := s.PaidLeaveLeft(paidLeaveID, 2026, time.March)
		april := c.leaveOf(paidLeaveID, 2026, time.April)
		if got.Left != left.Days.Float64() || got.Left >= april.Left {
			t.Errorf("March %+v, April %+v, PaidLeaveLeft %+v; want March's own balance, below April's fresh grant", got, april, left)
		}
	})
	noViolations(t, s)
}

func TestAPaidLeaveGrantCanBeSetWithHours(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	if err := s.SetPaidLeaveGrant(paidLeaveID, LeaveBalance{Days: 12 * model.Day, Hours: 4}); err != nil {
		t.Fatal(err)
	}
	got := c.leaveOf(paidLeaveID, 2026, time.April)
	if got.Left != 10.5 || got.SplitLeft.Days != 10.5 || got.SplitLeft.Hours != 4 {
		t.Errorf("summary %+v; want 10.5 days and 4 hours left (12 days granted, 1.5 taken)", got)
	}
	if err := s.SetPaidLeaveGrant(99999, LeaveBalance{Days: model.Day}); err == nil {
		t.Error("a grant for an unknown employee was taken")
	}
	if err := s.SetPaidLeaveGrant(normalID, LeaveBalance{Days: -model.Day}); err == nil {
		t.Error("a negative grant was taken")
	}
	if err := s.SetPaidLeaveGrant(normalID, LeaveBalance{}); err != nil {
		t.Fatal(err)
	}
	if got := c.leaveOf(normalID, 2026, time.April); got.Left != 0 || got.SplitLeft.Days != 0 {
		t.Errorf("summary %+v; want nothing left of a grant of nothing", got)
	}
	noViolations(t, s)
}

func TestSavedStateBringsBackPaidLeaveGrants(t *testing.T) {
	t.Parallel()
	opts := april2026()
	a := New(opts)
	if err := a.SetPaidLeaveGrant(normalID, LeaveBalance{Days: 3 * model.Day, Hours: 2}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	b := New(opts)
	if err := b.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.PaidLeaveLeft(normalID, 2026, time.April); got != (LeaveBalance{Days: 3 * model.Day, Hours: 2}) {
		t.Errorf("after the restore PaidLeaveLeft = %+v; want the grant set before the save", got)
	}
}
