package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a hub.yaml, placed so that a person (or an editor) can go straight
// to it: "hub.yaml:14:11: flows.payroll.trigger.schedule.cron: …".
type Error struct {
	File string `json:"file"`
	// Line and Column are 1-based; 0 when not known (YAML syntax errors have no column).
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Path is the dotted key path, e.g. flows.timeclock-to-payroll.period.closing_day;
	// empty for the document as a whole.
	Path string `json:"path,omitempty"`
	// Message says what is wrong and what is allowed.
	Message string `json:"message"`
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Line > 0 && e.Column > 0 {
		fmt.Fprintf(&b, ":%d", e.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every problem found in one file, in file order. Parse returns it whole, so a
// person fixes everything in one pass; the CLI prints one per line and exits 2.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es Errors) sort() {
	slices.SortStableFunc(es, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

// UnknownFlowError is asking for a flow hub.yaml does not declare.
type UnknownFlowError struct {
	Name string
	// Known lists the flows hub.yaml declares, in file order.
	Known []string
}

func (e *UnknownFlowError) Error() string {
	msg := fmt.Sprintf("unknown flow %q%s", e.Name, didYouMean(e.Name, e.Known))
	if len(e.Known) == 0 {
		return msg + "; hub.yaml declares no flows"
	}
	return msg + "; flows in hub.yaml: " + strings.Join(e.Known, ", ")
}

// suggest returns the candidate closest to got when it is close enough to be a typo.
func suggest(got string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := distance(strings.ToLower(got), strings.ToLower(c))
		if d <= max(1, len(c)/3) && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
