package freeeaccountingtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// refreshTokenTTL is freee's refresh-token lifetime: 90 days from issue.
const refreshTokenTTL = 90 * 24 * time.Hour

// OAuthOp is the operation name the sandbox gives its token endpoint in Requests, OnRequest
// and Fail.
const OAuthOp = "oauth_token"

// Token is a grant the sandbox issued, as its token endpoint returns it.
type Token struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	CreatedAt    int64  `json:"created_at"`
	CompanyID    int    `json:"company_id"`
}

// tokens holds every access and refresh token issued, with its expiry. A refresh token is
// deleted when used: freee's refresh tokens are single-use.
type tokens struct {
	access  map[string]time.Time
	refresh map[string]time.Time
}

func newTokens() tokens {
	return tokens{access: map[string]time.Time{}, refresh: map[string]time.Time{}}
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// issue makes a new access and refresh token pair. Callers hold s.mu.
func (s *Server) issue(now time.Time) Token {
	t := Token{
		AccessToken:  randomToken(),
		TokenType:    "bearer",
		ExpiresIn:    int(s.opts.AccessTokenTTL / time.Second),
		RefreshToken: randomToken(),
		Scope:        "read write",
		CreatedAt:    now.Unix(),
		CompanyID:    s.opts.CompanyID,
	}
	s.tokens.access[t.AccessToken] = now.Add(s.opts.AccessTokenTTL)
	s.tokens.refresh[t.RefreshToken] = now.Add(refreshTokenTTL)
	return t
}

// IssueToken grants a fresh access and refresh token without the OAuth dance, for tests that
// need an authorised client straight away.
func (s *Server) IssueToken() Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issue(s.opts.Now())
}

// ExpireAccessTokens makes every access token issued so far expired, as if six hours had
// passed: the next API call with one of them gets 401 expired_access_token.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok := range s.tokens.access {
		s.tokens.access[tok] = time.Time{}
	}
}

// authenticate checks the Authorization header; it returns a 401 reply when the request may
// not proceed.
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return unauthorized("invalid_access_token"), false
	}
	s.mu.Lock()
	exp, known := s.tokens.access[tok]
	s.mu.Unlock()
	switch {
	case !known:
		return unauthorized("invalid_access_token"), false
	case !s.opts.Now().Before(exp):
		return unauthorized("expired_access_token"), false
	}
	return reply{}, true
}

// oauthError is RFC 6749's error body, which freee's token endpoint uses.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func oauthReply(status int, v any) reply {
	rep := jsonReply(status, v)
	rep.unchecked = true // the token endpoint is not part of accounting.json
	return rep
}

// token serves POST /public_api/token with grant_type=refresh_token: a new access token and
// a NEW refresh token; the one used is spent.
func (s *Server) token(r *http.Request) reply {
	if err := r.ParseForm(); err != nil {
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_request", "the body must be form-encoded"})
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok {
		id, secret = bid, bsecret
	}
	grant := r.PostForm.Get("grant_type")
	if grant == "" {
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_request", "grant_type is required"})
	}
	if subtle.ConstantTimeCompare([]byte(id), []byte(s.opts.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		return oauthReply(http.StatusUnauthorized, oauthError{"invalid_client", "client authentication failed"})
	}
	if grant != "refresh_token" {
		return oauthReply(http.StatusBadRequest, oauthError{"unsupported_grant_type", "the sandbox supports grant_type=refresh_token only"})
	}
	refresh := r.PostForm.Get("refresh_token")
	if refresh == "" {
		return oauthReply(http.StatusBadRequest, oauthError{"invalid_request", "refresh_token is required"})
	}
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens.refresh[refresh]
	if !ok || !now.Before(exp) {
		return oauthReply(http.StatusUnauthorized, oauthError{"invalid_grant", "the refresh token is invalid, expired, or was already used"})
	}
	delete(s.tokens.refresh, refresh)
	return oauthReply(http.StatusOK, s.issue(now))
}
