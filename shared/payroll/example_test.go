package payroll_test

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// A 20日締め company with a 7.5-hour day: find the period, fetch the days from the start of
// its first week, summarize, and compare with what payroll holds.
func ExampleSummarize() {
	rules := payroll.Rules{ClosingDay: 20, PrescribedDailyMinutes: 450, PrescribedStart: "09:00", PrescribedEnd: "17:30"}
	if err := rules.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	period, _ := payroll.PeriodFor(rules.ClosingDay, 2026, time.April) // 21 March to 20 April
	from := payroll.FirstDayNeeded(rules, period)                      // Sunday 15 March

	at := func(day string, h, m int) time.Time {
		d, _ := model.ParseDate(day)
		return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, payroll.JST)
	}
	lunch := func(day string) []model.Interval {
		return []model.Interval{{Start: at(day, 12, 0), End: at(day, 13, 0)}}
	}
	days := []model.AttendanceDay{
		// 9:00–20:30 less lunch: 630 worked, 450 normal, 30 legal-within, 150 overtime.
		{Date: model.NewDate(2026, time.March, 23), Kind: model.Workday, ClockIn: at("2026-03-23", 9, 0), ClockOut: at("2026-03-23", 20, 30), Breaks: lunch("2026-03-23")},
		// Clocked in 10 minutes late, left on time: 440 normal.
		{Date: model.NewDate(2026, time.March, 24), Kind: model.Workday, ClockIn: at("2026-03-24", 9, 10), ClockOut: at("2026-03-24", 17, 30), Breaks: lunch("2026-03-24")},
		// A clock-in without a clock-out: reported, not guessed.
		{Date: model.NewDate(2026, time.March, 25), Kind: model.Workday, ClockIn: at("2026-03-25", 9, 0)},
		{Date: model.NewDate(2026, time.March, 26), Kind: model.Workday, Leave: model.PaidLeave, LeaveDays: model.Day},
	}
	s, issues, err := payroll.Summarize(rules, period, "emp-1", days)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("period", period.Start, "to", period.End, "from", from)
	fmt.Println("work days", s.WorkDays, "paid leave", s.PaidLeaveDays)
	fmt.Println("worked", s.WorkedMinutes, "normal", s.NormalMinutes, "legal-within", s.LegalWithinOvertimeMinutes, "overtime", s.OvertimeMinutes, "late", s.LatenessMinutes)
	for _, i := range issues {
		fmt.Println("issue", i)
	}

	held := s
	held.OvertimeMinutes = 120
	for _, d := range payroll.Reconcile(s, held) {
		fmt.Println(d)
	}
	// Output:
	// period 2026-03-21 to 2026-04-20 from 2026-03-15
	// work days 2 paid leave 1
	// worked 1070 normal 890 legal-within 30 overtime 150 late 10
	// issue 2026-03-25: clock-in without a clock-out; the day counts 0 minutes
	// overtime_minutes: want 150, target has 120
}
