package awscron

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestExpressions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cron string
		want []string
	}{
		{"the demo's monthly run on the 1st leaves the day of the week to '?'",
			"0 6 1 * *", []string{"cron(0 6 1 * ? *)"}},
		{"a weekday schedule leaves the day of the month to '?' and names the days",
			"*/15 9-18 * * 1-5", []string{"cron(0/15 9-18 ? * MON-FRI *)"}},
		{"Sunday, 0 in cron, becomes SUN, which EventBridge numbers 1",
			"30 23 * * 0", []string{"cron(30 23 ? * SUN *)"}},
		{"every day puts '*' in the day of the month and '?' in the day of the week",
			"0 0 * * *", []string{"cron(0 0 * * ? *)"}},
		{"descriptors become their five fields",
			"@weekly", []string{"cron(0 0 ? * SUN *)"}},
		{"month names become numbers",
			"0 8 1 jan,jul *", []string{"cron(0 8 1 1,7 ? *)"}},
		{"a day-of-week step becomes the list of days, since EventBridge has no step there",
			"0 12 * * */2", []string{"cron(0 12 ? * SUN,TUE,THU,SAT *)"}},
		{"both day fields restricted fire on either, so they become two schedules",
			"0 9 1,15 * mon", []string{"cron(0 9 1,15 * ? *)", "cron(0 9 ? * MON *)"}},
		{"a step from a start value runs to the end of the field",
			"5/20 * * * *", []string{"cron(5/20 * * * ? *)"}},
		{"'?' in robfig/cron's sense of '*' is accepted in any field",
			"0 ? 10 * ?", []string{"cron(0 * 10 * ? *)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Expressions(tt.cron)
			if err != nil {
				t.Fatalf("Expressions(%q): %v", tt.cron, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Expressions(%q) = %q, want %q", tt.cron, got, tt.want)
			}
		})
	}
}

// TestExpressionsFireWhenCronDoes walks a year minute by minute and checks that the
// EventBridge expressions, read by their own rules, fire exactly when robfig/cron does.
func TestExpressionsFireWhenCronDoes(t *testing.T) {
	t.Parallel()
	crons := []string{
		"0 6 1 * *", "*/15 9-18 * * 1-5", "0 9 1,15 * mon", "0 12 * * */2", "30 2 */3 feb-apr *",
		"0 0 29 2 *", "10,40 7 * * sat,sun", "0 22 1-7 * 5", "@monthly", "0 0 * * 6",
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	start := time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC) // a leap year, so 29 February occurs
	end := start.AddDate(1, 0, 0)
	for _, c := range crons {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			sched, err := parser.Parse(c)
			if err != nil {
				t.Fatal(err)
			}
			exprs, err := Expressions(c)
			if err != nil {
				t.Fatal(err)
			}
			matchers := make([]eventBridgeCron, len(exprs))
			for i, e := range exprs {
				matchers[i] = parseEventBridge(t, e)
			}
			want := start.Add(-time.Minute)
			for at := start; at.Before(end); at = at.Add(time.Minute) {
				if want.Before(at) {
					want = sched.Next(at.Add(-time.Minute))
				}
				fires := slices.ContainsFunc(matchers, func(m eventBridgeCron) bool { return m.matches(at) })
				if fires != at.Equal(want) {
					t.Fatalf("%s: at %s EventBridge %q fires=%v, robfig/cron next=%s", c, at, exprs, fires, want)
				}
			}
		})
	}
}

func TestExpressionsRefusesWhatIsNotACron(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"0 6 1 *", "61 * * * *", "0 0 * * 8", "0 0 5-1 * *", "0 0 */0 * *", "0 0 * foo *"} {
		_, err := Expressions(c)
		var e *Error
		if !errors.As(err, &e) || e.Cron != c {
			t.Errorf("Expressions(%q) error = %v, want an *Error naming the cron", c, err)
		}
	}
}

// eventBridgeCron reads back the subset of EventBridge's syntax that Expressions writes,
// following AWS's rules rather than this package's code.
type eventBridgeCron struct {
	minute, hour, dom, month, dow []bool // nil for '?'
}

func (e eventBridgeCron) matches(t time.Time) bool {
	day := (e.dom == nil || e.dom[t.Day()]) && (e.dow == nil || e.dow[int(t.Weekday())+1])
	return e.minute[t.Minute()] && e.hour[t.Hour()] && e.month[int(t.Month())] && day
}

func parseEventBridge(t *testing.T, expr string) eventBridgeCron {
	t.Helper()
	inner, ok := strings.CutPrefix(expr, "cron(")
	inner, ok2 := strings.CutSuffix(inner, ")")
	f := strings.Fields(inner)
	if !ok || !ok2 || len(f) != 6 || f[5] != "*" {
		t.Fatalf("%q is not cron(m h dom mon dow *)", expr)
	}
	if (f[2] == "?") == (f[4] == "?") {
		t.Fatalf("%q: exactly one of day-of-month and day-of-week must be '?'", expr)
	}
	days := map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
	read := func(text string, lo, hi int) []bool {
		if text == "?" {
			return nil
		}
		set := make([]bool, hi+1)
		num := func(s string) int {
			if n, ok := days[s]; ok && hi == 7 {
				return n
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < lo || n > hi {
				t.Fatalf("%q: %q is not a value in %d-%d", expr, s, lo, hi)
			}
			return n
		}
		for item := range strings.SplitSeq(text, ",") {
			a, b, step := lo, hi, 1
			rng, st, hasStep := strings.Cut(item, "/")
			if hasStep {
				step, _ = strconv.Atoi(st)
			}
			if rng != "*" {
				x, y, isRange := strings.Cut(rng, "-")
				a = num(x)
				b = a
				if isRange {
					b = num(y)
				} else if hasStep {
					b = hi
				}
			}
			for v := a; v <= b; v += step {
				set[v] = true
			}
		}
		return set
	}
	return eventBridgeCron{
		minute: read(f[0], 0, 59), hour: read(f[1], 0, 23), dom: read(f[2], 1, 31),
		month: read(f[3], 1, 12), dow: read(f[4], 1, 7),
	}
}
