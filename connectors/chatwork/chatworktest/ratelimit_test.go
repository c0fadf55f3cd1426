package chatworktest

import (
	"strconv"
	"testing"
	"time"
)

func TestTheRateLimitCountsFixedWindowsPerToken(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := start(t, Options{RateLimit: 3, Now: clk.now, Tokens: []string{"a", "b"}})
	reset := strconv.FormatInt(clk.now().Add(5*time.Minute).Unix(), 10)
	for i, want := range []string{"2", "1", "0"} {
		a := do(t, s, request{path: "/me", token: "a"})
		if a.status != 200 || a.header.Get("X-RateLimit-Limit") != "3" || a.header.Get("X-RateLimit-Remaining") != want ||
			a.header.Get("X-RateLimit-Reset") != reset {
			t.Fatalf("call %d: %d %v", i, a.status, a.header)
		}
		clk.add(time.Minute)
	}
	a := do(t, s, request{path: "/me", token: "a"})
	if a.status != 429 || a.header.Get("X-RateLimit-Remaining") != "0" || a.header.Get("X-RateLimit-Reset") != reset {
		t.Fatalf("over the limit: %d %v", a.status, a.header)
	}
	if a := do(t, s, request{path: "/me", token: "b"}); a.status != 200 {
		t.Errorf("another token has its own window: %d", a.status)
	}
	clk.add(2 * time.Minute)
	a = do(t, s, request{path: "/me", token: "a"})
	if a.status != 200 || a.header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("after the reset: %d %v; want a new window", a.status, a.header)
	}
}

func TestNoRateLimitStillSendsTheHeaders(t *testing.T) {
	t.Parallel()
	s := start(t, Options{RateLimit: NoRateLimit})
	for range 5 {
		a := do(t, s, request{path: "/me"})
		if a.status != 200 || a.header.Get("X-RateLimit-Remaining") == "" {
			t.Fatalf("%d %v", a.status, a.header)
		}
	}
}

func TestTheResetIsRoundedUp(t *testing.T) {
	t.Parallel()
	at := time.Unix(1790000000, 200_000_000)
	if got := ceilUnix(at); got != 1790000001 {
		t.Errorf("ceilUnix = %d", got)
	}
	if got := ceilUnix(time.Unix(1790000000, 0)); got != 1790000000 {
		t.Errorf("a whole second stays: %d", got)
	}
}
