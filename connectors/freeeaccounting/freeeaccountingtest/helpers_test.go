package freeeaccountingtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

var jst = time.FixedZone("JST", 9*60*60)

// fixedNow is the clock of most tests: early November 2026, the demo month October.
func fixedNow() time.Time { return time.Date(2026, 11, 2, 12, 0, 0, 0, jst) }

// start runs a sandbox for October 2026 and fails the test if any of its traffic broke
// accounting.json, unless the test expects violations (allowViolations).
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Year == 0 {
		opts.Year, opts.Month = 2026, time.October
	}
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	s := New(opts)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func noViolations(t *testing.T, s *Server) {
	t.Helper()
	t.Cleanup(func() {
		for _, v := range s.Violations() {
			t.Errorf("violation: %s", v)
		}
	})
}

// api sends an authorised request and returns the status, headers and body.
func api(t *testing.T, s *Server, method, path string, body any) (int, http.Header, []byte) {
	t.Helper()
	return send(t, s, method, path, body, "Bearer "+s.IssueToken().AccessToken)
}

func send(t *testing.T, s *Server, method, path string, body any, auth string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL()+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
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
	return resp.StatusCode, resp.Header, b
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}
