package payroll_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/payroll"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	daily15 := payroll.Rounding{Unit: 15, Mode: payroll.RoundFloor, Scope: payroll.RoundDaily}
	tests := []struct {
		name string
		// edit changes a valid 7.5-hour 20日締め company.
		edit func(*payroll.Rules)
		// fields are the settings the error must name, in order; none for valid rules.
		fields []string
		// says is a phrase the error must hold, so an operator knows what is allowed.
		says string
	}{
		{"the usual company is valid", func(*payroll.Rules) {}, nil, ""},
		{"末締め with weeks from Monday, 9:00–18:00 and monthly rounding to the hour is valid", func(r *payroll.Rules) {
			r.ClosingDay, r.WeekStart = 0, time.Monday
			r.PrescribedStart, r.PrescribedEnd = "09:00", "18:00"
			r.Rounding = payroll.Rounding{Unit: 60, Mode: payroll.RoundHalfUp, Scope: payroll.RoundMonthly}
		}, nil, ""},
		{"a night-shift company 22:00–07:00 is valid", func(r *payroll.Rules) { r.PrescribedStart, r.PrescribedEnd = "22:00", "07:00" }, nil, ""},
		{"daily floor rounding is valid, as configured", func(r *payroll.Rules) { r.Rounding = daily15 }, nil, ""},
		{"a closing day of 30 is refused", func(r *payroll.Rules) { r.ClosingDay = 30 }, []string{"closing_day"}, "0 (末締め, the end of the month) or a day 1..28"},
		{"no prescribed daily minutes is refused", func(r *payroll.Rules) { r.PrescribedDailyMinutes = 0 }, []string{"prescribed_daily_minutes"}, "want 1..480"},
		{"a 9-hour prescribed day is refused", func(r *payroll.Rules) { r.PrescribedDailyMinutes = 540 }, []string{"prescribed_daily_minutes"}, "variable working-hours"},
		{"a start without an end is refused", func(r *payroll.Rules) { r.PrescribedStart = "09:00" }, []string{"prescribed_end"}, "both the start and the end"},
		{"a start of 9 o'clock written 9am is refused", func(r *payroll.Rules) { r.PrescribedStart, r.PrescribedEnd = "9am", "18:00" }, []string{"prescribed_start"}, "HH:MM"},
		{"an hour of 25 is refused", func(r *payroll.Rules) { r.PrescribedStart, r.PrescribedEnd = "09:00", "25:00" }, []string{"prescribed_end"}, "HH:MM"},
		{"an end equal to the start is refused", func(r *payroll.Rules) { r.PrescribedStart, r.PrescribedEnd = "09:00", "09:00" }, []string{"prescribed_end"}, "different from the start"},
		{"a week starting on day 7 is refused", func(r *payroll.Rules) { r.WeekStart = 7 }, []string{"week_start"}, "Sunday (0) to Saturday (6)"},
		{"a 20-minute rounding unit is refused", func(r *payroll.Rules) {
			r.Rounding = payroll.Rounding{Unit: 20, Mode: payroll.RoundFloor, Scope: payroll.RoundDaily}
		}, []string{"rounding.unit"}, "1, 5, 10, 15, 30 or 60"},
		{"a rounding unit without mode or scope is refused", func(r *payroll.Rules) { r.Rounding = payroll.Rounding{Unit: 15} }, []string{"rounding.mode", "rounding.apply"}, `"floor", "ceil" or "half_up"`},
		{"a rounding mode without a unit is refused", func(r *payroll.Rules) { r.Rounding = payroll.Rounding{Mode: payroll.RoundCeil} }, []string{"rounding.unit"}, "when a rounding mode or scope is set"},
		{"a rounding mode of truncate is refused", func(r *payroll.Rules) {
			r.Rounding = payroll.Rounding{Unit: 15, Mode: "truncate", Scope: payroll.RoundDaily}
		}, []string{"rounding.mode"}, `"truncate"`},
		{"a rounding scope of weekly is refused", func(r *payroll.Rules) {
			r.Rounding = payroll.Rounding{Unit: 15, Mode: payroll.RoundCeil, Scope: "weekly"}
		}, []string{"rounding.apply"}, `"daily" or "monthly"`},
		{"every problem is reported at once", func(r *payroll.Rules) {
			r.ClosingDay, r.PrescribedDailyMinutes, r.WeekStart = -1, -5, -1
		}, []string{"closing_day", "prescribed_daily_minutes", "week_start"}, "closing_day -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rules := payroll.Rules{ClosingDay: 20, PrescribedDailyMinutes: 450}
			tt.edit(&rules)
			err := rules.Validate()
			if got := ruleFields(t, err); !slices.Equal(got, tt.fields) {
				t.Fatalf("Validate() = %v, naming %q; want %q", err, got, tt.fields)
			}
			if err != nil && !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Validate() = %q, want it to say %q", err, tt.says)
			}
		})
	}
}

// ruleFields returns the fields each *RuleError joined in err names.
func ruleFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Validate() = %T, want joined errors", err)
	}
	var fields []string
	for _, e := range joined.Unwrap() {
		var re *payroll.RuleError
		if !errors.As(e, &re) {
			t.Fatalf("error %v is a %T, want *payroll.RuleError", e, e)
		}
		fields = append(fields, re.Field)
	}
	return fields
}

func TestRound(t *testing.T) {
	t.Parallel()
	floor := func(unit int) payroll.Rounding { return payroll.Rounding{Unit: unit, Mode: payroll.RoundFloor} }
	ceil := func(unit int) payroll.Rounding { return payroll.Rounding{Unit: unit, Mode: payroll.RoundCeil} }
	halfUp := func(unit int) payroll.Rounding { return payroll.Rounding{Unit: unit, Mode: payroll.RoundHalfUp} }
	tests := []struct {
		name     string
		rounding payroll.Rounding
		in, want int
	}{
		{"no unit leaves 487 as is", payroll.Rounding{}, 487, 487},
		{"a 1-minute unit leaves 487 as is", ceil(1), 487, 487},
		{"floor to 15 drops 7 minutes: 487 → 480", floor(15), 487, 480},
		{"ceil to 15 adds 8 minutes: 487 → 495", ceil(15), 487, 495},
		{"half-up to 15 drops 7 minutes, under half of 15: 487 → 480", halfUp(15), 487, 480},
		{"half-up to 15 rounds 8 minutes up: 488 → 495", halfUp(15), 488, 495},
		{"a whole number of units is kept by ceil: 480 → 480", ceil(15), 480, 480},
		{"zero stays zero under ceil", ceil(30), 0, 0},
		{"floor to 5: 14 → 10", floor(5), 14, 10},
		{"half-up to 5 rounds 2.5 up from 3: 13 → 15", halfUp(5), 13, 15},
		{"half-up to 5 rounds 2 down: 12 → 10", halfUp(5), 12, 10},
		{"ceil to 10: 1 → 10", ceil(10), 1, 10},
		{"half-up to 30 rounds exactly half up: 15 → 30", halfUp(30), 15, 30},
		{"half-up to the hour drops 29 minutes: 1229 → 1200", halfUp(60), 1229, 1200},
		{"half-up to the hour rounds 30 minutes up: 1230 → 1260", halfUp(60), 1230, 1260},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.rounding.Round(tt.in); got != tt.want {
				t.Errorf("Round(%d) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestLocationIsTheZoneOrTokyo(t *testing.T) {
	t.Parallel()
	if got := (payroll.Rules{}).Location(); got != payroll.JST {
		t.Errorf("rules without a zone read dates in %v; want Asia/Tokyo", got)
	}
	if got := (payroll.Rules{Zone: time.UTC}).Location(); got != time.UTC {
		t.Errorf("rules in UTC read dates in %v; want UTC", got)
	}
}
