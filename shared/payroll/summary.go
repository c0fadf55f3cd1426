package payroll

import (
	"errors"
	"fmt"

	"github.com/urakata/urakata/shared/model"
)

// Summarize adds up one employee's days into the summary of period that payroll imports.
//
// days may start before period.Start, from the start of its week (FirstDayNeeded): those
// days count toward that week's 40 hours but not into the summary. Days outside that span are
// ignored, and days without an EmployeeID are taken as the employee's. The summary's
// EmployeeCode is left for the caller. Issues are those of the days that were computed;
// the error is for invalid rules or period, or a day of another employee.
func Summarize(rules Rules, period model.PayPeriod, employeeID string, days []model.AttendanceDay) (model.WorkSummary, []Issue, error) {
	// Not period.Label: a zero period would print as year -1.
	name := fmt.Sprintf("%04d-%02d", period.Year, period.Month)
	if err := rules.Validate(); err != nil {
		return model.WorkSummary{}, nil, fmt.Errorf("payroll: summarize %s: %w", name, err)
	}
	if period.Start.IsZero() || period.End.Before(period.Start) {
		return model.WorkSummary{}, nil, fmt.Errorf("payroll: summarize %s: %w", name, ErrBadPeriod)
	}

	from := FirstDayNeeded(rules, period)
	needed := make([]model.AttendanceDay, 0, len(days))
	for _, d := range days {
		if d.EmployeeID != "" && d.EmployeeID != employeeID {
			return model.WorkSummary{}, nil, fmt.Errorf("payroll: summarize %s: the day %s: %w", name, d.Date, ErrOtherEmployee)
		}
		if d.Date.Before(from) || d.Date.After(period.End) {
			continue
		}
		d.EmployeeID = employeeID
		needed = append(needed, d)
	}

	results, issues := compute(rules, needed)
	s := model.WorkSummary{EmployeeID: employeeID, Period: period}
	for _, r := range results {
		if r.duplicate || !period.Contains(r.day.Date) {
			continue
		}
		add(&s, r)
	}
	if rules.Rounding.monthly() {
		roundAll(rules.Rounding, &s.WorkedMinutes, &s.NormalMinutes, &s.LegalWithinOvertimeMinutes, &s.OvertimeMinutes,
			&s.LateNightMinutes, &s.HolidayMinutes, &s.PrescribedHolidayMinutes,
			&s.LatenessMinutes, &s.EarlyLeavingMinutes)
	}
	return s, issues, nil
}

// ErrBadPeriod is returned for a pay period without a start or ending before it starts.
var ErrBadPeriod = errors.New("the pay period must have a start on or before its end")

// ErrOtherEmployee is returned when the days given to Summarize hold another employee's.
var ErrOtherEmployee = errors.New("the days given include another employee's")

func add(s *model.WorkSummary, r result) {
	d := r.day
	if r.attended {
		s.WorkDays += model.Day
		switch d.Kind {
		case model.PrescribedHoliday:
			s.WorkDaysOnPrescribedHolidays += model.Day
		case model.LegalHoliday:
			s.WorkDaysOnLegalHolidays += model.Day
		default:
			s.WorkDaysOnWeekdays += model.Day
		}
	}
	s.WorkedMinutes += d.WorkedMinutes
	s.NormalMinutes += d.NormalMinutes
	s.LegalWithinOvertimeMinutes += d.LegalWithinOvertimeMinutes
	s.OvertimeMinutes += d.OvertimeMinutes
	s.LateNightMinutes += d.LateNightMinutes
	s.HolidayMinutes += d.HolidayMinutes
	s.PrescribedHolidayMinutes += d.PrescribedHolidayMinutes
	s.LatenessMinutes += d.LatenessMinutes
	s.EarlyLeavingMinutes += d.EarlyLeavingMinutes

	switch d.Leave {
	case model.PaidLeave:
		s.PaidLeaveDays += r.leave
	case model.Absence:
		s.AbsenceDays += r.leave
	case model.SpecialLeave:
		s.SpecialLeaveDays += r.leave
	}
}
