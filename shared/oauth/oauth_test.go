package oauth

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

func TestFirstUseSpendsTheSecretsRefreshTokenAndStoresThePair(t *testing.T) {
	t.Parallel()
	for _, v := range []Vendor{singleUse, withGrace} {
		name := map[AuthStyle]string{AuthInBody: "with the client in the body", AuthBasic: "with the client in HTTP Basic"}[v.Auth]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, v, "refresh-0")
			st := &hookedTokens{}
			ts := newSource(t, v, srv, st, "refresh-0")
			tok, err := ts.AccessToken(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			stored := st.Stored(conn)
			if tok.Reveal() != "access-1" || stored.Access.Reveal() != "access-1" || stored.Refresh.Reveal() != "refresh-1" || stored.Version != 1 {
				t.Errorf("got %q, stored %q/%q v%d; want the new pair stored as version 1",
					tok.Reveal(), stored.Access.Reveal(), stored.Refresh.Reveal(), stored.Version)
			}
			if life := time.Until(stored.Expiry); life > v.Lifetime || life < v.Lifetime-time.Minute {
				t.Errorf("expiry in %v; want the vendor's %v when the answer gives none", life, v.Lifetime)
			}
			if _, err := ts.AccessToken(t.Context()); err != nil || srv.refreshes() != 1 {
				t.Errorf("second call: %v after %d refreshes; a valid token must be reused", err, srv.refreshes())
			}
		})
	}
}

func TestARotationIsStoredBeforeItsAccessTokenIsUsed(t *testing.T) {
	t.Parallel()
	t.Run("the token handed out is the one in the store", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, singleUse, "refresh-0")
		st := &hookedTokens{}
		var storedFirst bool
		st.beforePut = func() { storedFirst = srv.refreshes() == 1 }
		tok, err := newSource(t, singleUse, srv, st, "refresh-0").AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !storedFirst || st.Stored(conn).Access.Reveal() != tok.Reveal() {
			t.Errorf("got %q, store holds %q; want the pair stored after the refresh and before the token is handed out", tok.Reveal(), st.Stored(conn).Access.Reveal())
		}
	})
	for _, v := range []Vendor{singleUse, withGrace} {
		t.Run("a pair the store refused is never used, and says what that means for "+map[bool]string{false: "a single-use token", true: "a token with a grace period"}[v.ResendLostRefresh > 0], func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, v, "refresh-0")
			st := &hookedTokens{}
			st.failPut = errors.New("disk full")
			tok, err := newSource(t, v, srv, st, "refresh-0").AccessToken(t.Context())
			want := "will need a reconnect"
			if v.ResendLostRefresh > 0 {
				want = "stays usable for 30m0s"
			}
			if err == nil || !tok.IsZero() || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), want) {
				t.Errorf("got %q, %v; want no token and an error with the store's reason and %q", tok.Reveal(), err, want)
			}
		})
	}
}

func TestTokensAreRefreshedAheadOfExpiry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		expiresIn   time.Duration
		wantRefresh bool
	}{
		{"a token with an hour left is used", time.Hour, false},
		{"a token with four minutes left is refreshed", 4 * time.Minute, true},
		{"an expired token is refreshed", -time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, singleUse, "refresh-stored")
			st := &hookedTokens{}
			st.Set(conn, store.Token{Access: secrets.New("access-stored"), Refresh: secrets.New("refresh-stored"), Expiry: time.Now().Add(tc.expiresIn), Version: 3})
			tok, err := newSource(t, singleUse, srv, st, "refresh-0").AccessToken(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			refreshed := tok.Reveal() != "access-stored"
			if refreshed != tc.wantRefresh || (refreshed && st.Stored(conn).Version != 4) {
				t.Errorf("got %q (store v%d); want refreshed = %v", tok.Reveal(), st.Stored(conn).Version, tc.wantRefresh)
			}
		})
	}
}

func TestConcurrentCallersShareOneRefresh(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, singleUse, "refresh-0")
	ts := newSource(t, singleUse, srv, &hookedTokens{}, "refresh-0")
	var wg sync.WaitGroup
	got := make([]string, 20)
	for i := range got {
		wg.Go(func() {
			tok, err := ts.AccessToken(t.Context())
			if err != nil {
				t.Error(err)
			}
			got[i] = tok.Reveal()
		})
	}
	wg.Wait()
	if srv.refreshes() != 1 {
		t.Errorf("refreshes = %d; want exactly one", srv.refreshes())
	}
	for _, g := range got {
		if g != "access-1" {
			t.Fatalf("a caller got %q; want everyone to share access-1", g)
		}
	}
}

func TestTwoProcessesKeepOneChain(t *testing.T) {
	t.Parallel()

	t.Run("the second process uses the token the first stored", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, singleUse, "refresh-0")
		st := &hookedTokens{}
		a, b := newSource(t, singleUse, srv, st, "refresh-0"), newSource(t, singleUse, srv, st, "refresh-0")
		ta, err := a.AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		tb, err := b.AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if ta.Reveal() != tb.Reveal() || srv.refreshes() != 1 {
			t.Errorf("a = %q, b = %q after %d refreshes; want one refresh, shared", ta.Reveal(), tb.Reveal(), srv.refreshes())
		}
		// Hours on, both hold the expired token; whichever comes first refreshes, and the
		// other finds the new pair in the store.
		later := func() time.Time { return time.Now().Add(7 * time.Hour) }
		a.now, b.now = later, later
		if _, err := a.AccessToken(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tb, err = b.AccessToken(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tb.Reveal() != "access-2" || srv.refreshes() != 2 || len(srv.reused()) > 0 {
			t.Errorf("b = %q after %d refreshes, reused %v; want b to take a's access-2", tb.Reveal(), srv.refreshes(), srv.reused())
		}
	})

	t.Run("a lost compare-and-swap takes the other process's pair", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, singleUse, "refresh-1")
		st := &hookedTokens{}
		st.Set(conn, store.Token{Access: secrets.New("access-1"), Refresh: secrets.New("refresh-1"), Expiry: time.Now().Add(-time.Minute), Version: 1})
		st.beforePut = func() {
			st.Set(conn, store.Token{Access: secrets.New("access-other"), Refresh: secrets.New("refresh-other"), Expiry: time.Now().Add(6 * time.Hour), Version: 2})
		}
		tok, err := newSource(t, singleUse, srv, st, "refresh-0").AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if tok.Reveal() != "access-other" || st.Stored(conn).Version != 2 || srv.refreshes() != 1 {
			t.Errorf("got %q, store v%d, %d refreshes; want the stored pair, one refresh", tok.Reveal(), st.Stored(conn).Version, srv.refreshes())
		}
	})

	t.Run("both refreshing within the grace period keep the pair stored first", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, withGrace, "refresh-0")
		st := &hookedTokens{}
		st.Set(conn, store.Token{Refresh: secrets.New("refresh-0"), Expiry: time.Now().Add(-time.Minute), Version: 1})
		a, b := newSource(t, withGrace, srv, st, "refresh-0"), newSource(t, withGrace, srv, st, "refresh-0")
		st.beforePut = func() {
			// a has its answer; before it stores it, b refreshes and stores first.
			if _, err := b.AccessToken(context.Background()); err != nil {
				t.Errorf("b: %v", err)
			}
		}
		tokA, err := a.AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if stored := st.Stored(conn); stored.Version != 2 || tokA.Reveal() != stored.Access.Reveal() {
			t.Errorf("a uses %q, the store holds %q at version %d; want a to use the stored pair", tokA.Reveal(), stored.Access.Reveal(), stored.Version)
		}
	})

	t.Run("a refresh token the other process spent first is no reconnect", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, singleUse) // refresh-1 is spent already
		st := &hookedTokens{}
		st.Set(conn, store.Token{Access: secrets.New("access-1"), Refresh: secrets.New("refresh-1"), Expiry: time.Now().Add(-time.Minute), Version: 1})
		srv.onRefresh = func() {
			st.Set(conn, store.Token{Access: secrets.New("access-other"), Refresh: secrets.New("refresh-other"), Expiry: time.Now().Add(6 * time.Hour), Version: 2})
		}
		tok, err := newSource(t, singleUse, srv, st, "refresh-0").AccessToken(t.Context())
		if err != nil {
			t.Fatalf("err = %v; the other process's rotation should be found", err)
		}
		if tok.Reveal() != "access-other" || srv.refreshes() != 1 || len(srv.reused()) > 0 {
			t.Errorf("got %q after %d refreshes (reused %v)", tok.Reveal(), srv.refreshes(), srv.reused())
		}
	})
}

func TestInvalidGrant(t *testing.T) {
	t.Parallel()

	t.Run("a refused refresh token asks for a reconnect and is never sent again", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, withGrace) // nothing is valid: the grant was revoked
		st := &hookedTokens{}
		st.Set(conn, store.Token{Access: secrets.New("access-dead"), Refresh: secrets.New("refresh-dead"), Expiry: time.Now().Add(-time.Hour), Version: 5})
		logs := &strings.Builder{}
		ts := newSource(t, withGrace, srv, st, "refresh-dead")
		ts.log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

		_, err := ts.AccessToken(t.Context())
		want := "reconnect acme: Acme refused the refresh token (invalid_grant: used more than 30m0s ago or revoked); authorise the app again and store the new refresh token in secret ACME_SECRET"
		var pe *fault.PermanentError
		if !errors.As(err, &pe) || pe.Message != want || pe.Status != 400 {
			t.Fatalf("err = %v; want Permanent 400 %q", err, want)
		}
		if name, ok := fault.ReconnectConnection(err); !ok || name != conn || !errors.Is(err, fault.ErrReconnect) {
			t.Fatalf("err = %v names %q to reconnect; want %q", err, name, conn)
		}
		for _, secret := range []string{"refresh-dead", "access-dead", "csecret"} {
			if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
				t.Errorf("a token value leaks: %v / %s", err, logs)
			}
		}
		_, err = ts.AccessToken(t.Context())
		if !errors.As(err, &pe) || pe.Status != 400 || !errors.Is(err, fault.ErrReconnect) || srv.refreshes() != 1 {
			t.Errorf("second call: %v after %d refreshes; a refused token must not be sent again", err, srv.refreshes())
		}
	})

	t.Run("a new refresh token in the secret is tried once", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, singleUse, "refresh-reauthorised")
		st := &hookedTokens{}
		st.Set(conn, store.Token{Access: secrets.New("access-dead"), Refresh: secrets.New("refresh-dead"), Expiry: time.Now().Add(-time.Hour), Version: 5})
		tok, err := newSource(t, singleUse, srv, st, "refresh-reauthorised").AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if tok.Reveal() != "access-1" || st.Stored(conn).Version != 6 || st.Stored(conn).Refresh.Reveal() != "refresh-1" || srv.sent("refresh-reauthorised") != 1 {
			t.Errorf("got %q, store %+v", tok.Reveal(), st.Stored(conn))
		}
	})

	t.Run("wrong app credentials are permanent, no reconnect, and say which secret to check", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, withGrace, "refresh-0")
		ts := newSource(t, withGrace, srv, &hookedTokens{}, "refresh-0")
		ts.cfg.Credentials.ClientSecret = secrets.New("wrong-secret")
		_, err := ts.AccessToken(t.Context())
		var pe *fault.PermanentError
		if !errors.As(err, &pe) || !strings.Contains(pe.Message, "Acme refused the app's credentials (invalid_client)") || !strings.Contains(pe.Message, "ACME_SECRET") ||
			errors.Is(err, fault.ErrReconnect) || strings.Contains(err.Error(), "wrong-secret") {
			t.Errorf("err = %v; want Permanent invalid_client without the value", err)
		}
	})
}

// A client that got 401 for an access token calls Renew once and retries once.
func TestRenewAfterA401(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, singleUse, "refresh-stored")
	st := &hookedTokens{}
	st.Set(conn, store.Token{Access: secrets.New("access-revoked"), Refresh: secrets.New("refresh-stored"), Expiry: time.Now().Add(time.Hour), Version: 1})
	ts := newSource(t, singleUse, srv, st, "refresh-0")
	old, err := ts.AccessToken(t.Context())
	if err != nil || old.Reveal() != "access-revoked" {
		t.Fatalf("got %q, %v; want the stored token while it is valid", old.Reveal(), err)
	}
	first, err := ts.Renew(t.Context(), old)
	if err != nil {
		t.Fatal(err)
	}
	// Another caller got the same 401 meanwhile: its Renew takes the first renewal's token.
	second, err := ts.Renew(t.Context(), old)
	if err != nil {
		t.Fatal(err)
	}
	if first.Reveal() != "access-1" || second.Reveal() != "access-1" || srv.refreshes() != 1 || st.Stored(conn).Version != 2 {
		t.Errorf("renewals gave %q and %q after %d refreshes; want one forced refresh, shared", first.Reveal(), second.Reveal(), srv.refreshes())
	}
}

func TestALostAnswerIsResentOnlyWhenTheVendorAllowsIt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		v     Vendor
		lose  int
		sends int
		ok    bool
	}{
		{"a single-use refresh token is sent once and the loss is transient", singleUse, 1, 1, false},
		{"within a grace period it is sent again until answered", withGrace, 2, 3, true},
		{"within a grace period answers lost too often are transient", withGrace, 10, 4, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, tc.v, "refresh-0")
			srv.lose = tc.lose
			st := &hookedTokens{}
			tok, err := newSource(t, tc.v, srv, st, "refresh-0").AccessToken(t.Context())
			if n := srv.sent("refresh-0"); n != tc.sends {
				t.Errorf("refresh-0 sent %d times; want %d", n, tc.sends)
			}
			if !tc.ok {
				if err == nil || fault.Classify(err) != fault.KindTransient || errors.Is(err, fault.ErrReconnect) {
					t.Errorf("err = %v; want a transient error", err)
				}
				if _, gerr := st.GetToken(t.Context(), conn); !errors.Is(gerr, store.ErrNotFound) {
					t.Errorf("something was stored though no answer arrived: %v", gerr)
				}
				return
			}
			if err != nil || tok.Reveal() != "access-3" || st.Stored(conn).Refresh.Reveal() != "refresh-3" {
				t.Errorf("got %q, stored %q, %v; want the answered pair", tok.Reveal(), st.Stored(conn).Refresh.Reveal(), err)
			}
		})
	}
}

// A process had its refresh granted and died before storing the new pair: the store still
// holds the spent token.
func TestAProcessThatDiedBeforeStoring(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		v         Vendor
		after     time.Duration
		reconnect bool
	}{
		{"ten minutes later a grace period still takes the spent token", withGrace, 10 * time.Minute, false},
		{"an hour later the grace is over and a person must reconnect", withGrace, time.Hour, true},
		{"a single-use token needs a person at once", singleUse, time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, tc.v, "refresh-0")
			srv.usedAt["refresh-0"] = time.Now().Add(-tc.after)
			st := &hookedTokens{}
			st.Set(conn, store.Token{Access: secrets.New("expired"), Refresh: secrets.New("refresh-0"), Expiry: time.Now().Add(-time.Minute), Version: 5})
			_, err := newSource(t, tc.v, srv, st, "refresh-0").AccessToken(t.Context())
			if got := errors.Is(err, fault.ErrReconnect); got != tc.reconnect || (!tc.reconnect && (err != nil || st.Stored(conn).Version != 6)) {
				t.Errorf("err = %v, store v%d; want reconnect = %v", err, st.Stored(conn).Version, tc.reconnect)
			}
		})
	}
}

func TestAWaitForAnotherRefreshHonoursTheContext(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, singleUse, "refresh-0")
	ts := newSource(t, singleUse, srv, &hookedTokens{}, "refresh-0")
	ts.lock <- struct{}{} // someone is refreshing
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ts.AccessToken(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v; want the context's error", err)
	}
	<-ts.lock
	if srv.refreshes() != 0 {
		t.Errorf("%d refreshes; want none from a caller that gave up", srv.refreshes())
	}
}

func TestNewNeedsAConnectionAStoreAndATokenURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no connection", Config{Vendor: singleUse, TokenURL: "http://token", Store: &hookedTokens{}}},
		{"no store", Config{Vendor: singleUse, TokenURL: "http://token", Connection: conn}},
		{"no token URL", Config{Vendor: singleUse, Connection: conn, Store: &hookedTokens{}}},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			t.Parallel()
			if _, err := New(tc.cfg); err == nil {
				t.Error("New gave no error")
			}
		})
	}
}
