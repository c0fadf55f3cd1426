package freee

import (
	"context"
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// maxSummaryReads bounds the summaries PaidLeave reads to find the pay month that holds a
// date: the first guess, the month its dates point to, and one more for a closing day that
// month lengths move (the 30th in February).
const maxSummaryReads = 3

// PaidLeave returns the employee's remaining paid leave (有給残日数) as freee's work-record
// summary reports it, for the pay month whose attendance period holds on: the balance at
// the end of that period (AsOf), with the leave already booked in it taken off.
//
// freee names a summary by its pay month (給与支払い年月), not by the month worked: a company
// that closes on the 20th and pays the next month files 21 October–20 November under
// December. So the summary of on's own month is read first and, when its period does not
// hold on, its start and end dates say how many months off the right one is. That costs
// one request when the pay month is the month worked (closing at month end, paid the same
// month), two otherwise, at most maxSummaryReads.
//
// The balance is freee's num_paid_holidays_and_hours_left (days, and hours of hourly leave
// as Minutes) when it holds anything, else num_paid_holidays_left. A summary with neither
// is a Permanent error: freee keeps no balance for the employee.
func (h *HR) PaidLeave(ctx context.Context, emp model.Employee, on model.Date) (model.LeaveBalance, error) {
	id, err := h.employeeID(emp)
	if err != nil {
		return model.LeaveBalance{}, err
	}
	if on.IsZero() {
		return model.LeaveBalance{}, fault.Permanentf(Vendor, "paid leave of employee %d: no date to read the balance on", id)
	}
	year, month := on.Year, on.Month
	for reads := 1; ; reads++ {
		s, _, err := h.Client.WorkRecordSummaries.Get(ctx, id, year, int(month), &WorkRecordSummaryOptions{CompanyID: h.companyID})
		if err != nil {
			return model.LeaveBalance{}, fmt.Errorf("%s: paid leave of employee %d on %s: %w", Vendor, id, on, err)
		}
		off := monthsOff(s, on)
		if off == 0 || reads == maxSummaryReads {
			return paidLeaveOf(s, id, year, month)
		}
		next := model.NewDate(year, month+time.Month(off), 1)
		year, month = next.Year, next.Month
	}
}

// monthsOff is how many pay months after s (before, when negative) the summary whose
// attendance period holds on is: 0 when s's period holds it, or has no dates to tell.
func monthsOff(s *WorkRecordSummary, on model.Date) int {
	months := func(d model.Date) int { return d.Year*12 + int(d.Month) }
	switch {
	case !s.StartDate.IsZero() && on.Before(s.StartDate):
		n := months(s.StartDate) - months(on)
		if on.Day < s.StartDate.Day {
			n++
		}
		return -max(n, 1)
	case !s.EndDate.IsZero() && on.After(s.EndDate):
		n := months(on) - months(s.EndDate)
		// A period that ends on the last day of its month closes at month end: the periods
		// after it end on their own months' last days.
		if monthEnd := s.EndDate.AddDays(1).Day == 1; !monthEnd && on.Day > s.EndDate.Day {
			n++
		}
		return max(n, 1)
	}
	return 0
}

// paidLeaveOf reads the balance of a summary read for year and month.
func paidLeaveOf(s *WorkRecordSummary, id int64, year int, month time.Month) (model.LeaveBalance, error) {
	b := model.LeaveBalance{AsOf: s.EndDate}
	if b.AsOf.IsZero() {
		b.AsOf = model.NewDate(year, month+1, 0)
	}
	split, left := s.NumPaidHolidaysAndHoursLeft, s.NumPaidHolidaysLeft
	switch {
	// A split of zeros beside a balance in days is taken for a company without hourly
	// leave, whose split freee may leave empty.
	case split != nil && (split.Days != 0 || split.Hours != 0 || left == nil || *left == 0):
		b.Days, b.Minutes = split.Days, split.Hours*60
	case left != nil:
		b.Days = *left
	default:
		return model.LeaveBalance{}, fault.Permanentf(Vendor,
			"paid leave of employee %d: freee's work record summary of %04d-%02d carries no balance (num_paid_holidays_left); paid leave must be managed in freee 人事労務 to be read",
			id, year, month)
	}
	return b, nil
}
