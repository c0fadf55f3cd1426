package model

import "time"

// DayKind says what kind of day a business date is for one employee under the company's
// work rules.
type DayKind string

const (
	// Workday is a prescribed working day (所定労働日).
	Workday DayKind = "workday"
	// PrescribedHoliday is a company holiday that is not the legal one (所定休日): work on it
	// counts toward the weekly 40 hours but is not holiday work at the 35 % rate.
	PrescribedHoliday DayKind = "prescribed_holiday"
	// LegalHoliday is the weekly legal day off (法定休日, Labour Standards Act art. 35): every
	// minute worked on it is holiday work.
	LegalHoliday DayKind = "legal_holiday"
)

// LeaveKind says why an employee did not work (part of) a day.
type LeaveKind string

const (
	// NoLeave means the day is not a leave day.
	NoLeave LeaveKind = ""
	// PaidLeave is annual paid leave (年次有給休暇).
	PaidLeave LeaveKind = "paid"
	// Absence is an unpaid absence (欠勤).
	Absence LeaveKind = "absence"
	// SpecialLeave is company special leave (特別休暇).
	SpecialLeave LeaveKind = "special"
)

// Interval is a span of time between two zoned instants.
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Minutes returns the whole minutes between Start and End (0 if End is not after Start).
func (iv Interval) Minutes() int {
	if !iv.End.After(iv.Start) {
		return 0
	}
	return int(iv.End.Sub(iv.Start) / time.Minute)
}

// AttendanceDay is one employee's record for one business date: the punches as the time
// clock recorded them, and the minutes computed from them under Japanese labour rules.
type AttendanceDay struct {
	// EmployeeID is the source system's id for the employee.
	EmployeeID string `json:"employee_id"`
	// Date is the business date in the company's zone; a shift past midnight belongs to the
	// date it started on.
	Date Date    `json:"date"`
	Kind DayKind `json:"kind"`
	// ClockIn and ClockOut are zero when there was no punch.
	ClockIn  time.Time  `json:"clock_in,omitzero"`
	ClockOut time.Time  `json:"clock_out,omitzero"`
	Breaks   []Interval `json:"breaks,omitempty"`
	// Leave and LeaveDays describe leave taken on this date (LeaveDays is Day or Day/2).
	Leave     LeaveKind `json:"leave,omitempty"`
	LeaveDays Days      `json:"leave_days,omitempty"`

	// The minutes below are computed by package payroll, not read from the clock.

	// WorkedMinutes is time between clock-in and clock-out less breaks (実労働時間).
	WorkedMinutes int `json:"worked_minutes"`
	// NormalMinutes is worked time within the prescribed hours (所定内).
	NormalMinutes int `json:"normal_minutes"`
	// LegalWithinOvertimeMinutes is overtime beyond the prescribed hours but within the legal
	// 8 h a day / 40 h a week (法定内残業): paid, but without the 25 % premium.
	LegalWithinOvertimeMinutes int `json:"legal_within_overtime_minutes"`
	// OvertimeMinutes is time beyond 8 h a day or 40 h a week (法定外残業, 時間外労働): 25 % premium.
	OvertimeMinutes int `json:"overtime_minutes"`
	// LateNightMinutes is worked time between 22:00 and 05:00 (深夜): 25 % premium on top.
	LateNightMinutes int `json:"late_night_minutes"`
	// HolidayMinutes is worked time on the legal holiday (法定休日労働): 35 % premium.
	HolidayMinutes int `json:"holiday_minutes"`
	// PrescribedHolidayMinutes is worked time on a prescribed (non-legal) holiday.
	PrescribedHolidayMinutes int `json:"prescribed_holiday_minutes"`
	// LatenessMinutes and EarlyLeavingMinutes are short of the prescribed start and end.
	LatenessMinutes     int `json:"lateness_minutes,omitempty"`
	EarlyLeavingMinutes int `json:"early_leaving_minutes,omitempty"`
}

// Worked reports whether the employee punched in on this date.
func (d AttendanceDay) Worked() bool { return !d.ClockIn.IsZero() }

// PayPeriod is the span of business dates one payroll run covers, named by the month it is
// paid for (freee names a summary by year and month). Start and End are inclusive.
type PayPeriod struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	Start Date       `json:"start"`
	End   Date       `json:"end"`
}

// Contains reports whether d falls inside the period.
func (p PayPeriod) Contains(d Date) bool { return !d.Before(p.Start) && !d.After(p.End) }

// Label names the period as YYYY-MM.
func (p PayPeriod) Label() string { return NewDate(p.Year, p.Month, 1).String()[:7] }

// WorkSummary is one employee's monthly totals for one pay period: what payroll imports.
// Every field is sent on a write, because payroll targets replace the whole summary.
type WorkSummary struct {
	EmployeeID   string    `json:"employee_id"`
	EmployeeCode string    `json:"employee_code,omitempty"`
	Period       PayPeriod `json:"period"`

	WorkDays                     Days `json:"work_days"`
	WorkDaysOnWeekdays           Days `json:"work_days_on_weekdays"`
	WorkDaysOnPrescribedHolidays Days `json:"work_days_on_prescribed_holidays"`
	WorkDaysOnLegalHolidays      Days `json:"work_days_on_legal_holidays"`

	WorkedMinutes              int `json:"worked_minutes"`
	NormalMinutes              int `json:"normal_minutes"`
	LegalWithinOvertimeMinutes int `json:"legal_within_overtime_minutes"`
	OvertimeMinutes            int `json:"overtime_minutes"`
	LateNightMinutes           int `json:"late_night_minutes"`
	HolidayMinutes             int `json:"holiday_minutes"`
	PrescribedHolidayMinutes   int `json:"prescribed_holiday_minutes"`
	LatenessMinutes            int `json:"lateness_minutes"`
	EarlyLeavingMinutes        int `json:"early_leaving_minutes"`

	AbsenceDays      Days `json:"absence_days"`
	PaidLeaveDays    Days `json:"paid_leave_days"`
	SpecialLeaveDays Days `json:"special_leave_days"`
}
