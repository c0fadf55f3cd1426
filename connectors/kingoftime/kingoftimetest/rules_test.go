package kingoftimetest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRangeRules(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	key := srv.Employees()[0].Key
	for _, tc := range []struct {
		name   string
		path   string
		status int
		says   string
	}{
		{"62 days counted inclusively are served", "/daily-workings?start=2026-09-01&end=2026-11-01", http.StatusOK, ""},
		{"63 days are refused", "/daily-workings?start=2026-09-01&end=2026-11-02", http.StatusBadRequest, "最大62日"},
		{"63 days of time records are refused too", "/daily-workings/timerecord?start=2026-09-01&end=2026-11-02", http.StatusBadRequest, "最大62日"},
		{"a start without an end is refused", "/daily-workings?start=2026-10-01", http.StatusBadRequest, "同時に"},
		{"an end before the start is refused", "/daily-workings?start=2026-10-02&end=2026-10-01", http.StatusBadRequest, "startより前"},
		{"a start more than three years back is refused", "/daily-workings?start=2023-11-01&end=2023-11-02", http.StatusBadRequest, "3年前"},
		{"an end more than a year ahead is refused", "/daily-workings?start=2027-11-02&end=2027-11-03", http.StatusBadRequest, "1年後"},
		{"employeeKeys with division are refused", "/daily-workings/timerecord?start=2026-10-01&end=2026-10-01&division=1000&employeeKeys=" + key, http.StatusBadRequest, "division"},
		{"no range means today", "/daily-workings", http.StatusOK, ""},
		{"a master date more than three years back is refused", "/employees?date=2023-01-01", http.StatusBadRequest, "3年前"},
		{"a single day more than a year ahead is refused", "/daily-workings/2028-01-01", http.StatusBadRequest, "1年後"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := get(t, srv, tc.path)
			if a.status != tc.status {
				t.Fatalf("GET %s = %d %s; want %d", tc.path, a.status, a.body, tc.status)
			}
			if tc.says != "" {
				if code, msg := a.kotError(t); code != CodeInvalidRequest || !strings.Contains(msg, tc.says) {
					t.Fatalf("error = %d %q; want code %d saying %q", code, msg, CodeInvalidRequest, tc.says)
				}
			}
		})
	}
	var today []wireDay[wireDailyWorking]
	get(t, srv, "/daily-workings").decode(t, &today)
	if len(today) != 1 || today[0].Date != "2026-11-02" {
		t.Fatalf("no range gave %+v; want the sandbox's today, 2026-11-02", today)
	}
}

func TestTheValidatorRejectsWrongRequests(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	key := srv.Employees()[0].Key
	for _, tc := range []struct {
		name, method, path string
		body               any
		op                 string
	}{
		{"an additional field the operation does not have", http.MethodGet, "/employees?additionalFields=salary", nil, "GetEmployees"},
		{"a date in the wrong format", http.MethodGet, "/daily-workings?start=2026/10/01&end=2026/10/02", nil, "GetDailyWorkings"},
		{"a full date where KOT wants YYYY-MM", http.MethodGet, "/monthly-workings/2026-10-01", nil, "GetMonthlyWorking"},
		{"a month that does not exist", http.MethodGet, "/monthly-workings/holiday-remained/1/2026-13", nil, "GetMonthlyWorkingHolidayRemained"},
		{"a boolean that is not one", http.MethodGet, "/employees?includeResigner=yes", nil, "GetEmployees"},
		{"a punch without its time", http.MethodPost, "/daily-workings/timerecord/" + key, map[string]any{"date": "2026-11-02"}, "RegisterDailyWorkingTimerecord"},
		{"a punch time without seconds", http.MethodPost, "/daily-workings/timerecord/" + key, map[string]any{"date": "2026-11-02", "time": "2026-11-02T09:00+09:00"}, "RegisterDailyWorkingTimerecord"},
		{"a punch type KOT does not have", http.MethodPost, "/daily-workings/timerecord/" + key, map[string]any{"date": "2026-11-02", "time": "2026-11-02T09:00:00+09:00", "code": "5"}, "RegisterDailyWorkingTimerecord"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := do(t, srv, tc.method, tc.path, DefaultToken, tc.body)
			if code, _ := a.kotError(t); a.status != http.StatusBadRequest || code != CodeInvalidRequest {
				t.Fatalf("%s %s = %d %s; want 400 with code %d", tc.method, tc.path, a.status, a.body, CodeInvalidRequest)
			}
			path, _, _ := strings.Cut(tc.path, "?")
			found := false
			for _, v := range srv.Violations() {
				found = found || (v.Side == RequestSide && v.Op == tc.op && v.Path == apiPrefix+path)
			}
			if !found {
				t.Fatalf("no request violation recorded for %s %s among %v", tc.method, path, srv.Violations())
			}
		})
	}
}

func TestTheValidatorCatchesABrokenResponse(t *testing.T) {
	t.Parallel()
	for _, strict := range []bool{false, true} {
		srv := New(Options{Employees: 3, Year: 2026, Month: time.October, Strict: strict, Now: func() time.Time { return noon }})
		srv.mutateResponse = func(op string, rep *reply) {
			if op == "GetEmployees" {
				// Drop the key every employee must have.
				rep.body = []byte(strings.ReplaceAll(string(rep.body), `"key":`, `"kee":`))
			}
		}
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		a := get(t, srv, "/employees")
		srv.Close()
		v := srv.Violations()
		if len(v) != 1 || v[0].Side != ResponseSide || v[0].Op != "GetEmployees" || !strings.Contains(v[0].Err, "key") {
			t.Fatalf("strict=%v: violations = %v; want the response without key", strict, v)
		}
		if want := map[bool]int{false: 200, true: 500}[strict]; a.status != want {
			t.Fatalf("strict=%v: status %d; want %d", strict, a.status, want)
		}
	}
}

func TestRestrictedHours(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 9, 0, 0, 0, jst))
	srv := start(t, Options{Now: clock.Now})
	key := srv.Employees()[0].Key
	for _, tc := range []struct {
		name   string
		at     time.Time
		method string
		path   string
		body   any
		status int
	}{
		{"a read at 09:00 is refused", time.Date(2026, 11, 2, 9, 0, 0, 0, jst), http.MethodGet, "/employees", nil, http.StatusForbidden},
		{"a read at 08:30 is refused", time.Date(2026, 11, 2, 8, 30, 0, 0, jst), http.MethodGet, "/daily-workings", nil, http.StatusForbidden},
		{"a read at 17:45 is refused", time.Date(2026, 11, 2, 17, 45, 0, 0, jst), http.MethodGet, "/daily-workings/timerecord", nil, http.StatusForbidden},
		{"a read on a Sunday morning is refused too", time.Date(2026, 11, 1, 9, 30, 0, 0, jst), http.MethodGet, "/employees", nil, http.StatusForbidden},
		{"a read at 10:00 is served", time.Date(2026, 11, 2, 10, 0, 0, 0, jst), http.MethodGet, "/employees", nil, http.StatusOK},
		{"a read at 08:29 is served", time.Date(2026, 11, 2, 8, 29, 59, 0, jst), http.MethodGet, "/employees", nil, http.StatusOK},
		{"a punch at 09:00 is served", time.Date(2026, 11, 2, 9, 0, 0, 0, jst), http.MethodPost, "/daily-workings/timerecord/" + key,
			map[string]any{"date": "2026-11-02", "time": "2026-11-02T09:00:00+09:00", "code": "1"}, http.StatusCreated},
		{"the token check at 09:00 is served", time.Date(2026, 11, 2, 9, 0, 0, 0, jst), http.MethodGet, "/tokens/" + DefaultToken + "/available", nil, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock.Set(tc.at)
			a := do(t, srv, tc.method, tc.path, DefaultToken, tc.body)
			if a.status != tc.status {
				t.Fatalf("%s %s at %s = %d %s; want %d", tc.method, tc.path, tc.at.Format("15:04"), a.status, a.body, tc.status)
			}
			if tc.status == http.StatusForbidden {
				if code, msg := a.kotError(t); code != CodeRestrictedHours || !strings.Contains(msg, "[08:30 ~ 10:00, 17:30 ~ 18:30]") {
					t.Fatalf("error = %d %q; want code 104 naming the windows", code, msg)
				}
			}
		})
	}
}

func TestRestrictedHoursCanBeSwitchedOff(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{NoRestrictedHours: true, Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, jst) }})
	if a := get(t, srv, "/employees"); a.status != http.StatusOK {
		t.Fatalf("GET /employees at 09:00 without restricted hours = %d %s", a.status, a.body)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{Tokens: []string{"good"}})
	for _, tc := range []struct {
		name, token string
		status      int
	}{
		{"no token is refused", "", http.StatusForbidden},
		{"an unknown token is refused", "bad", http.StatusForbidden},
		{"the token given is served", "good", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := do(t, srv, http.MethodGet, "/employees", tc.token, nil)
			if a.status != tc.status {
				t.Fatalf("status %d %s; want %d", a.status, a.body, tc.status)
			}
			if tc.status == http.StatusForbidden {
				if code, msg := a.kotError(t); code != CodeAuthFailed || msg != "認証に失敗しました" {
					t.Fatalf("error = %d %q; want KOT's code 100", code, msg)
				}
			}
		})
	}
}

func TestTokenAPIs(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	var avail struct {
		Available bool `json:"available"`
	}
	get(t, srv, "/tokens/"+DefaultToken+"/available").decode(t, &avail)
	if !avail.Available {
		t.Fatal("the default token is not available")
	}
	var fresh struct {
		Token string `json:"token"`
	}
	a := do(t, srv, http.MethodPost, "/tokens/"+DefaultToken, DefaultToken, nil)
	a.decode(t, &fresh)
	if a.status != http.StatusCreated || fresh.Token == "" || srv.TokenActive(DefaultToken) || !srv.TokenActive(fresh.Token) {
		t.Fatalf("refresh = %d %+v; want 201, the old token stopped and the new one active", a.status, fresh)
	}
	if a := get(t, srv, "/employees"); a.status != http.StatusForbidden {
		t.Fatalf("the refreshed-away token still reads: %d", a.status)
	}
	if a := do(t, srv, http.MethodDelete, "/tokens/"+fresh.Token, fresh.Token, nil); a.status != http.StatusNoContent {
		t.Fatalf("suspend = %d %s", a.status, a.body)
	}
	if srv.TokenActive(fresh.Token) {
		t.Fatal("a suspended token is still active")
	}
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	clock := newClock(noon)
	srv := start(t, Options{RateLimit: 3, Now: clock.Now})
	for i := range 3 {
		if a := get(t, srv, "/working-types"); a.status != http.StatusOK {
			t.Fatalf("request %d = %d", i+1, a.status)
		}
	}
	a := get(t, srv, "/working-types")
	var body map[string]string
	a.decode(t, &body)
	if a.status != http.StatusTooManyRequests || body["code"] != "303" || body["message"] != "Too Many Requests" {
		t.Fatalf("the 4th request = %d %s; want 429 with KOT's second error shape, code \"303\"", a.status, a.body)
	}
	clock.Set(noon.Add(5*time.Minute + time.Second))
	if a := get(t, srv, "/working-types"); a.status != http.StatusOK {
		t.Fatalf("after the rolling window = %d; want 200", a.status)
	}

	other := start(t, Options{RateLimit: 1, ThrottleStatus: http.StatusForbidden, Now: clock.Now})
	get(t, other, "/working-types")
	if a := get(t, other, "/working-types"); a.status != http.StatusForbidden {
		t.Fatalf("with ThrottleStatus 403 the throttle answered %d", a.status)
	}
}
