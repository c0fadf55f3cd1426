package kingoftimetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind   FaultKind
		status int
		code   int
	}{
		{FaultServerError, http.StatusInternalServerError, CodeServerError},
		{FaultRateLimited, http.StatusTooManyRequests, CodeTooManyRequests},
		{FaultThrottled, http.StatusTooManyRequests, CodeTooManyRequests},
		{FaultRestricted, http.StatusForbidden, CodeRestrictedHours},
		{FaultBadToken, http.StatusForbidden, CodeAuthFailed},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			srv := start(t, Options{RetryAfter: 3 * time.Second})
			srv.Fail(tc.kind, 1, "GetEmployees")
			a := get(t, srv, "/employees")
			if code, _ := a.kotError(t); a.status != tc.status || code != tc.code {
				t.Fatalf("status %d %s; want %d with code %d", a.status, a.body, tc.status, tc.code)
			}
			if tc.kind == FaultRateLimited && a.header.Get("Retry-After") != "3" {
				t.Fatalf("Retry-After = %q; want 3", a.header.Get("Retry-After"))
			}
			if tc.kind == FaultThrottled && a.header.Get("Retry-After") != "" {
				t.Fatalf("KOT's throttle carries Retry-After %q; it documents none", a.header.Get("Retry-After"))
			}
			if a := get(t, srv, "/employees"); a.status != http.StatusOK {
				t.Fatalf("the fault fired more than once: %d", a.status)
			}
		})
	}
}

func TestFaultMalformedBody(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	srv.Fail(FaultMalformedBody, 1)
	a := get(t, srv, "/employees")
	if a.status != http.StatusOK || json.Valid(a.body) {
		t.Fatalf("status %d, body %s; want 200 with a body that is not JSON", a.status, a.body)
	}
}

func TestFaultConnectionReset(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	srv.Fail(FaultConnectionReset, 1, "GET /v1.0/employees")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.BaseURL()+"/employees", nil)
	req.Header.Set("Authorization", "Bearer "+DefaultToken)
	_, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err == nil || !(errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF")) {
		t.Fatalf("err = %v; want the connection reset", err)
	}
}

func TestFaultTimeoutHoldsUntilTheClientGivesUp(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{HoldTimeout: time.Minute})
	srv.Fail(FaultTimeout, 1, "/v1.0/daily-workings*")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.BaseURL()+"/daily-workings", nil)
	req.Header.Set("Authorization", "Bearer "+DefaultToken)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v; want the client's deadline", err)
	}
	if a := get(t, srv, "/employees"); a.status != http.StatusOK {
		t.Fatalf("a request the glob does not match was held or failed: %d", a.status)
	}
}

func TestFailMatchesByMethodAndPath(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{})
	srv.Fail(FaultServerError, 2, "POST /v1.0/daily-workings/timerecord/*")
	if a := get(t, srv, "/daily-workings/timerecord"); a.status != http.StatusOK {
		t.Fatalf("a GET was failed by a POST fault: %d", a.status)
	}
	key := srv.Employees()[0].Key
	a := do(t, srv, http.MethodPost, "/daily-workings/timerecord/"+key, DefaultToken, map[string]any{"date": "2026-11-02", "time": "2026-11-02T09:00:00+09:00"})
	if a.status != http.StatusInternalServerError {
		t.Fatalf("the POST = %d; want 500", a.status)
	}
	if got := srv.Requests()["RegisterDailyWorkingTimerecord"]; got != 1 {
		t.Fatalf("Requests counted %d punches; want the failed one counted", got)
	}
}

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	srv := start(t, Options{Seed: 9, Employees: 4})
	key := srv.Employees()[1].Key
	day := Day{Date: model.NewDate(2026, 10, 20), Punches: []Punch{
		{Time: time.Date(2026, 10, 20, 18, 0, 0, 0, jst), Code: PunchClockOut},
		{Time: time.Date(2026, 10, 20, 9, 30, 0, 0, jst), Code: PunchClockIn},
	}}
	if err := srv.SetDay(key, day); err != nil {
		t.Fatal(err)
	}
	var fresh struct {
		Token string `json:"token"`
	}
	do(t, srv, http.MethodPost, "/tokens/"+DefaultToken, DefaultToken, nil).decode(t, &fresh)

	var buf bytes.Buffer
	if err := srv.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	again := New(Options{Seed: 9, Employees: 4, Year: 2026, Month: time.October})
	if err := again.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	got, _ := again.Attendance(key, day.Date)
	if len(got.Punches) != 2 || got.Punches[0].Code != PunchClockIn || !got.Punches[0].Time.Equal(day.Punches[1].Time) || got.Kind != KindWeekday {
		t.Fatalf("restored day = %+v; want the set day, punches in time order", got)
	}
	if again.TokenActive(DefaultToken) || !again.TokenActive(fresh.Token) {
		t.Fatal("restored tokens: want the refreshed one active and the old one stopped")
	}
	other := New(Options{Seed: 10, Employees: 4})
	if err := other.LoadState(bytes.NewReader(buf.Bytes())); err == nil || !strings.Contains(err.Error(), "seed") {
		t.Fatalf("loading another seed's state: %v; want an error naming the seed", err)
	}
}
