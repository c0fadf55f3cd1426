package payroll

import "github.com/urakata/urakata/shared/model"

// IssueKind names a problem found in an employee's time-clock data, one that a person must
// fix at the source because the rules will not guess.
type IssueKind string

const (
	// IssueMissingClockOut is a clock-in without a clock-out (退勤打刻漏れ): the day counts 0
	// minutes.
	IssueMissingClockOut IssueKind = "missing_clock_out"
	// IssueMissingClockIn is a clock-out without a clock-in (出勤打刻漏れ): the day counts 0
	// minutes.
	IssueMissingClockIn IssueKind = "missing_clock_in"
	// IssueClockOutBeforeClockIn is a clock-out at or before the clock-in: the day counts 0
	// minutes.
	IssueClockOutBeforeClockIn IssueKind = "clock_out_before_clock_in"
	// IssueShiftTooLong is a clock-out more than 24 hours after the clock-in, almost always
	// a punch on the wrong day: the day counts 0 minutes.
	IssueShiftTooLong IssueKind = "shift_too_long"
	// IssueBadBreak is a break without a start or an end, or ending before it starts: the
	// day counts 0 minutes.
	IssueBadBreak IssueKind = "bad_break"
	// IssueUnknownDayKind is a day whose kind is none of model.Workday, PrescribedHoliday and
	// LegalHoliday: neither its minutes nor its leave are counted.
	IssueUnknownDayKind IssueKind = "unknown_day_kind"
	// IssueDuplicateDate is a second record for a date the employee already has: it is not
	// counted.
	IssueDuplicateDate IssueKind = "duplicate_date"
	// IssueBadLeave is leave that cannot be counted: an unknown kind, a day count outside
	// 0..1 day, a day count without a kind, or leave on a holiday. The leave is not counted;
	// any work that day is.
	IssueBadLeave IssueKind = "bad_leave"
	// IssueWorkOnLeaveDay is work punched on a date with a whole day of leave or absence: both
	// are counted as recorded, which pays the day twice unless someone corrects it.
	IssueWorkOnLeaveDay IssueKind = "work_on_leave_day"
	// IssueInvalidRules is reported by ComputeDays when the rules do not validate; Detail
	// says why and no day is computed.
	IssueInvalidRules IssueKind = "invalid_rules"
)

var issueText = map[IssueKind]string{
	IssueMissingClockOut:       "clock-in without a clock-out; the day counts 0 minutes",
	IssueMissingClockIn:        "clock-out without a clock-in; the day counts 0 minutes",
	IssueClockOutBeforeClockIn: "clock-out is not after the clock-in; the day counts 0 minutes",
	IssueShiftTooLong:          "clock-out is more than 24 hours after the clock-in; the day counts 0 minutes",
	IssueBadBreak:              "a break has no start or end, or ends before it starts; the day counts 0 minutes",
	IssueUnknownDayKind:        "the kind of day is not workday, prescribed_holiday or legal_holiday; neither its minutes nor its leave are counted",
	IssueDuplicateDate:         "a second record for this date; it is not counted",
	IssueBadLeave:              "leave that cannot be counted (unknown kind, day count outside 0..1, or on a holiday); it is not counted",
	IssueWorkOnLeaveDay:        "work punched on a whole day of leave or absence; both are counted",
	IssueInvalidRules:          "the payroll rules are invalid; nothing was computed",
}

// Issue is one problem in one employee's data on one date. It carries no personal data, so
// it can be logged and shown to an operator as is.
type Issue struct {
	// EmployeeID is the source system's id of the employee (not a name).
	EmployeeID string
	// Date is the business date of the record; zero for IssueInvalidRules.
	Date model.Date
	Kind IssueKind
	// Detail adds what the kind alone does not say, e.g. which rule is invalid.
	Detail string
}

// Error describes the issue as "2026-04-03: clock-in without a clock-out; ...", so issues
// can be joined and wrapped like errors.
func (i Issue) Error() string {
	msg := issueText[i.Kind]
	if msg == "" {
		msg = string(i.Kind)
	}
	if i.Detail != "" {
		msg += ": " + i.Detail
	}
	if i.Date.IsZero() {
		return msg
	}
	return i.Date.String() + ": " + msg
}
