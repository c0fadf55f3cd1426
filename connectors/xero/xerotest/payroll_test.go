package xerotest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/model"
)

type timesheetAnswer struct {
	Timesheet wireTimesheet `json:"timesheet"`
}

func timesheetBody(e Employee, start, end string, lines ...map[string]any) map[string]any {
	b := map[string]any{"payrollCalendarID": e.PayrollCalendarID, "employeeID": e.ID, "startDate": start, "endDate": end}
	if len(lines) > 0 {
		b["timesheetLines"] = lines
	}
	return b
}

func lineBody(date, rate, units string) map[string]any {
	return map[string]any{"date": date, "earningsRateID": rate, "numberOfUnits": json.Number(units)}
}

func TestEmployees(t *testing.T) {
	t.Parallel()
	opts := october2026()
	opts.Employees = 130
	s, c := start(t, opts)
	var p1, p2 struct {
		Pagination pagination
		Employees  []wireEmployee
	}
	c.get("/payroll.xro/2.0/Employees", &p1)
	c.get("/payroll.xro/2.0/Employees?page=2", &p2)
	if len(p1.Employees) != 100 || len(p2.Employees) != 30 || p1.Pagination.PageCount != 2 {
		t.Fatalf("pages of %d and %d (%+v); want 100 and 30", len(p1.Employees), len(p2.Employees), p1.Pagination)
	}
	e := s.Employees()[101]
	if got := p2.Employees[1]; got.EmployeeID != e.ID || got.EmployeeNumber != "E00102" || got.Email != "e00102@demo-company.example" {
		t.Fatalf("employee 102 = %+v", got)
	}
	var one struct{ Employee wireEmployee }
	c.get("/payroll.xro/2.0/Employees/"+e.ID, &one)
	if one.Employee.PayrollCalendarID != e.PayrollCalendarID {
		t.Fatalf("employee %+v", one.Employee)
	}
	if res := c.do(http.MethodGet, "/payroll.xro/2.0/Employees/00000000-0000-4000-8000-000000000000", nil); res.status != 404 {
		t.Fatalf("an unknown employee: %d", res.status)
	}
	if res := c.do(http.MethodGet, "/payroll.xro/2.0/Employees?filter=firstName==Ai", nil); res.status != 400 {
		t.Fatalf("a filter the sandbox does not model: %d; want 400", res.status)
	}
	var rates struct{ EarningsRates []wireEarningsRate }
	c.get("/payroll.xro/2.0/EarningsRates", &rates)
	if len(rates.EarningsRates) != 4 || rates.EarningsRates[0].EarningsRateID != s.EarningsRates().Ordinary {
		t.Fatalf("earnings rates %+v", rates.EarningsRates)
	}
	noViolations(t, s)
}

func TestTimesheets(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	e := s.Employees()[0]
	r := s.EarningsRates()
	post := func(body any) response { return c.do(http.MethodPost, "/payroll.xro/2.0/Timesheets", body) }

	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"a period that is not the calendar's month", timesheetBody(e, "2026-10-01", "2026-10-15"), "startDate"},
		{"another employee's calendar", func() map[string]any {
			b := timesheetBody(e, "2026-10-01", "2026-10-31")
			b["payrollCalendarID"] = "216d80e6-af55-47b1-b718-9457c3f5d2fe"
			return b
		}(), "payrollCalendarID"},
		{"an unknown employee", func() map[string]any {
			b := timesheetBody(e, "2026-10-01", "2026-10-31")
			b["employeeID"] = "aad6b292-7b94-408b-93f6-e489867e3fb0"
			return b
		}(), "employeeID"},
		{"a line outside the period", timesheetBody(e, "2026-10-01", "2026-10-31", lineBody("2026-11-01", r.Ordinary, "8")), "date"},
		{"a line of an unknown earnings rate", timesheetBody(e, "2026-10-01", "2026-10-31", lineBody("2026-10-05", "216d80e6-af55-47b1-b718-9457c3f5d2fe", "8")), "earningsRateID"},
		{"a line of more than a day", timesheetBody(e, "2026-10-01", "2026-10-31", lineBody("2026-10-05", r.Ordinary, "25")), "numberOfUnits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if f := payrollReason(t, post(tc.body)); f.Name != tc.field {
				t.Fatalf("invalid field %+v; want %s", f, tc.field)
			}
		})
	}

	res := post(timesheetBody(e, "2026-10-01", "2026-10-31", lineBody("2026-10-05", r.Ordinary, "8"), lineBody("2026-10-06", r.Overtime, "3.5")))
	var created timesheetAnswer
	if res.status != 200 || json.Unmarshal(res.body, &created) != nil || created.Timesheet.Status != "Draft" || created.Timesheet.TotalHours != "11.5000" || len(created.Timesheet.TimesheetLines) != 2 {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	id := created.Timesheet.TimesheetID
	if f := payrollReason(t, post(timesheetBody(e, "2026-10-01", "2026-10-31"))); !strings.Contains(f.Reason, "already exists") {
		t.Fatalf("an overlapping timesheet: %+v", f)
	}

	var list struct{ Timesheets []wireTimesheet }
	c.get("/payroll.xro/2.0/Timesheets?filter=employeeId=="+e.ID+"&startDate=2026-10-01&endDate=2026-10-31", &list)
	if len(list.Timesheets) != 1 || list.Timesheets[0].TimesheetID != id || len(list.Timesheets[0].TimesheetLines) != 0 {
		t.Fatalf("list %+v; want the timesheet without its lines", list.Timesheets)
	}
	c.get("/payroll.xro/2.0/Timesheets?filter=employeeId=="+s.Employees()[1].ID, &list)
	if len(list.Timesheets) != 0 {
		t.Fatalf("another employee's list %+v", list.Timesheets)
	}
	c.get("/payroll.xro/2.0/Timesheets?startDate=2026-10-02", &list)
	if len(list.Timesheets) != 0 {
		t.Fatalf("starting on or after 2 October: %+v", list.Timesheets)
	}
	if res := c.do(http.MethodGet, "/payroll.xro/2.0/Timesheets?filter=name==x", nil); res.status != 400 {
		t.Fatalf("an unknown filter: %d", res.status)
	}

	lineID := created.Timesheet.TimesheetLines[1].TimesheetLineID
	base := "/payroll.xro/2.0/Timesheets/" + id + "/Lines"
	if res := c.do(http.MethodPut, base+"/"+lineID, lineBody("2026-10-06", r.Overtime, "2")); res.status != 200 {
		t.Fatalf("update line: %d %s", res.status, res.body)
	}
	if res := c.do(http.MethodPost, base, lineBody("2026-10-07", r.Ordinary, "7.3333")); res.status != 200 {
		t.Fatalf("add line: %d %s", res.status, res.body)
	}
	res = c.do(http.MethodDelete, base+"/"+created.Timesheet.TimesheetLines[0].TimesheetLineID, nil)
	var deleted wireTimesheetLine
	if res.status != 200 || json.Unmarshal(res.body, &deleted) != nil || deleted.Date != "2026-10-05" {
		t.Fatalf("delete line: %d %s; want the deleted line", res.status, res.body)
	}
	got := s.Timesheets()[0]
	minutes := map[string]int{}
	for _, l := range got.Lines {
		minutes[l.Date.String()] = l.Minutes()
	}
	if len(got.Lines) != 2 || minutes["2026-10-06"] != 120 || minutes["2026-10-07"] != 440 {
		t.Fatalf("lines %+v; want 10-06 2 h and 10-07 7 h 20 min", got.Lines)
	}
	if res := c.do(http.MethodDelete, base+"/00000000-0000-4000-8000-000000000000", nil); res.status != 404 {
		t.Fatalf("an unknown line: %d", res.status)
	}

	if err := s.ApproveTimesheet(id); err != nil {
		t.Fatal(err)
	}
	if f := payrollReason(t, c.do(http.MethodPost, base, lineBody("2026-10-08", r.Ordinary, "8"))); f.Name != "status" {
		t.Fatalf("a line added to an approved timesheet: %+v", f)
	}
	var one timesheetAnswer
	c.get("/payroll.xro/2.0/Timesheets/"+id, &one)
	if one.Timesheet.Status != "Approved" || len(one.Timesheet.TimesheetLines) != 2 {
		t.Fatalf("timesheet %+v", one.Timesheet)
	}
	if err := s.ApproveTimesheet("nope"); err == nil {
		t.Error("approving an unknown timesheet gave no error")
	}
	noViolations(t, s)
}

func TestTimesheetLine_Minutes(t *testing.T) {
	t.Parallel()
	for units, want := range map[string]int{"8": 480, "7.3333": 440, "7.33": 440, "0.5": 30, "x": 0} {
		if got := (TimesheetLine{Units: units, Date: model.NewDate(2026, 10, 5)}).Minutes(); got != want {
			t.Errorf("%s hours = %d minutes; want %d", units, got, want)
		}
	}
}
