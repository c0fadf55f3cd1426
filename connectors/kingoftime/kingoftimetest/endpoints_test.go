package kingoftimetest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/shared/model"
)

func TestEmployeesAreTheSamePeopleAsFreeesDemoCompany(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{Seed: 7, Employees: 25})
	freee := freeetest.New(freeetest.Options{Seed: 7, Employees: 25, Year: 2026, Month: time.October, RateLimit: freeetest.NoRateLimit})
	var got []wireEmployee
	a := get(t, srv, "/employees?additionalFields=emailAddresses")
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	a.decode(t, &got)
	want := freee.Employees()
	if len(got) != len(want) {
		t.Fatalf("%d employees; freee's demo company has %d", len(got), len(want))
	}
	for i, e := range got {
		if e.Code != want[i].Num || len(e.EmailAddresses) != 1 || e.EmailAddresses[0] != want[i].Email {
			t.Errorf("employee %d is %s %v; freee's is %s %s", i, e.Code, e.EmailAddresses, want[i].Num, want[i].Email)
		}
		if len(e.Key) != 64 {
			t.Errorf("employee %s has key %q; want 64 hex digits", e.Code, e.Key)
		}
	}
}

func TestPeopleSetTheCodesEmailsAndHeadCount(t *testing.T) {
	t.Parallel()
	people := []Person{{"A-1", "a1@example.com"}, {"A-2", "a2@example.com"}, {"B-9", ""}}
	srv := start(t, Options{People: people})
	var got []wireEmployee
	get(t, srv, "/employees?additionalFields=emailAddresses").decode(t, &got)
	if len(got) != 3 || got[0].Code != "A-1" || got[1].EmailAddresses[0] != "a2@example.com" || got[2].Code != "B-9" || got[2].EmailAddresses != nil {
		t.Fatalf("employees = %+v; want the three people given, the last without email", got)
	}
}

func TestTheSameSeedMakesTheSameCompany(t *testing.T) {
	t.Parallel()
	a, b, c := New(Options{Seed: 3, Employees: 5}), New(Options{Seed: 3, Employees: 5}), New(Options{Seed: 4, Employees: 5})
	for i := range a.Employees() {
		ea, eb, ec := a.Employees()[i], b.Employees()[i], c.Employees()[i]
		if ea.Key != eb.Key || ea.LastName != eb.LastName || ea.HiredDate != eb.HiredDate {
			t.Errorf("employee %d differs between two sandboxes of seed 3", i)
		}
		if ea.Key == ec.Key {
			t.Errorf("employee %d has the same key under seeds 3 and 4", i)
		}
	}
}

func TestEmployeeExtrasComeOnlyWhenAskedFor(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	plain := get(t, srv, "/employees")
	if strings.Contains(string(plain.body), "emailAddresses") || strings.Contains(string(plain.body), "hiredDate") {
		t.Fatalf("plain list carries extras: %.300s", plain.body)
	}
	var got []wireEmployee
	get(t, srv, "/employees?additionalFields=hiredDate,emailAddresses").decode(t, &got)
	if got[0].HiredDate == "" || len(got[0].EmailAddresses) == 0 {
		t.Fatalf("asked-for extras missing: %+v", got[0])
	}
}

func TestEmployeeByCode(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	var e wireEmployee
	a := get(t, srv, "/employees/E00004")
	a.decode(t, &e)
	if a.status != http.StatusOK || e.Code != "E00004" || e.Key != srv.Employees()[3].Key {
		t.Fatalf("GET /employees/E00004 = %d %+v", a.status, e)
	}
	missing := get(t, srv, "/employees/NOPE")
	if code, _ := missing.kotError(t); missing.status != http.StatusNotFound || code != CodeInvalidRequest {
		t.Fatalf("unknown code answered %d %s; want 404 with code %d", missing.status, missing.body, CodeInvalidRequest)
	}
}

func TestDailyWorkingsGiveDayKindsAndLeave(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	var days []wireDay[wireDailyWorking]
	get(t, srv, "/daily-workings?start=2026-10-01&end=2026-10-31&additionalFields=currentDateEmployee").decode(t, &days)
	if len(days) != 31 {
		t.Fatalf("%d days; want 31", len(days))
	}
	row := func(date string, key string) wireDailyWorking {
		t.Helper()
		for _, d := range days {
			for _, w := range d.DailyWorkings {
				if w.Date == date && w.EmployeeKey == key {
					return w
				}
			}
		}
		t.Fatalf("no row for %s on %s", key, date)
		return wireDailyWorking{}
	}
	normal := byProfile(t, srv, ProfileNormal)
	if got := row("2026-10-04", normal.Key).WorkdayTypeName; got != KindLegalHoliday {
		t.Errorf("a Sunday is %q; want %s", got, KindLegalHoliday)
	}
	if got := row("2026-10-03", normal.Key).WorkdayTypeName; got != KindPrescribedHoliday {
		t.Errorf("a Saturday is %q; want %s", got, KindPrescribedHoliday)
	}
	if w := row("2026-10-05", normal.Key); w.WorkdayTypeName != KindWeekday || w.TotalWork != 480 || w.BreakTime != 60 {
		t.Errorf("a normal Monday is %+v; want 平日 with 480 minutes' work and a 60-minute break", w)
	}
	if w := row("2026-10-05", normal.Key); w.CurrentDateEmployee == nil || w.CurrentDateEmployee.Code != normal.Code {
		t.Errorf("currentDateEmployee = %+v; want the employee, as asked for", w.CurrentDateEmployee)
	}
	leave := byProfile(t, srv, ProfilePaidLeave)
	if h := row("2026-10-12", leave.Key).HolidaysObtained.FulltimeHoliday; h == nil || h.Code != LeavePaid.Code {
		t.Errorf("the 2nd Monday's leave is %+v; want a full day of 有休", h)
	}
	if h := row("2026-10-21", leave.Key).HolidaysObtained.HalfdayHolidays; len(h) != 1 || h[0].TypeName != "AM休" || h[0].Code != LeavePaid.Code {
		t.Errorf("the 3rd Wednesday's leave is %+v; want the morning off as 有休", h)
	}
	absent := byProfile(t, srv, ProfileAbsence)
	if h := row("2026-10-16", absent.Key).HolidaysObtained.FulltimeHoliday; h == nil || h.Name != "欠勤" {
		t.Errorf("the 3rd Friday is %+v; want 欠勤", h)
	}
	if h := row("2026-10-05", absent.Key).HolidaysObtained.FulltimeHoliday; h == nil || h.Code != LeaveSpecial.Code {
		t.Errorf("the 1st Monday is %+v; want 特別休暇", h)
	}
	night := byProfile(t, srv, ProfileLateNight)
	if w := row("2026-10-15", night.Key); w.LateNight != 210 || w.Overtime <= 0 {
		t.Errorf("the 3rd Thursday to 01:30 is %+v; want 210 late-night minutes and overtime", w)
	}
	var one wireDay[wireDailyWorking]
	get(t, srv, "/daily-workings/2026-10-11").decode(t, &one)
	if one.Date != "2026-10-11" || len(one.DailyWorkings) != 10 {
		t.Errorf("one date gave %s with %d rows; want 2026-10-11 with every employee", one.Date, len(one.DailyWorkings))
	}
}

func TestTimeRecordsFileANightShiftUnderTheDayItStarted(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	night := byProfile(t, srv, ProfileLateNight)
	var days []wireDay[wirePunches]
	a := get(t, srv, "/daily-workings/timerecord?start=2026-10-15&end=2026-10-16&employeeKeys="+night.Key)
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	a.decode(t, &days)
	if len(days) != 2 || len(days[0].DailyWorkings) != 1 {
		t.Fatalf("days = %+v; want two dates, the first with the employee's punches", days)
	}
	punches := days[0].DailyWorkings[0].TimeRecord
	last := punches[len(punches)-1]
	if last.Code != PunchClockOut || last.Time != "2026-10-16T01:30:00+09:00" || last.Name != "退勤" {
		t.Errorf("the last punch of 15 October is %+v; want the clock-out at 01:30 the next morning", last)
	}
	if next := days[1].DailyWorkings; len(next) != 1 || next[0].TimeRecord[0].Time != "2026-10-16T09:00:00+09:00" {
		t.Errorf("16 October holds %+v; want only that day's own shift, from 09:00", next)
	}
	var one wireDay[wirePunches]
	get(t, srv, "/daily-workings/timerecord/2026-10-15").decode(t, &one)
	if one.Date != "2026-10-15" || len(one.DailyWorkings) == 0 {
		t.Errorf("one date gave %+v", one)
	}
}

func TestTimeRecordsListOnlyThoseWhoPunched(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	var days []wireDay[wirePunches]
	get(t, srv, "/daily-workings/timerecord?start=2026-10-03&end=2026-10-04").decode(t, &days)
	weekend := byProfile(t, srv, ProfileWeekendWork)
	if len(days[0].DailyWorkings) != 1 || days[0].DailyWorkings[0].EmployeeKey != weekend.Key {
		t.Errorf("Saturday 3 October lists %+v; want only the weekend worker", days[0].DailyWorkings)
	}
	if len(days[1].DailyWorkings) != 0 {
		t.Errorf("Sunday 4 October lists %+v; want nobody (the weekend worker works the 2nd Sunday)", days[1].DailyWorkings)
	}
}

func TestRegisteringAPunchAddsOne(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	e := srv.Employees()[0]
	path := "/daily-workings/timerecord/" + e.Key
	first := do(t, srv, http.MethodPost, path, DefaultToken, map[string]any{"date": "2026-11-02", "time": "2026-11-02T09:01:00+09:00"})
	second := do(t, srv, http.MethodPost, path, DefaultToken, map[string]any{"date": "2026-11-02", "time": "2026-11-02T18:05:00+09:00", "latitude": 35.6, "longitude": 139.7})
	if first.status != http.StatusCreated || second.status != http.StatusCreated {
		t.Fatalf("POST answered %d %s and %d %s; want 201 twice", first.status, first.body, second.status, second.body)
	}
	var made struct {
		EmployeeKey string    `json:"employeeKey"`
		TimeRecord  wirePunch `json:"timeRecord"`
	}
	second.decode(t, &made)
	if made.EmployeeKey != e.Key || made.TimeRecord.Code != PunchClockOut {
		t.Errorf("the second punch without a code is %+v; want a clock-out", made)
	}
	day, _ := srv.Attendance(e.Key, model.NewDate(2026, 11, 2))
	if len(day.Punches) != 2 || day.Punches[0].Code != PunchClockIn || day.Punches[1].Latitude == nil {
		t.Fatalf("the day holds %+v; want a clock-in and a located clock-out", day.Punches)
	}
	again := do(t, srv, http.MethodPost, path, DefaultToken, map[string]any{"date": "2026-11-02", "time": "2026-11-02T18:05:00+09:00", "code": "2"})
	day, _ = srv.Attendance(e.Key, model.NewDate(2026, 11, 2))
	if again.status != http.StatusCreated || len(day.Punches) != 3 {
		t.Errorf("the same punch again left %d punches; KOT's punches are not idempotent, want 3", len(day.Punches))
	}
	unknown := do(t, srv, http.MethodPost, "/daily-workings/timerecord/nobody", DefaultToken, map[string]any{"date": "2026-11-02", "time": "2026-11-02T09:00:00+09:00"})
	if unknown.status != http.StatusNotFound {
		t.Errorf("a punch for an unknown key answered %d", unknown.status)
	}
}

type remainedRow struct {
	Date            string `json:"date"`
	CloseDate       int    `json:"closeDate"`
	EmployeeKey     string `json:"employeeKey"`
	HolidayRemained []struct {
		Day  float64 `json:"day"`
		Code int     `json:"code"`
	} `json:"holidayRemained"`
}

func TestRemainingLeaveCountsHalfDays(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	leave := byProfile(t, srv, ProfilePaidLeave)
	var rows []remainedRow
	get(t, srv, "/monthly-workings/holiday-remained/"+leave.Type.Code+"/2026-10").decode(t, &rows)
	i := slices.IndexFunc(rows, func(r remainedRow) bool { return r.EmployeeKey == leave.Key })
	if i < 0 {
		t.Fatalf("no row for the paid-leave employee among %d", len(rows))
	}
	// April to October: seven months of a day and a half.
	want := leave.PaidLeaveGranted.Float64() - 10.5
	if r := rows[i]; r.Date != "2026-10-31" || r.CloseDate != 31 || r.HolidayRemained[0].Code != 1 || r.HolidayRemained[0].Day != want {
		t.Errorf("row = %+v; want %v days of 有休 left as of 2026-10-31", r, want)
	}
	for _, r := range rows {
		if e, _ := srv.Employee(r.EmployeeKey); e.Type.Code != leave.Type.Code {
			t.Errorf("working type %s lists an employee of type %s", leave.Type.Code, e.Type.Code)
		}
	}
	if left, ok := srv.PaidLeaveLeft(leave.Key, 2026, time.October); !ok || left.Float64() != want {
		t.Errorf("PaidLeaveLeft = %v; want %v", left, want)
	}
}

func TestMastersAndCompany(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	for _, path := range []string{"/company", "/divisions", "/working-types"} {
		if a := get(t, srv, path); a.status != http.StatusOK {
			t.Errorf("GET %s = %d %s", path, a.status, a.body)
		}
	}
}

func TestUnservedOperationsAnswer501AfterValidation(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	a := get(t, srv, "/monthly-workings/2026-10")
	if code, _ := a.kotError(t); a.status != http.StatusNotImplemented || code != CodeNotImplemented {
		t.Fatalf("GET /monthly-workings/2026-10 = %d %s; want 501", a.status, a.body)
	}
	if a := get(t, srv, "/no-such-thing"); a.status != http.StatusNotFound {
		t.Fatalf("an unknown path answered %d", a.status)
	}
}
