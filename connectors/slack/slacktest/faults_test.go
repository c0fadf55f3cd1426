package slacktest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind   FaultKind
		status int
		code   string
		header string // Retry-After
	}{
		{FaultServerError, http.StatusInternalServerError, "", ""},
		{FaultRateLimited, http.StatusTooManyRequests, "ratelimited", "2"},
		{FaultThrottled, http.StatusOK, "ratelimited", "2"},
		{FaultExpiredToken, http.StatusOK, "token_expired", ""},
	} {
		t.Run(tc.kind.String()+" answers as Slack does, once", func(t *testing.T) {
			t.Parallel()
			s, c := start(t, Options{RetryAfter: 1500 * time.Millisecond})
			s.Fail(tc.kind, 1)
			res := c.get("auth.test", nil)
			if res.status != tc.status || res.errCode() != tc.code || res.header.Get("Retry-After") != tc.header {
				t.Errorf("answer %d %s Retry-After %q", res.status, res.body, res.header.Get("Retry-After"))
			}
			mustOK(t, c.get("auth.test", nil))
			noViolations(t, s)
		})
	}
}

func TestFailWithErrorAnswersAnyCodeToTheMethodsNamed(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	s.FailWithError("fatal_error", 2, "users.list")
	mustOK(t, c.get("auth.test", nil))
	wantError(t, c.get("users.list", nil), "fatal_error")
	wantError(t, c.get("users.list", nil), "fatal_error")
	mustOK(t, c.get("users.list", nil))
	noViolations(t, s)
}

func TestAMalformedBodyIsNotJSON(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{})
	s.Fail(FaultMalformedBody, 1)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.BaseURL()+"/users.list", nil)
	req.Header.Set("Authorization", "Bearer "+DefaultBotToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || json.Valid(b) {
		t.Errorf("answer %d %q; want a 200 that is cut short", res.StatusCode, b)
	}
}

func TestAResetDropsTheConnection(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	s.Fail(FaultConnectionReset, 1, "users.list")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.BaseURL()+"/users.list", nil)
	req.Header.Set("Authorization", "Bearer "+DefaultBotToken)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("answer %d; want the connection dropped", res.StatusCode)
	}
	mustOK(t, c.get("users.list", url.Values{"limit": {"1"}}))
}

func TestAHeldRequestIsReleasedWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{})
	s.Fail(FaultTimeout, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL()+"/auth.test", nil)
	req.Header.Set("Authorization", "Bearer "+DefaultBotToken)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("answer %d; want the request held until the client gave up", res.StatusCode)
	}
}

func TestFailRefusesAnUnknownKind(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Fail(42) did not panic")
		}
	}()
	New(Options{}).Fail(FaultKind(42), 1)
}
