package kingoftime

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

func TestTheConnectorIsRegisteredWithItsWindows(t *testing.T) {
	t.Parallel()
	c, ok := hub.Connectors.Lookup(Vendor)
	if !ok {
		t.Fatal("kingoftime is not registered")
	}
	if !c.Has(hub.CapEmployees) || !c.Has(hub.CapAttendance) || c.DefaultBaseURL != "https://api.kingtime.jp/v1.0" {
		t.Fatalf("connector = %+v", c)
	}
	i := slices.IndexFunc(c.Fields, func(f config.Field) bool { return f.Name == "access_token" })
	if i < 0 || !c.Fields[i].Secret || !c.Fields[i].Required {
		t.Fatalf("access_token is not a required secret: %+v", c.Fields)
	}
	if len(c.Windows) != 2 || c.Windows[0].String() != "08:30–10:00 Asia/Tokyo" || c.Windows[1].String() != "17:30–18:30 Asia/Tokyo" {
		t.Fatalf("windows = %v", c.Windows)
	}
	for _, w := range c.Windows {
		if err := w.Validate(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEmployeesFromTheSandbox(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, kingoftimetest.Options{})
	k := connect(t, srv, nil)
	var got []model.Employee
	for e, err := range k.Employees(t.Context(), october) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := srv.Employees()
	if len(got) != len(want) {
		t.Fatalf("%d employees; want %d", len(got), len(want))
	}
	for i, e := range got {
		w := want[i]
		if e.ID("kot") != w.Key || e.Code != w.Code || e.Email != w.Email || e.Name != w.LastName+" "+w.FirstName ||
			e.Department != w.Division.Name || e.EmploymentType != w.Type.Name || !e.Active {
			t.Errorf("employee %d = %+v; want %+v", i, e, w)
		}
	}
}

func TestEmployeesOfAPeriod(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/employees", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, map[string][]string{
			"date": {"2026-10-31"}, "includeResigner": {"true"}, "additionalFields": {"hiredDate,resignationDate,emailAddresses"},
		})
		writeJSON(w, 200, `[
			{"code":"LATER","key":"k1","lastName":"a","firstName":"b","hiredDate":"2026-11-01"},
			{"code":"GONE","key":"k2","lastName":"a","firstName":"b","hiredDate":"2020-01-01","resignationDate":"2026-09-30"},
			{"code":"LEAVING","key":"k3","lastName":"a","firstName":"b","hiredDate":"2020-01-01","resignationDate":"2026-10-15"},
			{"code":"STAYING","key":"k4","lastName":"a","firstName":"b","hiredDate":"2026-10-31","emailAddresses":["s@example.com","t@example.com"]}]`)
	})
	k := adapter(client)
	var got []model.Employee
	for e, err := range k.Employees(t.Context(), october) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 2 || got[0].Code != "LEAVING" || got[0].Active || got[1].Code != "STAYING" || !got[1].Active || got[1].Email != "s@example.com" {
		t.Fatalf("employees = %+v; want LEAVING (inactive) and STAYING with the first email", got)
	}
}

// adapter is the connector over client, reading the windows at noon.
func adapter(client *Client) *KOT {
	return &KOT{Client: client, connection: "kot", zone: jst, leave: map[string]model.LeaveKind{},
		logger: discard, now: func() time.Time { return noon }, sleep: sleepCtx, workings: map[Range]workingsEntry{}}
}

func TestAttendanceFromTheSandbox(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, kingoftimetest.Options{})
	k := connect(t, srv, nil)
	byProfile := func(p kingoftimetest.Profile) model.Employee {
		for _, e := range srv.Employees() {
			if e.Profile == p {
				return model.Employee{IDs: map[string]string{"kot": e.Key}, Code: e.Code}
			}
		}
		t.Fatalf("no employee of profile %s", p)
		return model.Employee{}
	}
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 10, day, hour, minute, 0, 0, jst) }
	days := func(emp model.Employee) map[int]model.AttendanceDay {
		t.Helper()
		got, err := k.Attendance(t.Context(), emp, october)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int]model.AttendanceDay{}
		for _, d := range got {
			if d.EmployeeID != emp.ID("kot") || d.ClockIn.Location() != jst && !d.ClockIn.IsZero() {
				t.Errorf("day %s: employee %s, zone %v", d.Date, d.EmployeeID, d.ClockIn.Location())
			}
			out[d.Date.Day] = d
		}
		return out
	}

	normal := days(byProfile(kingoftimetest.ProfileNormal))
	if d := normal[5]; d.Kind != model.Workday || !d.ClockIn.Equal(at(5, 9, 0)) || !d.ClockOut.Equal(at(5, 18, 0)) ||
		len(d.Breaks) != 1 || d.Breaks[0].Minutes() != 60 || d.Leave != model.NoLeave {
		t.Errorf("a normal Monday = %+v", d)
	}
	if _, ok := normal[4]; ok || len(normal) != 22 {
		t.Errorf("a normal month has %d days (Sunday 4th: %v); want the 22 weekdays only", len(normal), ok)
	}

	night := days(byProfile(kingoftimetest.ProfileLateNight))
	if d := night[15]; !d.ClockOut.Equal(time.Date(2026, 10, 16, 1, 30, 0, 0, jst)) || len(d.Breaks) != 2 {
		t.Errorf("the 3rd Thursday = %+v; want the clock-out at 01:30 the next morning on the 15th, two breaks", d)
	}
	if d := night[16]; !d.ClockIn.Equal(at(16, 9, 0)) {
		t.Errorf("the 16th = %+v; want its own shift", d)
	}

	weekend := days(byProfile(kingoftimetest.ProfileWeekendWork))
	if d := weekend[3]; d.Kind != model.PrescribedHoliday || !d.Worked() {
		t.Errorf("the 1st Saturday = %+v; want a worked prescribed holiday", d)
	}
	if d := weekend[11]; d.Kind != model.LegalHoliday || !d.ClockOut.Equal(at(11, 16, 0)) {
		t.Errorf("the 2nd Sunday = %+v; want the legal holiday worked until 16:00", d)
	}

	leave := days(byProfile(kingoftimetest.ProfilePaidLeave))
	if d := leave[12]; d.Leave != model.PaidLeave || d.LeaveDays != model.Day || d.Worked() {
		t.Errorf("the 2nd Monday = %+v; want a full day of paid leave", d)
	}
	if d := leave[21]; d.Leave != model.PaidLeave || d.LeaveDays != model.Day/2 || !d.ClockIn.Equal(at(21, 14, 0)) {
		t.Errorf("the 3rd Wednesday = %+v; want half a day of paid leave and work from 14:00", d)
	}

	absent := days(byProfile(kingoftimetest.ProfileAbsence))
	if d := absent[16]; d.Leave != model.Absence || d.LeaveDays != model.Day || d.Worked() {
		t.Errorf("the 3rd Friday = %+v; want an absence", d)
	}
	if d := absent[5]; d.Leave != model.SpecialLeave || d.LeaveDays != model.Day {
		t.Errorf("the 1st Monday = %+v; want special leave", d)
	}

	varied := days(byProfile(kingoftimetest.ProfileVaried))
	if d := varied[2]; len(d.Breaks) != 2 || !d.Breaks[1].Start.Equal(at(2, 15, 0)) || d.Breaks[1].Minutes() != 30 {
		t.Errorf("a varied Friday = %+v; want lunch and the 15:00 errand as breaks", d)
	}

	reqs := srv.Requests()
	if reqs["GetDailyWorkings"] != 1 || reqs["GetDailyWorkingTimerecords"] != 6 {
		t.Errorf("requests = %v; want the daily attendance read once for all six employees, time records once each", reqs)
	}
}

func TestAttendanceOfAPeriodLongerThan62Days(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, kingoftimetest.Options{Employees: 2})
	k := connect(t, srv, nil)
	e := srv.Employees()[0]
	long := model.PayPeriod{Year: 2026, Month: time.October, Start: model.NewDate(2026, 8, 1), End: model.NewDate(2026, 10, 9)}
	got, err := k.Attendance(t.Context(), model.Employee{IDs: map[string]string{"kot": e.Key}}, long)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Date.Month != time.August || got[len(got)-1].Date != model.NewDate(2026, 10, 9) {
		t.Fatalf("days run %s..%s; want August to 9 October", got[0].Date, got[len(got)-1].Date)
	}
	if reqs := srv.Requests(); reqs["GetDailyWorkingTimerecords"] != 2 || reqs["GetDailyWorkings"] != 2 {
		t.Fatalf("requests = %v; want the 70 days read in two parts of each", reqs)
	}
}

func TestAttendanceOfAnEmployeeWithoutAKeyIsPermanent(t *testing.T) {
	t.Parallel()
	client, _ := setup(t)
	_, err := adapter(client).Attendance(t.Context(), model.Employee{Code: "E1", IDs: map[string]string{"other": "1"}}, october)
	if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "E1") {
		t.Fatalf("err = %v; want Permanent naming the employee", err)
	}
}

func TestLeaveCodesSetting(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, kingoftimetest.Options{})
	k := connect(t, srv, map[string]any{"leave_codes": map[string]string{"5": "special", "3": "none"}})
	var emp model.Employee
	for _, e := range srv.Employees() {
		if e.Profile == kingoftimetest.ProfileAbsence {
			emp = model.Employee{IDs: map[string]string{"kot": e.Key}}
		}
	}
	got, err := k.Attendance(t.Context(), emp, october)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range got {
		switch d.Date.Day {
		case 16:
			if d.Leave != model.SpecialLeave {
				t.Errorf("code 5 mapped to special gave %q", d.Leave)
			}
		case 5:
			t.Errorf("code 3 mapped to none still gave a day: %+v", d)
		}
	}

	_, err = New(t.Context(), hub.Env{Connection: "kot", Secret: secrets.New("t"), Settings: map[string]any{"leave_codes": map[string]string{"1": "holiday"}}})
	if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "leave_codes.1") {
		t.Fatalf("a bad leave kind: %v; want Permanent naming the setting", err)
	}
}

func TestDayAndLeaveKinds(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]model.DayKind{
		"平日": model.Workday, "": model.Workday, "法定休日": model.LegalHoliday, "法定外休日": model.PrescribedHoliday,
		"所定休日": model.PrescribedHoliday, "祝日休日": model.PrescribedHoliday, "出張": model.Workday,
	} {
		if got := dayKind(name); got != want {
			t.Errorf("dayKind(%q) = %q; want %q", name, got, want)
		}
	}
	k := &KOT{leave: map[string]model.LeaveKind{"9": model.Absence}}
	for _, tc := range []struct {
		h    Holiday
		want model.LeaveKind
	}{
		{Holiday{"1", "年休"}, model.PaidLeave},
		{Holiday{"2", "代休"}, leaveNone},
		{Holiday{"9", "私用"}, model.Absence},
		{Holiday{"7", "欠勤"}, model.Absence},
		{Holiday{"8", "有給(計画)"}, model.PaidLeave},
		{Holiday{"4", "振休"}, leaveNone},
		{Holiday{"6", "慶弔休暇"}, model.SpecialLeave},
	} {
		if got := k.leaveKind(tc.h); got != tc.want {
			t.Errorf("leaveKind(%+v) = %q; want %q", tc.h, got, tc.want)
		}
	}
}

func TestPaidLeaveBalances(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, kingoftimetest.Options{})
	k := connect(t, srv, nil)
	n := 0
	half := false
	for b, err := range k.PaidLeaveBalances(t.Context(), 2026, time.October) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		want, ok := srv.PaidLeaveLeft(b.EmployeeKey, 2026, time.October)
		if !ok || b.Days != want || b.AsOf != model.NewDate(2026, 10, 31) {
			t.Errorf("balance %+v; want %v days as of 2026-10-31", b, want)
		}
		half = half || b.Days%model.Day != 0
	}
	if n != 10 || !half {
		t.Fatalf("%d balances (a half day among them: %v); want every employee, with half days kept", n, half)
	}
}

func TestNewReadsItsSettingsAndSecret(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		secret   string
		settings map[string]any
		says     string
	}{
		{"a plain token is the secret", "abc", nil, ""},
		{"a JSON object with access_token is the secret", `{"access_token": "abc"}`, nil, ""},
		{"an empty secret is refused", "  ", nil, "no access token"},
		{"a JSON object without the token is refused", `{"token": "abc"}`, nil, "no access token"},
		{"broken JSON is refused without echoing it", `{"access_token": "abc`, nil, "does not parse"},
		{"a pace of zero is refused", "abc", map[string]any{"requests_per_minute": 0}, "requests_per_minute"},
		{"a base URL that is not one is refused", "abc", map[string]any{"base": true}, "base URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := "https://api.kingtime.jp/v1.0"
			if tc.settings["base"] != nil {
				base = "::not a url"
			}
			_, err := New(t.Context(), hub.Env{Connection: "kot", BaseURL: base, Secret: secrets.New(tc.secret), Settings: tc.settings})
			if tc.says == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !fault.IsPermanent(err) || !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "abc") {
				t.Fatalf("err = %v; want Permanent saying %q without the secret", err, tc.says)
			}
		})
	}
}

func TestARunWaitsOutTheRestrictedHoursWhenItHasTime(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, jst)}
	srv := sandbox(t, kingoftimetest.Options{Now: clock.Now})
	k := connect(t, srv, nil)
	k.now, k.sleep = clock.Now, clock.Sleep
	n := 0
	for _, err := range k.Employees(t.Context(), october) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 10 || !slices.Equal(clock.Slept(), []time.Duration{time.Hour}) {
		t.Fatalf("%d employees after sleeping %v; want all, after one wait of an hour until 10:00", n, clock.Slept())
	}
	if got := srv.Requests()["GetEmployees"]; got != 1 {
		t.Fatalf("KOT saw %d requests; want none in the window, one after it", got)
	}
}

func TestARunMeetingKOTsRefusalWaitsUntilTheWindowEnds(t *testing.T) {
	t.Parallel()
	// The connector does not look at the windows itself; KOT answers 104 at 17:50.
	clock := &fakeClock{t: time.Date(2026, 11, 2, 17, 50, 0, 0, jst)}
	srv := sandbox(t, kingoftimetest.Options{Now: clock.Now})
	k := connect(t, srv, map[string]any{"observe_restricted_hours": false})
	k.now, k.sleep = clock.Now, clock.Sleep
	emp := model.Employee{IDs: map[string]string{"kot": srv.Employees()[0].Key}}
	if _, err := k.Attendance(t.Context(), emp, october); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(clock.Slept(), []time.Duration{40 * time.Minute}) {
		t.Fatalf("slept %v; want one wait of 40 minutes, until 18:30", clock.Slept())
	}
}

func TestARunWithoutTimeToWaitHandsTheRateLimitToTheRuntime(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, jst)}
	srv := sandbox(t, kingoftimetest.Options{Now: clock.Now})
	k := connect(t, srv, nil)
	k.now, k.sleep = clock.Now, clock.Sleep
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	var err error
	for _, e := range k.Employees(ctx, october) {
		err = e
	}
	var rl *fault.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour || rl.Scope != ScopeRestrictedHours || len(clock.Slept()) != 0 {
		t.Fatalf("err = %v after sleeping %v; want RateLimited for an hour, no wait (a Lambda's 15 minutes cannot hold it)", err, clock.Slept())
	}
	if fault.Classify(err) != fault.KindRateLimited {
		t.Fatal("the runtime would not see a rate limit")
	}
}

func TestWaitingStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, jst)}
	srv := sandbox(t, kingoftimetest.Options{Now: clock.Now})
	k := connect(t, srv, nil)
	k.now = clock.Now
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var err error
	for _, e := range k.Employees(ctx, october) {
		err = e
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want the cancellation", err)
	}
}
