package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/store/storetest"
)

const conn = "acme"

// singleUse is a vendor whose refresh tokens work once (as freee's), with the client in the
// form body.
var singleUse = Vendor{Name: "acme", Title: "Acme", Auth: AuthInBody, Lifetime: 6 * time.Hour}

// withGrace is a vendor that takes a used refresh token again for 30 minutes (as Xero's),
// with the client in HTTP Basic.
var withGrace = Vendor{Name: "acme", Title: "Acme", Auth: AuthBasic, Lifetime: 30 * time.Minute,
	ResendLostRefresh: 30 * time.Minute, RefusalReasons: "used more than 30m0s ago or revoked"}

// tokenServer is a vendor's token endpoint: each refresh returns a new pair; a refresh
// token works once, or again within grace of its first use.
type tokenServer struct {
	t     *testing.T
	srv   *httptest.Server
	auth  AuthStyle
	grace time.Duration

	mu     sync.Mutex
	now    func() time.Time
	valid  map[string]bool
	usedAt map[string]time.Time
	// uses counts how often each refresh token was sent.
	uses   map[string]int
	issued int
	// lose, when above zero, is how many of the next granted refreshes lose their answer:
	// the connection drops before it.
	lose int
	// onRefresh, when set, runs before a refresh is answered.
	onRefresh func()
}

// newTokenServer serves v's token endpoint, where the refresh tokens valid are good.
func newTokenServer(t *testing.T, v Vendor, valid ...string) *tokenServer {
	s := &tokenServer{t: t, auth: v.Auth, grace: v.ResendLostRefresh, now: time.Now,
		valid: map[string]bool{}, usedAt: map[string]time.Time{}, uses: map[string]int{}}
	for _, r := range valid {
		s.valid[r] = true
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		s.t.Errorf("token request %s with %q", r.Method, r.Header.Get("Content-Type"))
	}
	if err := r.ParseForm(); err != nil {
		s.t.Error(err)
	}
	if r.PostForm.Get("grant_type") != "refresh_token" {
		s.t.Errorf("grant_type = %q", r.PostForm.Get("grant_type"))
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if s.auth == AuthBasic {
		if r.PostForm.Has("client_secret") {
			s.t.Error("the client secret is in the body; want HTTP Basic")
		}
		id, secret, _ = r.BasicAuth()
	}
	if id != "cid" || secret != "csecret" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	refresh := r.PostForm.Get("refresh_token")
	s.mu.Lock()
	s.uses[refresh]++
	hook := s.onRefresh
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	s.mu.Lock()
	used, spent := s.usedAt[refresh]
	if !s.valid[refresh] || (spent && s.now().Sub(used) >= s.grace) {
		s.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	if !spent {
		s.usedAt[refresh] = s.now()
	}
	s.issued++
	next, access := fmt.Sprintf("refresh-%d", s.issued), fmt.Sprintf("access-%d", s.issued)
	s.valid[next] = true
	lose := s.lose > 0
	if lose {
		s.lose--
	}
	s.mu.Unlock()
	if lose {
		if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = c.Close()
		}
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "refresh_token": next, "token_type": "bearer"})
}

// sent is how often refresh was sent.
func (s *tokenServer) sent(refresh string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uses[refresh]
}

// refreshes is how many refreshes were sent in all.
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newSource builds a token source for conn against srv, whose secret holds refresh, with
// short waits.
func newSource(t *testing.T, v Vendor, srv *tokenServer, st store.Tokens, refresh string) *TokenSource {
	t.Helper()
	ts, err := New(Config{
		Vendor:      v,
		Connection:  conn,
		SecretName:  "ACME_SECRET",
		Credentials: Credentials{ClientID: secrets.New("cid"), ClientSecret: secrets.New("csecret"), RefreshToken: secrets.New(refresh)},
		TokenURL:    srv.srv.URL,
		Store:       st,
		HTTP:        httpx.New(httpx.Policy{Name: "test oauth", RetryMax: -1}),
		Waits:       Waits{Settle: []time.Duration{time.Millisecond, 2 * time.Millisecond}, Resend: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// hookedTokens is the shared in-memory token store with hooks into PutToken, for the
// moments between a refresh and its store.
type hookedTokens struct {
	storetest.MemoryTokens
	mu sync.Mutex
	// beforePut, when set, runs once before the next PutToken: another process writing in
	// between.
	beforePut func()
	// failPut, when set, makes PutToken fail with it.
	failPut error
}

func (h *hookedTokens) PutToken(ctx context.Context, connection string, t store.Token, expect int64) (store.Token, error) {
	h.mu.Lock()
	hook, fail := h.beforePut, h.failPut
	h.beforePut = nil
	h.mu.Unlock()
	if hook != nil {
		hook()
	}
	if fail != nil {
		return store.Token{}, fail
	}
	return h.MemoryTokens.PutToken(ctx, connection, t, expect)
}
