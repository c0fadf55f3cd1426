package model_test

import (
	"encoding/json"
	"testing"

	"github.com/urakata/urakata/shared/model"
)

func TestDaysString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		days model.Days
		want string
	}{
		{"one day reads 1", model.Day, "1"},
		{"half a day reads 0.5", model.Day / 2, "0.5"},
		{"a quarter past two days reads 2.25", 225, "2.25"},
		{"no days reads 0", 0, "0"},
		{"a negative half day reads -0.5", -50, "-0.5"},
		{"twenty days reads 20", 20 * model.Day, "20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.days.String(); got != tc.want {
				t.Errorf("Days(%d).String() = %q, want %q", int64(tc.days), got, tc.want)
			}
		})
	}
}

func TestDaysJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		json string
		want model.Days
	}{
		{"half a day travels as 0.5", "0.5", 50},
		{"a day and a quarter travels as 1.25", "1.25", 125},
		{"a whole day travels as 1", "1", model.Day},
		{"no days travels as 0", "0", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d model.Days
			if err := json.Unmarshal([]byte(tc.json), &d); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tc.json, err)
			}
			if d != tc.want {
				t.Errorf("Unmarshal(%s) = %d hundredths, want %d", tc.json, int64(d), int64(tc.want))
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.json {
				t.Errorf("Marshal(%d) = %s, want %s", int64(d), b, tc.json)
			}
		})
	}
	var d model.Days
	if err := json.Unmarshal([]byte(`"half"`), &d); err == nil {
		t.Errorf("Unmarshal of a string gave no error")
	}
}

func TestDaysFromFloat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    float64
		want model.Days
	}{
		{"half a day is 50 hundredths", 0.5, 50},
		{"a day and a quarter is 125 hundredths", 1.25, 125},
		{"0.29, not exact in binary, still gives 29", 0.29, 29},
		{"1.15, not exact in binary, still gives 115", 1.15, 115},
		{"a third of a day rounds down to 33", 1.0 / 3, 33},
		{"two thirds of a day rounds up to 67", 2.0 / 3, 67},
		{"a half hundredth rounds away from zero", 0.005, 1},
		{"a negative half day is -50", -0.5, -50},
		{"a negative third rounds to -33", -1.0 / 3, -33},
		{"a negative two thirds rounds to -67", -2.0 / 3, -67},
		{"zero is zero", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := model.DaysFromFloat(tc.f); got != tc.want {
				t.Errorf("DaysFromFloat(%v) = %d, want %d", tc.f, int64(got), int64(tc.want))
			}
		})
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	if got := model.Yen(12345).String(); got != "12345 JPY" {
		t.Errorf("Yen(12345).String() = %q", got)
	}
}
