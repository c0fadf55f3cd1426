package freee

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/oauth"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

// DefaultTokenURL is freee's OAuth2 token endpoint.
const DefaultTokenURL = "https://accounts.secure.freee.co.jp/public_api/token"

// ErrReconnect is matched by the error a TokenSource returns when freee refuses the refresh
// token: only a person can fix it, by authorising the app again. It is fault.ErrReconnect,
// and the error carries a *fault.ReconnectError naming the connection, so operations alerts
// find it whatever the connector.
var ErrReconnect = fault.ErrReconnect

// tokenEndpoint is freee's token endpoint as package oauth needs it. freee's refresh tokens
// are single-use, so a refresh whose answer was lost is never sent again: its token may be
// spent. freee 会計 shares it (same endpoint, same rules).
var tokenEndpoint = oauth.Vendor{
	Name:     Vendor,
	Title:    "freee",
	TokenURL: DefaultTokenURL,
	Auth:     oauth.AuthInBody,
	Lifetime: 6 * time.Hour,
}

// Credentials are the parts of a connection's secret: the app's client id and secret, and
// the refresh token from the authorisation (used once, on first use; after that the token
// store holds the current one).
type Credentials = oauth.Credentials

// ParseCredentials reads a connection secret, a JSON object
// {"client_id", "client_secret", "refresh_token"}. Its errors never contain the value.
func ParseCredentials(s secrets.Secret) (Credentials, error) {
	var raw struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		RefreshToken string `json:"refresh_token"`
	}
	if json.Unmarshal([]byte(s.Reveal()), &raw) != nil {
		return Credentials{}, errors.New("the secret is not a JSON object with client_id, client_secret and refresh_token")
	}
	var missing []string
	for name, v := range map[string]string{"client_id": raw.ClientID, "client_secret": raw.ClientSecret, "refresh_token": raw.RefreshToken} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return Credentials{}, fmt.Errorf("the secret has no %s", strings.Join(missing, ", "))
	}
	return Credentials{ClientID: secrets.New(raw.ClientID), ClientSecret: secrets.New(raw.ClientSecret), RefreshToken: secrets.New(raw.RefreshToken)}, nil
}

// TokenSourceConfig is what a TokenSource is built from.
type TokenSourceConfig struct {
	// Vendor names the connector in errors ("" for Vendor): freee 会計 connections use this
	// token source too, with the same token endpoint and the same rotation rules.
	Vendor string
	// Connection is the hub.yaml connection name: the key in Store and in messages.
	Connection string
	// SecretName names the secret holding Credentials, for the reconnect message.
	SecretName  string
	Credentials Credentials
	// TokenURL is the token endpoint ("" for DefaultTokenURL).
	TokenURL string
	Store    store.Tokens
	// HTTP sends the token requests (nil: a client under TokenPolicy).
	HTTP   *httpx.Client
	Logger *slog.Logger
	// RefreshAhead is how long before expiry a token is refreshed (default 5 minutes).
	RefreshAhead time.Duration
}

// TokenSource hands out freee access tokens for one connection: an oauth.TokenSource on
// freee's token endpoint, which rotates freee's single-use refresh tokens safely.
type TokenSource = oauth.TokenSource

// TokenPolicy is the policy for the token endpoint: no proactive limit, and no retry of a
// refresh whose answer was lost (a POST is retried only when throttled), because its
// refresh token may already be spent.
func TokenPolicy() httpx.Policy { return oauth.Policy(Vendor) }

// NewTokenSource returns a token source for cfg.Connection.
func NewTokenSource(cfg TokenSourceConfig) (*TokenSource, error) {
	return oauth.New(cfg.oauth())
}

// oauth is cfg as package oauth takes it.
func (cfg TokenSourceConfig) oauth() oauth.Config {
	v := tokenEndpoint
	if cfg.Vendor != "" {
		v.Name = cfg.Vendor
	}
	return oauth.Config{
		Vendor:       v,
		Connection:   cfg.Connection,
		SecretName:   cfg.SecretName,
		Credentials:  cfg.Credentials,
		TokenURL:     cfg.TokenURL,
		Store:        cfg.Store,
		HTTP:         cfg.HTTP,
		Logger:       cfg.Logger,
		RefreshAhead: cfg.RefreshAhead,
	}
}
