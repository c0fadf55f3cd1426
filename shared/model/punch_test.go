package model_test

import (
	"slices"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestApplyPunches(t *testing.T) {
	t.Parallel()
	jst := time.FixedZone("JST", 9*3600)
	at := func(h, m int) time.Time { return time.Date(2026, 11, 2, h, m, 0, 0, jst) }
	iv := func(h1, m1, h2, m2 int) model.Interval { return model.Interval{Start: at(h1, m1), End: at(h2, m2)} }
	p := func(k model.PunchKind, h, m int) model.Punch { return model.Punch{At: at(h, m), Kind: k} }
	for _, tc := range []struct {
		name    string
		punches []model.Punch
		in, out time.Time
		breaks  []model.Interval
	}{
		{"a plain day, punches out of order", []model.Punch{p(model.PunchOut, 18, 0), p(model.PunchBreakEnd, 13, 0), p(model.PunchIn, 9, 0), p(model.PunchBreakStart, 12, 0)},
			at(9, 0), at(18, 0), []model.Interval{iv(12, 0, 13, 0)}},
		{"leaving and coming back is a break; the last clock-out ends the day", []model.Punch{p(model.PunchIn, 9, 0), p(model.PunchOut, 12, 0), p(model.PunchIn, 13, 30), p(model.PunchOut, 19, 0)},
			at(9, 0), at(19, 0), []model.Interval{iv(12, 0, 13, 30)}},
		{"a break start without its end counts nothing", []model.Punch{p(model.PunchIn, 9, 0), p(model.PunchBreakStart, 12, 0), p(model.PunchOut, 18, 0)},
			at(9, 0), at(18, 0), nil},
		{"a second clock-in without a clock-out before it is no break", []model.Punch{p(model.PunchIn, 9, 0), p(model.PunchIn, 9, 5), p(model.PunchOut, 18, 0)},
			at(9, 0), at(18, 0), nil},
		{"no punches", nil, time.Time{}, time.Time{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			given := slices.Clone(tc.punches)
			var a model.AttendanceDay
			a.ApplyPunches(tc.punches)
			if !a.ClockIn.Equal(tc.in) || !a.ClockOut.Equal(tc.out) || !slices.Equal(a.Breaks, tc.breaks) {
				t.Errorf("in %v out %v breaks %v; want %v %v %v", a.ClockIn, a.ClockOut, a.Breaks, tc.in, tc.out, tc.breaks)
			}
			if !slices.Equal(tc.punches, given) {
				t.Error("the punches were reordered in place")
			}
		})
	}
}
