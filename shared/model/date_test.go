package model_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

func TestDateOf(t *testing.T) {
	t.Parallel()
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		newYork = time.FixedZone("EST", -5*60*60)
	}
	for _, tc := range []struct {
		name string
		t    time.Time
		loc  *time.Location
		want model.Date
	}{
		{"midnight in Tokyo is 15:00 UTC the day before, and is the new day in Tokyo",
			time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC), tokyo, model.NewDate(2026, 11, 1)},
		{"one second before Tokyo midnight is still the old day in Tokyo",
			time.Date(2026, 10, 31, 14, 59, 59, 0, time.UTC), tokyo, model.NewDate(2026, 10, 31)},
		{"a Tokyo punch at 23:30 read in UTC is that same Tokyo date",
			time.Date(2026, 10, 31, 23, 30, 0, 0, tokyo), tokyo, model.NewDate(2026, 10, 31)},
		{"the same Tokyo punch read in UTC falls on the UTC date",
			time.Date(2026, 10, 31, 23, 30, 0, 0, tokyo), time.UTC, model.NewDate(2026, 10, 31)},
		{"a Tokyo new-year midnight is the old year in New York",
			time.Date(2027, 1, 1, 0, 0, 0, 0, tokyo), newYork, model.NewDate(2026, 12, 31)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := model.DateOf(tc.t, tc.loc); got != tc.want {
				t.Errorf("DateOf(%v, %v) = %v, want %v", tc.t, tc.loc, got, tc.want)
			}
		})
	}
}

func TestDateIn(t *testing.T) {
	t.Parallel()
	got := model.NewDate(2026, 11, 1).In(tokyo)
	if want := time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("In(tokyo) = %v, want %v", got, want)
	}
	if model.DateOf(got, tokyo) != model.NewDate(2026, 11, 1) {
		t.Errorf("DateOf(In(tokyo)) did not come back to the date")
	}
}

func TestAddDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		from model.Date
		n    int
		want model.Date
	}{
		{"a day after 31 October is 1 November", model.NewDate(2026, 10, 31), 1, model.NewDate(2026, 11, 1)},
		{"a day after New Year's Eve is next year", model.NewDate(2026, 12, 31), 1, model.NewDate(2027, 1, 1)},
		{"a day before New Year's Day is last year", model.NewDate(2027, 1, 1), -1, model.NewDate(2026, 12, 31)},
		{"a day before 1 March of a leap year is 29 February", model.NewDate(2028, 3, 1), -1, model.NewDate(2028, 2, 29)},
		{"a day before 1 March of a common year is 28 February", model.NewDate(2026, 3, 1), -1, model.NewDate(2026, 2, 28)},
		{"a year of days from 1 January 2026 is 1 January 2027", model.NewDate(2026, 1, 1), 365, model.NewDate(2027, 1, 1)},
		{"zero days is the same date", model.NewDate(2026, 6, 15), 0, model.NewDate(2026, 6, 15)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.from.AddDays(tc.n); got != tc.want {
				t.Errorf("%v.AddDays(%d) = %v, want %v", tc.from, tc.n, got, tc.want)
			}
			if back := tc.want.DaysUntil(tc.from); back != -tc.n {
				t.Errorf("%v.DaysUntil(%v) = %d, want %d", tc.want, tc.from, back, -tc.n)
			}
		})
	}
}

func TestNewDateNormalises(t *testing.T) {
	t.Parallel()
	if got, want := model.NewDate(2026, 2, 30), (model.Date{Year: 2026, Month: 3, Day: 2}); got != want {
		t.Errorf("NewDate(2026, 2, 30) = %v, want %v", got, want)
	}
	if got, want := model.NewDate(2026, 13, 1), (model.Date{Year: 2027, Month: 1, Day: 1}); got != want {
		t.Errorf("NewDate(2026, 13, 1) = %v, want %v", got, want)
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a, b model.Date
		want int
	}{
		{"an earlier year is before whatever the month", model.NewDate(2025, 12, 31), model.NewDate(2026, 1, 1), -1},
		{"an earlier month is before whatever the day", model.NewDate(2026, 1, 31), model.NewDate(2026, 2, 1), -1},
		{"an earlier day is before", model.NewDate(2026, 2, 1), model.NewDate(2026, 2, 2), -1},
		{"the same date is equal", model.NewDate(2026, 2, 2), model.NewDate(2026, 2, 2), 0},
		{"a later date is after", model.NewDate(2026, 2, 3), model.NewDate(2026, 2, 2), 1},
		{"the zero date is before any date", model.Date{}, model.NewDate(1, 1, 1), -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.a.Compare(tc.b); got != tc.want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := tc.b.Compare(tc.a); got != -tc.want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tc.b, tc.a, got, -tc.want)
			}
			if tc.a.Before(tc.b) != (tc.want < 0) || tc.a.After(tc.b) != (tc.want > 0) {
				t.Errorf("Before/After disagree with Compare for %v and %v", tc.a, tc.b)
			}
		})
	}
}

func TestDateTextRoundTrip(t *testing.T) {
	t.Parallel()
	type record struct {
		Date model.Date `json:"date"`
	}
	for _, tc := range []struct {
		name string
		date model.Date
		json string
	}{
		{"a date is written as YYYY-MM-DD", model.NewDate(2026, 4, 3), `{"date":"2026-04-03"}`},
		{"a year before 1000 keeps four digits", model.NewDate(999, 1, 2), `{"date":"0999-01-02"}`},
		{"the zero date is written empty", model.Date{}, `{"date":""}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(record{tc.date})
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.json {
				t.Errorf("Marshal = %s, want %s", b, tc.json)
			}
			var back record
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if back.Date != tc.date {
				t.Errorf("round trip gave %v, want %v", back.Date, tc.date)
			}
		})
	}
}

func TestParseDateErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		text string
	}{
		{"a date without dashes is refused", "20261031"},
		{"a day past the month's end is refused", "2026-02-30"},
		{"a month 13 is refused", "2026-13-01"},
		{"a date with a time is refused", "2026-10-31T00:00:00Z"},
		{"a slashed date is refused", "2026/10/31"},
		{"an empty text is refused by ParseDate", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := model.ParseDate(tc.text)
			if err == nil {
				t.Fatalf("ParseDate(%q) gave no error", tc.text)
			}
			if !strings.Contains(err.Error(), "want YYYY-MM-DD") || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("ParseDate(%q) error %q: want it to quote the text and say YYYY-MM-DD", tc.text, err)
			}
		})
	}
	var d model.Date
	if err := json.Unmarshal([]byte(`"31/10/2026"`), &d); err == nil {
		t.Errorf("Unmarshal of a slashed date gave no error")
	}
}

func TestWeekday(t *testing.T) {
	t.Parallel()
	if got := model.NewDate(2026, 10, 1).Weekday(); got != time.Thursday {
		t.Errorf("2026-10-01 is a %v, want Thursday", got)
	}
}
