package config

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The setting readers below are how a connector reads its Connection.Settings. Settings
// from hub.yaml arrive validated and typed (an Int is an int, a Duration a time.Duration);
// the readers also take what a test or a JSON decoder builds by hand (int64, a float64 that
// is whole, json.Number, decimal or duration text), so that a connector need not care
// where its settings came from.

// IntSetting returns the integer setting name, or def when it is absent.
func IntSetting(settings map[string]any, name string, def int64) (int64, error) {
	switch v := settings[name].(type) {
	case nil:
		return def, nil
	case int:
		return int64(v), nil
	case int64:
		return v, nil
	case float64:
		if v == math.Trunc(v) && v >= math.MinInt64 && v < math.MaxInt64 {
			return int64(v), nil
		}
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, nil
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("setting %s is not an integer", name)
}

// DurationSetting returns the duration setting name, or def when it is absent; text is
// read as Go duration syntax (90s, 5m, 1h30m).
func DurationSetting(settings map[string]any, name string, def time.Duration) (time.Duration, error) {
	switch v := settings[name].(type) {
	case nil:
		return def, nil
	case time.Duration:
		return v, nil
	case string:
		if d, err := time.ParseDuration(v); err == nil {
			return d, nil
		}
	}
	return 0, fmt.Errorf("setting %s is not a duration such as 90s, 5m or 1h30m", name)
}

// StringSetting returns the string setting name without surrounding spaces, or "" when it
// is absent or not a string.
func StringSetting(settings map[string]any, name string) string {
	s, _ := settings[name].(string)
	return strings.TrimSpace(s)
}
