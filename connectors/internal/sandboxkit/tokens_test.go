package sandboxkit

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// pair is the token body of the test endpoint.
type pair struct{ Access, Refresh string }

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newEndpoint(grace time.Duration, c *clock) *TokenEndpoint[pair] {
	e := NewTokenEndpoint(TokenConfig[pair]{
		ClientID: "id", ClientSecret: "secret", AccessTTL: time.Hour, RefreshTTL: 24 * time.Hour,
		Grace: grace, RejectStatus: http.StatusUnauthorized, Describe: true, Now: c.Now,
		Grant: func(access, refresh string, _ time.Time) pair { return pair{access, refresh} },
	})
	e.AllowRefresh("first")
	return e
}

func tokenRequest(form url.Values, basic ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(basic) == 2 {
		r.SetBasicAuth(basic[0], basic[1])
	}
	return r
}

func refreshForm(token string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}, "client_id": {"id"}, "client_secret": {"secret"}}
}

func TestServeRefusesWhatRFC6749Refuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{name: "a request without grant_type is invalid_request", req: tokenRequest(url.Values{"client_id": {"id"}, "client_secret": {"secret"}}), status: 400, code: "invalid_request"},
		{name: "a wrong secret is invalid_client", req: tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"first"}, "client_id": {"id"}, "client_secret": {"nope"}}), status: 401, code: "invalid_client"},
		{name: "wrong Basic credentials win over a right body", req: tokenRequest(refreshForm("first"), "id", "nope"), status: 401, code: "invalid_client"},
		{name: "another grant type is unsupported_grant_type", req: tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {"id"}, "client_secret": {"secret"}}), status: 400, code: "unsupported_grant_type"},
		{name: "a refresh grant without a token is invalid_request", req: tokenRequest(url.Values{"grant_type": {"refresh_token"}, "client_id": {"id"}, "client_secret": {"secret"}}), status: 400, code: "invalid_request"},
		{name: "a token never issued is invalid_grant", req: tokenRequest(refreshForm("never")), status: 401, code: "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := newEndpoint(0, &clock{now: time.Unix(0, 0)}).Serve(tt.req)
			e, ok := body.(OAuthError)
			if status != tt.status || !ok || e.Error != tt.code || e.Description == "" {
				t.Fatalf("Serve = %d %+v, want %d %s with a description", status, body, tt.status, tt.code)
			}
		})
	}
}

func TestARefreshRotatesTheTokensAndSpendsTheOneUsed(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	e := newEndpoint(0, c)
	status, body := e.Serve(tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"first"}}, "id", "secret"))
	got, ok := body.(pair)
	if status != http.StatusOK || !ok || got.Access == "" || got.Refresh == "" || got.Refresh == "first" {
		t.Fatalf("Serve = %d %+v, want a new pair", status, body)
	}
	if exp, known := e.Access(got.Access); !known || !exp.Equal(c.now.Add(time.Hour)) {
		t.Errorf("Access = %v, %v; want known, expiring in an hour", exp, known)
	}
	if status, _ := e.Serve(tokenRequest(refreshForm("first"))); status != http.StatusUnauthorized {
		t.Errorf("reusing a spent refresh token: %d, want 401", status)
	}
	c.now = c.now.Add(25 * time.Hour)
	if status, _ := e.Serve(tokenRequest(refreshForm(got.Refresh))); status != http.StatusUnauthorized {
		t.Errorf("an expired refresh token: %d, want 401", status)
	}
	if granted, grace := e.Refreshes(); granted != 1 || grace != 0 {
		t.Errorf("Refreshes = %d, %d; want 1, 0", granted, grace)
	}
}

func TestAUsedRefreshTokenIsTakenAgainWithinItsGrace(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	e := newEndpoint(30*time.Minute, c)
	for i, want := range []int{http.StatusOK, http.StatusOK} {
		if status, _ := e.Serve(tokenRequest(refreshForm("first"))); status != want {
			t.Fatalf("use %d: %d, want %d", i+1, status, want)
		}
		c.now = c.now.Add(29 * time.Minute)
	}
	if status, _ := e.Serve(tokenRequest(refreshForm("first"))); status != http.StatusUnauthorized {
		t.Errorf("a use after the grace: %d, want 401", status)
	}
	if granted, grace := e.Refreshes(); granted != 2 || grace != 1 {
		t.Errorf("Refreshes = %d, %d; want 2, 1", granted, grace)
	}
}

func TestStateCarriesTokensToAnotherEndpoint(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	a := newEndpoint(0, c)
	issued := a.IssueToken()
	st := a.SaveState()
	st = TokenState{Access: st.Access, Refresh: UnusedRefresh(RefreshExpiries(st.Refresh))}
	b := newEndpoint(0, c)
	b.LoadState(st)
	if _, known := b.Access(issued.Access); !known {
		t.Error("the access token did not carry over")
	}
	if status, _ := b.Serve(tokenRequest(refreshForm(issued.Refresh))); status != http.StatusOK {
		t.Errorf("the refresh token did not carry over: %d", status)
	}
	b.ExpireAccessTokens()
	if exp, _ := b.Access(issued.Access); c.now.Before(exp) {
		t.Errorf("after ExpireAccessTokens the token expires %v, after now", exp)
	}
}

func TestRejectionsCarryNoDescriptionUnlessAsked(t *testing.T) {
	t.Parallel()
	e := NewTokenEndpoint(TokenConfig[pair]{ClientID: "id", ClientSecret: "secret"})
	status, body := e.Serve(tokenRequest(refreshForm("never")))
	if status != http.StatusBadRequest || body != (OAuthError{Error: "invalid_grant"}) {
		t.Errorf("Serve = %d %+v, want 400 invalid_grant alone", status, body)
	}
}

func TestBearerSaysWhatARequestsTokenIs(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	e := newEndpoint(0, c)
	issued := e.IssueToken()
	req := func(header string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/api", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		header string
		at     time.Time
		want   BearerState
	}{
		{"a token issued here is valid within its hour", "Bearer " + issued.Access, c.now.Add(59 * time.Minute), BearerValid},
		{"the scheme is read case-insensitively", "bearer " + issued.Access, c.now, BearerValid},
		{"the same token after its hour is expired", "Bearer " + issued.Access, c.now.Add(time.Hour), BearerExpired},
		{"a token never issued is unknown", "Bearer not-ours", c.now, BearerUnknown},
		{"no header is missing", "", c.now, BearerMissing},
		{"another scheme is missing", "Basic " + issued.Access, c.now, BearerMissing},
		{"an empty token is missing", "Bearer ", c.now, BearerMissing},
	} {
		got, exp := e.Bearer(req(tc.header), tc.at)
		if got != tc.want {
			t.Errorf("%s: state %d; want %d", tc.name, got, tc.want)
		}
		if got == BearerExpired && !exp.Equal(c.now.Add(time.Hour)) {
			t.Errorf("%s: expires %s; want the token's end", tc.name, exp)
		}
	}
}
