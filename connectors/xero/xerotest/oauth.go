package xerotest

import (
	"net/http"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
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

const scopes = "offline_access accounting.transactions accounting.settings payroll.employees payroll.timesheets payroll.settings"

// newTokens is Xero's token endpoint for opts: a used refresh token is still accepted for
// opts.RefreshGrace, and a refused client or grant is a 400 without a description. It
// accepts opts.RefreshToken.
func newTokens(opts Options) *sandboxkit.TokenEndpoint[Token] {
	e := sandboxkit.NewTokenEndpoint(sandboxkit.TokenConfig[Token]{
		ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: opts.AccessTokenTTL, RefreshTTL: refreshTokenTTL, Grace: opts.RefreshGrace,
		Now: opts.Now,
		Grant: func(access, refresh string, _ time.Time) Token {
			return Token{
				AccessToken:  access,
				ExpiresIn:    int(opts.AccessTokenTTL / time.Second),
				TokenType:    "Bearer",
				RefreshToken: refresh,
				Scope:        scopes,
			}
		},
	})
	e.AllowRefresh(opts.RefreshToken)
	return e
}

// IssueToken grants a fresh access and refresh token without the OAuth dance, for tests
// that need an authorised client straight away.
func (s *Server) IssueToken() Token { return s.tokens.IssueToken() }

// ExpireAccessTokens makes every access token issued so far expired, as if 30 minutes had
// passed: the next API call with one of them gets 401.
func (s *Server) ExpireAccessTokens() { s.tokens.ExpireAccessTokens() }

// Refreshes reports how many refreshes the token endpoint granted, and how many of them
// reused a refresh token within its grace period.
func (s *Server) Refreshes() (granted, withinGrace int) {
	return s.tokens.Refreshes()
}

// authenticate checks the Authorization header; it returns a 401 reply when the request may
// not proceed.
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	switch state, exp := s.tokens.Bearer(r, s.opts.Now()); state {
	case sandboxkit.BearerValid:
		return reply{}, true
	case sandboxkit.BearerExpired:
		return unauthorized("TokenExpired: token expired at " + exp.UTC().Format("01/02/2006 15:04:05")), false
	}
	return unauthorized("AuthenticationUnsuccessful"), false
}

// oauthError is RFC 6749's error body, which Xero's token endpoint uses.
type oauthError = sandboxkit.OAuthError

func oauthReply(status int, v any) reply {
	rep := jsonReply(status, v)
	rep.unchecked = true // the token endpoint is not in the descriptions
	return rep
}

// token serves POST /connect/token with grant_type=refresh_token: a new access token and a
// NEW refresh token. The one used stays usable for Options.RefreshGrace after its first
// use, then is refused with invalid_grant.
func (s *Server) token(r *http.Request) reply {
	return oauthReply(s.tokens.Serve(r))
}
