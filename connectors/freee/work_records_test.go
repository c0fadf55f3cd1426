package freee

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestWorkRecordsService_Get(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/v1/employees/1001/work_records/2026-10-14", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"company_id": {"1234"}})
		fmt.Fprint(w, `{"date":"2026-10-14T00:00:00.000+09:00","day_pattern":"normal_day","schedule_pattern":"",
			"clock_in_at":"2026-10-14T14:00:00.000+09:00","clock_out_at":"2026-10-14T18:00:00.000+09:00",
			"work_record_segments":[{"clock_in_at":"2026-10-14T14:00:00.000+09:00","clock_out_at":"2026-10-14T18:00:00.000+09:00"}],
			"break_records":[],"is_absence":false,
			"paid_holidays":[{"type":"morning_off","mins":240,"days":0.5}],"special_holiday":0,"lateness_mins":0,"early_leaving_mins":0}`)
	})
	rec, _, err := client.WorkRecords.Get(t.Context(), 1001, model.NewDate(2026, 10, 14), 1234)
	if err != nil {
		t.Fatal(err)
	}
	d, err := rec.Day(tokyo)
	if err != nil || d != model.NewDate(2026, 10, 14) {
		t.Errorf("Day = %v, %v", d, err)
	}
	if rec.PaidLeaveDays() != model.Day/2 || rec.DayPattern != NormalDay || len(rec.WorkRecordSegments) != 1 {
		t.Errorf("record = %+v", rec)
	}
}

func TestWorkRecord_Day(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		date string
		want model.Date
	}{
		{"a plain date is that date", "2026-10-14", model.NewDate(2026, 10, 14)},
		{"a Japan date-time is its date", "2026-10-14T00:00:00+09:00", model.NewDate(2026, 10, 14)},
		{"a UTC date-time is read in the company zone", "2026-10-13T15:00:00Z", model.NewDate(2026, 10, 14)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := WorkRecord{Date: tt.date}.Day(tokyo)
			if err != nil || got != tt.want {
				t.Errorf("Day(%q) = %v, %v; want %v", tt.date, got, err, tt.want)
			}
		})
	}
	if _, err := (WorkRecord{Date: "soon"}).Day(time.UTC); err == nil {
		t.Error("a date that is neither form must be an error")
	}
}

func TestWorkRecord_PaidLeaveDays(t *testing.T) {
	t.Parallel()
	current := WorkRecord{PaidHolidays: []PaidHoliday{{Type: "full", Days: model.Day}}}
	legacy := WorkRecord{PaidHoliday: model.Day / 2}
	hourly := WorkRecord{PaidHolidays: []PaidHoliday{{Type: "hourly", Mins: 60, Days: 0}}}
	if current.PaidLeaveDays() != model.Day || legacy.PaidLeaveDays() != model.Day/2 || hourly.PaidLeaveDays() != 0 {
		t.Errorf("paid leave days: current %v, legacy %v, hourly %v", current.PaidLeaveDays(), legacy.PaidLeaveDays(), hourly.PaidLeaveDays())
	}
}
