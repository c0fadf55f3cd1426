package kingoftime

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// WorkingTypesService reads the working types (雇用区分), whose codes key the leave
// endpoints.
type WorkingTypesService service

// WorkingType is one working type.
type WorkingType struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// List returns every working type.
//
// KING OF TIME WebAPI docs: https://developer.kingtime.jp/#従業員-雇用区分データ-get
//
//meta:operation GET /working-types
func (s *WorkingTypesService) List(ctx context.Context) ([]WorkingType, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "working-types", nil)
	if err != nil {
		return nil, nil, err
	}
	var out []WorkingType
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list working types: %w", err)
	}
	return out, resp, nil
}

// MonthlyWorkingsService reads monthly data.
type MonthlyWorkingsService service

// HolidayRemained is one employee's remaining leave (残休暇) as of a month's closing.
type HolidayRemained struct {
	// Date is the day the balance is as of; CloseDate the month's closing day.
	Date            model.Date       `json:"date"`
	CloseDate       int              `json:"closeDate"`
	EmployeeKey     string           `json:"employeeKey"`
	HolidayRemained []RemainingLeave `json:"holidayRemained"`
	// CurrentDateEmployee comes only with FieldCurrentDateEmployee.
	CurrentDateEmployee *Employee `json:"currentDateEmployee"`
}

// RemainingLeave is what is left of one leave type: whole and half days, and hours as
// minutes.
type RemainingLeave struct {
	Day     float64 `json:"day"`
	Minutes int     `json:"minutes"`
	Code    Code    `json:"code"`
	Name    string  `json:"name"`
}

// HolidayRemained returns the remaining leave of every employee of a working type as of the
// closing of a month (YYYY-MM on the wire; KOT refuses a full date there).
//
// KING OF TIME WebAPI docs: https://developer.kingtime.jp/#勤怠-月別残休暇データ-get
//
//meta:operation GET /monthly-workings/holiday-remained/{employeeTypeCode}/{date}
func (s *MonthlyWorkingsService) HolidayRemained(ctx context.Context, typeCode string, year int, month time.Month) ([]HolidayRemained, *Response, error) {
	if typeCode == "" {
		return nil, nil, fmt.Errorf("remaining leave: the working type code is empty")
	}
	ym := fmt.Sprintf("%04d-%02d", year, month)
	req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("monthly-workings/holiday-remained/%s/%s", url.PathEscape(typeCode), ym), nil)
	if err != nil {
		return nil, nil, err
	}
	var out []HolidayRemained
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("remaining leave of working type %s in %s: %w", typeCode, ym, err)
	}
	return out, resp, nil
}
