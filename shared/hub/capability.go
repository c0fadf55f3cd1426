package hub

import (
	"context"
	"iter"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// EmployeeSource lists employees, page by page underneath: the iterator fetches the next
// page only when the caller has consumed the previous one, so memory stays bounded.
type EmployeeSource interface {
	// Employees yields the employees on the payroll in period. An error ends the iteration.
	Employees(ctx context.Context, period model.PayPeriod) iter.Seq2[model.Employee, error]
}

// AttendanceSource reads time-clock data.
type AttendanceSource interface {
	EmployeeSource
	// Attendance returns one employee's days in period: the punches, the kind of each day
	// and any leave, with the minutes not yet computed (package payroll does that). Days
	// without any record may be omitted.
	Attendance(ctx context.Context, emp model.Employee, period model.PayPeriod) ([]model.AttendanceDay, error)
}

// WorkSummaryTarget is a payroll system that takes monthly work summaries.
type WorkSummaryTarget interface {
	// PutWorkSummary replaces the whole summary the target holds for the employee and period
	// and returns the target's reference for it. emp.IDs carries the target's own id.
	PutWorkSummary(ctx context.Context, emp model.Employee, s model.WorkSummary) (ref string, err error)
	// GetWorkSummary returns what the target holds now; ok is false when it holds nothing.
	GetWorkSummary(ctx context.Context, emp model.Employee, period model.PayPeriod) (s model.WorkSummary, ok bool, err error)
}

// SummaryComparer is the optional ability of a WorkSummaryTarget to say what of a summary it
// can hand back: some targets take fields they never return, or return two fields summed.
// Reconciliation and crash recovery compare Comparable(planned) with Comparable(read back).
type SummaryComparer interface {
	Comparable(s model.WorkSummary) model.WorkSummary
}

// ExpenseSource reads approved expense reports (経費精算).
type ExpenseSource interface {
	// ApprovedExpenses yields the reports approved at or after since, oldest approval first,
	// page by page underneath. A polling flow keeps since as its cursor, with an overlap; the
	// ledger absorbs the overlap's duplicates.
	ApprovedExpenses(ctx context.Context, since time.Time) iter.Seq2[model.ExpenseReport, error]
	// Expense returns one report by the source's id (a webhook names it; the details are
	// fetched). A report that is not approved is returned as it is; the flow decides.
	Expense(ctx context.Context, id string) (model.ExpenseReport, error)
}

// JournalTarget is an accounting system that takes journal entries (仕訳).
type JournalTarget interface {
	// PostJournal creates the entry and returns the target's reference for it. The entry's
	// SourceRef must be stored where FindJournal can search it. Creates are not idempotent:
	// the worker calls FindJournal first on any retry.
	PostJournal(ctx context.Context, e model.JournalEntry) (ref string, err error)
	// FindJournal looks an entry up by its SourceRef; ok is false when the target has none.
	FindJournal(ctx context.Context, sourceRef string) (ref string, ok bool, err error)
}

// ChatPoster posts messages to a chat service.
type ChatPoster interface {
	// PostMessage posts m and returns the service's id of the message (the thread to reply in).
	PostMessage(ctx context.Context, m model.ChatMessage) (ref string, err error)
}

// ChatDirectory finds people in a chat service, to tell an employee something directly.
type ChatDirectory interface {
	// UserByEmail returns the chat service's id of the user with that email, and the channel
	// (room) to reach them alone; ok is false when there is none.
	UserByEmail(ctx context.Context, email string) (user, channel string, ok bool, err error)
}

// TimesheetTarget is a payroll system that takes daily timesheet lines (Xero payroll) rather
// than a monthly summary.
type TimesheetTarget interface {
	// PutTimesheet replaces the employee's timesheet for the period with one line per date of
	// days (the minutes computed by package payroll), and returns the target's reference.
	PutTimesheet(ctx context.Context, emp model.Employee, period model.PayPeriod, days []model.AttendanceDay) (ref string, err error)
	// GetTimesheet returns the days the target holds for the period (minutes by category);
	// ok is false when it holds no timesheet.
	GetTimesheet(ctx context.Context, emp model.Employee, period model.PayPeriod) (days []model.AttendanceDay, ok bool, err error)
}

// LeaveSource reads paid-leave balances (有給休暇の残日数), for the chat bot to tell an
// employee their own (CapPaidLeaveBalance).
type LeaveSource interface {
	// PaidLeave returns emp's remaining paid leave on the business date on (the vendor's
	// figure for on's month when it keeps one per month). emp.IDs carries the source's id.
	PaidLeave(ctx context.Context, emp model.Employee, on model.Date) (model.LeaveBalance, error)
}

// ChatProfiles is a chat service's ability to say a user's email (Slack's users.info), so
// the chat bot can map an asker to an employee by email without a hub.yaml entry.
type ChatProfiles interface {
	// EmailOf returns the email of the chat user; ok is false for a user without one the
	// service will show (a bot, a guest, a hidden profile).
	EmailOf(ctx context.Context, user string) (email string, ok bool, err error)
}

// IssueTracker files and closes issues (GitHub), for operations alerts.
type IssueTracker interface {
	// OpenIssue files an issue, or, when an open one carries the same fingerprint, comments on
	// it; it returns the issue's reference.
	OpenIssue(ctx context.Context, fingerprint, title, body string) (ref string, err error)
	// CloseIssue closes the open issue with that fingerprint, if any, with a comment.
	CloseIssue(ctx context.Context, fingerprint, comment string) error
}

// TimesheetComparer is the optional ability of a TimesheetTarget to say what of a timesheet
// it can hand back (which minutes it keeps, per date). Reconciliation and crash recovery
// compare ComparableDays(planned) with ComparableDays(read back).
type TimesheetComparer interface {
	ComparableDays(days []model.AttendanceDay, period model.PayPeriod) ([]model.AttendanceDay, error)
}

// ExpenseState says where an approved expense claim stands on its way into the books.
type ExpenseState string

// The states, in the order a claim passes them.
const (
	// ExpenseWaiting: approved, not yet planned (the next run or the approval webhook will).
	ExpenseWaiting ExpenseState = "waiting"
	// ExpensePosting: planned and queued, or being written now.
	ExpensePosting ExpenseState = "posting"
	// ExpensePosted: the books hold its journal entry (Ref).
	ExpensePosted ExpenseState = "posted"
	// ExpenseStuck: posting failed for good (a mapping gap, a rejected entry); the back
	// office has it in the run summary or the dead letters.
	ExpenseStuck ExpenseState = "stuck"
)

// ExpenseStatus is one of an employee's approved claims and where it stands.
type ExpenseStatus struct {
	Report model.ExpenseReport
	State  ExpenseState
	// Ref is the books' reference for its journal entry, once posted.
	Ref string
}

// ExpenseTracker is a flow's ability to tell an employee what became of their own expense
// claims: the chat bot's "経費精算はどうなった?".
type ExpenseTracker interface {
	// ExpensesOf returns the claims of who (matched by employee code, else email) approved
	// since since, newest approval first, at most limit of them.
	ExpensesOf(ctx context.Context, who model.Employee, since time.Time, limit int) ([]ExpenseStatus, error)
}
