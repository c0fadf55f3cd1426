package hub

import (
	"context"
	"iter"

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
