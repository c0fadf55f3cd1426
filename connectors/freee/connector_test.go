package freee

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store/storetest"
)

// connName is deliberately not the vendor name: ids are keyed by connection.
const connName = "freee-main"

var jst = time.FixedZone("JST", 9*60*60)

// setupHR returns a connection built by New against a test server that serves the API under
// /hr and the token endpoint, with api the mux for the API paths.
func setupHR(t *testing.T) (*HR, *http.ServeMux) {
	t.Helper()
	api := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle("/hr/", http.StripPrefix("/hr", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "Bearer access-1")
		api.ServeHTTP(w, r)
	})))
	var issued atomic.Int32
	root.HandleFunc("/public_api/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("refresh_token") != "rt-0" || issued.Add(1) > 1 {
			writeJSON(w, 401, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, 200, map[string]any{"access_token": "access-1", "refresh_token": "rt-1", "expires_in": 21600})
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	v, err := Connector.New(t.Context(), hub.Env{
		Connection: connName,
		BaseURL:    srv.URL + "/hr",
		Settings:   map[string]any{"company_id": 1234, "token_url": srv.URL + "/public_api/token", "requests_per_hour": 3600000},
		Secret:     secrets.New(`{"client_id":"cid","client_secret":"cs","refresh_token":"rt-0"}`),
		Tokens:     &storetest.MemoryTokens{},
		Zone:       jst,
	})
	if err != nil {
		t.Fatal(err)
	}
	hr := v.(*HR)
	// Keep freee's throttle rules but retry in milliseconds, so error paths run fast.
	hr.Client.HTTP = httpx.New(testPolicy())
	return hr, api
}

func TestConnectorIsRegistered(t *testing.T) {
	t.Parallel()
	c, ok := hub.Connectors.Lookup(Vendor)
	if !ok {
		t.Fatal("freee-hr is not registered")
	}
	for _, cp := range []hub.Capability{hub.CapEmployees, hub.CapAttendance, hub.CapWorkSummaryTarget, hub.CapPaidLeaveBalance} {
		if !c.Has(cp) {
			t.Errorf("missing capability %s", cp)
		}
	}
	fields := map[string]config.Field{}
	for _, f := range c.Fields {
		fields[f.Name] = f
	}
	if f := fields["company_id"]; f.Type != config.Int || !f.Required || f.Secret {
		t.Errorf("company_id = %+v", f)
	}
	if f := fields["token_url"]; f.Type != config.URL || f.Default != DefaultTokenURL {
		t.Errorf("token_url = %+v", f)
	}
	if f := fields["requests_per_hour"]; f.Type != config.Int || f.Default != DefaultRequestsPerHour {
		t.Errorf("requests_per_hour = %+v", f)
	}
	for _, name := range []string{"client_id", "client_secret", "refresh_token"} {
		if !fields[name].Secret {
			t.Errorf("%s must be a secret field", name)
		}
	}
	if c.DefaultBaseURL != DefaultBaseURL {
		t.Errorf("DefaultBaseURL = %q", c.DefaultBaseURL)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	good := func() hub.Env {
		return hub.Env{
			Connection: connName,
			Settings:   map[string]any{"company_id": 1234},
			Secret:     secrets.New(`{"client_id":"cid","client_secret":"cs","refresh_token":"rt-0"}`),
			Tokens:     &storetest.MemoryTokens{},
		}
	}
	v, err := Connector.New(t.Context(), good())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.(hub.AttendanceSource); !ok {
		t.Error("New's value is not an AttendanceSource")
	}
	if _, ok := v.(hub.WorkSummaryTarget); !ok {
		t.Error("New's value is not a WorkSummaryTarget")
	}
	if _, ok := v.(hub.LeaveSource); !ok {
		t.Error("New's value is not a LeaveSource")
	}
	if got := v.(*HR).Client.BaseURL.String(); got != DefaultBaseURL+"/" {
		t.Errorf("base URL = %q; want freee's", got)
	}

	tests := []struct {
		name   string
		change func(*hub.Env)
	}{
		{"a missing company_id is refused", func(e *hub.Env) { delete(e.Settings, "company_id") }},
		{"a company_id that is not a number is refused", func(e *hub.Env) { e.Settings["company_id"] = "acme" }},
		{"a fractional company_id is refused", func(e *hub.Env) { e.Settings["company_id"] = 12.5 }},
		{"a negative requests_per_hour is refused", func(e *hub.Env) { e.Settings["requests_per_hour"] = -1 }},
		{"a secret that is not JSON is refused without its value", func(e *hub.Env) { e.Secret = secrets.New("sk-live-123") }},
		{"a secret without a refresh token is refused", func(e *hub.Env) {
			e.Secret = secrets.New(`{"client_id":"cid","client_secret":"sk-live-123"}`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := good()
			tt.change(&env)
			_, err := Connector.New(t.Context(), env)
			if !fault.IsPermanent(err) {
				t.Errorf("err = %v; want Permanent", err)
			}
			if err != nil && strings.Contains(err.Error(), "sk-live-123") {
				t.Errorf("the error leaks the secret: %v", err)
			}
		})
	}
}

func TestHR_Employees(t *testing.T) {
	t.Parallel()
	hr, api := setupHR(t)
	var requests atomic.Int32
	api.HandleFunc("/api/v1/companies/1234/employees", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		testQuery(t, r, url.Values{"limit": {"100"}, "offset": {"0"}})
		fmt.Fprint(w, `[
			{"id":1,"num":"E1","display_name":"在籍","entry_date":"2020-04-01","retire_date":null,"email":"one@example.com","payroll_calculation":true},
			{"id":2,"num":"E2","display_name":"入社前","entry_date":"2026-11-01","retire_date":null,"payroll_calculation":true},
			{"id":3,"num":"E3","display_name":"退職済","entry_date":"2019-04-01","retire_date":"2026-09-30","payroll_calculation":true},
			{"id":4,"num":"E4","display_name":"月中退職","entry_date":"2019-04-01","retire_date":"2026-10-15","payroll_calculation":true},
			{"id":5,"num":"E5","display_name":"対象外","entry_date":"2019-04-01","retire_date":null,"payroll_calculation":false},
			{"id":6,"num":"E6","display_name":"無所属","entry_date":"2019-04-01","retire_date":null,"payroll_calculation":true}
		]`)
	})
	api.HandleFunc("/api/v1/employee_group_memberships", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		q := r.URL.Query()
		// Each is asked on their last day in the period: the month end, or the day they retired.
		switch q.Get("base_date") {
		case "2026-10-31":
			testQuery(t, r, url.Values{"company_id": {"1234"}, "base_date": {"2026-10-31"}, "employee_ids": {"1,6"}, "limit": {"100"}, "offset": {"0"}})
			fmt.Fprint(w, `{"employee_group_memberships":[
				{"id":1,"group_memberships":[
					{"main_duty":"sub_duty","group_id":12,"group_code":"DEV","group_name":"開発部","level":1},
					{"main_duty":"main_duty","group_id":11,"group_code":"SALES","group_name":"営業部","level":1}]},
				{"id":6,"group_memberships":[]}
			],"total_count":2}`)
		case "2026-10-15":
			testQuery(t, r, url.Values{"company_id": {"1234"}, "base_date": {"2026-10-15"}, "employee_ids": {"4"}, "limit": {"100"}, "offset": {"0"}})
			fmt.Fprint(w, `{"employee_group_memberships":[
				{"id":4,"group_memberships":[{"main_duty":"unspecified","group_id":13,"group_code":"ADMIN","group_name":"管理部","level":1}]}
			],"total_count":1}`)
		default:
			t.Errorf("memberships asked on %q; want the period's end or a retirement date within it", q.Get("base_date"))
		}
	})
	period := model.PayPeriod{Year: 2026, Month: 10, Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 31)}
	var got []model.Employee
	for e, err := range hr.Employees(t.Context(), period) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := []model.Employee{
		{IDs: map[string]string{connName: "1"}, Code: "E1", Name: "在籍", Email: "one@example.com", Department: "営業部", Active: true},
		{IDs: map[string]string{connName: "4"}, Code: "E4", Name: "月中退職", Department: "管理部", Active: false},
		{IDs: map[string]string{connName: "6"}, Code: "E6", Name: "無所属", Department: "", Active: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Employees = %+v\nwant %+v", got, want)
	}
	if n := requests.Load(); n != 3 {
		t.Errorf("%d requests; want the page, its memberships on the month end and on the one retirement date", n)
	}
}

// TestHR_Employees_costsOneMembershipCallPerPage walks a company of 250 employees in which
// the second page has nobody on the payroll: three pages of employees, and memberships
// asked for the first and the third only, each for that page's own employees.
func TestHR_Employees_costsOneMembershipCallPerPage(t *testing.T) {
	t.Parallel()
	hr, api := setupHR(t)
	const total = 250
	var companyPages, membershipCalls atomic.Int32
	api.HandleFunc("/api/v1/companies/1234/employees", func(w http.ResponseWriter, r *http.Request) {
		companyPages.Add(1)
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		page := []map[string]any{}
		for i := offset; i < min(offset+PageLimit, total); i++ {
			page = append(page, map[string]any{"id": i + 1, "num": fmt.Sprintf("E%d", i+1), "entry_date": "2020-04-01",
				"payroll_calculation": i < 100 || i >= 200})
		}
		writeJSON(w, 200, page)
	})
	api.HandleFunc("/api/v1/employee_group_memberships", func(w http.ResponseWriter, r *http.Request) {
		membershipCalls.Add(1)
		var page []map[string]any
		ids := strings.Split(r.URL.Query().Get("employee_ids"), ",")
		for _, id := range ids {
			n, _ := strconv.Atoi(id)
			page = append(page, map[string]any{"id": n, "group_memberships": []map[string]any{
				{"main_duty": "main_duty", "group_id": 1 + n%3, "group_name": []string{"営業部", "開発部", "管理部"}[n%3]}}})
		}
		first, _ := strconv.Atoi(ids[0])
		if len(ids) != PageLimit && len(ids) != total-200 || (first != 1 && first != 201) {
			t.Errorf("memberships asked for %d ids from %d; want one page's employees on the payroll", len(ids), first)
		}
		writeJSON(w, 200, map[string]any{"employee_group_memberships": page, "total_count": len(page)})
	})
	period := model.PayPeriod{Year: 2026, Month: 10, Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 31)}

	t.Run("breaking out after the first page fetches nothing more", func(t *testing.T) {
		n := 0
		for _, err := range hr.Employees(t.Context(), period) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 10 {
				break
			}
		}
		if companyPages.Load() != 1 || membershipCalls.Load() != 1 {
			t.Errorf("%d pages and %d membership calls; want 1 and 1", companyPages.Load(), membershipCalls.Load())
		}
	})
	t.Run("the whole company costs one membership call per page with someone on the payroll", func(t *testing.T) {
		companyPages.Store(0)
		membershipCalls.Store(0)
		var n int
		for e, err := range hr.Employees(t.Context(), period) {
			if err != nil {
				t.Fatal(err)
			}
			id, _ := strconv.Atoi(e.ID(connName))
			if want := []string{"営業部", "開発部", "管理部"}[id%3]; e.Department != want {
				t.Errorf("employee %d is in %q; want %q", id, e.Department, want)
			}
			n++
		}
		if n != 150 || companyPages.Load() != 3 || membershipCalls.Load() != 2 {
			t.Errorf("%d employees in %d pages and %d membership calls; want 150 in 3 pages and 2 calls",
				n, companyPages.Load(), membershipCalls.Load())
		}
	})
}

func TestHR_Employees_error(t *testing.T) {
	t.Parallel()
	denied := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 403, map[string]any{"error": "access_denied", "message": "このAPIにアクセスしたい場合、事業所の管理者にご確認ください。", "code": "user_do_not_have_permission"})
	}
	tests := []struct {
		name  string
		serve func(api *http.ServeMux)
	}{
		{"a refused employee list", func(api *http.ServeMux) {
			api.HandleFunc("/api/v1/companies/1234/employees", denied)
		}},
		{"refused memberships", func(api *http.ServeMux) {
			api.HandleFunc("/api/v1/companies/1234/employees", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `[{"id":1,"num":"E1","display_name":"在籍","entry_date":"2020-04-01","payroll_calculation":true}]`)
			})
			api.HandleFunc("/api/v1/employee_group_memberships", denied)
		}},
	}
	period := model.PayPeriod{Year: 2026, Month: 10, Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 31)}
	for _, tt := range tests {
		t.Run(tt.name+" ends the iteration with freee's message", func(t *testing.T) {
			t.Parallel()
			hr, api := setupHR(t)
			tt.serve(api)
			n := 0
			for e, err := range hr.Employees(t.Context(), period) {
				n++
				if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "管理者") || !strings.Contains(err.Error(), "2026-10") {
					t.Errorf("err = %v; want Permanent with freee's message and the period", err)
				}
				if e.Code != "" {
					t.Errorf("yielded employee %s; an employee without their department must not be yielded", e.Code)
				}
			}
			if n != 1 {
				t.Errorf("yielded %d times; an error ends the iteration", n)
			}
		})
	}
}

// TestEmployeesFromTheSandboxCarryTheirDepartments reads a sandbox company of 250: each
// employee carries the main group the sandbox gives them, one taken out of every group has
// none, and each page of employees costs one membership call.
func TestEmployeesFromTheSandboxCarryTheirDepartments(t *testing.T) {
	t.Parallel()
	srv, hr := onSandbox(t, freeetest.Options{Year: 2026, Month: time.April, Employees: 250, RateLimit: freeetest.NoRateLimit, Strict: true})
	const noGroup = 1003
	if err := srv.SetDepartment(noGroup, freeetest.Department{}); err != nil {
		t.Fatal(err)
	}
	first, last := srv.Month()
	period := model.PayPeriod{Year: 2026, Month: time.April, Start: first, End: last}
	n, depts := 0, map[string]int{}
	for e, err := range hr.Employees(t.Context(), period) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		id, _ := strconv.Atoi(e.ID(connName))
		want, ok := srv.Employee(id)
		if !ok {
			t.Fatalf("employee %s is not the sandbox's", e.Code)
		}
		if e.Department != want.Department.Name {
			t.Errorf("employee %s is in %q; the sandbox has them in %q", e.Code, e.Department, want.Department.Name)
		}
		depts[e.Department]++
	}
	if n != 250 {
		t.Fatalf("%d employees; want the sandbox's 250", n)
	}
	if depts[""] != 1 || depts["営業部"] == 0 || depts["開発部"] == 0 || depts["管理部"] == 0 {
		t.Errorf("departments = %v; want the sandbox's, and one employee without", depts)
	}
	req := srv.Requests()
	if req["get_company_employees"] != 3 || req["get_employee_group_memberships"] != 3 {
		t.Errorf("requests = %v; want 3 pages of employees and one membership call for each", req)
	}
}

func TestHR_Attendance(t *testing.T) {
	t.Parallel()
	hr, api := setupHR(t)
	var requests atomic.Int32
	api.HandleFunc("/api/v1/employees/1001/time_clocks", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		testQuery(t, r, url.Values{"company_id": {"1234"}, "from_date": {"2026-09-28"}, "to_date": {"2026-10-31"}, "limit": {"100"}, "offset": {"0"}})
		fmt.Fprint(w, `[
			{"id":1,"date":"2026-09-30","type":"clock_in","datetime":"2026-09-30T09:00:00.000+09:00"},
			{"id":2,"date":"2026-09-30","type":"clock_out","datetime":"2026-09-30T18:00:00.000+09:00"},
			{"id":3,"date":"2026-10-01","type":"clock_in","datetime":"2026-10-01T09:00:00.000+09:00"},
			{"id":5,"date":"2026-10-01","type":"break_end","datetime":"2026-10-01T13:00:00.000+09:00"},
			{"id":4,"date":"2026-10-01","type":"break_begin","datetime":"2026-10-01T12:00:00.000+09:00"},
			{"id":6,"date":"2026-10-01","type":"clock_out","datetime":"2026-10-01T18:00:00.000+09:00"},
			{"id":7,"date":"2026-10-02","type":"clock_in","datetime":"2026-10-02T22:00:00.000+09:00"},
			{"id":8,"date":"2026-10-02","type":"clock_out","datetime":"2026-10-03T02:30:00.000+09:00"},
			{"id":9,"date":"2026-10-03","type":"clock_in","datetime":"2026-10-03T00:00:00.000Z"},
			{"id":10,"date":"2026-10-03","type":"clock_out","datetime":"2026-10-03T12:00:00.000+09:00"},
			{"id":11,"date":"2026-10-03","type":"clock_in","datetime":"2026-10-03T13:00:00.000+09:00"},
			{"id":12,"date":"2026-10-03","type":"clock_out","datetime":"2026-10-03T15:00:00.000+09:00"},
			{"id":13,"date":"2026-10-06","type":"clock_in","datetime":"2026-10-06T14:00:00.000+09:00"},
			{"id":14,"date":"2026-10-06","type":"clock_out","datetime":"2026-10-06T18:00:00.000+09:00"}
		]`)
	})
	api.HandleFunc("/api/v1/employees/1001/work_record_summaries/{year}/{month}", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		testQuery(t, r, url.Values{"company_id": {"1234"}, "work_records": {"true"}})
		switch r.PathValue("year") + "-" + r.PathValue("month") {
		case "2026-10":
			fmt.Fprint(w, `{"year":2026,"month":10,"start_date":"2026-10-01","end_date":"2026-10-31","work_records":[
				{"date":"2026-10-01","day_pattern":"normal_day","is_absence":false,"paid_holidays":[]},
				{"date":"2026-10-03","day_pattern":"prescribed_holiday"},
				{"date":"2026-10-04","day_pattern":"legal_holiday"},
				{"date":"2026-10-05","day_pattern":"normal_day","paid_holidays":[{"type":"full","mins":480,"days":1}]},
				{"date":"2026-10-06","day_pattern":"normal_day","paid_holidays":[{"type":"morning_off","mins":240,"days":0.5}]},
				{"date":"2026-10-07","day_pattern":"normal_day","is_absence":true},
				{"date":"2026-10-08","day_pattern":"normal_day","special_holiday":1},
				{"date":"2026-10-09T00:00:00.000+09:00","day_pattern":"normal_day",
					"work_record_segments":[{"clock_in_at":"2026-10-09T09:00:00.000+09:00","clock_out_at":"2026-10-09T17:00:00.000+09:00"}],
					"break_records":[{"clock_in_at":"2026-10-09T12:00:00.000+09:00","clock_out_at":"2026-10-09T12:45:00.000+09:00"}]}
			]}`)
		case "2026-9":
			fmt.Fprint(w, `{"year":2026,"month":9,"start_date":"2026-09-01","end_date":"2026-09-30","work_records":[
				{"date":"2026-09-27","day_pattern":"legal_holiday"},
				{"date":"2026-09-28","day_pattern":"normal_day"},
				{"date":"2026-09-30","day_pattern":"normal_day"}
			]}`)
		default:
			t.Errorf("unexpected summary %s/%s", r.PathValue("year"), r.PathValue("month"))
			w.WriteHeader(http.StatusNotFound)
		}
	})
	emp := model.Employee{IDs: map[string]string{connName: "1001"}, Code: "E1"}
	period := model.PayPeriod{Year: 2026, Month: 10, Start: model.NewDate(2026, 9, 28), End: model.NewDate(2026, 10, 31)}
	days, err := hr.Attendance(t.Context(), emp, period)
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, hm string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", d+" "+hm, jst)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	iv := func(d, from, to string) model.Interval { return model.Interval{Start: at(d, from), End: at(d, to)} }
	want := []model.AttendanceDay{
		{Date: model.NewDate(2026, 9, 30), Kind: model.Workday, ClockIn: at("2026-09-30", "09:00"), ClockOut: at("2026-09-30", "18:00")},
		{Date: model.NewDate(2026, 10, 1), Kind: model.Workday, ClockIn: at("2026-10-01", "09:00"), ClockOut: at("2026-10-01", "18:00"),
			Breaks: []model.Interval{iv("2026-10-01", "12:00", "13:00")}},
		{Date: model.NewDate(2026, 10, 2), Kind: model.Workday, ClockIn: at("2026-10-02", "22:00"), ClockOut: at("2026-10-03", "02:30")},
		{Date: model.NewDate(2026, 10, 3), Kind: model.PrescribedHoliday, ClockIn: at("2026-10-03", "09:00"), ClockOut: at("2026-10-03", "15:00"),
			Breaks: []model.Interval{iv("2026-10-03", "12:00", "13:00")}},
		{Date: model.NewDate(2026, 10, 5), Kind: model.Workday, Leave: model.PaidLeave, LeaveDays: model.Day},
		{Date: model.NewDate(2026, 10, 6), Kind: model.Workday, ClockIn: at("2026-10-06", "14:00"), ClockOut: at("2026-10-06", "18:00"),
			Leave: model.PaidLeave, LeaveDays: model.Day / 2},
		{Date: model.NewDate(2026, 10, 7), Kind: model.Workday, Leave: model.Absence, LeaveDays: model.Day},
		{Date: model.NewDate(2026, 10, 8), Kind: model.Workday, Leave: model.SpecialLeave, LeaveDays: model.Day},
		{Date: model.NewDate(2026, 10, 9), Kind: model.Workday, ClockIn: at("2026-10-09", "09:00"), ClockOut: at("2026-10-09", "17:00"),
			Breaks: []model.Interval{iv("2026-10-09", "12:00", "12:45")}},
	}
	for i := range want {
		want[i].EmployeeID = "1001"
	}
	if len(days) != len(want) {
		t.Fatalf("got %d days: %v; want %d", len(days), dates(days), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(days[i], want[i]) {
			t.Errorf("day %s:\n got %+v\nwant %+v", want[i].Date, days[i], want[i])
		}
	}
	for _, d := range days {
		if !d.ClockIn.IsZero() && d.ClockIn.Location() != jst {
			t.Errorf("%s: clock-in in %v; want the company zone", d.Date, d.ClockIn.Location())
		}
	}
	if requests.Load() != 3 {
		t.Errorf("requests = %d; want one time-clock page and two summaries", requests.Load())
	}
}

func dates(days []model.AttendanceDay) []string {
	var out []string
	for _, d := range days {
		out = append(out, d.Date.String())
	}
	return out
}

func TestHR_Attendance_errors(t *testing.T) {
	t.Parallel()
	hr, _ := setupHR(t)
	_, err := hr.Attendance(t.Context(), model.Employee{Code: "E9", IDs: map[string]string{"other": "1"}}, model.PayPeriod{Year: 2026, Month: 10})
	if !fault.IsPermanent(err) || !strings.Contains(err.Error(), connName) {
		t.Errorf("err = %v; an employee without a freee id is Permanent", err)
	}

	hr, api := setupHR(t)
	api.HandleFunc("/api/v1/employees/1001/time_clocks", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	_, err = hr.Attendance(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, model.PayPeriod{Year: 2026, Month: 10})
	if err == nil || fault.Classify(err) != fault.KindTransient {
		t.Errorf("err = %v; a 503 is transient", err)
	}
}

func TestHR_PutWorkSummary(t *testing.T) {
	t.Parallel()
	hr, api := setupHR(t)
	var sent map[string]any
	api.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/10", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPut)
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &sent); err != nil {
			t.Error(err)
		}
		fmt.Fprint(w, `{"year":2026,"month":10}`)
	})
	s := model.WorkSummary{
		Period:                       model.PayPeriod{Year: 2026, Month: 10},
		WorkDays:                     2150,
		WorkDaysOnWeekdays:           2050,
		WorkDaysOnPrescribedHolidays: 100,
		WorkDaysOnLegalHolidays:      0,
		WorkedMinutes:                10080,
		NormalMinutes:                9600,
		LegalWithinOvertimeMinutes:   60,
		OvertimeMinutes:              420,
		LateNightMinutes:             90,
		HolidayMinutes:               0,
		PrescribedHolidayMinutes:     240,
		LatenessMinutes:              15,
		EarlyLeavingMinutes:          10,
		AbsenceDays:                  100,
		PaidLeaveDays:                150,
	}
	ref, err := hr.PutWorkSummary(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if ref != "freee-hr:employees/1001/work_record_summaries/2026/10" {
		t.Errorf("ref = %q", ref)
	}
	want := map[string]any{
		"company_id": 1234.0, "work_days": 21.5, "work_days_on_weekdays": 20.5, "work_days_on_prescribed_holidays": 1.0,
		"work_days_on_legal_holidays": 0.0, "total_work_mins": 10080.0, "total_normal_work_mins": 9600.0,
		"total_excess_statutory_work_mins": 60.0, "total_actual_excess_statutory_work_mins": 60.0,
		"total_overtime_work_mins": 420.0, "total_latenight_work_mins": 90.0, "total_holiday_work_mins": 0.0,
		"total_prescribed_holiday_work_mins": 240.0, "num_absences": 1.0, "num_absences_for_deduction": 1.0,
		"num_paid_holidays": 1.5, "total_lateness_mins": 15.0, "total_lateness_mins_for_deduction": 15.0,
		"total_early_leaving_mins": 10.0, "total_early_leaving_mins_for_deduction": 10.0,
		"total_shortage_work_mins": 0.0, "total_deemed_paid_excess_statutory_work_mins": 0.0,
		"total_deemed_paid_overtime_except_normal_work_mins": 0.0,
	}
	if !reflect.DeepEqual(sent, want) {
		t.Errorf("sent %v\nwant %v", sent, want)
	}
	if missing := missingSummaryFields(t, sent); len(missing) > 0 {
		t.Errorf("the PUT omits %v", missing)
	}
}

func TestHR_PutWorkSummary_vendorRefuses(t *testing.T) {
	t.Parallel()
	hr, api := setupHR(t)
	api.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/10", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, map[string]any{"status_code": 400, "errors": []map[string]any{{"type": "bad_request", "messages": []string{"勤怠が締められています。"}}}})
	})
	_, err := hr.PutWorkSummary(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, model.WorkSummary{Period: model.PayPeriod{Year: 2026, Month: 10}})
	var pe *fault.PermanentError
	if !errors.As(err, &pe) || pe.Message != "勤怠が締められています。" {
		t.Errorf("err = %v; want Permanent with freee's message", err)
	}
}

func TestHR_GetWorkSummary(t *testing.T) {
	t.Parallel()
	period := model.PayPeriod{Year: 2026, Month: 10, Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 31)}
	emp := model.Employee{IDs: map[string]string{connName: "1001"}, Code: "E1"}
	tests := []struct {
		name   string
		status int
		body   string
		want   model.WorkSummary
		wantOK bool
	}{
		{"a summary is mapped back", 200, `{"year":2026,"month":10,"work_days":21.5,"total_work_mins":10080,"total_normal_work_mins":9600,
			"total_excess_statutory_work_mins":60,"total_overtime_except_normal_work_mins":400,"total_overtime_within_normal_work_mins":20,
			"total_prescribed_holiday_work_mins":240,"total_holiday_work_mins":30,"total_latenight_work_mins":90,
			"num_absences":1,"num_paid_holidays":1.5,"num_special_holidays_used":0.5,"total_lateness_and_early_leaving_mins":25}`,
			model.WorkSummary{EmployeeID: "1001", EmployeeCode: "E1", Period: period, WorkDays: 2150, WorkedMinutes: 10080, NormalMinutes: 9600,
				LegalWithinOvertimeMinutes: 60, OvertimeMinutes: 420, PrescribedHolidayMinutes: 240, HolidayMinutes: 30, LateNightMinutes: 90,
				AbsenceDays: 100, PaidLeaveDays: 150, SpecialLeaveDays: 50, LatenessMinutes: 25}, true},
		{"an all-zero summary means freee holds nothing", 200, `{"year":2026,"month":10,"work_days":0,"total_work_mins":0}`,
			model.WorkSummary{EmployeeID: "1001", EmployeeCode: "E1", Period: period}, false},
		{"a 404 means freee holds nothing", 404, `{"status_code":404,"errors":[{"type":"not_found","messages":["x"]}]}`, model.WorkSummary{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hr, api := setupHR(t)
			api.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/10", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				testQuery(t, r, url.Values{"company_id": {"1234"}})
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			got, ok, err := hr.GetWorkSummary(t.Context(), emp, period)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, %v\nwant %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestHR_GetWorkSummary_transient(t *testing.T) {
	t.Parallel()
	hr, api := setupHR(t)
	api.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/10", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	_, ok, err := hr.GetWorkSummary(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, model.PayPeriod{Year: 2026, Month: 10})
	if err == nil || ok || fault.Classify(err) != fault.KindTransient {
		t.Errorf("err = %v, ok %v; a 500 is transient, not 'holds nothing'", err, ok)
	}
}
