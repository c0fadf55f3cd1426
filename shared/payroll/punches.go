package payroll

import (
	"slices"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// maxShift is the longest clock-in to clock-out the rules accept; anything longer is a
// punch on the wrong day.
const maxShift = 24 * time.Hour

// Late night (深夜) runs from 22:00 to 05:00 the next morning.
const (
	lateNightStartHour = 22
	lateNightEndHour   = 5
)

// workedSpans returns the spans of day actually worked: the shift less its breaks, in time
// order. It returns an issue kind instead when the punches cannot be read without guessing;
// a day without any punch has no spans and no issue.
func workedSpans(day model.AttendanceDay) ([]model.Interval, IssueKind) {
	in, out := day.ClockIn, day.ClockOut
	switch {
	case in.IsZero() && out.IsZero():
		return nil, ""
	case out.IsZero():
		return nil, IssueMissingClockOut
	case in.IsZero():
		return nil, IssueMissingClockIn
	case !out.After(in):
		return nil, IssueClockOutBeforeClockIn
	case out.Sub(in) > maxShift:
		return nil, IssueShiftTooLong
	}

	breaks := make([]model.Interval, 0, len(day.Breaks))
	for _, b := range day.Breaks {
		if b.Start.IsZero() || b.End.IsZero() || b.End.Before(b.Start) {
			return nil, IssueBadBreak
		}
		// A break punched outside the shift is not time off work, so only the part inside
		// the shift is taken off.
		s, e := latest(b.Start, in), earliest(b.End, out)
		if e.After(s) {
			breaks = append(breaks, model.Interval{Start: s, End: e})
		}
	}
	slices.SortFunc(breaks, func(a, b model.Interval) int { return a.Start.Compare(b.Start) })

	// Walking the breaks in order with a cursor takes overlapping breaks off only once.
	var spans []model.Interval
	cursor := in
	for _, b := range breaks {
		if b.Start.After(cursor) {
			spans = append(spans, model.Interval{Start: cursor, End: b.Start})
		}
		cursor = latest(cursor, b.End)
	}
	if out.After(cursor) {
		spans = append(spans, model.Interval{Start: cursor, End: out})
	}
	return spans, ""
}

// totalMinutes returns the whole minutes in spans. Seconds are summed before dropping the
// remainder, so a shift is never short by a minute per break.
func totalMinutes(spans []model.Interval) int {
	var d time.Duration
	for _, s := range spans {
		d += s.End.Sub(s.Start)
	}
	return int(d / time.Minute)
}

// lateNightMinutes returns the whole minutes of spans that fall between 22:00 and 05:00 in
// zone, whatever zone the instants themselves carry.
func lateNightMinutes(spans []model.Interval, zone *time.Location) int {
	var d time.Duration
	for _, s := range spans {
		// The night that began the evening before the span's first date may still be running.
		first := model.DateOf(s.Start, zone).AddDays(-1)
		last := model.DateOf(s.End, zone)
		for day := first; !day.After(last); day = day.AddDays(1) {
			nightStart := time.Date(day.Year, day.Month, day.Day, lateNightStartHour, 0, 0, 0, zone)
			nightEnd := time.Date(day.Year, day.Month, day.Day+1, lateNightEndHour, 0, 0, 0, zone)
			d += overlap(s, nightStart, nightEnd)
		}
	}
	return int(d / time.Minute)
}

// lateAndEarly returns the minutes the employee clocked in after the prescribed start and
// clocked out before the prescribed end of the day, both read in zone on the business date.
func lateAndEarly(day model.AttendanceDay, start, end int, zone *time.Location) (late, early int) {
	at := func(minutes int) time.Time {
		return time.Date(day.Date.Year, day.Date.Month, day.Date.Day, 0, minutes, 0, 0, zone)
	}
	startAt, endAt := at(start), at(end)
	if end <= start {
		endAt = at(end + 24*60)
	}
	if d := day.ClockIn.Sub(startAt); d > 0 {
		late = int(d / time.Minute)
	}
	if d := endAt.Sub(day.ClockOut); d > 0 {
		early = int(d / time.Minute)
	}
	return late, early
}

func overlap(s model.Interval, from, to time.Time) time.Duration {
	start, end := latest(s.Start, from), earliest(s.End, to)
	if !end.After(start) {
		return 0
	}
	return end.Sub(start)
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
