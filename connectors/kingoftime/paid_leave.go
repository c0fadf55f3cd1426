package kingoftime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// PaidLeave returns the employee's remaining annual paid leave (年次有給休暇) as KING OF TIME
// reports it for the month that holds on: the balance as of that month's closing (AsOf is
// KOT's date), with the leave already booked up to the closing taken off. Days are whole
// and half days, Minutes the hours of hourly leave left.
//
// KOT serves remaining leave per working type (雇用区分), so the employee's type is looked
// up first: GET /employees/{code} by emp.Code, checked against the key emp.IDs holds (KOT's
// key never changes, its code may), or the whole employee master (one answer, no paging)
// when emp has no code or the code names someone else. Then
// GET /monthly-workings/holiday-remained/{typeCode}/{YYYY-MM} for on's month, and the month
// after (or before) when KOT's closing puts on in that one. One question costs two
// requests, four at worst. KOT publishes no limits; a third-party guide says 500 requests
// per five minutes, and the connection paces itself at requests_per_minute (100 by
// default), so a question takes two of a minute's hundred. The remaining-leave answer
// lists every employee of the working type (about 200 bytes each, no filter by employee
// exists), so it grows with the company, not with the question. Inside KOT's restricted
// hours each call waits as every other read does (waitOut): in process when the caller's
// deadline leaves room, else a *fault.RateLimitedError for the runtime.
//
// The balance counts the leave types annualLeave names: code 1, KOT's built-in 有休,
// unless leave_codes says otherwise.
func (k *KOT) PaidLeave(ctx context.Context, emp model.Employee, on model.Date) (model.LeaveBalance, error) {
	key := emp.ID(k.connection)
	if key == "" {
		return model.LeaveBalance{}, fault.Permanentf(Vendor, "employee %q has no KING OF TIME key in connection %s", emp.Code, k.connection)
	}
	if on.IsZero() {
		return model.LeaveBalance{}, fault.Permanentf(Vendor, "paid leave of employee %q: no date to read the balance on", emp.Code)
	}
	fail := func(err error) (model.LeaveBalance, error) {
		return model.LeaveBalance{}, fmt.Errorf("%s: paid leave of employee %s on %s: %w", Vendor, emp.Code, on, err)
	}
	typeCode, err := k.workingTypeOf(ctx, emp.Code, key)
	if err != nil {
		return fail(err)
	}
	row, found, err := k.remainingLeave(ctx, typeCode, key, on.Year, on.Month)
	if err != nil {
		return fail(err)
	}
	if !found {
		return fail(fault.Permanentf(Vendor, "KING OF TIME has no remaining leave for the employee in working type %s for %04d-%02d (not employed at that month's closing?)",
			typeCode, on.Year, on.Month))
	}
	if shift := monthsOff(row, on); shift != 0 {
		m := model.NewDate(on.Year, on.Month+time.Month(shift), 1)
		other, found, err := k.remainingLeave(ctx, typeCode, key, m.Year, m.Month)
		if err != nil {
			return fail(err)
		}
		if found {
			row = other
		}
	}
	b := model.LeaveBalance{AsOf: row.Date}
	if b.AsOf.IsZero() {
		b.AsOf = model.NewDate(on.Year, on.Month+1, 0)
	}
	b.Days, b.Minutes = k.annualLeaveLeft(row)
	return b, nil
}

// workingTypeOf returns the working type code of the employee with key: by code when there
// is one and it still names that employee, else from the whole master.
func (k *KOT) workingTypeOf(ctx context.Context, code, key string) (string, error) {
	opts := &EmployeesOptions{IncludeResigner: true}
	if code != "" {
		var e *Employee
		err := k.waitOut(ctx, func() error {
			var err error
			e, _, err = k.Client.Employees.Get(ctx, code, opts)
			return err
		})
		switch {
		case err == nil && e.Key == key:
			return typeCodeOf(e)
		case err != nil && !unknownEmployee(err):
			return "", err
		}
	}
	var list []Employee
	if err := k.waitOut(ctx, func() error {
		var err error
		list, _, err = k.Client.Employees.List(ctx, opts)
		return err
	}); err != nil {
		return "", err
	}
	for i := range list {
		if list[i].Key == key {
			return typeCodeOf(&list[i])
		}
	}
	return "", fault.Permanentf(Vendor, "no employee in KING OF TIME's master has the key of connection %s's employee %q", k.connection, code)
}

func typeCodeOf(e *Employee) (string, error) {
	if e.TypeCode == "" {
		return "", fault.Permanentf(Vendor, "employee %q has no working type (typeCode) in KING OF TIME, which remaining leave is read by", e.Code)
	}
	return e.TypeCode, nil
}

// unknownEmployee reports whether KOT refused a lookup by code as naming nobody. KOT does
// not document its answer; 404 (the sandbox's) and 400 (its answer to a request it cannot
// serve) are taken as that, so the master is read instead.
func unknownEmployee(err error) bool {
	var pe *fault.PermanentError
	return errors.As(err, &pe) && (pe.Status == http.StatusNotFound || pe.Status == http.StatusBadRequest)
}

// remainingLeave returns the employee's row of a month's remaining leave; found is false
// when KOT lists no row for them.
func (k *KOT) remainingLeave(ctx context.Context, typeCode, key string, year int, month time.Month) (HolidayRemained, bool, error) {
	var rows []HolidayRemained
	if err := k.waitOut(ctx, func() error {
		var err error
		rows, _, err = k.Client.MonthlyWorkings.HolidayRemained(ctx, typeCode, year, month)
		return err
	}); err != nil {
		return HolidayRemained{}, false, err
	}
	for _, r := range rows {
		if r.EmployeeKey == key {
			return r, true, nil
		}
	}
	return HolidayRemained{}, false, nil
}

// monthsOff says which month's balance is the one for on, from the row of on's month: +1
// when on falls after that row's closing (a company closing before month end, on after
// the closing day), -1 when on falls on or before the closing a month earlier (a company
// that names its months by the closing that starts them), else 0. KOT's date is the
// closing the balance is as of; closeDate its day of the month.
func monthsOff(row HolidayRemained, on model.Date) int {
	if row.Date.IsZero() {
		return 0
	}
	if on.After(row.Date) {
		return 1
	}
	prev := model.NewDate(row.Date.Year, row.Date.Month, 0) // the last day of the month before
	day := row.CloseDate
	if day <= 0 || day > prev.Day {
		day = prev.Day
	}
	if !on.After(model.NewDate(prev.Year, prev.Month, day)) {
		return -1
	}
	return 0
}

// annualLeave reports whether a leave type code is annual paid leave for the balance:
// the codes leave_codes maps to paid, and code 1 (KOT's built-in 有休) unless leave_codes
// maps it to something else. Codes, not names: KOT's two built-in types are codes 1 (有休)
// and 2 (代休) whatever a company renames them to (年休, 年次有給休暇), and names that say 有休
// or 有給 also label pools that are not the annual grant (積立有休, leave saved from expiry),
// which the attendance side may count as paid days off but a balance must not add in.
func (k *KOT) annualLeave(code Code) bool {
	if kind, ok := k.leave[string(code)]; ok {
		return kind == model.PaidLeave
	}
	return code == "1"
}

// annualLeaveLeft sums a row's annual paid leave left: days (KOT may send half days) and
// the hours of hourly leave as minutes.
func (k *KOT) annualLeaveLeft(row HolidayRemained) (model.Days, int) {
	var days model.Days
	minutes := 0
	for _, rl := range row.HolidayRemained {
		if k.annualLeave(rl.Code) {
			days += model.DaysFromFloat(rl.Day)
			minutes += rl.Minutes
		}
	}
	return days, minutes
}
