package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/urakata/urakata/shared/fault"
)

// checkRetry is retryablehttp's CheckRetry for one call: it types the outcome of the attempt,
// decides the wait before the next one, and stops early when that wait would outlast the
// caller's deadline (retryablehttp's Backoff sees no context, so this is the place).
func (c *Client) checkRetry(ctx context.Context, cl *call, resp *http.Response, err error) (bool, error) {
	cl.attempt++
	retry, wait, failure := c.classify(ctx, cl, resp, err)
	if failure == nil {
		c.logAttempt(ctx, cl, resp, nil, 0)
		return false, nil
	}
	cl.err = failure
	if retry && cl.attempt > c.policy.RetryMax {
		retry = false
	}
	if retry {
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			retry = false
		}
	}
	if !retry {
		c.logAttempt(ctx, cl, resp, failure, 0)
		return false, failure
	}
	cl.next = wait
	c.logAttempt(ctx, cl, resp, failure, wait)
	return true, failure
}

// classify types one attempt's outcome: failure is nil for a success; retry says whether
// another attempt may pass, after wait.
func (c *Client) classify(ctx context.Context, cl *call, resp *http.Response, err error) (retry bool, wait time.Duration, failure error) {
	if err != nil {
		var rl *fault.RateLimitedError
		if errors.As(err, &rl) {
			return false, 0, rl
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			if cl.err != nil {
				// The deadline ended a wait or an attempt: the last vendor answer says more.
				return false, 0, cl.err
			}
			return false, 0, fmt.Errorf("%s: %w", cl.op, ctxErr)
		}
		if ok, _ := retryablehttp.ErrorPropagatedRetryPolicy(context.Background(), nil, err); !ok {
			// Bad scheme, bad header, untrusted certificate: no retry will fix the setup.
			return false, 0, fault.Permanent(cl.op, scrub(err))
		}
		return cl.idempotent, c.backoff(cl.attempt), &StatusError{Op: cl.op, Err: scrub(err)}
	}

	body, rerr := readBody(resp, c.policy.MaxBody)
	state := c.observe(resp.Header)
	if rerr != nil {
		return cl.idempotent, c.backoff(cl.attempt), &StatusError{Op: cl.op, Status: resp.StatusCode, Message: "read body", Err: scrub(rerr)}
	}
	status := resp.StatusCode
	switch {
	case status >= 200 && status < 400:
		// Redirects were followed; what is left (304 Not Modified) is an answer to read.
		if c.policy.CheckBody == nil {
			return false, 0, nil
		}
		return c.classifyBodyError(cl, resp, c.policy.CheckBody(resp, body))

	case status == http.StatusTooManyRequests ||
		(c.policy.IsThrottle != nil && c.policy.IsThrottle(status, resp.Header, body)):
		wait, known := retryAfter(resp.Header)
		if !known && state.Exhausted(time.Now()) {
			wait, known = time.Until(state.Reset), true
		}
		if !known && c.policy.ThrottleWait > 0 {
			wait, known = c.policy.ThrottleWait, true
		}
		scope := "throttle-" + strconv.Itoa(status)
		if known {
			c.blockUntil(time.Now().Add(wait), scope)
		} else {
			wait = c.backoff(cl.attempt)
		}
		rl := &fault.RateLimitedError{Op: cl.op, RetryAfter: wait, Scope: scope,
			Err: &StatusError{Op: cl.op, Status: status, Message: c.message(status, body)}}
		return wait <= c.policy.MaxThrottleWait, wait, rl

	case status >= 500 && status != http.StatusNotImplemented, status == http.StatusRequestTimeout:
		wait, known := retryAfter(resp.Header)
		if !known {
			wait = c.backoff(cl.attempt)
		}
		return cl.idempotent, wait, &StatusError{Op: cl.op, Status: status, Message: c.message(status, body)}
	}
	return false, 0, &fault.PermanentError{Op: cl.op, Status: status, Message: c.message(status, body)}
}

// classifyBodyError types what Policy.CheckBody said about a 2xx answer.
func (c *Client) classifyBodyError(cl *call, resp *http.Response, err error) (bool, time.Duration, error) {
	if err == nil {
		return false, 0, nil
	}
	var rl *fault.RateLimitedError
	if errors.As(err, &rl) {
		wait := rl.RetryAfter
		if ra, ok := retryAfter(resp.Header); ok && wait == 0 {
			wait = ra
		}
		if wait > 0 {
			c.blockUntil(time.Now().Add(wait), rl.Scope)
		} else {
			wait = c.backoff(cl.attempt)
		}
		// The caller (and the runtime, if retries run out) must see the wait the vendor asked
		// for, not the zero the body check could not know.
		typed := *rl
		typed.RetryAfter = wait
		return wait <= c.policy.MaxThrottleWait, wait, &typed
	}
	if fault.IsPermanent(err) {
		return false, 0, err
	}
	return cl.idempotent, c.backoff(cl.attempt), &StatusError{Op: cl.op, Status: resp.StatusCode, Err: err}
}

// message is the vendor's explanation, or the status text when the body gives none.
func (c *Client) message(status int, body []byte) string {
	if m := strings.TrimSpace(c.policy.Message(body)); m != "" {
		return truncate(m, maxMessage)
	}
	return http.StatusText(status)
}

// backoff is exponential with full jitter: a uniform wait in [0, min(max, min·2^(attempt-1))].
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.policy.RetryWaitMin
	for i := 1; i < attempt && ceiling < c.policy.RetryWaitMax; i++ {
		ceiling *= 2
	}
	return rand.N(min(ceiling, c.policy.RetryWaitMax) + 1)
}

// readBody reads the whole body (at most limit bytes), closes it, and puts the bytes back
// so that the caller, or the retry loop, can read it again.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("body larger than %d bytes", limit)
	}
	return body, nil
}

// retryAfter reads Retry-After as seconds or an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// observe records the quota state an answer reported and, when it says nothing is left
// before a known reset, makes later calls fail fast until then.
func (c *Client) observe(h http.Header) RateState {
	s := c.parseRate(h)
	if s.Limit < 0 && s.Remaining < 0 && s.Reset.IsZero() {
		return s
	}
	c.mu.Lock()
	c.rate = s
	c.mu.Unlock()
	if s.Exhausted(time.Now()) {
		c.blockUntil(s.Reset, "quota-exhausted")
	}
	return s
}

func (c *Client) parseRate(h http.Header) RateState {
	names := c.policy.RateHeaders
	s := RateState{Limit: -1, Remaining: -1}
	if n, err := strconv.Atoi(strings.TrimSpace(header(h, names.Limit))); err == nil {
		s.Limit = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(header(h, names.Remaining))); err == nil {
		s.Remaining = n
	}
	s.Reset = parseReset(strings.TrimSpace(header(h, names.Reset)), names.ResetIn, time.Now())
	return s
}

func header(h http.Header, name string) string {
	if name == "" {
		return ""
	}
	return h.Get(name)
}

// parseReset reads a reset given as seconds from now (in) or as an instant: RFC 3339 or
// Unix seconds.
func parseReset(v string, in bool, now time.Time) time.Time {
	if v == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if in {
			return now.Add(time.Duration(n * float64(time.Second)))
		}
		return time.Unix(int64(n), 0)
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t
	}
	return time.Time{}
}

// logAttempt writes one debug line per attempt: never headers, bodies or query values.
func (c *Client) logAttempt(ctx context.Context, cl *call, resp *http.Response, failure error, wait time.Duration) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	outcome := "ok"
	if failure != nil {
		outcome = fault.Classify(failure).String()
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "vendor request",
		slog.String("vendor", c.policy.Name),
		slog.String("method", cl.method),
		slog.String("path", cl.path),
		slog.Int("status", status),
		slog.Int("attempt", cl.attempt),
		slog.Duration("wait", wait),
		slog.String("outcome", outcome),
	)
}
