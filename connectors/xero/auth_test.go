package xero

import (
	"context"
	"errors"
	"fmt"
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

const conn = "xero"

// tokenServer is Xero's token endpoint: a refresh token is replaced on every use, and the
// one used is taken again for grace after its first use.
type tokenServer struct {
	t     *testing.T
	srv   *httptest.Server
	grace time.Duration
	now   func() time.Time

	mu     sync.Mutex
	usedAt map[string]time.Time
	valid  map[string]bool
	// uses counts how often each refresh token was sent.
	uses   map[string]int
	issued int
	// lose, when above zero, is how many of the next answers are lost: the refresh is
	// granted and the connection dropped before the answer.
	lose int
}

func newTokenServer(t *testing.T, valid ...string) *tokenServer {
	ts := &tokenServer{t: t, grace: RefreshGrace, now: time.Now, usedAt: map[string]time.Time{}, valid: map[string]bool{}, uses: map[string]int{}}
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
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Has("client_secret") {
		s.t.Errorf("token request form %v: want grant_type and refresh_token, the client in Basic auth", r.PostForm)
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != "cid" || secret != "csecret" {
		writeJSON(w, 400, map[string]string{"error": "invalid_client"})
		return
	}
	refresh := r.PostForm.Get("refresh_token")
	s.mu.Lock()
	s.uses[refresh]++
	used, spent := s.usedAt[refresh]
	switch {
	case !s.valid[refresh]:
		s.mu.Unlock()
		writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
		return
	case spent && s.now().Sub(used) >= s.grace:
		s.mu.Unlock()
		writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
		return
	case !spent:
		s.usedAt[refresh] = s.now()
	}
	s.issued++
	next := fmt.Sprintf("refresh-%d", s.issued)
	s.valid[next] = true
	access := fmt.Sprintf("access-%d", s.issued)
	lose := s.lose > 0
	if lose {
		s.lose--
	}
	s.mu.Unlock()
	if lose {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	writeJSON(w, 200, map[string]any{"access_token": access, "refresh_token": next, "expires_in": 1800, "token_type": "Bearer", "id_token": "x"})
}

func (s *tokenServer) sent(refresh string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uses[refresh]
}

// newSource builds a token source for conn against ts, with fast settle and resend waits.
func newSource(t *testing.T, ts *tokenServer, tokens store.Tokens, refresh string) *TokenSource {
	t.Helper()
	cfg := TokenSourceConfig{
		Connection:  conn,
		SecretName:  "XERO",
		Credentials: Credentials{ClientID: secrets.New("cid"), ClientSecret: secrets.New("csecret"), RefreshToken: secrets.New(refresh)},
		TokenURL:    ts.srv.URL,
		Store:       tokens,
		HTTP:        httpx.New(httpx.Policy{Name: "test oauth", RetryMax: -1}),
	}.oauth()
	cfg.Waits = oauth.Waits{Settle: []time.Duration{time.Millisecond, 2 * time.Millisecond}, Resend: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}}
	src, err := oauth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestTokenSource_firstUseRotatesAndStoresBeforeUse(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, "rt-0")
	tokens := &storetest.MemoryTokens{}
	src := newSource(t, ts, tokens, "rt-0")
	tok, err := src.AccessToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stored := tokens.Stored(conn)
	if tok.Reveal() != "access-1" || stored.Access.Reveal() != "access-1" || stored.Refresh.Reveal() != "refresh-1" || stored.Version != 1 {
		t.Fatalf("token %q, stored %+v; want the first rotation stored as version 1", tok.Reveal(), stored)
	}
	if left := time.Until(stored.Expiry); left < 29*time.Minute || left > 30*time.Minute {
		t.Errorf("expiry in %v; want Xero's 30 minutes", left)
	}
	// Valid for longer than RefreshAhead: no second refresh.
	if _, err := src.AccessToken(t.Context()); err != nil || ts.sent("refresh-1") != 0 {
		t.Fatalf("a valid token was refreshed again (err %v)", err)
	}
}

// TestTokenSource_lostAnswerIsResentWithinGrace is Xero's grace period at work: the refresh
// is granted but its answer lost, so the same refresh token is sent again, and Xero takes it.
func TestTokenSource_lostAnswerIsResentWithinGrace(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, "rt-0")
	ts.lose = 2
	tokens := &storetest.MemoryTokens{}
	src := newSource(t, ts, tokens, "rt-0")
	tok, err := src.AccessToken(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if ts.sent("rt-0") != 3 {
		t.Errorf("rt-0 sent %d times; want three: twice lost, once answered", ts.sent("rt-0"))
	}
	if tok.Reveal() != "access-3" || tokens.Stored(conn).Refresh.Reveal() != "refresh-3" {
		t.Errorf("token %q, stored refresh %q; want the answered pair", tok.Reveal(), tokens.Stored(conn).Refresh.Reveal())
	}
}

// TestTokenSource_processDiedBeforeStoring: a process had its refresh granted and died
// before storing the new pair. The store still holds the spent token; within the grace
// period the next process refreshes with it, after it a person must reconnect.
func TestTokenSource_processDiedBeforeStoring(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		after     time.Duration
		reconnect bool
	}{
		{"ten minutes later the spent token still works", 10 * time.Minute, false},
		{"an hour later it is refused and the connection needs a person", time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := newTokenServer(t, "refresh-0")
			clock := time.Now()
			ts.now = func() time.Time { return clock }
			ts.usedAt["refresh-0"] = clock.Add(-tc.after)
			tokens := &storetest.MemoryTokens{}
			tokens.Set(conn, store.Token{Access: secrets.New("expired"), Refresh: secrets.New("refresh-0"), Expiry: clock.Add(-time.Minute), Version: 5})
			src := newSource(t, ts, tokens, "refresh-0")
			_, err := src.AccessToken(t.Context())
			if !tc.reconnect {
				if err != nil || tokens.Stored(conn).Version != 6 {
					t.Fatalf("err %v, version %d; want a rotation stored", err, tokens.Stored(conn).Version)
				}
				return
			}
			var pe *fault.PermanentError
			if !errors.Is(err, ErrReconnect) || !errors.As(err, &pe) || !strings.Contains(pe.Message, "reconnect xero") || !strings.Contains(pe.Message, "XERO") {
				t.Fatalf("err = %v; want a permanent reconnect naming the connection and secret", err)
			}
			if name, ok := fault.ReconnectConnection(err); !ok || name != conn {
				t.Fatalf("err = %v names %q to reconnect; want %q", err, name, conn)
			}
			if strings.Contains(err.Error(), "refresh-0") || strings.Contains(err.Error(), "csecret") {
				t.Fatalf("the error %q holds a secret", err)
			}
			// Refused and not replaced: it is never sent again.
			sent := ts.sent("refresh-0")
			if _, err := src.AccessToken(t.Context()); !errors.Is(err, ErrReconnect) || ts.sent("refresh-0") != sent {
				t.Fatalf("a refused refresh token was sent again (err %v)", err)
			}
		})
	}
}

func TestTokenSource_invalidClient(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, "rt-0")
	tokens := &storetest.MemoryTokens{}
	src, err := NewTokenSource(TokenSourceConfig{Connection: conn, SecretName: "XERO", TokenURL: ts.srv.URL, Store: tokens,
		Credentials: Credentials{ClientID: secrets.New("cid"), ClientSecret: secrets.New("wrong"), RefreshToken: secrets.New("rt-0")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.AccessToken(t.Context())
	var pe *fault.PermanentError
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "invalid_client") || errors.Is(err, ErrReconnect) {
		t.Fatalf("err = %v; want a permanent invalid_client error that is not a reconnect", err)
	}
}

// failingTokens is a token store whose every put fails with err.
type failingTokens struct {
	storetest.MemoryTokens
	err error
}

func (f *failingTokens) PutToken(context.Context, string, store.Token, int64) (store.Token, error) {
	return store.Token{}, f.err
}

func TestTokenSource_storeFailureIsReportedWithTheGraceInMind(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, "rt-0")
	tokens := &failingTokens{err: errors.New("disk full")}
	src := newSource(t, ts, tokens, "rt-0")
	_, err := src.AccessToken(t.Context())
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "30m") {
		t.Fatalf("err = %v; want the store's error and the grace period", err)
	}
}

func TestParseCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, secret, want string
	}{
		{"a secret that is not JSON is refused without its value", "xoxo-secret", "not a JSON object"},
		{"missing parts are named", `{"client_id":"a"}`, "client_secret, refresh_token"},
		{"a webhook key that is not a string is refused", `{"client_id":"a","client_secret":"b","refresh_token":"c","webhook_key":5}`, "webhook_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCredentials(secrets.New(tc.secret))
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "xoxo") {
				t.Fatalf("err = %v; want it to say %q and not the value", err, tc.want)
			}
		})
	}
	c, err := ParseCredentials(secrets.New(`{"client_id":"a","client_secret":"b","refresh_token":"c"}`))
	if err != nil || c.RefreshToken.Reveal() != "c" {
		t.Fatalf("credentials %+v, %v", c, err)
	}
}

func TestNewTokenSource_needsAConnectionAndAStore(t *testing.T) {
	t.Parallel()
	if _, err := NewTokenSource(TokenSourceConfig{Store: &storetest.MemoryTokens{}}); err == nil {
		t.Error("no connection name gave no error")
	}
	if _, err := NewTokenSource(TokenSourceConfig{Connection: conn}); err == nil {
		t.Error("no store gave no error")
	}
}
