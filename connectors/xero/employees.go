package xero

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/rest"
)

// EmployeesService reads payroll (UK) employees.
type EmployeesService service

// Employee is a person on the organisation's UK payroll.
type Employee struct {
	EmployeeID string `json:"employeeID"`
	// FirstName and LastName are personal data: never log them.
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	// Email is personal data: never log it.
	Email     string `json:"email"`
	StartDate Date   `json:"startDate"`
	// EndDate is zero while the person is employed.
	EndDate           Date   `json:"endDate"`
	PayrollCalendarID string `json:"payrollCalendarID"`
	// EmployeeNumber is the employee code (社員番号). Xero's description leaves it out of
	// Employee, but its own examples and the API return it.
	EmployeeNumber string `json:"employeeNumber"`
	UpdatedDateUTC Time   `json:"updatedDateUTC"`
}

type employeesPage struct {
	Pagination *Pagination `json:"pagination"`
	Employees  []Employee  `json:"employees"`
}

// List returns one page of employees (PageSize a page).
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/employees
//
//meta:operation GET /payroll.xro/2.0/Employees
func (s *EmployeesService) List(ctx context.Context, opts *ListOptions) ([]Employee, *Response, error) {
	page := opts.page()
	q := url.Values{"page": {strconv.Itoa(page)}}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, payrollAPI+"Employees"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out employeesPage
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list employees: %w", err)
	}
	resp.NextPage = nextPage(out.Pagination, page, len(out.Employees))
	return out.Employees, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *EmployeesService) ListIter(ctx context.Context, opts *ListOptions) iter.Seq2[Employee, error] {
	return all(opts, func(o *ListOptions) ([]Employee, *Response, error) { return s.List(ctx, o) })
}

// Get returns one employee by id.
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/employees
//
//meta:operation GET /payroll.xro/2.0/Employees/{EmployeeID}
func (s *EmployeesService) Get(ctx context.Context, id string) (*Employee, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, payrollAPI+"Employees/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Employee *Employee `json:"employee"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get employee: %w", err)
	}
	if out.Employee == nil {
		return nil, resp, fmt.Errorf("get employee: the answer holds no employee")
	}
	return out.Employee, resp, nil
}

// EarningsRatesService reads payroll (UK) earnings rates: what a timesheet line pays.
type EarningsRatesService service

// EarningsRate is a kind of pay: ordinary hours, overtime at a multiple of the ordinary
// rate, and so on.
type EarningsRate struct {
	EarningsRateID string `json:"earningsRateID"`
	Name           string `json:"name"`
	EarningsType   string `json:"earningsType"`
	RateType       string `json:"rateType"`
	TypeOfUnits    string `json:"typeOfUnits"`
	CurrentRecord  bool   `json:"currentRecord"`
	// MultipleOfOrdinaryEarningsRate is the multiplier of a MultipleOfOrdinaryEarningsRate rate.
	MultipleOfOrdinaryEarningsRate Amount `json:"multipleOfOrdinaryEarningsRate"`
}

// List returns one page of earnings rates (PageSize a page).
//
// Xero API docs: https://developer.xero.com/documentation/api/payrolluk/earningsrates
//
//meta:operation GET /payroll.xro/2.0/EarningsRates
func (s *EarningsRatesService) List(ctx context.Context, opts *ListOptions) ([]EarningsRate, *Response, error) {
	page := opts.page()
	q := url.Values{"page": {strconv.Itoa(page)}}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, payrollAPI+"EarningsRates"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Pagination    *Pagination    `json:"pagination"`
		EarningsRates []EarningsRate `json:"earningsRates"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list earnings rates: %w", err)
	}
	resp.NextPage = nextPage(out.Pagination, page, len(out.EarningsRates))
	return out.EarningsRates, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *EarningsRatesService) ListIter(ctx context.Context, opts *ListOptions) iter.Seq2[EarningsRate, error] {
	return all(opts, func(o *ListOptions) ([]EarningsRate, *Response, error) { return s.List(ctx, o) })
}
