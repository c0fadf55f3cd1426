package kingoftime

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/model"
)

// methodCalls is every service method, each with the path it must call.
var methodCalls = []struct {
	name string
	path string
	call func(context.Context, *Client) error
}{
	{"Employees.List", "/employees", func(ctx context.Context, c *Client) error {
		_, _, err := c.Employees.List(ctx, nil)
		return err
	}},
	{"Employees.Get", "/employees/E00001", func(ctx context.Context, c *Client) error {
		_, _, err := c.Employees.Get(ctx, "E00001", nil)
		return err
	}},
	{"DailyWorkings.List", "/daily-workings", func(ctx context.Context, c *Client) error {
		_, _, err := c.DailyWorkings.List(ctx, &RangeOptions{Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 31)})
		return err
	}},
	{"TimeRecords.List", "/daily-workings/timerecord", func(ctx context.Context, c *Client) error {
		_, _, err := c.TimeRecords.List(ctx, &TimeRecordsOptions{EmployeeKeys: []string{"k1"}})
		return err
	}},
	{"WorkingTypes.List", "/working-types", func(ctx context.Context, c *Client) error {
		_, _, err := c.WorkingTypes.List(ctx)
		return err
	}},
	{"MonthlyWorkings.HolidayRemained", "/monthly-workings/holiday-remained/1/2026-10", func(ctx context.Context, c *Client) error {
		_, _, err := c.MonthlyWorkings.HolidayRemained(ctx, "1", 2026, time.October)
		return err
	}},
}

func TestErrorPaths(t *testing.T) {
	t.Parallel()
	modes := []struct {
		name   string
		status int
		header map[string]string
		body   string
		check  func(t *testing.T, err error, hits int32)
	}{
		{"a refused token is Permanent and says what to check, without the token", 403, nil,
			`{"errors":[{"message":"認証に失敗しました","code":100}]}`,
			func(t *testing.T, err error, hits int32) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 403 || hits != 1 {
					t.Fatalf("err = %v after %d requests; want Permanent 403, once", err, hits)
				}
				for _, want := range []string{"code 100: 認証に失敗しました", "secret KOT_TEST", "permitted IP", "Read permission"} {
					if !strings.Contains(pe.Message, want) {
						t.Errorf("message %q lacks %q", pe.Message, want)
					}
				}
				if strings.Contains(err.Error(), "test-token") {
					t.Errorf("the error shows the token: %v", err)
				}
			}},
		{"a 401 is the same refusal", 401, nil, `{"errors":[{"message":"Bad Authentication.","code":111}]}`,
			func(t *testing.T, err error, hits int32) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 401 || !strings.Contains(pe.Message, "refused the access token") {
					t.Fatalf("err = %v; want the token refusal", err)
				}
			}},
		{"the restricted hours are a rate limit until the window ends", 403, nil,
			`{"errors":[{"message":"アクセス禁止時間帯です [08:30 ~ 10:00, 17:30 ~ 18:30]","code":104}]}`,
			func(t *testing.T, err error, hits int32) {
				var rl *fault.RateLimitedError
				if !errors.As(err, &rl) || rl.Scope != ScopeRestrictedHours || hits != 1 {
					t.Fatalf("err = %v after %d requests; want RateLimited restricted-hours, once", err, hits)
				}
				// The client's clock says noon, outside the windows: KOT's clock differs, so
				// it tries again soon rather than waiting for a window of its own.
				if rl.RetryAfter != restrictedFallback {
					t.Fatalf("RetryAfter = %v; want %v", rl.RetryAfter, restrictedFallback)
				}
			}},
		{"code 303 in the second shape is a throttle, whatever the status", 403, nil, `{"code":"303","message":"Too Many Requests"}`,
			func(t *testing.T, err error, hits int32) {
				var rl *fault.RateLimitedError
				if !errors.As(err, &rl) || hits < 2 {
					t.Fatalf("err = %v after %d requests; want RateLimited after retries", err, hits)
				}
			}},
		{"a 429 with Retry-After is a rate limit", 429, map[string]string{"Retry-After": "120"}, `{"code":"303","message":"Too Many Requests"}`,
			func(t *testing.T, err error, hits int32) {
				var rl *fault.RateLimitedError
				if !errors.As(err, &rl) || rl.RetryAfter != 120*time.Second || hits != 1 {
					t.Fatalf("err = %v after %d requests; want RateLimited for 120s at once (too long to sleep in process)", err, hits)
				}
			}},
		{"a 500 is transient and retried", 500, nil, `{"errors":[{"message":"Resource Server Error.","code":300}]}`,
			func(t *testing.T, err error, hits int32) {
				var se *httpx.StatusError
				if !errors.As(err, &se) || se.Status != 500 || fault.Classify(err) != fault.KindTransient || hits != 5 ||
					!strings.Contains(se.Message, "code 300: Resource Server Error.") {
					t.Fatalf("err = %v after %d requests; want transient 500 after 1+4 attempts", err, hits)
				}
			}},
		{"a 400 is Permanent with KOT's message", 400, nil, `{"errors":[{"message":"期間は最大62日です","code":222},{"message":"Id is empty.","code":223}]}`,
			func(t *testing.T, err error, hits int32) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 400 || pe.Message != "code 222: 期間は最大62日です; code 223: Id is empty." || hits != 1 {
					t.Fatalf("err = %v; want Permanent 400 with both of KOT's messages", err)
				}
			}},
		{"a 200 carrying KOT's error list is an error", 200, nil, `{"errors":[{"message":"Id is empty.","code":222}]}`,
			func(t *testing.T, err error, hits int32) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || !strings.Contains(pe.Message, "Id is empty.") {
					t.Fatalf("err = %v; want Permanent with the message", err)
				}
			}},
		{"a malformed body is a transient decode error", 200, nil, `[{"code":"E0`,
			func(t *testing.T, err error, hits int32) {
				if err == nil || fault.Classify(err) != fault.KindTransient || !strings.Contains(err.Error(), "decode") {
					t.Fatalf("err = %v; want a transient decode error", err)
				}
			}},
	}
	for _, m := range methodCalls {
		for _, mode := range modes {
			t.Run(m.name+": "+mode.name, func(t *testing.T) {
				t.Parallel()
				client, mux := setup(t)
				var hits atomic.Int32
				mux.HandleFunc(m.path, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					for k, v := range mode.header {
						w.Header().Set(k, v)
					}
					writeJSON(w, mode.status, mode.body)
				})
				err := m.call(t.Context(), client)
				mode.check(t, err, hits.Load())
			})
		}
	}
}

func TestRestrictedHoursFailFastWithoutARequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		at   time.Time
		wait time.Duration
	}{
		{"at 08:30 the wait is until 10:00", time.Date(2026, 11, 2, 8, 30, 0, 0, jst), 90 * time.Minute},
		{"at 09:59:30 the wait is thirty seconds", time.Date(2026, 11, 2, 9, 59, 30, 0, jst), 30 * time.Second},
		{"at 17:45 the wait is until 18:30", time.Date(2026, 11, 2, 17, 45, 0, 0, jst), 45 * time.Minute},
		{"at 08:40 UTC+0 (17:40 in Japan) the wait is until 18:30 Japan time", time.Date(2026, 11, 2, 8, 40, 0, 0, time.UTC), 50 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, m := range methodCalls {
				client, mux := setup(t)
				client.Now = func() time.Time { return tc.at }
				mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) { t.Errorf("%s: a request was made", m.name) })
				err := m.call(t.Context(), client)
				var rl *fault.RateLimitedError
				if !errors.As(err, &rl) || rl.Scope != ScopeRestrictedHours || rl.RetryAfter != tc.wait {
					t.Fatalf("%s: err = %v; want RateLimited %s for %v", m.name, err, ScopeRestrictedHours, tc.wait)
				}
			}
		})
	}
}

func TestRestrictedHoursFromKOTWaitUntilTheWindowEnds(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	// The client does not look at the windows itself, as with observe_restricted_hours
	// off, but KOT says 104 at 09:15.
	client.Windows = nil
	client.Now = func() time.Time { return time.Date(2026, 11, 2, 9, 15, 0, 0, jst) }
	mux.HandleFunc("/employees", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 403, `{"errors":[{"message":"restricted","code":104}]}`)
	})
	_, _, err := client.Employees.List(t.Context(), nil)
	if wait, ok := fault.RetryAfter(err); !ok || wait != 45*time.Minute {
		t.Fatalf("err = %v; want a rate limit of 45 minutes, until 10:00", err)
	}
}

func TestPunchingAndTokensAreServedInTheRestrictedHours(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	client.Now = func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, jst) }
	var hits atomic.Int32
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, 201, `{}`)
	})
	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, "daily-workings/timerecord/k1"},
		{http.MethodGet, "tokens/t/available"},
	} {
		req, err := client.NewRequest(tc.method, tc.path, map[string]string{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Do(t.Context(), req, nil); err != nil {
			t.Errorf("%s %s at 09:00: %v", tc.method, tc.path, err)
		}
	}
	if hits.Load() != 2 {
		t.Fatalf("%d requests reached KOT; want both", hits.Load())
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, body, want string }{
		{"the errors list", `{"errors":[{"message":"Bad Authentication.","code":111}]}`, "code 111: Bad Authentication."},
		{"the second shape", `{"code":"303","message":"Too Many Requests"}`, "code 303: Too Many Requests"},
		{"a message without a code", `{"errors":[{"message":"only words"}]}`, "only words"},
		{"a body in neither shape", `<html>busy</html>`, ""},
		{"a list answer", `[1,2]`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := errorMessage([]byte(tc.body)); got != tc.want {
				t.Fatalf("errorMessage = %q; want %q", got, tc.want)
			}
		})
	}
}
