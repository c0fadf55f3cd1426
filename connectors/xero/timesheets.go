package xero

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// TimesheetsService reads and writes payroll (UK) timesheets.
type TimesheetsService service

// Timesheet statuses: only a draft can be changed.
const (
	TimesheetDraft     = "Draft"
	TimesheetApproved  = "Approved"
	TimesheetCompleted = "Completed"
)

// Timesheet is one employee's hours for one pay period of their payroll calendar.
type Timesheet struct {
	TimesheetID       string          `json:"timesheetID,omitempty"`
	PayrollCalendarID string          `json:"payrollCalendarID"`
	EmployeeID        string          `json:"employeeID"`
	StartDate         Date            `json:"startDate"`
	EndDate           Date            `json:"endDate"`
	Status            string          `json:"status,omitempty"`
	TotalHours        Amount          `json:"totalHours,omitempty"`
	UpdatedDateUTC    *Time           `json:"updatedDateUTC,omitempty"`
	TimesheetLines    []TimesheetLine `json:"timesheetLines,omitempty"`
}

// TimesheetLine is the units (hours) of one earnings rate on one date.
type TimesheetLine struct {
	TimesheetLineID string `json:"timesheetLineID,omitempty"`
	Date            Date   `json:"date"`
	EarningsRateID  string `json:"earningsRateID"`
	TrackingItemID  string `json:"trackingItemID,omitempty"`
	// NumberOfUnits is hours as a decimal, e.g. 7.5.
	NumberOfUnits Amount `json:"numberOfUnits"`
}

// TimesheetsListOptions filter and page a list of timesheets.
type TimesheetsListOptions struct {
	// EmployeeID and PayrollCalendarID filter by employee and calendar.
	EmployeeID        string
	PayrollCalendarID string
	// Status filters by status (Draft, Approved, Completed).
	Status string
	// StartDate asks for timesheets starting on or after it; EndDate for those ending on
	// or before it.
	StartDate model.Date
	EndDate   model.Date
	ListOptions
}

// List returns one page of timesheets (PageSize a page), without their lines.
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/timesheets
//
//meta:operation GET /payroll.xro/2.0/Timesheets
func (s *TimesheetsService) List(ctx context.Context, opts *TimesheetsListOptions) ([]Timesheet, *Response, error) {
	if opts == nil {
		opts = &TimesheetsListOptions{}
	}
	page := opts.ListOptions.page()
	q := url.Values{"page": {strconv.Itoa(page)}}
	var filter []string
	if opts.EmployeeID != "" {
		filter = append(filter, "employeeId=="+opts.EmployeeID)
	}
	if opts.PayrollCalendarID != "" {
		filter = append(filter, "payrollCalendarId=="+opts.PayrollCalendarID)
	}
	if len(filter) > 0 {
		q.Set("filter", strings.Join(filter, ","))
	}
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	if !opts.StartDate.IsZero() {
		q.Set("startDate", opts.StartDate.String())
	}
	if !opts.EndDate.IsZero() {
		q.Set("endDate", opts.EndDate.String())
	}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, payrollAPI+"Timesheets"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Pagination *Pagination `json:"pagination"`
		Timesheets []Timesheet `json:"timesheets"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list timesheets: %w", err)
	}
	resp.NextPage = nextPage(out.Pagination, page, len(out.Timesheets))
	return out.Timesheets, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *TimesheetsService) ListIter(ctx context.Context, opts TimesheetsListOptions) iter.Seq2[Timesheet, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]Timesheet, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}

type timesheetObject struct {
	Timesheet *Timesheet `json:"timesheet"`
}

type timesheetLineObject struct {
	TimesheetLine *TimesheetLine `json:"timesheetLine"`
}

// Get returns one timesheet by id, with its lines.
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/timesheets
//
//meta:operation GET /payroll.xro/2.0/Timesheets/{TimesheetID}
func (s *TimesheetsService) Get(ctx context.Context, id string) (*Timesheet, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, payrollAPI+"Timesheets/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, nil, err
	}
	return s.doTimesheet(ctx, req, "get timesheet")
}

// Create creates a draft timesheet with its lines.
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/timesheets
//
//meta:operation POST /payroll.xro/2.0/Timesheets
func (s *TimesheetsService) Create(ctx context.Context, t *Timesheet, opts *WriteOptions) (*Timesheet, *Response, error) {
	req, err := s.client.NewRequest(http.MethodPost, payrollAPI+"Timesheets", t)
	if err != nil {
		return nil, nil, err
	}
	opts.apply(req)
	return s.doTimesheet(ctx, req, "create timesheet")
}

func (s *TimesheetsService) doTimesheet(ctx context.Context, req *http.Request, op string) (*Timesheet, *Response, error) {
	var out timesheetObject
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("%s: %w", op, err)
	}
	if out.Timesheet == nil {
		return nil, resp, fmt.Errorf("%s: the answer holds no timesheet", op)
	}
	return out.Timesheet, resp, nil
}

// CreateLine adds a line to a draft timesheet.
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/timesheets
//
//meta:operation POST /payroll.xro/2.0/Timesheets/{TimesheetID}/Lines
func (s *TimesheetsService) CreateLine(ctx context.Context, timesheetID string, line *TimesheetLine, opts *WriteOptions) (*TimesheetLine, *Response, error) {
	req, err := s.client.NewRequest(http.MethodPost, payrollAPI+"Timesheets/"+url.PathEscape(timesheetID)+"/Lines", line)
	if err != nil {
		return nil, nil, err
	}
	opts.apply(req)
	return s.doLine(ctx, req, "create timesheet line")
}

// UpdateLine replaces a line of a draft timesheet.
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/timesheets
//
//meta:operation PUT /payroll.xro/2.0/Timesheets/{TimesheetID}/Lines/{TimesheetLineID}
func (s *TimesheetsService) UpdateLine(ctx context.Context, timesheetID, lineID string, line *TimesheetLine) (*TimesheetLine, *Response, error) {
	req, err := s.client.NewRequest(http.MethodPut, payrollAPI+"Timesheets/"+url.PathEscape(timesheetID)+"/Lines/"+url.PathEscape(lineID), line)
	if err != nil {
		return nil, nil, err
	}
	return s.doLine(ctx, req, "update timesheet line")
}

func (s *TimesheetsService) doLine(ctx context.Context, req *http.Request, op string) (*TimesheetLine, *Response, error) {
	var out timesheetLineObject
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("%s: %w", op, err)
	}
	if out.TimesheetLine == nil {
		return nil, resp, fmt.Errorf("%s: the answer holds no line", op)
	}
	return out.TimesheetLine, resp, nil
}

// DeleteLine removes a line from a draft timesheet.
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/timesheets
//
//meta:operation DELETE /payroll.xro/2.0/Timesheets/{TimesheetID}/Lines/{TimesheetLineID}
func (s *TimesheetsService) DeleteLine(ctx context.Context, timesheetID, lineID string) (*Response, error) {
	req, err := s.client.NewRequest(http.MethodDelete, payrollAPI+"Timesheets/"+url.PathEscape(timesheetID)+"/Lines/"+url.PathEscape(lineID), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(ctx, req, nil)
	if err != nil {
		return resp, fmt.Errorf("delete timesheet line: %w", err)
	}
	return resp, nil
}
