package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// format is a kind of string with rules of its own. parse is the authority; pattern gives
// editors the same rule, or a looser one when the rule needs code (a zone's existence).
type format struct {
	// want says what is allowed; messages end with it.
	want string
	// pattern is the JSON Schema pattern.
	pattern string
	// jsonFormat is the JSON Schema "format" keyword, when a standard one fits.
	jsonFormat string
	// parse checks s and returns its Go value; its error says what is wrong with s.
	parse func(s string) (any, error)
	// display, when set, is how a refused value is quoted back, so that a password pasted
	// into a URL does not end up in an error message.
	display func(s string) string
}

// shown is s as an error message may quote it.
func (f *format) shown(s string) string {
	if f.display == nil {
		return s
	}
	return f.display(s)
}

// patternFormat is a format whose whole rule is its pattern.
func patternFormat(want, pattern, problem string) *format {
	re := regexp.MustCompile(pattern)
	return &format{want: want, pattern: pattern, parse: func(s string) (any, error) {
		if !re.MatchString(s) {
			return nil, errors.New(problem)
		}
		return s, nil
	}}
}

var (
	nameFormat = patternFormat(
		"lowercase letters, digits and '-', starting with a letter, e.g. freee-hr",
		`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`, "not a valid name")

	secretNameFormat = patternFormat(
		"a secret name of letters, digits and _ . / + = @ -, e.g. FREEE_HR",
		`^[A-Za-z0-9][A-Za-z0-9_./+=@-]*$`, "not a valid secret name")

	channelFormat = patternFormat(
		`a channel or room id without spaces, e.g. C0123OPS (Slack) or "123456789" (Chatwork)`,
		`^[#A-Za-z0-9._-]{1,80}$`, "not a channel or room id")

	webhookPathFormat = patternFormat(
		"a URL path starting with '/', e.g. /hooks/freee",
		`^/[A-Za-z0-9._~/-]*$`, "not a valid path")

	clockFormat = &format{
		want:    `a time of day HH:MM (24-hour), e.g. "09:00"`,
		pattern: clockPattern.String(),
		parse:   parseClock,
	}

	durationFormat = &format{
		want:    "a duration above zero in Go syntax, e.g. 90s, 2m or 1h30m",
		pattern: `^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$`,
		parse: func(s string) (any, error) {
			d, err := time.ParseDuration(s)
			switch {
			case err != nil:
				return nil, errors.New("not a duration")
			case d <= 0:
				return nil, errors.New("not above zero")
			}
			return d, nil
		},
	}

	urlFormat = &format{
		want:       "an http or https URL without user or password, e.g. https://api.freee.co.jp/hr",
		pattern:    `^https?://[^\s/?#@]+([/?#]\S*)?$`,
		jsonFormat: "uri",
		parse: func(s string) (any, error) {
			u, err := url.Parse(s)
			switch {
			case err != nil:
				return nil, errors.New("not a URL")
			case u.Scheme != "http" && u.Scheme != "https":
				return nil, errors.New("not an http or https URL")
			case u.User != nil:
				// A password here would sit in plain text; credentials belong in a secret.
				return nil, errors.New("carries a user or password; put credentials in the connection's secret")
			case u.Host == "":
				return nil, errors.New("has no host")
			}
			return s, nil
		},
		display: func(s string) string {
			u, err := url.Parse(s)
			if err != nil {
				return "…"
			}
			if u.User != nil {
				u.User = url.User("…")
			}
			return u.String()
		},
	}

	listenFormat = &format{
		want:    "host:port, e.g. 127.0.0.1:8787 (port 0-65535; an empty host listens on every interface)",
		pattern: `^\S*:[0-9]{1,5}$`,
		parse: func(s string) (any, error) {
			_, port, err := net.SplitHostPort(s)
			if err != nil {
				return nil, errors.New("not host:port")
			}
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return nil, errors.New("port out of range")
			}
			return s, nil
		},
	}

	zoneFormat = &format{
		want:    "an IANA time zone name such as Asia/Tokyo or UTC",
		pattern: `^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`,
		parse: func(s string) (any, error) {
			// "Local" is whatever zone the machine has: business dates must not move with it.
			if s == "" || s == "Local" {
				return nil, errors.New("not a zone name")
			}
			loc, err := time.LoadLocation(s)
			if err != nil {
				return nil, errors.New("unknown time zone")
			}
			return loc, nil
		},
	}
)

// Clock is a time of day, in the zone of whatever it belongs to.
type Clock struct{ Hour, Minute int }

// String formats c as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// Minutes returns the minutes since midnight.
func (c Clock) Minutes() int { return c.Hour*60 + c.Minute }

var clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)

func parseClock(s string) (any, error) {
	m := clockPattern.FindStringSubmatch(s)
	if m == nil {
		return nil, errors.New("not a time of day")
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return Clock{Hour: h, Minute: mi}, nil
}
