package hub

import (
	"encoding/json"
	"fmt"
	"time"
)

// Window is a span of wall-clock time, every day, in which a vendor refuses most calls:
// KING OF TIME's restricted hours 08:30–10:00 and 17:30–18:30 Asia/Tokyo, for one. A
// connector declares its windows as data (Connector.Windows), so that `urakata validate` can
// warn about a schedule that fires inside one and the connector can wait one out instead of
// failing.
type Window struct {
	// Start and End are "HH:MM" on the wall clock of Zone. Start is inside the window, End
	// is not; an End earlier than Start spans midnight.
	Start, End string
	// Zone is the vendor's zone; nil means UTC.
	Zone *time.Location
	// Reason says why the vendor closes, for messages, e.g. "restricted hours (error 104)".
	Reason string
}

// Validate reports a window that cannot be read: a bad "HH:MM" or a window of no length.
func (w Window) Validate() error {
	start, err := clockMinutes(w.Start)
	if err != nil {
		return fmt.Errorf("window start: %w", err)
	}
	end, err := clockMinutes(w.End)
	if err != nil {
		return fmt.Errorf("window end: %w", err)
	}
	if start == end {
		return fmt.Errorf("window %s–%s has no length", w.Start, w.End)
	}
	return nil
}

// Contains reports whether t falls inside an occurrence of w and, if so, when that
// occurrence ends. A window that does not Validate contains nothing.
func (w Window) Contains(t time.Time) (end time.Time, ok bool) {
	from, err1 := clockMinutes(w.Start)
	to, err2 := clockMinutes(w.End)
	if err1 != nil || err2 != nil || from == to {
		return time.Time{}, false
	}
	local := t.In(w.zone())
	y, m, d := local.Date()
	// The occurrence that began today, or the one that began yesterday and spans midnight.
	for _, day := range []int{d, d - 1} {
		start := time.Date(y, m, day, from/60, from%60, 0, 0, w.zone())
		stop := time.Date(y, m, day, to/60, to%60, 0, 0, w.zone())
		if to < from {
			stop = time.Date(y, m, day+1, to/60, to%60, 0, 0, w.zone())
		}
		if !t.Before(start) && t.Before(stop) {
			return stop, true
		}
	}
	return time.Time{}, false
}

// String reads as "08:30–10:00 Asia/Tokyo".
func (w Window) String() string { return w.Start + "–" + w.End + " " + w.zone().String() }

// MarshalJSON writes the zone by its name, so that `urakata connectors --json` can list
// windows.
func (w Window) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Start  string `json:"start"`
		End    string `json:"end"`
		Zone   string `json:"zone"`
		Reason string `json:"reason,omitempty"`
	}{w.Start, w.End, w.zone().String(), w.Reason})
}

func (w Window) zone() *time.Location {
	if w.Zone == nil {
		return time.UTC
	}
	return w.Zone
}

// ClosedUntil reports whether t falls inside one of windows and, if so, when the vendor
// opens again: the end of that window, or of the last of several that follow on each other
// without a gap.
func ClosedUntil(windows []Window, t time.Time) (until time.Time, closed bool) {
	until = t
	// Each step moves past one window; more steps than windows would mean a cycle, which
	// only windows covering the whole day can make.
	for range len(windows) + 1 {
		moved := false
		for _, w := range windows {
			if end, ok := w.Contains(until); ok && end.After(until) {
				until, moved, closed = end, true, true
			}
		}
		if !moved {
			break
		}
	}
	return until, closed
}

// clockMinutes reads "HH:MM" as minutes after midnight.
func clockMinutes(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}
