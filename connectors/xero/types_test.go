package xero

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		want time.Time
	}{
		{"an accounting /Date() is milliseconds since the epoch in UTC", "/Date(1552357188083+0000)/", time.UnixMilli(1552357188083).UTC()},
		{"a /Date() without an offset is read the same", "/Date(1552357217359)/", time.UnixMilli(1552357217359).UTC()},
		{"a /Date() with an offset still counts UTC milliseconds", "/Date(1552357188083+1300)/", time.UnixMilli(1552357188083).UTC()},
		{"RFC 3339 keeps its offset", "2026-10-31T23:30:00+09:00", time.Date(2026, 10, 31, 14, 30, 0, 0, time.UTC)},
		{"a date-time without a zone is UTC, as Xero means it", "2024-06-21T01:15:39.902", time.Date(2024, 6, 21, 1, 15, 39, 902000000, time.UTC)},
		{"seven fractional digits are read", "2019-12-07T18:46:19.5165400", time.Date(2019, 12, 7, 18, 46, 19, 516540000, time.UTC)},
		{"the empty string is the zero time", "", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTime(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("ParseTime(%q) = %v; want %v", tc.in, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"yesterday", "/Date(abc)/", "2026-13-01T00:00:00"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) gave no error", bad)
		}
	}
}

func TestDate_JSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, json string
		want       model.Date
	}{
		{"a plain date", `"2026-10-31"`, model.NewDate(2026, 10, 31)},
		{"the payroll API's date with a midnight time", `"2020-04-13T00:00:00"`, model.NewDate(2020, 4, 13)},
		{"the accounting API's /Date()", `"/Date(1552521600000+0000)/"`, model.NewDate(2019, 3, 14)},
		{"null is the zero date", `null`, model.Date{}},
		{"the empty string is the zero date", `""`, model.Date{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d Date
			if err := json.Unmarshal([]byte(tc.json), &d); err != nil {
				t.Fatal(err)
			}
			if d.Date != tc.want {
				t.Errorf("Unmarshal(%s) = %v; want %v", tc.json, d.Date, tc.want)
			}
		})
	}
	var d Date
	if err := json.Unmarshal([]byte(`"31/10/2026"`), &d); err == nil {
		t.Error("a slashed date gave no error")
	}
	b, err := json.Marshal(struct {
		D Date `json:"d"`
		Z Date `json:"z,omitzero"`
	}{D: DateOf(model.NewDate(2026, 1, 2))})
	if err != nil || string(b) != `{"d":"2026-01-02"}` {
		t.Errorf("Marshal = %s, %v; want the date as YYYY-MM-DD and the zero one left out", b, err)
	}
}

func TestAmount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		minor  int64
		digits int
		text   Amount
	}{
		{"yen have no decimals", 1320, 0, "1320"},
		{"a yen credit is negative", -1320, 0, "-1320"},
		{"pounds have two", 1250, 2, "12.50"},
		{"a penny credit keeps its leading zero", -5, 2, "-0.05"},
		{"dinars have three", 1005, 3, "1.005"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := AmountOf(tc.minor, tc.digits); got != tc.text {
				t.Errorf("AmountOf(%d, %d) = %q; want %q", tc.minor, tc.digits, got, tc.text)
			}
			back, err := tc.text.MinorUnits(tc.digits)
			if err != nil || back != tc.minor {
				t.Errorf("%q.MinorUnits(%d) = %d, %v; want %d", tc.text, tc.digits, back, err, tc.minor)
			}
		})
	}
	for _, tc := range []struct {
		name string
		in   Amount
		want int64
	}{
		{"Xero's two decimals of a yen amount are dropped", "1320.00", 1320},
		{"a half rounds away from zero", "0.5", 1},
		{"a negative half rounds away from zero", "-0.5", -1},
		{"the zero Amount is zero", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.in.MinorUnits(0)
			if err != nil || got != tc.want {
				t.Errorf("%q.MinorUnits(0) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
	if _, err := Amount("12,50").MinorUnits(2); err == nil {
		t.Error("a comma decimal gave no error")
	}
	var a struct {
		A Amount `json:"a"`
		B Amount `json:"b"`
		C Amount `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"a":40.00,"b":"12.5","c":null}`), &a); err != nil || a.A != "40.00" || a.B != "12.5" || a.C != "" {
		t.Fatalf("Unmarshal = %+v, %v", a, err)
	}
	if err := json.Unmarshal([]byte(`{"a":true}`), &a); err == nil {
		t.Error("a boolean amount gave no error")
	}
	if _, err := json.Marshal(Amount("1,5")); err == nil {
		t.Error("marshalling a non-number gave no error")
	}
}

func TestCurrencyDigits(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"JPY": 0, "jpy": 0, "KRW": 0, "GBP": 2, "NZD": 2, "KWD": 3} {
		if got := CurrencyDigits(code); got != want {
			t.Errorf("CurrencyDigits(%s) = %d; want %d", code, got, want)
		}
	}
}
