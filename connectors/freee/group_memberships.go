package freee

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

// GroupMembershipsService reads which groups (部門) employees belong to: their
// departments.
type GroupMembershipsService service

// The values of GroupMembership.MainDuty.
const (
	// MainDuty marks the employee's main group (主務).
	MainDuty = "main_duty"
	// SubDuty marks a group the employee serves in besides their main one (兼務).
	SubDuty = "sub_duty"
	// DutyUnspecified is a membership that is marked neither way.
	DutyUnspecified = "unspecified"
)

// maxEmployeeIDs is the longest employee_ids hr.json allows, in characters.
const maxEmployeeIDs = 8192

// EmployeeGroupMemberships is one employee and the groups they belong to on the base date.
type EmployeeGroupMemberships struct {
	// ID is the employee's freee id.
	ID int64 `json:"id"`
	// Num is the employee code (従業員番号).
	Num                string            `json:"num"`
	PayrollCalculation bool              `json:"payroll_calculation"`
	GroupMemberships   []GroupMembership `json:"group_memberships"`
}

// GroupMembership is one group an employee belongs to, and since when.
type GroupMembership struct {
	StartDate model.Date `json:"start_date"`
	// EndDate is zero while the membership lasts.
	EndDate model.Date `json:"end_date"`
	// MainDuty is MainDuty, SubDuty or DutyUnspecified.
	MainDuty  string `json:"main_duty"`
	GroupID   int64  `json:"group_id"`
	GroupCode string `json:"group_code"`
	// GroupName is the department's name, e.g. 営業部.
	GroupName string `json:"group_name"`
	// Level is the group's depth in the company's tree of groups, 1 at the top.
	Level int `json:"level"`
}

// MainGroup returns the group freee marks as the employee's main duty (主務). When none is
// marked, a single membership that is not a sub duty is the main one by elimination (a
// company that never set up concurrent posts, 兼務, may leave it unspecified). ok is false
// when the employee belongs to no group, or to several without one marked main.
func (e EmployeeGroupMemberships) MainGroup() (m GroupMembership, ok bool) {
	for _, g := range e.GroupMemberships {
		if g.MainDuty == MainDuty {
			return g, true
		}
	}
	if len(e.GroupMemberships) == 1 && e.GroupMemberships[0].MainDuty != SubDuty {
		return e.GroupMemberships[0], true
	}
	return GroupMembership{}, false
}

// GroupMembershipsListOptions selects whose memberships to list, as of which date.
type GroupMembershipsListOptions struct {
	CompanyID int64
	// BaseDate is the date the memberships hold on; required.
	BaseDate model.Date
	// EmployeeIDs limits the list to these employees; none lists the whole company. freee
	// takes at most 8,192 characters of comma-separated ids (about 700 ids of seven digits).
	EmployeeIDs []int64
	// WithNoPayrollCalculation also lists the employees outside payroll (給与計算対象外).
	WithNoPayrollCalculation bool
	ListOptions
}

// groupMembershipsPage is the answer: one page and how many there are in all.
type groupMembershipsPage struct {
	Memberships []EmployeeGroupMemberships `json:"employee_group_memberships"`
	TotalCount  int                        `json:"total_count"`
}

// List returns one page of employees with the groups each belongs to on opts.BaseDate.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (get_employee_group_memberships)
//
//meta:operation GET /api/v1/employee_group_memberships
func (s *GroupMembershipsService) List(ctx context.Context, opts *GroupMembershipsListOptions) ([]EmployeeGroupMemberships, *Response, error) {
	if opts == nil || opts.BaseDate.IsZero() {
		return nil, nil, fmt.Errorf("list group memberships: company_id and base_date are required")
	}
	q := url.Values{}
	q.Set("company_id", strconv.FormatInt(opts.CompanyID, 10))
	q.Set("base_date", opts.BaseDate.String())
	if opts.WithNoPayrollCalculation {
		q.Set("with_no_payroll_calculation", "true")
	}
	if len(opts.EmployeeIDs) > 0 {
		ids := make([]string, len(opts.EmployeeIDs))
		for i, id := range opts.EmployeeIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		joined := strings.Join(ids, ",")
		if len(joined) > maxEmployeeIDs {
			return nil, nil, fmt.Errorf("list group memberships: %d employee ids make employee_ids %d characters long; freee takes at most %d, so ask in smaller batches",
				len(ids), len(joined), maxEmployeeIDs)
		}
		q.Set("employee_ids", joined)
	}
	opts.ListOptions.values(q)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/v1/employee_group_memberships"), nil)
	if err != nil {
		return nil, nil, err
	}
	var page groupMembershipsPage
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list group memberships on %s: %w", opts.BaseDate, err)
	}
	if _, offset := opts.ListOptions.page(); offset+len(page.Memberships) < page.TotalCount && len(page.Memberships) > 0 {
		resp.NextOffset = offset + len(page.Memberships)
	}
	return page.Memberships, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *GroupMembershipsService) ListIter(ctx context.Context, opts GroupMembershipsListOptions) iter.Seq2[EmployeeGroupMemberships, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]EmployeeGroupMemberships, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}
