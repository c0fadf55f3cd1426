package chatwork

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

// baseURLPath is a non-empty path the API is mounted under, as Chatwork's is (/v2), so that
// a request built without the base path fails the test.
const baseURLPath = "/v2"

// testToken is the API token the test clients send.
const testToken = "test-api-token-9f3c"

// testPolicy is Chatwork's policy with millisecond backoff and no proactive limit, so error
// paths run fast; the rate headers are Chatwork's own.
func testPolicy() httpx.Policy {
	p := Policy(DefaultRequestsPer5Min)
	p.Rate = 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return p
}

// setup returns a client wired to a test server whose mux is mounted under baseURLPath.
func setup(t *testing.T) (*Client, *http.ServeMux) {
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
	client, err := NewClient(httpx.New(testPolicy()), secrets.New(testToken), srv.URL+baseURLPath)
	if err != nil {
		t.Fatal(err)
	}
	client.SecretName = "secret CHATWORK"
	return client, mux
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s; want %s", r.Method, want)
	}
}

// testAuthorized asserts the request carries the API token the way Chatwork reads it, and
// nothing in the Authorization header.
func testAuthorized(t *testing.T, r *http.Request) {
	t.Helper()
	if got := r.Header.Get("X-ChatWorkToken"); got != testToken {
		t.Errorf("X-ChatWorkToken = %q; want the API token", got)
	}
	if got := r.Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q; the API token goes in X-ChatWorkToken only", got)
	}
}

// testQuery asserts the query is exactly want.
func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	got := r.URL.Query()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v; want %v", got, want)
	}
}

// testForm asserts the body is the form want, form-encoded, and the query is empty.
func testForm(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q; want application/x-www-form-urlencoded", ct)
	}
	testQuery(t, r, nil)
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := url.ParseQuery(string(b))
	if err != nil {
		t.Fatalf("body %q is not form-encoded: %v", b, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("form = %v; want %v", got, want)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErrors(w http.ResponseWriter, status int, msgs ...string) {
	writeJSON(w, status, map[string][]string{"errors": msgs})
}
