package freeetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// monthOf returns every employee's days of the demo month.
func monthOf(s *Server) map[int][]Day {
	first, last := s.Month()
	out := map[int][]Day{}
	for _, e := range s.Employees() {
		out[e.ID] = s.days(&e, first, last)
	}
	return out
}

func TestTheDefaultCompanyHoldsEveryScenario(t *testing.T) {
	t.Parallel()
	s := New(april2026())
	employees := s.Employees()
	if len(employees) < 30 {
		t.Fatalf("%d employees, want at least 30", len(employees))
	}
	nums, emails, depts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range employees {
		if e.Num == "" || e.Email == "" || e.Department.Name == "" || nums[e.Num] || emails[e.Email] {
			t.Errorf("employee %d: code %q, email %q, department %q: want all set and unique", e.ID, e.Num, e.Email, e.Department.Name)
		}
		nums[e.Num], emails[e.Email], depts[e.Department.Name] = true, true, true
	}
	if len(depts) < 2 {
		t.Errorf("departments = %v, want several", depts)
	}

	found := map[string]int{}
	normalMonths := 0
	for _, days := range monthOf(s) {
		normal := true
		for _, d := range days {
			m := d.Minutes
			switch {
			case d.Pattern == NormalDay && d.Worked() && d.ClockOut.Hour() == 21 && m.Overtime >= 180:
				found["an overtime day 9:00–21:00"]++
			case d.Worked() && m.Latenight > 0 && model.DateOf(d.ClockOut, tokyo) == d.Date:
				found["a late night past 22:00"]++
			case d.Worked() && model.DateOf(d.ClockOut, tokyo).After(d.Date):
				found["a shift past midnight"]++
			case d.Pattern == LegalHoliday && d.Worked() && m.Holiday > 0:
				found["a worked legal holiday (Sunday)"]++
			case d.Pattern == PrescribedHoliday && d.Worked() && m.PrescribedHoliday > 0:
				found["a worked prescribed holiday (Saturday)"]++
			case d.PaidLeave == FullDayLeave && !d.Worked():
				found["a full day of paid leave"]++
			case d.PaidLeave == HalfDayLeave && d.Worked():
				found["a half day of paid leave"]++
			case d.Absent && !d.Worked():
				found["an absence"]++
			case d.Pattern == NormalDay && d.Worked() && m.Lateness > 0:
				found["a late arrival"]++
			}
			isNormal := d.Pattern != NormalDay && !d.Worked() ||
				d.Pattern == NormalDay && m.Work == 480 && m.Normal == 480 && m.Lateness == 0 && d.PaidLeave == NoPaidLeave && !d.Absent
			normal = normal && isNormal
		}
		if normal {
			normalMonths++
		}
	}
	for _, want := range []string{
		"an overtime day 9:00–21:00", "a late night past 22:00", "a shift past midnight",
		"a worked legal holiday (Sunday)", "a worked prescribed holiday (Saturday)",
		"a full day of paid leave", "a half day of paid leave", "an absence", "a late arrival",
	} {
		if found[want] == 0 {
			t.Errorf("no %s in the demo month", want)
		}
	}
	if normalMonths < 3 {
		t.Errorf("%d perfectly normal months, want a few", normalMonths)
	}
}

func TestTheSameSeedMakesTheSameCompany(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b Options
		same bool
	}{
		{"same seed, same data", Options{Seed: 7, Year: 2026, Month: time.April}, Options{Seed: 7, Year: 2026, Month: time.April}, true},
		{"another seed, other data", Options{Seed: 7, Year: 2026, Month: time.April}, Options{Seed: 8, Year: 2026, Month: time.April}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, ca := start(t, tt.a)
			b, cb := start(t, tt.b)
			sameEmployees := reflect.DeepEqual(a.Employees(), b.Employees())
			sameClocks := true
			for _, e := range a.Employees() {
				if e.Profile != ProfileVaried {
					continue
				}
				path := fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&limit=100", e.ID)
				ra, rb := ca.do(http.MethodGet, path, nil), cb.do(http.MethodGet, path, nil)
				sameClocks = sameClocks && string(ra.body) == string(rb.body)
			}
			if sameEmployees != tt.same || sameClocks != tt.same {
				t.Errorf("same employees %v, same clocks %v, want %v", sameEmployees, sameClocks, tt.same)
			}
		})
	}
}

func TestMinutesFollowJapaneseWorkRules(t *testing.T) {
	t.Parallel()
	date := model.NewDate(2026, time.April, 8) // a Wednesday
	at := func(h, m int) time.Time { return time.Date(2026, time.April, 8, h, m, 0, 0, tokyo) }
	lunch := []model.Interval{{Start: at(12, 0), End: at(13, 0)}}
	tests := []struct {
		name string
		day  Day
		want Minutes
	}{
		{"9:00–18:00 is eight prescribed hours", Day{ClockIn: at(9, 0), ClockOut: at(18, 0), Breaks: lunch},
			Minutes{Work: 480, Normal: 480}},
		{"9:00–21:00 is three hours over the legal day", Day{ClockIn: at(9, 0), ClockOut: at(21, 0), Breaks: lunch},
			Minutes{Work: 660, Normal: 480, Overtime: 180}},
		{"late by 5 minutes and 30 minutes over is 5 minutes within the law, 25 over",
			Day{ClockIn: at(9, 5), ClockOut: at(18, 30), Breaks: lunch},
			Minutes{Work: 505, Normal: 475, ExcessStatutory: 5, Overtime: 25, Lateness: 5}},
		{"leaving at 17:00 is an hour early", Day{ClockIn: at(9, 0), ClockOut: at(17, 0), Breaks: lunch},
			Minutes{Work: 420, Normal: 420, EarlyLeaving: 60}},
		{"9:00–23:30 has 90 minutes of late-night overtime",
			Day{ClockIn: at(9, 0), ClockOut: at(23, 30), Breaks: append(lunch, model.Interval{Start: at(18, 0), End: at(18, 30)})},
			Minutes{Work: 780, Normal: 480, Overtime: 300, Latenight: 90, LatenightOvertime: 90}},
		{"a break at 22:00 is not late-night work",
			Day{ClockIn: at(14, 0), ClockOut: at(23, 0), Breaks: []model.Interval{{Start: at(22, 0), End: at(22, 30)}}},
			Minutes{Work: 510, Normal: 240, ExcessStatutory: 240, Overtime: 30, Latenight: 30, LatenightOvertime: 30, Lateness: 300}},
		{"a half day of leave counts from 14:00", Day{PaidLeave: HalfDayLeave, ClockIn: at(14, 0), ClockOut: at(18, 0)},
			Minutes{Work: 240, Normal: 240}},
		{"a missing clock-out counts nothing", Day{ClockIn: at(9, 0)}, Minutes{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := tt.day
			d.Date, d.Pattern = date, NormalDay
			if got := daily(d); got != tt.want {
				t.Errorf("minutes =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestSetDayReplacesAGeneratedDay(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	date := model.NewDate(2026, time.April, 8)
	forgot := Day{Date: date, ClockIn: time.Date(2026, time.April, 8, 9, 0, 0, 0, tokyo)}
	if err := s.SetDay(normalID, forgot); err != nil {
		t.Fatal(err)
	}
	var clocks []timeClockWire
	c.get(fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-04-08&to_date=2026-04-08", normalID), &clocks)
	if len(clocks) != 1 || clocks[0].Type != "clock_in" {
		t.Errorf("clocks = %+v, want the clock-in alone", clocks)
	}
	day, _ := s.Attendance(normalID, date)
	if day.Pattern != NormalDay || day.Minutes != (Minutes{}) {
		t.Errorf("day = %+v, want a normal day counting nothing", day)
	}
	if err := s.SetDay(normalID, Day{Date: model.NewDate(2026, time.May, 1)}); err == nil {
		t.Error("a day after the demo month was accepted")
	}
	if err := s.SetDay(99999, forgot); err == nil {
		t.Error("an unknown employee was accepted")
	}
	noViolations(t, s)
}

func TestNewRefusesOptionsOutOfRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
	}{
		{"more employees than ids allow", Options{Employees: MaxEmployees + 1}},
		{"a month 13", Options{Year: 2026, Month: 13}},
		{"a year hr.json does not take", Options{Year: 1999, Month: time.January}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("New accepted it")
				}
			}()
			New(tt.opts)
		})
	}
}

func TestTheDefaultDemoMonthIsLastMonthInTokyo(t *testing.T) {
	t.Parallel()
	// 1 May 2026 00:30 in Tokyo is still 30 April in UTC.
	now := time.Date(2026, time.April, 30, 15, 30, 0, 0, time.UTC)
	s := New(Options{Now: func() time.Time { return now }})
	first, last := s.Month()
	if first != model.NewDate(2026, time.April, 1) || last != model.NewDate(2026, time.April, 30) {
		t.Errorf("demo month = %s..%s, want April 2026", first, last)
	}
}

func TestTenThousandEmployeesAreServedWithoutStoringTheirDays(t *testing.T) {
	t.Parallel()
	s := New(Options{Employees: 10000, Year: 2026, Month: time.March})
	last := s.Employees()[9999]
	auth := "Bearer " + s.IssueToken().AccessToken
	for _, path := range []string{
		fmt.Sprintf("/hr/api/v1/employees/%d/time_clocks?company_id=1&limit=100", last.ID),
		fmt.Sprintf("/hr/api/v1/employees/%d/work_record_summaries/2026/3?company_id=1&work_records=true", last.ID),
		"/hr/api/v1/companies/1/employees?limit=100&offset=9950",
	} {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.Len() < 100 {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	if n := len(s.overrides) + len(s.summaries); n != 0 {
		t.Errorf("%d days or summaries stored by reading", n)
	}
	noViolations(t, s)
}
