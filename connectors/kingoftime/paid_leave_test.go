package kingoftime

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/model"
)

// today is the day the tests ask on: noon's date, in November, the month after the
// sandbox's demo month.
var today = model.NewDate(2026, 11, 2)

// onSandbox connects to srv with retries in milliseconds.
func onSandbox(t *testing.T, srv *kingoftimetest.Server, settings map[string]any) *KOT {
	t.Helper()
	k := connect(t, srv, settings)
	k.Client.http = httpx.New(testPolicy())
	return k
}

func TestPaidLeaveFromTheSandboxIsWhatItReports(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, kingoftimetest.Options{})
	k := onSandbox(t, srv, nil)
	leave := srv.Employees()[4]
	if leave.Profile != kingoftimetest.ProfilePaidLeave {
		t.Fatalf("employee 4 is %s; the test wants the paid-leave profile", leave.Profile)
	}
	if err := srv.SetPaidLeaveGrant(leave.Key, 20*model.Day, 150); err != nil {
		t.Fatal(err)
	}
	half, minutes := false, false
	for _, e := range srv.Employees() {
		got, err := k.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{"kot": e.Key}, Code: e.Code}, today)
		if err != nil {
			t.Fatal(err)
		}
		days, _ := srv.PaidLeaveLeft(e.Key, 2026, time.November)
		mins, _ := srv.PaidLeaveMinutesLeft(e.Key, 2026, time.November)
		if want := (model.LeaveBalance{Days: days, Minutes: mins, AsOf: model.NewDate(2026, 11, 30)}); got != want {
			t.Errorf("employee %s: PaidLeave = %+v; the sandbox reports %+v", e.Code, got, want)
		}
		half = half || got.Days%model.Day != 0
		minutes = minutes || got.Minutes != 0
	}
	if !half || !minutes {
		t.Errorf("a half day seen: %v, minutes seen: %v; want both kept", half, minutes)
	}
	n := len(srv.Employees())
	req := srv.Requests()
	if req["GetEmployee"] != n || req["GetMonthlyWorkingHolidayRemained"] != n || req["GetEmployees"] != 0 {
		t.Errorf("requests %v; want one employee and one remaining-leave request per question", req)
	}
}

func TestPaidLeaveFindsTheWorkingTypeByKeyWhenTheCodeDoesNotLeadThere(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, kingoftimetest.Options{})
	k := onSandbox(t, srv, nil)
	e, other := srv.Employees()[4], srv.Employees()[1]
	want, _ := srv.PaidLeaveLeft(e.Key, 2026, time.November)
	for _, tc := range []struct{ name, code string }{
		{"an employee without a code", ""},
		{"a code that now names someone else", other.Code},
		{"a code KOT does not have", "E99999"},
	} {
		got, err := k.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{"kot": e.Key}, Code: tc.code}, today)
		if err != nil || got.Days != want {
			t.Errorf("%s: PaidLeave = %+v, %v; want %v days", tc.name, got, err, want)
		}
	}
	if got := srv.Requests()["GetEmployees"]; got != 3 {
		t.Errorf("the master was read %d times; want once per question", got)
	}
}

func TestPaidLeaveErrorsFromTheSandbox(t *testing.T) {
	t.Parallel()
	t.Run("an employee without a key is Permanent, without a request", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, kingoftimetest.Options{})
		k := onSandbox(t, srv, nil)
		_, err := k.PaidLeave(t.Context(), model.Employee{Code: "E00001", IDs: map[string]string{"other": "x"}}, today)
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "connection kot") || len(srv.Requests()) != 0 {
			t.Errorf("err = %v after %v; want Permanent naming the connection, no request", err, srv.Requests())
		}
	})
	t.Run("a key KOT does not have is Permanent", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, kingoftimetest.Options{})
		k := onSandbox(t, srv, nil)
		_, err := k.PaidLeave(t.Context(), model.Employee{Code: "E00001", IDs: map[string]string{"kot": "no-such-key"}}, today)
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "master") {
			t.Errorf("err = %v; want Permanent saying the master has no such key", err)
		}
	})
	t.Run("a refused token is Permanent and says what to check", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, kingoftimetest.Options{})
		k := onSandbox(t, srv, nil)
		srv.Fail(kingoftimetest.FaultBadToken, 1, "GetMonthlyWorkingHolidayRemained")
		e := srv.Employees()[0]
		_, err := k.PaidLeave(t.Context(), model.Employee{Code: e.Code, IDs: map[string]string{"kot": e.Key}}, today)
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "permitted IP") {
			t.Errorf("err = %v; want Permanent naming what to check", err)
		}
	})
	t.Run("a server error that outlasts the retries is transient", func(t *testing.T) {
		t.Parallel()
		srv := sandbox(t, kingoftimetest.Options{})
		k := onSandbox(t, srv, nil)
		srv.Fail(kingoftimetest.FaultServerError, 5, "GetMonthlyWorkingHolidayRemained")
		e := srv.Employees()[0]
		_, err := k.PaidLeave(t.Context(), model.Employee{Code: e.Code, IDs: map[string]string{"kot": e.Key}}, today)
		if err == nil || fault.Classify(err) != fault.KindTransient {
			t.Errorf("err = %v; want transient", err)
		}
	})
}

func TestPaidLeaveWaitsOutTheRestrictedHoursWhenItHasTime(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 2, 17, 45, 0, 0, jst)}
	srv := sandbox(t, kingoftimetest.Options{Now: clock.Now})
	k := onSandbox(t, srv, nil)
	k.now, k.sleep = clock.Now, clock.Sleep
	e := srv.Employees()[4]
	got, err := k.PaidLeave(t.Context(), model.Employee{Code: e.Code, IDs: map[string]string{"kot": e.Key}}, today)
	want, _ := srv.PaidLeaveLeft(e.Key, 2026, time.November)
	if err != nil || got.Days != want {
		t.Fatalf("PaidLeave = %+v, %v; want %v days", got, err, want)
	}
	if !slices.Equal(clock.Slept(), []time.Duration{45 * time.Minute}) || len(srv.Requests()) != 2 {
		t.Errorf("slept %v, requests %v; want one wait until 18:30, then two requests", clock.Slept(), srv.Requests())
	}
}

func TestPaidLeaveHandsTheRestrictedHoursToTheRuntimeWithoutTimeToWait(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, jst)}
	srv := sandbox(t, kingoftimetest.Options{Now: clock.Now})
	k := onSandbox(t, srv, nil)
	k.now, k.sleep = clock.Now, clock.Sleep
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	e := srv.Employees()[0]
	_, err := k.PaidLeave(ctx, model.Employee{Code: e.Code, IDs: map[string]string{"kot": e.Key}}, today)
	var rl *fault.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour || rl.Scope != ScopeRestrictedHours || len(clock.Slept()) != 0 || len(srv.Requests()) != 0 {
		t.Fatalf("err = %v after sleeping %v and %v; want RateLimited for an hour, no wait, no request", err, clock.Slept(), srv.Requests())
	}
}

func TestPaidLeaveReadsTheMonthWhoseClosingHoldsTheDate(t *testing.T) {
	t.Parallel()
	employee := `{"code":"E1","key":"k1","typeCode":"2","lastName":"a","firstName":"b"}`
	for _, tc := range []struct {
		name string
		on   model.Date
		// rows by month asked
		rows  map[string]string
		want  model.LeaveBalance
		asked []string
	}{
		{"closing at month end: on's month", model.NewDate(2026, 10, 25), map[string]string{
			"2026-10": `[{"date":"2026-10-31","closeDate":31,"employeeKey":"k1","holidayRemained":[{"day":8.5,"minutes":120,"code":1,"name":"有休"},{"day":2,"minutes":0,"code":2,"name":"代休"}]}]`,
		}, model.LeaveBalance{Days: 850, Minutes: 120, AsOf: model.NewDate(2026, 10, 31)}, []string{"2026-10"}},
		{"closing on the 20th, on after it: the next month", model.NewDate(2026, 10, 25), map[string]string{
			"2026-10": `[{"date":"2026-10-20","closeDate":20,"employeeKey":"k1","holidayRemained":[{"day":9,"minutes":0,"code":1,"name":"有休"}]}]`,
			"2026-11": `[{"date":"2026-11-20","closeDate":20,"employeeKey":"k1","holidayRemained":[{"day":8,"minutes":0,"code":1,"name":"有休"}]}]`,
		}, model.LeaveBalance{Days: 800, AsOf: model.NewDate(2026, 11, 20)}, []string{"2026-10", "2026-11"}},
		{"months named by the closing that starts them, on before the previous closing: the month before", model.NewDate(2026, 10, 5), map[string]string{
			"2026-10": `[{"date":"2026-11-20","closeDate":20,"employeeKey":"k1","holidayRemained":[{"day":7,"minutes":0,"code":1,"name":"有休"}]}]`,
			"2026-09": `[{"date":"2026-10-20","closeDate":20,"employeeKey":"k1","holidayRemained":[{"day":7.5,"minutes":0,"code":1,"name":"有休"}]}]`,
		}, model.LeaveBalance{Days: 750, AsOf: model.NewDate(2026, 10, 20)}, []string{"2026-10", "2026-09"}},
		{"a renamed 有休 still counts by its code; a stockpile named 積立有休 does not", model.NewDate(2026, 10, 25), map[string]string{
			"2026-10": `[{"date":"2026-10-31","closeDate":31,"employeeKey":"k0","holidayRemained":[{"day":20,"minutes":0,"code":1,"name":"有休"}]},
				{"date":"2026-10-31","closeDate":31,"employeeKey":"k1","holidayRemained":[{"day":12,"minutes":0,"code":1,"name":"年次有給休暇"},{"day":30,"minutes":0,"code":7,"name":"積立有休"}]}]`,
		}, model.LeaveBalance{Days: 1200, AsOf: model.NewDate(2026, 10, 31)}, []string{"2026-10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, mux := setup(t)
			mux.HandleFunc("/employees/E1", func(w http.ResponseWriter, r *http.Request) {
				testQuery(t, r, map[string][]string{"includeResigner": {"true"}})
				writeJSON(w, 200, employee)
			})
			var mu sync.Mutex
			var asked []string
			mux.HandleFunc("/monthly-workings/holiday-remained/{type}/{month}", func(w http.ResponseWriter, r *http.Request) {
				testAuthorized(t, r)
				if r.PathValue("type") != "2" {
					t.Errorf("working type %s; want the employee's, 2", r.PathValue("type"))
				}
				mu.Lock()
				asked = append(asked, r.PathValue("month"))
				mu.Unlock()
				body, ok := tc.rows[r.PathValue("month")]
				if !ok {
					t.Errorf("unexpected month %s", r.PathValue("month"))
					body = "[]"
				}
				writeJSON(w, 200, body)
			})
			got, err := adapter(client).PaidLeave(t.Context(), model.Employee{Code: "E1", IDs: map[string]string{"kot": "k1"}}, tc.on)
			if err != nil || got != tc.want {
				t.Errorf("PaidLeave = %+v, %v; want %+v", got, err, tc.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(asked, tc.asked) {
				t.Errorf("months asked %v; want %v", asked, tc.asked)
			}
		})
	}
}

func TestPaidLeaveCountsTheCodesLeaveCodesNamesPaid(t *testing.T) {
	t.Parallel()
	row := HolidayRemained{Date: model.NewDate(2026, 10, 31), HolidayRemained: []RemainingLeave{
		{Day: 10, Code: "1", Name: "有休"}, {Day: 2.5, Minutes: 60, Code: "8", Name: "計画有休"}, {Day: 30, Code: "7", Name: "積立有休"},
	}}
	for _, tc := range []struct {
		name    string
		codes   map[string]model.LeaveKind
		days    model.Days
		minutes int
	}{
		{"by default code 1 alone", nil, 1000, 0},
		{"a code leave_codes maps to paid is added", map[string]model.LeaveKind{"8": model.PaidLeave}, 1250, 60},
		{"code 1 mapped elsewhere is left out", map[string]model.LeaveKind{"1": model.SpecialLeave, "8": model.PaidLeave}, 250, 60},
	} {
		k := &KOT{leave: tc.codes}
		if days, minutes := k.annualLeaveLeft(row); days != tc.days || minutes != tc.minutes {
			t.Errorf("%s: %v days %d minutes; want %v and %d", tc.name, days, minutes, tc.days, tc.minutes)
		}
	}
}

func TestPaidLeaveOfAnEmployeeWithoutAWorkingTypeIsPermanent(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/employees/E1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"code":"E1","key":"k1","lastName":"a","firstName":"b"}`)
	})
	_, err := adapter(client).PaidLeave(t.Context(), model.Employee{Code: "E1", IDs: map[string]string{"kot": "k1"}}, today)
	if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "typeCode") {
		t.Errorf("err = %v; want Permanent naming typeCode", err)
	}
}
