package timeclock_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// planned is when the tests' runs happen, after October 2026 closed.
var planned = time.Date(2026, 11, 5, 10, 0, 0, 0, tokyo)

// taro's October 2026 (末締め, 8 prescribed hours, weeks Sunday to Saturday). 1 October is a
// Thursday, so the first week of the period began on Sunday 27 September.
//
//	Mon 28 – Wed 30 Sep  09:00–18:00, lunch 12–13   480 each, before the period: they only
//	                                                fill the week (1440 of its 2400)
//	Thu  1 Oct  09:00–20:00, lunch 12–13   600: 480 normal, 120 overtime (over 8 h a day);
//	                                       the week's 40 h hold 1920
//	Fri  2 Oct  09:00–18:00, lunch 12–13   480 normal; the week reaches 2400 (40 h)
//	Sat  3 Oct  prescribed holiday 09:00–14:00   300, all beyond the week's 40 h: 300 overtime
//	Sun  4 Oct  legal holiday 10:00–15:00        300 holiday work (neither overtime nor week)
//	Mon  5 Oct  a whole day of paid leave
//	Tue  6 Oct  13:00–23:30, break 17:00–17:30   600: 480 normal, 120 overtime; 22:00–23:30
//	                                             is 90 late night
//
// Work days: 1, 2, 3, 4, 6 Oct = 5 (3 on workdays, 1 prescribed holiday, 1 legal holiday).
// Worked 600+480+300+300+600 = 2280; normal 480+480+480 = 1440; overtime 120+300+120 = 540;
// late night 90; holiday 300; prescribed-holiday work 300; paid leave 1 day.
//
// Had the flow read only from 1 October, Saturday would fall within 40 h (960+300) and be
// 300 legal-within overtime instead: the totals show which days were fetched.
var taroDays = []model.AttendanceDay{
	shift(model.Workday, "2026-09-28", "09:00", "18:00", "12:00-13:00"),
	shift(model.Workday, "2026-09-29", "09:00", "18:00", "12:00-13:00"),
	shift(model.Workday, "2026-09-30", "09:00", "18:00", "12:00-13:00"),
	shift(model.Workday, "2026-10-01", "09:00", "20:00", "12:00-13:00"),
	shift(model.Workday, "2026-10-02", "09:00", "18:00", "12:00-13:00"),
	shift(model.PrescribedHoliday, "2026-10-03", "09:00", "14:00"),
	shift(model.LegalHoliday, "2026-10-04", "10:00", "15:00"),
	leave("2026-10-05", model.PaidLeave, model.Day),
	shift(model.Workday, "2026-10-06", "13:00", "23:30", "17:00-17:30"),
}

var october = model.PayPeriod{Year: 2026, Month: time.October, Start: date("2026-10-01"), End: date("2026-10-31")}

var taroSummary = model.WorkSummary{
	EmployeeID: "101", EmployeeCode: "E001", Period: october,
	WorkDays: 5 * model.Day, WorkDaysOnWeekdays: 3 * model.Day, WorkDaysOnPrescribedHolidays: model.Day, WorkDaysOnLegalHolidays: model.Day,
	WorkedMinutes: 2280, NormalMinutes: 1440, OvertimeMinutes: 540, LateNightMinutes: 90,
	HolidayMinutes: 300, PrescribedHolidayMinutes: 300, PaidLeaveDays: model.Day,
}

// people are on the payroll with names and emails that must never travel on the queue.
var (
	taro   = model.Employee{IDs: map[string]string{"freee-hr": "101"}, Code: "E001", Name: "山田 太郎", Email: "taro.yamada@example.co.jp", Active: true}
	hanako = model.Employee{IDs: map[string]string{"freee-hr": "102"}, Code: "E002", Name: "佐藤 花子", Email: "hanako.sato@example.co.jp", Active: true}
	jiro   = model.Employee{IDs: map[string]string{"freee-hr": "103"}, Code: "E003", Name: "鈴木 次郎", Email: "jiro.suzuki@example.co.jp", Active: true}
)

// sameSystem is a company whose time clock and payroll are one freee connection.
func sameSystem() *fakeSource {
	return &fakeSource{
		conn:      "freee-hr",
		employees: []model.Employee{taro, hanako},
		days: map[string][]model.AttendanceDay{
			"101": taroDays,
			"102": {shift(model.Workday, "2026-10-01", "09:00", "18:00", "12:00-13:00")},
		},
	}
}

func TestPlanEmitsOneSummaryPerEmployee(t *testing.T) {
	t.Parallel()
	src := sameSystem()
	f := build(t, flowConfig("freee-hr", "freee-hr"), src, newTarget("freee-hr"), planned)
	items, err := plan(t, f, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if got := keysOf(items); !slices.Equal(got, []string{"employee/101/2026-10", "employee/102/2026-10"}) {
		t.Fatalf("natural keys %v", got)
	}
	for _, it := range items {
		if it.Err != nil {
			t.Fatalf("item %s: %v", it.NaturalKey, it.Err)
		}
	}
	p := items[0].Payload.(timeclock.Payload)
	if p.Summary != taroSummary {
		t.Errorf("taro's summary:\n got %+v\nwant %+v\ndiff %v", p.Summary, taroSummary, payroll.Reconcile(taroSummary, p.Summary))
	}
	if p.Employee.ID("freee-hr") != "101" || p.Employee.Code != "E001" {
		t.Errorf("payload employee %+v, want id 101 and code E001", p.Employee)
	}
	if s := items[1].Payload.(timeclock.Payload).Summary; s.WorkDays != model.Day || s.WorkedMinutes != 480 || s.NormalMinutes != 480 || s.EmployeeID != "102" {
		t.Errorf("hanako's summary %+v, want one 8-hour day", s)
	}
	for _, it := range items {
		b, err := json.Marshal(it.Payload)
		if err != nil {
			t.Fatal(err)
		}
		for _, private := range []string{"山田", "太郎", "佐藤", "花子", "taro.yamada", "hanako.sato", "example.co.jp", `"name"`, `"email"`} {
			if strings.Contains(string(b), private) {
				t.Errorf("payload %s carries %q", b, private)
			}
		}
	}
}

func TestPlanFetchesFromTheStartOfTheFirstWeek(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		weekStart time.Weekday
		wantFrom  string
	}{
		{"with weeks from Sunday, October 2026 is read from Sunday 27 September", time.Sunday, "2026-09-27"},
		{"with weeks from Monday, it is read from Monday 28 September", time.Monday, "2026-09-28"},
		{"with weeks from Thursday, the week starts with the period", time.Thursday, "2026-10-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := sameSystem()
			cfg := flowConfig("freee-hr", "freee-hr")
			cfg.Period.WeekStart = tc.weekStart
			f := build(t, cfg, src, newTarget("freee-hr"), planned)
			items, err := plan(t, f, "2026-10")
			if err != nil {
				t.Fatal(err)
			}
			if len(src.asked) != 2 {
				t.Fatalf("attendance read %d times, want once per employee", len(src.asked))
			}
			for _, p := range src.asked {
				if p.Start != date(tc.wantFrom) || p.End != date("2026-10-31") {
					t.Errorf("attendance read for %v to %v, want %s to 2026-10-31", p.Start, p.End, tc.wantFrom)
				}
			}
			if s := items[0].Payload.(timeclock.Payload).Summary; s.Period != october {
				t.Errorf("summary period %+v, want October itself", s.Period)
			}
		})
	}
	// With weeks from Sunday, the days before 1 October decide Saturday's overtime.
	f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), newTarget("freee-hr"), planned)
	items, err := plan(t, f, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if s := items[0].Payload.(timeclock.Payload).Summary; s.OvertimeMinutes != 540 || s.LegalWithinOvertimeMinutes != 0 {
		t.Errorf("overtime %d, legal-within %d: want 540 and 0, the week's earlier days counted", s.OvertimeMinutes, s.LegalWithinOvertimeMinutes)
	}
}

func TestPlanReportsOneEmployeesProblemAndGoesOn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		setup   func(*fakeSource)
		wantErr []string
	}{
		{"a missing clock-out names the date and says to fix the clock",
			func(s *fakeSource) {
				s.days["101"] = append(slices.Clone(taroDays), shift(model.Workday, "2026-10-07", "09:00", ""))
			},
			[]string{"2026-10-07", "clock-out", "fix the time clock at freee-hr"}},
		{"an attendance read error is that employee's error",
			func(s *fakeSource) { s.readErr = map[string]error{"101": errors.New("HTTP 500")} },
			[]string{"read time clocks", "HTTP 500"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := sameSystem()
			src.employees = append(src.employees, jiro)
			src.days["103"] = []model.AttendanceDay{shift(model.Workday, "2026-10-02", "09:00", "18:00", "12:00-13:00")}
			tc.setup(src)
			f := build(t, flowConfig("freee-hr", "freee-hr"), src, newTarget("freee-hr"), planned)
			items, err := plan(t, f, "2026-10")
			if err != nil {
				t.Fatalf("Plan = %v; one employee's problem must not stop the others", err)
			}
			if len(items) != 3 {
				t.Fatalf("%d items, want 3", len(items))
			}
			bad := items[0]
			if bad.Err == nil || bad.Payload != nil || bad.NaturalKey != "employee/101/2026-10" {
				t.Fatalf("taro's item %+v: want an error and no delivery", bad)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(bad.Err.Error(), w) {
					t.Errorf("error %q: want it to contain %q", bad.Err, w)
				}
			}
			if strings.Contains(bad.Err.Error(), "山田") || strings.Contains(bad.Err.Error(), "taro.yamada") {
				t.Errorf("error %q names the person", bad.Err)
			}
			for _, it := range items[1:] {
				if it.Err != nil || it.Payload == nil {
					t.Errorf("item %s: %v, want a summary", it.NaturalKey, it.Err)
				}
			}
		})
	}
}

func TestPlanFailsWhenTheEmployeeListFails(t *testing.T) {
	t.Parallel()
	src := sameSystem()
	src.listErr, src.listErrAfter = errors.New("page 2: HTTP 503"), 1
	f := build(t, flowConfig("freee-hr", "freee-hr"), src, newTarget("freee-hr"), planned)
	items, err := plan(t, f, "2026-10")
	if err == nil || !strings.Contains(err.Error(), "list employees of freee-hr") || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("Plan error = %v, want the listing failure", err)
	}
	if len(items) != 1 {
		t.Errorf("%d items before the failure, want the 1 read", len(items))
	}
}

func TestPlanStopsWhenEmitFails(t *testing.T) {
	t.Parallel()
	f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), newTarget("freee-hr"), planned)
	errQueue := errors.New("queue full")
	calls := 0
	_, err := f.Plan(t.Context(), hub.Run{Job: hub.Job{Period: "2026-10"}}, func(hub.Item) error { calls++; return errQueue })
	if !errors.Is(err, errQueue) || calls != 1 {
		t.Errorf("Plan = %v after %d emits, want the emit error after 1", err, calls)
	}
}

func TestPlanRefusesABadPeriodForGood(t *testing.T) {
	t.Parallel()
	f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), newTarget("freee-hr"), planned)
	_, err := plan(t, f, "2026-13")
	if err == nil || !fault.IsPermanent(err) || !strings.Contains(err.Error(), "2026-13") {
		t.Errorf("Plan(2026-13) = %v, want a permanent error naming the label", err)
	}
}

// twoSystems is a company whose time clock (kot) and payroll (freee-hr) number people
// differently.
func twoSystems() (*fakeSource, *listingTarget) {
	src := &fakeSource{conn: "kot", days: map[string][]model.AttendanceDay{}}
	for _, e := range []model.Employee{
		{IDs: map[string]string{"kot": "k1"}, Code: "E001", Name: "山田 太郎", Email: "someone.else@example.co.jp"},
		{IDs: map[string]string{"kot": "k2"}, Code: "K-77", Name: "佐藤 花子", Email: "Hanako.Sato@Example.co.jp"},
		{IDs: map[string]string{"kot": "k3"}, Code: "OLD-3", Name: "鈴木 次郎", Email: "jiro@private.example"},
		{IDs: map[string]string{"kot": "k9"}, Code: "E999", Name: "未登録 三郎", Email: "saburo@example.co.jp"},
	} {
		src.employees = append(src.employees, e)
		src.days[e.ID("kot")] = []model.AttendanceDay{shift(model.Workday, "2026-10-01", "09:00", "18:00", "12:00-13:00")}
	}
	dst := &listingTarget{fakeTarget: newTarget("freee-hr"), employees: []model.Employee{
		{IDs: map[string]string{"freee-hr": "501"}, Code: "E001", Email: "taro.yamada@example.co.jp"},
		{IDs: map[string]string{"freee-hr": "502"}, Code: "E002", Email: "hanako.sato@example.co.jp"},
		{IDs: map[string]string{"freee-hr": "503"}, Code: "E003", Email: "jiro.suzuki@example.co.jp"},
		{IDs: map[string]string{"freee-hr": "504"}, Code: "E004", Email: "someone.else@example.co.jp"},
	}}
	return src, dst
}

func TestPlanMatchesEmployeesAcrossSystems(t *testing.T) {
	t.Parallel()
	src, dst := twoSystems()
	cfg := flowConfig("kot", "freee-hr")
	cfg.Mapping = map[string]any{"overrides": map[string]string{"OLD-3": "E003"}}
	f := build(t, cfg, src, dst, planned)
	items, err := plan(t, f, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		name     string
		wantKey  string
		wantID   string
		wantCode string
	}{
		{"a code known to both systems matches by code, before any email", "employee/501/2026-10", "501", "E001"},
		{"an email matches whatever its case", "employee/502/2026-10", "502", "E002"},
		{"an override maps a source code to the target's", "employee/503/2026-10", "503", "E003"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			it := items[i]
			if it.Err != nil {
				t.Fatalf("item %s: %v", it.NaturalKey, it.Err)
			}
			p := it.Payload.(timeclock.Payload)
			if it.NaturalKey != tc.wantKey || p.Employee.ID("freee-hr") != tc.wantID || p.Summary.EmployeeID != tc.wantID {
				t.Errorf("item %s for %+v (summary of %s), want %s for freee-hr id %s", it.NaturalKey, p.Employee, p.Summary.EmployeeID, tc.wantKey, tc.wantID)
			}
			if p.Employee.Code != tc.wantCode || p.Summary.EmployeeCode != tc.wantCode {
				t.Errorf("codes %q and %q, want the target's %q", p.Employee.Code, p.Summary.EmployeeCode, tc.wantCode)
			}
			if p.Employee.ID("kot") != "" || p.Employee.Email != "" || p.Employee.Name != "" {
				t.Errorf("payload employee %+v: want the target's id only", p.Employee)
			}
		})
	}
	t.Run("an unmatched employee is an error naming code and source id only", func(t *testing.T) {
		t.Parallel()
		it := items[3]
		if it.Err == nil || it.Payload != nil || it.NaturalKey != "employee/k9/2026-10" {
			t.Fatalf("item %+v, want an error keyed by the source id", it)
		}
		msg := it.Err.Error()
		for _, w := range []string{"E999", "k9", "kot", "freee-hr", "override"} {
			if !strings.Contains(msg, w) {
				t.Errorf("error %q: want it to contain %q", msg, w)
			}
		}
		for _, private := range []string{"未登録", "三郎", "saburo"} {
			if strings.Contains(msg, private) {
				t.Errorf("error %q names the person (%q)", msg, private)
			}
		}
	})
}

func TestPlanMatchesOnlyAsConfigured(t *testing.T) {
	t.Parallel()
	src, dst := twoSystems()
	cfg := flowConfig("kot", "freee-hr")
	cfg.Mapping = map[string]any{"match": []string{"email"}}
	f := build(t, cfg, src, dst, planned)
	items, err := plan(t, f, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	// By email only: E001's email belongs to 504 at the target; hanako matches; OLD-3 and
	// E999 have no email there.
	want := []struct {
		key string
		ok  bool
	}{{"employee/504/2026-10", true}, {"employee/502/2026-10", true}, {"employee/k3/2026-10", false}, {"employee/k9/2026-10", false}}
	for i, w := range want {
		if items[i].NaturalKey != w.key || (items[i].Err == nil) != w.ok {
			t.Errorf("item %d: %s (err %v), want %s ok=%v", i, items[i].NaturalKey, items[i].Err, w.key, w.ok)
		}
	}
	if err := items[2].Err; err == nil || !strings.Contains(err.Error(), "by email") {
		t.Errorf("error %v: want it to say how it matched", err)
	}
}

func TestPlanCannotMatchWithoutTheTargetsEmployees(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		target any
		want   string
	}{
		{"a target that cannot list employees fails the plan", newTarget("freee-hr"), "cannot list employees"},
		{"a target whose listing fails fails the plan",
			&listingTarget{fakeTarget: newTarget("freee-hr"), listErr: errors.New("HTTP 401")}, "HTTP 401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src, _ := twoSystems()
			f := build(t, flowConfig("kot", "freee-hr"), src, tc.target, planned)
			if _, err := plan(t, f, "2026-10"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Plan = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func keysOf(items []hub.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.NaturalKey
	}
	return out
}

func TestDeliverPutsTheSummary(t *testing.T) {
	t.Parallel()
	dst := newTarget("freee-hr")
	f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), dst, planned)
	items, err := plan(t, f, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	d := delivery(t, items[0])
	res, err := f.Deliver(t.Context(), d)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref != "summary:101/2026-10" {
		t.Errorf("ref %q, want the target's", res.Ref)
	}
	if got := dst.held["101/2026-10"]; got != taroSummary {
		t.Errorf("target holds %+v, want %+v", got, taroSummary)
	}
	if len(dst.puts) != 1 || dst.puts[0].Name != "" || dst.puts[0].Email != "" {
		t.Errorf("puts %+v: want one, with ids and code only", dst.puts)
	}
}

func TestDeliverErrors(t *testing.T) {
	t.Parallel()
	f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), newTarget("freee-hr"), planned)
	items, err := plan(t, f, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	vendor := fault.Permanentf("freee-hr", "employee is retired")
	for _, tc := range []struct {
		name      string
		payload   json.RawMessage
		putErr    error
		permanent bool
		want      string
	}{
		{"a payload that is not a summary is a permanent error", json.RawMessage(`{"summary":"none"}`), nil, true, "payload"},
		{"the vendor's permanent error stays permanent, with the record named", nil, vendor, true, "employee is retired"},
		{"a transient vendor error stays transient", nil, errors.New("HTTP 502"), false, "put work summary employee/101/2026-10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dst := newTarget("freee-hr")
			dst.putErr = tc.putErr
			f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), dst, planned)
			d := delivery(t, items[0])
			if tc.payload != nil {
				d.Payload = tc.payload
			}
			_, err := f.Deliver(t.Context(), d)
			if err == nil || fault.IsPermanent(err) != tc.permanent || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Deliver = %v (permanent %v), want permanent=%v containing %q", err, fault.IsPermanent(err), tc.permanent, tc.want)
			}
		})
	}
}

func TestReconcileAndRecover(t *testing.T) {
	t.Parallel()
	f0 := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), newTarget("freee-hr"), planned)
	items, err := plan(t, f0, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	d := delivery(t, items[0])
	edited := taroSummary
	edited.OvertimeMinutes, edited.PaidLeaveDays = 600, model.Day/2

	for _, tc := range []struct {
		name       string
		target     func() hub.WorkSummaryTarget
		wantMatch  bool
		wantDiffs  []string
		wantLanded bool
	}{
		{"a target holding exactly the summary matches, and the write has landed",
			func() hub.WorkSummaryTarget {
				t := newTarget("freee-hr")
				t.held["101/2026-10"] = taroSummary
				return t
			}, true, nil, true},
		{"a target holding other totals lists each difference, and the write has not landed",
			func() hub.WorkSummaryTarget {
				t := newTarget("freee-hr")
				t.held["101/2026-10"] = edited
				return t
			}, false, []string{"overtime_minutes: want 540, target has 600", "paid_leave_days: want 1, target has 0.5"}, false},
		{"a target holding no summary has not landed",
			func() hub.WorkSummaryTarget { return newTarget("freee-hr") },
			false, []string{"target holds no summary for this period"}, false},
		{"a target that cannot hand back a field compares what it can",
			func() hub.WorkSummaryTarget {
				t := lossyTarget{newTarget("freee-hr")}
				t.held["101/2026-10"] = taroSummary
				return t
			}, true, nil, true},
		{"without saying what it cannot hand back, the lost field is a difference",
			func() hub.WorkSummaryTarget {
				t := &lossyWithoutComparer{newTarget("freee-hr")}
				t.held["101/2026-10"] = taroSummary
				return t
			}, false, []string{"paid_leave_days: want 1, target has 0"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), tc.target(), planned)
			r, err := f.Reconcile(t.Context(), d)
			if err != nil {
				t.Fatal(err)
			}
			if r.Match != tc.wantMatch || !slices.Equal(r.Differences, tc.wantDiffs) || r.NaturalKey != d.NaturalKey {
				t.Errorf("Reconcile = %+v, want match %v differences %q", r, tc.wantMatch, tc.wantDiffs)
			}
			_, landed, err := f.Recover(t.Context(), d)
			if err != nil || landed != tc.wantLanded {
				t.Errorf("Recover = landed %v, %v; want %v", landed, err, tc.wantLanded)
			}
		})
	}
}

// lossyWithoutComparer loses the paid leave like lossyTarget but does not say so.
type lossyWithoutComparer struct{ *fakeTarget }

func (t *lossyWithoutComparer) GetWorkSummary(ctx context.Context, emp model.Employee, p model.PayPeriod) (model.WorkSummary, bool, error) {
	return lossyTarget(*t).GetWorkSummary(ctx, emp, p)
}

func TestRecoverPassesTargetErrorsOn(t *testing.T) {
	t.Parallel()
	dst := newTarget("freee-hr")
	dst.getErr = errors.New("HTTP 503")
	f := build(t, flowConfig("freee-hr", "freee-hr"), sameSystem(), dst, planned)
	items, err := plan(t, f, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	_, landed, err := f.Recover(t.Context(), delivery(t, items[0]))
	if err == nil || landed || !strings.Contains(err.Error(), "get work summary employee/101/2026-10") {
		t.Errorf("Recover = %v, %v; want the look-up error and not landed", landed, err)
	}
}

func TestResolvePeriod(t *testing.T) {
	t.Parallel()
	// The rule: "" names the latest period whose last day is over in the company's zone.
	// On the closing day itself that period is still running, so it is the one before.
	for _, tc := range []struct {
		name    string
		closing int
		now     time.Time
		label   string
		want    string
		wantErr string
	}{
		{"an explicit month is taken as is", 0, planned, "2026-07", "2026-07", ""},
		{"an explicit month is taken as is with a closing day", 20, planned, "2027-01", "2027-01", ""},
		{"with 末締め, half past midnight on 1 November in Tokyo, October has closed",
			0, time.Date(2026, 11, 1, 0, 30, 0, 0, tokyo), "", "2026-10", ""},
		{"with 末締め, the same instant read in UTC (31 October) still gives October, as Tokyo sees it",
			0, time.Date(2026, 10, 31, 15, 30, 0, 0, time.UTC), "", "2026-10", ""},
		{"with 末締め, late on 31 October in Tokyo, October is still running: September",
			0, time.Date(2026, 10, 31, 23, 59, 0, 0, tokyo), "", "2026-09", ""},
		{"with 末締め, in January the closed period is last year's December",
			0, time.Date(2027, 1, 15, 9, 0, 0, 0, tokyo), "", "2026-12", ""},
		{"with 20日締め, on the 20th of November the period to 20 November is still running: October's (to 20 October)",
			20, time.Date(2026, 11, 20, 12, 0, 0, 0, tokyo), "", "2026-10", ""},
		{"with 20日締め, on the 21st of November the period to 20 November has closed",
			20, time.Date(2026, 11, 21, 0, 0, 0, 0, tokyo), "", "2026-11", ""},
		{"with 20日締め, on 1 January the period to 20 December has closed",
			20, time.Date(2027, 1, 1, 9, 0, 0, 0, tokyo), "", "2026-12", ""},
		{"a month 13 is refused", 0, planned, "2026-13", "", "want YYYY-MM"},
		{"a date is refused", 0, planned, "2026-10-01", "", "want YYYY-MM"},
		{"a single-digit month is refused", 0, planned, "2026-7", "", "want YYYY-MM"},
		{"words are refused", 0, planned, "last month", "", "want YYYY-MM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := flowConfig("freee-hr", "freee-hr")
			cfg.Period.ClosingDay = tc.closing
			f := build(t, cfg, sameSystem(), newTarget("freee-hr"), tc.now)
			got, err := f.ResolvePeriod(tc.label)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.label) {
					t.Errorf("ResolvePeriod(%q) = %q, %v; want an error quoting it and saying %q", tc.label, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ResolvePeriod(%q) = %q, %v; want %q", tc.label, got, err, tc.want)
			}
		})
	}
}

func TestPlanWithoutAPeriodUsesTheLatestClosedOne(t *testing.T) {
	t.Parallel()
	src := sameSystem()
	f := build(t, flowConfig("freee-hr", "freee-hr"), src, newTarget("freee-hr"), time.Date(2026, 11, 1, 0, 30, 0, 0, tokyo))
	items, err := plan(t, f, "")
	if err != nil {
		t.Fatal(err)
	}
	if items[0].NaturalKey != "employee/101/2026-10" {
		t.Errorf("planned %s, want October's", items[0].NaturalKey)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	noPeriod := flowConfig("freee-hr", "freee-hr")
	noPeriod.Period = nil
	badRules := flowConfig("freee-hr", "freee-hr")
	badRules.Period = &config.Period{ClosingDay: 31, PrescribedDailyMinutes: 480}
	for _, tc := range []struct {
		name string
		cfg  config.Flow
		src  any
		dst  any
		want string
	}{
		{"a source that reads no time clocks is refused", flowConfig("slack", "freee-hr"), newTarget("slack"), newTarget("freee-hr"), "source slack does not read time clocks"},
		{"a target that takes neither summaries nor timesheets is refused", flowConfig("freee-hr", "kot"), sameSystem(), sameSystem(), "target kot takes neither monthly work summaries nor timesheets"},
		{"a flow without period rules is refused", noPeriod, sameSystem(), newTarget("freee-hr"), "period rules are required"},
		{"a closing day of 31 is refused", badRules, sameSystem(), newTarget("freee-hr"), "closing_day"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := timeclock.New(hub.FlowEnv{Config: tc.cfg, Source: tc.src, Target: tc.dst, Zone: tokyo})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if ft, ok := hub.LookupFlowType(timeclock.TypeName); !ok || ft.New == nil {
		t.Errorf("the flow type %s is not registered", timeclock.TypeName)
	}
}
