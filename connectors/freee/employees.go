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

// EmployeesService lists a company's employees.
type EmployeesService service

// CompanyEmployee is an employee as the company-wide list returns them (retired ones
// included).
type CompanyEmployee struct {
	ID int64 `json:"id"`
	// Num is the employee code (従業員番号).
	Num         string     `json:"num"`
	DisplayName string     `json:"display_name"`
	EntryDate   model.Date `json:"entry_date"`
	// RetireDate is zero while the employee has not retired.
	RetireDate model.Date `json:"retire_date"`
	// Email is the login email, "" when the employee has no account.
	Email              string `json:"email"`
	PayrollCalculation bool   `json:"payroll_calculation"`
}

// ListCompany returns one page of every employee the company has had, retired ones
// included. The answer is a bare array: a page shorter than the limit is the last.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (get_company_employees)
//
//meta:operation GET /api/v1/companies/{company_id}/employees
func (s *EmployeesService) ListCompany(ctx context.Context, companyID int64, opts *ListOptions) ([]CompanyEmployee, *Response, error) {
	q := url.Values{}
	opts.values(q)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/v1/companies/%d/employees", companyID), nil)
	if err != nil {
		return nil, nil, err
	}
	var page []CompanyEmployee
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list company employees: %w", err)
	}
	resp.NextOffset = nextOffset(opts, len(page))
	return page, resp, nil
}

// ListCompanyIter walks every page of ListCompany, starting at opts.
func (s *EmployeesService) ListCompanyIter(ctx context.Context, companyID int64, opts *ListOptions) iter.Seq2[CompanyEmployee, error] {
	return all(opts, func(o *ListOptions) ([]CompanyEmployee, *Response, error) {
		return s.ListCompany(ctx, companyID, o)
	})
}

// EmployeesListOptions selects the employees on a company's payroll in one month.
type EmployeesListOptions struct {
	CompanyID int64
	// Year and Month name the month. For employees paid the following month (翌月払い) freee
	// answers for Month+1: ask for 2021-12 to get their 2022-01.
	Year  int
	Month int
	ListOptions
}

// Employee is an employee as the monthly list returns them.
type Employee struct {
	ID                 int64      `json:"id"`
	CompanyID          int64      `json:"company_id"`
	Num                string     `json:"num"`
	DisplayName        string     `json:"display_name"`
	EntryDate          model.Date `json:"entry_date"`
	RetireDate         model.Date `json:"retire_date"`
	PayrollCalculation bool       `json:"payroll_calculation"`
}

// employeesPage is the monthly list's answer: one page and how many there are in all.
type employeesPage struct {
	Employees  []Employee `json:"employees"`
	TotalCount int        `json:"total_count"`
}

// List returns one page of the employees on the company's payroll in a month (those retired
// before it are left out). Unlike ListCompany, each item carries the employee's insurance,
// bank and pay rules, so this list moves much more personal data.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (get_employees)
//
//meta:operation GET /api/v1/employees
func (s *EmployeesService) List(ctx context.Context, opts *EmployeesListOptions) ([]Employee, *Response, error) {
	if opts == nil {
		return nil, nil, fmt.Errorf("list employees: company_id, year and month are required")
	}
	q := url.Values{}
	q.Set("company_id", strconv.FormatInt(opts.CompanyID, 10))
	q.Set("year", strconv.Itoa(opts.Year))
	q.Set("month", strconv.Itoa(opts.Month))
	opts.ListOptions.values(q)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/v1/employees"), nil)
	if err != nil {
		return nil, nil, err
	}
	var page employeesPage
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list employees: %w", err)
	}
	if _, offset := opts.ListOptions.page(); offset+len(page.Employees) < page.TotalCount && len(page.Employees) > 0 {
		resp.NextOffset = offset + len(page.Employees)
	}
	return page.Employees, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *EmployeesService) ListIter(ctx context.Context, opts EmployeesListOptions) iter.Seq2[Employee, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]Employee, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}
