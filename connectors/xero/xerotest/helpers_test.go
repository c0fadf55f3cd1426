package xerotest

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

// october2026 is the demo month most tests use.
func october2026() Options { return Options{Year: 2026, Month: time.October} }

// start runs a sandbox on loopback for the test and returns a client authorised on it for
// the demo organisation.
func start(t testing.TB, opts Options) (*Server, *client) {
	t.Helper()
	s := New(opts)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, &client{t: t, s: s, token: s.IssueToken().AccessToken, tenant: s.TenantID(), http: &http.Client{}}
}

// client is a bare HTTP client for the sandbox: no connector code, only what the
// descriptions say.
type client struct {
	t      testing.TB
	s      *Server
	token  string
	tenant string
	http   *http.Client
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; path is relative to the host, e.g. /api.xro/2.0/Accounts. A body
// that is a string is sent as is. header adds or, with "", removes headers.
func (c *client) do(method, path string, body any, header ...string) response {
	c.t.Helper()
	res, err := c.try(method, path, body, header...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func (c *client) try(method, path string, body any, header ...string) (response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.s.BaseURL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("xero-tenant-id", c.tenant)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
			continue
		}
		req.Header.Set(header[i], header[i+1])
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

// tokenRequest posts a refresh to the token endpoint with the client in Basic auth.
func (c *client) tokenRequest(refresh, clientSecret string) response {
	c.t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	req, err := http.NewRequestWithContext(c.t.Context(), http.MethodPost, c.s.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.s.opts.ClientID, clientSecret)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST token: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

// noViolations fails the test if any request or response broke its description.
func noViolations(t testing.TB, s *Server) {
	t.Helper()
	for _, v := range s.Violations() {
		t.Errorf("violation: %s", v)
	}
}

// fakeClock is a settable time for token and limit tests; the sandbox reads it from its
// request goroutines.
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

// journal is a balanced manual journal request body.
func journal(narration string) map[string]any {
	return map[string]any{"ManualJournals": []map[string]any{{
		"Narration": narration, "Date": "2026-10-09", "Status": "POSTED", "LineAmountTypes": "Inclusive",
		"JournalLines": []map[string]any{
			{"LineAmount": 1320, "AccountCode": "6110", "TaxType": "TAX001", "Description": "電車代"},
			{"LineAmount": -1320, "AccountCode": "2110"},
		},
	}}}
}

// accountingMessages reads the accounting API's 400 body into its messages.
func accountingMessages(t testing.TB, res response) []string {
	t.Helper()
	var e accountingError
	if err := json.Unmarshal(res.body, &e); err != nil || e.Type != "ValidationException" {
		t.Fatalf("want a ValidationException, got %d %s", res.status, res.body)
	}
	var msgs []string
	for _, el := range e.Elements {
		for _, v := range el.ValidationErrors {
			msgs = append(msgs, v.Message)
		}
	}
	return msgs
}

// payrollReason reads the payroll API's 400 problem into its first invalid field.
func payrollReason(t testing.TB, res response) invalidField {
	t.Helper()
	var p payrollProblem
	if err := json.Unmarshal(res.body, &p); err != nil || len(p.InvalidFields) == 0 || res.status != 400 {
		t.Fatalf("want a payroll problem, got %d %s", res.status, res.body)
	}
	return p.InvalidFields[0]
}
