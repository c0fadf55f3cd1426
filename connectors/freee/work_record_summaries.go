package freee

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// WorkRecordSummariesService reads and replaces one employee's monthly attendance totals
// (勤怠情報月次サマリ), which freee payroll computes pay from.
type WorkRecordSummariesService service

// WorkRecordSummary is one employee's monthly totals as freee answers them. Year and Month
// name the pay month; StartDate–EndDate is the attendance period it covers.
type WorkRecordSummary struct {
	Year      int        `json:"year"`
	Month     int        `json:"month"`
	StartDate model.Date `json:"start_date"`
	EndDate   model.Date `json:"end_date"`

	WorkDays                          model.Days `json:"work_days"`
	TotalWorkMins                     int        `json:"total_work_mins"`
	TotalNormalWorkMins               int        `json:"total_normal_work_mins"`
	TotalExcessStatutoryWorkMins      int        `json:"total_excess_statutory_work_mins"`
	TotalOvertimeExceptNormalWorkMins int        `json:"total_overtime_except_normal_work_mins"`
	TotalOvertimeWithinNormalWorkMins int        `json:"total_overtime_within_normal_work_mins"`
	TotalPrescribedHolidayWorkMins    int        `json:"total_prescribed_holiday_work_mins"`
	TotalHolidayWorkMins              int        `json:"total_holiday_work_mins"`
	TotalLatenightWorkMins            int        `json:"total_latenight_work_mins"`
	TotalLatenessAndEarlyLeavingMins  int        `json:"total_lateness_and_early_leaving_mins"`
	NumAbsences                       model.Days `json:"num_absences"`
	NumPaidHolidays                   model.Days `json:"num_paid_holidays"`
	NumSpecialHolidaysUsed            model.Days `json:"num_special_holidays_used"`

	// NumPaidHolidaysLeft is the paid leave left (有給残日数) in days; nil when freee did not
	// say. NumPaidHolidaysAndHoursLeft is the same balance split into whole or half days and
	// hours of hourly leave (時間単位年休), nil when freee did not send it.
	NumPaidHolidaysLeft         *model.Days   `json:"num_paid_holidays_left"`
	NumPaidHolidaysAndHoursLeft *DaysAndHours `json:"num_paid_holidays_and_hours_left"`

	// WorkRecords are the daily records, when asked for with WorkRecords: true.
	WorkRecords []WorkRecord `json:"work_records"`
}

// DaysAndHours is an amount of leave as freee splits it: days (0.5 for a half day) and
// hours.
type DaysAndHours struct {
	Days  model.Days `json:"days"`
	Hours int        `json:"hours"`
}

// WorkRecordSummaryUpdate is the whole body of a summary PUT. freee sets every field a PUT
// leaves out to 0, so no field is omitted: a PUT always states the complete summary.
type WorkRecordSummaryUpdate struct {
	CompanyID int64 `json:"company_id"`

	WorkDays                     model.Days `json:"work_days"`
	WorkDaysOnWeekdays           model.Days `json:"work_days_on_weekdays"`
	WorkDaysOnPrescribedHolidays model.Days `json:"work_days_on_prescribed_holidays"`
	WorkDaysOnLegalHolidays      model.Days `json:"work_days_on_legal_holidays"`

	TotalWorkMins                      int `json:"total_work_mins"`
	TotalNormalWorkMins                int `json:"total_normal_work_mins"`
	TotalExcessStatutoryWorkMins       int `json:"total_excess_statutory_work_mins"`
	TotalActualExcessStatutoryWorkMins int `json:"total_actual_excess_statutory_work_mins"`
	TotalOvertimeWorkMins              int `json:"total_overtime_work_mins"`
	TotalHolidayWorkMins               int `json:"total_holiday_work_mins"`
	TotalPrescribedHolidayWorkMins     int `json:"total_prescribed_holiday_work_mins"`
	TotalLatenightWorkMins             int `json:"total_latenight_work_mins"`

	NumAbsences             model.Days `json:"num_absences"`
	NumAbsencesForDeduction model.Days `json:"num_absences_for_deduction"`
	NumPaidHolidays         model.Days `json:"num_paid_holidays"`

	TotalLatenessMins                           int `json:"total_lateness_mins"`
	TotalLatenessMinsForDeduction               int `json:"total_lateness_mins_for_deduction"`
	TotalEarlyLeavingMins                       int `json:"total_early_leaving_mins"`
	TotalEarlyLeavingMinsForDeduction           int `json:"total_early_leaving_mins_for_deduction"`
	TotalShortageWorkMins                       int `json:"total_shortage_work_mins"`
	TotalDeemedPaidExcessStatutoryWorkMins      int `json:"total_deemed_paid_excess_statutory_work_mins"`
	TotalDeemedPaidOvertimeExceptNormalWorkMins int `json:"total_deemed_paid_overtime_except_normal_work_mins"`
}

// WorkRecordSummaryOptions says which company, and whether to include the daily records.
type WorkRecordSummaryOptions struct {
	CompanyID   int64
	WorkRecords bool
}

// Get returns an employee's totals for a pay month, with the daily records when
// opts.WorkRecords is set.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (get_employee_work_record_summary)
//
//meta:operation GET /api/v1/employees/{employee_id}/work_record_summaries/{year}/{month}
func (s *WorkRecordSummariesService) Get(ctx context.Context, employeeID int64, year, month int, opts *WorkRecordSummaryOptions) (*WorkRecordSummary, *Response, error) {
	if opts == nil {
		return nil, nil, fmt.Errorf("get work record summary: company_id is required")
	}
	q := url.Values{"company_id": {strconv.FormatInt(opts.CompanyID, 10)}}
	if opts.WorkRecords {
		q.Set("work_records", "true")
	}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/v1/employees/%d/work_record_summaries/%d/%d", employeeID, year, month), nil)
	if err != nil {
		return nil, nil, err
	}
	var sum WorkRecordSummary
	resp, err := s.client.Do(ctx, req, &sum)
	if err != nil {
		return nil, resp, fmt.Errorf("get work record summary of employee %d for %d-%02d: %w", employeeID, year, month, err)
	}
	return &sum, resp, nil
}

// Update replaces an employee's totals for a pay month with body, creating them if there
// were none. Only a company admin may call it.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (update_employee_work_record_summary)
//
//meta:operation PUT /api/v1/employees/{employee_id}/work_record_summaries/{year}/{month}
func (s *WorkRecordSummariesService) Update(ctx context.Context, employeeID int64, year, month int, body *WorkRecordSummaryUpdate) (*WorkRecordSummary, *Response, error) {
	if body == nil {
		return nil, nil, fmt.Errorf("update work record summary: a body is required")
	}
	req, err := s.client.NewRequest(http.MethodPut, fmt.Sprintf("api/v1/employees/%d/work_record_summaries/%d/%d", employeeID, year, month), body)
	if err != nil {
		return nil, nil, err
	}
	var sum WorkRecordSummary
	resp, err := s.client.Do(ctx, req, &sum)
	if err != nil {
		return nil, resp, fmt.Errorf("update work record summary of employee %d for %d-%02d: %w", employeeID, year, month, err)
	}
	return &sum, resp, nil
}
