package github

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

// baseURLPath is where a GitHub Enterprise Server serves its API; the mux is mounted under
// it, so that a request built without the base path fails the test.
const baseURLPath = "/api/v3"

const testToken = "ghp_test-token"

// testPolicy is GitHub's policy with millisecond backoff and no proactive limit, so error
// paths run fast; the throttle rules are GitHub's own.
func testPolicy() httpx.Policy {
	p := Policy(DefaultRequestsPerHour)
	p.Rate = 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return p
}

// setup returns a client wired to a test server whose mux is mounted under baseURLPath,
// reached through the connection's base_url as a GitHub Enterprise Server. Writes are not
// paced unless opts say so.
func setup(t *testing.T, opts ...ClientOption) (*Client, *http.ServeMux) {
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
	c, err := NewClient(httpx.New(testPolicy()), secrets.New(testToken), srv.URL, append([]ClientOption{WithWriteInterval(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mux
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s; want %s", r.Method, want)
	}
}

// testQuery asserts the query is exactly want.
func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	if got := r.URL.Query(); !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v; want %v", got, want)
	}
}

// testHeaders asserts what every request to GitHub carries.
func testHeaders(t *testing.T, r *http.Request) {
	t.Helper()
	for name, want := range map[string]string{
		"Authorization":        "Bearer " + testToken,
		"User-Agent":           userAgent,
		"X-GitHub-Api-Version": "2022-11-28",
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("header %s = %q; want %q", name, got, want)
		}
	}
}

// testBody asserts the JSON body is want.
func testBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	var got, exp any
	if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
		t.Fatalf("body: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("body = %v; want %v", got, exp)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// sandbox starts the GitHub sandbox for the test and, at its end, fails it on anything
// the sandbox found wrong in the connector's requests or its own answers.
func sandbox(t *testing.T, opts githubtest.Options) *githubtest.Server {
	t.Helper()
	s := githubtest.New(opts)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, v := range s.Violations() {
			t.Errorf("sandbox violation: %s", v)
		}
		s.Close()
	})
	return s
}

// connect builds a connection to the sandbox through the connector's constructor, as the
// hub does, without a pause between writes.
func connect(t *testing.T, s *githubtest.Server) *Connection {
	t.Helper()
	v, err := Connector.New(t.Context(), hub.Env{
		Connection: "github",
		BaseURL:    s.BaseURL(),
		Settings:   map[string]any{"owner": "demo-company", "repo": "back-office", "write_interval": time.Duration(0)},
		Secret:     secrets.New(`{"token":"` + githubtest.DefaultToken + `","webhook_secret":"` + githubtest.DefaultWebhookSecret + `"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := v.(*Connection)
	// Millisecond backoff: the sandbox's faults are retried without slowing the suite.
	hc := httpx.New(testPolicy())
	client, err := NewClient(hc, secrets.New(githubtest.DefaultToken), s.BaseURL(), WithWriteInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	c.Client = client
	return c
}
