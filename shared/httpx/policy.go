// Package httpx is the one HTTP client every connector talks to its vendor through. It is
// built on go-retryablehttp and adds what a back-office integration needs on top of
// retries: a proactive per-connection limit enforced on every attempt, the vendor's own
// throttling signals (429, freee's 403, Slack's 200 with ok:false), deadline-aware waits,
// fail-fast while a known quota is exhausted, and typed results (fault.PermanentError,
// fault.RateLimitedError, or a transient *StatusError) so the runtime, not the connector,
// decides what happens next.
//
// A vendor's behaviour is a Policy value, not a subclass:
//
//	c := httpx.New(httpx.Policy{
//		Name:  "freee-hr",
//		Rate:  rate.Limit(10000.0 / 3600), Burst: 10,
//		RateHeaders: httpx.RateHeaders{Remaining: "X-Ratelimit-Remaining", ...},
//	}, httpx.WithLogger(logger))
//	resp, err := c.Do(ctx, req)
package httpx

import (
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// Policy describes how one vendor's API wants to be called. The zero value of every field
// except Name has a sensible default; see the field comments.
type Policy struct {
	// Name prefixes errors and logs, e.g. "freee-hr".
	Name string

	// Rate and Burst are the proactive limit of one Client (one connection): every attempt,
	// retries included, waits for a token before it is sent. A zero Rate means no limit.
	Rate  rate.Limit
	Burst int
	// MaxConcurrent caps the requests one Client has in flight (Xero allows 5 per tenant);
	// 0 means no cap.
	MaxConcurrent int

	// RetryMax is how many retries may follow the first attempt: 0 means the default (4),
	// a negative value means none.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff with full jitter used when
	// the vendor gives no Retry-After (defaults 500 ms and 30 s).
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// ThrottleWait is assumed when a throttle carries neither Retry-After nor a reset time
	// (freee's 403 lifts "after about ten minutes"). 0 means backoff as for a 5xx.
	ThrottleWait time.Duration
	// MaxThrottleWait is the longest throttle wait slept in-process; a longer one returns
	// *fault.RateLimitedError at once so the runtime can requeue instead of holding a
	// worker (default 1 minute).
	MaxThrottleWait time.Duration

	// IsThrottle reports whether a non-2xx answer other than 429 (which is always one) is
	// the vendor asking us to slow down. It sees the status, headers and the body read so
	// far (at most MaxBody bytes). nil means only 429 throttles.
	IsThrottle func(status int, header http.Header, body []byte) bool
	// CheckBody classifies a 2xx answer for vendors that report errors inside a success
	// (Slack answers 200 with ok:false). Return nil for a success, a *fault.PermanentError
	// or *fault.RateLimitedError to say what kind of failure it is, or any other error for a
	// transient one. nil means every 2xx is a success.
	CheckBody func(resp *http.Response, body []byte) error
	// Message extracts the vendor's explanation from an error body; nil uses ErrorMessage.
	Message func(body []byte) string

	// RateHeaders names the vendor's rate-limit headers; zero means the vendor sends none.
	RateHeaders RateHeaders

	// AttemptTimeout bounds one attempt, reading the body included (default 60 s).
	AttemptTimeout time.Duration
	// MaxBody bounds the bytes read from one response (default 16 MiB): a larger body is a
	// transient error rather than unbounded memory.
	MaxBody int64
}

// RateHeaders names the response headers a vendor reports its quota in. Each may be empty.
type RateHeaders struct {
	Limit     string
	Remaining string
	Reset     string
	// ResetIn says Reset is a number of seconds from now; otherwise Reset is an instant,
	// either RFC 3339 (freee: 2018-01-01T12:00:00.000000Z) or Unix seconds (GitHub).
	ResetIn bool
}

const (
	defaultRetryMax        = 4
	defaultRetryWaitMin    = 500 * time.Millisecond
	defaultRetryWaitMax    = 30 * time.Second
	defaultMaxThrottleWait = time.Minute
	defaultAttemptTimeout  = 60 * time.Second
	defaultMaxBody         = 16 << 20
)

// withDefaults fills the zero fields.
func (p Policy) withDefaults() Policy {
	switch {
	case p.RetryMax == 0:
		p.RetryMax = defaultRetryMax
	case p.RetryMax < 0:
		p.RetryMax = 0
	}
	if p.RetryWaitMin <= 0 {
		p.RetryWaitMin = defaultRetryWaitMin
	}
	if p.RetryWaitMax < p.RetryWaitMin {
		p.RetryWaitMax = max(defaultRetryWaitMax, p.RetryWaitMin)
	}
	if p.MaxThrottleWait <= 0 {
		p.MaxThrottleWait = defaultMaxThrottleWait
	}
	if p.AttemptTimeout <= 0 {
		p.AttemptTimeout = defaultAttemptTimeout
	}
	if p.MaxBody <= 0 {
		p.MaxBody = defaultMaxBody
	}
	if p.Rate > 0 && p.Burst < 1 {
		p.Burst = 1
	}
	if p.Message == nil {
		p.Message = ErrorMessage
	}
	if p.Name == "" {
		p.Name = "http"
	}
	return p
}
