package chatworktest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind  FaultKind
		check func(t *testing.T, a answer, err error)
	}{
		{FaultServerError, func(t *testing.T, a answer, err error) {
			if err != nil || a.status != 500 {
				t.Errorf("%d %v", a.status, err)
			}
		}},
		{FaultRateLimited, func(t *testing.T, a answer, err error) {
			if err != nil || a.status != 429 || a.header.Get("Retry-After") != "2" {
				t.Errorf("%d Retry-After %q %v", a.status, a.header.Get("Retry-After"), err)
			}
		}},
		{FaultThrottled, func(t *testing.T, a answer, err error) {
			reset, _ := strconv.ParseInt(a.header.Get("X-RateLimit-Reset"), 10, 64)
			if err != nil || a.status != 429 || a.header.Get("Retry-After") != "" || a.header.Get("X-RateLimit-Remaining") != "0" ||
				reset < time.Now().Unix()+1 || reset > time.Now().Unix()+3 {
				t.Errorf("%d %v %v; want 429 with the window spent until about 2 s from now, no Retry-After", a.status, a.header, err)
			}
		}},
		{FaultRevokedToken, func(t *testing.T, a answer, err error) {
			if err != nil || a.status != 401 || string(a.body) != `{"errors":["Invalid API token"]}` {
				t.Errorf("%d %s %v", a.status, a.body, err)
			}
		}},
		{FaultMalformedBody, func(t *testing.T, a answer, err error) {
			if err != nil || a.status != 200 || string(a.body) == "" || a.body[len(a.body)-1] == ']' {
				t.Errorf("%d %s %v", a.status, a.body, err)
			}
		}},
		{FaultConnectionReset, func(t *testing.T, _ answer, err error) {
			if err == nil {
				t.Error("want a transport error")
			}
		}},
		{FaultTimeout, func(t *testing.T, _ answer, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v; want the client's deadline", err)
			}
		}},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			s := start(t, Options{RetryAfter: 2 * time.Second})
			s.Fail(tc.kind, 1, "getRooms")
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			a, err := get(ctx, s, "/rooms")
			tc.check(t, a, err)
			if tc.kind == FaultThrottled {
				if a, _ := get(t.Context(), s, "/me"); a.status != 429 {
					t.Errorf("after the throttle another call: %d; want 429 until the reset", a.status)
				}
				return
			}
			if a, err := get(t.Context(), s, "/rooms"); err != nil || a.status != 200 {
				t.Errorf("the next call: %d %v; a fault armed for one call fires once", a.status, err)
			}
		})
	}
}

func TestFailMatchesByOperationOrPath(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	s.Fail(FaultServerError, 2, "POST /v2/rooms/*/messages")
	s.Fail(FaultServerError, 1, "/v2/me")
	if a, _ := get(t.Context(), s, "/rooms"); a.status != 200 {
		t.Errorf("an unmatched call: %d", a.status)
	}
	if a, _ := get(t.Context(), s, "/me"); a.status != 500 {
		t.Errorf("a path match: %d", a.status)
	}
	for i := range 3 {
		a := do(t, s, request{method: http.MethodPost, path: fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID), form: map[string][]string{"body": {"x"}}})
		if want := map[bool]int{true: 500, false: 200}[i < 2]; a.status != want {
			t.Errorf("post %d: %d; want %d", i, a.status, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown fault kind must panic")
		}
	}()
	s.Fail(FaultKind(99), 1)
}

// get is a GET that returns transport errors instead of failing the test.
func get(ctx context.Context, s *Server, path string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL()+path, nil)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("X-ChatWorkToken", DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}, err
}
