package xerotest

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestMinuteLimit(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	opts := october2026()
	opts.Now, opts.MinuteLimit = clock.Now, 3
	s, c := start(t, opts)
	for want := 2; want >= 0; want-- {
		res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil)
		if res.status != 200 || res.header.Get("X-MinLimit-Remaining") != strconv.Itoa(want) {
			t.Fatalf("status %d, minute remaining %q; want 200 and %d", res.status, res.header.Get("X-MinLimit-Remaining"), want)
		}
		if res.header.Get("X-DayLimit-Remaining") == "" || res.header.Get("X-AppMinLimit-Remaining") == "" {
			t.Fatalf("headers %v; want the day's and the app's quota too", res.header)
		}
		clock.Advance(10 * time.Second)
	}
	res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil)
	if res.status != http.StatusTooManyRequests || res.header.Get("X-Rate-Limit-Problem") != LimitMinute || res.header.Get("Retry-After") != "30" {
		t.Fatalf("fourth call: %d, problem %q, retry after %q; want 429 minute, 30 s until the first call leaves the window",
			res.status, res.header.Get("X-Rate-Limit-Problem"), res.header.Get("Retry-After"))
	}
	clock.Advance(31 * time.Second)
	if res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil); res.status != 200 {
		t.Fatalf("after the window moved: %d; want 200", res.status)
	}
	// The token endpoint and /Connections are not the tenant's calls.
	if res := c.do(http.MethodGet, "/Connections", nil); res.status != 200 {
		t.Fatalf("GET /Connections: %d", res.status)
	}
	noViolations(t, s)
}

func TestDayLimit(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 23, 0, 0, 0, time.UTC))
	opts := october2026()
	opts.Now, opts.DayLimit, opts.AccessTokenTTL = clock.Now, 2, 24*time.Hour
	_, c := start(t, opts)
	for range 2 {
		if res := c.do(http.MethodGet, "/api.xro/2.0/TaxRates", nil); res.status != 200 {
			t.Fatalf("status %d", res.status)
		}
	}
	res := c.do(http.MethodGet, "/api.xro/2.0/TaxRates", nil)
	if res.status != 429 || res.header.Get("X-Rate-Limit-Problem") != LimitDay || res.header.Get("Retry-After") != "3600" || res.header.Get("X-DayLimit-Remaining") != "0" {
		t.Fatalf("third call: %d %v; want 429 day, an hour to midnight UTC, none left", res.status, res.header)
	}
	clock.Advance(time.Hour)
	if res := c.do(http.MethodGet, "/api.xro/2.0/TaxRates", nil); res.status != 200 {
		t.Fatalf("the next day: %d", res.status)
	}
}

func TestAppMinuteLimit(t *testing.T) {
	t.Parallel()
	opts := october2026()
	opts.AppMinuteLimit = 1
	_, c := start(t, opts)
	c.do(http.MethodGet, "/api.xro/2.0/TaxRates", nil)
	if res := c.do(http.MethodGet, "/api.xro/2.0/TaxRates", nil); res.status != 429 || res.header.Get("X-Rate-Limit-Problem") != LimitAppMinute {
		t.Fatalf("second call: %d %v; want 429 appminute", res.status, res.header)
	}
}

// TestConcurrentLimit holds five calls inside the sandbox; a sixth is refused as
// concurrent, and once they are answered calls pass again.
func TestConcurrentLimit(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	hold := make(chan struct{})
	held := make(chan struct{}, 10)
	s.mutateResponse = func(op string, _ *reply) {
		if op == "accounting.getAccounts" {
			held <- struct{}{}
			<-hold
		}
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil); res.status != 200 {
				t.Errorf("held call: %d", res.status)
			}
		})
	}
	for range 5 {
		<-held
	}
	res := c.do(http.MethodGet, "/api.xro/2.0/TaxRates", nil)
	if res.status != 429 || res.header.Get("X-Rate-Limit-Problem") != LimitConcurrent || res.header.Get("Retry-After") == "" {
		t.Fatalf("sixth call: %d %v; want 429 concurrent with Retry-After", res.status, res.header)
	}
	close(hold)
	wg.Wait()
	if res := c.do(http.MethodGet, "/api.xro/2.0/TaxRates", nil); res.status != 200 {
		t.Fatalf("after the five were answered: %d", res.status)
	}
	noViolations(t, s)
}
