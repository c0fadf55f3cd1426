package freee

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
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
	{"Users.Me", "/api/v1/users/me", func(ctx context.Context, c *Client) error {
		_, _, err := c.Users.Me(ctx)
		return err
	}},
	{"Employees.ListCompany", "/api/v1/companies/1234/employees", func(ctx context.Context, c *Client) error {
		_, _, err := c.Employees.ListCompany(ctx, 1234, nil)
		return err
	}},
	{"Employees.List", "/api/v1/employees", func(ctx context.Context, c *Client) error {
		_, _, err := c.Employees.List(ctx, &EmployeesListOptions{CompanyID: 1234, Year: 2026, Month: 10})
		return err
	}},
	{"TimeClocks.List", "/api/v1/employees/1001/time_clocks", func(ctx context.Context, c *Client) error {
		_, _, err := c.TimeClocks.List(ctx, 1001, &TimeClocksListOptions{CompanyID: 1234})
		return err
	}},
	{"WorkRecords.Get", "/api/v1/employees/1001/work_records/2026-10-01", func(ctx context.Context, c *Client) error {
		_, _, err := c.WorkRecords.Get(ctx, 1001, model.NewDate(2026, 10, 1), 1234)
		return err
	}},
	{"WorkRecordSummaries.Get", "/api/v1/employees/1001/work_record_summaries/2026/10", func(ctx context.Context, c *Client) error {
		_, _, err := c.WorkRecordSummaries.Get(ctx, 1001, 2026, 10, &WorkRecordSummaryOptions{CompanyID: 1234})
		return err
	}},
	{"WorkRecordSummaries.Update", "/api/v1/employees/1001/work_record_summaries/2026/10", func(ctx context.Context, c *Client) error {
		_, _, err := c.WorkRecordSummaries.Update(ctx, 1001, 2026, 10, &WorkRecordSummaryUpdate{CompanyID: 1234})
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
		{"a 400 is Permanent with freee's message", 400, nil,
			`{"status_code":400,"errors":[{"type":"bad_request","messages":["company_idが不正です。"]}]}`,
			func(t *testing.T, err error, hits int32) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 400 || pe.Message != "company_idが不正です。" || hits != 1 {
					t.Errorf("err = %v after %d requests; want Permanent 400 with the message, once", err, hits)
				}
			}},
		{"a 404 is Permanent", 404, nil,
			`{"status_code":404,"errors":[{"type":"not_found","messages":["存在しないか既に削除されたレコードです。"]}]}`,
			func(t *testing.T, err error, hits int32) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 404 || !strings.Contains(pe.Message, "存在しない") {
					t.Errorf("err = %v; want Permanent 404", err)
				}
			}},
		{"a 403 permission error stays Permanent", 403, nil,
			`{"error":"access_denied","message":"アクセスする権限がありません","code":"user_do_not_have_permission"}`,
			func(t *testing.T, err error, hits int32) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 403 || pe.Message != "アクセスする権限がありません" || hits != 1 {
					t.Errorf("err = %v; want Permanent 403 with freee's message", err)
				}
			}},
		{"freee's 403 throttle is RateLimited for ten minutes", 403, nil,
			`{"status_code":403,"errors":[{"type":"too_many_requests","messages":["短時間に大量のアクセスがあったため、一時的にアクセスを制限しています。"]}]}`,
			func(t *testing.T, err error, hits int32) {
				var rl *fault.RateLimitedError
				if !errors.As(err, &rl) || rl.RetryAfter != 10*time.Minute || rl.Scope != "throttle-403" || hits != 1 {
					t.Errorf("err = %v after %d requests; want RateLimited 10m at once", err, hits)
				}
			}},
		{"a 429 is RateLimited with its Retry-After", 429, map[string]string{"Retry-After": "120"},
			`{"status_code":429,"errors":[{"type":"too_many_requests","messages":["APIの利用上限に達しました。"]}]}`,
			func(t *testing.T, err error, hits int32) {
				if wait, ok := fault.RetryAfter(err); !ok || wait != 2*time.Minute {
					t.Errorf("err = %v; want RateLimited 2m", err)
				}
			}},
		{"a 500 is transient after the retries", 500, nil,
			`{"status_code":500,"errors":[{"type":"internal_server_error","messages":["エラーが発生しました。"]}]}`,
			func(t *testing.T, err error, hits int32) {
				var se *httpx.StatusError
				if !errors.As(err, &se) || se.Status != 500 || fault.Classify(err) != fault.KindTransient || hits != 5 {
					t.Errorf("err = %v after %d requests; want a transient StatusError after 5", err, hits)
				}
			}},
		{"a body that is not JSON is transient", 200, nil, `{"id":1,"num":"E0`,
			func(t *testing.T, err error, hits int32) {
				if err == nil || fault.Classify(err) != fault.KindTransient || !strings.Contains(err.Error(), "decode") {
					t.Errorf("err = %v; want a transient decode error", err)
				}
			}},
	}
	for _, m := range methodCalls {
		for _, mode := range modes {
			t.Run(m.name+": "+mode.name, func(t *testing.T) {
				t.Parallel()
				client, mux, _ := setup(t)
				var hits atomic.Int32
				mux.HandleFunc(m.path, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					for k, v := range mode.header {
						w.Header().Set(k, v)
					}
					w.WriteHeader(mode.status)
					fmt.Fprint(w, mode.body)
				})
				err := m.call(t.Context(), client)
				mode.check(t, err, hits.Load())
				if err != nil && strings.Contains(err.Error(), "test-access") {
					t.Errorf("the error leaks the access token: %v", err)
				}
			})
		}
	}
}

func TestDo_renewsOnceAfter401(t *testing.T) {
	t.Parallel()
	for _, m := range methodCalls {
		t.Run(m.name+": a 401 is retried once with a renewed token", func(t *testing.T) {
			t.Parallel()
			client, mux, auth := setup(t)
			var mu sync.Mutex
			var tokens []string
			mux.HandleFunc(m.path, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				tokens = append(tokens, r.Header.Get("Authorization"))
				mu.Unlock()
				if r.Header.Get("Authorization") != "Bearer renewed-access" {
					writeJSON(w, 401, map[string]string{"message": "アクセスする権限がありません", "code": "expired_access_token"})
					return
				}
				fmt.Fprint(w, "null") // decodes into any result
			})
			if err := m.call(t.Context(), client); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if auth.Renews.Load() != 1 || len(tokens) != 2 || tokens[1] != "Bearer renewed-access" {
				t.Errorf("renews = %d, tokens sent = %v; want one renewal and a retry with it", auth.Renews.Load(), tokens)
			}
		})
	}

	t.Run("a second 401 is Permanent and not renewed again", func(t *testing.T) {
		t.Parallel()
		client, mux, auth := setup(t)
		var hits atomic.Int32
		mux.HandleFunc("/api/v1/users/me", func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			writeJSON(w, 401, map[string]string{"message": "ログインをしてください。"})
		})
		_, _, err := client.Users.Me(t.Context())
		var pe *fault.PermanentError
		if !errors.As(err, &pe) || pe.Status != 401 || auth.Renews.Load() != 1 || hits.Load() != 2 {
			t.Errorf("err = %v, renews %d, hits %d; want Permanent 401 after one renewal", err, auth.Renews.Load(), hits.Load())
		}
	})
}

func TestDo_failsFastWhileQuotaIsSpent(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/api/v1/users/me", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("X-Ratelimit-Limit", "10000")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", time.Now().Add(30*time.Minute).UTC().Format("2006-01-02T15:04:05.000000Z"))
		fmt.Fprint(w, `{"id":1}`)
	})
	_, resp, err := client.Users.Me(t.Context())
	if err != nil || resp.Rate.Remaining != 0 || resp.Rate.Limit != 10000 {
		t.Fatalf("first call: %v, rate %+v", err, resp.Rate)
	}
	_, _, err = client.Users.Me(t.Context())
	if fault.Classify(err) != fault.KindRateLimited || hits.Load() != 1 {
		t.Errorf("second call: %v after %d requests; want RateLimited without a request", err, hits.Load())
	}
}
