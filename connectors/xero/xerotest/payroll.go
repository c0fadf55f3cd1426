package xerotest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// The payroll (UK) API's wire types: camelCase, dates as YYYY-MM-DD and instants in RFC 3339
// as the description's formats say (Xero itself writes dates as 2020-04-13T00:00:00 and
// instants without a zone; clients should read both), every answer wrapped with id,
// providerName, dateTimeUTC and httpStatusCode.

type payrollEnvelope struct {
	ID             string      `json:"id"`
	ProviderName   string      `json:"providerName"`
	DateTimeUTC    string      `json:"dateTimeUTC"`
	HTTPStatusCode string      `json:"httpStatusCode"`
	Pagination     *pagination `json:"pagination,omitempty"`
}

func (s *Server) payrollEnvelope(p *pagination) payrollEnvelope {
	return payrollEnvelope{ID: newID(), ProviderName: "urakata", DateTimeUTC: s.opts.Now().UTC().Format(time.RFC3339Nano), HTTPStatusCode: "OK", Pagination: p}
}

type wireAddress struct {
	AddressLine1 string `json:"addressLine1"`
	City         string `json:"city"`
	PostCode     string `json:"postCode"`
	CountryName  string `json:"countryName"`
}

type wireEmployee struct {
	EmployeeID         string      `json:"employeeID"`
	Title              string      `json:"title"`
	FirstName          string      `json:"firstName"`
	LastName           string      `json:"lastName"`
	DateOfBirth        string      `json:"dateOfBirth"`
	Gender             string      `json:"gender"`
	Email              string      `json:"email"`
	StartDate          string      `json:"startDate"`
	Address            wireAddress `json:"address"`
	PayrollCalendarID  string      `json:"payrollCalendarID"`
	UpdatedDateUTC     string      `json:"updatedDateUTC"`
	CreatedDateUTC     string      `json:"createdDateUTC"`
	IsOffPayrollWorker bool        `json:"isOffPayrollWorker"`
	// EmployeeNumber is not in the description's Employee schema, but in Xero's examples and
	// answers; the schema allows more properties.
	EmployeeNumber string `json:"employeeNumber"`
}

func (s *Server) wireEmployee(e Employee) wireEmployee {
	at := s.co.created.Format(time.RFC3339)
	return wireEmployee{EmployeeID: e.ID, Title: e.Title, FirstName: e.FirstName, LastName: e.LastName,
		DateOfBirth: e.DateOfBirth.String(), Gender: e.Gender, Email: e.Email, StartDate: e.StartDate.String(),
		Address:           wireAddress{AddressLine1: "1 Demo Street", City: "London", PostCode: "EC1A 1AA", CountryName: "UNITED KINGDOM"},
		PayrollCalendarID: e.PayrollCalendarID, UpdatedDateUTC: at, CreatedDateUTC: at, EmployeeNumber: e.Code}
}

// payrollEmployees serves GET /Employees, 100 a page. The filter (first name, last name)
// is not modelled and is refused.
func (s *Server) payrollEmployees(c *call) reply {
	if c.query("filter") != "" {
		return payrollInvalid("filter", "xerotest: filtering employees is not modelled by the sandbox")
	}
	list := make([]wireEmployee, len(s.co.employees))
	for i, e := range s.co.employees {
		list[i] = s.wireEmployee(e)
	}
	page, p := paginate(list, c.page(), 100)
	return jsonReply(http.StatusOK, struct {
		payrollEnvelope
		Employees []wireEmployee `json:"employees"`
	}{s.payrollEnvelope(&p), page})
}

func (s *Server) payrollEmployee(c *call) reply {
	e, ok := s.co.employee(strings.ToLower(c.r.PathValue("EmployeeID")))
	if !ok {
		return notFound("Resource was not found")
	}
	return jsonReply(http.StatusOK, struct {
		payrollEnvelope
		Employee wireEmployee `json:"employee"`
	}{s.payrollEnvelope(nil), s.wireEmployee(*e)})
}

type wireEarningsRate struct {
	EarningsRateID                 string       `json:"earningsRateID"`
	Name                           string       `json:"name"`
	EarningsType                   string       `json:"earningsType"`
	RateType                       string       `json:"rateType"`
	TypeOfUnits                    string       `json:"typeOfUnits"`
	CurrentRecord                  bool         `json:"currentRecord"`
	ExpenseAccountID               string       `json:"expenseAccountID"`
	MultipleOfOrdinaryEarningsRate *json.Number `json:"multipleOfOrdinaryEarningsRate,omitempty"`
}

func (s *Server) earningsRates(c *call) reply {
	wages, _ := s.co.account("6170")
	multiple := func(m string) *json.Number { n := json.Number(m); return &n }
	r := s.co.earnings
	list := []wireEarningsRate{
		{EarningsRateID: r.Ordinary, Name: "Ordinary Hours", EarningsType: "RegularEarnings", RateType: "RatePerUnit"},
		{EarningsRateID: r.Overtime, Name: "Overtime (x1.25)", EarningsType: "OvertimeEarnings", RateType: "MultipleOfOrdinaryEarningsRate", MultipleOfOrdinaryEarningsRate: multiple("1.25")},
		{EarningsRateID: r.Holiday, Name: "Legal Holiday Work (x1.35)", EarningsType: "OvertimeEarnings", RateType: "MultipleOfOrdinaryEarningsRate", MultipleOfOrdinaryEarningsRate: multiple("1.35")},
		{EarningsRateID: r.LateNight, Name: "Late Night Premium (x0.25)", EarningsType: "OtherEarnings", RateType: "MultipleOfOrdinaryEarningsRate", MultipleOfOrdinaryEarningsRate: multiple("0.25")},
	}
	for i := range list {
		list[i].TypeOfUnits, list[i].CurrentRecord, list[i].ExpenseAccountID = "hours", true, wages.ID
	}
	page, p := paginate(list, c.page(), 100)
	return jsonReply(http.StatusOK, struct {
		payrollEnvelope
		EarningsRates []wireEarningsRate `json:"earningsRates"`
	}{s.payrollEnvelope(&p), page})
}

func (s *Server) earningsRateKnown(id string) bool {
	r := s.co.earnings
	for _, known := range []string{r.Ordinary, r.Overtime, r.Holiday, r.LateNight} {
		if strings.EqualFold(id, known) {
			return true
		}
	}
	return false
}

// Timesheets.

type wireTimesheet struct {
	TimesheetID       string              `json:"timesheetID"`
	PayrollCalendarID string              `json:"payrollCalendarID"`
	EmployeeID        string              `json:"employeeID"`
	StartDate         string              `json:"startDate"`
	EndDate           string              `json:"endDate"`
	Status            string              `json:"status"`
	TotalHours        json.Number         `json:"totalHours"`
	UpdatedDateUTC    string              `json:"updatedDateUTC"`
	TimesheetLines    []wireTimesheetLine `json:"timesheetLines,omitempty"`
}

type wireTimesheetLine struct {
	TimesheetLineID string      `json:"timesheetLineID"`
	Date            string      `json:"date"`
	EarningsRateID  string      `json:"earningsRateID"`
	NumberOfUnits   json.Number `json:"numberOfUnits"`
}

func wireLine(l TimesheetLine) wireTimesheetLine {
	return wireTimesheetLine{TimesheetLineID: l.ID, Date: l.Date.String(), EarningsRateID: l.EarningsRateID, NumberOfUnits: json.Number(l.Units)}
}

// wireTimesheet writes a timesheet, with its lines or (as lists do) without.
func wireTimesheetOf(t *Timesheet, lines bool) wireTimesheet {
	w := wireTimesheet{TimesheetID: t.ID, PayrollCalendarID: t.PayrollCalendarID, EmployeeID: t.EmployeeID, StartDate: t.Start.String(),
		EndDate: t.End.String(), Status: t.Status, TotalHours: json.Number(t.TotalHours()), UpdatedDateUTC: t.UpdatedAt.Format(time.RFC3339Nano)}
	if lines {
		for _, l := range t.Lines {
			w.TimesheetLines = append(w.TimesheetLines, wireLine(l))
		}
	}
	return w
}

func (s *Server) timesheetReply(t *Timesheet) reply {
	return jsonReply(http.StatusOK, struct {
		payrollEnvelope
		Timesheet wireTimesheet `json:"timesheet"`
	}{s.payrollEnvelope(nil), wireTimesheetOf(t, true)})
}

// listTimesheets serves GET /Timesheets: filter employeeId==…,payrollCalendarId==…, status,
// startDate (on or after) and endDate (on or before), 100 a page, without lines.
func (s *Server) listTimesheets(c *call) reply {
	var employee, calendar string
	if f := c.query("filter"); f != "" {
		for part := range strings.SplitSeq(f, ",") {
			name, value, ok := strings.Cut(strings.TrimSpace(part), "==")
			switch {
			case ok && strings.EqualFold(name, "employeeId"):
				employee = value
			case ok && strings.EqualFold(name, "payrollCalendarId"):
				calendar = value
			default:
				return payrollInvalid("filter", fmt.Sprintf("%q: filter by employeeId==… and/or payrollCalendarId==…", part))
			}
		}
	}
	var from, to model.Date
	for _, p := range []struct {
		name string
		d    *model.Date
	}{{"startDate", &from}, {"endDate", &to}} {
		if v := c.query(p.name); v != "" {
			d, err := model.ParseDate(v)
			if err != nil {
				return payrollInvalid(p.name, err.Error())
			}
			*p.d = d
		}
	}
	status := c.query("status")
	s.mu.Lock()
	var list []wireTimesheet
	for _, t := range s.timesheets {
		if (employee != "" && !strings.EqualFold(t.EmployeeID, employee)) || (calendar != "" && !strings.EqualFold(t.PayrollCalendarID, calendar)) ||
			(status != "" && !strings.EqualFold(t.Status, status)) || (!from.IsZero() && t.Start.Before(from)) || (!to.IsZero() && t.End.After(to)) {
			continue
		}
		list = append(list, wireTimesheetOf(t, false))
	}
	s.mu.Unlock()
	page, p := paginate(list, c.page(), 100)
	return jsonReply(http.StatusOK, struct {
		payrollEnvelope
		Timesheets []wireTimesheet `json:"timesheets"`
	}{s.payrollEnvelope(&p), page})
}

// timesheet finds a stored timesheet. Callers hold s.mu.
func (s *Server) timesheet(id string) *Timesheet {
	for _, t := range s.timesheets {
		if strings.EqualFold(t.ID, id) {
			return t
		}
	}
	return nil
}

func (s *Server) getTimesheet(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.timesheet(c.r.PathValue("TimesheetID"))
	if t == nil {
		return notFound("Resource was not found")
	}
	return s.timesheetReply(t)
}

type lineRequest struct {
	Date           string      `json:"date"`
	EarningsRateID string      `json:"earningsRateID"`
	NumberOfUnits  json.Number `json:"numberOfUnits"`
}

// line checks one requested line against its timesheet, as Xero does.
func (s *Server) line(t *Timesheet, in lineRequest) (TimesheetLine, reply, bool) {
	d, err := model.ParseDate(in.Date)
	if err != nil {
		return TimesheetLine{}, payrollInvalid("date", "The date is not valid"), false
	}
	if d.Before(t.Start) || d.After(t.End) {
		return TimesheetLine{}, payrollInvalid("date", fmt.Sprintf("The date %s is outside the timesheet's period %s to %s", d, t.Start, t.End)), false
	}
	if !s.earningsRateKnown(in.EarningsRateID) {
		return TimesheetLine{}, payrollInvalid("earningsRateID", "The earnings rate is not found"), false
	}
	units, ok := new(big.Rat).SetString(in.NumberOfUnits.String())
	if !ok || units.Sign() < 0 || units.Cmp(big.NewRat(24, 1)) > 0 {
		return TimesheetLine{}, payrollInvalid("numberOfUnits", "The number of units must be between 0 and 24"), false
	}
	return TimesheetLine{ID: newID(), Date: d, EarningsRateID: strings.ToLower(in.EarningsRateID), Units: in.NumberOfUnits.String()}, reply{}, true
}

// createTimesheet serves POST /Timesheets: a draft for one employee and one pay period of
// their calendar (a calendar month), which must not overlap another of theirs.
func (s *Server) createTimesheet(c *call) reply {
	var in struct {
		PayrollCalendarID string        `json:"payrollCalendarID"`
		EmployeeID        string        `json:"employeeID"`
		StartDate         string        `json:"startDate"`
		EndDate           string        `json:"endDate"`
		TimesheetLines    []lineRequest `json:"timesheetLines"`
	}
	if err := c.decode(&in); err != nil {
		return payrollInvalid("timesheet", err.Error())
	}
	e, ok := s.co.employee(strings.ToLower(in.EmployeeID))
	if !ok {
		return payrollInvalid("employeeID", "The employee is not found")
	}
	if !strings.EqualFold(in.PayrollCalendarID, e.PayrollCalendarID) {
		return payrollInvalid("payrollCalendarID", "The payroll calendar is not the employee's")
	}
	start, err1 := model.ParseDate(in.StartDate)
	end, err2 := model.ParseDate(in.EndDate)
	if err1 != nil || err2 != nil {
		return payrollInvalid("startDate", "The start and end dates must be dates")
	}
	if ps, pe := s.co.period(start); start != ps || end != pe {
		return payrollInvalid("startDate", fmt.Sprintf("The timesheet's dates must be a pay period of the payroll calendar: %s to %s", ps, pe))
	}
	now := s.opts.Now().UTC()
	t := &Timesheet{ID: newID(), EmployeeID: e.ID, PayrollCalendarID: e.PayrollCalendarID, Start: start, End: end, Status: "Draft", UpdatedAt: now}
	for _, l := range in.TimesheetLines {
		line, rep, ok := s.line(t, l)
		if !ok {
			return rep
		}
		t.Lines = append(t.Lines, line)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.timesheets {
		if other.EmployeeID == t.EmployeeID && !other.End.Before(start) && !other.Start.After(end) {
			return payrollInvalid("startDate", "A timesheet already exists for the employee in this period")
		}
	}
	s.timesheets = append(s.timesheets, t)
	return s.timesheetReply(t)
}

// draft finds a timesheet a line may be changed on. Callers hold s.mu.
func (s *Server) draft(id string) (*Timesheet, reply, bool) {
	t := s.timesheet(id)
	if t == nil {
		return nil, notFound("Resource was not found"), false
	}
	if t.Status != "Draft" {
		return nil, payrollInvalid("status", "Only a draft timesheet can be changed"), false
	}
	return t, reply{}, true
}

func (s *Server) lineReply(l TimesheetLine) reply {
	return jsonReply(http.StatusOK, struct {
		payrollEnvelope
		TimesheetLine wireTimesheetLine `json:"timesheetLine"`
	}{s.payrollEnvelope(nil), wireLine(l)})
}

func (s *Server) createTimesheetLine(c *call) reply {
	var in lineRequest
	if err := c.decode(&in); err != nil {
		return payrollInvalid("timesheetLine", err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, rep, ok := s.draft(c.r.PathValue("TimesheetID"))
	if !ok {
		return rep
	}
	line, rep, ok := s.line(t, in)
	if !ok {
		return rep
	}
	t.Lines, t.UpdatedAt = append(t.Lines, line), s.opts.Now().UTC()
	return s.lineReply(line)
}

func (s *Server) updateTimesheetLine(c *call) reply {
	var in lineRequest
	if err := c.decode(&in); err != nil {
		return payrollInvalid("timesheetLine", err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, rep, ok := s.draft(c.r.PathValue("TimesheetID"))
	if !ok {
		return rep
	}
	id := c.r.PathValue("TimesheetLineID")
	for i, l := range t.Lines {
		if strings.EqualFold(l.ID, id) {
			line, rep, ok := s.line(t, in)
			if !ok {
				return rep
			}
			line.ID = l.ID
			t.Lines[i], t.UpdatedAt = line, s.opts.Now().UTC()
			return s.lineReply(line)
		}
	}
	return notFound("Resource was not found")
}

// deleteTimesheetLine serves DELETE /Timesheets/{id}/Lines/{lineId}, answering with the line
// deleted (the description's TimesheetLine).
func (s *Server) deleteTimesheetLine(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, rep, ok := s.draft(c.r.PathValue("TimesheetID"))
	if !ok {
		return rep
	}
	id := c.r.PathValue("TimesheetLineID")
	for i, l := range t.Lines {
		if strings.EqualFold(l.ID, id) {
			t.Lines, t.UpdatedAt = append(t.Lines[:i:i], t.Lines[i+1:]...), s.opts.Now().UTC()
			return jsonReply(http.StatusOK, wireLine(l))
		}
	}
	return notFound("Resource was not found")
}
