package slacktest

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestUsersInfoAnswersEveryMemberWithTheirEmail(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Employees: 5})
	for _, u := range s.Users() {
		res := mustOK(t, c.get("users.info", url.Values{"user": {u.ID}}))
		member := res.doc["user"].(map[string]any)
		profile := member["profile"].(map[string]any)
		email, _ := profile["email"].(string)
		if member["id"] != u.ID || email != u.Email || member["is_bot"] != u.IsBot || member["deleted"] != u.Deleted {
			t.Errorf("users.info %s = %s; want %+v", u.ID, res.body, u)
		}
		if _, ok := member["locale"]; ok {
			t.Errorf("users.info %s has a locale without include_locale", u.ID)
		}
	}
	res := mustOK(t, c.get("users.info", url.Values{"user": {s.Users()[0].ID}, "include_locale": {"true"}}))
	if got := res.doc["user"].(map[string]any)["locale"]; got != "ja-JP" {
		t.Errorf("locale = %v; want ja-JP with include_locale", got)
	}
	wantError(t, c.get("users.info", url.Values{"user": {"UNOSUCHUSER"}}), "user_not_found")
	wantError(t, c.get("users.info", nil), "user_not_found")
	noViolations(t, s)
}

func TestEveryAnswerNamesTheTokensScopes(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	res := mustOK(t, c.get("auth.test", nil))
	if got := strings.Split(res.header.Get("X-OAuth-Scopes"), ","); !slices.Equal(got, DefaultScopes) {
		t.Errorf("X-OAuth-Scopes = %v; want %v", got, DefaultScopes)
	}
	wantError(t, c.get("users.info", url.Values{"user": {"UNOSUCHUSER"}}), "user_not_found")
	c.token = ""
	if res := c.get("auth.test", nil); res.header.Get("X-OAuth-Scopes") != "" {
		t.Error("an answer to a call without a token names scopes")
	}
	noViolations(t, s)
}

func TestWithoutTheEmailScopeNoEmailIsShown(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Employees: 3, Scopes: []string{"chat:write", "users:read"}})
	u := s.Users()[0]
	res := mustOK(t, c.get("users.info", url.Values{"user": {u.ID}}))
	if _, ok := res.doc["user"].(map[string]any)["profile"].(map[string]any)["email"]; ok {
		t.Errorf("users.info shows an email without %s: %s", ScopeUsersReadEmail, res.body)
	}
	if got := res.header.Get("X-OAuth-Scopes"); got != "chat:write,users:read" {
		t.Errorf("X-OAuth-Scopes = %q", got)
	}
	for _, m := range mustOK(t, c.get("users.list", nil)).doc["members"].([]any) {
		if _, ok := m.(map[string]any)["profile"].(map[string]any)["email"]; ok {
			t.Errorf("users.list shows an email without %s", ScopeUsersReadEmail)
		}
	}
	wantError(t, c.get("users.lookupByEmail", url.Values{"email": {u.Email}}), "missing_scope")
	noViolations(t, s)
}
