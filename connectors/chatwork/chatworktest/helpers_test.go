package chatworktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// start runs a sandbox of 20 people on loopback and fails the test on any contract breach
// it saw, unless the test took them with takeViolations.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Employees == 0 {
		opts.Employees = 20
	}
	if opts.Seed == 0 {
		opts.Seed = 3
	}
	s := New(opts)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		for _, v := range s.Violations() {
			t.Errorf("unexpected contract breach: %s", v)
		}
	})
	return s
}

// takeViolations returns the breaches so far and forgets them, for tests that cause some
// on purpose.
func takeViolations(s *Server) []Violation { return s.violations.Take() }

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("status %d body %q: %v", a.status, a.body, err)
	}
}

// request is a raw request to the sandbox.
type request struct {
	method, path string
	token        string
	query        url.Values
	form         url.Values
	// body and contentType, when set, replace the form.
	body, contentType string
}

func do(t *testing.T, s *Server, r request) answer {
	t.Helper()
	u := s.BaseURL() + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	ct := r.contentType
	switch {
	case r.body != "":
		body = strings.NewReader(r.body)
	case r.form != nil:
		body, ct = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(t.Context(), cmpOr(r.method, http.MethodGet), u, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	switch r.token {
	case "":
		req.Header.Set("X-ChatWorkToken", DefaultToken)
	case "-":
	default:
		req.Header.Set("X-ChatWorkToken", r.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// clock is a settable time for the rate windows and send times.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
