package kingoftime

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// EmployeesService reads the employee master.
type EmployeesService service

// Employee is one employee of the master. KOT omits what is null, so every field may be
// empty; the extra fields come only when asked for with additionalFields.
type Employee struct {
	// Key is KOT's stable id (employeeKey elsewhere): it survives a change of Code.
	Key string `json:"key"`
	// Code is the employee code (従業員コード), assigned and changed by people.
	Code         string `json:"code"`
	LastName     string `json:"lastName"`
	FirstName    string `json:"firstName"`
	DivisionCode string `json:"divisionCode"`
	DivisionName string `json:"divisionName"`
	// Gender is male, female or no_selected.
	Gender string `json:"gender"`
	// TypeCode is the working type (雇用区分), the {employeeTypeCode} of the leave endpoints.
	TypeCode       string          `json:"typeCode"`
	TypeName       string          `json:"typeName"`
	EmployeeGroups []EmployeeGroup `json:"employeeGroups"`
	// The additional fields.
	LastNamePhonetics           string     `json:"lastNamePhonetics"`
	FirstNamePhonetics          string     `json:"firstNamePhonetics"`
	HiredDate                   model.Date `json:"hiredDate"`
	BirthDate                   model.Date `json:"birthDate"`
	ResignationDate             model.Date `json:"resignationDate"`
	EmailAddresses              []string   `json:"emailAddresses"`
	AllDayRegardingWorkInMinute *int       `json:"allDayRegardingWorkInMinute"`
}

// EmployeeGroup is a group (従業員グループ) an employee belongs to.
type EmployeeGroup struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// The additional fields of employees.
const (
	FieldLastNamePhonetics  = "lastNamePhonetics"
	FieldFirstNamePhonetics = "firstNamePhonetics"
	FieldHiredDate          = "hiredDate"
	FieldBirthDate          = "birthDate"
	FieldResignationDate    = "resignationDate"
	FieldEmailAddresses     = "emailAddresses"
	FieldContractedMinutes  = "allDayRegardingWorkInMinute"
)

// EmployeesOptions narrow the employee master.
type EmployeesOptions struct {
	// Date is the day the master is read as of (default: today); at most three years back
	// and one year ahead.
	Date model.Date
	// Division keeps one division (所属コード); List only.
	Division string
	// IncludeResigner includes employees who had resigned by Date.
	IncludeResigner bool
	// AdditionalFields names the extra fields to return (the Field constants).
	AdditionalFields []string
}

func (o *EmployeesOptions) values(division bool) url.Values {
	q := url.Values{}
	if o == nil {
		return q
	}
	if !o.Date.IsZero() {
		q.Set("date", o.Date.String())
	}
	if division && o.Division != "" {
		q.Set("division", o.Division)
	}
	if o.IncludeResigner {
		q.Set("includeResigner", strconv.FormatBool(true))
	}
	if len(o.AdditionalFields) > 0 {
		q.Set("additionalFields", strings.Join(o.AdditionalFields, ","))
	}
	return q
}

// List returns the employee master, whole: KOT has no paging.
//
// KING OF TIME WebAPI docs: https://developer.kingtime.jp/#従業員-従業員データ-get
//
//meta:operation GET /employees
func (s *EmployeesService) List(ctx context.Context, opts *EmployeesOptions) ([]Employee, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(opts.values(true), "employees"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out []Employee
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list employees: %w", err)
	}
	return out, resp, nil
}

// Get returns one employee by employee code (not key).
//
// KING OF TIME WebAPI docs: https://developer.kingtime.jp/#従業員-従業員データ-get-1
//
//meta:operation GET /employees/{employeeCode}
func (s *EmployeesService) Get(ctx context.Context, code string, opts *EmployeesOptions) (*Employee, *Response, error) {
	if code == "" {
		return nil, nil, fmt.Errorf("get employee: the employee code is empty")
	}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(opts.values(false), "employees/%s", url.PathEscape(code)), nil)
	if err != nil {
		return nil, nil, err
	}
	out := new(Employee)
	resp, err := s.client.Do(ctx, req, out)
	if err != nil {
		return nil, resp, fmt.Errorf("get employee %s: %w", code, err)
	}
	return out, resp, nil
}
