package model

import (
	"slices"
	"time"
)

// PunchKind is what a time-clock punch (打刻) records.
type PunchKind int

// The kinds of punch. Stepping out and back (外出・戻り) counts as a break.
const (
	PunchIn PunchKind = iota + 1
	PunchOut
	PunchBreakStart
	PunchBreakEnd
)

// Punch is one time-clock punch.
type Punch struct {
	At   time.Time
	Kind PunchKind
}

// ApplyPunches sets a's clock-in, clock-out and breaks from one business date's punches, in
// time order, as Japanese time clocks read them: the first clock-in starts the day and the
// last clock-out ends it; a break start to the next break end is a break; and a clock-out
// followed by another clock-in (leaving and coming back) is a break too. A break start
// without its end counts nothing. punches is not modified.
func (a *AttendanceDay) ApplyPunches(punches []Punch) {
	punches = slices.Clone(punches)
	slices.SortStableFunc(punches, func(x, y Punch) int { return x.At.Compare(y.At) })
	var pause, out time.Time
	for _, p := range punches {
		switch p.Kind {
		case PunchIn:
			if a.ClockIn.IsZero() {
				a.ClockIn = p.At
			} else if !out.IsZero() {
				a.Breaks = append(a.Breaks, Interval{Start: out, End: p.At})
			}
			out = time.Time{}
		case PunchBreakStart:
			pause = p.At
		case PunchBreakEnd:
			if !pause.IsZero() {
				a.Breaks = append(a.Breaks, Interval{Start: pause, End: p.At})
				pause = time.Time{}
			}
		case PunchOut:
			a.ClockOut, out = p.At, p.At
		}
	}
}
