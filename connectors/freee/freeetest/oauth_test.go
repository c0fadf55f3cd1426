package freeetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func refreshForm(refresh string) url.Values {
	return url.Values{
		"grant_type": {"refresh_token"}, "client_id": {"freeetest-client"},
		"client_secret": {"freeetest-secret"}, "refresh_token": {refresh},
	}
}

func oauthErrorOf(t *testing.T, res response) string {
	t.Helper()
	var e oauthError
	if err := json.Unmarshal(res.body, &e); err != nil {
		t.Fatalf("want an OAuth error body, got %d %s", res.status, res.body)
	}
	return e.Error
}

func TestRefreshRotatesTheRefreshTokenAndSpendsTheOldOne(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	c.token = ""

	res := c.tokenRequest(refreshForm("freeetest-refresh-token"))
	if res.status != http.StatusOK {
		t.Fatalf("refresh: %d %s", res.status, res.body)
	}
	var first Token
	if err := json.Unmarshal(res.body, &first); err != nil {
		t.Fatal(err)
	}
	if first.ExpiresIn != 21600 || first.TokenType != "bearer" || first.CompanyID != 1 ||
		first.RefreshToken == "" || first.RefreshToken == "freeetest-refresh-token" {
		t.Errorf("token = %+v, want a bearer for 21600 s with a new refresh token", first)
	}

	c.token = first.AccessToken
	if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusOK {
		t.Errorf("the new access token is refused: %d %s", res.status, res.body)
	}

	res = c.tokenRequest(refreshForm("freeetest-refresh-token"))
	if res.status != http.StatusUnauthorized || oauthErrorOf(t, res) != "invalid_grant" {
		t.Errorf("reusing the spent refresh token: %d %s, want 401 invalid_grant", res.status, res.body)
	}

	res = c.tokenRequest(refreshForm(first.RefreshToken))
	var second Token
	if err := json.Unmarshal(res.body, &second); res.status != http.StatusOK || err != nil || second.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh with the new refresh token: %d %s", res.status, res.body)
	}

	// freee does not revoke the previous access token on refresh.
	if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusOK {
		t.Errorf("the earlier access token stopped working after a refresh: %d", res.status)
	}
	if got := s.Requests()[OAuthOp]; got != 3 {
		t.Errorf("token requests counted = %d, want 3", got)
	}
	noViolations(t, s)
}

func TestTokenEndpointRefusesBadRequests(t *testing.T) {
	t.Parallel()
	_, c := start(t, april2026())
	wrongSecret := refreshForm("freeetest-refresh-token")
	wrongSecret.Set("client_secret", "guess")
	otherGrant := refreshForm("freeetest-refresh-token")
	otherGrant.Set("grant_type", "password")
	noToken := refreshForm("")
	tests := []struct {
		name   string
		form   url.Values
		status int
		err    string
	}{
		{"a wrong client secret is invalid_client", wrongSecret, http.StatusUnauthorized, "invalid_client"},
		{"a grant other than refresh_token is unsupported", otherGrant, http.StatusBadRequest, "unsupported_grant_type"},
		{"a refresh without the token is an invalid request", noToken, http.StatusBadRequest, "invalid_request"},
		{"an unknown refresh token is invalid_grant", refreshForm("made-up"), http.StatusUnauthorized, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.tokenRequest(tt.form)
			if res.status != tt.status || oauthErrorOf(t, res) != tt.err {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, tt.status, tt.err)
			}
		})
	}
	// The good refresh token was never spent by the refused requests.
	if res := c.tokenRequest(refreshForm("freeetest-refresh-token")); res.status != http.StatusOK {
		t.Errorf("the initial refresh token no longer works: %d %s", res.status, res.body)
	}
}

func TestAPIRequestsNeedALiveAccessToken(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 5, 10, 9, 0, 0, 0, tokyo))
	opts := april2026()
	opts.Now = clock.Now
	s, c := start(t, opts)
	live := c.token

	code := func(res response) string {
		var body struct {
			Code string `json:"code"`
		}
		_ = json.Unmarshal(res.body, &body)
		return body.Code
	}
	tests := []struct {
		name  string
		token string
		code  string
	}{
		{"no token is invalid_access_token", "", "invalid_access_token"},
		{"a token the sandbox never issued is invalid_access_token", "made-up", "invalid_access_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc := *c
			cc.token = tt.token
			res := cc.do(http.MethodGet, "/api/v1/users/me", nil)
			if res.status != http.StatusUnauthorized || code(res) != tt.code {
				t.Errorf("got %d %s, want 401 %s", res.status, res.body, tt.code)
			}
		})
	}

	clock.Advance(6*time.Hour - time.Second)
	if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusOK {
		t.Fatalf("a token a second short of 6 h is refused: %d", res.status)
	}
	clock.Advance(time.Second)
	res := c.do(http.MethodGet, "/api/v1/users/me", nil)
	if res.status != http.StatusUnauthorized || code(res) != "expired_access_token" {
		t.Errorf("after 6 h: %d %s, want 401 expired_access_token", res.status, res.body)
	}

	c.token = s.IssueToken().AccessToken
	s.ExpireAccessTokens()
	if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusUnauthorized || code(res) != "expired_access_token" {
		t.Errorf("after ExpireAccessTokens: %d %s", res.status, res.body)
	}
	if c.token == live {
		t.Fatal("IssueToken returned the same token twice")
	}
	noViolations(t, s)
}

func TestRefreshTokensExpireAfter90Days(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 5, 1, 9, 0, 0, 0, tokyo))
	opts := april2026()
	opts.Now = clock.Now
	_, c := start(t, opts)
	clock.Advance(90 * 24 * time.Hour)
	res := c.tokenRequest(refreshForm("freeetest-refresh-token"))
	if res.status != http.StatusUnauthorized || oauthErrorOf(t, res) != "invalid_grant" {
		t.Errorf("a 90-day-old refresh token: %d %s, want 401 invalid_grant", res.status, res.body)
	}
}
