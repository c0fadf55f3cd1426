package sandboxkit

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"
)

// TokenConfig is what a vendor's OAuth token endpoint is like. Grant is the vendor's own
// token body; the rest is the mechanics the sandboxes share.
type TokenConfig[T any] struct {
	// ClientID and ClientSecret are the client credentials the endpoint accepts, in the
	// form body or as HTTP Basic authentication (which wins, as RFC 6749 §2.3.1 prefers it).
	ClientID, ClientSecret string
	// AccessTTL and RefreshTTL are how long an access token and an unused refresh token live.
	AccessTTL, RefreshTTL time.Duration
	// Grace is how long a refresh token is still accepted after its first use, in case the
	// answer to that use was lost. Zero makes refresh tokens single-use: a used one is
	// forgotten at once.
	Grace time.Duration
	// RejectStatus is the status of invalid_client and invalid_grant: RFC 6749 §5.2 allows
	// 400 or 401 for the first, and vendors differ on the second. Zero means 400.
	RejectStatus int
	// Describe adds an error_description to the error bodies.
	Describe bool
	// Now is the clock for expiries; nil means time.Now.
	Now func() time.Time
	// Grant builds the vendor's token body for a new pair issued at now.
	Grant func(access, refresh string, now time.Time) T
}

// RefreshToken is one refresh token's state: when it expires unused, and when it was first
// used (zero while unused).
type RefreshToken struct {
	Expires time.Time `json:"expires"`
	UsedAt  time.Time `json:"used_at,omitzero"`
}

// TokenState is what an endpoint remembers, for a sandbox's SaveState and LoadState.
type TokenState struct {
	Access  map[string]time.Time
	Refresh map[string]RefreshToken
}

// OAuthError is RFC 6749 §5.2's error body.
type OAuthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// TokenEndpoint is an OAuth token endpoint that takes grant_type=refresh_token and answers
// with a new access token and a NEW refresh token (rotation), and the store of the access
// tokens it issued, for the sandbox's bearer check. It is safe for concurrent use.
type TokenEndpoint[T any] struct {
	cfg TokenConfig[T]

	mu      sync.Mutex
	access  map[string]time.Time
	refresh map[string]RefreshToken
	// refreshes counts the refreshes granted, graceUses those of them that spent an
	// already-used refresh token within its grace.
	refreshes, graceUses int
}

// NewTokenEndpoint returns an endpoint that has issued nothing yet.
func NewTokenEndpoint[T any](cfg TokenConfig[T]) *TokenEndpoint[T] {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RejectStatus == 0 {
		cfg.RejectStatus = http.StatusBadRequest
	}
	return &TokenEndpoint[T]{cfg: cfg, access: map[string]time.Time{}, refresh: map[string]RefreshToken{}}
}

// AllowRefresh makes token a refresh token the endpoint accepts, as if issued now: the one
// a sandbox's options hand to the client under test.
func (e *TokenEndpoint[T]) AllowRefresh(token string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refresh[token] = RefreshToken{Expires: e.cfg.Now().Add(e.cfg.RefreshTTL)}
}

// IssueToken grants a fresh access and refresh token without the OAuth dance, for tests
// that need an authorised client straight away.
func (e *TokenEndpoint[T]) IssueToken() T {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.issue(e.cfg.Now())
}

// ExpireAccessTokens makes every access token issued so far expired.
func (e *TokenEndpoint[T]) ExpireAccessTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for tok := range e.access {
		e.access[tok] = time.Time{}
	}
}

// Access reports when the access token tok expires, and whether it was issued at all.
func (e *TokenEndpoint[T]) Access(tok string) (expires time.Time, known bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	expires, known = e.access[tok]
	return expires, known
}

// Refreshes reports how many refreshes the endpoint granted, and how many of them reused a
// refresh token within its grace.
func (e *TokenEndpoint[T]) Refreshes() (granted, withinGrace int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.refreshes, e.graceUses
}

// SaveState is a copy of the tokens the endpoint knows.
func (e *TokenEndpoint[T]) SaveState() TokenState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return TokenState{Access: maps.Clone(e.access), Refresh: maps.Clone(e.refresh)}
}

// LoadState adds the tokens of st to those the endpoint knows.
func (e *TokenEndpoint[T]) LoadState(st TokenState) {
	e.mu.Lock()
	defer e.mu.Unlock()
	maps.Copy(e.access, st.Access)
	maps.Copy(e.refresh, st.Refresh)
}

// Serve answers a token request: the status and the body to send as JSON, a T or an
// OAuthError.
func (e *TokenEndpoint[T]) Serve(r *http.Request) (int, any) {
	if err := r.ParseForm(); err != nil {
		return e.reject(http.StatusBadRequest, "invalid_request", "the body must be form-encoded")
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok {
		id, secret = bid, bsecret
	}
	grant := r.PostForm.Get("grant_type")
	if grant == "" {
		return e.reject(http.StatusBadRequest, "invalid_request", "grant_type is required")
	}
	if subtle.ConstantTimeCompare([]byte(id), []byte(e.cfg.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(e.cfg.ClientSecret)) != 1 {
		return e.reject(e.cfg.RejectStatus, "invalid_client", "client authentication failed")
	}
	if grant != "refresh_token" {
		return e.reject(http.StatusBadRequest, "unsupported_grant_type", "the sandbox supports grant_type=refresh_token only")
	}
	refresh := r.PostForm.Get("refresh_token")
	if refresh == "" {
		return e.reject(http.StatusBadRequest, "invalid_request", "refresh_token is required")
	}
	now := e.cfg.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	st, ok := e.refresh[refresh]
	switch {
	case !ok, !now.Before(st.Expires):
		return e.reject(e.cfg.RejectStatus, "invalid_grant", "the refresh token is invalid, expired, or was already used")
	case e.cfg.Grace == 0:
		delete(e.refresh, refresh)
	case st.UsedAt.IsZero():
		st.UsedAt = now
		e.refresh[refresh] = st
	case now.Before(st.UsedAt.Add(e.cfg.Grace)):
		e.graceUses++
	default:
		return e.reject(e.cfg.RejectStatus, "invalid_grant", "the refresh token is invalid, expired, or was already used")
	}
	e.refreshes++
	return http.StatusOK, e.issue(now)
}

func (e *TokenEndpoint[T]) reject(status int, code, description string) (int, any) {
	body := OAuthError{Error: code}
	if e.cfg.Describe {
		body.Description = description
	}
	return status, body
}

// issue makes a new access and refresh token pair. Callers hold e.mu.
func (e *TokenEndpoint[T]) issue(now time.Time) T {
	access, refresh := randomToken(), randomToken()
	e.access[access] = now.Add(e.cfg.AccessTTL)
	e.refresh[refresh] = RefreshToken{Expires: now.Add(e.cfg.RefreshTTL)}
	return e.cfg.Grant(access, refresh, now)
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// RefreshExpiries is the expiry of each refresh token of m, for a sandbox whose saved
// state keeps only that (its refresh tokens are single-use, so none is ever used and kept).
func RefreshExpiries(m map[string]RefreshToken) map[string]time.Time {
	out := make(map[string]time.Time, len(m))
	for tok, st := range m {
		out[tok] = st.Expires
	}
	return out
}

// UnusedRefresh is the refresh tokens of m, unused, expiring when m says: the inverse of
// RefreshExpiries.
func UnusedRefresh(m map[string]time.Time) map[string]RefreshToken {
	out := make(map[string]RefreshToken, len(m))
	for tok, exp := range m {
		out[tok] = RefreshToken{Expires: exp}
	}
	return out
}

// BearerState is what a request's bearer token is to the endpoint that issued tokens.
type BearerState int

// The bearer states.
const (
	// BearerValid: issued here and not expired.
	BearerValid BearerState = iota
	// BearerMissing: no "Authorization: Bearer <token>" header.
	BearerMissing
	// BearerUnknown: a token this endpoint never issued.
	BearerUnknown
	// BearerExpired: issued here, expired.
	BearerExpired
)

// Bearer reads the request's "Authorization: Bearer" token and says whether the endpoint
// issued it and it is still valid at now; expires is when it ends (zero when unknown). Each
// sandbox turns the state into its vendor's 401.
func (e *TokenEndpoint[T]) Bearer(r *http.Request, now time.Time) (state BearerState, expires time.Time) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return BearerMissing, time.Time{}
	}
	exp, known := e.Access(tok)
	switch {
	case !known:
		return BearerUnknown, time.Time{}
	case !now.Before(exp):
		return BearerExpired, exp
	}
	return BearerValid, exp
}
