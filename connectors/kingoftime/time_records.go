package kingoftime

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// TimeRecordsService reads the punches (打刻).
type TimeRecordsService service

// The punch types KOT documents. Others exist and are not published.
const (
	PunchClockIn    Code = "1" // 出勤
	PunchClockOut   Code = "2" // 退勤
	PunchBreakStart Code = "3" // 休憩開始
	PunchBreakEnd   Code = "4" // 休憩終了
	PunchGoOut      Code = "7" // 外出
	PunchGoBack     Code = "8" // 外出戻
)

// TimeRecordDay is one date of punches: every selected employee's punches for it.
type TimeRecordDay struct {
	Date          model.Date        `json:"date"`
	DailyWorkings []EmployeePunches `json:"dailyWorkings"`
}

// EmployeePunches are one employee's punches filed under one work date (勤務日), which a
// night shift's clock-out shares with its clock-in although it falls on the next calendar
// day.
type EmployeePunches struct {
	Date        model.Date `json:"date"`
	EmployeeKey string     `json:"employeeKey"`
	TimeRecord  []Punch    `json:"timeRecord"`
	// CurrentDateEmployee comes only with FieldCurrentDateEmployee.
	CurrentDateEmployee *Employee `json:"currentDateEmployee"`
}

// Punch is one punch.
type Punch struct {
	Time Time `json:"time"`
	// Code is the punch type (PunchClockIn…); KOT writes it as a string.
	Code         Code   `json:"code"`
	Name         string `json:"name"`
	DivisionCode string `json:"divisionCode"`
	DivisionName string `json:"divisionName"`
	// Latitude and Longitude come only when the punch has a location.
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	// CredentialCode and CredentialName say how the punch was made (e.g. KOTSL).
	CredentialCode int    `json:"credentialCode"`
	CredentialName string `json:"credentialName"`
}

// TimeRecordsOptions select the punches of a date range.
type TimeRecordsOptions struct {
	RangeOptions
	// EmployeeKeys keeps these employees; only without Division.
	EmployeeKeys []string
}

// List returns the punches for each date of a range of at most MaxRangeDays, of the
// employees named by EmployeeKeys, or of every employee (of Division, if given).
//
// KING OF TIME WebAPI docs: https://developer.kingtime.jp/#勤怠-日別打刻データ-get
//
//meta:operation GET /daily-workings/timerecord
func (s *TimeRecordsService) List(ctx context.Context, opts *TimeRecordsOptions) ([]TimeRecordDay, *Response, error) {
	var ro *RangeOptions
	var keys []string
	if opts != nil {
		ro, keys = &opts.RangeOptions, opts.EmployeeKeys
	}
	q, err := ro.values()
	if err == nil && len(keys) > 0 && ro.Division != "" {
		err = fmt.Errorf("employeeKeys and division cannot be given together")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("list time records: %w", err)
	}
	if len(keys) > 0 {
		q.Set("employeeKeys", strings.Join(keys, ","))
	}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "daily-workings/timerecord"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out []TimeRecordDay
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list time records: %w", err)
	}
	return out, resp, nil
}

// ListIter walks opts.Start..opts.End, of any length, one request per MaxRangeDays.
func (s *TimeRecordsService) ListIter(ctx context.Context, opts TimeRecordsOptions) iter.Seq2[TimeRecordDay, error] {
	return inRanges(opts.RangeOptions, func(o *RangeOptions) ([]TimeRecordDay, error) {
		part := opts
		part.RangeOptions = *o
		days, _, err := s.List(ctx, &part)
		return days, err
	})
}
