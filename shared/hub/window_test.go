package hub_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/hub"
)

var jst = time.FixedZone("Asia/Tokyo", 9*60*60)

func kotWindows() []hub.Window {
	return []hub.Window{
		{Start: "08:30", End: "10:00", Zone: jst, Reason: "restricted hours"},
		{Start: "17:30", End: "18:30", Zone: jst, Reason: "restricted hours"},
	}
}

func at(hour, minute, second int) time.Time {
	return time.Date(2026, 10, 5, hour, minute, second, 0, jst)
}

func TestWindowContains(t *testing.T) {
	t.Parallel()
	morning := kotWindows()[0]
	overnight := hub.Window{Start: "23:00", End: "01:00", Zone: jst}
	for _, tc := range []struct {
		name    string
		w       hub.Window
		t       time.Time
		wantEnd time.Time
		wantOK  bool
	}{
		{"the start is inside", morning, at(8, 30, 0), at(10, 0, 0), true},
		{"the middle is inside", morning, at(9, 15, 0), at(10, 0, 0), true},
		{"a second before the end is inside", morning, at(9, 59, 59), at(10, 0, 0), true},
		{"the end is outside", morning, at(10, 0, 0), time.Time{}, false},
		{"a second before the start is outside", morning, at(8, 29, 59), time.Time{}, false},
		{"an instant in UTC is read in the window's zone", morning, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), at(10, 0, 0), true},
		{"a window across midnight holds the late evening", overnight, at(23, 30, 0), time.Date(2026, 10, 6, 1, 0, 0, 0, jst), true},
		{"a window across midnight holds the early morning", overnight, at(0, 30, 0), at(1, 0, 0), true},
		{"a window across midnight is open at noon", overnight, at(12, 0, 0), time.Time{}, false},
		{"a window with a bad time contains nothing", hub.Window{Start: "8:30", End: "10:00", Zone: jst}, at(9, 0, 0), time.Time{}, false},
		{"a window without a zone is read in UTC", hub.Window{Start: "00:00", End: "01:00"}, time.Date(2026, 10, 5, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 5, 1, 0, 0, 0, time.UTC), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			end, ok := tc.w.Contains(tc.t)
			if ok != tc.wantOK || !end.Equal(tc.wantEnd) {
				t.Fatalf("Contains(%v) = %v, %v; want %v, %v", tc.t, end, ok, tc.wantEnd, tc.wantOK)
			}
		})
	}
}

func TestClosedUntil(t *testing.T) {
	t.Parallel()
	chained := append(kotWindows(), hub.Window{Start: "10:00", End: "10:30", Zone: jst})
	for _, tc := range []struct {
		name       string
		windows    []hub.Window
		t          time.Time
		wantUntil  time.Time
		wantClosed bool
	}{
		{"open between the windows", kotWindows(), at(12, 0, 0), at(12, 0, 0), false},
		{"closed in the morning window until 10:00", kotWindows(), at(9, 0, 0), at(10, 0, 0), true},
		{"closed in the evening window until 18:30", kotWindows(), at(18, 0, 0), at(18, 30, 0), true},
		{"windows that follow on each other close until the last ends", chained, at(9, 0, 0), at(10, 30, 0), true},
		{"no windows, never closed", nil, at(9, 0, 0), at(9, 0, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			until, closed := hub.ClosedUntil(tc.windows, tc.t)
			if closed != tc.wantClosed || !until.Equal(tc.wantUntil) {
				t.Fatalf("ClosedUntil(%v) = %v, %v; want %v, %v", tc.t, until, closed, tc.wantUntil, tc.wantClosed)
			}
		})
	}
}

func TestWindowValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		w    hub.Window
		ok   bool
	}{
		{"HH:MM times are valid", hub.Window{Start: "08:30", End: "10:00"}, true},
		{"a window across midnight is valid", hub.Window{Start: "23:00", End: "01:00"}, true},
		{"a time without a leading zero is refused", hub.Window{Start: "8:30", End: "10:00"}, false},
		{"an hour past 23 is refused", hub.Window{Start: "24:00", End: "10:00"}, false},
		{"a window of no length is refused", hub.Window{Start: "10:00", End: "10:00"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := tc.w.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v; want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestWindowJSONNamesTheZone(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(kotWindows()[0])
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"start":"08:30","end":"10:00","zone":"Asia/Tokyo","reason":"restricted hours"}`
	if string(b) != want {
		t.Fatalf("JSON = %s; want %s", b, want)
	}
	if got := kotWindows()[1].String(); got != "17:30–18:30 Asia/Tokyo" {
		t.Fatalf("String() = %q", got)
	}
}
