package freeetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// handlers are the operations the sandbox serves; every other operation of hr.json answers 501.
var handlers = map[string]handler{
	"get_users_me":                        (*Server).usersMe,
	"get_employees":                       (*Server).employees,
	"get_company_employees":               (*Server).companyEmployees,
	"get_employee_group_memberships":      (*Server).groupMemberships,
	"get_employee_time_clocks":            (*Server).timeClocks,
	"get_employee_work_record":            (*Server).workRecord,
	"get_employee_work_record_summary":    (*Server).workRecordSummary,
	"update_employee_work_record_summary": (*Server).updateWorkRecordSummary,
}

// call is one validated request: the parameters parse, because hr.json said they must.
type call struct {
	r     *http.Request
	query url.Values
}

func (c *call) q() url.Values {
	if c.query == nil {
		c.query = c.r.URL.Query()
	}
	return c.query
}

func (c *call) queryInt(name string, def int) int {
	v := c.q().Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}

func (c *call) queryDate(name string, def model.Date) model.Date {
	d, err := model.ParseDate(c.q().Get(name))
	if err != nil {
		return def
	}
	return d
}

func (c *call) pathInt(name string) int {
	n, _ := strconv.Atoi(c.r.PathValue(name))
	return n
}

// page cuts items[offset:offset+limit] with freee's defaults (limit 50).
func page[T any](c *call, items []T) []T {
	limit, offset := c.queryInt("limit", 50), c.queryInt("offset", 0)
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(offset+limit, len(items))]
}

// company answers 403 company_not_found unless id is the demo company.
func (s *Server) company(id int) (reply, bool) {
	if id != s.co.id {
		return companyNotFound(), false
	}
	return reply{}, true
}

// employeeIn finds the employee named by the path in company companyID.
func (s *Server) employeeIn(c *call, companyID int) (*Employee, reply, bool) {
	if rep, ok := s.company(companyID); !ok {
		return nil, rep, false
	}
	e, ok := s.co.employee(c.pathInt("employee_id"))
	if !ok {
		return nil, notFound("従業員が見つかりません。"), false
	}
	return e, reply{}, true
}

// Wire formats. freee sends instants in Asia/Tokyo with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func stamp(t time.Time) string { return t.In(tokyo).Format(timeLayout) }

func stampOrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	v := stamp(t)
	return &v
}

// --- users/me

type meJSON struct {
	ID        int             `json:"id"`
	Companies []meCompanyJSON `json:"companies"`
}

type meCompanyJSON struct {
	ID          int     `json:"id"`
	Name        string  `json:"name"`
	Role        string  `json:"role"`
	ExternalCID string  `json:"external_cid"`
	EmployeeID  *int    `json:"employee_id"`
	DisplayName *string `json:"display_name"`
}

func (s *Server) usersMe(*call) reply {
	return jsonReply(http.StatusOK, meJSON{
		ID: adminUserID,
		Companies: []meCompanyJSON{{
			ID: s.co.id, Name: s.co.name, Role: "company_admin",
			ExternalCID: strconv.Itoa(1000000000 + s.co.id%1000000000),
		}},
	})
}

// --- employees

type employeeJSON struct {
	ID                                 int              `json:"id"`
	CompanyID                          int              `json:"company_id"`
	Num                                string           `json:"num"`
	DisplayName                        string           `json:"display_name"`
	BasePensionNum                     *string          `json:"base_pension_num"`
	EmploymentInsuranceReferenceNumber string           `json:"employment_insurance_reference_number"`
	BirthDate                          string           `json:"birth_date"`
	EntryDate                          string           `json:"entry_date"`
	RetireDate                         *string          `json:"retire_date"`
	UserID                             *int             `json:"user_id"`
	ProfileRule                        profileRuleJSON  `json:"profile_rule"`
	HealthInsuranceRule                *struct{}        `json:"health_insurance_rule"`
	WelfarePensionInsuranceRule        *struct{}        `json:"welfare_pension_insurance_rule"`
	DependentRules                     []struct{}       `json:"dependent_rules"`
	BankAccountRule                    *struct{}        `json:"bank_account_rule"`
	BasicPayRule                       basicPayRuleJSON `json:"basic_pay_rule"`
	PayrollCalculation                 bool             `json:"payroll_calculation"`
	CompanyReferenceDateRuleName       *string          `json:"company_reference_date_rule_name"`
}

type profileRuleJSON struct {
	ID               int    `json:"id"`
	CompanyID        int    `json:"company_id"`
	EmployeeID       int    `json:"employee_id"`
	LastName         string `json:"last_name"`
	FirstName        string `json:"first_name"`
	LastNameKana     string `json:"last_name_kana"`
	FirstNameKana    string `json:"first_name_kana"`
	EmploymentType   string `json:"employment_type"`
	Title            string `json:"title"`
	Gender           string `json:"gender"`
	Married          bool   `json:"married"`
	IsWorkingStudent bool   `json:"is_working_student"`
	WidowType        string `json:"widow_type"`
	DisabilityType   string `json:"disability_type"`
	Email            string `json:"email"`
	HouseholderName  string `json:"householder_name"`
	Householder      string `json:"householder"`
}

type basicPayRuleJSON struct {
	ID          int    `json:"id"`
	CompanyID   int    `json:"company_id"`
	EmployeeID  int    `json:"employee_id"`
	PayCalcType string `json:"pay_calc_type"`
	PayAmount   int64  `json:"pay_amount"`
}

// referenceDateRule is the demo company's only pay rule: closing at month end, paid on the
// 25th of the same month, so a summary's year/month (the pay month) is the worked month.
const referenceDateRule = "末締め当月25日払い"

func (s *Server) employeeJSON(e *Employee) employeeJSON {
	rule := referenceDateRule
	userID := e.UserID
	return employeeJSON{
		ID: e.ID, CompanyID: s.co.id, Num: e.Num, DisplayName: e.DisplayName,
		BirthDate: e.BirthDate.String(), EntryDate: e.EntryDate.String(), UserID: &userID,
		ProfileRule: profileRuleJSON{
			ID: e.ID, CompanyID: s.co.id, EmployeeID: e.ID,
			LastName: e.LastName, FirstName: e.FirstName,
			LastNameKana: e.LastNameKana, FirstNameKana: e.FirstNameKana,
			EmploymentType: e.EmploymentType, Gender: e.Gender,
			WidowType: "na", DisabilityType: "na", Email: e.Email, Householder: "myself",
		},
		DependentRules: []struct{}{},
		BasicPayRule: basicPayRuleJSON{
			ID: e.ID, CompanyID: s.co.id, EmployeeID: e.ID, PayCalcType: "monthly", PayAmount: e.BasicPay,
		},
		PayrollCalculation:           true,
		CompanyReferenceDateRuleName: &rule,
	}
}

// employees serves GET /api/v1/employees: those on the books in the given month.
func (s *Server) employees(c *call) reply {
	if rep, ok := s.company(c.queryInt("company_id", 0)); !ok {
		return rep
	}
	monthEnd := model.NewDate(c.queryInt("year", 0), time.Month(c.queryInt("month", 0))+1, 0)
	var in []*Employee
	for i := range s.co.employees {
		if e := &s.co.employees[i]; !e.EntryDate.After(monthEnd) {
			in = append(in, e)
		}
	}
	out := struct {
		Employees  []employeeJSON `json:"employees"`
		TotalCount int            `json:"total_count"`
	}{Employees: []employeeJSON{}, TotalCount: len(in)}
	for _, e := range page(c, in) {
		out.Employees = append(out.Employees, s.employeeJSON(e))
	}
	return jsonReply(http.StatusOK, out)
}

type companyEmployeeJSON struct {
	ID                 int     `json:"id"`
	Num                string  `json:"num"`
	DisplayName        string  `json:"display_name"`
	EntryDate          string  `json:"entry_date"`
	RetireDate         *string `json:"retire_date"`
	UserID             *int    `json:"user_id"`
	Email              *string `json:"email"`
	PayrollCalculation bool    `json:"payroll_calculation"`
	ClosingDay         *int    `json:"closing_day"`
	PayDay             *int    `json:"pay_day"`
	MonthOfPayDay      *string `json:"month_of_pay_day"`
}

// companyEmployees serves GET /api/v1/companies/{company_id}/employees: a bare array.
func (s *Server) companyEmployees(c *call) reply {
	if rep, ok := s.company(c.pathInt("company_id")); !ok {
		return rep
	}
	// Closing day 0 stands for 末日 (month end) in the sandbox; freee does not document it.
	closing, payDay, payMonth := 0, 25, "current_month"
	out := []companyEmployeeJSON{}
	for _, e := range page(c, s.co.employees) {
		userID, email := e.UserID, e.Email
		out = append(out, companyEmployeeJSON{
			ID: e.ID, Num: e.Num, DisplayName: e.DisplayName, EntryDate: e.EntryDate.String(),
			UserID: &userID, Email: &email, PayrollCalculation: true,
			ClosingDay: &closing, PayDay: &payDay, MonthOfPayDay: &payMonth,
		})
	}
	return jsonReply(http.StatusOK, out)
}

// --- group memberships (departments)

type membershipEmployeeJSON struct {
	ID                 int              `json:"id"`
	Num                string           `json:"num"`
	DisplayName        string           `json:"display_name"`
	EntryDate          string           `json:"entry_date"`
	RetireDate         *string          `json:"retire_date"`
	UserID             *int             `json:"user_id"`
	LoginEmail         *string          `json:"login_email"`
	BirthDate          string           `json:"birth_date"`
	Gender             string           `json:"gender"`
	PayrollCalculation bool             `json:"payroll_calculation"`
	GroupMemberships   []membershipJSON `json:"group_memberships"`
}

type membershipJSON struct {
	StartDate       string  `json:"start_date"`
	BossID          *int    `json:"boss_id"`
	MainDuty        string  `json:"main_duty"`
	GroupID         int     `json:"group_id"`
	GroupCode       string  `json:"group_code"`
	GroupName       string  `json:"group_name"`
	Level           int     `json:"level"`
	PositionID      *int    `json:"position_id"`
	PositionCode    *string `json:"position_code"`
	PositionName    *string `json:"position_name"`
	ParentGroupID   *int    `json:"parent_group_id"`
	ParentGroupCode *string `json:"parent_group_code"`
	ParentGroupName *string `json:"parent_group_name"`
}

// groupMemberships serves GET /api/v1/employee_group_memberships: each employee's
// department (部門) as of base_date, as their main duty (主務); one whose department
// SetDepartment cleared has no membership. Employees who joined after base_date are left
// out.
func (s *Server) groupMemberships(c *call) reply {
	if rep, ok := s.company(c.queryInt("company_id", 0)); !ok {
		return rep
	}
	base := c.queryDate("base_date", s.co.last)
	var in []*Employee
	if ids := c.q().Get("employee_ids"); ids != "" {
		var asked []int
		for id := range strings.SplitSeq(ids, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(id)); err == nil {
				asked = append(asked, n)
			}
		}
		slices.Sort(asked)
		for _, id := range slices.Compact(asked) {
			if e, ok := s.co.employee(id); ok && !e.EntryDate.After(base) {
				in = append(in, e)
			}
		}
	} else {
		for i := range s.co.employees {
			if e := &s.co.employees[i]; !e.EntryDate.After(base) {
				in = append(in, e)
			}
		}
	}
	out := struct {
		Memberships []membershipEmployeeJSON `json:"employee_group_memberships"`
		TotalCount  int                      `json:"total_count"`
	}{Memberships: []membershipEmployeeJSON{}, TotalCount: len(in)}
	for _, e := range page(c, in) {
		userID, email := e.UserID, e.Email
		groups := []membershipJSON{}
		if d := s.withDepartment(*e).Department; d != (Department{}) {
			groups = append(groups, membershipJSON{
				StartDate: e.EntryDate.String(), MainDuty: "main_duty", Level: 1,
				GroupID: d.ID, GroupCode: d.Code, GroupName: d.Name,
			})
		}
		out.Memberships = append(out.Memberships, membershipEmployeeJSON{
			ID: e.ID, Num: e.Num, DisplayName: e.DisplayName, EntryDate: e.EntryDate.String(),
			UserID: &userID, LoginEmail: &email, BirthDate: e.BirthDate.String(), Gender: e.Gender,
			PayrollCalculation: true, GroupMemberships: groups,
		})
	}
	return jsonReply(http.StatusOK, out)
}

// --- time clocks

type timeClockJSON struct {
	ID               int    `json:"id"`
	Date             string `json:"date"`
	Type             string `json:"type"`
	Datetime         string `json:"datetime"`
	OriginalDatetime string `json:"original_datetime"`
	Note             string `json:"note"`
}

// timeClocks serves GET /api/v1/employees/{id}/time_clocks: a bare array in time order,
// from_date..to_date (default: the demo month), at most 100 a page.
func (s *Server) timeClocks(c *call) reply {
	e, rep, ok := s.employeeIn(c, c.queryInt("company_id", 0))
	if !ok {
		return rep
	}
	from, to := c.queryDate("from_date", s.co.first), c.queryDate("to_date", s.co.last)
	if to.Before(from) {
		return badRequest("to_date は from_date 以降の日付を指定してください。")
	}
	// Nothing exists before the employee joined or after the last day served (the demo
	// month's, or Options.Through): skip those days.
	if from.Before(e.EntryDate) {
		from = e.EntryDate
	}
	if to.After(s.co.through) {
		to = s.co.through
	}
	out := []timeClockJSON{}
	if !to.Before(from) {
		for _, d := range s.days(e, from, to) {
			for seq, cl := range d.clocks() {
				at := stamp(cl.at)
				out = append(out, timeClockJSON{
					ID: s.co.clockID(e, d.Date, seq), Date: d.Date.String(), Type: cl.typ,
					Datetime: at, OriginalDatetime: at,
				})
			}
		}
	}
	return jsonReply(http.StatusOK, page(c, out))
}

// --- work records

type timeRangeJSON struct {
	ClockInAt  string `json:"clock_in_at"`
	ClockOutAt string `json:"clock_out_at"`
}

type paidHolidayJSON struct {
	Type string     `json:"type"`
	Mins int        `json:"mins"`
	Days model.Days `json:"days"`
}

type workRecordJSON struct {
	BreakRecords                              []timeRangeJSON   `json:"break_records"`
	WorkRecordSegments                        []timeRangeJSON   `json:"work_record_segments"`
	ClockInAt                                 *string           `json:"clock_in_at"`
	ClockOutAt                                *string           `json:"clock_out_at"`
	Date                                      string            `json:"date"`
	DayPattern                                DayPattern        `json:"day_pattern"`
	SchedulePattern                           string            `json:"schedule_pattern"`
	EarlyLeavingMins                          int               `json:"early_leaving_mins"`
	HalfSpecialHolidayMins                    int               `json:"half_special_holiday_mins"`
	HourlySpecialHolidayMins                  int               `json:"hourly_special_holiday_mins"`
	IsAbsence                                 bool              `json:"is_absence"`
	IsEditable                                bool              `json:"is_editable"`
	LatenessMins                              int               `json:"lateness_mins"`
	NormalWorkClockInAt                       *string           `json:"normal_work_clock_in_at"`
	NormalWorkClockOutAt                      *string           `json:"normal_work_clock_out_at"`
	NormalWorkMins                            int               `json:"normal_work_mins"`
	Note                                      string            `json:"note"`
	PaidHolidays                              []paidHolidayJSON `json:"paid_holidays"`
	SpecialHoliday                            model.Days        `json:"special_holiday"`
	SpecialHolidaySettingID                   *int              `json:"special_holiday_setting_id"`
	UseAttendanceDeduction                    bool              `json:"use_attendance_deduction"`
	UseDefaultWorkPattern                     bool              `json:"use_default_work_pattern"`
	UseHalfCompensatoryHoliday                bool              `json:"use_half_compensatory_holiday"`
	TotalOvertimeWorkMins                     int               `json:"total_overtime_work_mins"`
	TotalPrescribedHolidayWorkMins            int               `json:"total_prescribed_holiday_work_mins"`
	TotalHolidayWorkMins                      int               `json:"total_holiday_work_mins"`
	TotalLatenightWorkMins                    int               `json:"total_latenight_work_mins"`
	NotAutoCalcWorkTime                       bool              `json:"not_auto_calc_work_time"`
	TotalExcessStatutoryWorkMins              int               `json:"total_excess_statutory_work_mins"`
	TotalLatenightExcessStatutoryWorkMins     int               `json:"total_latenight_excess_statutory_work_mins"`
	TotalOvertimeExceptNormalWorkMins         int               `json:"total_overtime_except_normal_work_mins"`
	TotalLatenightOvertimeExceptNormalWorkMin int               `json:"total_latenight_overtime_except_normal_work_min"`
}

func workRecord(d Day) workRecordJSON {
	m := d.Minutes
	w := workRecordJSON{
		BreakRecords:       []timeRangeJSON{},
		WorkRecordSegments: []timeRangeJSON{},
		ClockInAt:          stampOrNil(d.ClockIn),
		ClockOutAt:         stampOrNil(d.ClockOut),
		Date:               stamp(d.Date.In(tokyo)),
		DayPattern:         d.Pattern,
		EarlyLeavingMins:   m.EarlyLeaving,
		IsAbsence:          d.Absent,
		IsEditable:         true,
		LatenessMins:       m.Lateness,
		PaidHolidays:       []paidHolidayJSON{},
		// The demo company deducts absence, lateness and early leaving, with one work pattern.
		UseAttendanceDeduction:                    true,
		UseDefaultWorkPattern:                     true,
		TotalOvertimeWorkMins:                     m.ExcessStatutory + m.Overtime,
		TotalPrescribedHolidayWorkMins:            m.PrescribedHoliday,
		TotalHolidayWorkMins:                      m.Holiday,
		TotalLatenightWorkMins:                    m.Latenight,
		TotalExcessStatutoryWorkMins:              m.ExcessStatutory,
		TotalLatenightExcessStatutoryWorkMins:     m.LatenightExcessStatutory,
		TotalOvertimeExceptNormalWorkMins:         m.Overtime,
		TotalLatenightOvertimeExceptNormalWorkMin: m.LatenightOvertime,
	}
	if from, to, ok := prescribedHours(Day{Date: d.Date, Pattern: d.Pattern}); ok {
		w.NormalWorkClockInAt, w.NormalWorkClockOutAt = stampOrNil(from), stampOrNil(to)
		w.NormalWorkMins = prescribedMins
	}
	for _, b := range d.Breaks {
		w.BreakRecords = append(w.BreakRecords, timeRangeJSON{stamp(b.Start), stamp(b.End)})
	}
	if d.Worked() && !d.ClockOut.IsZero() {
		w.WorkRecordSegments = append(w.WorkRecordSegments, timeRangeJSON{stamp(d.ClockIn), stamp(d.ClockOut)})
	}
	switch d.PaidLeave {
	case FullDayLeave:
		w.PaidHolidays = append(w.PaidHolidays, paidHolidayJSON{string(FullDayLeave), prescribedMins, fullLeaveDays})
	case HalfDayLeave:
		w.PaidHolidays = append(w.PaidHolidays, paidHolidayJSON{string(HalfDayLeave), halfLeaveMins, halfLeaveDays})
	}
	return w
}

// workRecord serves GET /api/v1/employees/{id}/work_records/{date}.
func (s *Server) workRecord(c *call) reply {
	e, rep, ok := s.employeeIn(c, c.queryInt("company_id", 0))
	if !ok {
		return rep
	}
	d, err := model.ParseDate(c.r.PathValue("date"))
	if err != nil {
		return badRequest("date は YYYY-MM-DD で指定してください。")
	}
	return jsonReply(http.StatusOK, workRecord(s.days(e, d, d)[0]))
}

// --- work record summaries

// Summary is a monthly work-record summary as a client wrote it with PUT: every field of
// the request body, those omitted stored as 0, as freee does.
type Summary struct {
	CompanyID                                   int        `json:"company_id"`
	WorkDays                                    model.Days `json:"work_days"`
	WorkDaysOnWeekdays                          model.Days `json:"work_days_on_weekdays"`
	WorkDaysOnPrescribedHolidays                model.Days `json:"work_days_on_prescribed_holidays"`
	WorkDaysOnLegalHolidays                     model.Days `json:"work_days_on_legal_holidays"`
	TotalWorkMins                               int        `json:"total_work_mins"`
	TotalNormalWorkMins                         int        `json:"total_normal_work_mins"`
	TotalExcessStatutoryWorkMins                int        `json:"total_excess_statutory_work_mins"`
	TotalHolidayWorkMins                        int        `json:"total_holiday_work_mins"`
	TotalLatenightWorkMins                      int        `json:"total_latenight_work_mins"`
	TotalActualExcessStatutoryWorkMins          int        `json:"total_actual_excess_statutory_work_mins"`
	TotalOvertimeWorkMins                       int        `json:"total_overtime_work_mins"`
	TotalPrescribedHolidayWorkMins              int        `json:"total_prescribed_holiday_work_mins"`
	NumAbsences                                 model.Days `json:"num_absences"`
	NumAbsencesForDeduction                     model.Days `json:"num_absences_for_deduction"`
	TotalLatenessMins                           int        `json:"total_lateness_mins"`
	TotalLatenessMinsForDeduction               int        `json:"total_lateness_mins_for_deduction"`
	TotalEarlyLeavingMins                       int        `json:"total_early_leaving_mins"`
	TotalEarlyLeavingMinsForDeduction           int        `json:"total_early_leaving_mins_for_deduction"`
	NumPaidHolidays                             model.Days `json:"num_paid_holidays"`
	TotalShortageWorkMins                       int        `json:"total_shortage_work_mins"`
	TotalDeemedPaidExcessStatutoryWorkMins      int        `json:"total_deemed_paid_excess_statutory_work_mins"`
	TotalDeemedPaidOvertimeExceptNormalWorkMins int        `json:"total_deemed_paid_overtime_except_normal_work_mins"`
}

type daysAndHoursJSON struct {
	Days  model.Days `json:"days"`
	Hours int        `json:"hours"`
}

type summaryJSON struct {
	Year                                        int              `json:"year"`
	Month                                       int              `json:"month"`
	StartDate                                   string           `json:"start_date"`
	EndDate                                     string           `json:"end_date"`
	WorkDays                                    model.Days       `json:"work_days"`
	TotalWorkMins                               int              `json:"total_work_mins"`
	TotalNormalWorkMins                         int              `json:"total_normal_work_mins"`
	TotalExcessStatutoryWorkMins                int              `json:"total_excess_statutory_work_mins"`
	TotalOvertimeExceptNormalWorkMins           int              `json:"total_overtime_except_normal_work_mins"`
	TotalOvertimeWithinNormalWorkMins           int              `json:"total_overtime_within_normal_work_mins"`
	TotalPrescribedHolidayWorkMins              int              `json:"total_prescribed_holiday_work_mins"`
	TotalHolidayWorkMins                        int              `json:"total_holiday_work_mins"`
	TotalLatenightWorkMins                      int              `json:"total_latenight_work_mins"`
	NumAbsences                                 model.Days       `json:"num_absences"`
	NumPaidHolidays                             model.Days       `json:"num_paid_holidays"`
	NumPaidHolidaysAndHours                     daysAndHoursJSON `json:"num_paid_holidays_and_hours"`
	NumPaidHolidaysLeft                         model.Days       `json:"num_paid_holidays_left"`
	NumPaidHolidaysAndHoursLeft                 daysAndHoursJSON `json:"num_paid_holidays_and_hours_left"`
	NumSubstituteHolidaysUsed                   model.Days       `json:"num_substitute_holidays_used"`
	NumCompensatoryHolidaysUsed                 model.Days       `json:"num_compensatory_holidays_used"`
	NumSpecialHolidaysUsed                      model.Days       `json:"num_special_holidays_used"`
	NumSpecialHolidaysAndHoursUsed              daysAndHoursJSON `json:"num_special_holidays_and_hours_used"`
	TotalLatenessAndEarlyLeavingMins            int              `json:"total_lateness_and_early_leaving_mins"`
	WorkRecords                                 []workRecordJSON `json:"work_records,omitzero"`
	TotalShortageWorkMins                       *int             `json:"total_shortage_work_mins"`
	TotalDeemedPaidExcessStatutoryWorkMins      *int             `json:"total_deemed_paid_excess_statutory_work_mins"`
	TotalDeemedPaidOvertimeExceptNormalWorkMins *int             `json:"total_deemed_paid_overtime_except_normal_work_mins"`
}

// summaryOf is the month's summary: the one written by PUT if any, else totals computed
// from the days. A written summary reads back under GET's names: total_overtime_work_mins
// as total_overtime_except_normal_work_mins, lateness and early leaving as their sum; the
// PUT-only fields (work days by kind, the *_for_deduction ones) are kept but not shown.
// The paid leave left is always the demo company's balance (leave.go), computed from the
// days whether or not a summary was written, as freee keeps it from the leave taken.
func (s *Server) summaryOf(e *Employee, year int, month time.Month, withRecords bool) summaryJSON {
	first, last := model.NewDate(year, month, 1), model.NewDate(year, month+1, 0)
	out := summaryJSON{Year: year, Month: int(month), StartDate: first.String(), EndDate: last.String()}
	written, ok := s.Summary(e.ID, year, month)
	var days []Day
	if !ok || withRecords {
		days = s.days(e, first, last)
	}
	if ok {
		out.WorkDays = written.WorkDays
		out.TotalWorkMins = written.TotalWorkMins
		out.TotalNormalWorkMins = written.TotalNormalWorkMins
		out.TotalExcessStatutoryWorkMins = written.TotalExcessStatutoryWorkMins
		out.TotalOvertimeExceptNormalWorkMins = written.TotalOvertimeWorkMins
		out.TotalPrescribedHolidayWorkMins = written.TotalPrescribedHolidayWorkMins
		out.TotalHolidayWorkMins = written.TotalHolidayWorkMins
		out.TotalLatenightWorkMins = written.TotalLatenightWorkMins
		out.NumAbsences = written.NumAbsences
		out.NumPaidHolidays = written.NumPaidHolidays
		out.TotalLatenessAndEarlyLeavingMins = written.TotalLatenessMins + written.TotalEarlyLeavingMins
		out.TotalShortageWorkMins = &written.TotalShortageWorkMins
		out.TotalDeemedPaidExcessStatutoryWorkMins = &written.TotalDeemedPaidExcessStatutoryWorkMins
		out.TotalDeemedPaidOvertimeExceptNormalWorkMins = &written.TotalDeemedPaidOvertimeExceptNormalWorkMins
	} else {
		t := summarize(days)
		out.WorkDays = t.workDays
		out.TotalWorkMins = t.Work
		out.TotalNormalWorkMins = t.Normal
		out.TotalExcessStatutoryWorkMins = t.ExcessStatutory
		out.TotalOvertimeExceptNormalWorkMins = t.Overtime
		out.TotalPrescribedHolidayWorkMins = t.PrescribedHoliday
		out.TotalHolidayWorkMins = t.Holiday
		out.TotalLatenightWorkMins = t.Latenight
		out.NumAbsences = t.absences
		out.NumPaidHolidays = t.paidLeave
		out.TotalLatenessAndEarlyLeavingMins = t.Lateness + t.EarlyLeaving
	}
	left := s.paidLeaveLeft(e, last)
	out.NumPaidHolidaysAndHours = daysAndHoursJSON{Days: out.NumPaidHolidays}
	out.NumPaidHolidaysLeft = left.Days
	out.NumPaidHolidaysAndHoursLeft = daysAndHoursJSON{Days: left.Days, Hours: left.Hours}
	if withRecords {
		out.WorkRecords = make([]workRecordJSON, 0, len(days))
		for _, d := range days {
			out.WorkRecords = append(out.WorkRecords, workRecord(d))
		}
	}
	return out
}

// workRecordSummary serves GET .../work_record_summaries/{year}/{month}[?work_records=true].
func (s *Server) workRecordSummary(c *call) reply {
	e, rep, ok := s.employeeIn(c, c.queryInt("company_id", 0))
	if !ok {
		return rep
	}
	withRecords, _ := strconv.ParseBool(c.q().Get("work_records"))
	sum := s.summaryOf(e, c.pathInt("year"), time.Month(c.pathInt("month")), withRecords)
	return jsonReply(http.StatusOK, sum)
}

// updateWorkRecordSummary serves PUT .../work_record_summaries/{year}/{month}: the body
// replaces the whole summary, fields left out become 0.
func (s *Server) updateWorkRecordSummary(c *call) reply {
	body, err := io.ReadAll(c.r.Body)
	if err != nil {
		return badRequest("リクエストの形式が不正です。")
	}
	if len(body) == 0 {
		return badRequest("company_id は必須です。")
	}
	var sum Summary
	if err := json.Unmarshal(body, &sum); err != nil {
		return badRequest("リクエストの形式が不正です。")
	}
	e, rep, ok := s.employeeIn(c, sum.CompanyID)
	if !ok {
		return rep
	}
	key := monthKey{e.ID, c.pathInt("year"), time.Month(c.pathInt("month"))}
	s.mu.Lock()
	s.summaries[key] = sum
	s.puts[key]++
	s.mu.Unlock()
	return jsonReply(http.StatusOK, s.summaryOf(e, key.year, key.month, false))
}
