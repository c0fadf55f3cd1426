package config_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
)

func TestIntSettingReadsEveryNumberTypeAndRefusesTheRest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		value any
		want  int64
		ok    bool
	}{
		{"an absent setting is the default", nil, 42, true},
		{"an int, as hub.yaml gives it", 7, 7, true},
		{"an int64", int64(1) << 40, 1 << 40, true},
		{"a whole float64, as JSON decodes it", 3000.0, 3000, true},
		{"a json.Number", json.Number("1234567"), 1234567, true},
		{"decimal text", "-15", -15, true},
		{"a float64 with a fraction is refused", 2.5, 0, false},
		{"a float64 beyond int64 is refused", 1e19, 0, false},
		{"a json.Number with a fraction is refused", json.Number("1.5"), 0, false},
		{"text that is not a number is refused", "ten", 0, false},
		{"a bool is refused", true, 0, false},
		{"a duration is refused", time.Second, 0, false},
		{"a list is refused", []int{1}, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			settings := map[string]any{}
			if tc.value != nil {
				settings["n"] = tc.value
			}
			got, err := config.IntSetting(settings, "n", 42)
			switch {
			case !tc.ok && (err == nil || !strings.Contains(err.Error(), "setting n is not an integer")):
				t.Errorf("IntSetting(%#v) = %d, %v; want an error naming setting n", tc.value, got, err)
			case tc.ok && (err != nil || got != tc.want):
				t.Errorf("IntSetting(%#v) = %d, %v; want %d", tc.value, got, err, tc.want)
			}
		})
	}
}

func TestDurationSettingReadsDurationsAndTheirText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		value any
		want  time.Duration
		ok    bool
	}{
		{"an absent setting is the default", nil, time.Minute, true},
		{"a time.Duration, as hub.yaml gives it", 90 * time.Second, 90 * time.Second, true},
		{"Go duration text", "1h30m", 90 * time.Minute, true},
		{"text that is not a duration is refused", "soon", 0, false},
		{"a bare number is refused", 5, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			settings := map[string]any{}
			if tc.value != nil {
				settings["d"] = tc.value
			}
			got, err := config.DurationSetting(settings, "d", time.Minute)
			switch {
			case !tc.ok && (err == nil || !strings.Contains(err.Error(), "setting d is not a duration")):
				t.Errorf("DurationSetting(%#v) = %v, %v; want an error naming setting d", tc.value, got, err)
			case tc.ok && (err != nil || got != tc.want):
				t.Errorf("DurationSetting(%#v) = %v, %v; want %v", tc.value, got, err, tc.want)
			}
		})
	}
}

func TestStringSettingTrimsAndIgnoresOtherTypes(t *testing.T) {
	t.Parallel()
	settings := map[string]any{"s": "  JPY \n", "n": 5}
	for name, want := range map[string]string{"s": "JPY", "n": "", "absent": ""} {
		if got := config.StringSetting(settings, name); got != want {
			t.Errorf("StringSetting(%q) = %q; want %q", name, got, want)
		}
	}
}
