// Package overtime is the 36協定 guard, flow type "overtime-watch": on a schedule (weekday
// mornings, say) it counts each employee's overtime so far in the current pay period and
// tells the employee's manager in chat when it reaches the warning line (mapping.warn_hours,
// 40 by default) and again when it reaches the agreement's monthly limit
// (mapping.limit_hours, 45 by default), so that work can be rearranged before the limit is
// broken.
//
// Overtime here is 時間外労働 as the 36協定's monthly limit counts it: time beyond 8 hours a
// day or 40 hours a week (法定外), computed by package payroll under the flow's period rules
// from the period's first day to today, with the days of the week before the period read
// too for the weekly 40 hours. Work on the legal holiday (休日労働) is not part of it. A day
// with a broken punch counts what payroll can count (nothing for that day), so a figure may
// be low until the punch is fixed; a line reached later is still told when it is reached. A
// line is reached when overtime equals or exceeds it: at exactly 45 hours, the next minute
// breaks the agreement.
//
// Each line reached makes one delivery, a chat message to the channel mapping.manager_channels
// names for the employee's department (else mapping.default_channel), keyed by the employee's
// id at the source, the period and the line. Its payload holds nothing that changes from day
// to day (who, where, which line, the period; not the minutes), so the daily runs after the
// first find it in the ledger and post nothing: each notice is posted once per period and
// line. A changed channel, name or line posts it again, to where it now belongs. An employee
// below the warning line plans nothing, so a run's "read" counts the employees with a notice;
// the log line "overtime watched" gives the head count.
//
// Departments are as the attendance source names them: KING OF TIME's 所属 (division),
// freee 人事労務's main group (主所属).
//
// Cost: one attendance read per employee per run (the time clocks from the start of the
// period's first week to today), as timeclock-to-payroll makes per period; a daily schedule
// makes about 22 such reads per employee a month. Chat cannot be read back, so a worker that
// died between posting and settling posts the notice again on its retry (no Recoverer).
package overtime

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/flows/internal/employees"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// TypeName is the flow type's name in hub.yaml.
const TypeName = "overtime-watch"

// The lines a notice is about.
const (
	LineWarn  = "warn"
	LineLimit = "limit"
)

// Flow is one configured overtime-watch flow.
type Flow struct {
	sourceConn string
	source     hub.AttendanceSource
	chat       hub.ChatPoster
	rules      payroll.Rules

	warnHours, limitHours int
	// channels maps a department to its managers' channel; fallback takes the rest ("":
	// such an employee's notice is an item error).
	channels map[string]string
	fallback string

	now    func() time.Time
	logger *slog.Logger
}

var _ hub.Flow = (*Flow)(nil)

// Notice is what a delivery carries: who reached which line in which period, and where to
// say it. Nothing in it changes while the period goes on, so that the ledger posts it once.
type Notice struct {
	Line       string `json:"line"`
	LineHours  int    `json:"line_hours"`
	LimitHours int    `json:"limit_hours"`
	Channel    string `json:"channel"`
	// Code, Name and Department are the employee's; the name is for the manager to read and
	// must never be logged.
	Code       string          `json:"code,omitempty"`
	Name       string          `json:"name,omitempty"`
	Department string          `json:"department,omitempty"`
	Period     model.PayPeriod `json:"period"`
}

// span is what one run counts: the pay period, the part of it up to today, and the days to
// read for that part (from the start of its first week).
type span struct {
	period, sofar, fetch model.PayPeriod
}

// Plan counts every employee's overtime in the run's pay period and emits a notice for each
// line reached, reading a few employees at a time (employees.Each).
func (f *Flow) Plan(ctx context.Context, run hub.Run, emit func(hub.Item) error) (string, error) {
	period, asOf, err := f.period(run.Job.Period)
	if err != nil {
		return "", fault.Permanent(TypeName, err)
	}
	sp := span{period: period}
	sp.sofar = model.PayPeriod{Year: period.Year, Month: period.Month, Start: period.Start, End: asOf}
	sp.fetch = sp.sofar
	sp.fetch.Start = payroll.FirstDayNeeded(f.rules, period)
	log := run.Logger
	if log == nil {
		log = f.logger
	}

	var (
		watched int
		reached = map[string]int{}
	)
	err = employees.Each(ctx, f.source, f.sourceConn, period, func(ctx context.Context, emp model.Employee) []hub.Item {
		return f.check(ctx, log, emp, sp)
	}, func(items []hub.Item) error {
		watched++
		for i, it := range items {
			it.Follows = i > 0
			if n, ok := it.Payload.(Notice); ok {
				reached[n.Line]++
			}
			if err := emit(it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	log.Info("overtime watched", "period", period.Label(), "to", asOf.String(), "employees", watched,
		"at_warn_line", reached[LineWarn], "at_limit", reached[LineLimit])
	return "", nil
}

// check counts one employee's overtime and returns a notice per line reached, or the error
// that kept this employee alone from being watched.
func (f *Flow) check(ctx context.Context, log *slog.Logger, emp model.Employee, sp span) []hub.Item {
	id := emp.ID(f.sourceConn)
	key := fmt.Sprintf("overtime/%s/%s", id, sp.period.Label())
	if id == "" {
		return []hub.Item{{NaturalKey: key, Err: fmt.Errorf("employee %s has no id at %s", who(emp), f.sourceConn)}}
	}
	days, err := f.source.Attendance(ctx, emp, sp.fetch)
	if err != nil {
		return []hub.Item{{NaturalKey: key, Err: fmt.Errorf("read the time clocks of employee %s at %s: %w", who(emp), f.sourceConn, err)}}
	}
	sum, issues, err := payroll.Summarize(f.rules, sp.sofar, id, days)
	if err != nil {
		return []hub.Item{{NaturalKey: key, Err: fmt.Errorf("count the overtime of employee %s: %w", who(emp), err)}}
	}
	if len(issues) > 0 {
		log.Info("time clock has problems; overtime counts what can be counted", "employee", emp, "issues", len(issues))
	}
	var lines []Notice
	for _, l := range []struct {
		name  string
		hours int
	}{{LineWarn, f.warnHours}, {LineLimit, f.limitHours}} {
		if sum.OvertimeMinutes >= l.hours*60 {
			lines = append(lines, Notice{Line: l.name, LineHours: l.hours})
		}
	}
	if len(lines) == 0 {
		return nil
	}
	channel, ok := f.channelOf(emp.Department)
	if !ok {
		return []hub.Item{{NaturalKey: key, Err: fmt.Errorf("employee %s reached the %s line, and there is no channel to tell: %s",
			who(emp), lines[len(lines)-1].Line, noChannel(emp.Department))}}
	}
	items := make([]hub.Item, 0, len(lines))
	for _, n := range lines {
		n.LimitHours, n.Channel, n.Period = f.limitHours, channel, sp.period
		n.Code, n.Name, n.Department = emp.Code, emp.Name, emp.Department
		items = append(items, hub.Item{NaturalKey: key + "/" + n.Line, Payload: n})
	}
	return items
}

// channelOf is where notices about an employee of dept go.
func (f *Flow) channelOf(dept string) (string, bool) {
	if ch := f.channels[dept]; ch != "" && dept != "" {
		return ch, true
	}
	return f.fallback, f.fallback != ""
}

// Deliver posts the notice to the manager's channel.
func (f *Flow) Deliver(ctx context.Context, d hub.Delivery) (hub.Result, error) {
	var n Notice
	if err := hub.DecodePayload(d, &n); err != nil {
		return hub.Result{}, err
	}
	ref, err := f.chat.PostMessage(ctx, model.ChatMessage{Channel: n.Channel, Text: noticeText(n)})
	if err != nil {
		return hub.Result{}, fmt.Errorf("overtime notice %s: %w", d.NaturalKey, err)
	}
	return hub.Result{Ref: ref, Detail: n.Line + " line notice"}, nil
}

// ResolvePeriod names the pay period a run covers: label itself ("YYYY-MM") when given,
// otherwise the one that holds today in the company's zone.
func (f *Flow) ResolvePeriod(label string) (string, error) {
	p, _, err := f.period(label)
	if err != nil {
		return "", err
	}
	return p.Label(), nil
}

// period resolves "YYYY-MM", or "" for the period holding today, and the last date to count:
// today, or the period's end for a period already closed (a scheduled job that waited in the
// queue past the closing day still counts the period it was meant for).
func (f *Flow) period(label string) (model.PayPeriod, model.Date, error) {
	today := model.DateOf(f.now(), f.rules.Location())
	if label == "" {
		p, err := payroll.PeriodContaining(f.rules.ClosingDay, today)
		return p, today, err
	}
	p, err := payroll.PeriodNamed(f.rules.ClosingDay, label)
	if err != nil {
		return model.PayPeriod{}, model.Date{}, err
	}
	if p.Start.After(today) {
		return model.PayPeriod{}, model.Date{}, fmt.Errorf("period %s starts on %s, after today (%s): it has no overtime to watch yet", label, p.Start, today)
	}
	if p.End.Before(today) {
		return p, p.End, nil
	}
	return p, today, nil
}

// noticeText is the chat message, Japanese first, English after. It names the employee (the
// manager must know who) and nothing else personal: no minutes, no pay.
func noticeText(n Notice) string {
	person := n.Name
	if n.Code != "" {
		person = n.Code + " " + n.Name
	}
	p := n.Period
	dates := fmt.Sprintf("%d/%d〜%d/%d", p.Start.Month, p.Start.Day, p.End.Month, p.End.Day)
	datesEN := fmt.Sprintf("%d/%d–%d/%d", p.Start.Month, p.Start.Day, p.End.Month, p.End.Day)
	if n.Line == LineLimit {
		return fmt.Sprintf("【36協定】%s さんの%d年%d月度（%s）の時間外労働が、上限の月%d時間に達しました。これ以上の時間外労働は協定の上限を超えます。直ちに業務の調整をお願いします。\n"+
			"36 Agreement: overtime of %s in the %s %d pay period (%s) has reached the limit of %d hours a month; any more goes beyond the agreement. Please adjust their work now.",
			person, p.Year, int(p.Month), dates, n.LineHours,
			person, p.Month, p.Year, datesEN, n.LineHours)
	}
	return fmt.Sprintf("【36協定】%s さんの%d年%d月度（%s）の時間外労働が、警告ライン %d時間に達しました。上限は月%d時間です。業務の調整をお願いします。\n"+
		"36 Agreement: overtime of %s in the %s %d pay period (%s) has reached the warning line of %d hours; the limit is %d hours a month. Please adjust their work.",
		person, p.Year, int(p.Month), dates, n.LineHours, n.LimitHours,
		person, p.Month, p.Year, datesEN, n.LineHours, n.LimitHours)
}

// who names an employee in errors and logs: by code, never by name.
func who(emp model.Employee) string {
	if emp.Code != "" {
		return emp.Code
	}
	return "without a code"
}

// noChannel says why an employee of dept has no channel, and what to set.
func noChannel(dept string) string {
	if dept == "" {
		return "the source gives no department, and mapping.default_channel is not set; set it"
	}
	return fmt.Sprintf("department %q is not in mapping.manager_channels, and mapping.default_channel is not set; add the one or set the other", dept)
}
