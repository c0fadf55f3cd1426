package payroll

import (
	"cmp"
	"slices"

	"github.com/urakata/urakata/shared/model"
)

// ComputeDays fills in the minutes of each day under rules, and returns the days in the
// order given together with the issues found, in employee and date order.
//
// Days may hold several employees; each one's weeks are counted separately. The weekly 40
// hours only see the days given, so pass every day from the start of the first week (see
// FirstDayNeeded). An empty Kind is read as a workday. Minutes already in the days are
// replaced. When rules do not validate, no day is computed and the only issue is of kind
// IssueInvalidRules.
func ComputeDays(rules Rules, days []model.AttendanceDay) ([]model.AttendanceDay, []Issue) {
	if err := rules.Validate(); err != nil {
		out := make([]model.AttendanceDay, len(days))
		for i, d := range days {
			out[i] = withoutMinutes(d)
		}
		return out, []Issue{{Kind: IssueInvalidRules, Detail: err.Error()}}
	}
	results, issues := compute(rules, days)
	out := make([]model.AttendanceDay, len(results))
	for i, r := range results {
		out[i] = r.day
	}
	return out, issues
}

// result is one computed day and what Summarize needs to know about it.
type result struct {
	day model.AttendanceDay
	// attended is true for a day of a known kind with readable punches: a work day.
	attended bool
	// duplicate marks a second record for the same employee and date, never counted.
	duplicate bool
	// leave is the leave that counts, in days; 0 when the leave is bad.
	leave model.Days
}

// compute works out every day, in the order given, for valid rules.
func compute(rules Rules, days []model.AttendanceDay) ([]result, []Issue) {
	results := make([]result, len(days))
	order := make([]int, len(days))
	for i, d := range days {
		results[i].day = withoutMinutes(d)
		order[i] = i
	}
	// The weekly 40 hours fall on days in date order, one employee at a time; the stable
	// sort keeps the first of two records for one date as the one that counts.
	slices.SortStableFunc(order, func(a, b int) int {
		da, db := days[a], days[b]
		return cmp.Or(cmp.Compare(da.EmployeeID, db.EmployeeID), da.Date.Compare(db.Date))
	})

	var start, end int
	timed := rules.PrescribedStart != ""
	if timed {
		start, _ = parseClock(rules.PrescribedStart)
		end, _ = parseClock(rules.PrescribedEnd)
	}
	zone := rules.Location()

	var (
		issues   []Issue
		prev     *model.AttendanceDay
		week     model.Date
		weekUsed int // minutes counted toward this week's 40 hours so far
	)
	for _, i := range order {
		r := &results[i]
		d := &r.day
		report := func(kind IssueKind) {
			issues = append(issues, Issue{EmployeeID: d.EmployeeID, Date: d.Date, Kind: kind})
		}
		if prev != nil && prev.EmployeeID == d.EmployeeID && prev.Date == d.Date {
			r.duplicate = true
			report(IssueDuplicateDate)
			continue
		}
		if w := weekOf(rules.WeekStart, d.Date); prev == nil || prev.EmployeeID != d.EmployeeID || w != week {
			week, weekUsed = w, 0
		}
		prev = d

		kind, known := dayKind(d.Kind)
		if !known {
			report(IssueUnknownDayKind)
			continue
		}
		leave, bad := leaveOf(*d, kind)
		if bad {
			report(IssueBadLeave)
		}
		r.leave = leave

		spans, problem := workedSpans(*d)
		if problem != "" {
			report(problem)
			continue
		}
		if d.ClockIn.IsZero() {
			continue // a day off or on leave: nothing worked
		}
		r.attended = true
		if leave == model.Day {
			report(IssueWorkOnLeaveDay)
		}

		d.WorkedMinutes = totalMinutes(spans)
		d.LateNightMinutes = lateNightMinutes(spans, zone)
		weekUsed = classify(d, kind, prescribedFor(rules, kind, leave), weekUsed)
		// With leave on the day we cannot tell which half was taken, so lateness is not
		// measured against the prescribed start and end.
		if timed && kind == model.Workday && leave == 0 {
			d.LatenessMinutes, d.EarlyLeavingMinutes = lateAndEarly(*d, start, end, zone)
		}
		if rules.Rounding.daily() {
			roundDay(rules.Rounding, d)
		}
	}
	return results, issues
}

// classify splits d.WorkedMinutes into its categories, given the minutes already counted
// toward the week's 40 hours, and returns the new count.
func classify(d *model.AttendanceDay, kind model.DayKind, prescribed, weekUsed int) int {
	worked := d.WorkedMinutes
	if kind == model.LegalHoliday {
		d.HolidayMinutes = worked
		return weekUsed
	}
	// Minutes past 8 hours are overtime that day and do not count again toward the week.
	withinDay := min(worked, LegalDailyMinutes)
	// The minutes of the day past the week's 40th hour are overtime too: the earlier minutes
	// of the day are the ones that still fit.
	withinWeek := min(withinDay, max(0, LegalWeeklyMinutes-weekUsed))
	d.NormalMinutes = min(withinWeek, prescribed)
	d.LegalWithinOvertimeMinutes = withinWeek - d.NormalMinutes
	d.OvertimeMinutes = worked - withinWeek
	if kind == model.PrescribedHoliday {
		d.PrescribedHolidayMinutes = worked
	}
	return weekUsed + withinDay
}

// prescribedFor returns the prescribed minutes of a day: none on a holiday, and on a workday
// the company's daily minutes less the share of the day taken as leave.
func prescribedFor(rules Rules, kind model.DayKind, leave model.Days) int {
	if kind != model.Workday {
		return 0
	}
	return rules.PrescribedDailyMinutes * int(model.Day-leave) / int(model.Day)
}

// dayKind reads a day's kind, an empty one as a workday.
func dayKind(k model.DayKind) (model.DayKind, bool) {
	switch k {
	case "":
		return model.Workday, true
	case model.Workday, model.PrescribedHoliday, model.LegalHoliday:
		return k, true
	}
	return k, false
}

// leaveOf returns the days of leave that count on d (a whole day when the source gave a kind
// but no count), or bad when the leave cannot be counted.
func leaveOf(d model.AttendanceDay, kind model.DayKind) (days model.Days, bad bool) {
	switch {
	case d.Leave == model.NoLeave && d.LeaveDays == 0:
		return 0, false
	case d.Leave == model.NoLeave,
		d.Leave != model.PaidLeave && d.Leave != model.Absence && d.Leave != model.SpecialLeave,
		d.LeaveDays < 0 || d.LeaveDays > model.Day,
		kind != model.Workday:
		return 0, true
	case d.LeaveDays == 0:
		return model.Day, false
	}
	return d.LeaveDays, false
}

// withoutMinutes returns d with every computed field cleared.
func withoutMinutes(d model.AttendanceDay) model.AttendanceDay {
	d.WorkedMinutes, d.NormalMinutes, d.LegalWithinOvertimeMinutes, d.OvertimeMinutes = 0, 0, 0, 0
	d.LateNightMinutes, d.HolidayMinutes, d.PrescribedHolidayMinutes = 0, 0, 0
	d.LatenessMinutes, d.EarlyLeavingMinutes = 0, 0
	return d
}

func roundDay(r Rounding, d *model.AttendanceDay) {
	roundAll(r, &d.WorkedMinutes, &d.NormalMinutes, &d.LegalWithinOvertimeMinutes, &d.OvertimeMinutes,
		&d.LateNightMinutes, &d.HolidayMinutes, &d.PrescribedHolidayMinutes,
		&d.LatenessMinutes, &d.EarlyLeavingMinutes)
}

func roundAll(r Rounding, fields ...*int) {
	for _, f := range fields {
		*f = r.Round(*f)
	}
}
