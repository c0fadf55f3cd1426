package freeetest

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestUsersMeNamesTheDemoCompanyAsAdmin(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Year: 2026, Month: time.April, CompanyID: 4242})
	var me struct {
		ID        int `json:"id"`
		Companies []struct {
			ID   int    `json:"id"`
			Role string `json:"role"`
		} `json:"companies"`
	}
	c.get("/api/v1/users/me", &me)
	if len(me.Companies) != 1 || me.Companies[0].ID != 4242 || me.Companies[0].Role != "company_admin" {
		t.Errorf("companies = %+v, want company 4242 as company_admin", me.Companies)
	}
	noViolations(t, s)
}

type employeesPage struct {
	Employees []struct {
		ID          int    `json:"id"`
		CompanyID   int    `json:"company_id"`
		Num         string `json:"num"`
		DisplayName string `json:"display_name"`
		EntryDate   string `json:"entry_date"`
		ProfileRule struct {
			Email string `json:"email"`
		} `json:"profile_rule"`
	} `json:"employees"`
	TotalCount int `json:"total_count"`
}

func TestEmployeesListPagesWithTotalCount(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	var p employeesPage
	c.get("/api/v1/employees?company_id=1&year=2026&month=4&limit=10&offset=25", &p)
	if p.TotalCount != 30 || len(p.Employees) != 5 {
		t.Fatalf("total %d, page %d: want 30 and the last 5", p.TotalCount, len(p.Employees))
	}
	want := s.Employees()[25]
	got := p.Employees[0]
	if got.ID != want.ID || got.Num != want.Num || got.ProfileRule.Email != want.Email || got.CompanyID != 1 {
		t.Errorf("first of page = %+v, want %+v", got, want)
	}
	noViolations(t, s)
}

func TestEmployeesListLeavesOutThoseWhoJoinedAfterTheMonth(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	employees := s.Employees()
	slices.SortFunc(employees, func(a, b Employee) int { return a.EntryDate.Compare(b.EntryDate) })
	cut := employees[len(employees)/2].EntryDate // half the company had joined by then
	want := 0
	for _, e := range employees {
		if !e.EntryDate.After(model.NewDate(cut.Year, cut.Month+1, 0)) {
			want++
		}
	}
	var p employeesPage
	c.get(fmt.Sprintf("/api/v1/employees?company_id=1&year=%d&month=%d&limit=100", cut.Year, cut.Month), &p)
	if p.TotalCount != want || len(p.Employees) != want {
		t.Errorf("employees in %d-%02d: total %d, listed %d, want %d", cut.Year, cut.Month, p.TotalCount, len(p.Employees), want)
	}
	noViolations(t, s)
}

func TestCompanyEmployeesIsABareArrayPagedUntilAShortPage(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	var ids []int
	for offset := 0; ; offset += 7 {
		var page []struct {
			ID    int    `json:"id"`
			Email string `json:"email"`
		}
		c.get(fmt.Sprintf("/api/v1/companies/1/employees?limit=7&offset=%d", offset), &page)
		for _, e := range page {
			ids = append(ids, e.ID)
		}
		if len(page) < 7 {
			break
		}
	}
	var want []int
	for _, e := range s.Employees() {
		want = append(want, e.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	noViolations(t, s)
}

func TestGroupMembershipsGiveEachEmployeesDepartment(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	var p struct {
		Memberships []struct {
			ID     int `json:"id"`
			Groups []struct {
				GroupName string `json:"group_name"`
			} `json:"group_memberships"`
		} `json:"employee_group_memberships"`
		TotalCount int `json:"total_count"`
	}
	c.get("/api/v1/employee_group_memberships?company_id=1&base_date=2026-04-30&employee_ids=1001,1003", &p)
	if p.TotalCount != 2 || len(p.Memberships) != 2 {
		t.Fatalf("got %d of %d, want the 2 asked for", len(p.Memberships), p.TotalCount)
	}
	for _, m := range p.Memberships {
		e, _ := s.Employee(m.ID)
		if len(m.Groups) != 1 || m.Groups[0].GroupName != e.Department.Name {
			t.Errorf("employee %d groups = %+v, want %s", m.ID, m.Groups, e.Department.Name)
		}
	}
	noViolations(t, s)
}

// membershipsWire is the part of employee_group_memberships' answer the tests read.
type membershipsWire struct {
	Memberships []struct {
		ID     int `json:"id"`
		Groups []struct {
			MainDuty  string `json:"main_duty"`
			GroupID   int    `json:"group_id"`
			GroupCode string `json:"group_code"`
			GroupName string `json:"group_name"`
		} `json:"group_memberships"`
	} `json:"employee_group_memberships"`
	TotalCount int `json:"total_count"`
}

func TestGroupMembershipsPageThroughTheWholeCompany(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	var ids []int
	for offset := 0; ; offset += 7 {
		var p membershipsWire
		c.get(fmt.Sprintf("/api/v1/employee_group_memberships?company_id=1&base_date=2026-04-30&limit=7&offset=%d", offset), &p)
		if p.TotalCount != len(s.Employees()) {
			t.Fatalf("total_count = %d; want every one of the %d employees", p.TotalCount, len(s.Employees()))
		}
		for _, m := range p.Memberships {
			ids = append(ids, m.ID)
		}
		if len(p.Memberships) < 7 {
			break
		}
	}
	var want []int
	for _, e := range s.Employees() {
		want = append(want, e.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	noViolations(t, s)
}

func TestSetDepartmentMovesAnEmployeeOrTakesThemOutOfEveryGroup(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	moved := Department{ID: 201, Code: "LEGAL", Name: "法務部"}
	if err := s.SetDepartment(normalID, moved); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDepartment(overtimeID, Department{}); err != nil {
		t.Fatal(err)
	}
	unchanged, _ := s.Employee(lateNightID)

	var p membershipsWire
	c.get(fmt.Sprintf("/api/v1/employee_group_memberships?company_id=1&base_date=2026-04-30&employee_ids=%d,%d,%d", lateNightID, overtimeID, normalID), &p)
	if len(p.Memberships) != 3 {
		t.Fatalf("got %d employees; want the 3 asked for", len(p.Memberships))
	}
	groups := map[int]string{}
	for _, m := range p.Memberships {
		switch {
		case len(m.Groups) == 0:
			groups[m.ID] = ""
		case len(m.Groups) == 1 && m.Groups[0].MainDuty == "main_duty":
			groups[m.ID] = fmt.Sprintf("%d %s %s", m.Groups[0].GroupID, m.Groups[0].GroupCode, m.Groups[0].GroupName)
		default:
			t.Errorf("employee %d groups = %+v; want one main duty at most", m.ID, m.Groups)
		}
	}
	want := map[int]string{
		normalID:    "201 LEGAL 法務部",
		overtimeID:  "",
		lateNightID: fmt.Sprintf("%d %s %s", unchanged.Department.ID, unchanged.Department.Code, unchanged.Department.Name),
	}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("groups = %v; want %v", groups, want)
	}
	if e, _ := s.Employee(normalID); e.Department != moved {
		t.Errorf("Employee(%d).Department = %+v; want the one set, %+v", normalID, e.Department, moved)
	}
	if e := s.Employees()[overtimeID-firstEmployeeID]; e.Department != (Department{}) {
		t.Errorf("Employees()[%d].Department = %+v; want none", overtimeID, e.Department)
	}
	noViolations(t, s)

	t.Run("a department without a name or id is refused", func(t *testing.T) {
		for _, d := range []Department{{ID: 5, Code: "X"}, {Code: "X", Name: "総務部"}, {ID: -1, Name: "総務部"}} {
			if err := s.SetDepartment(normalID, d); err == nil || !strings.Contains(err.Error(), "zero Department") {
				t.Errorf("SetDepartment(%+v) = %v; want an error that says what is allowed", d, err)
			}
		}
	})
	t.Run("an employee the company does not have is refused", func(t *testing.T) {
		if err := s.SetDepartment(wrongCompany, moved); err == nil || !strings.Contains(err.Error(), "999") {
			t.Errorf("SetDepartment(999) = %v; want an error naming the id", err)
		}
	})
}

type timeClockWire struct {
	ID       int    `json:"id"`
	Date     string `json:"date"`
	Type     string `json:"type"`
	Datetime string `json:"datetime"`
}

func TestTimeClocksOfAShiftPastMidnightBelongToTheDayItStarted(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	var clocks []timeClockWire
	c.get(fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-04-16&to_date=2026-04-16", lateNightID), &clocks)
	want := []timeClockWire{
		{Date: "2026-04-16", Type: "clock_in", Datetime: "2026-04-16T09:00:00.000+09:00"},
		{Date: "2026-04-16", Type: "break_begin", Datetime: "2026-04-16T12:00:00.000+09:00"},
		{Date: "2026-04-16", Type: "break_end", Datetime: "2026-04-16T13:00:00.000+09:00"},
		{Date: "2026-04-16", Type: "break_begin", Datetime: "2026-04-16T18:00:00.000+09:00"},
		{Date: "2026-04-16", Type: "break_end", Datetime: "2026-04-16T18:30:00.000+09:00"},
		{Date: "2026-04-16", Type: "clock_out", Datetime: "2026-04-17T01:30:00.000+09:00"},
	}
	for i := range clocks {
		clocks[i].ID = 0
	}
	if !slices.Equal(clocks, want) {
		t.Errorf("clocks =\n%+v\nwant\n%+v", clocks, want)
	}
	noViolations(t, s)
}

func TestTimeClocksPageThroughTheMonthInTimeOrder(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	var all []timeClockWire
	const limit = 25
	for offset := 0; ; offset += limit {
		var page []timeClockWire
		// No dates: freee's default range, here the demo month.
		c.get(fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&limit=%d&offset=%d", lateNightID, limit, offset), &page)
		all = append(all, page...)
		if len(page) < limit {
			break
		}
	}
	want := 0
	for d := model.NewDate(2026, time.April, 1); d.Month == time.April; d = d.AddDays(1) {
		day, _ := s.Attendance(lateNightID, d)
		want += len(day.clocks())
	}
	if len(all) != want || want <= limit {
		t.Fatalf("got %d clocks, want %d (more than one page)", len(all), want)
	}
	ids := map[int]bool{}
	for i, cl := range all {
		if ids[cl.ID] {
			t.Errorf("id %d repeats", cl.ID)
		}
		ids[cl.ID] = true
		if i > 0 {
			prev, _ := time.Parse(time.RFC3339, all[i-1].Datetime)
			cur, _ := time.Parse(time.RFC3339, cl.Datetime)
			if !cur.After(prev) {
				t.Errorf("clock %d at %s is not after %s", i, cl.Datetime, all[i-1].Datetime)
			}
		}
	}
	noViolations(t, s)
}

func TestTimeClocksOutsideTheEmployeesDataAreEmpty(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	e, _ := s.Employee(normalID)
	before := e.EntryDate.AddDays(-10)
	tests := []struct{ name, from, to string }{
		{"before the employee joined", before.String(), e.EntryDate.AddDays(-1).String()},
		{"after the demo month", "2026-05-01", "2026-05-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var clocks []timeClockWire
			res := c.get(fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=%s&to_date=%s", normalID, tt.from, tt.to), &clocks)
			if len(clocks) != 0 || string(res.body) != "[]" {
				t.Errorf("body = %s, want []", res.body)
			}
		})
	}
	noViolations(t, s)
}

type workRecordWire struct {
	Date         string  `json:"date"`
	DayPattern   string  `json:"day_pattern"`
	ClockInAt    *string `json:"clock_in_at"`
	ClockOutAt   *string `json:"clock_out_at"`
	IsAbsence    bool    `json:"is_absence"`
	BreakRecords []struct {
		ClockInAt string `json:"clock_in_at"`
	} `json:"break_records"`
	PaidHolidays []struct {
		Type string  `json:"type"`
		Mins int     `json:"mins"`
		Days float64 `json:"days"`
	} `json:"paid_holidays"`
	LatenessMins      int `json:"lateness_mins"`
	HolidayMins       int `json:"total_holiday_work_mins"`
	PrescribedHoliday int `json:"total_prescribed_holiday_work_mins"`
	LatenightMins     int `json:"total_latenight_work_mins"`
	OvertimeMins      int `json:"total_overtime_except_normal_work_mins"`
	ExcessStatutory   int `json:"total_excess_statutory_work_mins"`
}

func TestWorkRecordsDescribeEachKindOfDay(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	tests := []struct {
		name  string
		id    int
		date  string
		check func(t *testing.T, w workRecordWire)
	}{
		{"a full day of paid leave has no punches", paidLeaveID, "2026-04-13", func(t *testing.T, w workRecordWire) {
			if w.ClockInAt != nil || len(w.PaidHolidays) != 1 || w.PaidHolidays[0].Type != "full" || w.PaidHolidays[0].Days != 1 || w.PaidHolidays[0].Mins != 480 {
				t.Errorf("record = %+v", w)
			}
		}},
		{"a half day of paid leave starts work at 14:00 without lateness", paidLeaveID, "2026-04-15", func(t *testing.T, w workRecordWire) {
			if w.ClockInAt == nil || *w.ClockInAt != "2026-04-15T14:00:00.000+09:00" || w.LatenessMins != 0 ||
				len(w.PaidHolidays) != 1 || w.PaidHolidays[0].Type != "half" || w.PaidHolidays[0].Days != 0.5 {
				t.Errorf("record = %+v", w)
			}
		}},
		{"an absence is marked", absenceID, "2026-04-17", func(t *testing.T, w workRecordWire) {
			if !w.IsAbsence || w.ClockInAt != nil {
				t.Errorf("record = %+v", w)
			}
		}},
		{"a worked Sunday is legal-holiday work", weekendID, "2026-04-12", func(t *testing.T, w workRecordWire) {
			// 10:00–16:00 less a 45-minute break
			if w.DayPattern != "legal_holiday" || w.HolidayMins != 315 || w.OvertimeMins != 0 {
				t.Errorf("record = %+v", w)
			}
		}},
		{"a worked Saturday after a full week is all overtime", weekendID, "2026-04-04", func(t *testing.T, w workRecordWire) {
			// 9:00–13:00 on the Saturday that ends the week of 29 March–4 April
			if w.DayPattern != "prescribed_holiday" || w.PrescribedHoliday != 240 || w.OvertimeMins != 240 || w.ExcessStatutory != 0 {
				t.Errorf("record = %+v", w)
			}
		}},
		{"a shift to 01:30 has late-night overtime", lateNightID, "2026-04-16", func(t *testing.T, w workRecordWire) {
			// 9:00–01:30 less 1 h 30 of breaks: 15 h worked, 7 h overtime, 22:00–01:30 late night
			if w.OvertimeMins != 420 || w.LatenightMins != 210 || len(w.BreakRecords) != 2 {
				t.Errorf("record = %+v", w)
			}
		}},
		{"a weekday off the books is an empty normal day", normalID, "2026-05-01", func(t *testing.T, w workRecordWire) {
			if w.DayPattern != "normal_day" || w.ClockInAt != nil || w.Date != "2026-05-01T00:00:00.000+09:00" {
				t.Errorf("record = %+v", w)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w workRecordWire
			c.get(fmt.Sprintf("/api/v1/employees/%d/work_records/%s?company_id=1", tt.id, tt.date), &w)
			tt.check(t, w)
		})
	}
	noViolations(t, s)
}

type summaryWire struct {
	Year                  int              `json:"year"`
	Month                 int              `json:"month"`
	StartDate             string           `json:"start_date"`
	EndDate               string           `json:"end_date"`
	WorkDays              float64          `json:"work_days"`
	TotalWorkMins         int              `json:"total_work_mins"`
	TotalNormalWorkMins   int              `json:"total_normal_work_mins"`
	TotalOvertime         int              `json:"total_overtime_except_normal_work_mins"`
	TotalExcessStatutory  int              `json:"total_excess_statutory_work_mins"`
	TotalHoliday          int              `json:"total_holiday_work_mins"`
	TotalLatenight        int              `json:"total_latenight_work_mins"`
	NumAbsences           float64          `json:"num_absences"`
	NumPaidHolidays       float64          `json:"num_paid_holidays"`
	LatenessEarlyLeaving  int              `json:"total_lateness_and_early_leaving_mins"`
	TotalShortageWorkMins *int             `json:"total_shortage_work_mins"`
	WorkRecords           []workRecordWire `json:"work_records"`
}

func TestSummaryIsComputedFromTheDaysUntilWritten(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	tests := []struct {
		name string
		id   int
		want summaryWire
	}{
		{"a normal month is 22 days of 8 hours", normalID, summaryWire{
			WorkDays: 22, TotalWorkMins: 22 * 480, TotalNormalWorkMins: 22 * 480}},
		{"nine long days add 27 hours of overtime", overtimeID, summaryWire{
			// Tuesdays 7, 14, 21, 28 and Thursdays 2, 9, 16, 23, 30 end at 21:00
			WorkDays: 22, TotalWorkMins: 22*480 + 9*180, TotalNormalWorkMins: 22 * 480, TotalOvertime: 9 * 180}},
		{"leave days are counted, not worked", paidLeaveID, summaryWire{
			WorkDays: 21, TotalWorkMins: 20*480 + 240, TotalNormalWorkMins: 20*480 + 240, NumPaidHolidays: 1.5}},
		{"an absence is counted, not worked", absenceID, summaryWire{
			WorkDays: 21, TotalWorkMins: 21 * 480, TotalNormalWorkMins: 21 * 480, NumAbsences: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got summaryWire
			c.get(fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/4?company_id=1", tt.id), &got)
			want := tt.want
			want.Year, want.Month, want.StartDate, want.EndDate = 2026, 4, "2026-04-01", "2026-04-30"
			if got.WorkRecords != nil || got.TotalShortageWorkMins != nil {
				t.Errorf("work_records or shortage present without being asked for: %+v", got)
			}
			got.WorkRecords, got.TotalShortageWorkMins = nil, nil
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("summary =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
	noViolations(t, s)
}

func TestSummaryWithWorkRecordsListsEveryDayOfTheMonth(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	var got summaryWire
	c.get(fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/4?company_id=1&work_records=true", weekendID), &got)
	if len(got.WorkRecords) != 30 {
		t.Fatalf("%d work records, want 30", len(got.WorkRecords))
	}
	for i, w := range got.WorkRecords {
		if want := fmt.Sprintf("2026-04-%02dT00:00:00.000+09:00", i+1); w.Date != want {
			t.Errorf("record %d date = %s, want %s", i, w.Date, want)
		}
	}
	if got.WorkRecords[11].DayPattern != "legal_holiday" || got.WorkRecords[11].ClockInAt == nil {
		t.Errorf("12 April = %+v, want worked legal holiday", got.WorkRecords[11])
	}
	noViolations(t, s)
}

func TestPutSummaryReplacesEveryFieldOmittedOnesBecomeZero(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	path := fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/4", overtimeID)
	full := map[string]any{
		"company_id": 1, "work_days": 22, "work_days_on_weekdays": 22, "total_work_mins": 12180,
		"total_normal_work_mins": 10560, "total_overtime_work_mins": 1620, "total_latenight_work_mins": 30,
		"num_paid_holidays": 0.5, "total_lateness_mins": 5, "total_early_leaving_mins": 7,
	}
	if res := c.do(http.MethodPut, path, full); res.status != http.StatusOK {
		t.Fatalf("first PUT: %d %s", res.status, res.body)
	}
	first, ok := s.Summary(overtimeID, 2026, time.April)
	if !ok || first.TotalOvertimeWorkMins != 1620 || first.NumPaidHolidays != model.Day/2 || first.TotalLatenessMins != 5 {
		t.Fatalf("after first PUT: %+v", first)
	}
	var echoed summaryWire
	if res := c.do(http.MethodPut, path, map[string]any{"company_id": 1, "work_days": 21}); res.status != http.StatusOK {
		t.Fatalf("second PUT: %d %s", res.status, res.body)
	}
	second, _ := s.Summary(overtimeID, 2026, time.April)
	if second != (Summary{CompanyID: 1, WorkDays: 21 * model.Day}) {
		t.Errorf("after second PUT = %+v, want only work_days 21", second)
	}
	c.get(path+"?company_id=1", &echoed)
	if echoed.WorkDays != 21 || echoed.TotalWorkMins != 0 || echoed.TotalOvertime != 0 || echoed.LatenessEarlyLeaving != 0 ||
		echoed.TotalShortageWorkMins == nil || *echoed.TotalShortageWorkMins != 0 {
		t.Errorf("GET after second PUT = %+v, want zeros but work_days", echoed)
	}
	if n := s.PutCount(overtimeID, 2026, time.April); n != 2 {
		t.Errorf("PutCount = %d, want 2", n)
	}
	if n := s.PutCount(overtimeID, 2026, time.May); n != 0 {
		t.Errorf("PutCount of another month = %d, want 0", n)
	}
	noViolations(t, s)
}

func TestRequestsForMissingThingsAreRefused(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
	}{
		{"an unknown employee is 404", http.MethodGet, "/api/v1/employees/99999/work_records/2026-04-01?company_id=1", nil, http.StatusNotFound},
		{"another company's employees are 403", http.MethodGet, fmt.Sprintf("/api/v1/companies/%d/employees", wrongCompany), nil, http.StatusForbidden},
		{"a PUT for another company is 403", http.MethodPut, fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/4", normalID), map[string]any{"company_id": wrongCompany}, http.StatusForbidden},
		{"an operation the sandbox does not serve is 501", http.MethodGet, "/api/v1/groups?company_id=1", nil, http.StatusNotImplemented},
		{"a path hr.json does not have is 404", http.MethodGet, "/api/v1/nothing", nil, http.StatusNotFound},
		{"to_date before from_date is 400", http.MethodGet, fmt.Sprintf("/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-04-10&to_date=2026-04-01", normalID), nil, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.do(tt.method, tt.path, tt.body)
			if res.status != tt.status {
				t.Errorf("status = %d %s, want %d", res.status, res.body, tt.status)
			}
		})
	}
	if n := s.PutCount(normalID, 2026, time.April); n != 0 {
		t.Errorf("a refused PUT counted: %d", n)
	}
	noViolations(t, s)
}

func TestRequestsAreCountedByOperationAndAnnounced(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []string
	)
	opts := april2026()
	opts.OnRequest = func(op string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, op)
	}
	s, c := start(t, opts)
	c.do(http.MethodGet, "/api/v1/users/me", nil)
	c.do(http.MethodGet, "/api/v1/users/me", nil)
	c.do(http.MethodGet, "/api/v1/employees?company_id=1", nil) // 400: still counted
	want := map[string]int{"get_users_me": 2, "get_employees": 1}
	if got := s.Requests(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Requests() = %v, want %v", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, []string{"get_users_me", "get_users_me", "get_employees"}) {
		t.Errorf("OnRequest saw %v", seen)
	}
}
