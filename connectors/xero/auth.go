package xero

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
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

// Credentials are the OAuth parts of a connection's secret: the app's client id and secret,
// and the refresh token from the authorisation (used on first use; after that the token
// store holds the current one).
type Credentials struct {
	ClientID     secrets.Secret
	ClientSecret secrets.Secret
	RefreshToken secrets.Secret
}

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
	return Credentials{secrets.New(raw.ClientID), secrets.New(raw.ClientSecret), secrets.New(raw.RefreshToken)}, nil
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
	// HTTP sends the token requests (nil: a client under TokenPolicy).
	HTTP   *httpx.Client
	Logger *slog.Logger
	// RefreshAhead is how long before expiry a token is refreshed (default 5 minutes).
	RefreshAhead time.Duration
}

// TokenSource hands out Xero access tokens for one connection. Xero rotates the refresh
// token on every use, so, as connectors/freee does, it refreshes one at a time (in this
// process by a lock, across processes by the store's compare-and-swap on the token's
// version), stores each new pair before its access token is used, and never sends a
// refresh token it knows was refused.
//
// Xero's grace period changes one thing: a refresh whose answer was lost (a reset
// connection, a timeout, a 5xx) is sent again with the same refresh token, because Xero
// accepts it for RefreshGrace after its first use. A process that died after Xero rotated
// but before the store kept the new pair is saved the same way: the next one finds the old
// token in the store and Xero still takes it.
type TokenSource struct {
	cfg  TokenSourceConfig
	http *httpx.Client
	log  *slog.Logger
	now  func() time.Time
	// settle is how long to look for another process's rotation after Xero refused a
	// refresh token that the store still holds.
	settle []time.Duration
	// resend is the wait before each resend of a refresh whose answer was lost.
	resend []time.Duration

	// lock admits one refresh at a time; it is a channel so that waiting honours ctx.
	lock chan struct{}
	// cur is the last token known to be current; guarded by lock.
	cur store.Token
	// spent is the store version whose refresh token Xero refused and nobody replaced
	// (valid when refused is set): it is never sent again.
	spent   int64
	refused bool
	// triedSecret is set once the secret's refresh token was tried after a refusal.
	triedSecret bool
}

// TokenPolicy is the policy for the token endpoint: no proactive limit, and a POST retried
// by httpx only when throttled; TokenSource itself resends a refresh whose answer was lost.
func TokenPolicy() httpx.Policy {
	return httpx.Policy{Name: Vendor + " oauth", RetryMax: 2, RetryWaitMin: 200 * time.Millisecond, RetryWaitMax: 2 * time.Second}
}

// NewTokenSource returns a token source for cfg.Connection.
func NewTokenSource(cfg TokenSourceConfig) (*TokenSource, error) {
	if cfg.Connection == "" || cfg.Store == nil {
		return nil, errors.New("xero: a token source needs a connection name and a token store")
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	if cfg.SecretName == "" {
		cfg.SecretName = cfg.Connection
	}
	if cfg.RefreshAhead <= 0 {
		cfg.RefreshAhead = 5 * time.Minute
	}
	ts := &TokenSource{
		cfg:    cfg,
		http:   cfg.HTTP,
		log:    cfg.Logger,
		now:    time.Now,
		settle: []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, time.Second},
		resend: []time.Duration{250 * time.Millisecond, time.Second, 3 * time.Second},
		lock:   make(chan struct{}, 1),
	}
	if ts.http == nil {
		ts.http = httpx.New(TokenPolicy(), httpx.WithLogger(cfg.Logger))
	}
	if ts.log == nil {
		ts.log = slog.New(slog.DiscardHandler)
	}
	return ts, nil
}

// AccessToken returns an access token valid for at least RefreshAhead, refreshing it if
// need be.
func (ts *TokenSource) AccessToken(ctx context.Context) (secrets.Secret, error) {
	return ts.token(ctx, secrets.Secret{})
}

// Renew returns an access token other than rejected, which Xero refused: another caller
// may already have replaced it; otherwise it refreshes.
func (ts *TokenSource) Renew(ctx context.Context, rejected secrets.Secret) (secrets.Secret, error) {
	return ts.token(ctx, rejected)
}

func (ts *TokenSource) token(ctx context.Context, rejected secrets.Secret) (secrets.Secret, error) {
	select {
	case ts.lock <- struct{}{}:
		defer func() { <-ts.lock }()
	case <-ctx.Done():
		return secrets.Secret{}, ctx.Err()
	}
	usable := func(t store.Token) bool {
		return !t.Access.IsZero() && !same(t.Access, rejected) && ts.now().Add(ts.cfg.RefreshAhead).Before(t.Expiry)
	}
	if usable(ts.cur) {
		return ts.cur.Access, nil
	}
	// Another process may have rotated since: read the store before spending a refresh token.
	stored, err := ts.load(ctx)
	if err != nil {
		return secrets.Secret{}, err
	}
	if usable(stored) {
		ts.cur = stored
		return stored.Access, nil
	}
	if ts.refused && stored.Version == ts.spent {
		return secrets.Secret{}, ts.reconnect(http.StatusBadRequest)
	}
	t, err := ts.rotate(ctx, stored, usable)
	if err != nil {
		return secrets.Secret{}, err
	}
	ts.cur = t
	return t.Access, nil
}

// load returns the stored token, or on first use one holding the secret's refresh token.
func (ts *TokenSource) load(ctx context.Context) (store.Token, error) {
	t, err := ts.cfg.Store.GetToken(ctx, ts.cfg.Connection)
	if errors.Is(err, store.ErrNotFound) {
		return store.Token{Refresh: ts.cfg.Credentials.RefreshToken}, nil
	}
	if err != nil {
		return store.Token{}, fmt.Errorf("xero: load token of %s: %w", ts.cfg.Connection, err)
	}
	return t, nil
}

// rotate spends from's refresh token and stores the new pair with compare-and-swap on
// from's version, before anyone uses it.
func (ts *TokenSource) rotate(ctx context.Context, from store.Token, usable func(store.Token) bool) (store.Token, error) {
	fresh, err := ts.refreshWithGrace(ctx, from.Refresh)
	var refused *refusedError
	if errors.As(err, &refused) {
		// Another process may have rotated and the grace period passed: look for its pair.
		if other, ok := ts.awaitRotation(ctx, from.Version); ok {
			if usable(other) {
				return other, nil
			}
			return ts.rotate(ctx, other, usable)
		}
		fresh, err = ts.retryWithSecret(ctx, from, refused)
	}
	if err != nil {
		return store.Token{}, err
	}
	saved, err := ts.cfg.Store.PutToken(ctx, ts.cfg.Connection, fresh, from.Version)
	if errors.Is(err, store.ErrConflict) {
		// Someone stored a newer pair meanwhile (Xero's grace let both of us refresh): use
		// theirs, so that every process holds the same chain.
		other, lerr := ts.load(ctx)
		if lerr != nil {
			return store.Token{}, lerr
		}
		if usable(other) {
			return other, nil
		}
		return store.Token{}, fmt.Errorf("xero: token of %s changed while refreshing and the stored one is not usable", ts.cfg.Connection)
	}
	if err != nil {
		// The old refresh token still works for RefreshGrace, so a store that recovers by
		// then loses nothing; after that the connection needs a person.
		return store.Token{}, fmt.Errorf("xero: store rotated token of %s (the stored refresh token stays usable for %s): %w", ts.cfg.Connection, RefreshGrace, err)
	}
	ts.log.LogAttrs(ctx, slog.LevelInfo, "oauth token rotated",
		slog.Int64("version", saved.Version), slog.Time("expiry", saved.Expiry))
	return saved, nil
}

// refreshWithGrace spends refresh, sending it again when the answer was lost: Xero keeps a
// used refresh token valid for RefreshGrace, so resending cannot strand the connection.
func (ts *TokenSource) refreshWithGrace(ctx context.Context, refresh secrets.Secret) (store.Token, error) {
	first := ts.now()
	for i := 0; ; i++ {
		t, err := ts.refresh(ctx, refresh)
		if err == nil || !lost(err) || i == len(ts.resend) || ts.now().Sub(first) >= RefreshGrace {
			return t, err
		}
		ts.log.LogAttrs(ctx, slog.LevelWarn, "oauth refresh answer lost; resending within Xero's grace period",
			slog.Int("attempt", i+1), slog.String("err", err.Error()))
		timer := time.NewTimer(ts.resend[i])
		select {
		case <-ctx.Done():
			timer.Stop()
			return store.Token{}, ctx.Err()
		case <-timer.C:
		}
	}
}

// lost reports whether a refresh failed without a verdict from Xero: no answer, a 5xx, or a
// body that was not the token.
func lost(err error) bool {
	var refused *refusedError
	if errors.As(err, &refused) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return fault.Classify(err) == fault.KindTransient
}

// retryWithSecret handles a refusal nobody explains: the stored refresh token is dead. If
// the secret holds a different one (someone authorised again), that one is tried, once;
// otherwise the connection needs a person.
func (ts *TokenSource) retryWithSecret(ctx context.Context, from store.Token, refused *refusedError) (store.Token, error) {
	secret := ts.cfg.Credentials.RefreshToken
	if from.Version == 0 || ts.triedSecret || same(secret, from.Refresh) {
		ts.spent, ts.refused = from.Version, true
		return store.Token{}, ts.reconnect(refused.status)
	}
	ts.triedSecret = true
	fresh, err := ts.refreshWithGrace(ctx, secret)
	if errors.As(err, &refused) {
		ts.spent, ts.refused = from.Version, true
		return store.Token{}, ts.reconnect(refused.status)
	}
	return fresh, err
}

// awaitRotation looks in the store for a version other than version, a few times over a
// short while.
func (ts *TokenSource) awaitRotation(ctx context.Context, version int64) (store.Token, bool) {
	for i := 0; ; i++ {
		t, err := ts.load(ctx)
		if err == nil && t.Version != version {
			return t, true
		}
		if i == len(ts.settle) {
			return store.Token{}, false
		}
		timer := time.NewTimer(ts.settle[i])
		select {
		case <-ctx.Done():
			timer.Stop()
			return store.Token{}, false
		case <-timer.C:
		}
	}
}

func (ts *TokenSource) reconnect(status int) error {
	return &fault.PermanentError{
		Status: status,
		Message: fmt.Sprintf("reconnect %s: Xero refused the refresh token (invalid_grant: used more than %s ago, unused for 60 days, or revoked); authorise the app again and store the new refresh token in secret %s",
			ts.cfg.Connection, RefreshGrace, ts.cfg.SecretName),
		Err: &fault.ReconnectError{Connection: ts.cfg.Connection},
	}
}

// refusedError is Xero's invalid_grant: the refresh token is spent, expired or revoked.
type refusedError struct{ status int }

func (e *refusedError) Error() string { return "invalid_grant" }

// tokenAnswer is the token endpoint's answer.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
}

// refresh spends refresh at the token endpoint and returns the new pair (Version not set).
// The app authenticates with HTTP Basic, as Xero documents.
func (ts *TokenSource) refresh(ctx context.Context, refresh secrets.Secret) (store.Token, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh.Reveal()}}
	req, err := http.NewRequest(http.MethodPost, ts.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return store.Token{}, fmt.Errorf("xero: token URL: %w", err)
	}
	req.SetBasicAuth(ts.cfg.Credentials.ClientID.Reveal(), ts.cfg.Credentials.ClientSecret.Reveal())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	start := ts.now()
	resp, err := ts.http.Do(ctx, req)
	var ans tokenAnswer
	if resp != nil {
		// The tokens of a success, or Xero's error code of a failure; a body that is not
		// JSON leaves ans empty, which is reported below.
		_ = json.NewDecoder(resp.Body).Decode(&ans)
	}
	var pe *fault.PermanentError
	switch {
	case errors.As(err, &pe) && ans.Error == "invalid_grant":
		return store.Token{}, &refusedError{status: pe.Status}
	case errors.As(err, &pe) && ans.Error == "invalid_client":
		return store.Token{}, &fault.PermanentError{Status: pe.Status, Err: pe,
			Message: fmt.Sprintf("%s: Xero refused the app's credentials (invalid_client); check client_id and client_secret in secret %s", ts.cfg.Connection, ts.cfg.SecretName)}
	case err != nil:
		return store.Token{}, fmt.Errorf("xero: refresh token of %s: %w", ts.cfg.Connection, err)
	case ans.AccessToken == "":
		return store.Token{}, fmt.Errorf("xero: refresh token of %s: the answer holds no access token", ts.cfg.Connection)
	}
	next := secrets.New(ans.RefreshToken)
	if ans.RefreshToken == "" {
		next = refresh
	}
	life := time.Duration(ans.ExpiresIn) * time.Second
	if life <= 0 {
		life = AccessTokenLifetime
	}
	return store.Token{Access: secrets.New(ans.AccessToken), Refresh: next, Expiry: start.Add(life)}, nil
}

// same compares two secrets in constant time.
func same(a, b secrets.Secret) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a.Reveal()), []byte(b.Reveal())) == 1
}
