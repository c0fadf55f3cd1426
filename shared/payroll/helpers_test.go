package payroll_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// The test employee. Ids are the source system's, never a name.
const emp = "emp-1"

// tokyo is the company zone of most tests.
var tokyo = payroll.JST

// date reads "2006-01-02"; test data only, so a typo panics.
func date(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// clock returns the instant hh:mm on the business date in Tokyo. Hours from 24 are the next
// day, as Japanese timesheets write a night shift: 26:30 is 02:30 the next morning.
func clock(day, hhmm string) time.Time {
	var h, m int
	if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
		panic(fmt.Sprintf("clock %q: %v", hhmm, err))
	}
	d := date(day)
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, tokyo)
}

// shift is a workday punched in and out at in and out ("HH:MM", see clock), with breaks
// written "12:00-13:00".
func shift(day, in, out string, breaks ...string) model.AttendanceDay {
	d := model.AttendanceDay{EmployeeID: emp, Date: date(day), Kind: model.Workday}
	if in != "" {
		d.ClockIn = clock(day, in)
	}
	if out != "" {
		d.ClockOut = clock(day, out)
	}
	for _, b := range breaks {
		from, to, ok := strings.Cut(b, "-")
		if !ok {
			panic("break " + b + ": want HH:MM-HH:MM")
		}
		d.Breaks = append(d.Breaks, model.Interval{Start: clock(day, from), End: clock(day, to)})
	}
	return d
}

// nineToSix is the standard 9:00–18:00 workday with a 60-minute lunch: 480 minutes worked.
func nineToSix(day string) model.AttendanceDay {
	return shift(day, "09:00", "18:00", "12:00-13:00")
}

// as returns d on another kind of day.
func as(kind model.DayKind, d model.AttendanceDay) model.AttendanceDay {
	d.Kind = kind
	return d
}

// onLeave returns d with leave.
func onLeave(kind model.LeaveKind, days model.Days, d model.AttendanceDay) model.AttendanceDay {
	d.Leave, d.LeaveDays = kind, days
	return d
}

// offDay is a workday without punches, for leave.
func offDay(day string) model.AttendanceDay {
	return model.AttendanceDay{EmployeeID: emp, Date: date(day), Kind: model.Workday}
}

// minutes are the computed fields of a day or a summary, for comparing in one go.
type minutes struct {
	Worked, Normal, LegalWithin, Overtime, LateNight, Holiday, PrescribedHoliday, Lateness, EarlyLeaving int
}

func dayMinutes(d model.AttendanceDay) minutes {
	return minutes{d.WorkedMinutes, d.NormalMinutes, d.LegalWithinOvertimeMinutes, d.OvertimeMinutes,
		d.LateNightMinutes, d.HolidayMinutes, d.PrescribedHolidayMinutes, d.LatenessMinutes, d.EarlyLeavingMinutes}
}

func summaryMinutes(s model.WorkSummary) minutes {
	return minutes{s.WorkedMinutes, s.NormalMinutes, s.LegalWithinOvertimeMinutes, s.OvertimeMinutes,
		s.LateNightMinutes, s.HolidayMinutes, s.PrescribedHolidayMinutes, s.LatenessMinutes, s.EarlyLeavingMinutes}
}

// april2026 is the 末締め period April 2026. 1 April 2026 is a Wednesday; 5 April a Sunday.
var april2026 = model.PayPeriod{Year: 2026, Month: time.April, Start: date("2026-04-01"), End: date("2026-04-30")}

// rules480 is an 8-hour-day company with every other rule at its default.
var rules480 = payroll.Rules{PrescribedDailyMinutes: 480}

// rules450 is a 7.5-hour-day company.
var rules450 = payroll.Rules{PrescribedDailyMinutes: 450}
