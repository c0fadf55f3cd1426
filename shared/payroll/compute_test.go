package payroll_test

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the zone test reads America/Los_Angeles whatever the host has

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// One day at a time, each alone in its week, so that only the daily rules apply.
// 2026-04-06 is a Monday.
func TestComputeDaysOneDay(t *testing.T) {
	t.Parallel()
	const mon = "2026-04-06"
	nineToSixRules := payroll.Rules{PrescribedDailyMinutes: 480, PrescribedStart: "09:00", PrescribedEnd: "18:00"}
	tests := []struct {
		name  string
		rules payroll.Rules
		day   model.AttendanceDay
		want  minutes
	}{
		{
			// worked 690 − 60 = 630; normal 450; legal-within 30 (450→480); overtime 630 − 480 = 150.
			name:  "9:00–20:30 with a 60-minute break on a 7.5 h workday splits into normal, legal-within and overtime",
			rules: rules450,
			day:   shift(mon, "09:00", "20:30", "12:00-13:00"),
			want:  minutes{Worked: 630, Normal: 450, LegalWithin: 30, Overtime: 150},
		},
		{
			// worked 540 − 60 = 480 = the prescribed day.
			name:  "9:00–18:00 with a 60-minute break on an 8 h workday is all normal time",
			rules: rules480,
			day:   nineToSix(mon),
			want:  minutes{Worked: 480, Normal: 480},
		},
		{
			// worked 480; normal 450; the last 30 minutes are within 8 h: legal-within 30.
			name:  "the same 8 hours on a 7.5 h workday has 30 minutes of legal-within overtime",
			rules: rules450,
			day:   nineToSix(mon),
			want:  minutes{Worked: 480, Normal: 450, LegalWithin: 30},
		},
		{
			name:  "a short morning 9:00–13:00 without a break is all normal time",
			rules: rules480,
			day:   shift(mon, "09:00", "13:00"),
			want:  minutes{Worked: 240, Normal: 240},
		},
		{
			// breaks 12:00–13:30 together are 90 minutes, not 60 + 60: worked 540 − 90 = 450.
			name:  "overlapping breaks 12:00–13:00 and 12:30–13:30 are taken off once",
			rules: rules480,
			day:   shift(mon, "09:00", "18:00", "12:00-13:00", "12:30-13:30"),
			want:  minutes{Worked: 450, Normal: 450},
		},
		{
			// only 9:00–9:30 of the break is inside the shift: worked 540 − 30 = 510; overtime 30.
			name:  "a break punched from 8:30 before a 9:00 clock-in only counts from 9:00",
			rules: rules480,
			day:   shift(mon, "09:00", "18:00", "08:30-09:30"),
			want:  minutes{Worked: 510, Normal: 480, Overtime: 30},
		},
		{
			name:  "a break after the clock-out takes nothing off",
			rules: rules480,
			day:   shift(mon, "09:00", "17:00", "17:30-18:00"),
			want:  minutes{Worked: 480, Normal: 480},
		},
		{
			// worked 18:00–03:00 = 540 − 60 = 480; late night 22:00–03:00 = 300 − the 60 break = 240.
			name:  "an evening shift 18:00–27:00 with a break 24:00–25:00 belongs to its start date and has 240 late-night minutes",
			rules: rules480,
			day:   shift(mon, "18:00", "27:00", "24:00-25:00"),
			want:  minutes{Worked: 480, Normal: 480, LateNight: 240},
		},
		{
			// worked 22:00–07:00 = 540 − 60 = 480; late night 22:00–05:00 = 420 − 60 = 360.
			name:  "a night shift 22:00–31:00 with a break 26:00–27:00 has 360 late-night minutes",
			rules: rules480,
			day:   shift(mon, "22:00", "31:00", "26:00-27:00"),
			want:  minutes{Worked: 480, Normal: 480, LateNight: 360},
		},
		{
			// worked 04:00–13:00 = 540 − 60 = 480; late night 04:00–05:00 = 60.
			name:  "an early start at 4:00 has one late-night hour before 5:00",
			rules: rules480,
			day:   shift(mon, "04:00", "13:00", "09:00-10:00"),
			want:  minutes{Worked: 480, Normal: 480, LateNight: 60},
		},
		{
			// worked 840 − 60 = 780; normal 480; overtime 300; of which 22:00–23:00 is also late night.
			name:  "overtime until 23:00 is both overtime and 60 minutes of late night",
			rules: rules480,
			day:   shift(mon, "09:00", "23:00", "12:00-13:00"),
			want:  minutes{Worked: 780, Normal: 480, Overtime: 300, LateNight: 60},
		},
		{
			// worked 600 − 60 = 540, all holiday work: none of it is overtime even past 8 h.
			name:  "a legal holiday worked 9:00–19:00 with a 60-minute break is 540 holiday minutes and no overtime",
			rules: rules480,
			day:   as(model.LegalHoliday, shift(mon, "09:00", "19:00", "12:00-13:00")),
			want:  minutes{Worked: 540, Holiday: 540},
		},
		{
			// worked 630 − 30 = 600 holiday minutes; late night 22:00–23:30 = 90.
			name:  "a legal holiday worked into the night is holiday work and late night at once",
			rules: rules480,
			day:   as(model.LegalHoliday, shift(mon, "13:00", "23:30", "18:00-18:30")),
			want:  minutes{Worked: 600, Holiday: 600, LateNight: 90},
		},
		{
			// prescribed 0 on a holiday: the first 480 are legal-within, the 60 beyond 8 h overtime.
			name:  "a prescribed holiday worked 9:00–19:00 with a 60-minute break is 480 legal-within and 60 overtime",
			rules: rules480,
			day:   as(model.PrescribedHoliday, shift(mon, "09:00", "19:00", "12:00-13:00")),
			want:  minutes{Worked: 540, LegalWithin: 480, Overtime: 60, PrescribedHoliday: 540},
		},
		{
			name:  "a day without a kind is read as a workday",
			rules: rules480,
			day:   as("", shift(mon, "09:00", "20:00", "12:00-13:00")),
			want:  minutes{Worked: 600, Normal: 480, Overtime: 120},
		},
		{
			// worked 17:30 − 9:10 − 60 = 440; late 9:00→9:10 = 10; early 17:30→18:00 = 30.
			name:  "clocking in at 9:10 and out at 17:30 is 10 minutes late and 30 minutes early",
			rules: nineToSixRules,
			day:   shift(mon, "09:10", "17:30", "12:00-13:00"),
			want:  minutes{Worked: 440, Normal: 440, Lateness: 10, EarlyLeaving: 30},
		},
		{
			// worked 570 − 60 = 510; overtime 30; in before 9:00 and out after 18:00.
			name:  "arriving at 8:45 and leaving at 18:15 is neither late nor early",
			rules: nineToSixRules,
			day:   shift(mon, "08:45", "18:15", "12:00-13:00"),
			want:  minutes{Worked: 510, Normal: 480, Overtime: 30},
		},
		{
			name:  "lateness is not measured on a prescribed holiday",
			rules: nineToSixRules,
			day:   as(model.PrescribedHoliday, shift(mon, "10:00", "15:00")),
			want:  minutes{Worked: 300, LegalWithin: 300, PrescribedHoliday: 300},
		},
		{
			// worked 22:15–06:50 = 515 − 60 = 455; late 15; early 06:50→07:00 = 10; late night 22:15–05:00 = 405 − 60 = 345.
			name:  "a night-shift company 22:00–07:00 measures lateness and early leaving across midnight",
			rules: payroll.Rules{PrescribedDailyMinutes: 480, PrescribedStart: "22:00", PrescribedEnd: "07:00"},
			day:   shift(mon, "22:15", "30:50", "26:00-27:00"),
			want:  minutes{Worked: 455, Normal: 455, LateNight: 345, Lateness: 15, EarlyLeaving: 10},
		},
		{
			// 9:00:40 to 18:00:10 less 60 minutes is 479 minutes 30 seconds: the half minute is not paid as a whole one.
			name:  "seconds on the punches are summed before the remainder is dropped",
			rules: rules480,
			day: func() model.AttendanceDay {
				d := nineToSix(mon)
				d.ClockIn = d.ClockIn.Add(40 * time.Second)
				d.ClockOut = d.ClockOut.Add(10 * time.Second)
				return d
			}(),
			want: minutes{Worked: 479, Normal: 479},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, issues := payroll.ComputeDays(tt.rules, []model.AttendanceDay{tt.day})
			if len(issues) != 0 {
				t.Fatalf("issues: %v", issues)
			}
			if m := dayMinutes(got[0]); m != tt.want {
				t.Errorf("minutes\n got %+v\nwant %+v", m, tt.want)
			}
		})
	}
}

// Instants may arrive in any zone; the business date, late night and lateness are read in the
// company's zone.
func TestComputeDaysReadsInstantsInTheCompanyZone(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	// 13:00 UTC on 6 April is 22:00 in Tokyo; 20:00 UTC is 05:00 on 7 April in Tokyo.
	in := time.Date(2026, time.April, 6, 13, 0, 0, 0, time.UTC)
	out := time.Date(2026, time.April, 6, 20, 0, 0, 0, time.UTC)
	night := func(in, out time.Time) model.AttendanceDay {
		return model.AttendanceDay{EmployeeID: emp, Date: date("2026-04-06"), Kind: model.Workday, ClockIn: in, ClockOut: out}
	}
	tests := []struct {
		name  string
		rules payroll.Rules
		day   model.AttendanceDay
		want  minutes
	}{
		{
			// 22:00–05:00 Tokyo: 420 worked, all late night.
			name:  "punches in UTC for 22:00–05:00 Tokyo are 420 late-night minutes",
			rules: rules480,
			day:   night(in, out),
			want:  minutes{Worked: 420, Normal: 420, LateNight: 420},
		},
		{
			name:  "the same instants written in Los Angeles time are read the same",
			rules: rules480,
			day:   night(in.In(la), out.In(la)),
			want:  minutes{Worked: 420, Normal: 420, LateNight: 420},
		},
		{
			// 22:00–05:00 Tokyo is 13:00–20:00 UTC: no late night for a company in UTC.
			name:  "a company whose zone is UTC finds no late night in the same instants",
			rules: payroll.Rules{PrescribedDailyMinutes: 480, Zone: time.UTC},
			day:   night(in, out),
			want:  minutes{Worked: 420, Normal: 420},
		},
		{
			// 00:10 UTC is 9:10 in Tokyo: 10 minutes late; 08:30 UTC is 17:30: 30 minutes early.
			name:  "lateness against 9:00 Tokyo is measured on punches given in UTC",
			rules: payroll.Rules{PrescribedDailyMinutes: 480, PrescribedStart: "09:00", PrescribedEnd: "18:00"},
			day:   night(time.Date(2026, time.April, 6, 0, 10, 0, 0, time.UTC), time.Date(2026, time.April, 6, 8, 30, 0, 0, time.UTC)),
			want:  minutes{Worked: 500, Normal: 480, Overtime: 20, Lateness: 10, EarlyLeaving: 30},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, issues := payroll.ComputeDays(tt.rules, []model.AttendanceDay{tt.day})
			if len(issues) != 0 {
				t.Fatalf("issues: %v", issues)
			}
			if m := dayMinutes(got[0]); m != tt.want {
				t.Errorf("minutes\n got %+v\nwant %+v", m, tt.want)
			}
		})
	}
}

// A late-night shift in a zone with daylight saving: the night is read on the wall clock.
func TestLateNightFollowsTheWallClockAcrossADaylightSavingChange(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	// Clocks went forward at 02:00 on 8 March 2026: 20:00 to 06:00 on the wall is 9 real
	// hours, and 22:00–05:00 on the wall is 6 real hours.
	day := model.AttendanceDay{
		EmployeeID: emp, Date: date("2026-03-07"), Kind: model.Workday,
		ClockIn:  time.Date(2026, time.March, 7, 20, 0, 0, 0, la),
		ClockOut: time.Date(2026, time.March, 8, 6, 0, 0, 0, la),
	}
	got, issues := payroll.ComputeDays(payroll.Rules{PrescribedDailyMinutes: 480, Zone: la}, []model.AttendanceDay{day})
	if len(issues) != 0 {
		t.Fatalf("issues: %v", issues)
	}
	want := minutes{Worked: 540, Normal: 480, Overtime: 60, LateNight: 360}
	if m := dayMinutes(got[0]); m != want {
		t.Errorf("minutes\n got %+v\nwant %+v", m, want)
	}
}

func TestComputeDaysReportsWhatItWillNotGuess(t *testing.T) {
	t.Parallel()
	const mon = "2026-04-06"
	tests := []struct {
		name string
		day  model.AttendanceDay
		want payroll.IssueKind
	}{
		{"a clock-in without a clock-out", shift(mon, "09:00", ""), payroll.IssueMissingClockOut},
		{"a clock-out without a clock-in", shift(mon, "", "18:00"), payroll.IssueMissingClockIn},
		{"a clock-out before the clock-in", shift(mon, "18:00", "09:00"), payroll.IssueClockOutBeforeClockIn},
		{"a clock-out at the clock-in", shift(mon, "09:00", "09:00"), payroll.IssueClockOutBeforeClockIn},
		{"a clock-out 25 hours after the clock-in", shift(mon, "09:00", "34:00"), payroll.IssueShiftTooLong},
		{"a break that ends before it starts", shift(mon, "09:00", "18:00", "13:00-12:00"), payroll.IssueBadBreak},
		{"a break without an end", func() model.AttendanceDay {
			d := shift(mon, "09:00", "18:00")
			d.Breaks = []model.Interval{{Start: clock(mon, "12:00")}}
			return d
		}(), payroll.IssueBadBreak},
		{"a day of an unknown kind", as("half_holiday", nineToSix(mon)), payroll.IssueUnknownDayKind},
	}
	for _, tt := range tests {
		t.Run(tt.name+" counts 0 minutes and is reported", func(t *testing.T) {
			t.Parallel()
			got, issues := payroll.ComputeDays(rules480, []model.AttendanceDay{tt.day})
			want := []payroll.Issue{{EmployeeID: emp, Date: date(mon), Kind: tt.want}}
			if !slices.Equal(issues, want) {
				t.Errorf("issues = %v, want %v", issues, want)
			}
			if m := dayMinutes(got[0]); m != (minutes{}) {
				t.Errorf("minutes = %+v, want none", m)
			}
		})
	}
}

func TestComputeDaysKeepsTheOrderGivenAndCountsEachEmployeesWeekApart(t *testing.T) {
	t.Parallel()
	other := func(d model.AttendanceDay) model.AttendanceDay { d.EmployeeID = "emp-2"; return d }
	// Given newest first and interleaved. emp-1 works Sun–Fri, 8 h each: the 40 h are
	// reached on Thursday, so Friday is overtime. emp-2 works only Friday: normal.
	days := []model.AttendanceDay{
		nineToSix("2026-04-10"),
		other(nineToSix("2026-04-10")),
		nineToSix("2026-04-09"), nineToSix("2026-04-08"), nineToSix("2026-04-07"), nineToSix("2026-04-06"),
		as(model.PrescribedHoliday, nineToSix("2026-04-05")),
	}
	got, issues := payroll.ComputeDays(rules480, days)
	if len(issues) != 0 {
		t.Fatalf("issues: %v", issues)
	}
	for i := range days {
		if got[i].Date != days[i].Date || got[i].EmployeeID != days[i].EmployeeID {
			t.Fatalf("day %d is %s of %s, want %s of %s", i, got[i].Date, got[i].EmployeeID, days[i].Date, days[i].EmployeeID)
		}
	}
	if m := dayMinutes(got[0]); m != (minutes{Worked: 480, Overtime: 480}) {
		t.Errorf("emp-1's Friday = %+v, want all 480 overtime", m)
	}
	if m := dayMinutes(got[1]); m != (minutes{Worked: 480, Normal: 480}) {
		t.Errorf("emp-2's Friday = %+v, want all 480 normal", m)
	}
}

func TestComputeDaysReplacesMinutesAlreadyThere(t *testing.T) {
	t.Parallel()
	d := nineToSix("2026-04-06")
	d.OvertimeMinutes, d.HolidayMinutes, d.LatenessMinutes = 999, 999, 999
	got, _ := payroll.ComputeDays(rules480, []model.AttendanceDay{d})
	if m := dayMinutes(got[0]); m != (minutes{Worked: 480, Normal: 480}) {
		t.Errorf("minutes = %+v, want the stale ones replaced", m)
	}
}

func TestComputeDaysWithInvalidRulesComputesNothing(t *testing.T) {
	t.Parallel()
	d := nineToSix("2026-04-06")
	d.WorkedMinutes = 480
	got, issues := payroll.ComputeDays(payroll.Rules{}, []model.AttendanceDay{d})
	if len(issues) != 1 || issues[0].Kind != payroll.IssueInvalidRules || issues[0].Detail == "" {
		t.Fatalf("issues = %v, want one invalid_rules issue saying why", issues)
	}
	if m := dayMinutes(got[0]); m != (minutes{}) {
		t.Errorf("minutes = %+v, want none", m)
	}
}

func TestIssueReadsAsDateAndProblem(t *testing.T) {
	t.Parallel()
	i := payroll.Issue{EmployeeID: emp, Date: date("2026-04-03"), Kind: payroll.IssueMissingClockOut}
	const want = "2026-04-03: clock-in without a clock-out; the day counts 0 minutes"
	if i.Error() != want {
		t.Errorf("Error() = %q, want %q", i.Error(), want)
	}
}
