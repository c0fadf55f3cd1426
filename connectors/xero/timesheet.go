package xero

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// timesheetRef is the target reference of a timesheet.
func timesheetRef(id string) string { return Vendor + ":Timesheets/" + id }

// lineKey is what identifies a timesheet line for urakata: one earnings rate on one date.
type lineKey struct {
	date model.Date
	rate string
}

func compareKeys(a, b lineKey) int {
	if c := a.date.Compare(b.date); c != 0 {
		return c
	}
	return cmp.Compare(a.rate, b.rate)
}

// plan is the lines a timesheet should hold: minutes by (date, rate).
type plan map[lineKey]int

func (p plan) keys() []lineKey {
	keys := make([]lineKey, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

// plan turns the computed days of period into timesheet lines. Worked time that is not
// overtime is ordinary hours; overtime (法定外) is overtime hours; with a holiday rate set,
// work on the legal holiday is holiday hours instead of ordinary; with a late-night rate
// set, the late-night minutes are a premium line on top. Legal-within overtime (法定内) has
// no premium, so it is ordinary. Days without minutes, and days outside period, make no line.
func (r TimesheetRates) plan(days []model.AttendanceDay, period model.PayPeriod) (plan, error) {
	p := plan{}
	add := func(d model.Date, rate string, minutes int) {
		if rate != "" && minutes > 0 {
			p[lineKey{d, rate}] += minutes
		}
	}
	for _, d := range days {
		if !period.Contains(d.Date) {
			continue
		}
		holiday := 0
		if r.Holiday != "" {
			holiday = d.HolidayMinutes
		}
		ordinary := d.WorkedMinutes - d.OvertimeMinutes - holiday
		if ordinary < 0 {
			return nil, fmt.Errorf("%s: overtime and holiday minutes (%d + %d) exceed the %d worked", d.Date, d.OvertimeMinutes, holiday, d.WorkedMinutes)
		}
		add(d.Date, r.Ordinary, ordinary)
		add(d.Date, r.Overtime, d.OvertimeMinutes)
		add(d.Date, r.Holiday, holiday)
		add(d.Date, r.LateNight, d.LateNightMinutes)
	}
	return p, nil
}

// days turns timesheet lines back into days, as far as the lines tell: worked, overtime,
// holiday and late-night minutes. Lines of other earnings rates are not urakata's and are
// left out.
func (r TimesheetRates) days(employeeID string, p plan) []model.AttendanceDay {
	byDate := map[model.Date]*model.AttendanceDay{}
	for _, k := range p.keys() {
		m := p[k]
		if k.rate != r.Ordinary && k.rate != r.Overtime && k.rate != r.Holiday && k.rate != r.LateNight {
			continue
		}
		d := byDate[k.date]
		if d == nil {
			d = &model.AttendanceDay{EmployeeID: employeeID, Date: k.date, Kind: model.Workday}
			byDate[k.date] = d
		}
		switch k.rate {
		case r.Ordinary:
			d.WorkedMinutes += m
		case r.Overtime:
			d.WorkedMinutes += m
			d.OvertimeMinutes += m
		case r.Holiday:
			d.WorkedMinutes += m
			d.HolidayMinutes += m
			d.Kind = model.LegalHoliday
		case r.LateNight:
			d.LateNightMinutes += m
		}
	}
	out := make([]model.AttendanceDay, 0, len(byDate))
	for _, d := range byDate {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b model.AttendanceDay) int { return a.Date.Compare(b.Date) })
	return out
}

// ComparableDays returns days as Xero can hand them back after PutTimesheet: per date, the
// worked, overtime, holiday (with a holiday rate set) and late-night (with a late-night
// rate set) minutes, every other field zero, days without minutes left out. Reconciliation
// and crash recovery compare ComparableDays(planned) with ComparableDays(read back).
func (x *Xero) ComparableDays(days []model.AttendanceDay, period model.PayPeriod) ([]model.AttendanceDay, error) {
	p, err := x.earnings.plan(days, period)
	if err != nil {
		return nil, err
	}
	return x.earnings.days("", p), nil
}

// unitsOf writes minutes as hours with four decimals (7 h 20 min is 7.3333).
func unitsOf(minutes int) Amount {
	return AmountOf((int64(minutes)*1000+3)/6, 4)
}

// minutesOf reads hours back as whole minutes. Xero may keep fewer decimals than were
// sent; two are enough for the nearest minute to be the one sent.
func minutesOf(units Amount) (int, error) {
	r, ok := new(big.Rat).SetString(string(units))
	if !ok {
		return 0, fmt.Errorf("number of units %q is not a number", string(units))
	}
	n, err := strconv.Atoi(r.Mul(r, big.NewRat(60, 1)).FloatString(0))
	if err != nil {
		return 0, fmt.Errorf("number of units %q: %w", string(units), err)
	}
	return n, nil
}

// PutTimesheet makes the employee's timesheet for period hold one line per date and
// earnings rate of days (see ComparableDays for the mapping), and returns its reference.
//
// With no timesheet for the period it creates one (POST /Timesheets, with an
// Idempotency-Key derived from the employee, the period and the lines). With a draft it
// changes only the lines that differ: a line deleted, updated or added each. A timesheet
// that already holds exactly these lines is left alone, whatever its status; one that was
// approved and differs is refused, since only a person may revert an approval. The
// timesheet's period must be a pay period of the employee's payroll calendar.
func (x *Xero) PutTimesheet(ctx context.Context, emp model.Employee, period model.PayPeriod, days []model.AttendanceDay) (string, error) {
	op := fmt.Sprintf("%s: put timesheet of employee %s for %s", Vendor, emp.Code, period.Label())
	if x.earnings.Ordinary == "" || x.earnings.Overtime == "" {
		return "", fault.Permanentf(op, "set settings.ordinary_earnings_rate_id and settings.overtime_earnings_rate_id to write timesheets")
	}
	id, err := x.employeeID(emp)
	if err != nil {
		return "", err
	}
	want, err := x.earnings.plan(days, period)
	if err != nil {
		return "", fault.Permanent(op, err)
	}
	if err := x.ensureTenant(ctx); err != nil {
		return "", err
	}
	existing, found, err := x.findTimesheet(ctx, id, period)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	if !found {
		return x.createTimesheet(ctx, op, id, period, want)
	}
	return x.replaceLines(ctx, op, existing, want)
}

func (x *Xero) createTimesheet(ctx context.Context, op, employeeID string, period model.PayPeriod, want plan) (string, error) {
	calendar, err := x.calendarOf(ctx, employeeID)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	t := &Timesheet{PayrollCalendarID: calendar, EmployeeID: employeeID, StartDate: DateOf(period.Start), EndDate: DateOf(period.End)}
	digest := []string{employeeID, period.Start.String(), period.End.String()}
	for _, k := range want.keys() {
		t.TimesheetLines = append(t.TimesheetLines, TimesheetLine{Date: DateOf(k.date), EarningsRateID: k.rate, NumberOfUnits: unitsOf(want[k])})
		digest = append(digest, k.date.String(), k.rate, strconv.Itoa(want[k]))
	}
	created, _, err := x.Client.Timesheets.Create(ctx, t, &WriteOptions{IdempotencyKey: idempotencyKey("timesheet", digest...)})
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	return timesheetRef(created.TimesheetID), nil
}

// replaceLines changes a timesheet's lines into want with the fewest writes.
func (x *Xero) replaceLines(ctx context.Context, op string, t *Timesheet, want plan) (string, error) {
	have := map[lineKey][]TimesheetLine{}
	for _, l := range t.TimesheetLines {
		k := lineKey{l.Date.Date, l.EarningsRateID}
		have[k] = append(have[k], l)
	}
	var deletes []TimesheetLine
	type update struct {
		line    TimesheetLine
		minutes int
	}
	var updates []update
	var creates []lineKey
	for k, lines := range have {
		m, wanted := want[k]
		if !wanted {
			deletes = append(deletes, lines...)
			continue
		}
		// Two lines of one rate on one date: keep the first, fold the rest into it.
		deletes = append(deletes, lines[1:]...)
		got, err := minutesOf(lines[0].NumberOfUnits)
		if err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
		if got != m || len(lines) > 1 {
			updates = append(updates, update{lines[0], m})
		}
	}
	for _, k := range want.keys() {
		if _, ok := have[k]; !ok {
			creates = append(creates, k)
		}
	}
	ref := timesheetRef(t.TimesheetID)
	if len(deletes)+len(updates)+len(creates) == 0 {
		return ref, nil
	}
	if t.Status != TimesheetDraft {
		return "", fault.Permanentf(op, "timesheet %s is %s in Xero and holds other hours; revert it to draft in Xero to replace it", t.TimesheetID, t.Status)
	}
	slices.SortFunc(deletes, func(a, b TimesheetLine) int { return cmp.Compare(a.TimesheetLineID, b.TimesheetLineID) })
	for _, l := range deletes {
		// A line already gone (a retry after a lost answer) is what a delete wants.
		if _, err := x.Client.Timesheets.DeleteLine(ctx, t.TimesheetID, l.TimesheetLineID); err != nil && !rest.NotFound(err) {
			return "", fmt.Errorf("%s: %w", op, err)
		}
	}
	slices.SortFunc(updates, func(a, b update) int { return cmp.Compare(a.line.TimesheetLineID, b.line.TimesheetLineID) })
	for _, u := range updates {
		line := TimesheetLine{Date: u.line.Date, EarningsRateID: u.line.EarningsRateID, NumberOfUnits: unitsOf(u.minutes)}
		if _, _, err := x.Client.Timesheets.UpdateLine(ctx, t.TimesheetID, u.line.TimesheetLineID, &line); err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
	}
	for _, k := range creates {
		line := TimesheetLine{Date: DateOf(k.date), EarningsRateID: k.rate, NumberOfUnits: unitsOf(want[k])}
		key := idempotencyKey("timesheet-line", t.TimesheetID, k.date.String(), k.rate, strconv.Itoa(want[k]))
		if _, _, err := x.Client.Timesheets.CreateLine(ctx, t.TimesheetID, &line, &WriteOptions{IdempotencyKey: key}); err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
	}
	return ref, nil
}

// GetTimesheet returns the days the employee's timesheet for period holds, as far as its
// lines of the configured earnings rates tell (see ComparableDays); ok is false when Xero
// holds no timesheet for exactly that period.
func (x *Xero) GetTimesheet(ctx context.Context, emp model.Employee, period model.PayPeriod) ([]model.AttendanceDay, bool, error) {
	id, err := x.employeeID(emp)
	if err != nil {
		return nil, false, err
	}
	if err := x.ensureTenant(ctx); err != nil {
		return nil, false, err
	}
	t, found, err := x.findTimesheet(ctx, id, period)
	if err != nil || !found {
		return nil, false, err
	}
	p := plan{}
	for _, l := range t.TimesheetLines {
		m, err := minutesOf(l.NumberOfUnits)
		if err != nil {
			return nil, false, fmt.Errorf("%s: timesheet %s: %w", Vendor, t.TimesheetID, err)
		}
		p[lineKey{l.Date.Date, l.EarningsRateID}] += m
	}
	return x.earnings.days(id, p), true, nil
}

// findTimesheet returns the employee's timesheet for exactly period, with its lines. Xero
// lists timesheets without lines, so the one found is read again. Timesheets inside the
// period with other dates mean the employee's payroll calendar does not have this pay
// period: that needs a person.
func (x *Xero) findTimesheet(ctx context.Context, employeeID string, period model.PayPeriod) (*Timesheet, bool, error) {
	opts := TimesheetsListOptions{EmployeeID: employeeID, StartDate: period.Start, EndDate: period.End}
	var other *Timesheet
	for t, err := range x.Client.Timesheets.ListIter(ctx, opts) {
		if err != nil {
			return nil, false, err
		}
		if t.EmployeeID != "" && t.EmployeeID != employeeID {
			continue
		}
		if t.StartDate.Date == period.Start && t.EndDate.Date == period.End {
			full, _, err := x.Client.Timesheets.Get(ctx, t.TimesheetID)
			if err != nil {
				return nil, false, err
			}
			return full, true, nil
		}
		if other == nil {
			other = &t
		}
	}
	if other != nil {
		return nil, false, fault.Permanentf(Vendor, "the employee's timesheet %s covers %s to %s, not the pay period %s to %s: the payroll calendar in Xero must have the same pay periods",
			other.TimesheetID, other.StartDate, other.EndDate, period.Start, period.End)
	}
	return nil, false, nil
}

// calendarOf returns the employee's payroll calendar: learnt when listing employees, or
// read (GET /Employees/{id}).
func (x *Xero) calendarOf(ctx context.Context, employeeID string) (string, error) {
	x.mu.Lock()
	cal := x.calendars[employeeID]
	x.mu.Unlock()
	if cal != "" {
		return cal, nil
	}
	e, _, err := x.Client.Employees.Get(ctx, employeeID)
	if err != nil {
		return "", err
	}
	if e.PayrollCalendarID == "" {
		return "", fault.Permanentf(Vendor, "employee %s has no payroll calendar in Xero", employeeID)
	}
	x.mu.Lock()
	x.calendars[employeeID] = e.PayrollCalendarID
	x.mu.Unlock()
	return e.PayrollCalendarID, nil
}
