package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/fault"
)

// Client sends requests to one vendor for one connection. Its limiter, concurrency cap and
// quota state belong to that connection, so build one Client per connection. It is safe
// for concurrent use.
type Client struct {
	policy  Policy
	http    *http.Client
	logger  *slog.Logger
	limiter *rate.Limiter
	slots   chan struct{}

	mu sync.Mutex
	// rate is the quota state the vendor reported last.
	rate RateState
	// blockedUntil is when a known quota exhaustion or throttle ends: calls before it fail
	// fast without a request.
	blockedUntil time.Time
	blockScope   string
}

// Option adjusts a Client.
type Option func(*Client)

// WithLogger sets the logger for the per-attempt debug lines (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithTransport sets the transport the requests finally go through (default: a clone of
// http.DefaultTransport). Tests and sandboxes use it to stay on loopback.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *Client) {
		if rt != nil {
			c.http.Transport = &transport{c: c, base: rt}
		}
	}
}

// New builds a Client for one connection under p.
func New(p Policy, opts ...Option) *Client {
	p = p.withDefaults()
	c := &Client{
		policy: p,
		logger: slog.New(slog.DiscardHandler),
		rate:   RateState{Limit: -1, Remaining: -1},
	}
	c.http = &http.Client{
		Timeout:   p.AttemptTimeout,
		Transport: &transport{c: c, base: http.DefaultTransport.(*http.Transport).Clone()},
	}
	if p.Rate > 0 {
		c.limiter = rate.NewLimiter(p.Rate, p.Burst)
	}
	if p.MaxConcurrent > 0 {
		c.slots = make(chan struct{}, p.MaxConcurrent)
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Policy returns the policy the client runs under, defaults filled in.
func (c *Client) Policy() Policy { return c.policy }

// Rate returns the quota state the vendor reported last.
func (c *Client) Rate() RateState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// RateState is a vendor's quota as its rate-limit headers reported it. Limit and Remaining
// are -1 when the vendor did not say; Reset is zero when unknown.
type RateState struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

// Exhausted reports whether the vendor said no request is left before a reset still to
// come at now.
func (s RateState) Exhausted(now time.Time) bool {
	return s.Remaining == 0 && now.Before(s.Reset)
}

// Response is a vendor's answer, with its body already read (and readable again from
// Body) and the quota state its headers reported.
type Response struct {
	*http.Response
	// Rate is the quota state this answer reported.
	Rate RateState
	// Attempts is how many attempts the call took.
	Attempts int
}

// Do sends req with the policy's limits and retries and returns the vendor's answer.
//
// A request with a body must be replayable (http.NewRequest with a bytes or strings
// reader sets GetBody). The error, when not nil, is a *fault.PermanentError (a 4xx that
// will not pass; Message is the vendor's), a *fault.RateLimitedError (a throttle, our own
// limiter near the deadline, or a quota known to be exhausted), a *StatusError (transient),
// or the context's error. The Response is returned whenever the vendor answered, errors
// included, so the caller can read the vendor's error body or quota state.
//
// Network errors and 5xx are retried only for idempotent methods (GET, HEAD, OPTIONS, PUT,
// DELETE) or a request carrying an Idempotency-Key header: a POST that timed out may have
// been applied, and only the caller's ledger can tell. Throttles are retried whatever the
// method, because a throttled request was not processed.
func (c *Client) Do(ctx context.Context, req *http.Request) (*Response, error) {
	cl := &call{
		op:         fmt.Sprintf("%s: %s %s", c.policy.Name, req.Method, req.URL.Path),
		method:     req.Method,
		path:       req.URL.Path,
		idempotent: idempotent(req),
	}
	ctx = context.WithValue(ctx, callKey{}, cl)
	rreq, err := retryablehttp.FromRequest(req.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("%s: read request body: %w", cl.op, err)
	}
	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryWaitMin: c.policy.RetryWaitMin,
		RetryWaitMax: c.policy.RetryWaitMax,
		RetryMax:     c.policy.RetryMax,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return c.checkRetry(ctx, cl, resp, err)
		},
		// checkRetry has already decided the wait, with the deadline in view.
		Backoff:      func(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return cl.next },
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	hr, err := rc.Do(rreq)
	var resp *Response
	if hr != nil {
		resp = &Response{Response: hr, Rate: c.parseRate(hr.Header), Attempts: cl.attempt}
	}
	if err != nil {
		return resp, cl.result(err)
	}
	return resp, nil
}

func idempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return req.Header.Get("Idempotency-Key") != ""
}

// call is the state of one Do across its attempts.
type call struct {
	op, method, path string
	idempotent       bool
	attempt          int
	// next is the wait before the next attempt.
	next time.Duration
	// err is the typed error of the last failed attempt.
	err error
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	cl, _ := ctx.Value(callKey{}).(*call)
	return cl
}

// result turns what retryablehttp gave back into the typed error checkRetry decided on.
func (cl *call) result(err error) error {
	if cl.err != nil {
		return cl.err
	}
	return &StatusError{Op: cl.op, Err: scrub(err)}
}

// failFast returns a RateLimitedError while a known exhaustion or throttle lasts.
func (c *Client) failFast(op string) error {
	c.mu.Lock()
	until, scope := c.blockedUntil, c.blockScope
	c.mu.Unlock()
	if wait := time.Until(until); wait > 0 {
		return &fault.RateLimitedError{Op: op, RetryAfter: wait, Scope: scope}
	}
	return nil
}

// blockUntil makes calls before t fail fast.
func (c *Client) blockUntil(t time.Time, scope string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.blockedUntil) {
		c.blockedUntil, c.blockScope = t, scope
	}
}
