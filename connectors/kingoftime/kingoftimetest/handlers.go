package kingoftimetest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// handlers are the operations the sandbox serves; every other operation of the description
// is still validated, then answered 501.
var handlers = map[string]handler{
	"GetAccessTokenAvailability":       (*Server).tokenAvailable,
	"RefreshAccessToken":               (*Server).refreshToken,
	"SuspendAccessToken":               (*Server).suspendToken,
	"GetCompany":                       (*Server).company,
	"GetDivisions":                     (*Server).divisions,
	"GetWorkingTypes":                  (*Server).workingTypes,
	"GetEmployees":                     (*Server).employees,
	"GetEmployee":                      (*Server).employee,
	"GetDailyWorkings":                 (*Server).dailyWorkings,
	"GetDailyWorking":                  (*Server).dailyWorking,
	"GetDailyWorkingTimerecords":       (*Server).timeRecords,
	"GetDailyWorkingTimerecord":        (*Server).timeRecord,
	"RegisterDailyWorkingTimerecord":   (*Server).registerTimeRecord,
	"GetMonthlyWorkingHolidayRemained": (*Server).holidayRemained,
}

// call is one validated request: its parameters parse, because the description said so.
type call struct {
	r     *http.Request
	rt    *route
	query url.Values
}

func (c *call) q() url.Values {
	if c.query == nil {
		c.query = c.r.URL.Query()
	}
	return c.query
}

// list reads a comma-separated query parameter (explode: false).
func (c *call) list(name string) []string {
	v := c.q().Get(name)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

func (c *call) has(field string) bool { return slices.Contains(c.list("additionalFields"), field) }

// punchLayout is how KOT writes a punch time: with seconds, in Japan time.
const punchLayout = "2006-01-02T15:04:05-07:00"

// --- tokens

func (s *Server) tokenAvailable(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return jsonReply(http.StatusOK, struct {
		Available bool `json:"available"`
	}{s.tokens[c.r.PathValue("token")]})
}

func (s *Server) refreshToken(c *call) reply {
	old := c.r.PathValue("token")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tokens[old] {
		return errorList(http.StatusBadRequest, CodeInvalidRequest, "指定されたアクセストークンは無効です")
	}
	s.issued++
	fresh := fmt.Sprintf("%s-%d", DefaultToken, s.issued)
	s.tokens[old], s.tokens[fresh] = false, true
	return jsonReply(http.StatusCreated, struct {
		Token string `json:"token"`
	}{fresh})
}

func (s *Server) suspendToken(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[c.r.PathValue("token")] = false
	return reply{status: http.StatusNoContent}
}

// --- company and masters

func (s *Server) company(*call) reply {
	type settings struct {
		TimeDisplayFormat   string `json:"timeDisplayFormat"`
		DecimalTreatType    string `json:"decimalTreatType"`
		HalfDayWorkingCount string `json:"halfDayWorkingCount"`
	}
	return jsonReply(http.StatusOK, struct {
		Key                   string   `json:"key"`
		Code                  string   `json:"code"`
		Name                  string   `json:"name"`
		Host                  string   `json:"host"`
		BusinessYearStartDate string   `json:"businessYearStartDate"`
		Settings              settings `json:"settings"`
	}{fmt.Sprintf("%064x", s.co.seed), "demo", "kingoftimetest デモ株式会社", "s2.kingtime.jp", "04/01",
		settings{"decimal", "roundDown", "halfDay"}})
}

func (s *Server) divisions(*call) reply {
	type division struct {
		Code          string `json:"code"`
		Name          string `json:"name"`
		DayBorderTime string `json:"dayBorderTime"`
	}
	out := make([]division, len(divisions))
	for i, d := range divisions {
		out[i] = division{d.Code, d.Name, d.DayBorder}
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) workingTypes(*call) reply {
	type wt struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	return jsonReply(http.StatusOK, []wt{{workingTypeRegular.Code, workingTypeRegular.Name}, {workingTypeFixed.Code, workingTypeFixed.Name}})
}

// --- employees

type employeeJSON struct {
	DivisionCode       string      `json:"divisionCode"`
	DivisionName       string      `json:"divisionName"`
	Gender             string      `json:"gender"`
	TypeCode           string      `json:"typeCode"`
	TypeName           string      `json:"typeName"`
	Code               string      `json:"code"`
	Key                string      `json:"key,omitempty"`
	LastName           string      `json:"lastName"`
	FirstName          string      `json:"firstName"`
	LastNamePhonetics  string      `json:"lastNamePhonetics,omitempty"`
	FirstNamePhonetics string      `json:"firstNamePhonetics,omitempty"`
	HiredDate          string      `json:"hiredDate,omitempty"`
	BirthDate          string      `json:"birthDate,omitempty"`
	ResignationDate    string      `json:"resignationDate,omitempty"`
	EmailAddresses     []string    `json:"emailAddresses,omitempty"`
	ContractedMinutes  *int        `json:"allDayRegardingWorkInMinute,omitempty"`
	EmployeeGroups     []groupJSON `json:"employeeGroups"`
}

type groupJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

var groups = []groupJSON{{"0001", "人事部"}, {"0002", "開発部"}, {"0003", "営業部"}}

// employeeJSON is e as KOT answers it: the base fields, and the extras asked for.
func (s *Server) employeeJSON(e *Employee, extra func(string) bool) employeeJSON {
	j := employeeJSON{
		DivisionCode: e.Division.Code, DivisionName: e.Division.Name, Gender: e.Gender,
		TypeCode: e.Type.Code, TypeName: e.Type.Name, Code: e.Code, Key: e.Key,
		LastName: e.LastName, FirstName: e.FirstName,
		EmployeeGroups: []groupJSON{groups[e.index%len(groups)]},
	}
	if extra("lastNamePhonetics") {
		j.LastNamePhonetics = e.LastKana
	}
	if extra("firstNamePhonetics") {
		j.FirstNamePhonetics = e.FirstKana
	}
	if extra("hiredDate") {
		j.HiredDate = e.HiredDate.String()
	}
	if extra("birthDate") {
		j.BirthDate = e.BirthDate.String()
	}
	if extra("resignationDate") {
		j.ResignationDate = e.ResignationDate.String()
	}
	if extra("emailAddresses") && e.Email != "" {
		j.EmailAddresses = []string{e.Email}
	}
	if extra("allDayRegardingWorkInMinute") {
		m := prescribedMinutes
		j.ContractedMinutes = &m
	}
	return j
}

// currentDateEmployee is the employee as of today, as attendance rows carry it.
func (s *Server) currentDateEmployee(e *Employee) *employeeJSON {
	j := s.employeeJSON(e, func(f string) bool { return f == "lastNamePhonetics" || f == "firstNamePhonetics" })
	j.Key = ""
	return &j
}

// employed reports whether e is on the master on d: hired by then and not resigned before.
func employed(e *Employee, d model.Date) bool {
	return !e.HiredDate.After(d) && (e.ResignationDate.IsZero() || !e.ResignationDate.Before(d))
}

// asOf reads the date query parameter (default today) within KOT's bounds.
func (s *Server) asOf(c *call) (model.Date, reply, bool) {
	d := s.today()
	if v := c.q().Get("date"); v != "" {
		d, _ = model.ParseDate(v)
	}
	if rep, ok := s.inBounds("date", d); !ok {
		return d, rep, false
	}
	return d, reply{}, true
}

func (s *Server) employees(c *call) reply {
	date, rep, ok := s.asOf(c)
	if !ok {
		return rep
	}
	division := c.q().Get("division")
	resigned := c.q().Get("includeResigner") == "true"
	out := []employeeJSON{}
	for i := range s.co.employees {
		e := &s.co.employees[i]
		if e.HiredDate.After(date) || (!resigned && !employed(e, date)) || (division != "" && e.Division.Code != division) {
			continue
		}
		out = append(out, s.employeeJSON(e, c.has))
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) employee(c *call) reply {
	date, rep, ok := s.asOf(c)
	if !ok {
		return rep
	}
	e, found := s.co.byCode[c.r.PathValue("employee")]
	if !found || e.HiredDate.After(date) || (c.q().Get("includeResigner") != "true" && !employed(e, date)) {
		return notFound("指定された従業員は存在しません")
	}
	return jsonReply(http.StatusOK, s.employeeJSON(e, c.has))
}

// --- dates

// inBounds refuses a date more than three years back or one year ahead of today.
func (s *Server) inBounds(name string, d model.Date) (reply, bool) {
	today := s.today()
	switch {
	case d.Before(model.NewDate(today.Year-3, today.Month, today.Day)):
		return badRequest(fmt.Sprintf("%s: 過去日は最大3年前までです (%s)", name, d)), false
	case d.After(model.NewDate(today.Year+1, today.Month, today.Day)):
		return badRequest(fmt.Sprintf("%s: 未来日は最大1年後までです (%s)", name, d)), false
	}
	return reply{}, true
}

// MaxRangeDays is the longest start–end range KOT serves, both ends counted.
const MaxRangeDays = 62

// dateRange reads start and end as KOT does: together or not at all (then today), at
// most MaxRangeDays, within the three-years-back and one-year-ahead bounds.
func (s *Server) dateRange(c *call) (from, to model.Date, rep reply, ok bool) {
	start, end := c.q().Get("start"), c.q().Get("end")
	if (start == "") != (end == "") {
		return from, to, badRequest("startとendは同時に指定してください"), false
	}
	from, to = s.today(), s.today()
	if start != "" {
		from, _ = model.ParseDate(start)
		to, _ = model.ParseDate(end)
	}
	if to.Before(from) {
		return from, to, badRequest(fmt.Sprintf("endがstartより前です (%s..%s)", from, to)), false
	}
	if n := from.DaysUntil(to) + 1; n > MaxRangeDays {
		return from, to, badRequest(fmt.Sprintf("期間は最大%d日です (%s..%s は %d 日)", MaxRangeDays, from, to, n)), false
	}
	if rep, ok := s.inBounds("start", from); !ok {
		return from, to, rep, false
	}
	if rep, ok := s.inBounds("end", to); !ok {
		return from, to, rep, false
	}
	return from, to, reply{}, true
}

// pathDate reads a {date} path parameter within KOT's bounds.
func (s *Server) pathDate(c *call, name string) (model.Date, reply, bool) {
	d, _ := model.ParseDate(c.r.PathValue(name))
	rep, ok := s.inBounds("date", d)
	return d, rep, ok
}

// selected lists the employees a daily request covers on d: employed then, of division
// (if given) and among keys (if given).
func (s *Server) selected(d model.Date, division string, keys []string) []*Employee {
	var out []*Employee
	if len(keys) > 0 {
		for _, k := range keys {
			if e, ok := s.co.byKey[k]; ok && employed(e, d) {
				out = append(out, e)
			}
		}
		return out
	}
	for i := range s.co.employees {
		e := &s.co.employees[i]
		if employed(e, d) && (division == "" || e.Division.Code == division) {
			out = append(out, e)
		}
	}
	return out
}

// --- daily workings

type dailyWorkingJSON struct {
	Date                  string        `json:"date"`
	EmployeeKey           string        `json:"employeeKey"`
	WorkPlaceDivisionCode string        `json:"workPlaceDivisionCode"`
	WorkPlaceDivisionName string        `json:"workPlaceDivisionName"`
	IsClosing             bool          `json:"isClosing"`
	IsHelp                bool          `json:"isHelp"`
	IsError               bool          `json:"isError"`
	WorkdayTypeName       string        `json:"workdayTypeName"`
	Assigned              int           `json:"assigned"`
	Unassigned            int           `json:"unassigned"`
	Overtime              int           `json:"overtime"`
	LateNight             int           `json:"lateNight"`
	LateNightUnassigned   int           `json:"lateNightUnassigned"`
	LateNightOvertime     int           `json:"lateNightOvertime"`
	BreakTime             int           `json:"breakTime"`
	Late                  int           `json:"late"`
	EarlyLeave            int           `json:"earlyLeave"`
	TotalWork             int           `json:"totalWork"`
	HolidaysObtained      holidaysJSON  `json:"holidaysObtained"`
	DiscretionaryVacation int           `json:"discretionaryVacation"`
	CustomDailyWorkings   []customJSON  `json:"customDailyWorkings"`
	CurrentDateEmployee   *employeeJSON `json:"currentDateEmployee,omitempty"`
}

type holidayJSON struct {
	Code int    `json:"code"`
	Name string `json:"name"`
}

type halfdayJSON struct {
	TypeName string `json:"typeName"`
	holidayJSON
}

type holidaysJSON struct {
	FulltimeHoliday *holidayJSON  `json:"fulltimeHoliday,omitempty"`
	HalfdayHolidays []halfdayJSON `json:"halfdayHolidays"`
	HourHolidays    []struct{}    `json:"hourHolidays"`
}

type customJSON struct {
	Code                string  `json:"code"`
	Name                string  `json:"name"`
	CalculationUnitCode int     `json:"calculationUnitCode"`
	CalculationResult   float64 `json:"calculationResult"`
}

type dayJSON[T any] struct {
	Date          string `json:"date"`
	DailyWorkings []T    `json:"dailyWorkings"`
}

func (s *Server) dailyWorkingJSON(e *Employee, d model.Date, withEmployee bool) dailyWorkingJSON {
	day := s.day(e, d)
	m := day.minutes()
	j := dailyWorkingJSON{
		Date: d.String(), EmployeeKey: e.Key,
		WorkPlaceDivisionCode: e.Division.Code, WorkPlaceDivisionName: e.Division.Name,
		IsClosing:       !d.After(s.co.last),
		IsError:         day.Worked() && !slices.ContainsFunc(day.Punches, func(p Punch) bool { return p.Code == PunchClockOut }),
		WorkdayTypeName: cmpKind(day),
		Assigned:        m.Assigned, Unassigned: m.Unassigned, Overtime: m.Overtime,
		LateNight: m.LateNight, LateNightUnassigned: m.LateNightUnassigned, LateNightOvertime: m.LateNightOvertime,
		BreakTime: m.BreakTime, Late: m.Late, EarlyLeave: m.EarlyLeave, TotalWork: m.TotalWork,
		HolidaysObtained: holidaysJSON{HalfdayHolidays: []halfdayJSON{}, HourHolidays: []struct{}{}},
		// Hours worked, to one decimal: KOT's custom figures are decimals, which the
		// transcription typed as integers.
		CustomDailyWorkings: []customJSON{{Code: "dCus1", Name: "実働時間(h)", CalculationUnitCode: 2,
			CalculationResult: math.Round(float64(m.TotalWork)/6) / 10}},
	}
	for _, l := range day.Leave {
		h := holidayJSON{l.Type.Code, l.Type.Name}
		if l.Half == "" {
			j.HolidaysObtained.FulltimeHoliday = &h
			j.DiscretionaryVacation += prescribedMinutes
			continue
		}
		j.HolidaysObtained.HalfdayHolidays = append(j.HolidaysObtained.HalfdayHolidays, halfdayJSON{l.Half, h})
		j.DiscretionaryVacation += prescribedMinutes / 2
	}
	if withEmployee {
		j.CurrentDateEmployee = s.currentDateEmployee(e)
	}
	return j
}

func (s *Server) dailyWorkings(c *call) reply {
	from, to, rep, ok := s.dateRange(c)
	if !ok {
		return rep
	}
	out := []dayJSON[dailyWorkingJSON]{}
	for d := from; !d.After(to); d = d.AddDays(1) {
		out = append(out, s.dailyWorkingDay(c, d))
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) dailyWorking(c *call) reply {
	d, rep, ok := s.pathDate(c, "date")
	if !ok {
		return rep
	}
	return jsonReply(http.StatusOK, s.dailyWorkingDay(c, d))
}

func (s *Server) dailyWorkingDay(c *call, d model.Date) dayJSON[dailyWorkingJSON] {
	withEmployee := c.has("currentDateEmployee")
	day := dayJSON[dailyWorkingJSON]{Date: d.String(), DailyWorkings: []dailyWorkingJSON{}}
	for _, e := range s.selected(d, c.q().Get("division"), nil) {
		day.DailyWorkings = append(day.DailyWorkings, s.dailyWorkingJSON(e, d, withEmployee))
	}
	return day
}

// --- time records

type punchJSON struct {
	Time           string   `json:"time"`
	Code           string   `json:"code"`
	Name           string   `json:"name"`
	DivisionCode   string   `json:"divisionCode"`
	DivisionName   string   `json:"divisionName"`
	Latitude       *float64 `json:"latitude,omitempty"`
	Longitude      *float64 `json:"longitude,omitempty"`
	CredentialCode int      `json:"credentialCode,omitempty"`
	CredentialName string   `json:"credentialName,omitempty"`
}

type employeePunchesJSON struct {
	Date                string        `json:"date"`
	EmployeeKey         string        `json:"employeeKey"`
	TimeRecord          []punchJSON   `json:"timeRecord"`
	CurrentDateEmployee *employeeJSON `json:"currentDateEmployee,omitempty"`
}

func punchOf(e *Employee, p Punch) punchJSON {
	j := punchJSON{
		Time: p.Time.In(jst).Format(punchLayout), Code: p.Code, Name: punchNames[p.Code],
		DivisionCode: e.Division.Code, DivisionName: e.Division.Name,
		Latitude: p.Latitude, Longitude: p.Longitude,
	}
	if e.Profile == ProfileVaried {
		// Punched with KOT's Secure Login app, as the vendor's example shows.
		j.CredentialCode, j.CredentialName = 300, "KOTSL"
	}
	return j
}

func (s *Server) timeRecords(c *call) reply {
	keys := c.list("employeeKeys")
	if len(keys) > 0 && c.q().Get("division") != "" {
		return badRequest("employeeKeysはdivisionと同時に指定できません")
	}
	from, to, rep, ok := s.dateRange(c)
	if !ok {
		return rep
	}
	out := []dayJSON[employeePunchesJSON]{}
	for d := from; !d.After(to); d = d.AddDays(1) {
		out = append(out, s.timeRecordDay(c, d, keys))
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) timeRecord(c *call) reply {
	d, rep, ok := s.pathDate(c, "dateOrEmployeeKey")
	if !ok {
		return rep
	}
	return jsonReply(http.StatusOK, s.timeRecordDay(c, d, nil))
}

func (s *Server) timeRecordDay(c *call, d model.Date, keys []string) dayJSON[employeePunchesJSON] {
	withEmployee := c.has("currentDateEmployee")
	day := dayJSON[employeePunchesJSON]{Date: d.String(), DailyWorkings: []employeePunchesJSON{}}
	for _, e := range s.selected(d, c.q().Get("division"), keys) {
		punches := s.day(e, d).Punches
		if len(punches) == 0 {
			continue
		}
		ep := employeePunchesJSON{Date: d.String(), EmployeeKey: e.Key, TimeRecord: make([]punchJSON, len(punches))}
		for i, p := range punches {
			ep.TimeRecord[i] = punchOf(e, p)
		}
		if withEmployee {
			ep.CurrentDateEmployee = s.currentDateEmployee(e)
		}
		day.DailyWorkings = append(day.DailyWorkings, ep)
	}
	return day
}

// registerTimeRecord adds one punch (KOT's punches are not idempotent: each call adds one).
// Without a code it is a clock-in if the day has none yet, else a clock-out.
func (s *Server) registerTimeRecord(c *call) reply {
	e, ok := s.co.byKey[c.r.PathValue("dateOrEmployeeKey")]
	if !ok {
		return notFound("指定された従業員は存在しません")
	}
	var body struct {
		Date         string   `json:"date"`
		Time         string   `json:"time"`
		Code         string   `json:"code"`
		DivisionCode string   `json:"divisionCode"`
		Latitude     *float64 `json:"latitude"`
		Longitude    *float64 `json:"longitude"`
	}
	if err := json.NewDecoder(c.r.Body).Decode(&body); err != nil {
		return badRequest("リクエストの形式が不正です")
	}
	d, _ := model.ParseDate(body.Date)
	at, err := time.Parse(time.RFC3339, body.Time)
	if err != nil {
		return badRequest("timeの形式が不正です")
	}
	if rep, ok := s.inBounds("date", d); !ok {
		return rep
	}
	if body.DivisionCode != "" && !slices.ContainsFunc(divisions, func(v Division) bool { return v.Code == body.DivisionCode }) {
		return badRequest("divisionCodeが存在しません")
	}
	s.mu.Lock()
	day, found := s.overrides[dayKey{e.Key, d}]
	s.mu.Unlock()
	if !found {
		day = s.co.plan(e, d)
	}
	code := body.Code
	if code == "" {
		code = PunchClockIn
		if day.Worked() {
			code = PunchClockOut
		}
	}
	p := Punch{Time: at, Code: code, Latitude: body.Latitude, Longitude: body.Longitude}
	day.Punches = append(slices.Clone(day.Punches), p)
	if err := s.SetDay(e.Key, day); err != nil {
		return serverError()
	}
	return jsonReply(http.StatusCreated, struct {
		Date        string    `json:"date"`
		EmployeeKey string    `json:"employeeKey"`
		TimeRecord  punchJSON `json:"timeRecord"`
	}{d.String(), e.Key, punchOf(e, p)})
}

// --- remaining leave

func (s *Server) holidayRemained(c *call) reply {
	month, err := time.Parse("2006-01", c.r.PathValue("date"))
	if err != nil {
		return badRequest("dateはYYYY-MMで指定してください")
	}
	end := model.NewDate(month.Year(), month.Month()+1, 0)
	if rep, ok := s.inBounds("date", end); !ok {
		return rep
	}
	typeCode := c.r.PathValue("employeeTypeCode")
	type remaining struct {
		Day     float64 `json:"day"`
		Minutes int     `json:"minutes"`
		Code    int     `json:"code"`
		Name    string  `json:"name"`
	}
	type row struct {
		Date                string        `json:"date"`
		CloseDate           int           `json:"closeDate"`
		EmployeeKey         string        `json:"employeeKey"`
		HolidayRemained     []remaining   `json:"holidayRemained"`
		CurrentDateEmployee *employeeJSON `json:"currentDateEmployee,omitempty"`
	}
	out := []row{}
	for i := range s.co.employees {
		e := &s.co.employees[i]
		if e.Type.Code != typeCode || !employed(e, end) {
			continue
		}
		left, minutes := s.paidLeaveLeft(e, end.Year, end.Month)
		r := row{Date: end.String(), CloseDate: end.Day, EmployeeKey: e.Key, HolidayRemained: []remaining{
			{Day: left.Float64(), Minutes: minutes, Code: LeavePaid.Code, Name: LeavePaid.Name},
			{Day: 0, Code: LeaveCompensatory.Code, Name: LeaveCompensatory.Name},
		}}
		if c.has("currentDateEmployee") {
			r.CurrentDateEmployee = s.currentDateEmployee(e)
		}
		out = append(out, r)
	}
	return jsonReply(http.StatusOK, out)
}

// grant is the paid leave an employee is granted each 1 April: days, and minutes of hourly
// leave (時間単位年休).
type grant struct {
	Days    model.Days `json:"days"`
	Minutes int        `json:"minutes"`
}

// paidLeaveLeft is the 有休 an employee has left as of the end of a month: the grant (as
// SetPaidLeaveGrant set it, else Employee.PaidLeaveGranted) less the leave taken since the
// grant, and the minutes of hourly leave granted (nobody takes hourly leave in the demo).
func (s *Server) paidLeaveLeft(e *Employee, year int, month time.Month) (model.Days, int) {
	s.mu.Lock()
	g, set := s.grants[e.Key]
	s.mu.Unlock()
	if !set {
		g = grant{Days: e.PaidLeaveGranted}
	}
	return max(g.Days-s.co.paidLeaveTaken(e, year, month), 0), g.Minutes
}

// PaidLeaveLeft is an employee's remaining paid leave (有休) in days as of the end of a
// month, as the sandbox answers it.
func (s *Server) PaidLeaveLeft(key string, year int, month time.Month) (model.Days, bool) {
	e, ok := s.co.byKey[key]
	if !ok {
		return 0, false
	}
	days, _ := s.paidLeaveLeft(e, year, month)
	return days, true
}

// PaidLeaveMinutesLeft is the hourly leave (時間単位年休) an employee has left beside
// PaidLeaveLeft's days, in minutes, as the sandbox answers it.
func (s *Server) PaidLeaveMinutesLeft(key string, year int, month time.Month) (int, bool) {
	e, ok := s.co.byKey[key]
	if !ok {
		return 0, false
	}
	_, minutes := s.paidLeaveLeft(e, year, month)
	return minutes, true
}

// SetPaidLeaveGrant replaces the paid leave an employee is granted each 1 April: days, and
// minutes of hourly leave, which remaining leave then reports beside the days. The leave
// the demo data takes is still taken off the days.
func (s *Server) SetPaidLeaveGrant(key string, days model.Days, minutes int) error {
	if _, ok := s.co.byKey[key]; !ok {
		return fmt.Errorf("kingoftimetest: set paid-leave grant: no employee with that key")
	}
	if days < 0 || minutes < 0 {
		return fmt.Errorf("kingoftimetest: set paid-leave grant: days and minutes must not be negative")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grants[key] = grant{Days: days, Minutes: minutes}
	return nil
}
