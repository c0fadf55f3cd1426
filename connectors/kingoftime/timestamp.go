package kingoftime

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Time is a KOT date-time. KOT writes punch times with seconds (2016-05-10T10:00:00+09:00)
// and every other date-time without (2016-05-10T10:00+09:00), and its examples mix the two,
// so both are read everywhere. It writes punch times, with seconds, in Japan time: KOT
// handles only +09:00 reliably.
type Time struct{ time.Time }

// The layouts KOT uses.
const (
	layoutSeconds = "2006-01-02T15:04:05Z07:00"
	layoutMinutes = "2006-01-02T15:04Z07:00"
)

// UnmarshalJSON reads either layout; null and "" are the zero Time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON writes the time with seconds in Japan time, as a punch is sent.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.In(jst).Format(layoutSeconds))
}

// ParseTime reads a KOT date-time, with or without seconds; "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return v, nil
	}
	if v, err := time.Parse(layoutMinutes, s); err == nil {
		return v, nil
	}
	return time.Time{}, fmt.Errorf("time %q: want 2006-01-02T15:04:05+09:00 or 2006-01-02T15:04+09:00", s)
}

// Code is a KOT code that documents write as a string and some clients and answers as a
// number (punch types, leave types). It is kept as the string.
type Code string

// UnmarshalJSON reads a string or a number.
func (c *Code) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*c = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = Code(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("code: want a string or a number, got %s", b)
	}
	*c = Code(n.String())
	return nil
}

// Int returns the code as a number, or 0 when it is not one.
func (c Code) Int() int {
	n, _ := strconv.Atoi(string(c))
	return n
}
