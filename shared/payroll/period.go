package payroll

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// PeriodFor returns the pay period named year/month for a closing day (締め日): with 0
// (末締め) the calendar month, with 1..28 the day after the previous month's closing day to
// this month's closing day (20日締め, March 2026: 2026-02-21 to 2026-03-20).
func PeriodFor(closingDay, year int, month time.Month) (model.PayPeriod, error) {
	if err := checkClosingDay(closingDay); err != nil {
		return model.PayPeriod{}, err
	}
	if month < time.January || month > time.December {
		return model.PayPeriod{}, &RuleError{Field: "month", Value: fmt.Sprint(int(month)), Allowed: "want 1..12"}
	}
	if closingDay == 0 {
		first := model.NewDate(year, month, 1)
		// Day 0 of the next month normalises to the last day of this one.
		return model.PayPeriod{Year: year, Month: month, Start: first, End: model.NewDate(year, month+1, 0)}, nil
	}
	return model.PayPeriod{
		Year:  year,
		Month: month,
		Start: model.NewDate(year, month-1, closingDay+1),
		End:   model.NewDate(year, month, closingDay),
	}, nil
}

// PeriodNamed returns the pay period a label "YYYY-MM" names for a closing day, as runs
// and hub.yaml write it (with 20日締め, "2026-03" is 2026-02-21 to 2026-03-20).
func PeriodNamed(closingDay int, label string) (model.PayPeriod, error) {
	t, err := time.Parse("2006-01", label)
	if err != nil {
		return model.PayPeriod{}, fmt.Errorf("period %q: want YYYY-MM", label)
	}
	return PeriodFor(closingDay, t.Year(), t.Month())
}

// PeriodContaining returns the pay period that holds the business date d: a date after the
// closing day belongs to the next month's period (15日締め: 2026-12-20 is in January 2027's).
func PeriodContaining(closingDay int, d model.Date) (model.PayPeriod, error) {
	if d.IsZero() {
		return model.PayPeriod{}, &RuleError{Field: "date", Value: `""`, Allowed: "want a business date"}
	}
	year, month := d.Year, d.Month
	if closingDay != 0 && d.Day > closingDay {
		next := model.NewDate(year, month+1, 1)
		year, month = next.Year, next.Month
	}
	return PeriodFor(closingDay, year, month)
}

// FirstDayNeeded returns the first business date whose attendance Summarize needs for
// period: the start of the week that holds period.Start, because minutes worked earlier in
// that week count toward its 40 hours.
func FirstDayNeeded(rules Rules, period model.PayPeriod) model.Date {
	return weekOf(rules.WeekStart, period.Start)
}

// weekOf returns the first day of the week that holds d.
func weekOf(first time.Weekday, d model.Date) model.Date {
	back := (int(d.Weekday()) - int(first) + 7) % 7
	return d.AddDays(-back)
}
