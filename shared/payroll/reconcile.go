package payroll

import (
	"fmt"
	"strconv"

	"github.com/urakata/urakata/shared/model"
)

// Difference is one field on which two work summaries disagree, for a run's per-employee
// reconciliation line. Values are text so that minutes ("630") and days ("1.5") read alike.
type Difference struct {
	// Field is the field's JSON name in model.WorkSummary, e.g. "overtime_minutes".
	Field string
	Want  string
	Got   string
}

// String formats the difference as hub.Reconciliation expects: "field: want X, target has Y".
func (d Difference) String() string {
	return fmt.Sprintf("%s: want %s, target has %s", d.Field, d.Want, d.Got)
}

// summaryFields lists what Reconcile compares: the pay period's name and every total. Ids
// and employee codes are left out, because the source and the target number people
// differently.
var summaryFields = []struct {
	name  string
	value func(model.WorkSummary) string
}{
	{"period", func(s model.WorkSummary) string { return fmt.Sprintf("%04d-%02d", s.Period.Year, s.Period.Month) }},
	{"work_days", days(func(s model.WorkSummary) model.Days { return s.WorkDays })},
	{"work_days_on_weekdays", days(func(s model.WorkSummary) model.Days { return s.WorkDaysOnWeekdays })},
	{"work_days_on_prescribed_holidays", days(func(s model.WorkSummary) model.Days { return s.WorkDaysOnPrescribedHolidays })},
	{"work_days_on_legal_holidays", days(func(s model.WorkSummary) model.Days { return s.WorkDaysOnLegalHolidays })},
	{"worked_minutes", minutes(func(s model.WorkSummary) int { return s.WorkedMinutes })},
	{"normal_minutes", minutes(func(s model.WorkSummary) int { return s.NormalMinutes })},
	{"legal_within_overtime_minutes", minutes(func(s model.WorkSummary) int { return s.LegalWithinOvertimeMinutes })},
	{"overtime_minutes", minutes(func(s model.WorkSummary) int { return s.OvertimeMinutes })},
	{"late_night_minutes", minutes(func(s model.WorkSummary) int { return s.LateNightMinutes })},
	{"holiday_minutes", minutes(func(s model.WorkSummary) int { return s.HolidayMinutes })},
	{"prescribed_holiday_minutes", minutes(func(s model.WorkSummary) int { return s.PrescribedHolidayMinutes })},
	{"lateness_minutes", minutes(func(s model.WorkSummary) int { return s.LatenessMinutes })},
	{"early_leaving_minutes", minutes(func(s model.WorkSummary) int { return s.EarlyLeavingMinutes })},
	{"absence_days", days(func(s model.WorkSummary) model.Days { return s.AbsenceDays })},
	{"paid_leave_days", days(func(s model.WorkSummary) model.Days { return s.PaidLeaveDays })},
	{"special_leave_days", days(func(s model.WorkSummary) model.Days { return s.SpecialLeaveDays })},
}

func minutes(f func(model.WorkSummary) int) func(model.WorkSummary) string {
	return func(s model.WorkSummary) string { return strconv.Itoa(f(s)) }
}

func days(f func(model.WorkSummary) model.Days) func(model.WorkSummary) string {
	return func(s model.WorkSummary) string { return f(s).String() }
}

// Reconcile compares what was computed (want) with what the payroll target holds (got) and
// returns each field that differs, in the order of model.WorkSummary; none when they agree.
func Reconcile(want, got model.WorkSummary) []Difference {
	var diffs []Difference
	for _, f := range summaryFields {
		w, g := f.value(want), f.value(got)
		if w != g {
			diffs = append(diffs, Difference{Field: f.name, Want: w, Got: g})
		}
	}
	return diffs
}
