package freee

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// WorkRecordsService reads one employee's attendance for one date.
type WorkRecordsService service

// The day patterns a WorkRecord has.
const (
	NormalDay         = "normal_day"
	PrescribedHoliday = "prescribed_holiday"
	LegalHoliday      = "legal_holiday"
)

// WorkRecord is one employee's attendance (勤怠) on one date: the kind of day, the worked
// segments and breaks as freee holds them after any correction, and leave.
type WorkRecord struct {
	// Date is the date (freee sends a date or a date-time); read it with Day.
	Date string `json:"date"`
	// DayPattern is NormalDay, PrescribedHoliday or LegalHoliday.
	DayPattern         string      `json:"day_pattern"`
	ClockInAt          Timestamp   `json:"clock_in_at"`
	ClockOutAt         Timestamp   `json:"clock_out_at"`
	WorkRecordSegments []TimeRange `json:"work_record_segments"`
	BreakRecords       []TimeRange `json:"break_records"`
	IsAbsence          bool        `json:"is_absence"`
	// PaidHolidays is the paid leave taken (current form).
	PaidHolidays []PaidHoliday `json:"paid_holidays"`
	// PaidHoliday is the days of paid leave taken (the legacy form, before PaidHolidays).
	PaidHoliday model.Days `json:"paid_holiday"`
	// SpecialHoliday is the days of special leave taken (0.5 for a half day).
	SpecialHoliday   model.Days `json:"special_holiday"`
	LatenessMins     int        `json:"lateness_mins"`
	EarlyLeavingMins int        `json:"early_leaving_mins"`
}

// TimeRange is a worked segment or a break.
type TimeRange struct {
	ClockInAt  Timestamp `json:"clock_in_at"`
	ClockOutAt Timestamp `json:"clock_out_at"`
}

// PaidHoliday is paid leave taken on a date.
type PaidHoliday struct {
	// Type is full, half, morning_off, afternoon_off or hourly.
	Type string     `json:"type"`
	Mins int        `json:"mins"`
	Days model.Days `json:"days"`
}

// Day returns the record's business date: a date-time is read in zone.
func (r WorkRecord) Day(zone *time.Location) (model.Date, error) {
	if d, err := model.ParseDate(r.Date); err == nil {
		return d, nil
	}
	t, err := parseTime(r.Date)
	if err != nil || t.IsZero() {
		return model.Date{}, fmt.Errorf("work record date %q: want a date or a date-time", r.Date)
	}
	return model.DateOf(t, zone), nil
}

// PaidLeaveDays returns the days of paid leave taken, whichever form freee sent.
func (r WorkRecord) PaidLeaveDays() model.Days {
	if len(r.PaidHolidays) == 0 {
		return r.PaidHoliday
	}
	var d model.Days
	for _, p := range r.PaidHolidays {
		d += p.Days
	}
	return d
}

// Get returns an employee's attendance on one date.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (get_employee_work_record)
//
//meta:operation GET /api/v1/employees/{employee_id}/work_records/{date}
func (s *WorkRecordsService) Get(ctx context.Context, employeeID int64, date model.Date, companyID int64) (*WorkRecord, *Response, error) {
	q := url.Values{"company_id": {strconv.FormatInt(companyID, 10)}}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/v1/employees/%d/work_records/%s", employeeID, date), nil)
	if err != nil {
		return nil, nil, err
	}
	var rec WorkRecord
	resp, err := s.client.Do(ctx, req, &rec)
	if err != nil {
		return nil, resp, fmt.Errorf("get work record of employee %d on %s: %w", employeeID, date, err)
	}
	return &rec, resp, nil
}
