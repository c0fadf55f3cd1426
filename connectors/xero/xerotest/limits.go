package xerotest

import (
	"net/http"
	"strconv"
	"time"
)

// Xero's published limits (https://developer.xero.com/documentation/guides/oauth2/limits).
const (
	DefaultMinuteLimit     = 60
	DefaultDayLimit        = 5000
	DefaultConcurrentLimit = 5
	DefaultAppMinuteLimit  = 10000
)

// NoLimit turns a limit off (Options.MinuteLimit, DayLimit, ConcurrentLimit,
// AppMinuteLimit), for benchmarks and demos.
const NoLimit = -1

// The limits' names, as X-Rate-Limit-Problem gives them on a 429.
const (
	LimitMinute     = "minute"
	LimitDay        = "day"
	LimitConcurrent = "concurrent"
	LimitAppMinute  = "appminute"
)

// window is a sliding one-minute window: the instants of the calls in it, oldest first.
type window struct {
	limit int
	calls []time.Time
}

func (w *window) trim(now time.Time) {
	i := 0
	for i < len(w.calls) && !w.calls[i].After(now.Add(-time.Minute)) {
		i++
	}
	w.calls = w.calls[i:]
}

func (w *window) remaining(now time.Time) int {
	w.trim(now)
	return max(w.limit-len(w.calls), 0)
}

// full reports whether another call now would go past the limit, and when it would not.
func (w *window) full(now time.Time) (bool, time.Duration) {
	if w.limit <= 0 {
		return false, 0
	}
	w.trim(now)
	if len(w.calls) < w.limit {
		return false, 0
	}
	return true, w.calls[0].Add(time.Minute).Sub(now)
}

func (w *window) take(now time.Time) {
	if w.limit > 0 {
		w.calls = append(w.calls, now)
	}
}

// tenantLimits are one organisation's counters: calls in flight, the sliding minute and
// the UTC day (Xero's day is rolling; a calendar day is what the sandbox can reset simply).
type tenantLimits struct {
	inFlight int
	minute   window
	day      time.Time
	dayUsed  int
}

// quota is what the rate headers report.
type quota struct {
	day, minute, appMinute int
	// set says which of them are limited (and so sent).
	day0, minute0, app0 bool
}

// admit takes one call for tenant, or says which limit it hits and for how long. A call
// admitted must be released. Callers hold s.mu.
func (s *Server) admit(tenant string, now time.Time) (limit string, wait time.Duration, q quota) {
	t := s.limits[tenant]
	if t == nil {
		t = &tenantLimits{minute: window{limit: s.opts.MinuteLimit}}
		s.limits[tenant] = t
	}
	if day := now.UTC().Truncate(24 * time.Hour); !day.Equal(t.day) {
		t.day, t.dayUsed = day, 0
	}
	switch {
	case s.opts.ConcurrentLimit > 0 && t.inFlight >= s.opts.ConcurrentLimit:
		limit, wait = LimitConcurrent, time.Second
	case s.opts.DayLimit > 0 && t.dayUsed >= s.opts.DayLimit:
		limit, wait = LimitDay, t.day.Add(24*time.Hour).Sub(now)
	default:
		if full, w := t.minute.full(now); full {
			limit, wait = LimitMinute, w
		} else if full, w := s.appMinute.full(now); full {
			limit, wait = LimitAppMinute, w
		}
	}
	if limit == "" {
		t.inFlight++
		t.dayUsed++
		t.minute.take(now)
		s.appMinute.take(now)
	}
	return limit, wait, s.quota(t, now)
}

// release ends a call admitted for tenant. Callers hold s.mu.
func (s *Server) release(tenant string) {
	if t := s.limits[tenant]; t != nil && t.inFlight > 0 {
		t.inFlight--
	}
}

func (s *Server) quota(t *tenantLimits, now time.Time) quota {
	return quota{
		day: max(s.opts.DayLimit-t.dayUsed, 0), day0: s.opts.DayLimit > 0,
		minute: t.minute.remaining(now), minute0: s.opts.MinuteLimit > 0,
		appMinute: s.appMinute.remaining(now), app0: s.opts.AppMinuteLimit > 0,
	}
}

// set writes Xero's quota headers for the limits that are on.
func (q quota) set(h http.Header) {
	if q.day0 {
		h.Set("X-DayLimit-Remaining", strconv.Itoa(q.day))
	}
	if q.minute0 {
		h.Set("X-MinLimit-Remaining", strconv.Itoa(q.minute))
	}
	if q.app0 {
		h.Set("X-AppMinLimit-Remaining", strconv.Itoa(q.appMinute))
	}
}
