package slacktest

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

// start runs a sandbox on loopback for the test and returns a client holding its bot token.
func start(t testing.TB, opts Options) (*Server, *client) {
	t.Helper()
	s := New(opts)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, &client{t: t, s: s, token: s.Options().BotToken, http: &http.Client{}}
}

// client is a bare HTTP client for the sandbox: no connector code, only what Slack's
// description and documentation say.
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
	doc    map[string]any
}

// ok reports the answer's "ok"; errCode its "error".
func (r response) ok() bool        { v, _ := r.doc["ok"].(bool); return v }
func (r response) errCode() string { v, _ := r.doc["error"].(string); return v }

// get calls a read method with query parameters.
func (c *client) get(method string, q url.Values) response {
	c.t.Helper()
	u := c.s.BaseURL() + "/" + method
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodGet, u, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.send(req)
}

// postJSON calls a write method with a JSON body.
func (c *client) postJSON(method string, body any) response {
	c.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.post(method, "application/json; charset=utf-8", b)
}

// postForm calls a write method with a form body.
func (c *client) postForm(method string, form url.Values) response {
	c.t.Helper()
	return c.post(method, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func (c *client) post(method, contentType string, body []byte) response {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodPost, c.s.BaseURL()+"/"+method, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return c.send(req)
}

func (c *client) send(req *http.Request) response {
	c.t.Helper()
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	out := response{status: res.StatusCode, header: res.Header, body: b}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &out.doc); err != nil {
			c.t.Fatalf("%s: answer is not JSON: %v\n%s", req.URL.Path, err, b)
		}
	}
	return out
}

// mustOK fails the test unless the answer is HTTP 200 with "ok": true.
func mustOK(t testing.TB, r response) response {
	t.Helper()
	if r.status != http.StatusOK || !r.ok() {
		t.Fatalf("answer %d %s; want 200 ok:true", r.status, r.body)
	}
	return r
}

// wantError fails the test unless the answer is HTTP 200, "ok": false with code.
func wantError(t testing.TB, r response, code string) {
	t.Helper()
	if r.status != http.StatusOK || r.ok() || r.errCode() != code {
		t.Fatalf("answer %d %s; want 200 ok:false %s", r.status, r.body, code)
	}
}

// noViolations fails the test if any call, response or event broke the description.
func noViolations(t testing.TB, s *Server) {
	t.Helper()
	for _, v := range s.Violations() {
		t.Errorf("violation: %s", v)
	}
}

// fakeClock is a settable time; the sandbox reads it from its request goroutines.
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
