package xerotest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// refreshTokenTTL is how long an unused refresh token lives at Xero: 60 days.
const refreshTokenTTL = 60 * 24 * time.Hour

// Token is a grant the sandbox issued, as its token endpoint returns it.
type Token struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// refreshState is one refresh token: when it expires unused, and when it was first used
// (zero while unused). Xero takes a used one again for the grace period after its first
// use, in case its answer was lost.
type refreshState struct {
	Expires time.Time `json:"expires"`
	UsedAt  time.Time `json:"used_at,omitzero"`
}

// tokens holds every access and refresh token issued.
type tokens struct {
	access  map[string]time.Time
	refresh map[string]refreshState
	// refreshes counts the refreshes granted, and graceUses those of them that spent an
	// already-used refresh token within its grace period.
	refreshes, graceUses int
}

func newTokens() tokens {
	return tokens{access: map[string]time.Time{}, refresh: map[string]refreshState{}}
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

const scopes = "offline_access accounting.transactions accounting.settings payroll.employees payroll.timesheets payroll.settings"

// issue makes a new access and refresh token pair. Callers hold s.mu.
func (s *Server) issue(now time.Time) Token {
	t := Token{
		AccessToken:  randomToken(),
		ExpiresIn:    int(s.opts.AccessTokenTTL / time.Second),
		TokenType:    "Bearer",
		RefreshToken: randomToken(),
		Scope:        scopes,
	}
	s.tokens.access[t.AccessToken] = now.Add(s.opts.AccessTokenTTL)
	s.tokens.refresh[t.RefreshToken] = refreshState{Expires: now.Add(refreshTokenTTL)}
	return t
}

// IssueToken grants a fresh access and refresh token without the OAuth dance, for tests
// that need an authorised client straight away.
func (s *Server) IssueToken() Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue(s.opts.Now())
}

// ExpireAccessTokens makes every access token issued so far expired, as if 30 minutes had
// passed: the next API call with one of them gets 401.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.tokens.access {
		s.tokens.access[tok] = time.Time{}
	}
}

// Refreshes reports how many refreshes the token endpoint granted, and how many of them
// reused a refresh token within its grace period.
func (s *Server) Refreshes() (granted, withinGrace int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens.refreshes, s.tokens.graceUses
}

// authenticate checks the Authorization header; it returns a 401 reply when the request may
// not proceed.
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return unauthorized("AuthenticationUnsuccessful"), false
	}
	s.mu.Lock()
	exp, known := s.tokens.access[tok]
	s.mu.Unlock()
	switch {
	case !known:
		return unauthorized("AuthenticationUnsuccessful"), false
	case !s.opts.Now().Before(exp):
		return unauthorized("TokenExpired: token expired at " + exp.UTC().Format("01/02/2006 15:04:05")), false
	}
	return reply{}, true
}

// oauthError is RFC 6749's error body, which Xero's token endpoint uses.
type oauthError struct {
	Error string `json:"error"`
}

func oauthReply(status int, v any) reply {
	rep := jsonReply(status, v)
	rep.unchecked = true // the token endpoint is not in the descriptions
	return rep
}

// token serves POST /connect/token with grant_type=refresh_token: a new access token and a
// NEW refresh token. The one used stays usable for Options.RefreshGrace after its first
// use, then is refused with invalid_grant.
func (s *Server) token(r *http.Request) reply {
	if err := r.ParseForm(); err != nil {
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_request"})
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok {
		id, secret = bid, bsecret
	}
	grant := r.PostForm.Get("grant_type")
	if grant == "" {
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_request"})
	}
	if subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_client"})
	}
	if grant != "refresh_token" {
		return oauthReply(http.StatusBadRequest, oauthError{"unsupported_grant_type"})
	}
	refresh := r.PostForm.Get("refresh_token")
	if refresh == "" {
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_request"})
	}
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.tokens.refresh[refresh]
	switch {
	case !ok, !now.Before(st.Expires):
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_grant"})
	case st.UsedAt.IsZero():
		st.UsedAt = now
		s.tokens.refresh[refresh] = st
	case now.Before(st.UsedAt.Add(s.opts.RefreshGrace)):
		s.tokens.graceUses++
	default:
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_grant"})
	}
	s.tokens.refreshes++
	return oauthReply(http.StatusOK, s.issue(now))
}
