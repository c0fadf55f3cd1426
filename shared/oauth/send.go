package oauth

import (
	"context"
	"errors"
	"net/http"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

// Authorizer gives each request its access token; *TokenSource is the real one, tests give
// a fixed token.
type Authorizer interface {
	// AccessToken returns a token that is valid now, refreshing it if need be.
	AccessToken(ctx context.Context) (secrets.Secret, error)
	// Renew is called when the vendor refused rejected (401): it returns a different
	// token, refreshing unless someone already has.
	Renew(ctx context.Context, rejected secrets.Secret) (secrets.Secret, error)
}

var _ Authorizer = (*TokenSource)(nil)

// Send calls send with auth's access token and, when the vendor answers 401, once more with
// a renewed one: an access token can die before its expiry (revoked, or rotated by another
// process), and one renewal tells that apart from a request the vendor will never allow.
func Send(ctx context.Context, auth Authorizer, send func(token secrets.Secret) (*httpx.Response, error)) (*httpx.Response, error) {
	token, err := auth.AccessToken(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := send(token)
	var pe *fault.PermanentError
	if errors.As(err, &pe) && pe.Status == http.StatusUnauthorized {
		if token, err = auth.Renew(ctx, token); err != nil {
			return nil, err
		}
		resp, err = send(token)
	}
	return resp, err
}
