package fault_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	perm := fault.Permanentf("freee-hr: put summary", "employee_id is invalid")
	limited := &fault.RateLimitedError{Op: "freee-hr: get", RetryAfter: 3 * time.Second}
	for _, tc := range []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"a plain error is transient", errors.New("connection reset"), fault.KindTransient},
		{"a permanent error is permanent", perm, fault.KindPermanent},
		{"a permanent error wrapped with %w is still permanent", fmt.Errorf("deliver: %w", perm), fault.KindPermanent},
		{"a permanent error wrapped twice is still permanent", fmt.Errorf("a: %w", fmt.Errorf("b: %w", perm)), fault.KindPermanent},
		{"a permanent error inside errors.Join is permanent", errors.Join(errors.New("other"), perm), fault.KindPermanent},
		{"a rate limit is rate limited", limited, fault.KindRateLimited},
		{"a rate limit wrapped with %w is still rate limited", fmt.Errorf("deliver: %w", limited), fault.KindRateLimited},
		{"a rate limit inside errors.Join is rate limited", errors.Join(errors.New("other"), limited), fault.KindRateLimited},
		{"a rate limit wins over a permanent error in one join, since waiting may let both pass", errors.Join(perm, limited), fault.KindRateLimited},
		{"a permanent wrapper of a rate limit is rate limited", fault.Permanent("op", limited), fault.KindRateLimited},
		{"an error formatted with %v loses its kind", fmt.Errorf("deliver: %v", perm), fault.KindTransient},
		{"Permanent of a plain error is permanent", fault.Permanent("validate", errors.New("bad code")), fault.KindPermanent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := fault.Classify(tc.err); got != tc.want {
				t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
			}
			if got := fault.IsPermanent(tc.err); got != (tc.want == fault.KindPermanent) {
				t.Errorf("IsPermanent(%v) = %v", tc.err, got)
			}
		})
	}
}

func TestPermanentOfNilIsNil(t *testing.T) {
	t.Parallel()
	if err := fault.Permanent("op", nil); err != nil {
		t.Fatalf("Permanent(op, nil) = %#v, want nil", err)
	}
}

func TestPermanentKeepsItsCause(t *testing.T) {
	t.Parallel()
	cause := errors.New("employee_id is invalid")
	err := fmt.Errorf("deliver: %w", fault.Permanent("freee-hr: put", cause))
	if !errors.Is(err, cause) {
		t.Errorf("errors.Is(%v, cause) = false, want the cause reachable through the wrapping", err)
	}
	var p *fault.PermanentError
	if !errors.As(err, &p) || p.Op != "freee-hr: put" {
		t.Errorf("errors.As found %+v, want the PermanentError with its Op", p)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		err      error
		wantWait time.Duration
		wantOK   bool
	}{
		{"a rate limit gives its wait", &fault.RateLimitedError{RetryAfter: 90 * time.Second}, 90 * time.Second, true},
		{"a wrapped rate limit gives its wait", fmt.Errorf("put: %w", &fault.RateLimitedError{RetryAfter: time.Minute}), time.Minute, true},
		{"a joined rate limit gives its wait", errors.Join(errors.New("x"), &fault.RateLimitedError{RetryAfter: 2 * time.Second}), 2 * time.Second, true},
		{"a rate limit of unknown wait gives zero but is one", &fault.RateLimitedError{Scope: "hourly"}, 0, true},
		{"a permanent error is no rate limit", fault.Permanentf("op", "no"), 0, false},
		{"a plain error is no rate limit", errors.New("timeout"), 0, false},
		{"nil is no rate limit", nil, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wait, ok := fault.RetryAfter(tc.err)
			if wait != tc.wantWait || ok != tc.wantOK {
				t.Errorf("RetryAfter(%v) = %v, %v; want %v, %v", tc.err, wait, ok, tc.wantWait, tc.wantOK)
			}
		})
	}
}

func TestErrorTexts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"a permanent error with op and status reads op: status: message",
			&fault.PermanentError{Op: "freee-hr: put", Status: 400, Message: "year is required"}, "freee-hr: put: 400: year is required"},
		{"a permanent error with op only reads op: message",
			&fault.PermanentError{Op: "validate", Message: "no code"}, "validate: no code"},
		{"a permanent error with status only reads status: message",
			&fault.PermanentError{Status: 422, Message: "bad"}, "422: bad"},
		{"a permanent error without a message uses its cause",
			fault.Permanent("decode", errors.New("unexpected EOF")), "decode: unexpected EOF"},
		{"a permanent error with a message prefers it over the cause",
			&fault.PermanentError{Op: "put", Message: "vendor said no", Err: errors.New("HTTP 400")}, "put: vendor said no"},
		{"Permanentf formats its message",
			fault.Permanentf("map", "tax rate %d%% is not allowed", 7), "map: tax rate 7% is not allowed"},
		{"a bare rate limit says so", &fault.RateLimitedError{}, "rate limited"},
		{"a full rate limit names op, scope, wait and cause",
			&fault.RateLimitedError{Op: "xero: post", Scope: "per-tenant-minute", RetryAfter: 1500 * time.Millisecond, Err: errors.New("HTTP 429")},
			"xero: post: rate limited (per-tenant-minute), retry after 1.5s: HTTP 429"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	for kind, want := range map[fault.Kind]string{
		fault.KindTransient:   "transient",
		fault.KindPermanent:   "permanent",
		fault.KindRateLimited: "rate_limited",
	} {
		if got := kind.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", kind, got, want)
		}
	}
}

func TestReconnect(t *testing.T) {
	t.Parallel()
	named := &fault.PermanentError{Op: "freee-hr", Status: 400, Message: "reconnect freee-hr: authorise the app again", Err: &fault.ReconnectError{Connection: "freee-hr"}}
	for _, tc := range []struct {
		name       string
		err        error
		connection string
		reconnect  bool
	}{
		{"a ReconnectError under a permanent error names its connection", named, "freee-hr", true},
		{"a wrapped one still names it", fmt.Errorf("flow payroll: list employees: %w", named), "freee-hr", true},
		{"one inside errors.Join still names it", errors.Join(errors.New("other"), named), "freee-hr", true},
		{"the bare sentinel says reconnect without a name", fmt.Errorf("xero: %w", fault.ErrReconnect), "", true},
		{"a plain permanent error is no reconnect", fault.Permanentf("freee-hr", "month is closed"), "", false},
		{"a reconnect formatted with %v is lost", fmt.Errorf("deliver: %v", named), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn, ok := fault.ReconnectConnection(tc.err)
			if conn != tc.connection || ok != tc.reconnect {
				t.Errorf("ReconnectConnection(%v) = %q, %v; want %q, %v", tc.err, conn, ok, tc.connection, tc.reconnect)
			}
			if got := errors.Is(tc.err, fault.ErrReconnect); got != tc.reconnect {
				t.Errorf("errors.Is(%v, ErrReconnect) = %v; want %v", tc.err, got, tc.reconnect)
			}
		})
	}
	if got := (&fault.ReconnectError{Connection: "xero"}).Error(); got != "reconnect xero" {
		t.Errorf("Error() = %q; want %q", got, "reconnect xero")
	}
	if !fault.IsPermanent(named) {
		t.Error("a reconnect under a permanent error is no longer permanent")
	}
}
