package slack

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

// baseURLPath is the path the Web API is mounted under, as Slack's is (/api), so that a
// request built without it fails the test.
const baseURLPath = "/api"

const testToken = "xoxb-test-token"

// fastPolicy keeps Slack's rules but backs off in milliseconds and has no proactive limit,
// so error paths run fast.
func fastPolicy(_ string, p httpx.Policy) httpx.Policy {
	p.Rate, p.Burst = 0, 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return p
}

// setup returns a client wired to a test server whose mux is mounted under baseURLPath.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
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
	opts = append([]Option{WithPolicy(fastPolicy), WithConnection("slack-test")}, opts...)
	client, err := NewClient(srv.URL+baseURLPath, secrets.New(testToken), opts...)
	if err != nil {
		t.Fatal(err)
	}
	// Pace posts a millisecond apart: the pace itself is tested in limits_test.go.
	client.pacer = newChannelPacer(time.Millisecond)
	return client, mux
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

// testAuthorized asserts the request carries the bot token as a bearer token, and never in
// the query.
func testAuthorized(t *testing.T, r *http.Request) {
	t.Helper()
	testHeader(t, r, "Authorization", "Bearer "+testToken)
	if r.URL.Query().Has("token") {
		t.Error("the token is in the query")
	}
}

// testJSONBody asserts the request is JSON with a charset and decodes it.
func testJSONBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	testHeader(t, r, "Content-Type", "application/json; charset=utf-8")
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, b)
	}
	return v
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
