package githubtest

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"
)

func TestThePrimaryLimitIsReportedAndEnforced(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := start(t, Options{RateLimit: 3, Now: clk.Now})
	const path = "/api/v3/repos/demo-company/back-office/issues/1"
	for i := 1; i <= 3; i++ {
		resp, body := raw(t, s, http.MethodGet, path, "", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, body)
		}
		if got := resp.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(3-i) {
			t.Errorf("request %d: remaining %s; want %d", i, got, 3-i)
		}
		if resp.Header.Get("X-RateLimit-Limit") != "3" || resp.Header.Get("X-RateLimit-Used") != strconv.Itoa(i) ||
			resp.Header.Get("X-RateLimit-Reset") != strconv.FormatInt(clk.Now().Add(time.Hour).Unix(), 10) ||
			resp.Header.Get("X-RateLimit-Resource") != "core" {
			t.Errorf("request %d: headers %v", i, resp.Header)
		}
	}
	resp, body := raw(t, s, http.MethodGet, path, "", nil)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-RateLimit-Remaining") != "0" || !contains(body, "API rate limit exceeded") {
		t.Fatalf("past the limit: %d remaining %q %s; want 403 with remaining 0", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"), body)
	}
	// go-github reads it as its RateLimitError.
	_, _, err := client(t, s).Issues.Get(t.Context(), owner, repo, 1)
	var rl *gh.RateLimitError
	if !errors.As(err, &rl) || rl.Rate.Remaining != 0 {
		t.Errorf("go-github: %v; want a RateLimitError", err)
	}
	clk.Advance(time.Hour)
	if resp, _ := raw(t, s, http.MethodGet, path, "", nil); resp.StatusCode != http.StatusOK || resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("after the reset: %d remaining %q; want a fresh hour", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
	noViolations(t, s)
}

func TestTheSecondaryLimitOnWrites(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := start(t, Options{WritesPerMinute: 2, Now: clk.Now})
	c := client(t, s)
	ctx := t.Context()
	comment := func() error {
		_, _, err := c.Issues.CreateComment(ctx, owner, repo, 1, &gh.IssueComment{Body: gh.String("x")})
		return err
	}
	for i := range 2 {
		if err := comment(); err != nil {
			t.Fatalf("write %d: %v", i+1, err)
		}
	}
	clk.Advance(20 * time.Second)
	err := comment()
	var ab *gh.AbuseRateLimitError
	if !errors.As(err, &ab) || ab.RetryAfter == nil || *ab.RetryAfter != 40*time.Second {
		t.Fatalf("the third write in a minute: %v; want go-github's AbuseRateLimitError with Retry-After 40s", err)
	}
	if _, _, err := c.Issues.Get(ctx, owner, repo, 1); err == nil {
		t.Error("go-github itself should refuse to call until Retry-After passes")
	}
	if resp, _ := raw(t, s, http.MethodGet, "/api/v3/repos/demo-company/back-office/issues/1", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a read is not a write: %d", resp.StatusCode)
	}
	clk.Advance(40 * time.Second)
	if resp, body := raw(t, s, http.MethodPost, "/api/v3/repos/demo-company/back-office/issues/1/comments", `{"body":"x"}`, nil); resp.StatusCode != http.StatusCreated {
		t.Errorf("the next minute: %d %s", resp.StatusCode, body)
	}
	if n := len(s.Issues(owner, repo)[0].Comments); n != 3 {
		t.Errorf("%d comments; the limited write must not have been applied", n)
	}
	noViolations(t, s)
}

func TestTripSecondaryLimitBlocksEveryRequestForAWhile(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := start(t, Options{Now: clk.Now})
	s.TripSecondaryLimit(90 * time.Second)
	resp, body := raw(t, s, http.MethodGet, "/api/v3/repos/demo-company/back-office/issues", "", nil)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Retry-After") != "90" || !contains(body, "secondary rate limit") {
		t.Fatalf("tripped: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	clk.Advance(90 * time.Second)
	if resp, _ := raw(t, s, http.MethodGet, "/api/v3/repos/demo-company/back-office/issues", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after the block: %d", resp.StatusCode)
	}
	if limit, remaining, _ := s.RateState(); limit != DefaultRateLimit || remaining != DefaultRateLimit-2 {
		t.Errorf("RateState %d/%d; both requests count against the hour", remaining, limit)
	}
	noViolations(t, s)
}
