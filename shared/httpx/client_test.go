package httpx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
)

// fast is a policy whose backoff waits are a few milliseconds, so retry tests run quickly.
func fast() httpx.Policy {
	return httpx.Policy{Name: "test", RetryMax: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 4 * time.Millisecond}
}

// server starts a loopback server whose handler is given the 1-based number of the request.
func server(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, int(hits.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func get(t *testing.T, ctx context.Context, c *httpx.Client, url string) (*httpx.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(ctx, req)
}

func TestDo(t *testing.T) {
	t.Parallel()

	t.Run("a 2xx answer comes back with its body readable", func(t *testing.T) {
		t.Parallel()
		srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) { fmt.Fprint(w, `{"ok":true}`) })
		resp, err := get(t, t.Context(), httpx.New(fast()), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != `{"ok":true}` || resp.StatusCode != 200 || resp.Attempts != 1 {
			t.Errorf("got %d %q after %d attempts", resp.StatusCode, b, resp.Attempts)
		}
	})

	t.Run("a 500 is retried and the later success returned", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n < 3 {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, "done")
		})
		resp, err := get(t, t.Context(), httpx.New(fast()), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if hits.Load() != 3 || resp.Attempts != 3 {
			t.Errorf("hits = %d, attempts = %d; want 3", hits.Load(), resp.Attempts)
		}
	})

	t.Run("500s until retries run out give a transient StatusError", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `{"message":"upstream down"}`)
		})
		resp, err := get(t, t.Context(), httpx.New(fast()), srv.URL)
		var se *httpx.StatusError
		if !errors.As(err, &se) || se.Status != 502 || se.Message != "upstream down" {
			t.Fatalf("err = %v; want a StatusError 502 with the vendor's message", err)
		}
		if fault.Classify(err) != fault.KindTransient {
			t.Errorf("kind = %v; want transient", fault.Classify(err))
		}
		if hits.Load() != 4 {
			t.Errorf("hits = %d; want 1 + RetryMax (3)", hits.Load())
		}
		if resp == nil || resp.StatusCode != 502 {
			t.Errorf("the last answer should come back with the error, got %+v", resp)
		}
	})

	t.Run("a POST answered 500 is not retried, because it may have been applied", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusInternalServerError) })
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("{}"))
		_, err := httpx.New(fast()).Do(t.Context(), req)
		var se *httpx.StatusError
		if !errors.As(err, &se) || hits.Load() != 1 {
			t.Errorf("err = %v after %d hits; want one attempt and a StatusError", err, hits.Load())
		}
	})

	t.Run("a POST with an Idempotency-Key is retried, its body sent again", func(t *testing.T) {
		t.Parallel()
		var bodies []string
		var mu sync.Mutex
		srv, _ := server(t, func(w http.ResponseWriter, r *http.Request, n int) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
			if n == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"a":1}`))
		req.Header.Set("Idempotency-Key", "k1")
		if _, err := httpx.New(fast()).Do(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		if len(bodies) != 2 || bodies[0] != `{"a":1}` || bodies[1] != `{"a":1}` {
			t.Errorf("bodies = %q; want the same body twice", bodies)
		}
	})

	t.Run("a reset connection is retried", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n == 1 {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				conn.(*net.TCPConn).SetLinger(0) // close with RST
				conn.Close()
				return
			}
			fmt.Fprint(w, "ok")
		})
		resp, err := get(t, t.Context(), httpx.New(fast()), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if hits.Load() != 2 || resp.Attempts != 2 {
			t.Errorf("hits = %d; want the reset attempt and one retry", hits.Load())
		}
	})

	t.Run("a refused connection is transient once retries run out", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		_, err := get(t, t.Context(), httpx.New(fast()), url+"/x")
		var se *httpx.StatusError
		if !errors.As(err, &se) || se.Status != 0 || fault.Classify(err) != fault.KindTransient {
			t.Errorf("err = %v; want a transient StatusError without status", err)
		}
	})
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		wantMessage string
	}{
		{"a 400 carries freee's message from its errors array", 400,
			`{"status_code":400,"errors":[{"type":"bad_request","messages":["日付の形式が不正です。"]}]}`, "日付の形式が不正です。"},
		{"a 404 carries a plain message field", 404, `{"message":"not found here"}`, "not found here"},
		{"a 422 joins several messages", 422, `{"errors":[{"message":"a is bad"},{"message":"b is bad"}]}`, "a is bad; b is bad"},
		{"an OAuth error names its code and description", 400, `{"error":"invalid_grant","error_description":"expired"}`, "invalid_grant: expired"},
		{"an access_denied body gives its message rather than its code", 403,
			`{"error":"access_denied","message":"権限がありません","code":"user_do_not_have_permission"}`, "権限がありません"},
		{"a bare error code is the message when nothing says more", 400, `{"error":"invalid_request"}`, "invalid_request"},
		{"an HTML body is not taken as the message", 409, `<html><body>conflict for user@example.com</body></html>`, "Conflict"},
		{"an empty body gives the status text", 401, ``, "Unauthorized"},
		{"the message is trimmed", 400, `{"message":"   spaced out   "}`, "spaced out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			_, err := get(t, t.Context(), httpx.New(fast()), srv.URL+"/api/v1/thing")
			var pe *fault.PermanentError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v; want PermanentError", err)
			}
			if pe.Status != tt.status || pe.Message != tt.wantMessage || pe.Op != "test: GET /api/v1/thing" {
				t.Errorf("got %+v; want status %d message %q", pe, tt.status, tt.wantMessage)
			}
			if hits.Load() != 1 {
				t.Errorf("hits = %d; a permanent error must not be retried", hits.Load())
			}
		})
	}
}

func TestErrorMessageIsBounded(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("あ", 500)
	got := httpx.ErrorMessage([]byte(`{"message":"` + long + `"}`))
	if len(got) > 310 || !strings.HasPrefix(got, "あ") || !strings.HasSuffix(got, "…") {
		t.Errorf("message of %d bytes; want it cut near 300 bytes on a rune boundary", len(got))
	}
}

func TestThrottles(t *testing.T) {
	t.Parallel()

	t.Run("a 429 with Retry-After in seconds is waited out and retried", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, "ok")
		})
		logs := &recorder{}
		c := httpx.New(fast(), httpx.WithLogger(slog.New(logs)))
		if _, err := get(t, t.Context(), c, srv.URL); err != nil {
			t.Fatal(err)
		}
		if hits.Load() != 2 {
			t.Errorf("hits = %d; want 2", hits.Load())
		}
		if first := logs.attrs(0); first["wait"] != time.Second.String() || first["status"] != "429" {
			t.Errorf("first attempt logged %v; want status 429 and wait 1s", first)
		}
	})

	t.Run("a 429 asking for longer than MaxThrottleWait returns RateLimited at once", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		_, err := get(t, t.Context(), httpx.New(fast()), srv.URL)
		wait, ok := fault.RetryAfter(err)
		if !ok || wait != 120*time.Second || hits.Load() != 1 {
			t.Errorf("err = %v after %d hits; want RateLimited 2m0s after one request", err, hits.Load())
		}
	})

	t.Run("a 429 with Retry-After as an HTTP date is read as a wait", func(t *testing.T) {
		t.Parallel()
		srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", time.Now().Add(5*time.Minute).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		})
		_, err := get(t, t.Context(), httpx.New(fast()), srv.URL)
		wait, ok := fault.RetryAfter(err)
		if !ok || wait < 4*time.Minute || wait > 5*time.Minute {
			t.Errorf("err = %v; want RateLimited with about 5m", err)
		}
	})

	t.Run("a vendor's 403 throttle is RateLimited and a real 403 stays Permanent", func(t *testing.T) {
		t.Parallel()
		srv, _ := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.WriteHeader(http.StatusForbidden)
			if r.URL.Path == "/throttled" {
				fmt.Fprint(w, `{"message":"too many requests"}`)
				return
			}
			fmt.Fprint(w, `{"message":"no permission"}`)
		})
		p := fast()
		p.ThrottleWait = 10 * time.Minute
		p.IsThrottle = func(status int, _ http.Header, body []byte) bool {
			return status == 403 && bytes.Contains(body, []byte("too many"))
		}
		_, err := get(t, t.Context(), httpx.New(p), srv.URL+"/forbidden")
		var pe *fault.PermanentError
		if !errors.As(err, &pe) || pe.Status != 403 || pe.Message != "no permission" {
			t.Errorf("permission error: got %v; want Permanent 403", err)
		}
		c := httpx.New(p)
		_, err = get(t, t.Context(), c, srv.URL+"/throttled")
		var rl *fault.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != 10*time.Minute || rl.Scope != "throttle-403" {
			t.Errorf("throttle: got %v; want RateLimited 10m0s scope throttle-403", err)
		}
	})

	t.Run("a deadline shorter than Retry-After returns RateLimited without sleeping", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err := get(t, ctx, httpx.New(fast()), srv.URL)
		if wait, ok := fault.RetryAfter(err); !ok || wait != 30*time.Second {
			t.Errorf("err = %v; want RateLimited 30s", err)
		}
		if ctx.Err() != nil {
			t.Error("Do slept into the deadline instead of returning at once")
		}
		if hits.Load() != 1 {
			t.Errorf("hits = %d; want 1", hits.Load())
		}
	})

	t.Run("a deadline shorter than the backoff returns the last transient error", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "20")
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err := get(t, ctx, httpx.New(fast()), srv.URL)
		var se *httpx.StatusError
		if !errors.As(err, &se) || se.Status != 503 || ctx.Err() != nil || hits.Load() != 1 {
			t.Errorf("err = %v, ctx %v, hits %d; want the 503 at once", err, ctx.Err(), hits.Load())
		}
	})
}

func TestFailFast(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(time.Hour).UTC()
	srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("X-Ratelimit-Limit", "10000")
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.Header().Set("X-Ratelimit-Reset", reset.Format("2006-01-02T15:04:05.000000Z"))
		fmt.Fprint(w, "[]")
	})
	p := fast()
	p.RateHeaders = httpx.RateHeaders{Limit: "X-Ratelimit-Limit", Remaining: "X-Ratelimit-Remaining", Reset: "X-Ratelimit-Reset"}
	c := httpx.New(p)

	resp, err := get(t, t.Context(), c, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rate.Limit != 10000 || resp.Rate.Remaining != 0 || !resp.Rate.Reset.Equal(reset.Truncate(time.Microsecond)) {
		t.Errorf("rate = %+v; want the headers' values", resp.Rate)
	}
	_, err = get(t, t.Context(), c, srv.URL)
	var rl *fault.RateLimitedError
	if !errors.As(err, &rl) || rl.Scope != "quota-exhausted" || rl.RetryAfter < 59*time.Minute {
		t.Errorf("second call: err = %v; want RateLimited until the reset", err)
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d; the second call must not reach the vendor", hits.Load())
	}
	if got := c.Rate(); got.Remaining != 0 {
		t.Errorf("client rate = %+v", got)
	}
}

func TestRateHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reset   string
		in      bool
		want    time.Time
		slack   time.Duration
		present bool
	}{
		{"an RFC 3339 reset is read as an instant", "2030-01-01T12:00:00+09:00", false, time.Date(2030, 1, 1, 3, 0, 0, 0, time.UTC), 0, true},
		{"a Unix-seconds reset is read as an instant", "1893456000", false, time.Unix(1893456000, 0), 0, true},
		{"a seconds-from-now reset is added to now", "60", true, time.Now().Add(time.Minute), 5 * time.Second, true},
		{"a missing reset stays unknown", "", false, time.Time{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("RL-Remaining", "5")
				if tt.reset != "" {
					w.Header().Set("RL-Reset", tt.reset)
				}
			})
			p := fast()
			p.RateHeaders = httpx.RateHeaders{Remaining: "RL-Remaining", Reset: "RL-Reset", ResetIn: tt.in}
			resp, err := get(t, t.Context(), httpx.New(p), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			d := resp.Rate.Reset.Sub(tt.want)
			if d < -tt.slack || d > tt.slack || resp.Rate.Remaining != 5 || resp.Rate.Limit != -1 {
				t.Errorf("rate = %+v; want remaining 5, limit unknown, reset %v", resp.Rate, tt.want)
			}
		})
	}
}

func TestLimiter(t *testing.T) {
	t.Parallel()

	t.Run("a retry waits for a token like the first attempt", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusInternalServerError) })
		p := fast()
		p.Rate, p.Burst = rate.Every(time.Hour), 1
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		_, err := get(t, ctx, httpx.New(p), srv.URL)
		var rl *fault.RateLimitedError
		if !errors.As(err, &rl) || rl.Scope != "client-limit" || rl.RetryAfter < 59*time.Minute {
			t.Errorf("err = %v; want RateLimited by our own limiter for about an hour", err)
		}
		if hits.Load() != 1 {
			t.Errorf("hits = %d; the retry must not pass the limiter", hits.Load())
		}
	})

	t.Run("each client has its own limiter", func(t *testing.T) {
		t.Parallel()
		srv, hits := server(t, func(http.ResponseWriter, *http.Request, int) {})
		p := fast()
		p.Rate, p.Burst = rate.Every(time.Hour), 1
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		a, b := httpx.New(p), httpx.New(p)
		if _, err := get(t, ctx, a, srv.URL); err != nil {
			t.Fatal(err)
		}
		if _, err := get(t, ctx, b, srv.URL); err != nil {
			t.Fatalf("second client: %v; its bucket should be full", err)
		}
		if _, err := get(t, ctx, a, srv.URL); fault.Classify(err) != fault.KindRateLimited {
			t.Errorf("first client again: %v; want RateLimited", err)
		}
		if hits.Load() != 2 {
			t.Errorf("hits = %d; want 2", hits.Load())
		}
	})

	t.Run("MaxConcurrent holds further requests back while the slots are taken", func(t *testing.T) {
		t.Parallel()
		var inFlight atomic.Int32
		full := make(chan struct{})
		release := make(chan struct{})
		srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			if inFlight.Add(1) == 2 {
				close(full)
			}
			<-release
		})
		p := fast()
		p.MaxConcurrent = 2
		c := httpx.New(p)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if _, err := get(t, t.Context(), c, srv.URL); err != nil {
					t.Error(err)
				}
			})
		}
		<-full
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() {
			_, err := get(t, ctx, c, srv.URL)
			done <- err
		}()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("third call: %v; want it held back until cancelled", err)
		}
		close(release)
		wg.Wait()
		if hits.Load() != 2 {
			t.Errorf("hits = %d; the third request must not have been sent", hits.Load())
		}
	})
}

func TestCheckBody(t *testing.T) {
	t.Parallel()
	srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
	})
	p := fast()
	p.CheckBody = func(_ *http.Response, body []byte) error {
		if bytes.Contains(body, []byte(`"ok":false`)) {
			return fault.Permanentf("slack", "%s", httpx.ErrorMessage(body))
		}
		return nil
	}
	_, err := get(t, t.Context(), httpx.New(p), srv.URL)
	var pe *fault.PermanentError
	if !errors.As(err, &pe) || pe.Message != "channel_not_found" || hits.Load() != 1 {
		t.Errorf("err = %v; want Permanent channel_not_found after one request", err)
	}
}

func TestNothingSecretInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-token-value"
	srv, _ := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		b, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/echo-html":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<pre>%s %s</pre>", r.Header.Get("Authorization"), b)
		default:
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "<pre>%s</pre>", r.URL.RawQuery)
		}
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	logs := &recorder{}
	c := httpx.New(fast(), httpx.WithLogger(slog.New(logs)))
	for _, url := range []string{srv.URL + "/echo-html?token=" + secret, srv.URL + "/five?sig=" + secret, closedURL + "/x?sig=" + secret} {
		req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(`{"password":"`+secret+`"}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		_, err := c.Do(t.Context(), req)
		if err == nil {
			t.Fatalf("%s: want an error", url)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", err), secret) {
			t.Errorf("error leaks the secret: %v", err)
		}
	}
	if strings.Contains(logs.text(), secret) {
		t.Errorf("logs leak the secret: %s", logs.text())
	}
	if logs.len() == 0 {
		t.Error("no debug lines were logged")
	}
}

// recorder is a slog.Handler that keeps records for assertions.
type recorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec.Clone())
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.records)
}

func (r *recorder) attrs(i int) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string]string{}
	if i < len(r.records) {
		r.records[i].Attrs(func(a slog.Attr) bool {
			m[a.Key] = a.Value.String()
			return true
		})
	}
	return m
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, rec := range r.records {
		b.WriteString(rec.Message)
		rec.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%s", a.Key, a.Value)
			return true
		})
		b.WriteString("\n")
	}
	return b.String()
}

func BenchmarkDo(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Ratelimit-Remaining", "9999")
		fmt.Fprint(w, `{"employees":[{"id":1,"num":"A001"}],"total_count":1}`)
	}))
	defer srv.Close()
	p := fast()
	p.Rate, p.Burst = rate.Inf, 1
	p.RateHeaders = httpx.RateHeaders{Remaining: "X-Ratelimit-Remaining"}
	c := httpx.New(p)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/employees?company_id=1", nil)
		resp, err := c.Do(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
	}
}

// A throttle reported inside a 200 body (Slack's ok:false ratelimited) carries the wait
// from the Retry-After header to the caller when the retries run out.
func TestCheckBodyThrottleCarriesTheVendorsWait(t *testing.T) {
	t.Parallel()
	srv, hits := server(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "30")
		fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
	})
	p := fast()
	p.CheckBody = func(_ *http.Response, body []byte) error {
		if bytes.Contains(body, []byte(`"ratelimited"`)) {
			return &fault.RateLimitedError{Op: "slack", Scope: "ratelimited"}
		}
		return nil
	}
	// MaxThrottleWait below the 30 s asked: no sleeping in the client, the runtime waits.
	p.MaxThrottleWait = time.Second
	_, err := get(t, t.Context(), httpx.New(p), srv.URL)
	wait, ok := fault.RetryAfter(err)
	if !ok || wait != 30*time.Second || hits.Load() != 1 {
		t.Errorf("err = %v (retry after %s) after %d requests; want RateLimited with the 30 s Slack asked for, after one request", err, wait, hits.Load())
	}
}
