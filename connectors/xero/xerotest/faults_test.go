package xerotest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestFail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind    FaultKind
		status  int
		problem string
	}{
		{FaultServerError, 500, ""},
		{FaultRateLimited, 429, LimitMinute},
		{FaultDayLimit, 429, LimitDay},
		{FaultConcurrentLimit, 429, LimitConcurrent},
		{FaultMalformedBody, 200, ""},
		{FaultExpiredToken, 401, ""},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			s, c := start(t, october2026())
			s.Fail(tc.kind, 2, "accounting.getAccounts")
			for range 2 {
				res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil)
				if res.status != tc.status || res.header.Get("X-Rate-Limit-Problem") != tc.problem {
					t.Fatalf("%d %q; want %d %q", res.status, res.header.Get("X-Rate-Limit-Problem"), tc.status, tc.problem)
				}
				if tc.status == 429 && res.header.Get("Retry-After") == "" {
					t.Fatal("a 429 without Retry-After")
				}
			}
			// Spent after two; other operations were never affected.
			if res := c.do(http.MethodGet, "/api.xro/2.0/Accounts", nil); res.status != 200 {
				t.Fatalf("third call: %d", res.status)
			}
			if n := s.Requests()["accounting.getAccounts"]; n != 3 {
				t.Fatalf("%d requests counted; want 3", n)
			}
			noViolations(t, s)
		})
	}
}

func TestFail_matchesByPathAndDefaultsToTheAPI(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	s.Fail(FaultServerError, 1, "PUT /api.xro/2.0/ManualJournals")
	if res := c.do(http.MethodGet, "/api.xro/2.0/ManualJournals", nil); res.status != 200 {
		t.Fatalf("a GET matched a PUT fault: %d", res.status)
	}
	if res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("n")); res.status != 500 {
		t.Fatalf("the PUT: %d; want 500", res.status)
	}
	s.Fail(FaultServerError, 1)
	if res := c.tokenRequest(s.opts.RefreshToken, s.opts.ClientSecret); res.status != 200 {
		t.Fatalf("an unmatched fault reached the token endpoint: %d", res.status)
	}
	if res := c.do(http.MethodGet, "/Connections", nil); res.status != 500 {
		t.Fatalf("an unmatched fault skipped the API: %d", res.status)
	}
	if len(s.ManualJournals()) != 0 {
		t.Fatal("a faulted PUT wrote a journal")
	}
}

func TestFail_lostAnswerServesThenDrops(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	s.Fail(FaultLostAnswer, 1, "accounting.createManualJournals")
	if _, err := c.try(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("n")); err == nil {
		t.Fatal("the answer arrived")
	}
	if len(s.ManualJournals()) != 1 {
		t.Fatal("the journal was not written before the answer was lost")
	}
	s.Fail(FaultLostAnswer, 1, OAuthOp)
	if _, err := c.http.PostForm(s.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.opts.RefreshToken},
		"client_id": {s.opts.ClientID}, "client_secret": {s.opts.ClientSecret}}); err == nil {
		t.Fatal("the token answer arrived")
	}
	if granted, _ := s.Refreshes(); granted != 1 {
		t.Fatalf("granted %d; the refresh was to be spent before the answer was lost", granted)
	}
}

func TestFail_connectionResetAndTimeout(t *testing.T) {
	t.Parallel()
	opts := october2026()
	opts.HoldTimeout = time.Minute
	s, c := start(t, opts)
	s.Fail(FaultConnectionReset, 1)
	if _, err := c.try(http.MethodGet, "/api.xro/2.0/Accounts", nil); err == nil {
		t.Fatal("a reset connection answered")
	}
	s.Fail(FaultTimeout, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL()+"/api.xro/2.0/Accounts", nil)
	if _, err := c.http.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v; want the client's deadline", err)
	}
}

func TestFail_panicsOnNonsense(t *testing.T) {
	t.Parallel()
	s := New(october2026())
	for _, f := range []func(){
		func() { s.Fail(FaultKind(99), 1) },
		func() { s.Fail(FaultServerError, 1, "GET /[") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
	if FaultKind(99).String() != "FaultKind(99)" {
		t.Error(FaultKind(99).String())
	}
}
