package freeeaccounting

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
	{"Users.Me", "/api/1/users/me", func(ctx context.Context, c *Client) error {
		_, _, err := c.Users.Me(ctx)
		return err
	}},
	{"Users.List", "/api/1/users", func(ctx context.Context, c *Client) error {
		_, _, err := c.Users.List(ctx, 1234, 0)
		return err
	}},
	{"ExpenseApplications.List", "/api/1/expense_applications", func(ctx context.Context, c *Client) error {
		_, _, err := c.ExpenseApplications.List(ctx, &ExpenseApplicationsListOptions{CompanyID: 1234})
		return err
	}},
	{"ExpenseApplications.Get", "/api/1/expense_applications/55", func(ctx context.Context, c *Client) error {
		_, _, err := c.ExpenseApplications.Get(ctx, 1234, 55)
		return err
	}},
	{"ExpenseTemplates.List", "/api/1/expense_application_line_templates", func(ctx context.Context, c *Client) error {
		_, _, err := c.ExpenseTemplates.List(ctx, 1234, nil)
		return err
	}},
	{"Receipts.Get", "/api/1/receipts/77", func(ctx context.Context, c *Client) error {
		_, _, err := c.Receipts.Get(ctx, 1234, 77)
		return err
	}},
	{"AccountItems.List", "/api/1/account_items", func(ctx context.Context, c *Client) error {
		_, _, err := c.AccountItems.List(ctx, 1234, nil)
		return err
	}},
	{"Taxes.ListCompany", "/api/1/taxes/companies/1234", func(ctx context.Context, c *Client) error {
		_, _, err := c.Taxes.ListCompany(ctx, 1234)
		return err
	}},
	{"Sections.List", "/api/1/sections", func(ctx context.Context, c *Client) error {
		_, _, err := c.Sections.List(ctx, 1234)
		return err
	}},
	{"Partners.List", "/api/1/partners", func(ctx context.Context, c *Client) error {
		_, _, err := c.Partners.List(ctx, &PartnersListOptions{CompanyID: 1234})
		return err
	}},
	{"ManualJournals.List", "/api/1/manual_journals", func(ctx context.Context, c *Client) error {
		_, _, err := c.ManualJournals.List(ctx, &ManualJournalsListOptions{CompanyID: 1234, RefNumber: "EXP-1"})
		return err
	}},
	{"ManualJournals.Create", "/api/1/manual_journals", func(ctx context.Context, c *Client) error {
		_, _, err := c.ManualJournals.Create(ctx, &ManualJournalCreate{CompanyID: 1234, IssueDate: model.NewDate(2026, 10, 7),
			Details: []ManualJournalCreateDetail{{EntrySide: Debit, TaxCode: 136, AccountItemID: 1, Amount: 100}}})
		return err
	}},
}

func TestErrorPaths(t *testing.T) {
	t.Parallel()
	resetIn3h := time.Now().Add(3 * time.Hour).In(tokyo).Format(time.RFC3339)
	modes := []struct {
		name   string
		status int
		header map[string]string
		body   string
		// post says what a POST does differently (not retried on 5xx).
		check func(t *testing.T, err error, hits int32, post bool)
	}{
		{"a 400 is Permanent with freee's validation message", 400, nil,
			`{"status_code":400,"errors":[{"type":"status","messages":["不正なリクエストです。"]},{"type":"validation","messages":["company_id が不正です。"]}]}`,
			func(t *testing.T, err error, hits int32, _ bool) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 400 || !strings.Contains(pe.Message, "company_id が不正です。") || hits != 1 {
					t.Errorf("err = %v after %d requests; want Permanent 400 with the message, once", err, hits)
				}
			}},
		{"a 404 is Permanent", 404, nil,
			`{"status_code":404,"errors":[{"type":"status","messages":["指定されたリソースが見つかりませんでした。"]}]}`,
			func(t *testing.T, err error, hits int32, _ bool) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 404 {
					t.Errorf("err = %v; want Permanent 404", err)
				}
			}},
		{"accounting.json's forbiddenError naming a permission stays Permanent", 403, nil,
			`{"message":"アクセスする権限がありません"}`,
			func(t *testing.T, err error, hits int32, _ bool) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 403 || hits != 1 {
					t.Errorf("err = %v after %d requests; want Permanent 403 at once", err, hits)
				}
			}},
		{"a 403 in freee's problem shape naming a permission stays Permanent", 403, nil,
			`{"status_code":403,"errors":[{"type":"status","messages":["アクセスする権限がありません。"]}]}`,
			func(t *testing.T, err error, hits int32, _ bool) {
				if !permanentStatus(err, 403) || hits != 1 {
					t.Errorf("err = %v; want Permanent 403", err)
				}
			}},
		{"freee's 403 throttle is RateLimited for ten minutes", 403, nil,
			`{"status_code":403,"errors":[{"type":"status","messages":["短時間に大量のアクセスがあったため、一時的にアクセスを制限しています。"]}]}`,
			func(t *testing.T, err error, hits int32, _ bool) {
				var rl *fault.RateLimitedError
				if !errors.As(err, &rl) || rl.RetryAfter != 10*time.Minute || rl.Scope != "throttle-403" || hits != 1 {
					t.Errorf("err = %v after %d requests; want RateLimited 10m at once", err, hits)
				}
			}},
		{"a 403 with a bare HTML page is a throttle", 403, nil, `<html>403 Forbidden</html>`,
			func(t *testing.T, err error, hits int32, _ bool) {
				if fault.Classify(err) != fault.KindRateLimited {
					t.Errorf("err = %v; want RateLimited", err)
				}
			}},
		{"a 429 for the spent daily cap waits until its reset", 429,
			map[string]string{"X-Ratelimit-Limit": "3000", "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": resetIn3h},
			`{"status_code":429,"meta":{"limit":3000,"period":86400,"remaining":0,"reset":"` + resetIn3h + `"}}`,
			func(t *testing.T, err error, hits int32, _ bool) {
				wait, ok := fault.RetryAfter(err)
				if !ok || wait < 2*time.Hour || wait > 3*time.Hour || hits != 1 {
					t.Errorf("err = %v after %d requests; want RateLimited for about 3h, at once", err, hits)
				}
			}},
		{"a 429 with Retry-After waits that long", 429, map[string]string{"Retry-After": "120"}, `{"status_code":429}`,
			func(t *testing.T, err error, hits int32, _ bool) {
				if wait, ok := fault.RetryAfter(err); !ok || wait != 2*time.Minute {
					t.Errorf("err = %v; want RateLimited 2m", err)
				}
			}},
		{"a 500 is transient, retried unless the request is a create", 500, nil,
			`{"status_code":500,"errors":[{"type":"status","messages":["エラーが発生しました。"]}]}`,
			func(t *testing.T, err error, hits int32, post bool) {
				var se *httpx.StatusError
				want := int32(5)
				if post {
					want = 1
				}
				if !errors.As(err, &se) || se.Status != 500 || fault.Classify(err) != fault.KindTransient || hits != want {
					t.Errorf("err = %v after %d requests; want a transient StatusError after %d", err, hits, want)
				}
			}},
		{"a body that is not JSON is transient", 200, nil, `{"expense_applications":[{"id":1,`,
			func(t *testing.T, err error, hits int32, _ bool) {
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
				mode.check(t, err, hits.Load(), strings.HasSuffix(m.name, "Create"))
				if err != nil && strings.Contains(err.Error(), "test-access") {
					t.Errorf("the error leaks the access token: %v", err)
				}
			})
		}
	}
}

func permanentStatus(err error, status int) bool {
	var pe *fault.PermanentError
	return errors.As(err, &pe) && pe.Status == status
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
					writeJSON(w, 401, map[string]string{"message": "アクセストークンの有効期限が切れています", "code": "expired_access_token"})
					return
				}
				fmt.Fprint(w, "null")
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
		mux.HandleFunc("/api/1/users/me", func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			writeJSON(w, 401, map[string]string{"message": "アクセストークンが無効です"})
		})
		_, _, err := client.Users.Me(t.Context())
		if !permanentStatus(err, 401) || auth.Renews.Load() != 1 || hits.Load() != 2 {
			t.Errorf("err = %v, renews %d, hits %d; want Permanent 401 after one renewal", err, auth.Renews.Load(), hits.Load())
		}
	})
}

func TestDo_failsFastWhileTheDayIsSpent(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/api/1/users/me", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		reset := time.Now().Add(5 * time.Hour).In(tokyo).Format(time.RFC3339)
		w.Header().Set("X-Ratelimit-Limit", "3000")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", reset)
		writeJSON(w, 429, map[string]any{"status_code": 429, "meta": map[string]any{"limit": 3000, "remaining": 0, "reset": reset}})
	})
	_, _, err := client.Users.Me(t.Context())
	if fault.Classify(err) != fault.KindRateLimited {
		t.Fatalf("first call: %v; want RateLimited", err)
	}
	_, _, err = client.Users.Me(t.Context())
	if wait, ok := fault.RetryAfter(err); !ok || wait < 4*time.Hour || hits.Load() != 1 {
		t.Errorf("second call: %v after %d requests; want RateLimited until the reset without a request", err, hits.Load())
	}
}
