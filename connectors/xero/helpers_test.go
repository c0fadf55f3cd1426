package xero

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

// baseURLPath is a non-empty path the API host is mounted under, so that a request built
// without the base path fails the test.
const baseURLPath = "/xero-host"

// testTenant is the organisation the test client is set to.
const testTenant = "fe79f7dd-b6d4-4a92-ba7b-538af6289c58"

// testPolicy is Xero's policy with millisecond backoff and no proactive limit, so error
// paths run fast; the five-at-once cap and the message reader are Xero's own.
func testPolicy() httpx.Policy {
	p := Policy(DefaultRequestsPerMinute)
	p.Rate = 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return p
}

// setup returns a client for testTenant wired to a test server whose mux is mounted under
// baseURLPath.
func setup(t *testing.T) (*Client, *http.ServeMux, *staticAuth) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside the base path", http.StatusBadRequest)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	auth := &staticAuth{token: "test-access"}
	client, err := NewClient(httpx.New(testPolicy()), auth, srv.URL+baseURLPath)
	if err != nil {
		t.Fatal(err)
	}
	client.SetTenant(testTenant)
	return client, mux, auth
}

// staticAuth hands out a fixed token and, when renewed, "renewed-access".
type staticAuth struct {
	token  string
	renews atomic.Int32
}

func (a *staticAuth) AccessToken(context.Context) (secrets.Secret, error) {
	return secrets.New(a.token), nil
}

func (a *staticAuth) Renew(context.Context, secrets.Secret) (secrets.Secret, error) {
	a.renews.Add(1)
	return secrets.New("renewed-access"), nil
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s; want %s", r.Method, want)
	}
}

func testHeader(t *testing.T, r *http.Request, name, want string) {
	t.Helper()
	if got := r.Header.Get(name); got != want {
		t.Errorf("header %s = %q; want %q", name, got, want)
	}
}

// testQuery asserts the query is exactly want.
func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	if got := r.URL.Query(); !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v; want %v", got, want)
	}
}

// testAuthorized asserts the request carries the test bearer token and the tenant.
func testAuthorized(t *testing.T, r *http.Request) {
	t.Helper()
	testHeader(t, r, "Authorization", "Bearer test-access")
	testHeader(t, r, "Accept", "application/json")
	testHeader(t, r, TenantHeader, testTenant)
}

// testBody decodes the request body into a generic value and compares it with want (JSON).
func testBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	var got, exp any
	if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
		t.Fatalf("request body: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("want body: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		g, _ := json.Marshal(got)
		t.Errorf("request body = %s\nwant %s", g, want)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
