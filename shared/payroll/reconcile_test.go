package payroll_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

func TestReconcile(t *testing.T) {
	t.Parallel()
	want := model.WorkSummary{
		EmployeeID: emp, Period: april2026,
		WorkDays: 2050, WorkDaysOnWeekdays: 2050,
		WorkedMinutes: 10230, NormalMinutes: 9000, OvertimeMinutes: 1230, PaidLeaveDays: 150,
	}
	tests := []struct {
		name string
		got  func(model.WorkSummary) model.WorkSummary
		want []payroll.Difference
	}{
		{"the same totals under other ids and codes match", func(s model.WorkSummary) model.WorkSummary {
			s.EmployeeID, s.EmployeeCode = "payroll-77", "E0077"
			return s
		}, nil},
		{"the target's period, named only by year and month, matches", func(s model.WorkSummary) model.WorkSummary {
			s.Period = model.PayPeriod{Year: 2026, Month: time.April}
			return s
		}, nil},
		{"less overtime and a half day less of paid leave are two differences, in field order", func(s model.WorkSummary) model.WorkSummary {
			s.OvertimeMinutes, s.PaidLeaveDays = 1200, 100
			return s
		}, []payroll.Difference{
			{Field: "overtime_minutes", Want: "1230", Got: "1200"},
			{Field: "paid_leave_days", Want: "1.5", Got: "1"},
		}},
		{"another month is a difference of period", func(s model.WorkSummary) model.WorkSummary {
			s.Period.Month = time.May
			return s
		}, []payroll.Difference{{Field: "period", Want: "2026-04", Got: "2026-05"}}},
		{"a target holding nothing differs on every total that is not zero", func(model.WorkSummary) model.WorkSummary {
			return model.WorkSummary{Period: april2026}
		}, []payroll.Difference{
			{Field: "work_days", Want: "20.5", Got: "0"},
			{Field: "work_days_on_weekdays", Want: "20.5", Got: "0"},
			{Field: "worked_minutes", Want: "10230", Got: "0"},
			{Field: "normal_minutes", Want: "9000", Got: "0"},
			{Field: "overtime_minutes", Want: "1230", Got: "0"},
			{Field: "paid_leave_days", Want: "1.5", Got: "0"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := payroll.Reconcile(want, tt.got(want)); !slices.Equal(got, tt.want) {
				t.Errorf("Reconcile\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestDifferenceReadsAsAReconciliationLine(t *testing.T) {
	t.Parallel()
	d := payroll.Difference{Field: "overtime_minutes", Want: "1230", Got: "1200"}
	if got, want := d.String(), "overtime_minutes: want 1230, target has 1200"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// If model.WorkSummary gains a total, Reconcile must compare it too.
func TestReconcileComparesEveryTotalOfTheSummary(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[model.WorkSummary]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Type.Kind() != reflect.Int && f.Type.Kind() != reflect.Int64 {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		var got model.WorkSummary
		reflect.ValueOf(&got).Elem().Field(i).SetInt(7)
		diffs := payroll.Reconcile(model.WorkSummary{}, got)
		if len(diffs) != 1 || diffs[0].Field != name {
			t.Errorf("a change of %s gave %v, want one difference on %q", f.Name, diffs, name)
		}
	}
}
