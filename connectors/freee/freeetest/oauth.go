package freeetest

import (
	"net/http"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// refreshTokenTTL is freee's refresh-token lifetime: 90 days from issue.
const refreshTokenTTL = 90 * 24 * time.Hour

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

// TokenOptions are what freee's token endpoint issues for: its OAuth client, the first
// refresh token it accepts, the access tokens' lifetime, the company, and the clock.
type TokenOptions struct {
	ClientID, ClientSecret, RefreshToken string
	AccessTTL                            time.Duration
	CompanyID                            int
	Now                                  func() time.Time
}

// NewTokenEndpoint is freee's token endpoint (accounts.secure.freee.co.jp/public_api/token):
// refresh tokens are single-use, and a refused client or grant is a 401 with a
// description. freee 人事労務 and freee 会計 share it, so both sandboxes use this one.
func NewTokenEndpoint(o TokenOptions) *sandboxkit.TokenEndpoint[Token] {
	e := sandboxkit.NewTokenEndpoint(sandboxkit.TokenConfig[Token]{
		ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		AccessTTL: o.AccessTTL, RefreshTTL: refreshTokenTTL,
		RejectStatus: http.StatusUnauthorized, Describe: true, Now: o.Now,
		Grant: func(access, refresh string, now time.Time) Token {
			return Token{
				AccessToken:  access,
				TokenType:    "bearer",
				ExpiresIn:    int(o.AccessTTL / time.Second),
				RefreshToken: refresh,
				Scope:        "read write",
				CreatedAt:    now.Unix(),
				CompanyID:    o.CompanyID,
			}
		},
	})
	e.AllowRefresh(o.RefreshToken)
	return e
}

// newTokens is freee's token endpoint for opts.
func newTokens(opts Options) *sandboxkit.TokenEndpoint[Token] {
	return NewTokenEndpoint(TokenOptions{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		RefreshToken: opts.RefreshToken, AccessTTL: opts.AccessTokenTTL, CompanyID: opts.CompanyID, Now: opts.Now})
}

// IssueToken grants a fresh access and refresh token without the OAuth dance, for tests that
// need an authorised client straight away.
func (s *Server) IssueToken() Token { return s.tokens.IssueToken() }

// ExpireAccessTokens makes every access token issued so far expired, as if six hours had
// passed: the next API call with one of them gets 401 expired_access_token.
func (s *Server) ExpireAccessTokens() { s.tokens.ExpireAccessTokens() }

// authenticate checks the Authorization header; it returns a 401 reply when the request may
// not proceed.
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	switch state, _ := s.tokens.Bearer(r, s.opts.Now()); state {
	case sandboxkit.BearerValid:
		return reply{}, true
	case sandboxkit.BearerExpired:
		return unauthorized("expired_access_token"), false
	}
	return unauthorized("invalid_access_token"), false
}

// oauthError is RFC 6749's error body, which freee's token endpoint uses.
type oauthError = sandboxkit.OAuthError

func oauthReply(status int, v any) reply {
	rep := jsonReply(status, v)
	rep.unchecked = true // the token endpoint is not part of hr.json
	return rep
}

// token serves POST /public_api/token with grant_type=refresh_token: a new access token and
// a NEW refresh token; the one used is spent.
func (s *Server) token(r *http.Request) reply {
	return oauthReply(s.tokens.Serve(r))
}

// writeReply sends rep as is.
func writeReply(w http.ResponseWriter, rep reply) {
	h := w.Header()
	for k, vs := range rep.header {
		h[k] = vs
	}
	if rep.contentType != "" {
		h.Set("Content-Type", rep.contentType)
	}
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}
