package freeetest

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// LeaveBalance is an amount of annual paid leave (年次有給休暇) as freee's summaries split it:
// days (0.5 for a half day) and hours of hourly leave (時間単位年休).
type LeaveBalance struct {
	Days  model.Days
	Hours int
}

// The demo company's paid leave: everyone is granted their year's leave each 1 April
// (斉一的付与, the grant date many Japanese companies use), or on the day they joined when
// that was later. The grant is ten days plus one per full year of service on the grant
// date, at most twenty, unless SetPaidLeaveGrant set another. What a summary reports as
// left is that grant less the paid leave taken (a full day 1, the morning off 0.5) from the
// grant date to the end of its period, counting no day after the last one served (the
// demo month's last day, or Options.Through; none exists after it). Carry-over (繰越) and
// expiry (時効) are not modelled, and nobody takes hourly leave, so the hours granted stay
// whole.
const (
	grantMonth    = time.April
	baseGrantDays = 10
	maxGrantDays  = 20
)

// grantDate is the date of the grant that period end falls under, and false when the
// employee had not joined by end.
func (c *company) grantDate(e *Employee, end model.Date) (model.Date, bool) {
	if end.Before(e.EntryDate) {
		return model.Date{}, false
	}
	g := model.NewDate(end.Year, grantMonth, 1)
	if end.Before(g) {
		g = model.NewDate(end.Year-1, grantMonth, 1)
	}
	if g.Before(e.EntryDate) {
		g = e.EntryDate
	}
	return g, true
}

// defaultGrant is the demo company's grant on date g: ten days plus one per full year of
// service, at most twenty.
func defaultGrant(e *Employee, g model.Date) LeaveBalance {
	years := g.Year - e.EntryDate.Year
	if g.Month < e.EntryDate.Month || (g.Month == e.EntryDate.Month && g.Day < e.EntryDate.Day) {
		years--
	}
	return LeaveBalance{Days: model.Days(min(baseGrantDays+max(years, 0), maxGrantDays)) * model.Day}
}

// paidLeaveLeft is what the summary of the period ending on end reports as left.
func (s *Server) paidLeaveLeft(e *Employee, end model.Date) LeaveBalance {
	g, ok := s.co.grantDate(e, end)
	if !ok {
		return LeaveBalance{}
	}
	s.mu.Lock()
	granted, set := s.grants[e.ID]
	s.mu.Unlock()
	if !set {
		granted = defaultGrant(e, g)
	}
	var taken model.Days
	for d := g; !d.After(end) && !d.After(s.co.through); d = d.AddDays(1) {
		taken += s.day(e, d).paidLeaveDays()
	}
	return LeaveBalance{Days: max(granted.Days-taken, 0), Hours: granted.Hours}
}

// paidLeaveDays is the paid leave taken on the day.
func (d Day) paidLeaveDays() model.Days {
	switch d.PaidLeave {
	case FullDayLeave:
		return fullLeaveDays
	case HalfDayLeave:
		return halfLeaveDays
	}
	return 0
}

// PaidLeaveLeft returns the paid leave the work-record summary of an employee's pay month
// reports as left (num_paid_holidays_and_hours_left; num_paid_holidays_left is its Days),
// so a test knows the figure a client must read.
func (s *Server) PaidLeaveLeft(employeeID, year int, month time.Month) (LeaveBalance, bool) {
	e, ok := s.co.employee(employeeID)
	if !ok {
		return LeaveBalance{}, false
	}
	return s.paidLeaveLeft(e, model.NewDate(year, month+1, 0)), true
}

// SetPaidLeaveGrant replaces the leave an employee is granted each grant date (hours are
// hourly leave), e.g. to give one a balance with hours or none at all. The leave taken in
// the demo data is still taken off it.
func (s *Server) SetPaidLeaveGrant(employeeID int, grant LeaveBalance) error {
	if _, ok := s.co.employee(employeeID); !ok {
		return fmt.Errorf("freeetest: set paid-leave grant: no employee %d", employeeID)
	}
	if grant.Days < 0 || grant.Hours < 0 {
		return fmt.Errorf("freeetest: set paid-leave grant of employee %d: days and hours must not be negative", employeeID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grants[employeeID] = grant
	return nil
}
