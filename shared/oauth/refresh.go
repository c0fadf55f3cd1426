package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

// refusedError is the vendor's invalid_grant: the refresh token is spent, expired or revoked.
type refusedError struct{ status int }

func (e *refusedError) Error() string { return "invalid_grant" }

// tokenAnswer is the token endpoint's answer (RFC 6749 sections 5.1 and 5.2).
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
}

// refresh spends refresh at the token endpoint once and returns the new pair (Version not
// set).
func (ts *TokenSource) refresh(ctx context.Context, refresh secrets.Secret) (store.Token, error) {
	v, creds := ts.cfg.Vendor, ts.cfg.Credentials
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh.Reveal()}}
	if v.Auth == AuthInBody {
		form.Set("client_id", creds.ClientID.Reveal())
		form.Set("client_secret", creds.ClientSecret.Reveal())
	}
	req, err := http.NewRequest(http.MethodPost, ts.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return store.Token{}, fmt.Errorf("%s: token URL: %w", v.Name, err)
	}
	if v.Auth == AuthBasic {
		req.SetBasicAuth(creds.ClientID.Reveal(), creds.ClientSecret.Reveal())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	start := ts.now()
	resp, err := ts.http.Do(ctx, req)
	var ans tokenAnswer
	if resp != nil {
		// The tokens of a success, or the vendor's error code of a failure; a body that is
		// not JSON leaves ans empty, which is reported below.
		_ = json.NewDecoder(resp.Body).Decode(&ans)
	}
	var pe *fault.PermanentError
	switch {
	case errors.As(err, &pe) && ans.Error == "invalid_grant":
		return store.Token{}, &refusedError{status: pe.Status}
	case errors.As(err, &pe) && ans.Error == "invalid_client":
		return store.Token{}, &fault.PermanentError{Status: pe.Status, Err: pe,
			Message: fmt.Sprintf("%s: %s refused the app's credentials (invalid_client); check client_id and client_secret in secret %s", ts.cfg.Connection, v.Title, ts.cfg.SecretName)}
	case err != nil:
		return store.Token{}, fmt.Errorf("%s: refresh token of %s: %w", v.Name, ts.cfg.Connection, err)
	case ans.AccessToken == "":
		return store.Token{}, fmt.Errorf("%s: refresh token of %s: the answer holds no access token", v.Name, ts.cfg.Connection)
	}
	next := secrets.New(ans.RefreshToken)
	if ans.RefreshToken == "" {
		// RFC 6749 6: the server may keep the refresh token as it was.
		next = refresh
	}
	life := time.Duration(ans.ExpiresIn) * time.Second
	if life <= 0 {
		life = v.Lifetime
	}
	return store.Token{Access: secrets.New(ans.AccessToken), Refresh: next, Expiry: start.Add(life)}, nil
}
