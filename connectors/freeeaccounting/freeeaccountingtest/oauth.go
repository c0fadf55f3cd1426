package freeeaccountingtest

import (
	"net/http"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// OAuthOp is the operation name the sandbox gives its token endpoint in Requests, OnRequest
// and Fail.
const OAuthOp = "oauth_token"

// Token is a grant the sandbox issued, as freee's token endpoint returns it.
type Token = freeetest.Token

// newTokens is freee's token endpoint (shared with freee 人事労務) for opts.
func newTokens(opts Options) *sandboxkit.TokenEndpoint[Token] {
	return freeetest.NewTokenEndpoint(freeetest.TokenOptions{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
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

func oauthReply(status int, v any) reply {
	rep := jsonReply(status, v)
	rep.unchecked = true // the token endpoint is not part of accounting.json
	return rep
}

// token serves POST /public_api/token with grant_type=refresh_token: a new access token and
// a NEW refresh token; the one used is spent.
func (s *Server) token(r *http.Request) reply {
	return oauthReply(s.tokens.Serve(r))
}
