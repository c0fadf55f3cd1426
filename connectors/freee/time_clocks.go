package freee

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// TimeClocksService lists an employee's punches.
type TimeClocksService service

// The punch types a TimeClock has.
const (
	ClockIn    = "clock_in"
	BreakBegin = "break_begin"
	BreakEnd   = "break_end"
	ClockOut   = "clock_out"
)

// TimeClock is one punch.
type TimeClock struct {
	ID int64 `json:"id"`
	// Date is the business date freee files the punch under: a clock-out after midnight
	// belongs to the date the shift started.
	Date model.Date `json:"date"`
	// Type is ClockIn, BreakBegin, BreakEnd or ClockOut.
	Type     string    `json:"type"`
	Datetime Timestamp `json:"datetime"`
}

// TimeClocksListOptions selects an employee's punches between two dates (inclusive).
type TimeClocksListOptions struct {
	CompanyID int64
	// FromDate and ToDate bound the dates; zero leaves freee's default (the start of the
	// current month's clock period, and today).
	FromDate model.Date
	ToDate   model.Date
	ListOptions
}

// List returns one page of an employee's punches. The answer is a bare array: a page
// shorter than the limit is the last.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (get_employee_time_clocks)
//
//meta:operation GET /api/v1/employees/{employee_id}/time_clocks
func (s *TimeClocksService) List(ctx context.Context, employeeID int64, opts *TimeClocksListOptions) ([]TimeClock, *Response, error) {
	if opts == nil {
		return nil, nil, fmt.Errorf("list time clocks: company_id is required")
	}
	q := url.Values{}
	q.Set("company_id", strconv.FormatInt(opts.CompanyID, 10))
	if !opts.FromDate.IsZero() {
		q.Set("from_date", opts.FromDate.String())
	}
	if !opts.ToDate.IsZero() {
		q.Set("to_date", opts.ToDate.String())
	}
	opts.ListOptions.values(q)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/v1/employees/%d/time_clocks", employeeID), nil)
	if err != nil {
		return nil, nil, err
	}
	var page []TimeClock
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list time clocks of employee %d: %w", employeeID, err)
	}
	resp.NextOffset = nextOffset(&opts.ListOptions, len(page))
	return page, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *TimeClocksService) ListIter(ctx context.Context, employeeID int64, opts TimeClocksListOptions) iter.Seq2[TimeClock, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]TimeClock, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, employeeID, &page)
	})
}
