// Package awscron turns hub.yaml's cron (five fields, read the way robfig/cron reads them)
// into EventBridge Scheduler cron expressions, which differ in three ways: a sixth field
// (year), day-of-week counted 1-7 from Sunday instead of 0-6, and the rule that one of
// day-of-month and day-of-week must be '?'.
package awscron

import (
	"fmt"
	"strconv"
	"strings"
)

// descriptors are the hub.yaml descriptors (config accepts these and no others) as the five
// fields they stand for.
var descriptors = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

type field struct {
	name     string
	min, max int
	names    []string // names[i] is the name of value min+i, when the field has names
}

var (
	minute = field{name: "minute", min: 0, max: 59}
	hour   = field{name: "hour", min: 0, max: 23}
	dom    = field{name: "day-of-month", min: 1, max: 31}
	month  = field{name: "month", min: 1, max: 12,
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	dow = field{name: "day-of-week", min: 0, max: 6,
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
)

// Error is a cron that cannot be converted; config has already refused anything robfig/cron
// does not parse, so seeing one means the two parsers disagree.
type Error struct {
	Cron    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("awscron: %q: %s", e.Cron, e.Message) }

// Expressions returns the EventBridge Scheduler expressions, "cron(…)", that together fire
// exactly when the hub.yaml cron does. There is one, except when the cron restricts both the
// day of the month and the day of the week: cron then fires on either (the 1st, or any
// Monday), which EventBridge cannot say in one expression, so there are two, one per day
// field.
func Expressions(cron string) ([]string, error) {
	text := strings.TrimSpace(cron)
	if d, ok := descriptors[strings.ToLower(text)]; ok {
		text = d
	}
	parts := strings.Fields(text)
	if len(parts) != 5 {
		return nil, &Error{Cron: cron, Message: fmt.Sprintf("has %d fields, want 5", len(parts))}
	}
	var sets [5]valueSet
	for i, f := range []field{minute, hour, dom, month, dow} {
		s, err := f.parse(parts[i])
		if err != nil {
			return nil, &Error{Cron: cron, Message: err.Error()}
		}
		sets[i] = s
	}
	head := fmt.Sprintf("%s %s", minute.render(sets[0], true), hour.render(sets[1], true))
	mon := month.render(sets[3], false)
	expr := func(d, w string) string { return fmt.Sprintf("cron(%s %s %s %s *)", head, d, mon, w) }
	days, weekdays := sets[2], sets[4]
	switch {
	case days.star && weekdays.star:
		return []string{expr("*", "?")}, nil
	case weekdays.star:
		return []string{expr(dom.render(days, false), "?")}, nil
	case days.star:
		return []string{expr("?", dow.render(weekdays, false))}, nil
	default:
		return []string{expr(dom.render(days, false), "?"), expr("?", dow.render(weekdays, false))}, nil
	}
}

// valueSet is what a cron field matches. star is robfig/cron's star bit: the field was
// written as * or ? (with no step above 1), which makes the day fields combine with AND
// instead of OR.
type valueSet struct {
	values map[int]bool
	star   bool
}

// parse reads a field the way robfig/cron does: a comma list of *, ?, a value, a range
// a-b, each optionally with /step, where "a/step" runs from a to the field's maximum.
func (f field) parse(text string) (valueSet, error) {
	s := valueSet{values: map[int]bool{}}
	for item := range strings.SplitSeq(text, ",") {
		rng, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n <= 0 {
				return s, fmt.Errorf("%s %q: step must be a positive number", f.name, item)
			}
			step = n
		}
		var lo, hi int
		if rng == "*" || rng == "?" {
			lo, hi = f.min, f.max
			if step == 1 {
				s.star = true
			}
		} else {
			from, to, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(from); err != nil {
				return s, err
			}
			hi = lo
			switch {
			case isRange:
				if hi, err = f.value(to); err != nil {
					return s, err
				}
			case hasStep:
				hi = f.max
			}
			if lo > hi {
				return s, fmt.Errorf("%s %q: range runs backwards", f.name, item)
			}
		}
		for v := lo; v <= hi; v += step {
			s.values[v] = true
		}
	}
	return s, nil
}

func (f field) value(text string) (int, error) {
	for i, name := range f.names {
		if strings.EqualFold(text, name) {
			return f.min + i, nil
		}
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < f.min || n > f.max {
		return 0, fmt.Errorf("%s %q: want %d-%d", f.name, text, f.min, f.max)
	}
	return n, nil
}

// render writes the set in the syntax every EventBridge field accepts: *, or a list of
// values and ranges. Day-of-week is written with names, which mean the same in both
// numberings. withStep allows "start/step" for evenly spaced minutes and hours, the form
// AWS's own examples use (0/15).
func (f field) render(s valueSet, withStep bool) string {
	var vals []int
	for v := f.min; v <= f.max; v++ {
		if s.values[v] {
			vals = append(vals, v)
		}
	}
	if len(vals) == f.max-f.min+1 {
		return "*"
	}
	if withStep && len(vals) >= 3 {
		if step := vals[1] - vals[0]; step > 1 && evenlySpacedToEnd(vals, step, f.max) {
			return fmt.Sprintf("%d/%d", vals[0], step)
		}
	}
	show := func(v int) string {
		if f.name == dow.name {
			return f.names[v-f.min]
		}
		return strconv.Itoa(v)
	}
	var items []string
	for i := 0; i < len(vals); {
		j := i
		for j+1 < len(vals) && vals[j+1] == vals[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			items = append(items, show(vals[i])+"-"+show(vals[j]))
		case j == i+1:
			items = append(items, show(vals[i]), show(vals[j]))
		default:
			items = append(items, show(vals[i]))
		}
		i = j + 1
	}
	return strings.Join(items, ",")
}

// evenlySpacedToEnd reports whether vals is start, start+step, … up to the last value not
// past limit: exactly what "start/step" means.
func evenlySpacedToEnd(vals []int, step, limit int) bool {
	for i := 1; i < len(vals); i++ {
		if vals[i]-vals[i-1] != step {
			return false
		}
	}
	return vals[len(vals)-1]+step > limit
}
