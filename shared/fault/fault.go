// Package fault classifies errors so that the runtime, not the connector, decides what
// happens to a delivery: a Permanent error goes to the dead letters now, a RateLimited one
// waits and is tried again without counting as a failure, and any other error is transient
// and retried with backoff until the queue's receive limit.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// PermanentError is an error that will never pass by retrying: a validation failure, or a
// vendor 4xx that says the request itself is wrong. Message is what the vendor (or the
// mapping) said, safe to show to an operator: it must carry no secret and no personal data.
type PermanentError struct {
	// Op names what was being done, e.g. "freee-hr: put work record summary".
	Op string
	// Status is the HTTP status the vendor answered, or 0 when no request was made.
	Status int
	// Message is the vendor's or the validator's explanation.
	Message string
	// Err is the underlying error, if any.
	Err error
}

func (e *PermanentError) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	switch {
	case e.Op != "" && e.Status != 0:
		return fmt.Sprintf("%s: %d: %s", e.Op, e.Status, msg)
	case e.Op != "":
		return fmt.Sprintf("%s: %s", e.Op, msg)
	case e.Status != 0:
		return fmt.Sprintf("%d: %s", e.Status, msg)
	}
	return msg
}

func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as one that will never pass. It returns nil for a nil err.
func Permanent(op string, err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Op: op, Err: err}
}

// Permanentf builds a PermanentError from a message.
func Permanentf(op, format string, args ...any) error {
	return &PermanentError{Op: op, Message: fmt.Sprintf(format, args...)}
}

// RateLimitedError says the vendor (or our own limiter) asks us to wait. It is never a
// failure by itself: the runtime waits or requeues the delivery with a delay of RetryAfter.
type RateLimitedError struct {
	// Op names what was being done.
	Op string
	// RetryAfter is how long to wait before the next attempt; 0 means unknown.
	RetryAfter time.Duration
	// Scope names which limit was hit, e.g. "hourly", "per-tenant-minute", "throttle-403".
	Scope string
	// Err is the underlying error, if any.
	Err error
}

func (e *RateLimitedError) Error() string {
	s := "rate limited"
	if e.Scope != "" {
		s += " (" + e.Scope + ")"
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(", retry after %s", e.RetryAfter.Round(time.Millisecond))
	}
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *RateLimitedError) Unwrap() error { return e.Err }

// Kind is what the runtime does with an error.
type Kind int

const (
	// KindTransient errors are retried with exponential backoff and jitter.
	KindTransient Kind = iota
	// KindPermanent errors go to the dead letters at once.
	KindPermanent
	// KindRateLimited errors wait RetryAfter and try again, without counting as a failure.
	KindRateLimited
)

// String names the kind for logs and summaries.
func (k Kind) String() string {
	switch k {
	case KindPermanent:
		return "permanent"
	case KindRateLimited:
		return "rate_limited"
	}
	return "transient"
}

// Classify tells what kind of error err is. A nil error is KindTransient by convention; callers
// check for nil first.
func Classify(err error) Kind {
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return KindRateLimited
	}
	var p *PermanentError
	if errors.As(err, &p) {
		return KindPermanent
	}
	return KindTransient
}

// IsPermanent reports whether err, or any error it wraps, is a PermanentError.
func IsPermanent(err error) bool { return Classify(err) == KindPermanent }

// RetryAfter returns the wait a RateLimitedError asks for, and whether err is one.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

// ErrReconnect is matched (errors.Is) by every error that says a connection must be
// authorised again: the vendor refused its refresh token (OAuth invalid_grant), so no retry
// can pass until a person reconnects it. Connectors wrap a *ReconnectError, which names the
// connection; operations alerts look for it on any error.
var ErrReconnect = errors.New("reconnect required")

// ReconnectError names the connection that must be authorised again. It matches
// ErrReconnect. Connectors put it under a PermanentError (as its Err), whose Message tells
// the operator what to do.
type ReconnectError struct {
	// Connection is the hub.yaml connection name.
	Connection string
}

func (e *ReconnectError) Error() string { return "reconnect " + e.Connection }

// Is makes errors.Is(err, ErrReconnect) true.
func (e *ReconnectError) Is(target error) bool { return target == ErrReconnect }

// ReconnectConnection returns the connection a *ReconnectError in err's chain names, and
// whether err says a connection must be authorised again at all (errors.Is ErrReconnect):
// a connector that wraps the bare sentinel gives ok with an empty name.
func ReconnectConnection(err error) (connection string, ok bool) {
	var re *ReconnectError
	if errors.As(err, &re) {
		return re.Connection, true
	}
	return "", errors.Is(err, ErrReconnect)
}
