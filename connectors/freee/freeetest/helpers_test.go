package freeetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// april2026 is the demo month most tests use: 1 April 2026 is a Wednesday, so the 1st
// Saturday is the 4th, the 2nd Sunday the 12th, the 2nd Monday the 13th, the 2nd Tuesday
// the 14th, the 3rd Wednesday the 15th, the 3rd Thursday the 16th, the 3rd Friday the 17th.
func april2026() Options { return Options{Year: 2026, Month: time.April} }

// Employee ids by profile (employee i has profiles[i%10]).
const (
	normalID     = 1001
	overtimeID   = 1002
	lateNightID  = 1003
	weekendID    = 1004
	paidLeaveID  = 1005
	absenceID    = 1006
	variedID     = 1008
	wrongCompany = 999
)

// start runs a sandbox on loopback for the test and returns a client authorised on it.
func start(t testing.TB, opts Options) (*Server, *client) {
	t.Helper()
	s := New(opts)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, &client{t: t, s: s, token: s.IssueToken().AccessToken, http: &http.Client{}}
}

// client is a bare HTTP client for the sandbox: no connector code, only what hr.json says.
type client struct {
	t     testing.TB
	s     *Server
	token string
	http  *http.Client
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to the HR API; path is relative to the base URL (/hr).
func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	res, err := c.try(method, path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func (c *client) try(method, path string, body any) (response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx := c.t.Context()
	req, err := http.NewRequestWithContext(ctx, method, c.s.BaseURL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{res.StatusCode, res.Header, b}, nil
}

// get sends a GET and decodes a 200 body into v.
func (c *client) get(path string, v any) response {
	c.t.Helper()
	res := c.do(http.MethodGet, path, nil)
	if res.status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, res.status, res.body)
	}
	if err := json.Unmarshal(res.body, v); err != nil {
		c.t.Fatalf("GET %s: decode: %v\n%s", path, err, res.body)
	}
	return res
}

// token posts to the token endpoint.
func (c *client) tokenRequest(form url.Values) response {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodPost, c.s.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST token: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

// problemOf decodes freee's problem body.
func problemOf(t testing.TB, res response) problem {
	t.Helper()
	var p problem
	if err := json.Unmarshal(res.body, &p); err != nil || len(p.Errors) == 0 {
		t.Fatalf("want a problem body, got %d %s", res.status, res.body)
	}
	return p
}

// noViolations fails the test if any request or response broke hr.json.
func noViolations(t testing.TB, s *Server) {
	t.Helper()
	for _, v := range s.Violations() {
		t.Errorf("violation: %s", v)
	}
}

// fakeClock is a settable time for token and rate-limit tests; the sandbox reads it from
// its request goroutines.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}
