package freee

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Connector declares freee HR to the hub: its settings, capabilities and constructor.
var Connector = hub.Connector{
	Vendor:         Vendor,
	Summary:        "freee 人事労務 (freee HR): employees, time clocks and paid-leave balances in, monthly work summaries out",
	DefaultBaseURL: DefaultBaseURL,
	Capabilities:   []hub.Capability{hub.CapEmployees, hub.CapAttendance, hub.CapWorkSummaryTarget, hub.CapWebhook, hub.CapPaidLeaveBalance},
	Fields: slices.Concat([]config.Field{
		{Name: "company_id", Type: config.Int, Required: true, Example: 1234567,
			Description: "freee company (事業所) id; GET /api/v1/users/me lists the ones the authorising user belongs to"},
		{Name: "token_url", Type: config.URL, Default: DefaultTokenURL,
			Description: "OAuth2 token endpoint (point it at the sandbox to test)"},
		{Name: "requests_per_hour", Type: config.Int, Default: DefaultRequestsPerHour,
			Description: "requests this connection may make an hour; freee HR allows 10,000 per app and company"},
	}, SecretFields),
	New: func(ctx context.Context, env hub.Env) (any, error) { return New(ctx, env) },
}

// SecretFields are the parts of a freee connection's secret: the app's OAuth client, the
// refresh token of its authorisation, and its webhook verification token. freee 人事労務 and
// freee 会計 connections take the same ones.
var SecretFields = []config.Field{
	{Name: "client_id", Type: config.String, Secret: true, Required: true,
		Description: "the freee app's client id"},
	{Name: "client_secret", Type: config.String, Secret: true, Required: true,
		Description: "the freee app's client secret"},
	{Name: "refresh_token", Type: config.String, Secret: true, Required: true,
		Description: "refresh token from authorising the app; used once, then the token store keeps the rotated ones"},
	{Name: "webhook_token", Type: config.String, Secret: true,
		Description: "the verification token (検証用トークン) of the app's webhook settings, which freee sends in X-Freee-Token; needed only by flows with a webhook trigger"},
}

func init() { hub.Register(Connector) }

// HR is one freee HR connection as the hub uses it: an attendance source (employees, time
// clocks, day kinds and leave), a work-summary target and a source of paid-leave balances.
type HR struct {
	// Client is the API client, for calls the capabilities do not cover.
	Client     *Client
	connection string
	companyID  int64
	zone       *time.Location
	// webhookToken is what X-Freee-Token must say (zero: webhooks are refused).
	webhookToken secrets.Secret
}

var (
	_ hub.AttendanceSource  = (*HR)(nil)
	_ hub.WorkSummaryTarget = (*HR)(nil)
	_ hub.SummaryComparer   = (*HR)(nil)
	_ hub.LeaveSource       = (*HR)(nil)
)

// New builds the connection env describes.
func New(_ context.Context, env hub.Env) (*HR, error) {
	op := Vendor + ": connection " + env.Connection
	companyID, err := config.IntSetting(env.Settings, "company_id", 0)
	if err != nil || companyID <= 0 {
		return nil, fault.Permanentf(op, "settings.company_id must be a positive integer")
	}
	perHour, err := config.IntSetting(env.Settings, "requests_per_hour", DefaultRequestsPerHour)
	if err != nil || perHour <= 0 {
		return nil, fault.Permanentf(op, "settings.requests_per_hour must be a positive integer")
	}
	tokenURL, _ := env.Settings["token_url"].(string)
	creds, err := ParseCredentials(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	webhookToken, err := ParseWebhookToken(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	if env.Tokens == nil {
		return nil, fmt.Errorf("%s: no token store", op)
	}
	tokens, err := NewTokenSource(TokenSourceConfig{
		Connection:  env.Connection,
		SecretName:  cmp.Or(env.SecretName, env.Connection),
		Credentials: creds,
		TokenURL:    tokenURL,
		Store:       env.Tokens,
		Logger:      env.Logger,
	})
	if err != nil {
		return nil, err
	}
	hc := httpx.New(Policy(int(perHour)), httpx.WithLogger(env.Logger))
	client, err := NewClient(hc, tokens, cmp.Or(env.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	zone := env.Zone
	if zone == nil {
		zone = tokyo
	}
	return &HR{Client: client, connection: env.Connection, companyID: companyID, zone: zone, webhookToken: webhookToken}, nil
}

// Employees yields the employees on the payroll in period: those who joined by its end and
// had not retired before its start. Active is false for one who retired within it.
// Department is the name of the employee's main group (主所属, see
// EmployeeGroupMemberships.MainGroup) on their last day in the period (period.End, or the
// day they retired within it); "" when they belong to no group.
//
// It reads GET /api/v1/companies/{id}/employees rather than GET /api/v1/employees: the
// company list carries the login email and no insurance, bank or pay data, and it has no
// 翌月払い month shift to correct for; the period filter is ours instead.
//
// Cost: one request per 100 employees the company has had (retired ones included), and
// after each such page one GET /api/v1/employee_group_memberships for the page's employees
// on the payroll (none when the page has none), plus one more per distinct retirement date
// within the period among them: two requests per 100 employees as a rule. Listing the
// whole company's memberships once at period.End would cost about the same (one request per
// 100 current employees) but would have to hold every membership until the employee pages
// reached it, as the two lists need not come in the same order; asking per page keeps
// memory to one page.
func (h *HR) Employees(ctx context.Context, period model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(yield func(model.Employee, error) bool) {
		fail := func(err error) {
			yield(model.Employee{}, fmt.Errorf("%s: employees of %s: %w", Vendor, period.Label(), err))
		}
		opts := &ListOptions{}
		for {
			page, resp, err := h.Client.Employees.ListCompany(ctx, h.companyID, opts)
			if err != nil {
				fail(err)
				return
			}
			page = slices.DeleteFunc(page, func(ce CompanyEmployee) bool { return !onPayroll(ce, period) })
			depts, err := h.departments(ctx, page, period)
			if err != nil {
				fail(err)
				return
			}
			for _, ce := range page {
				emp := model.Employee{
					IDs:        map[string]string{h.connection: strconv.FormatInt(ce.ID, 10)},
					Code:       ce.Num,
					Name:       ce.DisplayName,
					Email:      ce.Email,
					Department: depts[ce.ID],
					Active:     ce.RetireDate.IsZero() || ce.RetireDate.After(period.End),
				}
				if !yield(emp, nil) {
					return
				}
			}
			if resp.NextOffset == 0 {
				return
			}
			opts.Offset = resp.NextOffset
		}
	}
}

// onPayroll reports whether ce is paid for period: on payroll, joined by its end and not
// retired before its start.
func onPayroll(ce CompanyEmployee, period model.PayPeriod) bool {
	return ce.PayrollCalculation && (ce.EntryDate.IsZero() || !ce.EntryDate.After(period.End)) &&
		(ce.RetireDate.IsZero() || !ce.RetireDate.Before(period.Start))
}

// departments returns the name of each employee's main group on their last day in period,
// keyed by freee id; one without a main group is absent. It asks once for those still
// employed at period.End and once per retirement date within the period, since freee
// answers with the memberships held on the one date asked.
func (h *HR) departments(ctx context.Context, emps []CompanyEmployee, period model.PayPeriod) (map[int64]string, error) {
	byDate := map[model.Date][]int64{}
	for _, ce := range emps {
		last := period.End
		if !ce.RetireDate.IsZero() && ce.RetireDate.Before(last) {
			last = ce.RetireDate
		}
		byDate[last] = append(byDate[last], ce.ID)
	}
	out := make(map[int64]string, len(emps))
	for _, on := range slices.SortedFunc(maps.Keys(byDate), model.Date.Compare) {
		opts := GroupMembershipsListOptions{CompanyID: h.companyID, BaseDate: on, EmployeeIDs: byDate[on]}
		for m, err := range h.Client.GroupMemberships.ListIter(ctx, opts) {
			if err != nil {
				return nil, fmt.Errorf("departments: %w", err)
			}
			if g, ok := m.MainGroup(); ok {
				out[m.ID] = g.GroupName
			}
		}
	}
	return out, nil
}

// Attendance returns the employee's days from period.Start to period.End: the punches of
// freee's time clocks filed under each date (a shift past midnight stays on the date it
// started), and each date's kind and leave from the work record summaries. A date with no
// punches but with worked segments in its work record (entered or corrected by an admin)
// takes them from there.
func (h *HR) Attendance(ctx context.Context, emp model.Employee, period model.PayPeriod) ([]model.AttendanceDay, error) {
	id, err := h.employeeID(emp)
	if err != nil {
		return nil, err
	}
	days := map[model.Date]*model.AttendanceDay{}
	day := func(d model.Date) *model.AttendanceDay {
		if days[d] == nil {
			days[d] = &model.AttendanceDay{EmployeeID: strconv.FormatInt(id, 10), Date: d, Kind: model.Workday}
		}
		return days[d]
	}

	punches := map[model.Date][]TimeClock{}
	opts := TimeClocksListOptions{CompanyID: h.companyID, FromDate: period.Start, ToDate: period.End}
	for tc, err := range h.Client.TimeClocks.ListIter(ctx, id, opts) {
		if err != nil {
			return nil, fmt.Errorf("%s: attendance of employee %d: %w", Vendor, id, err)
		}
		d := tc.Date
		if d.IsZero() {
			d = model.DateOf(tc.Datetime.Time, h.zone)
		}
		if period.Contains(d) {
			punches[d] = append(punches[d], tc)
		}
	}
	for d, tcs := range punches {
		applyPunches(day(d), tcs, h.zone)
	}

	records, err := h.workRecords(ctx, id, period)
	if err != nil {
		return nil, err
	}
	for _, rec := range records {
		d, err := rec.Day(h.zone)
		if err != nil {
			return nil, fmt.Errorf("%s: attendance of employee %d: %w", Vendor, id, err)
		}
		if !period.Contains(d) {
			continue
		}
		_, punched := punches[d]
		leave := leaveOf(rec)
		if !punched && len(rec.WorkRecordSegments) == 0 && leave == model.NoLeave {
			// Nothing happened that day: only its kind is known, and payroll needs no more.
			continue
		}
		a := day(d)
		a.Kind = dayKind(rec.DayPattern)
		a.Leave, a.LeaveDays = leave, leaveDays(rec, leave)
		if !punched {
			applySegments(a, rec, h.zone)
		}
	}

	out := make([]model.AttendanceDay, 0, len(days))
	for _, a := range days {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b model.AttendanceDay) int { return a.Date.Compare(b.Date) })
	return out, nil
}

// workRecords returns the daily work records covering period. The summary of the pay month
// covers its own attendance period, which may start after period.Start (the caller reaching
// back to the week start) or end before period.End; the neighbouring months fill those in.
func (h *HR) workRecords(ctx context.Context, id int64, period model.PayPeriod) ([]WorkRecord, error) {
	get := func(year int, month time.Month) (*WorkRecordSummary, error) {
		s, _, err := h.Client.WorkRecordSummaries.Get(ctx, id, year, int(month), &WorkRecordSummaryOptions{CompanyID: h.companyID, WorkRecords: true})
		if rest.NotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: attendance of employee %d: %w", Vendor, id, err)
		}
		return s, nil
	}
	first, err := get(period.Year, period.Month)
	if err != nil || first == nil {
		return nil, err
	}
	records := first.WorkRecords
	pay := model.NewDate(period.Year, period.Month, 1)
	if !first.StartDate.IsZero() && first.StartDate.After(period.Start) {
		prev := pay.AddDays(-1)
		s, err := get(prev.Year, prev.Month)
		if err != nil {
			return nil, err
		}
		if s != nil {
			records = append(s.WorkRecords, records...)
		}
	}
	if !first.EndDate.IsZero() && first.EndDate.Before(period.End) {
		next := pay.AddDays(32)
		s, err := get(next.Year, next.Month)
		if err != nil {
			return nil, err
		}
		if s != nil {
			records = append(records, s.WorkRecords...)
		}
	}
	return records, nil
}

// punchKinds are freee's time-clock types as model punches.
var punchKinds = map[string]model.PunchKind{ClockIn: model.PunchIn, ClockOut: model.PunchOut, BreakBegin: model.PunchBreakStart, BreakEnd: model.PunchBreakEnd}

// applyPunches sets a day's clock-in, clock-out and breaks from freee's time clocks, by the
// rule model.AttendanceDay.ApplyPunches keeps for every time clock.
func applyPunches(a *model.AttendanceDay, tcs []TimeClock, zone *time.Location) {
	punches := make([]model.Punch, 0, len(tcs))
	for _, tc := range tcs {
		if k, ok := punchKinds[tc.Type]; ok {
			punches = append(punches, model.Punch{At: tc.Datetime.In(zone), Kind: k})
		}
	}
	a.ApplyPunches(punches)
}

// applySegments takes a day's times from its work record when it has no punches.
func applySegments(a *model.AttendanceDay, rec WorkRecord, zone *time.Location) {
	segs := slices.Clone(rec.WorkRecordSegments)
	slices.SortFunc(segs, func(x, y TimeRange) int { return x.ClockInAt.Compare(y.ClockInAt.Time) })
	for i, s := range segs {
		if i == 0 {
			a.ClockIn = s.ClockInAt.In(zone)
		} else if !segs[i-1].ClockOutAt.IsZero() {
			a.Breaks = append(a.Breaks, model.Interval{Start: segs[i-1].ClockOutAt.In(zone), End: s.ClockInAt.In(zone)})
		}
		if !s.ClockOutAt.IsZero() {
			a.ClockOut = s.ClockOutAt.In(zone)
		}
	}
	for _, b := range rec.BreakRecords {
		if !b.ClockInAt.IsZero() && !b.ClockOutAt.IsZero() {
			a.Breaks = append(a.Breaks, model.Interval{Start: b.ClockInAt.In(zone), End: b.ClockOutAt.In(zone)})
		}
	}
	slices.SortFunc(a.Breaks, func(x, y model.Interval) int { return x.Start.Compare(y.Start) })
}

func dayKind(pattern string) model.DayKind {
	switch pattern {
	case PrescribedHoliday:
		return model.PrescribedHoliday
	case LegalHoliday:
		return model.LegalHoliday
	}
	return model.Workday
}

// leaveOf names the day's leave. An absence is the whole day; paid leave is counted before
// special leave because payroll pays it from the annual allowance.
func leaveOf(rec WorkRecord) model.LeaveKind {
	switch {
	case rec.IsAbsence:
		return model.Absence
	case rec.PaidLeaveDays() > 0:
		return model.PaidLeave
	case rec.SpecialHoliday > 0:
		return model.SpecialLeave
	}
	return model.NoLeave
}

func leaveDays(rec WorkRecord, kind model.LeaveKind) model.Days {
	switch kind {
	case model.Absence:
		return model.Day
	case model.PaidLeave:
		return rec.PaidLeaveDays()
	case model.SpecialLeave:
		return rec.SpecialHoliday
	}
	return 0
}

// PutWorkSummary replaces the employee's summary for s.Period with s, every field stated
// (freee zeroes what a PUT omits). Lateness, early leaving and absences are sent as
// deductible too, since the canonical summary does not tell them apart; SpecialLeaveDays
// has no field in freee's PUT and is not sent.
func (h *HR) PutWorkSummary(ctx context.Context, emp model.Employee, s model.WorkSummary) (string, error) {
	id, err := h.employeeID(emp)
	if err != nil {
		return "", err
	}
	body := &WorkRecordSummaryUpdate{
		CompanyID:                          h.companyID,
		WorkDays:                           s.WorkDays,
		WorkDaysOnWeekdays:                 s.WorkDaysOnWeekdays,
		WorkDaysOnPrescribedHolidays:       s.WorkDaysOnPrescribedHolidays,
		WorkDaysOnLegalHolidays:            s.WorkDaysOnLegalHolidays,
		TotalWorkMins:                      s.WorkedMinutes,
		TotalNormalWorkMins:                s.NormalMinutes,
		TotalExcessStatutoryWorkMins:       s.LegalWithinOvertimeMinutes,
		TotalActualExcessStatutoryWorkMins: s.LegalWithinOvertimeMinutes,
		TotalOvertimeWorkMins:              s.OvertimeMinutes,
		TotalHolidayWorkMins:               s.HolidayMinutes,
		TotalPrescribedHolidayWorkMins:     s.PrescribedHolidayMinutes,
		TotalLatenightWorkMins:             s.LateNightMinutes,
		NumAbsences:                        s.AbsenceDays,
		NumAbsencesForDeduction:            s.AbsenceDays,
		NumPaidHolidays:                    s.PaidLeaveDays,
		TotalLatenessMins:                  s.LatenessMinutes,
		TotalLatenessMinsForDeduction:      s.LatenessMinutes,
		TotalEarlyLeavingMins:              s.EarlyLeavingMinutes,
		TotalEarlyLeavingMinsForDeduction:  s.EarlyLeavingMinutes,
	}
	year, month := s.Period.Year, int(s.Period.Month)
	if _, _, err := h.Client.WorkRecordSummaries.Update(ctx, id, year, month, body); err != nil {
		return "", fmt.Errorf("%s: %w", Vendor, err)
	}
	return summaryRef(id, year, month), nil
}

// GetWorkSummary returns what freee holds for the employee and period; ok is false when it
// answers 404 or holds only zeros. freee's GET does not return the work days split by kind,
// and it returns lateness and early leaving as one total (put in LatenessMinutes), so those
// fields cannot be compared with what was sent.
func (h *HR) GetWorkSummary(ctx context.Context, emp model.Employee, period model.PayPeriod) (model.WorkSummary, bool, error) {
	id, err := h.employeeID(emp)
	if err != nil {
		return model.WorkSummary{}, false, err
	}
	got, _, err := h.Client.WorkRecordSummaries.Get(ctx, id, period.Year, int(period.Month), &WorkRecordSummaryOptions{CompanyID: h.companyID})
	if rest.NotFound(err) {
		return model.WorkSummary{}, false, nil
	}
	if err != nil {
		return model.WorkSummary{}, false, fmt.Errorf("%s: %w", Vendor, err)
	}
	s := model.WorkSummary{
		EmployeeID:                 strconv.FormatInt(id, 10),
		EmployeeCode:               emp.Code,
		Period:                     period,
		WorkDays:                   got.WorkDays,
		WorkedMinutes:              got.TotalWorkMins,
		NormalMinutes:              got.TotalNormalWorkMins,
		LegalWithinOvertimeMinutes: got.TotalExcessStatutoryWorkMins,
		OvertimeMinutes:            got.TotalOvertimeExceptNormalWorkMins + got.TotalOvertimeWithinNormalWorkMins,
		LateNightMinutes:           got.TotalLatenightWorkMins,
		HolidayMinutes:             got.TotalHolidayWorkMins,
		PrescribedHolidayMinutes:   got.TotalPrescribedHolidayWorkMins,
		LatenessMinutes:            got.TotalLatenessAndEarlyLeavingMins,
		AbsenceDays:                got.NumAbsences,
		PaidLeaveDays:              got.NumPaidHolidays,
		SpecialLeaveDays:           got.NumSpecialHolidaysUsed,
	}
	empty := model.WorkSummary{EmployeeID: s.EmployeeID, EmployeeCode: s.EmployeeCode, Period: period}
	return s, s != empty, nil
}

// Comparable returns s as freee can hand it back: the GET has no work days by kind and no
// special leave, and it sums lateness and early leaving into one total.
func (h *HR) Comparable(s model.WorkSummary) model.WorkSummary {
	s.WorkDaysOnWeekdays, s.WorkDaysOnPrescribedHolidays, s.WorkDaysOnLegalHolidays = 0, 0, 0
	s.SpecialLeaveDays = 0
	s.LatenessMinutes += s.EarlyLeavingMinutes
	s.EarlyLeavingMinutes = 0
	return s
}

// summaryRef is the target reference of a summary.
func summaryRef(id int64, year, month int) string {
	return fmt.Sprintf("%s:employees/%d/work_record_summaries/%d/%d", Vendor, id, year, month)
}

// employeeID reads the employee's freee id from emp.IDs.
func (h *HR) employeeID(emp model.Employee) (int64, error) {
	raw := emp.ID(h.connection)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.Permanentf(Vendor, "employee %q has no freee id in connection %s", emp.Code, h.connection)
	}
	return id, nil
}
