package payroll_test

import (
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// fuzzDays turns fuzz bytes into a month of time-clock days from 25 March 2026, 7 bytes a
// day, so that the fuzzer reaches every shape: duplicates and gaps, every kind of day,
// missing punches, shifts past midnight or backwards, breaks inside and outside the shift,
// and half and whole days of leave.
func fuzzDays(data []byte) []model.AttendanceDay {
	var days []model.AttendanceDay
	d := date("2026-03-25")
	kinds := []model.DayKind{"", model.Workday, model.PrescribedHoliday, model.LegalHoliday}
	leaves := []struct {
		kind model.LeaveKind
		days model.Days
	}{{}, {model.PaidLeave, 50}, {model.PaidLeave, 100}, {model.Absence, 50}}
	for ; len(data) >= 7; data = data[7:] {
		d = d.AddDays(int(data[0] % 3)) // 0: the same date again
		day := model.AttendanceDay{EmployeeID: emp, Date: d, Kind: kinds[data[1]%4]}
		leave := leaves[data[1]>>4%4]
		day.Leave, day.LeaveDays = leave.kind, leave.days

		in := d.In(tokyo).Add(time.Duration(int(data[2])<<8|int(data[3])) % 1440 * time.Minute)
		out := in.Add(time.Duration(int(data[4])<<8|int(data[5]))%1700*time.Minute - 100*time.Minute)
		switch data[1] >> 2 % 4 {
		case 0:
			day.ClockIn, day.ClockOut = in, out
		case 1:
			day.ClockIn = in
		case 2:
			day.ClockOut = out
		}
		breakStart := in.Add(time.Duration(data[6]%16) * 40 * time.Minute)
		day.Breaks = []model.Interval{{Start: breakStart, End: breakStart.Add(time.Duration(data[6]/16) * 15 * time.Minute)}}
		days = append(days, day)
	}
	return days
}

var fuzzUnits = []int{0, 1, 5, 10, 15, 30, 60}

// For any punches: every worked minute falls in exactly one of normal, legal-within,
// overtime and holiday; no day holds more than the prescribed normal time or 8 hours within
// the law; no week more than 40 hours within the law; late night is part of worked time;
// Summarize adds up what ComputeDays computes; and rounding moves each total by less than a
// unit, in the configured direction.
func FuzzSummarize(f *testing.F) {
	f.Add(uint16(480), uint8(0), uint8(0), []byte("\x01\x01\x02\x1c\x02\x1c\x31\x01\x01\x02\x1c\x02\x58\x31\x01\x01\x02\x1c\x02\x94\x31"))
	f.Add(uint16(450), uint8(0x81), uint8(3), []byte("\x01\x02\x05\x28\x02\x1c\x00\x00\x03\x05\x28\x03\x00\x72\x02\x21\x00\x00\x00\x00\x00"))
	f.Add(uint16(420), uint8(3), uint8(0x12), []byte("\x01\x00\x02\x1c\x02\x30\x31\x01\x00\x02\x1c\x02\x30\x31\x01\x00\x02\x1c\x02\x30\x31\x01\x00\x02\x1c\x02\x30\x31\x01\x00\x02\x1c\x02\x30\x31\x01\x02\x02\x1c\x02\x30\x31\x01\x03\x02\x1c\x02\x30\x31"))
	f.Add(uint16(240), uint8(6), uint8(0x25), []byte("\x00\x10\x04\x38\x01\x90\xff\x00\x30\x00\x00\x06\x00\x10\x02\x04\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, prescribed uint16, weekStart, rounding uint8, data []byte) {
		plain := payroll.Rules{PrescribedDailyMinutes: 1 + int(prescribed)%480, WeekStart: time.Weekday(weekStart % 7)}
		if weekStart&0x80 != 0 {
			plain.PrescribedStart, plain.PrescribedEnd = "09:00", "18:00"
		}
		days := fuzzDays(data)

		computed, _ := payroll.ComputeDays(plain, days)
		week := map[model.Date]int{}
		var sum minutes
		for _, d := range computed {
			m := dayMinutes(d)
			checkDay(t, plain, d, m)
			if d.Kind != model.LegalHoliday {
				week[payroll.FirstDayNeeded(plain, model.PayPeriod{Start: d.Date})] += m.Normal + m.LegalWithin
			}
			if april2026.Contains(d.Date) {
				sum = add(sum, m)
			}
		}
		for start, within := range week {
			if within > payroll.LegalWeeklyMinutes {
				t.Errorf("week of %s: %d minutes within the law, over 40 hours", start, within)
			}
		}

		s, _, err := payroll.Summarize(plain, april2026, emp, days)
		if err != nil {
			t.Fatalf("Summarize: %v", err)
		}
		total := summaryMinutes(s)
		if total.Normal+total.LegalWithin+total.Overtime+total.Holiday != total.Worked {
			t.Errorf("summary %+v: the categories do not add up to worked", total)
		}
		if total != sum {
			t.Errorf("summary %+v, but its days add up to %+v", total, sum)
		}

		r := payroll.Rounding{
			Unit:  fuzzUnits[int(rounding)%len(fuzzUnits)],
			Mode:  []payroll.RoundingMode{payroll.RoundFloor, payroll.RoundCeil, payroll.RoundHalfUp}[rounding/8%3],
			Scope: []payroll.RoundingScope{payroll.RoundDaily, payroll.RoundMonthly}[rounding/32%2],
		}
		if r.Unit == 0 {
			r = payroll.Rounding{}
		}
		rounded := plain
		rounded.Rounding = r
		roundedDays, _ := payroll.ComputeDays(rounded, days)
		var roundedSum minutes
		for i, d := range roundedDays {
			if april2026.Contains(d.Date) {
				roundedSum = add(roundedSum, dayMinutes(d))
			}
			if r.Scope == payroll.RoundDaily {
				checkRounded(t, r, dayMinutes(computed[i]), dayMinutes(d))
			} else if dayMinutes(d) != dayMinutes(computed[i]) {
				t.Errorf("%s: monthly rounding changed a day: %+v → %+v", d.Date, dayMinutes(computed[i]), dayMinutes(d))
			}
		}
		rs, _, err := payroll.Summarize(rounded, april2026, emp, days)
		if err != nil {
			t.Fatalf("Summarize rounded: %v", err)
		}
		if r.Scope == payroll.RoundMonthly {
			checkRounded(t, r, total, summaryMinutes(rs))
		} else if summaryMinutes(rs) != roundedSum {
			t.Errorf("daily-rounded summary %+v, but its rounded days add up to %+v", summaryMinutes(rs), roundedSum)
		}
	})
}

func checkDay(t *testing.T, rules payroll.Rules, d model.AttendanceDay, m minutes) {
	t.Helper()
	for _, v := range []int{m.Worked, m.Normal, m.LegalWithin, m.Overtime, m.LateNight, m.Holiday, m.PrescribedHoliday, m.Lateness, m.EarlyLeaving} {
		if v < 0 {
			t.Errorf("%s: negative minutes %+v", d.Date, m)
		}
	}
	if m.Normal+m.LegalWithin+m.Overtime+m.Holiday != m.Worked {
		t.Errorf("%s: %+v: the categories do not add up to worked", d.Date, m)
	}
	if m.LateNight > m.Worked {
		t.Errorf("%s: %+v: more late night than worked", d.Date, m)
	}
	if m.Normal > rules.PrescribedDailyMinutes || m.Normal+m.LegalWithin > payroll.LegalDailyMinutes {
		t.Errorf("%s: %+v: over the prescribed or the legal day", d.Date, m)
	}
	if want := map[bool]int{true: m.Worked}[d.Kind == model.LegalHoliday]; m.Holiday != want {
		t.Errorf("%s (%s): %+v: holiday minutes are not the legal holiday's worked minutes", d.Date, d.Kind, m)
	}
	if want := map[bool]int{true: m.Worked}[d.Kind == model.PrescribedHoliday]; m.PrescribedHoliday != want {
		t.Errorf("%s (%s): %+v: prescribed-holiday minutes are not the prescribed holiday's worked minutes", d.Date, d.Kind, m)
	}
}

// checkRounded checks that every field of rounded is a whole number of units and lies within
// one unit of plain, on the side the mode says.
func checkRounded(t *testing.T, r payroll.Rounding, plain, rounded minutes) {
	t.Helper()
	p, q := fields(plain), fields(rounded)
	for i := range p {
		diff := q[i] - p[i]
		ok := q[i]%r.Unit == 0
		switch r.Mode {
		case payroll.RoundFloor:
			ok = ok && -r.Unit < diff && diff <= 0
		case payroll.RoundCeil:
			ok = ok && 0 <= diff && diff < r.Unit
		case payroll.RoundHalfUp:
			ok = ok && -r.Unit < 2*diff && 2*diff <= r.Unit
		}
		if r.Unit <= 1 {
			ok = diff == 0
		}
		if !ok {
			t.Errorf("rounding %+v took %+v to %+v", r, plain, rounded)
			return
		}
	}
}

func fields(m minutes) []int {
	return []int{m.Worked, m.Normal, m.LegalWithin, m.Overtime, m.LateNight, m.Holiday, m.PrescribedHoliday, m.Lateness, m.EarlyLeaving}
}

func add(a, b minutes) minutes {
	return minutes{a.Worked + b.Worked, a.Normal + b.Normal, a.LegalWithin + b.LegalWithin, a.Overtime + b.Overtime,
		a.LateNight + b.LateNight, a.Holiday + b.Holiday, a.PrescribedHoliday + b.PrescribedHoliday,
		a.Lateness + b.Lateness, a.EarlyLeaving + b.EarlyLeaving}
}
