// Package resttest is the test setup the rest-based vendor clients share: a test server
// whose mux is mounted under a base path, an authorizer with a fixed token, and assertions
// on the requests the mux receives.
package resttest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/urakata/urakata/shared/secrets"
)

// RenewedToken is the access token StaticAuth hands out once renewed.
const RenewedToken = "renewed-access"

// NewServer starts a test server, closed when t ends, that serves the returned mux under
// basePath (e.g. "/hr"), and returns the base URL a client is configured with. A request
// outside basePath fails t, so a client that drops the base path is caught.
func NewServer(t testing.TB, basePath string) (mux *http.ServeMux, baseURL string) {
	t.Helper()
	mux = http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(basePath+"/", http.StripPrefix(basePath, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside the base path", http.StatusBadRequest)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return mux, srv.URL + basePath
}

// StaticAuth is an oauth.Authorizer that hands out Token and, when renewed, RenewedToken,
// counting the renewals.
type StaticAuth struct {
	// Token is the access token handed out before any renewal.
	Token string
	// Renews counts the calls to Renew.
	Renews atomic.Int32
}

// AccessToken returns Token.
func (a *StaticAuth) AccessToken(context.Context) (secrets.Secret, error) {
	return secrets.New(a.Token), nil
}

// Renew counts the renewal and returns RenewedToken.
func (a *StaticAuth) Renew(context.Context, secrets.Secret) (secrets.Secret, error) {
	a.Renews.Add(1)
	return secrets.New(RenewedToken), nil
}

// Method asserts r was sent with method want.
func Method(t testing.TB, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s; want %s", r.Method, want)
	}
}

// Header asserts r's header name is want ("" for absent).
func Header(t testing.TB, r *http.Request, name, want string) {
	t.Helper()
	if got := r.Header.Get(name); got != want {
		t.Errorf("header %s = %q; want %q", name, got, want)
	}
}

// Query asserts r's query is exactly want.
func Query(t testing.TB, r *http.Request, want url.Values) {
	t.Helper()
	if got := r.URL.Query(); !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v; want %v", got, want)
	}
}

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
