package freeetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEachFaultAnswersAsTheVendorWouldThenServingResumes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind  FaultKind
		check func(t *testing.T, res response, err error)
	}{
		{FaultServerError, func(t *testing.T, res response, err error) {
			if err != nil || res.status != http.StatusInternalServerError || problemOf(t, res).Errors[0].Type != "internal_server_error" {
				t.Errorf("got %d %s %v", res.status, res.body, err)
			}
		}},
		{FaultRateLimited, func(t *testing.T, res response, err error) {
			if err != nil || res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "1" {
				t.Errorf("got %d Retry-After %q %v", res.status, res.header.Get("Retry-After"), err)
			}
		}},
		{FaultThrottled, func(t *testing.T, res response, err error) {
			if err != nil || res.status != http.StatusForbidden || problemOf(t, res).Errors[0].Type != "too_many_requests" {
				t.Errorf("got %d %s %v", res.status, res.body, err)
			}
		}},
		{FaultMalformedBody, func(t *testing.T, res response, err error) {
			var v any
			if err != nil || res.status != http.StatusOK || json.Unmarshal(res.body, &v) == nil {
				t.Errorf("got %d %s %v, want 200 with broken JSON", res.status, res.body, err)
			}
		}},
		{FaultExpiredToken, func(t *testing.T, res response, err error) {
			if err != nil || res.status != http.StatusUnauthorized || !strings.Contains(string(res.body), "expired_access_token") {
				t.Errorf("got %d %s %v", res.status, res.body, err)
			}
		}},
		{FaultConnectionReset, func(t *testing.T, res response, err error) {
			if err == nil {
				t.Errorf("got %d %s, want the connection dropped", res.status, res.body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			s, c := start(t, april2026())
			s.Fail(tt.kind, 1)
			res, err := c.try(http.MethodGet, "/api/v1/users/me", nil)
			tt.check(t, res, err)
			if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusOK {
				t.Errorf("after the fault: %d %s", res.status, res.body)
			}
			if n := s.Requests()["get_users_me"]; n != 2 {
				t.Errorf("requests counted = %d, want 2", n)
			}
			noViolations(t, s) // a deliberate fault is not the sandbox breaking hr.json
		})
	}
}

func TestATimeoutHoldsTheRequestUntilTheClientGivesUp(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	opts := april2026()
	opts.OnRequest = func(string) { arrived <- struct{}{} }
	s, c := start(t, opts)
	s.Fail(FaultTimeout, 1)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL()+"/api/v1/users/me", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	<-arrived
	select {
	case err := <-done:
		t.Fatalf("the request was answered while held: %v", err)
	default:
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("client error = %v, want context.Canceled", err)
	}
}

func TestATimeoutEndsWith504AfterTheHoldBound(t *testing.T) {
	t.Parallel()
	opts := april2026()
	opts.HoldTimeout = time.Millisecond
	s, c := start(t, opts)
	s.Fail(FaultTimeout, 1)
	if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusGatewayTimeout {
		t.Errorf("status = %d, want 504", res.status)
	}
}

func TestFaultsCanBeAimedAndCounted(t *testing.T) {
	t.Parallel()
	put := fmt.Sprintf("/api/v1/employees/%d/work_record_summaries/2026/4", normalID)
	body := map[string]any{"company_id": 1}
	tests := []struct {
		name  string
		match []string
	}{
		{"by method and path glob", []string{"PUT /hr/api/v1/employees/*/work_record_summaries/*/*"}},
		{"by operationId", []string{"update_employee_work_record_summary"}},
		{"by path glob with any method", []string{"* /hr/api/v1/employees/*/work_record_summaries/*/*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := start(t, april2026())
			s.Fail(FaultServerError, 2, tt.match...)
			if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusOK {
				t.Errorf("a request the fault does not aim at: %d", res.status)
			}
			var statuses []int
			for range 3 {
				statuses = append(statuses, c.do(http.MethodPut, put, body).status)
			}
			if fmt.Sprint(statuses) != "[500 500 200]" {
				t.Errorf("PUT statuses = %v, want two failures then success", statuses)
			}
			if n := s.PutCount(normalID, 2026, time.April); n != 1 {
				t.Errorf("PutCount = %d, want 1: failed PUTs must not be stored", n)
			}
		})
	}
}

func TestTheTokenEndpointFailsOnlyWhenAimedAt(t *testing.T) {
	t.Parallel()
	s, c := start(t, april2026())
	s.Fail(FaultServerError, 1) // API calls only
	if res := c.tokenRequest(refreshForm("freeetest-refresh-token")); res.status != http.StatusOK {
		t.Fatalf("an unaimed fault hit the token endpoint: %d", res.status)
	}
	s.Fail(FaultConnectionReset, 1, OAuthOp)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.TokenURL(), strings.NewReader(refreshForm("x").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Errorf("token endpoint answered %d, want the connection dropped", res.StatusCode)
	}
	if res := c.do(http.MethodGet, "/api/v1/users/me", nil); res.status != http.StatusInternalServerError {
		t.Errorf("the armed API fault: %d, want 500", res.status)
	}
}

func TestFailPanicsOnABadGlob(t *testing.T) {
	t.Parallel()
	s := New(april2026())
	defer func() {
		if recover() == nil {
			t.Error("no panic for a malformed glob")
		}
	}()
	s.Fail(FaultServerError, 1, "GET /hr/[")
}
