package xero

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

// DefaultTokenURL is Xero's OAuth2 token endpoint.
const DefaultTokenURL = "https://identity.xero.com/connect/token"

// Xero's token lifetimes: an access token lives 30 minutes; a refresh token is replaced on
// every use, but the one just used may be used again for 30 minutes in case the answer was
// lost (https://developer.xero.com/faq/oauth2).
const (
	AccessTokenLifetime = 30 * time.Minute
	RefreshGrace        = 30 * time.Minute
)

// ErrReconnect is matched by the error a TokenSource returns when Xero refuses the refresh
// token: only a person can fix it, by authorising the app again. It is fault.ErrReconnect,
// and the error carries a *fault.ReconnectError naming the connection, so operations alerts
// find it whatever the connector.
var ErrReconnect = fault.ErrReconnect

// tokenEndpoint is Xero's token endpoint as package oauth needs it. The app authenticates
// with HTTP Basic, as Xero documents. Xero's grace period lets a refresh whose answer was
// lost (a reset connection, a timeout, a 5xx) be sent again with the same refresh token; a
// process that died after Xero rotated but before the store kept the new pair is saved the
// same way: the next one finds the old token in the store and Xero still takes it.
var tokenEndpoint = oauth.Vendor{
	Name:              Vendor,
	Title:             "Xero",
	TokenURL:          DefaultTokenURL,
	Auth:              oauth.AuthBasic,
	Lifetime:          AccessTokenLifetime,
	ResendLostRefresh: RefreshGrace,
	RefusalReasons:    fmt.Sprintf("used more than %s ago, unused for 60 days, or revoked", RefreshGrace),
}

// Credentials are the OAuth parts of a connection's secret: the app's client id and secret,
// and the refresh token from the authorisation (used on first use; after that the token
// store holds the current one).
type Credentials = oauth.Credentials

// secretFields is the connection secret: a JSON object.
type secretFields struct {
	ClientID     string  `json:"client_id"`
	ClientSecret string  `json:"client_secret"`
	RefreshToken string  `json:"refresh_token"`
	WebhookKey   *string `json:"webhook_key"`
}

// ParseCredentials reads a connection secret, a JSON object {"client_id", "client_secret",
// "refresh_token"} (and, for webhooks, "webhook_key"). Its errors never contain a value.
func ParseCredentials(s secrets.Secret) (Credentials, error) {
	var raw secretFields
	if json.Unmarshal([]byte(s.Reveal()), &raw) != nil {
		return Credentials{}, errors.New("the secret is not a JSON object with client_id, client_secret and refresh_token (and webhook_key, a string)")
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
	// Connection is the hub.yaml connection name: the key in Store and in messages.
	Connection string
	// SecretName names the secret holding Credentials, for the reconnect message.
	SecretName  string
	Credentials Credentials
	// TokenURL is the token endpoint ("" for DefaultTokenURL).
	TokenURL string
	Store    store.Tokens
	// HTTP sends the token requests (nil: a client under oauth.Policy, no proactive limit and
	// a POST retried only when throttled; TokenSource itself resends a refresh whose answer
	// was lost).
	HTTP   *httpx.Client
	Logger *slog.Logger
	// RefreshAhead is how long before expiry a token is refreshed (default 5 minutes).
	RefreshAhead time.Duration
}

// TokenSource hands out Xero access tokens for one connection: an oauth.TokenSource on
// Xero's token endpoint, which rotates the refresh token safely and, within RefreshGrace,
// resends a refresh whose answer was lost.
type TokenSource = oauth.TokenSource

// NewTokenSource returns a token source for cfg.Connection.
func NewTokenSource(cfg TokenSourceConfig) (*TokenSource, error) {
	return oauth.New(cfg.oauth())
}

// oauth is cfg as package oauth takes it.
func (cfg TokenSourceConfig) oauth() oauth.Config {
	return oauth.Config{
		Vendor:       tokenEndpoint,
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
