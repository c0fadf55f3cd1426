// Package oauth hands out OAuth2 access tokens for vendors that rotate the refresh token on
// every use (freee, Xero), keeping the current pair in store.Tokens.
//
// A refresh token that rotates can strand a connection: spent twice, or spent and its
// successor lost, and only a person can authorise the app again. So a TokenSource
// refreshes one at a time (in this process by a lock, across processes by the store's
// compare-and-swap on the token's version), stores each new pair before its access token
// is used, takes the pair another process stored rather than refreshing again, and never
// sends a refresh token the vendor refused. A refusal (invalid_grant) becomes a permanent
// "reconnect <connection>" error carrying a *fault.ReconnectError.
//
// What differs between vendors is data, a Vendor: how the app authenticates at the token
// endpoint, how long an access token lives, and whether a refresh whose answer was lost may
// be sent again. A connector declares its Vendor once, builds a TokenSource per connection
// with New, and sends each API request through Send, which renews a 401 once.
package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

// AuthStyle is how the app authenticates at the token endpoint.
type AuthStyle int

const (
	// AuthInBody sends client_id and client_secret in the form body (freee).
	AuthInBody AuthStyle = iota
	// AuthBasic sends them as HTTP Basic credentials (Xero).
	AuthBasic
)

// Vendor is what differs between vendors' token endpoints; each connector declares one.
type Vendor struct {
	// Name prefixes errors ("xero"); the connector's Vendor constant.
	Name string
	// Title names the vendor to the operator in messages ("Xero").
	Title string
	// TokenURL is the token endpoint, unless a Config gives another.
	TokenURL string
	// Auth is how the app authenticates at TokenURL.
	Auth AuthStyle
	// Lifetime is an access token's life when the answer gives no expires_in (0: 30
	// minutes).
	Lifetime time.Duration
	// ResendLostRefresh is how long after its first use the vendor still takes a refresh
	// token, so that a refresh whose answer was lost may be sent again; 0 for single-use
	// refresh tokens, which are never resent.
	ResendLostRefresh time.Duration
	// RefusalReasons says, in the reconnect message, why the vendor may have refused a
	// refresh token ("" for none).
	RefusalReasons string
}

// Credentials are the OAuth parts of a connection's secret: the app's client id and secret,
// and the refresh token from the authorisation (used on first use; after that the token
// store holds the current one).
type Credentials struct {
	ClientID     secrets.Secret
	ClientSecret secrets.Secret
	RefreshToken secrets.Secret
}

// Waits are the pauses of a TokenSource; nil fields take the defaults, empty ones mean no
// pause and no second look. Tests shorten them.
type Waits struct {
	// Settle are the pauses between looks in the store for another process's rotation after
	// the vendor refused a refresh token the store still holds: its new pair may be on its
	// way to the store.
	Settle []time.Duration
	// Resend are the pauses before each resend of a refresh whose answer was lost (only
	// when the Vendor allows resending).
	Resend []time.Duration
}

// Config is what a TokenSource is built from: the vendor and one connection.
type Config struct {
	// Vendor is the connector's token endpoint and its rules.
	Vendor Vendor
	// Connection is the hub.yaml connection name: the key in Store and in messages.
	Connection string
	// SecretName names the secret holding Credentials, for the reconnect message ("" for
	// Connection).
	SecretName  string
	Credentials Credentials
	// TokenURL overrides Vendor.TokenURL (a sandbox, a test).
	TokenURL string
	Store    store.Tokens
	// HTTP sends the token requests (nil: a client under Policy).
	HTTP   *httpx.Client
	Logger *slog.Logger
	// RefreshAhead is how long before expiry a token is refreshed (default 5 minutes).
	RefreshAhead time.Duration
	Waits        Waits
}

// Policy is the httpx policy for a token endpoint: no proactive limit, and a POST retried
// by httpx only when throttled, because a refresh whose answer was lost may have spent its
// refresh token; the TokenSource decides whether to resend.
func Policy(vendor string) httpx.Policy {
	return httpx.Policy{Name: vendor + " oauth", RetryMax: 2, RetryWaitMin: 200 * time.Millisecond, RetryWaitMax: 2 * time.Second}
}

// TokenSource hands out the access tokens of one connection (see the package doc).
type TokenSource struct {
	cfg  Config
	http *httpx.Client
	log  *slog.Logger
	now  func() time.Time

	// lock admits one refresh at a time; it is a channel so that waiting honours ctx.
	lock chan struct{}
	// cur is the last token known to be current; guarded by lock.
	cur store.Token
	// spent is the store version whose refresh token the vendor refused and nobody
	// replaced (valid when refused is set): it is never sent again. spentStatus is the
	// status of that refusal.
	spent       int64
	spentStatus int
	refused     bool
	// triedSecret is set once the secret's refresh token was tried after a refusal.
	triedSecret bool
}

// New returns a token source for cfg.Connection.
func New(cfg Config) (*TokenSource, error) {
	if cfg.Connection == "" || cfg.Store == nil {
		return nil, fmt.Errorf("%s: a token source needs a connection name and a token store", cfg.Vendor.Name)
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = cfg.Vendor.TokenURL
	}
	if cfg.TokenURL == "" {
		return nil, fmt.Errorf("%s: a token source needs a token URL", cfg.Vendor.Name)
	}
	if cfg.SecretName == "" {
		cfg.SecretName = cfg.Connection
	}
	if cfg.RefreshAhead <= 0 {
		cfg.RefreshAhead = 5 * time.Minute
	}
	if cfg.Vendor.Lifetime <= 0 {
		cfg.Vendor.Lifetime = 30 * time.Minute
	}
	if cfg.Waits.Settle == nil {
		cfg.Waits.Settle = []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, time.Second}
	}
	if cfg.Waits.Resend == nil {
		cfg.Waits.Resend = []time.Duration{250 * time.Millisecond, time.Second, 3 * time.Second}
	}
	ts := &TokenSource{cfg: cfg, http: cfg.HTTP, log: cfg.Logger, now: time.Now, lock: make(chan struct{}, 1)}
	if ts.http == nil {
		ts.http = httpx.New(Policy(cfg.Vendor.Name), httpx.WithLogger(cfg.Logger))
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

// Renew returns an access token other than rejected, which the vendor refused (401):
// another caller may already have replaced it; otherwise it refreshes. A client calls it
// once and retries its request once with the answer.
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
		return secrets.Secret{}, ts.reconnect(ts.spentStatus)
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
		return store.Token{}, fmt.Errorf("%s: load token of %s: %w", ts.cfg.Vendor.Name, ts.cfg.Connection, err)
	}
	return t, nil
}

// rotate spends from's refresh token and stores the new pair with compare-and-swap on
// from's version, before anyone uses it.
func (ts *TokenSource) rotate(ctx context.Context, from store.Token, usable func(store.Token) bool) (store.Token, error) {
	fresh, err := ts.spend(ctx, from.Refresh)
	var refused *refusedError
	if errors.As(err, &refused) {
		// Another process may have spent it first: look for its pair in the store.
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
		// Someone stored a newer pair meanwhile: use theirs, so that every process holds
		// the same chain.
		other, lerr := ts.load(ctx)
		if lerr != nil {
			return store.Token{}, lerr
		}
		if usable(other) {
			return other, nil
		}
		return store.Token{}, fmt.Errorf("%s: token of %s changed while refreshing and the stored one is not usable", ts.cfg.Vendor.Name, ts.cfg.Connection)
	}
	if err != nil {
		// The refresh token just spent may be gone with its successor: say what that means.
		consequence := "the next refresh will need a reconnect if this persists"
		if grace := ts.cfg.Vendor.ResendLostRefresh; grace > 0 {
			consequence = fmt.Sprintf("the stored refresh token stays usable for %s", grace)
		}
		return store.Token{}, fmt.Errorf("%s: store rotated token of %s (%s): %w", ts.cfg.Vendor.Name, ts.cfg.Connection, consequence, err)
	}
	// The logger names the connection already (the runtime scopes it).
	ts.log.LogAttrs(ctx, slog.LevelInfo, "oauth token rotated",
		slog.Int64("version", saved.Version), slog.Time("expiry", saved.Expiry))
	return saved, nil
}

// spend refreshes with refresh, sending it again when the answer was lost if the vendor
// takes a used refresh token for a while: resending then cannot strand the connection.
func (ts *TokenSource) spend(ctx context.Context, refresh secrets.Secret) (store.Token, error) {
	grace := ts.cfg.Vendor.ResendLostRefresh
	first := ts.now()
	for i := 0; ; i++ {
		t, err := ts.refresh(ctx, refresh)
		if err == nil || grace <= 0 || !lost(err) || i == len(ts.cfg.Waits.Resend) || ts.now().Sub(first) >= grace {
			return t, err
		}
		ts.log.LogAttrs(ctx, slog.LevelWarn, "oauth refresh answer lost; resending within the vendor's grace period",
			slog.Int("attempt", i+1), slog.String("err", err.Error()))
		if !sleep(ctx, ts.cfg.Waits.Resend[i]) {
			return store.Token{}, ctx.Err()
		}
	}
}

// lost reports whether a refresh failed without a verdict from the vendor: no answer, a
// 5xx, or a body that was not the token.
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
		return store.Token{}, ts.giveUp(from.Version, refused.status)
	}
	ts.triedSecret = true
	fresh, err := ts.spend(ctx, secret)
	if errors.As(err, &refused) {
		return store.Token{}, ts.giveUp(from.Version, refused.status)
	}
	return fresh, err
}

// giveUp remembers that version's refresh token was refused, so that it is never sent
// again, and returns the reconnect error.
func (ts *TokenSource) giveUp(version int64, status int) error {
	ts.spent, ts.spentStatus, ts.refused = version, status, true
	return ts.reconnect(status)
}

// awaitRotation looks in the store for a version other than version, a few times over a
// short while.
func (ts *TokenSource) awaitRotation(ctx context.Context, version int64) (store.Token, bool) {
	for i := 0; ; i++ {
		t, err := ts.load(ctx)
		if err == nil && t.Version != version {
			return t, true
		}
		if i == len(ts.cfg.Waits.Settle) || !sleep(ctx, ts.cfg.Waits.Settle[i]) {
			return store.Token{}, false
		}
	}
}

func (ts *TokenSource) reconnect(status int) error {
	reasons := ""
	if r := ts.cfg.Vendor.RefusalReasons; r != "" {
		reasons = ": " + r
	}
	return &fault.PermanentError{
		Status: status,
		Message: fmt.Sprintf("reconnect %s: %s refused the refresh token (invalid_grant%s); authorise the app again and store the new refresh token in secret %s",
			ts.cfg.Connection, ts.cfg.Vendor.Title, reasons, ts.cfg.SecretName),
		Err: &fault.ReconnectError{Connection: ts.cfg.Connection},
	}
}

// sleep waits d, or less if ctx ends first (then it returns false).
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// same compares two secrets in constant time.
func same(a, b secrets.Secret) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a.Reveal()), []byte(b.Reveal())) == 1
}
