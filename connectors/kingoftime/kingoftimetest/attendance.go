package kingoftimetest

import (
	"slices"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// The day kinds (勤務日種別) of the demo company: Monday to Friday are working days, Saturday
// a prescribed holiday and Sunday the legal one.
const (
	KindWeekday           = "平日"
	KindLegalHoliday      = "法定休日"
	KindPrescribedHoliday = "法定外休日"
)

// The punch types (打刻種別) KOT documents, with the names it gives them.
const (
	PunchClockIn    = "1"
	PunchClockOut   = "2"
	PunchBreakStart = "3"
	PunchBreakEnd   = "4"
	PunchGoOut      = "7"
	PunchGoBack     = "8"
)

var punchNames = map[string]string{
	PunchClockIn: "出勤", PunchClockOut: "退勤", PunchBreakStart: "休憩開始",
	PunchBreakEnd: "休憩終了", PunchGoOut: "外出", PunchGoBack: "外出戻",
}

// Day is one employee's attendance on one work date (勤務日): the punches filed under it and
// the leave taken.
type Day struct {
	Date model.Date
	// Kind is the 勤務日種別; "" means by weekday.
	Kind string
	// Punches are in time order; a night shift's clock-out the next morning belongs here.
	Punches []Punch
	Leave   []Leave
}

// Punch is one punch.
type Punch struct {
	Time time.Time
	// Code is a punch type: PunchClockIn …
	Code string
	// Latitude and Longitude are set when the punch was made with a location.
	Latitude, Longitude *float64
}

// Leave is leave taken on a day: a whole day, or the half Half names (AM休, PM休).
type Leave struct {
	Type LeaveType
	Half string
}

// Worked reports whether the employee clocked in.
func (d Day) Worked() bool {
	return slices.ContainsFunc(d.Punches, func(p Punch) bool { return p.Code == PunchClockIn })
}

func kindOf(d model.Date) string {
	switch d.Weekday() {
	case time.Sunday:
		return KindLegalHoliday
	case time.Saturday:
		return KindPrescribedHoliday
	}
	return KindWeekday
}

// plan generates an employee's day from (seed, employee, date) alone, so a large company
// costs nothing until asked for.
func (c *company) plan(e *Employee, d model.Date) Day {
	day := Day{Date: d, Kind: kindOf(d)}
	if d.Before(e.HiredDate) || d.After(c.last) || (!e.ResignationDate.IsZero() && d.After(e.ResignationDate)) {
		return day
	}
	at := func(hour, minute int) time.Time {
		return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, jst)
	}
	work := func(in, out time.Time, pauses ...pause) {
		day.Punches = append(day.Punches, Punch{Time: in, Code: PunchClockIn})
		for _, p := range pauses {
			day.Punches = append(day.Punches, Punch{Time: p.from, Code: p.start}, Punch{Time: p.to, Code: p.end})
		}
		day.Punches = append(day.Punches, Punch{Time: out, Code: PunchClockOut})
	}
	rest := func(from, to time.Time) pause { return pause{PunchBreakStart, PunchBreakEnd, from, to} }
	goOut := func(from, to time.Time) pause { return pause{PunchGoOut, PunchGoBack, from, to} }
	lunch := rest(at(12, 0), at(13, 0))
	nth := (d.Day-1)/7 + 1 // the 1st, 2nd… such weekday of the month
	wd := d.Weekday()

	if e.Profile == ProfileWeekendWork {
		switch {
		case wd == time.Saturday && nth == 1:
			work(at(9, 0), at(13, 0))
		case wd == time.Sunday && nth == 2:
			work(at(10, 0), at(16, 0), rest(at(12, 0), at(12, 45)))
		}
	}
	if day.Kind != KindWeekday {
		return day
	}
	switch {
	case e.Profile == ProfileOvertime && (wd == time.Tuesday || wd == time.Thursday):
		work(at(9, 0), at(21, 0), lunch)
	case e.Profile == ProfileLateNight && wd == time.Tuesday && nth == 2:
		work(at(9, 0), at(23, 30), lunch, rest(at(18, 0), at(18, 30)))
	case e.Profile == ProfileLateNight && wd == time.Thursday && nth == 3:
		work(at(9, 0), at(25, 30), lunch, rest(at(18, 0), at(18, 30)))
	case e.Profile == ProfilePaidLeave && wd == time.Monday && nth == 2:
		day.Leave = []Leave{{Type: LeavePaid}}
	case e.Profile == ProfilePaidLeave && wd == time.Wednesday && nth == 3:
		day.Leave = []Leave{{Type: LeavePaid, Half: "AM休"}}
		work(at(14, 0), at(18, 0))
	case e.Profile == ProfileAbsence && wd == time.Friday && nth == 3:
		day.Leave = []Leave{{Type: LeaveAbsence}}
	case e.Profile == ProfileAbsence && wd == time.Monday && nth == 1:
		day.Leave = []Leave{{Type: LeaveSpecial}}
	case e.Profile == ProfileVaried:
		h := c.hash(e.index, d, 0)
		in := at(8, 45).Add(time.Duration(h%26) * time.Minute)
		out := at(18, 0).Add(time.Duration((h>>8)%91) * time.Minute)
		if (h>>16)%5 == 0 {
			out = at(20, 0).Add(time.Duration((h>>24)%60) * time.Minute)
		}
		if wd == time.Friday {
			work(in, out, lunch, goOut(at(15, 0), at(15, 30)))
		} else {
			work(in, out, lunch)
		}
	default:
		work(at(9, 0), at(18, 0), lunch)
	}
	return day
}

// pause is time away from work between two punches: a break or going out.
type pause struct {
	start, end string
	from, to   time.Time
}

// Minutes are a day's figures as the sandbox computes them for the daily attendance. KOT
// computes them from company settings it does not publish; the sandbox's model is simple
// and fixed: a prescribed day of 9:00–18:00 (14:00–18:00 after a morning off) with an
// hour's break, 480 minutes, and late night from 22:00 to 05:00.
type Minutes struct {
	Assigned, Unassigned, Overtime                    int
	LateNight, LateNightUnassigned, LateNightOvertime int
	BreakTime, Late, EarlyLeave, TotalWork            int
}

const prescribedMinutes = 480

// minutes computes a day's figures from its punches.
func (d Day) minutes() Minutes {
	var m Minutes
	in, out, pauses, breaks := d.shape()
	if in.IsZero() || out.IsZero() || !out.After(in) {
		return m
	}
	for _, b := range breaks {
		m.BreakTime += overlap(b.Start, b.End, in, out)
	}
	m.TotalWork = workedIn(in, out, pauses, in, out)
	midnight := time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 0, 0, 0, 0, jst)
	m.LateNight = workedIn(in, out, pauses, midnight, midnight.Add(5*time.Hour)) +
		workedIn(in, out, pauses, midnight.Add(22*time.Hour), midnight.Add(29*time.Hour))
	m.Overtime = max(m.TotalWork-prescribedMinutes, 0)
	if cmpKind(d) == KindWeekday {
		from := midnight.Add(9 * time.Hour)
		if slices.ContainsFunc(d.Leave, func(l Leave) bool { return l.Half == "AM休" }) {
			from = midnight.Add(14 * time.Hour)
		}
		to := midnight.Add(18 * time.Hour)
		m.Assigned = min(workedIn(in, out, pauses, from, to), prescribedMinutes)
		m.Late = max(int(in.Sub(from)/time.Minute), 0)
		m.EarlyLeave = max(int(to.Sub(out)/time.Minute), 0)
	}
	m.Unassigned = m.TotalWork - m.Assigned
	m.LateNightOvertime = min(m.LateNight, m.Overtime)
	m.LateNightUnassigned = min(m.LateNight-m.LateNightOvertime, m.Unassigned-m.Overtime)
	return m
}

func cmpKind(d Day) string {
	if d.Kind == "" {
		return kindOf(d.Date)
	}
	return d.Kind
}

// shape reads the punches: the first clock-in, the last clock-out, the spans away from work
// (breaks, going out, and gaps between a clock-out and a later clock-in) and the breaks alone.
func (d Day) shape() (in, out time.Time, pauses, breaks []model.Interval) {
	var pause, gone time.Time
	for _, p := range d.Punches {
		switch p.Code {
		case PunchClockIn:
			if in.IsZero() {
				in = p.Time
			} else if !gone.IsZero() {
				pauses = append(pauses, model.Interval{Start: gone, End: p.Time})
			}
			gone = time.Time{}
		case PunchClockOut:
			out, gone = p.Time, p.Time
		case PunchBreakStart, PunchGoOut:
			pause = p.Time
		case PunchBreakEnd, PunchGoBack:
			if !pause.IsZero() {
				iv := model.Interval{Start: pause, End: p.Time}
				pauses = append(pauses, iv)
				if p.Code == PunchBreakEnd {
					breaks = append(breaks, iv)
				}
				pause = time.Time{}
			}
		}
	}
	return in, out, pauses, breaks
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

// workedIn is the minutes worked inside [from, to): on the clock and not paused.
func workedIn(in, out time.Time, pauses []model.Interval, from, to time.Time) int {
	n := overlap(in, out, from, to)
	for _, p := range pauses {
		s, e := p.Start, p.End
		if s.Before(in) {
			s = in
		}
		if e.After(out) {
			e = out
		}
		n -= overlap(s, e, from, to)
	}
	return max(n, 0)
}

// paidLeaveTaken is the paid leave the demo company's plan gives an employee from the
// latest 1 April up to the end of month (at most the demo month): the paid-leave profile
// takes a day and a half every month.
func (c *company) paidLeaveTaken(e *Employee, year int, month time.Month) model.Days {
	if e.Profile != ProfilePaidLeave {
		return 0
	}
	end := model.NewDate(year, month+1, 0)
	if end.After(c.last) {
		end = c.last
	}
	fiscal := model.NewDate(end.Year, time.April, 1)
	if end.Before(fiscal) {
		fiscal = model.NewDate(end.Year-1, time.April, 1)
	}
	if fiscal.Before(e.HiredDate) {
		fiscal = model.NewDate(e.HiredDate.Year, e.HiredDate.Month, 1).AddDays(31)
		fiscal = model.NewDate(fiscal.Year, fiscal.Month, 1)
	}
	months := 0
	for m := fiscal; !m.After(end); m = model.NewDate(m.Year, m.Month+1, 1) {
		months++
	}
	return model.Days(months) * (model.Day + model.Day/2)
}
