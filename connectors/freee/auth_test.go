package freee

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

const conn = "freee-hr"

// tokenServer is freee's token endpoint: every refresh token works once, and each refresh
// returns a new pair.
type tokenServer struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	valid map[string]bool
	// uses counts how often each refresh token was sent.
	uses   map[string]int
	issued int
	// onRefresh, when set, runs before a refresh is answered (the token sent is passed).
	onRefresh func(refresh string)
}

func newTokenServer(t *testing.T, valid ...string) *tokenServer {
	ts := &tokenServer{t: t, valid: map[string]bool{}, uses: map[string]int{}}
	for _, v := range valid {
		ts.valid[v] = true
	}
	ts.srv = httptest.NewServer(http.HandlerFunc(ts.serve))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (s *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		s.t.Errorf("token request %s with %q", r.Method, r.Header.Get("Content-Type"))
	}
	if err := r.ParseForm(); err != nil {
		s.t.Error(err)
	}
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("client_id") != "cid" {
		s.t.Errorf("token request form %v", r.PostForm)
	}
	if r.PostForm.Get("client_secret") != "csecret" {
		writeJSON(w, 401, map[string]string{"error": "invalid_client", "error_description": "client authentication failed"})
		return
	}
	refresh := r.PostForm.Get("refresh_token")
	s.mu.Lock()
	s.uses[refresh]++
	hook := s.onRefresh
	s.mu.Unlock()
	if hook != nil {
		hook(refresh)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.valid[refresh] {
		writeJSON(w, 401, map[string]string{"error": "invalid_grant", "error_description": "the refresh token is invalid, expired, or was already used"})
		return
	}
	delete(s.valid, refresh)
	s.issued++
	next := fmt.Sprintf("refresh-%d", s.issued)
	s.valid[next] = true
	writeJSON(w, 200, map[string]any{
		"access_token": fmt.Sprintf("access-%d", s.issued), "token_type": "bearer", "expires_in": 21600,
		"refresh_token": next, "scope": "read write", "created_at": time.Now().Unix(), "company_id": 1234,
	})
}

func (s *tokenServer) refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, u := range s.uses {
		n += u
	}
	return n
}

// reused lists refresh tokens sent more than once.
func (s *tokenServer) reused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for tok, n := range s.uses {
		if n > 1 {
			out = append(out, tok)
		}
	}
	return out
}

func newSource(t *testing.T, srv *tokenServer, st store.Tokens, secretRefresh string) *TokenSource {
	t.Helper()
	ts, err := NewTokenSource(TokenSourceConfig{
		Connection: conn,
		SecretName: "FREEE_HR_SECRET",
		Credentials: Credentials{
			ClientID: secrets.New("cid"), ClientSecret: secrets.New("csecret"), RefreshToken: secrets.New(secretRefresh),
		},
		TokenURL: srv.srv.URL + "/public_api/token",
		Store:    st,
		HTTP:     httpx.New(TokenPolicy()),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.settle = nil
	return ts
}

func TestTokenSource_firstUse(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-0")
	st := newMemTokens()
	ts := newSource(t, srv, st, "refresh-0")

	tok, err := ts.AccessToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stored := st.get(conn)
	if tok.Reveal() != "access-1" || stored.Access.Reveal() != "access-1" || stored.Refresh.Reveal() != "refresh-1" || stored.Version != 1 {
		t.Errorf("got %q, stored %q/%q v%d; want the secret's refresh token spent and the new pair stored",
			tok.Reveal(), stored.Access.Reveal(), stored.Refresh.Reveal(), stored.Version)
	}
	if life := time.Until(stored.Expiry); life < 5*time.Hour || life > 6*time.Hour {
		t.Errorf("expiry in %v; want about six hours", life)
	}
	if _, err := ts.AccessToken(t.Context()); err != nil || srv.refreshes() != 1 {
		t.Errorf("second call: %v after %d refreshes; a valid token must be reused", err, srv.refreshes())
	}
}

func TestTokenSource_rotationIsStoredBeforeUse(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-0")
	st := newMemTokens()
	ts := newSource(t, srv, st, "refresh-0")

	mux := http.NewServeMux()
	mux.HandleFunc("/hr/api/v1/users/me", func(w http.ResponseWriter, r *http.Request) {
		stored := st.get(conn)
		if r.Header.Get("Authorization") != "Bearer "+stored.Access.Reveal() {
			t.Error("an access token reached the API before its pair was in the store")
		}
		fmt.Fprint(w, `{"id":1}`)
	})
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	client, err := NewClient(httpx.New(testPolicy()), ts, api.URL+"/hr")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Users.Me(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestTokenSource_refreshesAheadOfExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		expiresIn   time.Duration
		wantRefresh bool
	}{
		{"a token with an hour left is used", time.Hour, false},
		{"a token with four minutes left is refreshed", 4 * time.Minute, true},
		{"an expired token is refreshed", -time.Minute, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t, "refresh-stored")
			st := newMemTokens()
			st.set(conn, store.Token{Access: secrets.New("access-stored"), Refresh: secrets.New("refresh-stored"), Expiry: time.Now().Add(tt.expiresIn), Version: 3})
			ts := newSource(t, srv, st, "refresh-0")
			tok, err := ts.AccessToken(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			refreshed := tok.Reveal() != "access-stored"
			if refreshed != tt.wantRefresh || (refreshed && st.get(conn).Version != 4) {
				t.Errorf("got %q (store v%d); want refreshed = %v", tok.Reveal(), st.get(conn).Version, tt.wantRefresh)
			}
		})
	}
}

func TestTokenSource_concurrentCallersRefreshOnce(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-0")
	ts := newSource(t, srv, newMemTokens(), "refresh-0")
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

func TestTokenSource_twoProcesses(t *testing.T) {
	t.Parallel()

	t.Run("the second process uses the token the first stored", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, "refresh-0")
		st := newMemTokens()
		a, b := newSource(t, srv, st, "refresh-0"), newSource(t, srv, st, "refresh-0")
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

		// Six hours on, both hold the expired token; whichever comes first refreshes, and
		// the other finds the new pair in the store.
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
		srv := newTokenServer(t, "refresh-1")
		st := newMemTokens()
		st.set(conn, store.Token{Access: secrets.New("access-1"), Refresh: secrets.New("refresh-1"), Expiry: time.Now().Add(-time.Minute), Version: 1})
		b := newSource(t, srv, st, "refresh-0")
		st.beforePut = func() {
			// The other process stored its rotation while b's refresh was in flight.
			st.set(conn, store.Token{Access: secrets.New("access-other"), Refresh: secrets.New("refresh-other"), Expiry: time.Now().Add(6 * time.Hour), Version: 2})
		}
		tok, err := b.AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if tok.Reveal() != "access-other" || st.get(conn).Version != 2 || srv.refreshes() != 1 {
			t.Errorf("b got %q, store v%d, %d refreshes; want the stored pair, one refresh", tok.Reveal(), st.get(conn).Version, srv.refreshes())
		}
	})

	t.Run("a refresh token the other process spent first is not a reconnect", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t) // refresh-1 is already spent
		st := newMemTokens()
		st.set(conn, store.Token{Access: secrets.New("access-1"), Refresh: secrets.New("refresh-1"), Expiry: time.Now().Add(-time.Minute), Version: 1})
		srv.onRefresh = func(string) {
			st.set(conn, store.Token{Access: secrets.New("access-other"), Refresh: secrets.New("refresh-other"), Expiry: time.Now().Add(6 * time.Hour), Version: 2})
		}
		b := newSource(t, srv, st, "refresh-0")
		tok, err := b.AccessToken(t.Context())
		if err != nil {
			t.Fatalf("err = %v; the other process's rotation should be found", err)
		}
		if tok.Reveal() != "access-other" || srv.refreshes() != 1 || len(srv.reused()) > 0 {
			t.Errorf("got %q after %d refreshes (reused %v)", tok.Reveal(), srv.refreshes(), srv.reused())
		}
	})
}

func TestTokenSource_invalidGrant(t *testing.T) {
	t.Parallel()

	t.Run("a refused refresh token asks for a reconnect, naming the secret", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t) // nothing is valid: the grant was revoked
		st := newMemTokens()
		st.set(conn, store.Token{Access: secrets.New("access-dead"), Refresh: secrets.New("refresh-dead"), Expiry: time.Now().Add(-time.Hour), Version: 5})
		logs := &strings.Builder{}
		ts := newSource(t, srv, st, "refresh-dead")
		ts.log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

		_, err := ts.AccessToken(t.Context())
		want := "reconnect freee-hr: freee refused the refresh token (invalid_grant); authorise the app again and store the new refresh token in secret FREEE_HR_SECRET"
		var pe *fault.PermanentError
		if !errors.As(err, &pe) || pe.Message != want || !errors.Is(err, ErrReconnect) {
			t.Fatalf("err = %v; want Permanent %q", err, want)
		}
		if name, ok := fault.ReconnectConnection(err); !ok || name != conn {
			t.Fatalf("err = %v names %q to reconnect; want %q", err, name, conn)
		}
		for _, secret := range []string{"refresh-dead", "access-dead", "csecret"} {
			if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
				t.Errorf("a token value leaks: %v / %s", err, logs)
			}
		}
		if _, err := ts.AccessToken(t.Context()); !errors.Is(err, ErrReconnect) || srv.refreshes() != 1 {
			t.Errorf("second call: %v after %d refreshes; a refused token must not be sent again", err, srv.refreshes())
		}
	})

	t.Run("a new refresh token in the secret is taken after a reconnect", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, "refresh-reauthorised")
		st := newMemTokens()
		st.set(conn, store.Token{Access: secrets.New("access-dead"), Refresh: secrets.New("refresh-dead"), Expiry: time.Now().Add(-time.Hour), Version: 5})
		ts := newSource(t, srv, st, "refresh-reauthorised")
		tok, err := ts.AccessToken(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if tok.Reveal() != "access-1" || st.get(conn).Version != 6 || st.get(conn).Refresh.Reveal() != "refresh-1" {
			t.Errorf("got %q, store %+v", tok.Reveal(), st.get(conn))
		}
	})

	t.Run("wrong app credentials say which secret to check", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, "refresh-0")
		ts := newSource(t, srv, newMemTokens(), "refresh-0")
		ts.cfg.Credentials.ClientSecret = secrets.New("wrong-secret")
		_, err := ts.AccessToken(t.Context())
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "wrong-secret") {
			t.Errorf("err = %v; want Permanent invalid_client without the value", err)
		}
	})
}

func TestTokenSource_renewAfter401(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-stored")
	st := newMemTokens()
	st.set(conn, store.Token{Access: secrets.New("access-revoked"), Refresh: secrets.New("refresh-stored"), Expiry: time.Now().Add(time.Hour), Version: 1})
	ts := newSource(t, srv, st, "refresh-0")

	var mu sync.Mutex
	var sent []string
	mux := http.NewServeMux()
	mux.HandleFunc("/hr/api/v1/users/me", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		mu.Unlock()
		if r.Header.Get("Authorization") == "Bearer access-revoked" {
			writeJSON(w, 401, map[string]string{"message": "アクセスする権限がありません", "code": "expired_access_token"})
			return
		}
		fmt.Fprint(w, `{"id":1}`)
	})
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	client, err := NewClient(httpx.New(testPolicy()), ts, api.URL+"/hr")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.Users.Me(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 || sent[0] != "access-revoked" || sent[1] != "access-1" || srv.refreshes() != 1 {
		t.Errorf("sent %v after %d refreshes; want the 401 retried once with a refreshed token", sent, srv.refreshes())
	}
}

func TestTokenSource_renewAfterSomeoneElseRenewed(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-stored")
	st := newMemTokens()
	st.set(conn, store.Token{Access: secrets.New("access-old"), Refresh: secrets.New("refresh-stored"), Expiry: time.Now().Add(time.Hour), Version: 1})
	ts := newSource(t, srv, st, "refresh-0")
	old, _ := ts.AccessToken(t.Context())
	first, err := ts.Renew(t.Context(), old)
	if err != nil {
		t.Fatal(err)
	}
	second, err := ts.Renew(t.Context(), old)
	if err != nil {
		t.Fatal(err)
	}
	if first.Reveal() != "access-1" || second.Reveal() != "access-1" || srv.refreshes() != 1 {
		t.Errorf("renewals gave %q and %q after %d refreshes; a stale rejection must not refresh again", first.Reveal(), second.Reveal(), srv.refreshes())
	}
}

func TestParseCredentials(t *testing.T) {
	t.Parallel()
	c, err := ParseCredentials(secrets.New(`{"client_id":"cid","client_secret":"cs","refresh_token":"rt"}`))
	if err != nil || c.ClientID.Reveal() != "cid" || c.ClientSecret.Reveal() != "cs" || c.RefreshToken.Reveal() != "rt" {
		t.Fatalf("ParseCredentials = %v, %v", c, err)
	}
	for _, bad := range []string{`not json sk-123`, `{"client_id":"cid","client_secret":"sk-123"}`} {
		_, err := ParseCredentials(secrets.New(bad))
		if err == nil || strings.Contains(err.Error(), "sk-123") {
			t.Errorf("ParseCredentials(%d bytes) = %v; want an error without the value", len(bad), err)
		}
	}
}

var _ Authorizer = (*TokenSource)(nil)

// A caller waiting for another's refresh gives up with its context.
func TestTokenSource_waitHonoursContext(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-0")
	ts := newSource(t, srv, newMemTokens(), "refresh-0")
	ts.lock <- struct{}{} // someone is refreshing
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ts.AccessToken(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v; want the context's error", err)
	}
	<-ts.lock
}
