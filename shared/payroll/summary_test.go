package payroll_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// dayCounts are the day fields of a summary.
type dayCounts struct {
	Work, OnWeekdays, OnPrescribedHolidays, OnLegalHolidays, Absence, PaidLeave, SpecialLeave model.Days
}

func summaryDays(s model.WorkSummary) dayCounts {
	return dayCounts{s.WorkDays, s.WorkDaysOnWeekdays, s.WorkDaysOnPrescribedHolidays, s.WorkDaysOnLegalHolidays,
		s.AbsenceDays, s.PaidLeaveDays, s.SpecialLeaveDays}
}

// The week of Sunday 5 April to Saturday 11 April 2026, in the 末締め April period, unless
// a case says otherwise. Every case is a week a clerk can add up on paper.
func TestSummarize(t *testing.T) {
	t.Parallel()
	const (
		sun, mon, tue, wed, thu, fri, sat = "2026-04-05", "2026-04-06", "2026-04-07", "2026-04-08", "2026-04-09", "2026-04-10", "2026-04-11"
	)
	ninteen := func(d string) model.AttendanceDay { return shift(d, "09:00", "19:00", "12:00-13:00") } // 540 worked
	tests := []struct {
		name    string
		rules   payroll.Rules
		days    []model.AttendanceDay
		minutes minutes
		counts  dayCounts
	}{
		{
			// Mon–Fri 5 × 480 = 2400 normal: the 40 h are full. Saturday's 240 are all over 40 h.
			name:  "five 8-hour days and a Saturday morning on a prescribed holiday: Saturday is all overtime",
			rules: rules480,
			days: []model.AttendanceDay{
				nineToSix(mon), nineToSix(tue), nineToSix(wed), nineToSix(thu), nineToSix(fri),
				as(model.PrescribedHoliday, shift(sat, "09:00", "13:00")),
			},
			minutes: minutes{Worked: 2640, Normal: 2400, Overtime: 240, PrescribedHoliday: 240},
			counts:  dayCounts{Work: 600, OnWeekdays: 500, OnPrescribedHolidays: 100},
		},
		{
			// Sun (prescribed holiday) 9:00–17:00 less 60 = 420 legal-within; week 420.
			// Mon–Thu 540 each: normal 450, legal-within 30, overtime 60 (past 8 h); the week
			//   counts 480 of each: 420 + 4 × 480 = 2340.
			// Fri 480: only 2400 − 2340 = 60 fit in the week: normal 60, overtime 420.
			// Totals: worked 420 + 4 × 540 + 480 = 3060; normal 4 × 450 + 60 = 1860;
			//   legal-within 420 + 4 × 30 = 540; overtime 4 × 60 + 420 = 660.
			name:  "six working days from Sunday cross 40 hours one hour into Friday",
			rules: rules450,
			days: []model.AttendanceDay{
				as(model.PrescribedHoliday, shift(sun, "09:00", "17:00", "12:00-13:00")),
				ninteen(mon), ninteen(tue), ninteen(wed), ninteen(thu), nineToSix(fri),
			},
			minutes: minutes{Worked: 3060, Normal: 1860, LegalWithin: 540, Overtime: 660, PrescribedHoliday: 420},
			counts:  dayCounts{Work: 600, OnWeekdays: 500, OnPrescribedHolidays: 100},
		},
		{
			// With weeks from Monday, Sunday 5 April closes the previous week alone (420, within
			// 40 h), and Mon–Fri count 4 × 480 + 480 = 2400: no weekly excess at all.
			// normal 5 × 450 = 2250; legal-within 420 + 5 × 30 = 570; overtime 4 × 60 = 240.
			name:  "the same six days with weeks from Monday never cross 40 hours",
			rules: payroll.Rules{PrescribedDailyMinutes: 450, WeekStart: time.Monday},
			days: []model.AttendanceDay{
				as(model.PrescribedHoliday, shift(sun, "09:00", "17:00", "12:00-13:00")),
				ninteen(mon), ninteen(tue), ninteen(wed), ninteen(thu), nineToSix(fri),
			},
			minutes: minutes{Worked: 3060, Normal: 2250, LegalWithin: 570, Overtime: 240, PrescribedHoliday: 420},
			counts:  dayCounts{Work: 600, OnWeekdays: 500, OnPrescribedHolidays: 100},
		},
		{
			// Mon–Fri 600 each: 120 past 8 h daily, and 480 each toward the week = 2400, not
			// 3000. Saturday's 60 are then over 40 h. overtime 5 × 120 + 60 = 660.
			name:  "minutes past 8 hours a day do not count again toward the 40 hours",
			rules: rules480,
			days: []model.AttendanceDay{
				shift(mon, "09:00", "20:00", "12:00-13:00"), shift(tue, "09:00", "20:00", "12:00-13:00"),
				shift(wed, "09:00", "20:00", "12:00-13:00"), shift(thu, "09:00", "20:00", "12:00-13:00"),
				shift(fri, "09:00", "20:00", "12:00-13:00"),
				as(model.PrescribedHoliday, shift(sat, "09:00", "10:00")),
			},
			minutes: minutes{Worked: 3060, Normal: 2400, Overtime: 660, PrescribedHoliday: 60},
			counts:  dayCounts{Work: 600, OnWeekdays: 500, OnPrescribedHolidays: 100},
		},
		{
			// Sunday is the legal holiday: 480 holiday minutes, outside the 40 h. Mon–Fri
			// 5 × 480 = 2400 are still all normal.
			name:  "work on the legal holiday does not count toward the 40 hours",
			rules: rules480,
			days: []model.AttendanceDay{
				as(model.LegalHoliday, nineToSix(sun)),
				nineToSix(mon), nineToSix(tue), nineToSix(wed), nineToSix(thu), nineToSix(fri),
			},
			minutes: minutes{Worked: 2880, Normal: 2400, Holiday: 480},
			counts:  dayCounts{Work: 600, OnWeekdays: 500, OnLegalHolidays: 100},
		},
		{
			// Morning off: the day's prescribed time is 480 / 2 = 240. Worked 13:00–18:00 = 300:
			// normal 240, legal-within 60. Leave 240 + work 300 = 540 > 480, but paid leave is
			// not worked time, so there is no overtime.
			name:    "a half-day of paid leave with an afternoon of 5 hours has no overtime",
			rules:   rules480,
			days:    []model.AttendanceDay{onLeave(model.PaidLeave, model.Day/2, shift(mon, "13:00", "18:00"))},
			minutes: minutes{Worked: 300, Normal: 240, LegalWithin: 60},
			counts:  dayCounts{Work: 100, OnWeekdays: 100, PaidLeave: 50},
		},
		{
			// Monday paid leave is not worked: Tue–Fri 4 × 480 = 1920 and Saturday's 480 make
			// exactly 2400, so Saturday is legal-within, not overtime.
			name:  "a paid-leave Monday does not push Saturday over 40 hours",
			rules: rules480,
			days: []model.AttendanceDay{
				onLeave(model.PaidLeave, model.Day, offDay(mon)),
				nineToSix(tue), nineToSix(wed), nineToSix(thu), nineToSix(fri),
				as(model.PrescribedHoliday, nineToSix(sat)),
			},
			minutes: minutes{Worked: 2400, Normal: 1920, LegalWithin: 480, PrescribedHoliday: 480},
			counts:  dayCounts{Work: 500, OnWeekdays: 400, OnPrescribedHolidays: 100, PaidLeave: 100},
		},
		{
			// Tuesday absent (1 day); Wednesday absent in the afternoon (0.5) after 9:00–13:00
			// (240, the halved prescribed day); Thursday special leave; Friday paid leave given
			// without a day count, read as a whole day.
			name:  "absence, half-day absence, special leave and paid leave are counted in days",
			rules: rules480,
			days: []model.AttendanceDay{
				nineToSix(mon),
				onLeave(model.Absence, model.Day, offDay(tue)),
				onLeave(model.Absence, model.Day/2, shift(wed, "09:00", "13:00")),
				onLeave(model.SpecialLeave, model.Day, offDay(thu)),
				onLeave(model.PaidLeave, 0, offDay(fri)),
			},
			minutes: minutes{Worked: 720, Normal: 720},
			counts:  dayCounts{Work: 200, OnWeekdays: 200, Absence: 150, SpecialLeave: 100, PaidLeave: 100},
		},
		{
			// Tuesday's clock-out is missing: it counts nothing, not even as a work day.
			name:    "a missing clock-out leaves the day out of the totals",
			rules:   rules480,
			days:    []model.AttendanceDay{nineToSix(mon), shift(tue, "09:00", "")},
			minutes: minutes{Worked: 480, Normal: 480},
			counts:  dayCounts{Work: 100, OnWeekdays: 100},
		},
		{
			// Lateness 10 on Monday, early leaving 30 on Tuesday (worked 440 and 450).
			name:  "lateness and early leaving add up over the month",
			rules: payroll.Rules{PrescribedDailyMinutes: 480, PrescribedStart: "09:00", PrescribedEnd: "18:00"},
			days: []model.AttendanceDay{
				shift(mon, "09:10", "17:30", "12:00-13:00"),
				shift(tue, "09:00", "17:30", "12:00-13:00"),
			},
			minutes: minutes{Worked: 890, Normal: 890, Lateness: 10, EarlyLeaving: 60},
			counts:  dayCounts{Work: 200, OnWeekdays: 200},
		},
		{
			// An evening shift into the night twice: 2 × 240 late night (see the one-day case).
			name:    "late night adds up over the days",
			rules:   rules480,
			days:    []model.AttendanceDay{shift(mon, "18:00", "27:00", "24:00-25:00"), shift(tue, "18:00", "27:00", "24:00-25:00")},
			minutes: minutes{Worked: 960, Normal: 960, LateNight: 480},
			counts:  dayCounts{Work: 200, OnWeekdays: 200},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _, err := payroll.Summarize(tt.rules, april2026, emp, tt.days)
			if err != nil {
				t.Fatalf("Summarize: %v", err)
			}
			if m := summaryMinutes(s); m != tt.minutes {
				t.Errorf("minutes\n got %+v\nwant %+v", m, tt.minutes)
			}
			if c := summaryDays(s); c != tt.counts {
				t.Errorf("days\n got %+v\nwant %+v", c, tt.counts)
			}
			if s.EmployeeID != emp || s.Period != april2026 {
				t.Errorf("summary of %q for %+v, want %q for %+v", s.EmployeeID, s.Period, emp, april2026)
			}
		})
	}
}

// 1 April 2026 is a Wednesday, so the week of Sunday 29 March straddles the period start.
func TestSummarizeCountsTheWeekBeforeThePeriodTowardFortyHoursOnly(t *testing.T) {
	t.Parallel()
	week := []model.AttendanceDay{
		nineToSix("2026-03-30"), nineToSix("2026-03-31"), // Mon, Tue in March: 960
		nineToSix("2026-04-01"), nineToSix("2026-04-02"), nineToSix("2026-04-03"), // Wed–Fri: 2400 reached
		as(model.PrescribedHoliday, shift("2026-04-04", "09:00", "13:00")), // Sat: 240
	}
	outside := []model.AttendanceDay{
		shift("2026-03-28", "09:00", ""), // before the week: its missing clock-out is not this period's concern
		nineToSix("2026-05-01"),          // after the period
	}
	tests := []struct {
		name    string
		days    []model.AttendanceDay
		minutes minutes
		work    model.Days
	}{
		{
			// March's 960 + April's 1440 = 2400 before Saturday: Saturday's 240 are overtime.
			// Only April's days are in the summary: 3 × 480 + 240 = 1680 worked.
			name:    "with the March days of the week, Saturday is overtime but March is not summed",
			days:    append(slices.Clone(week), outside...),
			minutes: minutes{Worked: 1680, Normal: 1440, Overtime: 240, PrescribedHoliday: 240},
			work:    400,
		},
		{
			// Without March the week so far is 1440: Saturday's 240 fit within 40 h. This is
			// why the caller must pass days from FirstDayNeeded.
			name:    "without the March days, Saturday would wrongly look legal-within",
			days:    week[2:],
			minutes: minutes{Worked: 1680, Normal: 1440, LegalWithin: 240, PrescribedHoliday: 240},
			work:    400,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, issues, err := payroll.Summarize(rules480, april2026, emp, tt.days)
			if err != nil {
				t.Fatalf("Summarize: %v", err)
			}
			if len(issues) != 0 {
				t.Errorf("issues: %v", issues)
			}
			if m := summaryMinutes(s); m != tt.minutes {
				t.Errorf("minutes\n got %+v\nwant %+v", m, tt.minutes)
			}
			if s.WorkDays != tt.work {
				t.Errorf("work days = %s, want %s", s.WorkDays, tt.work)
			}
		})
	}
}

// Three days on an 8-hour company, each past 18:00 by a few minutes:
//
//	Mon 9:00–18:07 less 60: worked 487, overtime 7
//	Tue 9:00–18:08 less 60: worked 488, overtime 8
//	Wed 9:00–18:08 less 60: worked 488, overtime 8
//
// Unrounded: worked 1463, normal 1440, overtime 23.
func TestSummarizeRounding(t *testing.T) {
	t.Parallel()
	days := []model.AttendanceDay{
		shift("2026-04-06", "09:00", "18:07", "12:00-13:00"),
		shift("2026-04-07", "09:00", "18:08", "12:00-13:00"),
		shift("2026-04-08", "09:00", "18:08", "12:00-13:00"),
	}
	rounding := func(unit int, mode payroll.RoundingMode, scope payroll.RoundingScope) payroll.Rules {
		return payroll.Rules{PrescribedDailyMinutes: 480, Rounding: payroll.Rounding{Unit: unit, Mode: mode, Scope: scope}}
	}
	tests := []struct {
		name  string
		rules payroll.Rules
		want  minutes
	}{
		{"no rounding pays every minute", rules480, minutes{Worked: 1463, Normal: 1440, Overtime: 23}},
		// 487 → 480, 488 → 480 (×2); overtime 7, 8, 8 → 0: 23 minutes of overtime unpaid.
		{"daily floor to 15 drops all 23 minutes of overtime", rounding(15, payroll.RoundFloor, payroll.RoundDaily),
			minutes{Worked: 1440, Normal: 1440, Overtime: 0}},
		// 487, 488, 488 → 495 each; overtime 7, 8, 8 → 15 each.
		{"daily ceil to 15 pays 45 minutes of overtime", rounding(15, payroll.RoundCeil, payroll.RoundDaily),
			minutes{Worked: 1485, Normal: 1440, Overtime: 45}},
		// 487 → 480 (7 < 7.5), 488 → 495 (8 ≥ 7.5); overtime 7 → 0, 8 → 15, 8 → 15.
		{"daily half-up to 15 pays 30 minutes of overtime", rounding(15, payroll.RoundHalfUp, payroll.RoundDaily),
			minutes{Worked: 1470, Normal: 1440, Overtime: 30}},
		// totals: 1463 → 1455; 1440 stays; 23 → 15.
		{"monthly floor to 15 keeps 15 of the 23 minutes", rounding(15, payroll.RoundFloor, payroll.RoundMonthly),
			minutes{Worked: 1455, Normal: 1440, Overtime: 15}},
		// totals: 1463 → 1470; 23 → 30.
		{"monthly ceil to 15 pays 30 minutes", rounding(15, payroll.RoundCeil, payroll.RoundMonthly),
			minutes{Worked: 1470, Normal: 1440, Overtime: 30}},
		// totals: 1463 is 8 past 1455 → 1470; 23 is 8 past 15 → 30.
		{"monthly half-up to 15 pays 30 minutes", rounding(15, payroll.RoundHalfUp, payroll.RoundMonthly),
			minutes{Worked: 1470, Normal: 1440, Overtime: 30}},
		// The MHLW's accepted rounding: totals to the hour, under 30 down. 1463 → 1440; 23 → 0.
		{"monthly half-up to the hour drops 23 minutes, as 基発150号 allows", rounding(60, payroll.RoundHalfUp, payroll.RoundMonthly),
			minutes{Worked: 1440, Normal: 1440, Overtime: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _, err := payroll.Summarize(tt.rules, april2026, emp, days)
			if err != nil {
				t.Fatalf("Summarize: %v", err)
			}
			if m := summaryMinutes(s); m != tt.want {
				t.Errorf("minutes\n got %+v\nwant %+v", m, tt.want)
			}
		})
	}
}

func TestSummarizeReportsIssues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		days []model.AttendanceDay
		want []payroll.Issue
		// worked is what still counts.
		worked int
	}{
		{
			name:   "a missing clock-out names the date",
			days:   []model.AttendanceDay{nineToSix("2026-04-06"), shift("2026-04-07", "09:00", "")},
			want:   []payroll.Issue{{EmployeeID: emp, Date: date("2026-04-07"), Kind: payroll.IssueMissingClockOut}},
			worked: 480,
		},
		{
			name:   "a problem on a day before the period, in its first week, is reported",
			days:   []model.AttendanceDay{shift("2026-03-31", "09:00", ""), nineToSix("2026-04-01")},
			want:   []payroll.Issue{{EmployeeID: emp, Date: date("2026-03-31"), Kind: payroll.IssueMissingClockOut}},
			worked: 480,
		},
		{
			name:   "a second record for a date is reported and not counted",
			days:   []model.AttendanceDay{nineToSix("2026-04-06"), shift("2026-04-06", "09:00", "20:00")},
			want:   []payroll.Issue{{EmployeeID: emp, Date: date("2026-04-06"), Kind: payroll.IssueDuplicateDate}},
			worked: 480,
		},
		{
			name:   "work punched on a whole day of paid leave is reported and counted",
			days:   []model.AttendanceDay{onLeave(model.PaidLeave, model.Day, nineToSix("2026-04-06"))},
			want:   []payroll.Issue{{EmployeeID: emp, Date: date("2026-04-06"), Kind: payroll.IssueWorkOnLeaveDay}},
			worked: 480,
		},
		{
			name: "leave that cannot be counted is reported",
			days: []model.AttendanceDay{
				onLeave(model.PaidLeave, model.Day, as(model.LegalHoliday, offDay("2026-04-05"))), // leave on the legal holiday
				onLeave(model.PaidLeave, 150, offDay("2026-04-06")),                               // 1.5 days on one date
				onLeave(model.NoLeave, model.Day, offDay("2026-04-07")),                           // days without a kind
				onLeave("sabbatical", model.Day, offDay("2026-04-08")),                            // a kind we do not know
			},
			want: []payroll.Issue{
				{EmployeeID: emp, Date: date("2026-04-05"), Kind: payroll.IssueBadLeave},
				{EmployeeID: emp, Date: date("2026-04-06"), Kind: payroll.IssueBadLeave},
				{EmployeeID: emp, Date: date("2026-04-07"), Kind: payroll.IssueBadLeave},
				{EmployeeID: emp, Date: date("2026-04-08"), Kind: payroll.IssueBadLeave},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, issues, err := payroll.Summarize(rules480, april2026, emp, tt.days)
			if err != nil {
				t.Fatalf("Summarize: %v", err)
			}
			if !slices.Equal(issues, tt.want) {
				t.Errorf("issues\n got %v\nwant %v", issues, tt.want)
			}
			if s.WorkedMinutes != tt.worked {
				t.Errorf("worked = %d, want %d", s.WorkedMinutes, tt.worked)
			}
		})
	}
}

func TestSummarizeLeavesBadLeaveUncounted(t *testing.T) {
	t.Parallel()
	days := []model.AttendanceDay{onLeave(model.PaidLeave, 150, offDay("2026-04-06")), onLeave(model.PaidLeave, 50, offDay("2026-04-07"))}
	s, _, err := payroll.Summarize(rules480, april2026, emp, days)
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	if s.PaidLeaveDays != 50 {
		t.Errorf("paid leave = %s days, want 0.5 (the 1.5-day record is not counted)", s.PaidLeaveDays)
	}
}

func TestSummarizeTakesDaysWithoutAnEmployeeAsTheEmployees(t *testing.T) {
	t.Parallel()
	anon := func(d model.AttendanceDay) model.AttendanceDay { d.EmployeeID = ""; return d }
	// Mixed ids must still form one week: Mon–Fri 2400, so Saturday is overtime.
	days := []model.AttendanceDay{
		anon(nineToSix("2026-04-06")), nineToSix("2026-04-07"), anon(nineToSix("2026-04-08")),
		nineToSix("2026-04-09"), anon(nineToSix("2026-04-10")),
		as(model.PrescribedHoliday, shift("2026-04-11", "09:00", "10:00")),
	}
	s, _, err := payroll.Summarize(rules480, april2026, emp, days)
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	if s.OvertimeMinutes != 60 {
		t.Errorf("overtime = %d, want 60", s.OvertimeMinutes)
	}
}

func TestSummarizeRefuses(t *testing.T) {
	t.Parallel()
	other := nineToSix("2026-04-06")
	other.EmployeeID = "emp-2"
	tests := []struct {
		name   string
		rules  payroll.Rules
		period model.PayPeriod
		days   []model.AttendanceDay
		is     error
		as     bool // the error holds a *payroll.RuleError
	}{
		{name: "invalid rules", rules: payroll.Rules{ClosingDay: 31, PrescribedDailyMinutes: 480}, period: april2026, as: true},
		{name: "a period without a start", rules: rules480, period: model.PayPeriod{Year: 2026, Month: time.April, End: date("2026-04-30")}, is: payroll.ErrBadPeriod},
		{name: "a period ending before it starts", rules: rules480, period: model.PayPeriod{Year: 2026, Month: time.April, Start: date("2026-04-30"), End: date("2026-04-01")}, is: payroll.ErrBadPeriod},
		{name: "a day of another employee", rules: rules480, period: april2026, days: []model.AttendanceDay{other}, is: payroll.ErrOtherEmployee},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := payroll.Summarize(tt.rules, tt.period, emp, tt.days)
			var re *payroll.RuleError
			switch {
			case err == nil:
				t.Fatal("Summarize succeeded, want an error")
			case tt.is != nil && !errors.Is(err, tt.is):
				t.Errorf("error %v, want %v", err, tt.is)
			case tt.as && !errors.As(err, &re):
				t.Errorf("error %v, want a *payroll.RuleError", err)
			}
		})
	}
}

// A 31-day month with a bit of everything: weekday overtime, Saturday work, late nights.
func BenchmarkSummarize31Days(b *testing.B) {
	period := model.PayPeriod{Year: 2026, Month: time.March, Start: date("2026-03-01"), End: date("2026-03-31")}
	var days []model.AttendanceDay
	for d := period.Start; !d.After(period.End); d = d.AddDays(1) {
		day := shift(d.String(), "09:00", "21:30", "12:00-13:00", "18:00-18:15")
		switch d.Weekday() {
		case time.Sunday:
			day = as(model.LegalHoliday, shift(d.String(), "", ""))
		case time.Saturday:
			day = as(model.PrescribedHoliday, shift(d.String(), "13:00", "23:00"))
		}
		days = append(days, day)
	}
	rules := payroll.Rules{PrescribedDailyMinutes: 450, PrescribedStart: "09:00", PrescribedEnd: "17:30",
		Rounding: payroll.Rounding{Unit: 15, Mode: payroll.RoundHalfUp, Scope: payroll.RoundMonthly}}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := payroll.Summarize(rules, period, emp, days); err != nil {
			b.Fatal(err)
		}
	}
}
