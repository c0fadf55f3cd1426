package freee

import (
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
	"github.com/urakata/urakata/shared/oauth"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/store/storetest"
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
	defer s.mu.Unlock()
	s.uses[refresh]++
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

// sourceConfig is a TokenSourceConfig for conn against srv, whose secret holds secretRefresh.
func sourceConfig(srv *tokenServer, st store.Tokens, secretRefresh string) TokenSourceConfig {
	return TokenSourceConfig{
		Connection: conn,
		SecretName: "FREEE_HR_SECRET",
		Credentials: Credentials{
			ClientID: secrets.New("cid"), ClientSecret: secrets.New("csecret"), RefreshToken: secrets.New(secretRefresh),
		},
		TokenURL: srv.srv.URL + "/public_api/token",
		Store:    st,
		HTTP:     httpx.New(TokenPolicy()),
	}
}

func newSource(t *testing.T, srv *tokenServer, st store.Tokens, secretRefresh string) *TokenSource {
	t.Helper()
	return newSourceFrom(t, sourceConfig(srv, st, secretRefresh))
}

// newSourceFrom builds cfg's token source without waiting for other processes' rotations
// after a refusal: these tests have no other process.
func newSourceFrom(t *testing.T, cfg TokenSourceConfig) *TokenSource {
	t.Helper()
	c := cfg.oauth()
	c.Waits.Settle = []time.Duration{}
	ts, err := oauth.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestTokenSource_firstUse(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-0")
	st := &storetest.MemoryTokens{}
	ts := newSource(t, srv, st, "refresh-0")

	tok, err := ts.AccessToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stored := st.Stored(conn)
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

func TestTokenSource_invalidGrant(t *testing.T) {
	t.Parallel()

	t.Run("a refused refresh token asks for a reconnect, naming the secret", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t) // nothing is valid: the grant was revoked
		st := &storetest.MemoryTokens{}
		st.Set(conn, store.Token{Access: secrets.New("access-dead"), Refresh: secrets.New("refresh-dead"), Expiry: time.Now().Add(-time.Hour), Version: 5})
		logs := &strings.Builder{}
		cfg := sourceConfig(srv, st, "refresh-dead")
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ts := newSourceFrom(t, cfg)

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

	t.Run("wrong app credentials say which secret to check", func(t *testing.T) {
		t.Parallel()
		srv := newTokenServer(t, "refresh-0")
		cfg := sourceConfig(srv, &storetest.MemoryTokens{}, "refresh-0")
		cfg.Credentials.ClientSecret = secrets.New("wrong-secret")
		ts, err := NewTokenSource(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ts.AccessToken(t.Context())
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "invalid_client") || strings.Contains(err.Error(), "wrong-secret") {
			t.Errorf("err = %v; want Permanent invalid_client without the value", err)
		}
	})
}

func TestTokenSource_renewAfter401(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t, "refresh-stored")
	st := &storetest.MemoryTokens{}
	st.Set(conn, store.Token{Access: secrets.New("access-revoked"), Refresh: secrets.New("refresh-stored"), Expiry: time.Now().Add(time.Hour), Version: 1})
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
