package freeeaccountingtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func refresh(t *testing.T, s *Server, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(s.TokenURL(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func grant(token string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}, "refresh_token": {token}}
}

func TestRefreshTokensRotateAndAreSingleUse(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	status, tok := refresh(t, s, grant(DefaultRefreshToken))
	if status != 200 || tok["expires_in"] != float64(21600) || tok["refresh_token"] == DefaultRefreshToken {
		t.Fatalf("%d %v", status, tok)
	}
	if status, body := refresh(t, s, grant(DefaultRefreshToken)); status != 401 || body["error"] != "invalid_grant" {
		t.Errorf("the spent refresh token: %d %v; want 401 invalid_grant", status, body)
	}
	if status, _ := refresh(t, s, grant(tok["refresh_token"].(string))); status != 200 {
		t.Errorf("the new refresh token: %d", status)
	}
	if st, _, _ := send(t, s, http.MethodGet, "/api/1/users/me", nil, "Bearer "+tok["access_token"].(string)); st != 200 {
		t.Errorf("the issued access token: %d", st)
	}
}

func TestTheTokenEndpointRefusesBadClientsAndGrants(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	bad := grant(DefaultRefreshToken)
	bad.Set("client_secret", "wrong")
	for name, tc := range map[string]struct {
		form url.Values
		code string
	}{
		"a wrong client secret":       {bad, "invalid_client"},
		"another grant type":          {url.Values{"grant_type": {"authorization_code"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}}, "unsupported_grant_type"},
		"no grant type":               {url.Values{}, "invalid_request"},
		"a refresh grant without one": {url.Values{"grant_type": {"refresh_token"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}}, "invalid_request"},
	} {
		if _, body := refresh(t, s, tc.form); body["error"] != tc.code {
			t.Errorf("%s: %v; want %s", name, body, tc.code)
		}
	}
	if status, _ := refresh(t, s, grant(DefaultRefreshToken)); status != 200 {
		t.Error("the refused attempts spent the refresh token")
	}
}

func TestAccessTokensAreCheckedBeforeAnythingElse(t *testing.T) {
	t.Parallel()
	now := fixedNow()
	s := start(t, Options{Now: func() time.Time { return now }, AccessTokenTTL: time.Hour})
	noViolations(t, s)
	tok := s.IssueToken()
	for name, tc := range map[string]struct {
		auth string
		code string
	}{
		"no header":         {"", "invalid_access_token"},
		"an unknown token":  {"Bearer nope", "invalid_access_token"},
		"another scheme":    {"Basic " + tok.AccessToken, "invalid_access_token"},
		"a bad request too": {"", "invalid_access_token"},
	} {
		status, _, body := send(t, s, http.MethodGet, "/api/1/expense_applications", nil, tc.auth)
		if status != 401 || !strings.Contains(string(body), tc.code) {
			t.Errorf("%s: %d %s", name, status, body)
		}
	}
	now = now.Add(time.Hour)
	if status, _, body := send(t, s, http.MethodGet, "/api/1/users/me", nil, "Bearer "+tok.AccessToken); status != 401 || !strings.Contains(string(body), "expired_access_token") {
		t.Errorf("after its lifetime: %d %s", status, body)
	}
	fresh := s.IssueToken()
	s.ExpireAccessTokens()
	if status, _, _ := send(t, s, http.MethodGet, "/api/1/users/me", nil, "Bearer "+fresh.AccessToken); status != 401 {
		t.Errorf("after ExpireAccessTokens: %d", status)
	}
}
