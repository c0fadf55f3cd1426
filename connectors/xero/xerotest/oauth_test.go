package xerotest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func tokenOf(t *testing.T, res response) Token {
	t.Helper()
	var tok Token
	if res.status != 200 || json.Unmarshal(res.body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("want a token, got %d %s", res.status, res.body)
	}
	return tok
}

func oauthErrorOf(t *testing.T, res response) string {
	t.Helper()
	var e oauthError
	if err := json.Unmarshal(res.body, &e); err != nil || res.status != 400 {
		t.Fatalf("want a 400 OAuth error, got %d %s", res.status, res.body)
	}
	return e.Error
}

func TestToken_rotatesWithAGracePeriod(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	opts := october2026()
	opts.Now = clock.Now
	s, c := start(t, opts)

	first := tokenOf(t, c.tokenRequest(s.opts.RefreshToken, s.opts.ClientSecret))
	if first.ExpiresIn != 1800 || first.TokenType != "Bearer" || first.RefreshToken == s.opts.RefreshToken {
		t.Fatalf("token %+v; want 30 minutes and a new refresh token", first)
	}
	// The answer was lost: the same refresh token again, 29 minutes later, still works.
	clock.Advance(29 * time.Minute)
	second := tokenOf(t, c.tokenRequest(s.opts.RefreshToken, s.opts.ClientSecret))
	if second.RefreshToken == first.RefreshToken {
		t.Fatal("a reuse within the grace period returned the same refresh token")
	}
	if granted, grace := s.Refreshes(); granted != 2 || grace != 1 {
		t.Fatalf("granted %d, grace %d; want 2 and 1", granted, grace)
	}
	// Past the 30 minutes after its first use: refused.
	clock.Advance(2 * time.Minute)
	if e := oauthErrorOf(t, c.tokenRequest(s.opts.RefreshToken, s.opts.ClientSecret)); e != "invalid_grant" {
		t.Fatalf("error %q; want invalid_grant", e)
	}
	// Each new refresh token works.
	tokenOf(t, c.tokenRequest(first.RefreshToken, s.opts.ClientSecret))
	tokenOf(t, c.tokenRequest(second.RefreshToken, s.opts.ClientSecret))
}

func TestToken_refusals(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	opts := october2026()
	opts.Now = clock.Now
	s, c := start(t, opts)
	if e := oauthErrorOf(t, c.tokenRequest("never-issued", s.opts.ClientSecret)); e != "invalid_grant" {
		t.Errorf("an unknown refresh token: %q; want invalid_grant", e)
	}
	if e := oauthErrorOf(t, c.tokenRequest(s.opts.RefreshToken, "wrong")); e != "invalid_client" {
		t.Errorf("a wrong client secret: %q; want invalid_client", e)
	}
	// Unused for 60 days: expired.
	clock.Advance(61 * 24 * time.Hour)
	if e := oauthErrorOf(t, c.tokenRequest(s.opts.RefreshToken, s.opts.ClientSecret)); e != "invalid_grant" {
		t.Errorf("a refresh token unused for 61 days: %q; want invalid_grant", e)
	}
}

func TestAccessTokens(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	opts := october2026()
	opts.Now = clock.Now
	s, c := start(t, opts)
	if res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil); res.status != 200 {
		t.Fatalf("a fresh token: %d", res.status)
	}
	clock.Advance(30 * time.Minute)
	res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil)
	if res.status != http.StatusUnauthorized || res.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("a token 30 minutes old: %d %v; want 401 with a challenge", res.status, res.header)
	}
	c.token = "made-up"
	if res := c.do(http.MethodGet, "/Connections", nil); res.status != http.StatusUnauthorized {
		t.Fatalf("an unknown token: %d; want 401", res.status)
	}
	c.token = s.IssueToken().AccessToken
	s.ExpireAccessTokens()
	if res := c.do(http.MethodGet, "/Connections", nil); res.status != http.StatusUnauthorized {
		t.Fatalf("an expired token: %d; want 401", res.status)
	}
	noViolations(t, s)
}
