package githubtest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	const path = "/api/v3/repos/demo-company/back-office/issues/1"
	for _, tc := range []struct {
		kind   FaultKind
		status int
		check  func(t *testing.T, resp *http.Response, body []byte)
	}{
		{FaultServerError, 500, func(t *testing.T, _ *http.Response, body []byte) {
			if message(t, body) != "Server Error" {
				t.Errorf("body %s", body)
			}
		}},
		{FaultRateLimited, 429, func(t *testing.T, resp *http.Response, _ []byte) {
			if resp.Header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
			}
		}},
		{FaultSecondaryRateLimit, 403, func(t *testing.T, resp *http.Response, body []byte) {
			if resp.Header.Get("Retry-After") != "1" || !contains(body, "#about-secondary-rate-limits") {
				t.Errorf("%v %s", resp.Header, body)
			}
		}},
		{FaultPrimaryRateLimit, 403, func(t *testing.T, resp *http.Response, _ []byte) {
			if resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") == "" {
				t.Errorf("headers %v", resp.Header)
			}
		}},
		{FaultMalformedBody, 200, func(t *testing.T, _ *http.Response, body []byte) {
			if contains(body, "}") {
				t.Errorf("body %s is not truncated", body)
			}
		}},
		{FaultExpiredToken, 401, func(t *testing.T, _ *http.Response, body []byte) {
			if message(t, body) != "Bad credentials" {
				t.Errorf("body %s", body)
			}
		}},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			s := start(t, Options{})
			s.Fail(tc.kind, 2, "issues/get")
			for i := range 2 {
				resp, body := raw(t, s, http.MethodGet, path, "", nil)
				if resp.StatusCode != tc.status {
					t.Fatalf("request %d: %d %s; want %d", i+1, resp.StatusCode, body, tc.status)
				}
				tc.check(t, resp, body)
			}
			if resp, _ := raw(t, s, http.MethodGet, path, "", nil); resp.StatusCode != http.StatusOK {
				t.Errorf("the third request: %d; the fault was armed for two", resp.StatusCode)
			}
			if got := s.Requests()["issues/get"]; got != 3 {
				t.Errorf("Requests counts %d; want every request, faults included", got)
			}
			noViolations(t, s)
		})
	}
}

func TestFaultsMatchByPathGlobAndMethod(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	s.Fail(FaultServerError, 1, "POST /api/v3/repos/*/*/issues")
	if resp, _ := raw(t, s, http.MethodGet, "/api/v3/repos/demo-company/back-office/issues", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a GET of the same path: %d; the fault is for POST", resp.StatusCode)
	}
	if resp, _ := raw(t, s, http.MethodPost, "/api/v3/repos/demo-company/back-office/issues", `{"title":"x"}`, nil); resp.StatusCode != 500 {
		t.Errorf("the POST: %d; want the fault", resp.StatusCode)
	}
	if n := len(s.Issues(owner, repo)); n != 3 {
		t.Errorf("%d issues; a faulted create must not be applied", n)
	}
	s.Fail(FaultServerError, 1)
	if resp, _ := raw(t, s, http.MethodGet, "/api/v3/repos/demo-company/back-office/contents/faq", "", nil); resp.StatusCode != 500 {
		t.Errorf("a fault without a match: %d; want it on any request", resp.StatusCode)
	}
}

func TestFaultTimeoutHoldsUntilTheClientGivesUp(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	s.Fail(FaultTimeout, 1, "issues/get")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, err := client(t, s).Issues.Get(ctx, owner, repo, 1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v; want the client's deadline", err)
	}
}

func TestFaultTimeoutAnswers504AfterHoldTimeout(t *testing.T) {
	t.Parallel()
	s := start(t, Options{HoldTimeout: time.Millisecond})
	s.Fail(FaultTimeout, 1)
	if resp, _ := raw(t, s, http.MethodGet, "/api/v3/repos/demo-company/back-office/issues/1", "", nil); resp.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("status %d; want 504", resp.StatusCode)
	}
}

func TestFaultConnectionResetDropsTheConnection(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	s.Fail(FaultConnectionReset, 1)
	_, _, err := client(t, s).Issues.Get(t.Context(), owner, repo, 1)
	var er *gh.ErrorResponse
	if err == nil || errors.As(err, &er) {
		t.Errorf("err = %v; want a network error, no answer", err)
	}
}

func TestFailPanicsOnAnUnknownKindOrABadGlob(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	for name, f := range map[string]func(){
		"unknown kind": func() { s.Fail(FaultKind(99), 1) },
		"bad glob":     func() { s.Fail(FaultServerError, 1, "GET /api/[") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: want a panic", name)
				}
			}()
			f()
		}()
	}
}
