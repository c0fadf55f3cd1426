package payroll

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Legal limits of the Labour Standards Act art. 32, in minutes.
const (
	// LegalDailyMinutes is the legal 8 hours a day.
	LegalDailyMinutes = 8 * 60
	// LegalWeeklyMinutes is the legal 40 hours a week.
	LegalWeeklyMinutes = 40 * 60
)

// JST is the zone used when Rules.Zone is nil. Japan has kept +09:00 without daylight saving
// since 1952, so a fixed zone is exact and needs no tz database on the host.
var JST = time.FixedZone("Asia/Tokyo", 9*60*60)

// Rules are one company's work rules (就業規則) as far as payroll needs them. The zero value
// of every optional field is the usual default: 末締め, weeks from Sunday, no lateness
// tracking, no rounding, Asia/Tokyo.
type Rules struct {
	// ClosingDay is the closing day of the pay period (締め日): 0 for the end of the month
	// (末締め), or 1..28 (20 for 20日締め: 21st of the previous month to the 20th).
	ClosingDay int
	// PrescribedDailyMinutes is the company's prescribed working time a day (所定労働時間),
	// e.g. 450 for 7.5 hours or 480 for 8 hours. It cannot exceed the legal 8 hours.
	PrescribedDailyMinutes int
	// PrescribedStart and PrescribedEnd are the prescribed start and end of a workday as
	// "HH:MM" in Zone (始業・終業時刻), e.g. "09:00" and "18:00". Both or neither: when set,
	// lateness and early leaving are counted on workdays without leave (with half a day off,
	// which half is not recorded). An end at or before the start is on the next day (a night
	// shift).
	PrescribedStart string
	PrescribedEnd   string
	// WeekStart is the first day of the week for the weekly 40 hours. When the work rules
	// do not say, a week runs Sunday to Saturday (昭和63.1.1 基発1号), which is the zero value.
	WeekStart time.Weekday
	// Rounding is how the company rounds minutes; the zero value does not round.
	Rounding Rounding
	// Zone is the company's zone: business dates, late night and the prescribed start and
	// end are read in it. Nil means Asia/Tokyo.
	Zone *time.Location
}

// RoundingMode says which way minutes are rounded to the rounding unit.
type RoundingMode string

const (
	// RoundFloor rounds down (切り捨て).
	RoundFloor RoundingMode = "floor"
	// RoundCeil rounds up (切り上げ).
	RoundCeil RoundingMode = "ceil"
	// RoundHalfUp rounds to the nearest unit, a half unit or more up (四捨五入).
	RoundHalfUp RoundingMode = "half_up"
)

// RoundingScope says whether minutes are rounded per day or on the monthly totals.
type RoundingScope string

const (
	// RoundDaily rounds every minutes field of every day, before the days are added up.
	// Rounding a day's overtime down is not allowed by the MHLW; see Rounding.
	RoundDaily RoundingScope = "daily"
	// RoundMonthly rounds every minutes field of the monthly summary, after adding up.
	RoundMonthly RoundingScope = "monthly"
)

// roundingUnits are the units a company may choose, in minutes.
var roundingUnits = []int{1, 5, 10, 15, 30, 60}

// Rounding is how a company rounds minutes (端数処理). It applies to every minutes field
// (worked, normal, overtime, late night, holiday, lateness, ...); the zero value does not
// round.
//
// Labour law: wages are owed for every minute worked (Labour Standards Act art. 24), so
// rounding a day's overtime down, for example to 15 minutes, shortchanges the employee and is
// not allowed. The only rounding the MHLW accepts is of the month's totals of overtime,
// holiday and late-night work to the hour, under 30 minutes down and 30 minutes or more up
// (昭和63.3.14 基発150号): Unit 60, RoundHalfUp, RoundMonthly. Companies nevertheless configure
// other rounding, and payroll must reproduce what the company's payroll system does, so every
// combination is supported as configured.
type Rounding struct {
	// Unit is the rounding unit in minutes: 1, 5, 10, 15, 30 or 60; 0 does not round.
	Unit int
	// Mode is the direction; required when Unit is set.
	Mode RoundingMode
	// Scope says when rounding happens (hub.yaml: rounding.apply); required when Unit is set.
	Scope RoundingScope
}

// Round rounds minutes to the unit in the configured mode. Without a unit it returns
// minutes unchanged.
func (r Rounding) Round(minutes int) int {
	if r.Unit <= 1 {
		return minutes
	}
	rest := minutes % r.Unit
	down := minutes - rest
	switch {
	case rest == 0:
		return minutes
	case r.Mode == RoundCeil:
		return down + r.Unit
	case r.Mode == RoundHalfUp && 2*rest >= r.Unit:
		return down + r.Unit
	case r.Mode == RoundFloor, r.Mode == RoundHalfUp:
		return down
	}
	return minutes
}

func (r Rounding) daily() bool   { return r.Unit > 1 && r.Scope == RoundDaily }
func (r Rounding) monthly() bool { return r.Unit > 1 && r.Scope == RoundMonthly }

// RuleError says that one setting of the rules, or one argument of a period function, is not
// allowed, and what is.
type RuleError struct {
	// Field names the setting as hub.yaml spells it, e.g. "closing_day".
	Field string
	// Value is the value given, as text.
	Value string
	// Allowed says what the setting may be.
	Allowed string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("payroll rules: %s %s: %s", e.Field, e.Value, e.Allowed)
}

// Validate reports every setting that is not allowed, each as a *RuleError, joined.
func (r Rules) Validate() error {
	var errs []error
	if err := checkClosingDay(r.ClosingDay); err != nil {
		errs = append(errs, err)
	}
	if r.PrescribedDailyMinutes < 1 || r.PrescribedDailyMinutes > LegalDailyMinutes {
		errs = append(errs, &RuleError{
			Field:   "prescribed_daily_minutes",
			Value:   fmt.Sprint(r.PrescribedDailyMinutes),
			Allowed: "want 1..480 (所定労働時間 in minutes, e.g. 450 for 7.5 h; over 8 h needs a variable working-hours system, which is not supported)",
		})
	}
	errs = append(errs, r.checkPrescribedTimes()...)
	if r.WeekStart < time.Sunday || r.WeekStart > time.Saturday {
		errs = append(errs, &RuleError{Field: "week_start", Value: fmt.Sprint(int(r.WeekStart)), Allowed: "want a weekday, Sunday (0) to Saturday (6)"})
	}
	errs = append(errs, r.Rounding.check()...)
	return errors.Join(errs...)
}

func checkClosingDay(day int) error {
	if day < 0 || day > 28 {
		return &RuleError{Field: "closing_day", Value: fmt.Sprint(day), Allowed: "want 0 (末締め, the end of the month) or a day 1..28 (e.g. 20 for 20日締め)"}
	}
	return nil
}

func (r Rules) checkPrescribedTimes() []error {
	if r.PrescribedStart == "" && r.PrescribedEnd == "" {
		return nil
	}
	var errs []error
	for _, f := range []struct{ field, value string }{
		{"prescribed_start", r.PrescribedStart},
		{"prescribed_end", r.PrescribedEnd},
	} {
		if _, err := parseClock(f.value); err != nil {
			errs = append(errs, &RuleError{Field: f.field, Value: fmt.Sprintf("%q", f.value), Allowed: "want a time of day HH:MM, e.g. 09:00; set both the start and the end, or neither"})
		}
	}
	if len(errs) == 0 && r.PrescribedStart == r.PrescribedEnd {
		errs = append(errs, &RuleError{Field: "prescribed_end", Value: fmt.Sprintf("%q", r.PrescribedEnd), Allowed: "want an end different from the start"})
	}
	return errs
}

func (r Rounding) check() []error {
	if r.Unit == 0 {
		if r.Mode != "" || r.Scope != "" {
			return []error{&RuleError{Field: "rounding.unit", Value: "0", Allowed: "want a unit of 1, 5, 10, 15, 30 or 60 minutes when a rounding mode or scope is set"}}
		}
		return nil
	}
	var errs []error
	if !slices.Contains(roundingUnits, r.Unit) {
		errs = append(errs, &RuleError{Field: "rounding.unit", Value: fmt.Sprint(r.Unit), Allowed: "want 1, 5, 10, 15, 30 or 60 minutes, or 0 for no rounding"})
	}
	switch r.Mode {
	case RoundFloor, RoundCeil, RoundHalfUp:
	default:
		errs = append(errs, &RuleError{Field: "rounding.mode", Value: fmt.Sprintf("%q", r.Mode), Allowed: `want "floor", "ceil" or "half_up"`})
	}
	switch r.Scope {
	case RoundDaily, RoundMonthly:
	default:
		errs = append(errs, &RuleError{Field: "rounding.apply", Value: fmt.Sprintf("%q", r.Scope), Allowed: `want "daily" or "monthly"`})
	}
	return errs
}

// parseClock reads "HH:MM" as minutes after midnight.
func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Location is the company's zone the rules read business dates in: Zone, or Asia/Tokyo
// when it is nil.
func (r Rules) Location() *time.Location {
	if r.Zone == nil {
		return JST
	}
	return r.Zone
}
