package freeetest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// april2026Through is the April 2026 demo company with its time clocks extended into May,
// the month in progress, up to and including through.
func april2026Through(through model.Date) Options {
	o := april2026()
	o.Through = through
	return o
}

// may20 is a Wednesday: the month in progress of april2026Through(may20) has 14 weekdays.
var may20 = model.NewDate(2026, time.May, 20)

func TestThroughServesTimeClocksUpToItsDayAndNoFurther(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026Through(may20))
	if got := s.Through(); got != may20 {
		t.Errorf("Through() = %s, want %s", got, may20)
	}
	if first, last := s.Month(); first != model.NewDate(2026, time.April, 1) || last != model.NewDate(2026, time.April, 30) {
		t.Errorf("demo month = %s..%s, want April 2026 still", first, last)
	}
	for _, id := range []int{normalID, overtimeID, variedID} {
		var clocks []timeClockWire
		c.get(fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-05-01&to_date=2026-05-31&limit=100", id), &clocks)
		dates := map[string]bool{}
		for _, cl := range clocks {
			dates[cl.Date] = true
			if cl.Date > may20.String() {
				t.Errorf("employee %d: a %s clock on %s, after Through", id, cl.Type, cl.Date)
			}
		}
		// 14 weekdays from Friday 1 May to Wednesday 20 May, each worked.
		if len(dates) != 14 || !dates["2026-05-01"] || !dates["2026-05-20"] {
			t.Errorf("employee %d: clocks on %d days (first %v, Through %v); want the 14 weekdays of 1–20 May",
				id, len(dates), dates["2026-05-01"], dates["2026-05-20"])
		}
	}
	// Without dates a query still covers the demo month alone, as freee's default range does
	// for the sandbox's month.
	var clocks []timeClockWire
	c.get(fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&limit=100", normalID), &clocks)
	if len(clocks) == 0 || clocks[0].Date != "2026-04-01" || clocks[len(clocks)-1].Date != "2026-04-30" {
		t.Errorf("time clocks without dates: %d, from %v; want April's", len(clocks), clocks[:min(1, len(clocks))])
	}

	for _, tt := range []struct {
		date   string
		worked bool
	}{{"2026-05-20", true}, {"2026-05-21", false}} {
		var w workRecordWire
		c.get(fmt.Sprintf("/api/v1/employees/%d/work_records/%s?company_id=1", normalID, tt.date), &w)
		if (w.ClockInAt != nil) != tt.worked {
			t.Errorf("work record of %s: clock_in_at %v, want worked %v", tt.date, w.ClockInAt, tt.worked)
		}
	}
	noViolations(t, s)
}

func TestTheMonthInProgressHasItsSummarySoFar(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026Through(may20))
	_, off := start(t, april2026())
	tests := []struct {
		name string
		id   int
		want summaryWire
	}{
		{"a normal employee has worked 14 days of 8 hours", normalID, summaryWire{
			WorkDays: 14, TotalWorkMins: 14 * 480, TotalNormalWorkMins: 14 * 480}},
		// The heaviest crunch: 9:00–21:00 on each of the 14 weekdays.
		{"the first overtime employee has 3 hours over the law every day", overtimeID, summaryWire{
			WorkDays: 14, TotalWorkMins: 14 * 660, TotalNormalWorkMins: 14 * 480, TotalOvertime: 14 * 180}},
		// The 2nd Monday (11 May) off, the morning of the 3rd Wednesday (20 May) off.
		{"paid leave of the month so far is counted", paidLeaveID, summaryWire{
			WorkDays: 13, TotalWorkMins: 12*480 + 240, TotalNormalWorkMins: 12*480 + 240, NumPaidHolidays: 1.5}},
		// The 3rd Friday (15 May).
		{"an absence of the month so far is counted", absenceID, summaryWire{
			WorkDays: 13, TotalWorkMins: 13 * 480, TotalNormalWorkMins: 13 * 480, NumAbsences: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got summaryWire
			c.get(fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/5?company_id=1", tt.id), &got)
			want := tt.want
			want.Year, want.Month, want.StartDate, want.EndDate = 2026, 5, "2026-05-01", "2026-05-31"
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("summary of May so far =\n%+v\nwant\n%+v", got, want)
			}
			var none summaryWire
			off.get(fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/5?company_id=1", tt.id), &none)
			if none.WorkDays != 0 || none.TotalWorkMins != 0 {
				t.Errorf("without Through, May has %v work days and %d minutes; want none", none.WorkDays, none.TotalWorkMins)
			}
		})
	}

	var got summaryWire
	c.get(fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/5?company_id=1&work_records=true", overtimeID), &got)
	if len(got.WorkRecords) != 31 {
		t.Fatalf("%d work records, want one for each of May's 31 days", len(got.WorkRecords))
	}
	for i, w := range got.WorkRecords {
		worked := w.ClockInAt != nil
		if day := i + 1; day > 20 && worked {
			t.Errorf("May %d, after Through, has a clock-in", day)
		}
	}
	// 11 May and the morning of 20 May come off what April left.
	april, may := c.leaveOf(paidLeaveID, 2026, time.April), c.leaveOf(paidLeaveID, 2026, time.May)
	if may.Taken != 1.5 || april.Left-may.Left != 1.5 || april.Left < 2 {
		t.Errorf("paid leave: April left %v, May so far taken %v and left %v; want 1.5 taken off April's", april.Left, may.Taken, may.Left)
	}
	noViolations(t, s)
}

func TestSetDayAcceptsDatesUpToThrough(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026Through(may20))
	forgot := Day{Date: may20, ClockIn: time.Date(2026, time.May, 20, 9, 0, 0, 0, tokyo)}
	if err := s.SetDay(normalID, forgot); err != nil {
		t.Fatalf("SetDay on Through: %v", err)
	}
	var clocks []timeClockWire
	c.get(fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-05-20&to_date=2026-05-20", normalID), &clocks)
	if len(clocks) != 1 || clocks[0].Type != "clock_in" {
		t.Errorf("clocks = %+v, want the clock-in alone", clocks)
	}
	err := s.SetDay(normalID, Day{Date: may20.AddDays(1)})
	if err == nil || !strings.Contains(err.Error(), "2026-05-20") {
		t.Errorf("SetDay the day after Through: err = %v; want a refusal naming the last day", err)
	}
	if err := New(april2026()).SetDay(normalID, Day{Date: model.NewDate(2026, time.May, 1)}); err == nil {
		t.Error("without Through, a day after the demo month was accepted")
	}
	noViolations(t, s)
}

// A Through that goes no further than the demo month changes nothing: the demo month, and
// the month after it, are served byte for byte as without it. With a Through that does go
// further, the demo month's own days and summary are still the same.
func TestThroughChangesNothingOfTheDemoMonth(t *testing.T) {
	t.Parallel()
	_, plain := start(t, april2026())
	const (
		aprilClocks = iota
		clocksIntoMay
		aprilSummary
		april30
	)
	paths := func(id int) []string {
		return []string{
			aprilClocks:   fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&limit=100", id),
			clocksIntoMay: fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-04-26&to_date=2026-05-09&limit=100", id),
			aprilSummary:  fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/4?company_id=1&work_records=true", id),
			april30:       fmt.Sprintf("/api/v1/employees/%d/work_records/2026-04-30?company_id=1", id),
		}
	}
	tests := []struct {
		name    string
		through model.Date
		same    []int
	}{
		{"Through on the demo month's last day", model.NewDate(2026, time.April, 30), []int{aprilClocks, clocksIntoMay, aprilSummary, april30}},
		{"Through inside the demo month", model.NewDate(2026, time.April, 10), []int{aprilClocks, clocksIntoMay, aprilSummary, april30}},
		{"Through before the demo month", model.NewDate(2025, time.December, 31), []int{aprilClocks, clocksIntoMay, aprilSummary, april30}},
		{"Through in the month after", may20, []int{aprilClocks, aprilSummary, april30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := start(t, april2026Through(tt.through))
			if extends := tt.through.After(model.NewDate(2026, time.April, 30)); !extends && s.Through() != model.NewDate(2026, time.April, 30) {
				t.Errorf("Through() = %s, want the demo month's last day", s.Through())
			}
			for _, e := range s.Employees() {
				for _, i := range tt.same {
					path := paths(e.ID)[i]
					if a, b := plain.do("GET", path, nil), c.do("GET", path, nil); a.status != 200 || string(a.body) != string(b.body) {
						t.Errorf("GET %s differs:\n%s\nwant\n%s", path, b.body, a.body)
					}
				}
			}
			noViolations(t, s)
		})
	}
}

// overtimeSoFar is each employee's overtime (法定外) from the 1st of to's month up to to, as
// the 36協定 guard counts it (the weekly 40 hours read from the Sunday before the 1st).
func overtimeSoFar(s *Server, to model.Date) map[string]int {
	out := map[string]int{}
	for _, e := range s.Employees() {
		for _, d := range s.days(&e, model.NewDate(to.Year, to.Month, 1), to) {
			out[e.Num] += d.Minutes.Overtime
		}
	}
	return out
}

// In every month of two years, the month in progress has someone past the 36協定's 45 hours
// by its 25th, and nobody at its 40 hours by its 5th; the demo month, as always, nobody at
// 40 hours.
func TestTheMonthInProgressCrossesThe36AgreementLinesLateInTheMonth(t *testing.T) {
	t.Parallel()
	for _, month := range []model.Date{model.NewDate(2026, time.January, 1), model.NewDate(2027, time.January, 1)} {
		for i := range 12 {
			first := model.NewDate(month.Year, month.Month+time.Month(i), 1)
			demo := first.AddDays(-1)
			early := New(Options{Seed: 1, Year: demo.Year, Month: demo.Month, Through: first.AddDays(4)})
			late := New(Options{Seed: 1, Year: demo.Year, Month: demo.Month, Through: first.AddDays(24)})
			over := func(m map[string]int, hours int) []string {
				var who []string
				for num, mins := range m {
					if mins >= hours*60 {
						who = append(who, fmt.Sprintf("%s (%d min)", num, mins))
					}
				}
				return who
			}
			if who := over(overtimeSoFar(early, early.Through()), 40); len(who) > 0 {
				t.Errorf("%s: %v at 40 hours by the 5th; want nobody", early.Through(), who)
			}
			byThe25th := overtimeSoFar(late, late.Through())
			if who := over(byThe25th, 45); len(who) == 0 {
				t.Errorf("%s: nobody at 45 hours by the 25th (E00002 %d min, E00012 %d min); want someone", late.Through(), byThe25th["E00002"], byThe25th["E00012"])
			}
			_, last := late.Month()
			if who := over(overtimeSoFar(late, last), 40); len(who) > 0 {
				t.Errorf("demo month %s: %v at 40 hours; want nobody", last, who)
			}
		}
	}
}

// A state saved by a run on another day loads: the extension is made again from the seed,
// and only the days set and the summaries written come from the file.
func TestStateSavedOnAnotherDayLoads(t *testing.T) {
	t.Parallel()
	may18 := model.NewDate(2026, time.May, 18)
	a := New(april2026Through(may20))
	forgot := Day{Date: may18, ClockIn: time.Date(2026, time.May, 18, 9, 0, 0, 0, tokyo)}
	if err := a.SetDay(normalID, forgot); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	a.summaries[monthKey{overtimeID, 2026, time.May}] = Summary{CompanyID: 1, TotalWorkMins: 4200}
	a.mu.Unlock()
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.String()
	if strings.Count(saved, `"Date":"2026-05-`) != 1 {
		t.Errorf("saved state holds %d days of May; want the one set, not the extension:\n%s", strings.Count(saved, `"Date":"2026-05-`), saved)
	}

	tests := []struct {
		name    string
		through model.Date
		// served says whether the day set on 18 May is served after the load.
		served bool
	}{
		{"the next day", may20.AddDays(1), true},
		{"an earlier day", model.NewDate(2026, time.May, 10), false},
		{"a run without Through", model.Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := New(april2026Through(tt.through))
			if err := b.LoadState(strings.NewReader(saved)); err != nil {
				t.Fatalf("load: %v", err)
			}
			day, _ := b.Attendance(normalID, may18)
			if set := day.Worked() && day.ClockOut.IsZero(); set != tt.served {
				t.Errorf("18 May after the load: %+v; want the day set served: %v", day, tt.served)
			}
			if sum, ok := b.Summary(overtimeID, 2026, time.May); !ok || sum.TotalWorkMins != 4200 {
				t.Errorf("May's written summary after the load = %+v, %v; want total_work_mins 4200", sum, ok)
			}
			if tt.through.After(may20) {
				if day, _ := b.Attendance(normalID, tt.through); !day.Worked() {
					t.Errorf("%s, past the saving run's Through, is not generated: %+v", tt.through, day)
				}
			}
			// A day not served yet is kept, for the run whose Through reaches it.
			var again bytes.Buffer
			if err := b.SaveState(&again); err != nil {
				t.Fatal(err)
			}
			c := New(april2026Through(may20))
			if err := c.LoadState(&again); err != nil {
				t.Fatal(err)
			}
			if day, _ := c.Attendance(normalID, may18); !day.Worked() || !day.ClockOut.IsZero() {
				t.Errorf("18 May after saving again and loading with Through %s: %+v; want the day set", may20, day)
			}
		})
	}
}

func TestThroughOutOfRangeIsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"time-clock ids past int32", Options{Employees: MaxEmployees, Year: 2026, Month: time.April, Through: model.NewDate(2030, time.January, 1)},
			"Through = 2030-01-01: with 50000 employees, time-clock ids (freee's int32) reach only to"},
		{"a year hr.json does not take", Options{Year: 2026, Month: time.April, Through: model.NewDate(2101, time.January, 1)},
			"Through = 2101-01-01: want a calendar date up to 2100-12-31"},
		{"not a calendar date", Options{Year: 2026, Month: time.April, Through: model.Date{Year: 2026, Month: time.May, Day: 32}},
			"Through = 2026-05-32: want a calendar date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.opts.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v; want %q", err, tt.want)
			}
			defer func() {
				if recover() == nil {
					t.Error("New accepted it")
				}
			}()
			New(tt.opts)
		})
	}
	ok := Options{Employees: MaxEmployees, Year: 2026, Month: time.April, Through: model.NewDate(2027, time.March, 31)}
	if err := ok.Validate(); err != nil {
		t.Errorf("a year past the demo month with the most employees: %v; want accepted", err)
	}
}
