// Package timeclock is the timeclock-to-payroll flow: for one pay period it reads each
// employee's time clocks from an attendance source, computes the days under Japanese labour
// rules (package payroll), totals them into a WorkSummary and writes the whole summary to a
// payroll target.
//
// One delivery per employee and period. Its idempotency key includes a digest of the
// summary, so a second run with unchanged clocks writes nothing, and a corrected punch writes
// the corrected summary once. The write is a natural upsert (the target replaces the whole
// summary), and a worker that died mid-write is recovered by comparing what the target holds.
package timeclock

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/flows/internal/employees"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// TypeName is the flow type's name in hub.yaml.
const TypeName = "timeclock-to-payroll"

// Flow is one configured timeclock-to-payroll flow.
type Flow struct {
	sourceConn string
	targetConn string
	source     hub.AttendanceSource
	// Exactly one of target and sheets is set: a payroll that takes monthly summaries, or
	// one that takes daily timesheet lines.
	target hub.WorkSummaryTarget
	sheets hub.TimesheetTarget
	rules  payroll.Rules
	now    func() time.Time
	// Employee matching when source and target are different systems.
	targetLister hub.EmployeeSource
	matchOrder   []string
	overrides    map[string]string
}

var (
	_ hub.Flow       = (*Flow)(nil)
	_ hub.Recoverer  = (*Flow)(nil)
	_ hub.Reconciler = (*Flow)(nil)
)

// Payload is what a delivery carries: who, and the whole summary (and, for a timesheet
// target, the computed days of the period).
type Payload struct {
	// Employee carries the ids and the code only: no name or email travels on the queue.
	Employee model.Employee    `json:"employee"`
	Summary  model.WorkSummary `json:"summary"`
	// Days are the period's days with their minutes computed, for a timesheet target.
	Days []model.AttendanceDay `json:"days,omitempty"`
}

// Plan reads the source for the run's pay period and emits one summary per employee, in
// the source's order, reading a few employees at a time (employees.Each).
func (f *Flow) Plan(ctx context.Context, run hub.Run, emit func(hub.Item) error) (string, error) {
	period, err := f.period(run.Job.Period)
	if err != nil {
		return "", fault.Permanent("timeclock-to-payroll", err)
	}
	// The weekly 40 hours count from the week's first day, which may lie before the period.
	fetch := period
	fetch.Start = payroll.FirstDayNeeded(f.rules, period)

	match, err := f.matcher(ctx, period)
	if err != nil {
		return "", err
	}
	return "", employees.Each(ctx, f.source, f.sourceConn, period, func(ctx context.Context, emp model.Employee) hub.Item {
		target, err := match.Match(emp)
		if err != nil {
			return hub.Item{NaturalKey: fmt.Sprintf("employee/%s/%s", emp.ID(f.sourceConn), period.Label()), Err: err}
		}
		key := fmt.Sprintf("employee/%s/%s", target.ID(f.targetConn), period.Label())
		return f.item(ctx, emp, target, key, period, fetch)
	}, emit)
}

// item reads and computes one employee's summary; what goes wrong for this employee alone is
// the item's error, so the others are still paid.
func (f *Flow) item(ctx context.Context, emp, target model.Employee, key string, period, fetch model.PayPeriod) hub.Item {
	days, err := f.source.Attendance(ctx, emp, fetch)
	if err != nil {
		return hub.Item{NaturalKey: key, Err: fmt.Errorf("read time clocks: %w", err)}
	}
	sum, issues, err := payroll.Summarize(f.rules, period, emp.ID(f.sourceConn), days)
	if err != nil {
		return hub.Item{NaturalKey: key, Err: err}
	}
	if len(issues) > 0 {
		// Totals computed over a day with a broken punch would be wrong pay: stop this
		// employee until the punch is fixed at the source.
		errs := make([]error, 0, len(issues))
		for _, is := range issues {
			errs = append(errs, is)
		}
		return hub.Item{NaturalKey: key, Err: fmt.Errorf("fix the time clock at %s and run again: %w", f.sourceConn, errors.Join(errs...))}
	}
	sum.EmployeeID = target.ID(f.targetConn)
	sum.EmployeeCode = target.Code
	p := Payload{Employee: target, Summary: sum}
	if f.sheets != nil {
		// A timesheet takes the days themselves; the lead-in days before the period only
		// counted toward the weekly 40 hours.
		computed, _ := payroll.ComputeDays(f.rules, days)
		for _, d := range computed {
			if period.Contains(d.Date) {
				d.EmployeeID = sum.EmployeeID
				p.Days = append(p.Days, d)
			}
		}
	}
	return hub.Item{NaturalKey: key, Payload: p}
}

// Deliver writes the whole summary to the target.
func (f *Flow) Deliver(ctx context.Context, d hub.Delivery) (hub.Result, error) {
	var p Payload
	if err := hub.DecodePayload(d, &p); err != nil {
		return hub.Result{}, err
	}
	if f.sheets != nil {
		ref, err := f.sheets.PutTimesheet(ctx, p.Employee, p.Summary.Period, p.Days)
		if err != nil {
			return hub.Result{}, fmt.Errorf("put timesheet %s: %w", d.NaturalKey, err)
		}
		return hub.Result{Ref: ref}, nil
	}
	ref, err := f.target.PutWorkSummary(ctx, p.Employee, p.Summary)
	if err != nil {
		return hub.Result{}, fmt.Errorf("put work summary %s: %w", d.NaturalKey, err)
	}
	return hub.Result{Ref: ref}, nil
}

// Recover reports whether the target already holds exactly this summary.
func (f *Flow) Recover(ctx context.Context, d hub.Delivery) (hub.Result, bool, error) {
	r, err := f.Reconcile(ctx, d)
	if err != nil {
		return hub.Result{}, false, err
	}
	return hub.Result{Detail: "target already held it"}, r.Match, nil
}

// Reconcile compares the planned summary with what the target holds now.
func (f *Flow) Reconcile(ctx context.Context, d hub.Delivery) (hub.Reconciliation, error) {
	var p Payload
	if err := hub.DecodePayload(d, &p); err != nil {
		return hub.Reconciliation{}, err
	}
	if f.sheets != nil {
		return f.reconcileTimesheet(ctx, d.NaturalKey, p)
	}
	got, ok, err := f.target.GetWorkSummary(ctx, p.Employee, p.Summary.Period)
	if err != nil {
		return hub.Reconciliation{}, fmt.Errorf("get work summary %s: %w", d.NaturalKey, err)
	}
	r := hub.Reconciliation{NaturalKey: d.NaturalKey}
	if !ok {
		r.Differences = []string{"target holds no summary for this period"}
		return r, nil
	}
	want := p.Summary
	if c, ok := f.target.(hub.SummaryComparer); ok {
		want, got = c.Comparable(want), c.Comparable(got)
	}
	for _, diff := range payroll.Reconcile(want, got) {
		r.Differences = append(r.Differences, diff.String())
	}
	r.Match = len(r.Differences) == 0
	return r, nil
}

// ResolvePeriod names the pay period a run covers: label itself ("YYYY-MM") when given,
// otherwise the period that closed most recently in the company's zone.
func (f *Flow) ResolvePeriod(label string) (string, error) {
	p, err := f.period(label)
	if err != nil {
		return "", err
	}
	return p.Label(), nil
}

// period resolves "YYYY-MM", or "" for the period that closed most recently.
func (f *Flow) period(label string) (model.PayPeriod, error) {
	if label != "" {
		return payroll.PeriodNamed(f.rules.ClosingDay, label)
	}
	today := model.DateOf(f.now(), f.rules.Location())
	cur, err := payroll.PeriodContaining(f.rules.ClosingDay, today)
	if err != nil {
		return model.PayPeriod{}, err
	}
	return payroll.PeriodContaining(f.rules.ClosingDay, cur.Start.AddDays(-1))
}

// reconcileTimesheet compares the planned days with the timesheet the target holds, date by
// date, as far as the target can hand them back.
func (f *Flow) reconcileTimesheet(ctx context.Context, key string, p Payload) (hub.Reconciliation, error) {
	r := hub.Reconciliation{NaturalKey: key}
	got, ok, err := f.sheets.GetTimesheet(ctx, p.Employee, p.Summary.Period)
	if err != nil {
		return hub.Reconciliation{}, fmt.Errorf("get timesheet %s: %w", key, err)
	}
	if !ok {
		r.Differences = []string{"target holds no timesheet for this period"}
		return r, nil
	}
	want := p.Days
	if c, ok := f.sheets.(hub.TimesheetComparer); ok {
		if want, err = c.ComparableDays(want, p.Summary.Period); err != nil {
			return hub.Reconciliation{}, err
		}
		if got, err = c.ComparableDays(got, p.Summary.Period); err != nil {
			return hub.Reconciliation{}, err
		}
	}
	r.Differences = dayDifferences(want, got)
	r.Match = len(r.Differences) == 0
	return r, nil
}

// dayDifferences lists each date whose minutes differ, as "2026-10-05: want …, target has …".
func dayDifferences(want, got []model.AttendanceDay) []string {
	type minutes struct{ Worked, Overtime, Holiday, LateNight int }
	of := func(days []model.AttendanceDay) map[model.Date]minutes {
		m := map[model.Date]minutes{}
		for _, d := range days {
			m[d.Date] = minutes{d.WorkedMinutes, d.OvertimeMinutes, d.HolidayMinutes, d.LateNightMinutes}
		}
		return m
	}
	w, g := of(want), of(got)
	var dates []model.Date
	for d := range w {
		dates = append(dates, d)
	}
	for d := range g {
		if _, ok := w[d]; !ok {
			dates = append(dates, d)
		}
	}
	slices.SortFunc(dates, model.Date.Compare)
	var out []string
	for _, d := range dates {
		if w[d] != g[d] {
			out = append(out, fmt.Sprintf("%s: want %+v, target has %+v", d, w[d], g[d]))
		}
	}
	return out
}
