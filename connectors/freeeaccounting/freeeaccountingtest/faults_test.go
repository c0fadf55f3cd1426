package freeeaccountingtest

import (
	"errors"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind   FaultKind
		status int
		check  func(t *testing.T, h http.Header, body string)
	}{
		{FaultServerError, 500, func(t *testing.T, _ http.Header, body string) {
			if !strings.Contains(body, `"status_code":500`) {
				t.Errorf("body %s", body)
			}
		}},
		{FaultRateLimited, 429, func(t *testing.T, h http.Header, _ string) {
			if h.Get("Retry-After") != "2" || h.Get("X-Ratelimit-Remaining") != "0" {
				t.Errorf("headers %v", h)
			}
		}},
		{FaultThrottled, 403, func(t *testing.T, _ http.Header, body string) {
			if !strings.Contains(body, "制限しています") {
				t.Errorf("body %s", body)
			}
		}},
		{FaultExpiredToken, 401, func(t *testing.T, _ http.Header, body string) {
			if !strings.Contains(body, "expired_access_token") {
				t.Errorf("body %s", body)
			}
		}},
		{FaultMalformedBody, 200, func(t *testing.T, _ http.Header, body string) {
			if strings.HasSuffix(body, "}") {
				t.Errorf("body %s is complete", body)
			}
		}},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			s := start(t, Options{RetryAfter: 1500 * time.Millisecond})
			s.Fail(tc.kind, 1, "GET /api/1/expense_applications/*")
			status, h, body := api(t, s, http.MethodGet, "/api/1/expense_applications/1001?company_id=1", nil)
			if status != tc.status {
				t.Fatalf("status %d; want %d", status, tc.status)
			}
			tc.check(t, h, string(body))
			if status, _, _ := api(t, s, http.MethodGet, "/api/1/expense_applications/1001?company_id=1", nil); status != 200 {
				t.Errorf("the next request: %d; a fault armed for one request lasts one", status)
			}
			if len(s.Violations()) != 0 {
				t.Errorf("a deliberate fault was recorded as a violation: %v", s.Violations())
			}
		})
	}
}

func TestFaultsMatchByOperationAndSpareTheTokenEndpoint(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	s.Fail(FaultServerError, 2)
	s.Fail(FaultServerError, 1, "create_manual_journal")
	if status, _ := refresh(t, s, grant(DefaultRefreshToken)); status != 200 {
		t.Errorf("the token endpoint answered %d to an unscoped fault", status)
	}
	for i, want := range []int{500, 500, 200} {
		if status, _, _ := api(t, s, http.MethodGet, "/api/1/users/me", nil); status != want {
			t.Errorf("request %d: %d; want %d", i, status, want)
		}
	}
	s.Fail(FaultServerError, 1, OAuthOp)
	if status, _ := refresh(t, s, grant("x")); status != 500 {
		t.Errorf("a fault armed for the token endpoint: %d", status)
	}
	if got := s.Requests()["get_users_me"]; got != 3 {
		t.Errorf("counted %d requests; faults count too", got)
	}
}

func TestConnectionFaults(t *testing.T) {
	t.Parallel()
	s := start(t, Options{HoldTimeout: 50 * time.Millisecond})
	s.Fail(FaultConnectionReset, 1, "get_users_me")
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/1/users/me", nil)
	_, err := http.DefaultClient.Do(req)
	if err == nil || !(errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "reset")) {
		t.Errorf("reset: %v", err)
	}
	s.Fail(FaultTimeout, 1, "get_users_me")
	if status, _, _ := api(t, s, http.MethodGet, "/api/1/users/me", nil); status != http.StatusGatewayTimeout {
		t.Errorf("a held request: %d; want 504 after HoldTimeout", status)
	}
}

func TestFailRefusesWhatItCannotDo(t *testing.T) {
	t.Parallel()
	s := New(Options{Year: 2026, Month: time.October})
	for name, f := range map[string]func(){
		"an unknown kind": func() { s.Fail(FaultKind(99), 1) },
		"a bad glob":      func() { s.Fail(FaultServerError, 1, "GET /api/1/[") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestTheDailyCapResetsAtMidnightInJapan(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 2, 23, 59, 0, 0, jst)
	s := start(t, Options{DailyLimit: 2, Now: func() time.Time { return now }})
	tok := "Bearer " + s.IssueToken().AccessToken
	for i, want := range []int{200, 200, 429} {
		status, h, body := send(t, s, http.MethodGet, "/api/1/users/me", nil, tok)
		if status != want {
			t.Fatalf("request %d: %d; want %d", i, status, want)
		}
		if status == 429 && (h.Get("X-Ratelimit-Reset") != "2026-11-03T00:00:00+09:00" || !strings.Contains(string(body), `"remaining":0`)) {
			t.Errorf("429 headers %v body %s", h, body)
		}
	}
	now = now.Add(2 * time.Minute)
	if status, _, _ := send(t, s, http.MethodGet, "/api/1/users/me", nil, tok); status != 200 {
		t.Errorf("after midnight: %d", status)
	}
}
