package kingoftimetest

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// remainedWithMinutes is a row of remaining leave with the minutes of hourly leave.
type remainedWithMinutes struct {
	EmployeeKey     string `json:"employeeKey"`
	HolidayRemained []struct {
		Day     float64 `json:"day"`
		Minutes int     `json:"minutes"`
		Code    int     `json:"code"`
	} `json:"holidayRemained"`
}

func TestAPaidLeaveGrantCarriesHourlyLeaveIntoRemainingLeave(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	leave := byProfile(t, srv, ProfilePaidLeave)
	if err := srv.SetPaidLeaveGrant(leave.Key, 15*model.Day, 180); err != nil {
		t.Fatal(err)
	}
	var rows []remainedWithMinutes
	get(t, srv, "/monthly-workings/holiday-remained/"+leave.Type.Code+"/2026-10").decode(t, &rows)
	i := slices.IndexFunc(rows, func(r remainedWithMinutes) bool { return r.EmployeeKey == leave.Key })
	if i < 0 {
		t.Fatal("no row for the employee")
	}
	// April to October: seven months of a day and a half off the 15 days.
	if got := rows[i].HolidayRemained[0]; got.Code != 1 || got.Day != 4.5 || got.Minutes != 180 {
		t.Errorf("有休 = %+v; want 4.5 days and 180 minutes", got)
	}
	days, _ := srv.PaidLeaveLeft(leave.Key, 2026, time.October)
	minutes, _ := srv.PaidLeaveMinutesLeft(leave.Key, 2026, time.October)
	if days != 450 || minutes != 180 {
		t.Errorf("PaidLeaveLeft %v, PaidLeaveMinutesLeft %d; want 4.5 and 180", days, minutes)
	}
	if err := srv.SetPaidLeaveGrant("nobody", model.Day, 0); err == nil {
		t.Error("a grant for an unknown key was taken")
	}
	if err := srv.SetPaidLeaveGrant(leave.Key, model.Day, -1); err == nil {
		t.Error("negative minutes were taken")
	}
	for _, v := range srv.Violations() {
		t.Errorf("violation: %s", v)
	}
}

func TestSavedStateBringsBackPaidLeaveGrants(t *testing.T) {
	t.Parallel()
	opts := Options{Seed: 9, Employees: 4, Year: 2026, Month: time.October}
	a := New(opts)
	key := a.Employees()[0].Key
	if err := a.SetPaidLeaveGrant(key, 3*model.Day, 60); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	b := New(opts)
	if err := b.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	if m, _ := b.PaidLeaveMinutesLeft(key, 2026, time.October); m != 60 {
		t.Errorf("minutes after the restore = %d; want the 60 set before the save", m)
	}
}
