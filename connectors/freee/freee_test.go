package freee

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

// baseURLPath is a non-empty path the API is mounted under, as freee's is (/hr), so that a
// request built without the base path fails the test.
const baseURLPath = "/hr"

// testPolicy is freee's policy with millisecond backoff and no proactive limit, so error
// paths run fast; the throttle rules are freee's own.
func testPolicy() httpx.Policy {
	p := Policy(DefaultRequestsPerHour)
	p.Rate = 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return p
}

// setup returns a client wired to a test server whose mux is mounted under baseURLPath.
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

// testAuthorized asserts the request carries the test bearer token.
func testAuthorized(t *testing.T, r *http.Request) {
	t.Helper()
	testHeader(t, r, "Authorization", "Bearer test-access")
	testHeader(t, r, "Accept", "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
