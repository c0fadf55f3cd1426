package sandboxes

import (
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
	"github.com/urakata/urakata/shared/store/storetest"
)

// freeeHR is the freee 人事労務 connection of hub.example.yaml.
var freeeHR = &config.File{Connections: []config.Connection{{
	Name: "freee-hr", Vendor: freee.Vendor, Secret: "urakata/freee-hr", Settings: map[string]any{"company_id": 1},
}}}

// at is a clock stopped at hour:00 in Tokyo on date.
func at(date model.Date, hour int) func() time.Time {
	t := time.Date(date.Year, date.Month, date.Day, hour, 0, 0, 0, tokyo)
	return func() time.Time { return t }
}

// startHR starts the sandboxes of freeeHR with opts and returns the freee sandbox and a
// connection to it, as `urakata dev` makes them.
func startHR(t *testing.T, opts Options) (*freeetest.Server, *freee.HR) {
	t.Helper()
	set, err := StartAll(t.Context(), freeeHR, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := set.Close(); err != nil {
			t.Error(err)
		}
	})
	conn := set.Config.Connections[0]
	secret, err := set.Secrets.Lookup(t.Context(), conn.Secret)
	if err != nil {
		t.Fatal(err)
	}
	hr, err := freee.New(t.Context(), hub.Env{Connection: conn.Name, BaseURL: conn.BaseURL, Settings: conn.Settings,
		Secret: secret, Tokens: &storetest.MemoryTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	return set.servers[conn.Name].(*freeetest.Server), hr
}

// overtimeSoFar reads every employee's time clocks through the freee connector and counts
// their overtime in the pay period holding today up to yesterday, as the 36協定 guard of
// hub.example.yaml does (末締め, eight hours, weeks from Sunday): minutes by employee code.
func overtimeSoFar(t *testing.T, hr *freee.HR, today model.Date) map[string]int {
	t.Helper()
	rules := payroll.Rules{ClosingDay: 0, PrescribedDailyMinutes: 480, WeekStart: time.Sunday}
	period, err := payroll.PeriodContaining(rules.ClosingDay, today)
	if err != nil {
		t.Fatal(err)
	}
	sofar := period
	sofar.End = today.AddDays(-1)
	fetch := sofar
	fetch.Start = payroll.FirstDayNeeded(rules, period)
	out := map[string]int{}
	for emp, err := range hr.Employees(t.Context(), period) {
		if err != nil {
			t.Fatal(err)
		}
		days, err := hr.Attendance(t.Context(), emp, fetch)
		if err != nil {
			t.Fatal(err)
		}
		sum, issues, err := payroll.Summarize(rules, sofar, emp.ID(freeeHR.Connections[0].Name), days)
		if err != nil || len(issues) > 0 {
			t.Fatalf("employee %s: %v, issues %v", emp.Code, err, issues)
		}
		out[emp.Code] = sum.OvertimeMinutes
	}
	if len(out) != 30 {
		t.Fatalf("%d employees read, want the demo company's 30", len(out))
	}
	return out
}

// `urakata dev` in the month after the demo month: late in the month someone is past the
// 36協定's 45 hours, early in it nobody is at its 40.
func TestTheMonthInProgressHasOvertimeLateInTheMonthOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		today model.Date
		// line and someone: whether someone is at line hours or more.
		line    int
		someone bool
	}{
		{"by the 25th, someone is past 45 hours", model.NewDate(2026, time.November, 26), 45, true},
		{"by the 5th, nobody is at 40 hours", model.NewDate(2026, time.November, 6), 40, false},
		{"by the 25th of a February, someone is past 45 hours", model.NewDate(2027, time.February, 26), 45, true},
		{"by the 5th of a February, nobody is at 40 hours", model.NewDate(2027, time.February, 6), 40, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hr := startHR(t, Options{Employees: 30, Now: at(tt.today, 7)})
			if got, want := srv.Through(), tt.today.AddDays(-1); got != want {
				t.Fatalf("the sandbox's time clocks end on %s, want yesterday %s", got, want)
			}
			var over []string
			mins := overtimeSoFar(t, hr, tt.today)
			for code, m := range mins {
				if m >= tt.line*60 {
					over = append(over, code)
				}
			}
			if (len(over) > 0) != tt.someone {
				t.Errorf("at %d hours: %v (E00002 %d min, E00012 %d min); want someone: %v", tt.line, over, mins["E00002"], mins["E00012"], tt.someone)
			}
			if violations := srv.Violations(); len(violations) > 0 {
				t.Errorf("the sandbox saw %d breaches of hr.json, the first %s", len(violations), violations[0])
			}
		})
	}
}

// The freee sandbox's time clocks reach yesterday only when the month in progress comes
// after the demo month: `urakata dev --period` of this month, or of one to come, has its
// month as it always was.
func TestTheTimeClocksReachYesterdayOnlyPastTheDemoMonth(t *testing.T) {
	t.Parallel()
	today := model.NewDate(2026, time.November, 26)
	tests := []struct {
		name        string
		year        int
		month       time.Month
		demo, until string
	}{
		{"no period: last month, then this month up to yesterday", 0, 0, "2026-10-01", "2026-11-25"},
		{"a period long closed: it, then up to yesterday", 2026, time.August, "2026-08-01", "2026-11-25"},
		{"this month's period: that month, nothing more", 2026, time.November, "2026-11-01", "2026-11-30"},
		{"a period to come: that month, nothing more", 2027, time.January, "2027-01-01", "2027-01-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := startHR(t, Options{Employees: 3, Year: tt.year, Month: tt.month, Now: at(today, 7)})
			first, _ := srv.Month()
			if first.String() != tt.demo || srv.Through().String() != tt.until {
				t.Errorf("demo month from %s, time clocks up to %s; want from %s, up to %s", first, srv.Through(), tt.demo, tt.until)
			}
		})
	}
}

// Just after midnight in Tokyo it is already the next day there, whatever UTC says: a run at
// 00:30 on 1 December (15:30 on 30 November in UTC) has November as its demo month, and
// nothing past it.
func TestTheDayIsTokyos(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.November, 30, 15, 30, 0, 0, time.UTC)
	srv, _ := startHR(t, Options{Employees: 3, Now: func() time.Time { return now }})
	if first, _ := srv.Month(); first != model.NewDate(2026, time.November, 1) || srv.Through() != model.NewDate(2026, time.November, 30) {
		t.Errorf("demo month from %s, time clocks up to %s; want November, nothing more", first, srv.Through())
	}
}

// Options the freee sandbox cannot take are an error naming them, not a panic.
func TestImpossibleFreeeOptionsAreAnError(t *testing.T) {
	t.Parallel()
	_, err := StartAll(t.Context(), freeeHR, Options{Employees: freeetest.MaxEmployees + 1})
	if err == nil || !strings.Contains(err.Error(), "connection freee-hr") || !strings.Contains(err.Error(), "Employees = 50001") {
		t.Fatalf("err = %v; want one naming the connection and the head count", err)
	}
}
