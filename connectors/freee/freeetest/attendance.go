package freeetest

import (
	"time"

	"github.com/urakata/urakata/shared/model"
)

// DayPattern is freee's 勤務パターン of a date.
type DayPattern string

const (
	// NormalDay is a prescribed working day (所定労働日): Monday to Friday.
	NormalDay DayPattern = "normal_day"
	// PrescribedHoliday is a company holiday that is not the legal one (所定休日): Saturday.
	PrescribedHoliday DayPattern = "prescribed_holiday"
	// LegalHoliday is the weekly legal day off (法定休日): Sunday.
	LegalHoliday DayPattern = "legal_holiday"
)

// PaidLeave is the unit of annual paid leave (年次有給休暇) taken on a date, in freee's words.
type PaidLeave string

const (
	// NoPaidLeave means no paid leave that day.
	NoPaidLeave PaidLeave = ""
	// FullDayLeave is a whole day of paid leave: no work, 480 minutes, 1 day.
	FullDayLeave PaidLeave = "full"
	// HalfDayLeave is the morning off (9:00–14:00, 240 minutes, 0.5 day); work starts at 14:00.
	HalfDayLeave PaidLeave = "half"
)

// The demo company's work rules: 9:00–18:00 with an hour's break, eight prescribed hours,
// the week starting on Sunday (労働基準法's default), no national-holiday calendar.
const (
	prescribedMins  = 8 * 60
	legalDailyMins  = 8 * 60
	legalWeeklyMins = 40 * 60
	halfLeaveMins   = 4 * 60
	fullLeaveDays   = model.Day
	halfLeaveDays   = model.Day / 2
)

// Day is one employee's attendance on one business date: the punches, the leave, and the
// minutes the sandbox computes from them as freee would.
type Day struct {
	Date    model.Date
	Pattern DayPattern
	// ClockIn and ClockOut are zero when there was no punch; a shift past midnight ends on
	// the next calendar day but belongs to Date.
	ClockIn   time.Time
	ClockOut  time.Time
	Breaks    []model.Interval
	PaidLeave PaidLeave
	Absent    bool
	// Minutes is computed by the sandbox; SetDay ignores what is passed in.
	Minutes Minutes
}

// Minutes are a day's (or a month's) worked minutes split as freee splits them.
type Minutes struct {
	// Work is time between clock-in and clock-out less breaks (実労働時間).
	Work int
	// Normal is work inside the prescribed hours (所定内).
	Normal int
	// ExcessStatutory is work outside the prescribed hours but within the legal 8 h a day
	// and 40 h a week (法定内残業).
	ExcessStatutory int
	// Overtime is work beyond 8 h a day or 40 h a week (法定外, freee's
	// total_overtime_except_normal_work_mins).
	Overtime int
	// Latenight is work between 22:00 and 05:00 (深夜), whatever else it also is.
	Latenight int
	// LatenightExcessStatutory and LatenightOvertime are the late-night parts of
	// ExcessStatutory and Overtime.
	LatenightExcessStatutory int
	LatenightOvertime        int
	// Holiday is work on the legal holiday (法定休日労働).
	Holiday int
	// PrescribedHoliday is work on a prescribed holiday (所定休日労働).
	PrescribedHoliday int
	// Lateness and EarlyLeaving are short of the prescribed start and end (遅刻, 早退).
	Lateness     int
	EarlyLeaving int
}

// Worked reports whether the employee clocked in on the day.
func (d Day) Worked() bool { return !d.ClockIn.IsZero() }

func patternOf(d model.Date) DayPattern {
	switch d.Weekday() {
	case time.Sunday:
		return LegalHoliday
	case time.Saturday:
		return PrescribedHoliday
	}
	return NormalDay
}

// plan generates an employee's day from (seed, employee, date) alone, so that ten thousand
// employees' months cost nothing until asked for.
func (c *company) plan(e *Employee, d model.Date) Day {
	day := Day{Date: d, Pattern: patternOf(d)}
	if d.Before(e.EntryDate) || d.After(c.through) {
		return day
	}
	at := func(hour, minute int) time.Time {
		return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, tokyo)
	}
	work := func(in, out time.Time, breaks ...model.Interval) {
		day.ClockIn, day.ClockOut, day.Breaks = in, out, breaks
	}
	lunch := model.Interval{Start: at(12, 0), End: at(13, 0)}
	nth := (d.Day-1)/7 + 1 // the 1st, 2nd… such weekday of the month
	wd := d.Weekday()

	if e.Profile == ProfileWeekendWork {
		switch {
		case wd == time.Saturday && nth == 1:
			work(at(9, 0), at(13, 0))
		case wd == time.Sunday && nth == 2:
			work(at(10, 0), at(16, 0), model.Interval{Start: at(12, 0), End: at(12, 45)})
		}
	}
	if day.Pattern != NormalDay {
		return day
	}
	switch crunch := c.crunch(e, d); {
	case crunch == heaviestCrunch || crunch == heavyCrunch && (wd == time.Tuesday || wd == time.Thursday):
		work(at(9, 0), at(21, 0), lunch)
	case crunch == heavyCrunch:
		work(at(9, 0), at(20, 0), lunch)
	case e.Profile == ProfileOvertime && (wd == time.Tuesday || wd == time.Thursday):
		work(at(9, 0), at(21, 0), lunch)
	case e.Profile == ProfileLateNight && wd == time.Tuesday && nth == 2:
		work(at(9, 0), at(23, 30), lunch, model.Interval{Start: at(18, 0), End: at(18, 30)})
	case e.Profile == ProfileLateNight && wd == time.Thursday && nth == 3:
		work(at(9, 0), at(25, 30), lunch, model.Interval{Start: at(18, 0), End: at(18, 30)})
	case e.Profile == ProfilePaidLeave && wd == time.Monday && nth == 2:
		day.PaidLeave = FullDayLeave
	case e.Profile == ProfilePaidLeave && wd == time.Wednesday && nth == 3:
		day.PaidLeave = HalfDayLeave
		work(at(14, 0), at(18, 0))
	case e.Profile == ProfileAbsence && wd == time.Friday && nth == 3:
		day.Absent = true
	case e.Profile == ProfileVaried:
		h := c.hash(e.index, d, 0)
		in := at(8, 45).Add(time.Duration(h%26) * time.Minute)
		out := at(18, 0).Add(time.Duration((h>>8)%91) * time.Minute)
		if (h>>16)%5 == 0 {
			out = at(20, 0).Add(time.Duration((h>>24)%60) * time.Minute)
		}
		work(in, out, lunch)
	default:
		work(at(9, 0), at(18, 0), lunch)
	}
	return day
}

// crunchLevel is how hard an employee works late in the days after the demo month.
type crunchLevel int

const (
	noCrunch crunchLevel = iota
	// heavyCrunch works 9:00–20:00 on Monday, Wednesday and Friday and 9:00–21:00 on
	// Tuesday and Thursday: 12 hours of overtime a week, past 40 hours late in most months.
	heavyCrunch
	// heaviestCrunch works 9:00–21:00 every weekday: 15 hours of overtime a week, past the
	// 36協定's 45 hours by the 25th of any month and under 40 hours by the 5th.
	heaviestCrunch
)

// crunch is the crunch e works on d. Only the days after the demo month (Options.Through)
// have one: the demo month stays what it always was (nobody there reaches the 36協定's 40
// hours), while the month in progress gives the 36協定 guard lines to tell. The first
// ProfileOvertime employee (E00002) works the heaviest crunch, the second (E00012) a heavy
// one.
func (c *company) crunch(e *Employee, d model.Date) crunchLevel {
	if e.Profile != ProfileOvertime || !d.After(c.last) {
		return noCrunch
	}
	switch e.index / len(profiles) {
	case 0:
		return heaviestCrunch
	case 1:
		return heavyCrunch
	}
	return noCrunch
}

// prescribedHours is the day's prescribed working window; ok is false on holidays.
func prescribedHours(d Day) (from, to time.Time, ok bool) {
	if d.Pattern != NormalDay {
		return time.Time{}, time.Time{}, false
	}
	from = time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 9, 0, 0, 0, tokyo)
	if d.PaidLeave == HalfDayLeave {
		from = from.Add(5 * time.Hour) // the morning off covers 9:00–14:00 (lunch included)
	}
	return from, time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 18, 0, 0, 0, tokyo), true
}

// overlap is the whole minutes [a1, a2) and [b1, b2) share.
func overlap(a1, a2, b1, b2 time.Time) int {
	start, end := a1, a2
	if b1.After(start) {
		start = b1
	}
	if b2.Before(end) {
		end = b2
	}
	if !end.After(start) {
		return 0
	}
	return int(end.Sub(start) / time.Minute)
}

// workedIn is the minutes worked inside [from, to): on the clock and not on a break.
func workedIn(d Day, from, to time.Time) int {
	n := overlap(d.ClockIn, d.ClockOut, from, to)
	for _, b := range d.Breaks {
		// only the part of a break inside both the shift and the window is not work
		bs, be := b.Start, b.End
		if bs.Before(d.ClockIn) {
			bs = d.ClockIn
		}
		if be.After(d.ClockOut) {
			be = d.ClockOut
		}
		n -= overlap(bs, be, from, to)
	}
	return max(n, 0)
}

// daily computes the minutes of one day on its own; the weekly 40 h rule is applied by days.
func daily(d Day) Minutes {
	var m Minutes
	if d.ClockIn.IsZero() || d.ClockOut.IsZero() || !d.ClockOut.After(d.ClockIn) {
		return m
	}
	m.Work = workedIn(d, d.ClockIn, d.ClockOut)
	midnight := time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 0, 0, 0, 0, tokyo)
	m.Latenight = workedIn(d, midnight, midnight.Add(5*time.Hour)) +
		workedIn(d, midnight.Add(22*time.Hour), midnight.Add(29*time.Hour))
	switch d.Pattern {
	case LegalHoliday:
		m.Holiday = m.Work
	case PrescribedHoliday:
		m.PrescribedHoliday = m.Work
		m.Overtime = max(m.Work-legalDailyMins, 0)
		m.ExcessStatutory = m.Work - m.Overtime
	default:
		from, to, _ := prescribedHours(d)
		m.Overtime = max(m.Work-legalDailyMins, 0)
		within := m.Work - m.Overtime
		m.Normal = min(workedIn(d, from, to), within)
		m.ExcessStatutory = within - m.Normal
		m.Lateness = max(int(d.ClockIn.Sub(from)/time.Minute), 0)
		m.EarlyLeaving = max(int(to.Sub(d.ClockOut)/time.Minute), 0)
	}
	splitLatenight(&m)
	return m
}

// splitLatenight attributes late-night minutes to overtime first: a shift reaches late
// night at its end, after the daily hours are used up.
func splitLatenight(m *Minutes) {
	m.LatenightOvertime = min(m.Latenight, m.Overtime)
	m.LatenightExcessStatutory = min(m.Latenight-m.LatenightOvertime, m.ExcessStatutory)
}

// weekly applies the 40 h a week rule: of the minutes that count toward the week (all but
// legal-holiday work and daily overtime), those beyond 40 h become overtime, taken from
// 法定内残業 first. acc is what the week had counted before this day.
func weekly(m *Minutes, acc int) (counted int) {
	counted = m.Normal + m.ExcessStatutory
	over := min(counted, max(acc+counted-legalWeeklyMins, 0))
	fromExcess := min(over, m.ExcessStatutory)
	m.ExcessStatutory -= fromExcess
	m.Normal -= over - fromExcess
	m.Overtime += over
	splitLatenight(m)
	return counted
}

// days returns an employee's days from..to inclusive, computed with the weekly rule: it
// starts counting from the Sunday on or before from.
func (s *Server) days(e *Employee, from, to model.Date) []Day {
	start := from.AddDays(-int(from.Weekday()))
	out := make([]Day, 0, from.DaysUntil(to)+1)
	acc := 0
	for d := start; !d.After(to); d = d.AddDays(1) {
		if d.Weekday() == time.Sunday {
			acc = 0
		}
		day := s.day(e, d)
		day.Minutes = daily(day)
		acc += weekly(&day.Minutes, acc)
		if !d.Before(from) {
			out = append(out, day)
		}
	}
	return out
}

// day is the day as set by SetDay, or as generated. A day set after the last day the
// sandbox serves (a state saved by a run whose Options.Through was later) is kept, not
// served: that day has not come yet.
func (s *Server) day(e *Employee, d model.Date) Day {
	if d.After(s.co.through) {
		return s.co.plan(e, d)
	}
	s.mu.Lock()
	o, ok := s.overrides[dayKey{e.ID, d}]
	s.mu.Unlock()
	if ok {
		return o
	}
	return s.co.plan(e, d)
}

type dayKey struct {
	employee int
	date     model.Date
}

// clock is one punch (打刻).
type clock struct {
	typ string // clock_in, break_begin, break_end, clock_out
	at  time.Time
}

// clocks lists a day's punches in time order.
func (d Day) clocks() []clock {
	if d.ClockIn.IsZero() {
		return nil
	}
	out := make([]clock, 0, 2+2*len(d.Breaks))
	out = append(out, clock{"clock_in", d.ClockIn})
	for _, b := range d.Breaks {
		out = append(out, clock{"break_begin", b.Start}, clock{"break_end", b.End})
	}
	if !d.ClockOut.IsZero() {
		out = append(out, clock{"clock_out", d.ClockOut})
	}
	return out
}

// maxClocksPerDay bounds punches a day (clock in, out, three breaks) so ids stay unique.
const maxClocksPerDay = 8

// clockID is a punch's id: unique across the company and the same on every run.
func (c *company) clockID(e *Employee, d model.Date, seq int) int {
	return (c.clockBase.DaysUntil(d)*len(c.employees)+e.index)*maxClocksPerDay + seq + 1
}

// summarize totals a month of days as freee's work-record summary does.
type monthTotals struct {
	Minutes
	workDays, absences, paidLeave model.Days
}

func summarize(days []Day) monthTotals {
	var t monthTotals
	for _, d := range days {
		m := d.Minutes
		if d.Worked() {
			t.workDays += model.Day
		}
		if d.Absent {
			t.absences += model.Day
		}
		switch d.PaidLeave {
		case FullDayLeave:
			t.paidLeave += fullLeaveDays
		case HalfDayLeave:
			t.paidLeave += halfLeaveDays
		}
		t.Work += m.Work
		t.Normal += m.Normal
		t.ExcessStatutory += m.ExcessStatutory
		t.Overtime += m.Overtime
		t.Latenight += m.Latenight
		t.LatenightExcessStatutory += m.LatenightExcessStatutory
		t.LatenightOvertime += m.LatenightOvertime
		t.Holiday += m.Holiday
		t.PrescribedHoliday += m.PrescribedHoliday
		t.Lateness += m.Lateness
		t.EarlyLeaving += m.EarlyLeaving
	}
	return t
}
