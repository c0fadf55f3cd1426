package httpx

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/fault"
)

// transport enforces the proactive limits on every attempt, retries included: it is below
// retryablehttp, so a retry waits for a token like a first attempt does.
type transport struct {
	c    *Client
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	op := t.c.policy.Name
	if cl := callFrom(ctx); cl != nil {
		op = cl.op
	}
	if err := t.c.failFast(op); err != nil {
		return nil, err
	}
	release := func() {}
	if t.c.slots != nil {
		select {
		case t.c.slots <- struct{}{}:
			release = sync.OnceFunc(func() { <-t.c.slots })
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := t.c.waitToken(ctx, op); err != nil {
		release()
		return nil, err
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	// The slot is held until the body is closed: the request is in flight until then.
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// waitToken waits for the limiter. If the caller's deadline would pass first it returns a
// RateLimitedError at once instead of sleeping into the deadline.
func (c *Client) waitToken(ctx context.Context, op string) error {
	if c.limiter == nil {
		return nil
	}
	now := time.Now()
	return Wait(ctx, c.limiter.ReserveN(now, 1), now, op, "client-limit")
}

// Wait waits out r, a reservation made at now on a rate limiter. When the caller's deadline
// would pass first it cancels r and returns a RateLimitedError naming op and scope at once,
// instead of sleeping into the deadline, so the runtime can requeue the work for when the
// limiter allows it; a cancelled context cancels r too. Connectors with limiters of their
// own (a write interval, a per-channel pace) wait through it as the client waits for its.
func Wait(ctx context.Context, r *rate.Reservation, now time.Time, op, scope string) error {
	delay := r.DelayFrom(now)
	if delay <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(delay).After(dl) {
		r.CancelAt(now)
		return &fault.RateLimitedError{Op: op, RetryAfter: delay, Scope: scope}
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		r.CancelAt(time.Now())
		return ctx.Err()
	}
}

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
