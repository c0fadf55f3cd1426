package freeetest

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRateLimitHeadersCountDownAndThen429UntilTheHourTurns(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 5, 10, 9, 15, 0, 0, tokyo))
	opts := april2026()
	opts.Now, opts.RateLimit = clock.Now, 3
	s, c := start(t, opts)

	for want := 2; want >= 0; want-- {
		res := c.do(http.MethodGet, "/api/v1/users/me", nil)
		if res.status != http.StatusOK {
			t.Fatalf("request within the limit: %d", res.status)
		}
		if got := res.header.Get("X-Ratelimit-Remaining"); got != strconv.Itoa(want) {
			t.Errorf("X-Ratelimit-Remaining = %q, want %d", got, want)
		}
		if got := res.header.Get("X-Ratelimit-Limit"); got != "3" {
			t.Errorf("X-Ratelimit-Limit = %q, want 3", got)
		}
		// 10:00 in Tokyo is 01:00 UTC.
		if got := res.header.Get("X-Ratelimit-Reset"); got != "2026-05-10T01:00:00.000000Z" {
			t.Errorf("X-Ratelimit-Reset = %q, want the next hour", got)
		}
	}

	res := c.do(http.MethodGet, "/api/v1/users/me", nil)
	if res.status != http.StatusTooManyRequests || res.header.Get("X-Ratelimit-Remaining") != "0" {
		t.Fatalf("over the limit: %d remaining %q, want 429 and 0", res.status, res.header.Get("X-Ratelimit-Remaining"))
	}
	if p := problemOf(t, res); p.StatusCode != 429 {
		t.Errorf("problem = %+v", p)
	}

	// A refused token spends nothing, and still sees the headers.
	cc := *c
	cc.token = "made-up"
	if res := cc.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusUnauthorized || res.header.Get("X-Ratelimit-Limit") != "3" {
		t.Errorf("401: %d, limit header %q", res.status, res.header.Get("X-Ratelimit-Limit"))
	}

	clock.Advance(45 * time.Minute)
	res = c.do(http.MethodGet, "/api/v1/users/me", nil)
	if res.status != http.StatusOK || res.header.Get("X-Ratelimit-Remaining") != "2" {
		t.Errorf("in the next hour: %d remaining %q, want 200 and 2", res.status, res.header.Get("X-Ratelimit-Remaining"))
	}
	noViolations(t, s)
}

func TestNoRateLimitSendsNoHeadersAndNever429s(t *testing.T) {
	t.Parallel()
	opts := april2026()
	opts.RateLimit = NoRateLimit
	s, c := start(t, opts)
	for range DefaultRateLimit/1000 + 1 {
		res := c.do(http.MethodGet, "/api/v1/users/me", nil)
		if res.status != http.StatusOK || res.header.Get("X-Ratelimit-Limit") != "" {
			t.Fatalf("%d with limit header %q", res.status, res.header.Get("X-Ratelimit-Limit"))
		}
	}
	noViolations(t, s)
}

func TestTheDefaultRateLimitIsFreeHRs10000AnHour(t *testing.T) {
	t.Parallel()
	_, c := start(t, april2026())
	res := c.do(http.MethodGet, "/api/v1/users/me", nil)
	if res.header.Get("X-Ratelimit-Limit") != "10000" || res.header.Get("X-Ratelimit-Remaining") != "9999" {
		t.Errorf("headers = %v", res.header)
	}
}
