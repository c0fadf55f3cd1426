package local

import (
	"context"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
)

// limitedOnce answers the first read with the vendor's rate limit.
type limitedOnce struct{ calls int }

func (l *limitedOnce) Reconcile(_ context.Context, d hub.Delivery) (hub.Reconciliation, error) {
	l.calls++
	if l.calls == 1 {
		return hub.Reconciliation{}, &fault.RateLimitedError{Op: "read back", RetryAfter: 10 * time.Millisecond}
	}
	return hub.Reconciliation{NaturalKey: d.NaturalKey, Match: true}, nil
}

func TestReconcilingWaitsOutARateLimitInsteadOfReportingTheRecord(t *testing.T) {
	t.Parallel()
	rec := &limitedOnce{}
	r, err := reconcileOne(t.Context(), rec, hub.Delivery{NaturalKey: "employee/1/2026-10"})
	if err != nil || !r.Match || rec.calls != 2 {
		t.Errorf("reconcileOne = %+v, %v after %d reads; want a match on the second read", r, err, rec.calls)
	}
}
