package slacktest

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestEachMethodIsLimitedAtItsTier(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	s, c := start(t, Options{Now: clock.Now})
	for range 20 {
		mustOK(t, c.get("users.list", url.Values{"limit": {"1"}}))
	}
	res := c.get("users.list", url.Values{"limit": {"1"}})
	if res.status != http.StatusTooManyRequests || res.errCode() != "ratelimited" || res.header.Get("Retry-After") != "3" {
		t.Fatalf("21st users.list: %d %s Retry-After %q; want 429 ratelimited after 3 s (tier 2)", res.status, res.body, res.header.Get("Retry-After"))
	}
	mustOK(t, c.get("users.lookupByEmail", url.Values{"email": {DemoPerson(0).Email}}))
	clock.Advance(3 * time.Second)
	mustOK(t, c.get("users.list", url.Values{"limit": {"1"}}))
	if n := s.Requests()["users.list"]; n != 22 {
		t.Errorf("users.list counted %d; want 22, the refused one included", n)
	}
	noViolations(t, s)
}

func TestPostsArePacedPerChannel(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	s, c := start(t, Options{Now: clock.Now})
	general, _ := s.Channel(ChannelGeneral)
	back, _ := s.Channel(ChannelBackOffice)
	for range DefaultPostBurst {
		mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": general.ID, "text": "burst"}))
	}
	res := c.postJSON("chat.postMessage", map[string]any{"channel": general.ID, "text": "one too many"})
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "1" {
		t.Fatalf("post after the burst: %d %s Retry-After %q; want 429 after 1 s", res.status, res.body, res.header.Get("Retry-After"))
	}
	mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": back.ID, "text": "another channel"}))
	clock.Advance(time.Second)
	mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": general.ID, "text": "a second later"}))
	if n := len(s.Messages(general.ID)); n != DefaultPostBurst+1 {
		t.Errorf("%d messages kept in #general; the refused one must not be", n)
	}
	noViolations(t, s)
}

func TestNoRateLimitTurnsTheTiersOff(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{NoRateLimit: true})
	general, _ := s.Channel(ChannelGeneral)
	for range 25 {
		mustOK(t, c.get("conversations.list", nil))
		mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": general.ID, "text": "x"}))
	}
	noViolations(t, s)
}
