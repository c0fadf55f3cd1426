package githubtest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// hourWindow is GitHub's primary limit: requests counted in a window of an hour that starts
// with the first request, reported in X-RateLimit-* on every answer.
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
type hourWindow struct {
	limit int // <= 0: none
	start time.Time
	used  int
}

// rateState is what the X-RateLimit-* headers report; limit 0 sends none.
type rateState struct {
	limit, remaining, used int
	reset                  time.Time
}

func (w *hourWindow) roll(now time.Time) {
	if w.start.IsZero() || !now.Before(w.start.Add(time.Hour)) {
		w.start, w.used = now, 0
	}
}

func (w *hourWindow) state() rateState {
	return rateState{limit: w.limit, remaining: max(w.limit-w.used, 0), used: w.used, reset: w.start.Add(time.Hour)}
}

// take spends one request; ok is false when the hour is spent. Callers hold s.mu.
func (w *hourWindow) take(now time.Time) (rateState, bool) {
	if w.limit <= 0 {
		return rateState{}, true
	}
	w.roll(now)
	if w.used >= w.limit {
		return w.state(), false
	}
	w.used++
	return w.state(), true
}

func (w *hourWindow) peek(now time.Time) rateState {
	if w.limit <= 0 {
		return rateState{}
	}
	w.roll(now)
	return w.state()
}

// headers adds GitHub's rate-limit headers to h.
func (st rateState) headers(h http.Header) http.Header {
	if st.limit <= 0 {
		return h
	}
	if h == nil {
		h = http.Header{}
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(st.used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(st.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	return h
}

// minuteWindow counts requests that create content in clock minutes, for the secondary
// limit of 80 a minute.
type minuteWindow struct {
	limit int
	start time.Time
	used  int
}

// take spends one write; when the minute is spent it returns how long until it ends.
func (w *minuteWindow) take(now time.Time) (time.Duration, bool) {
	if w.limit <= 0 {
		return 0, true
	}
	if start := now.Truncate(time.Minute); !start.Equal(w.start) {
		w.start, w.used = start, 0
	}
	if w.used >= w.limit {
		return w.start.Add(time.Minute).Sub(now), false
	}
	w.used++
	return 0, true
}

// Documentation links of GitHub's rate-limit errors; go-github tells a secondary limit by
// the second's suffix.
const (
	primaryDocs   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
	secondaryDocs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)

// limit applies the primary limit, a tripped secondary limit, and the secondary limit on
// writes. Callers hold s.mu.
func (s *Server) limit(r *http.Request, now time.Time) (rateState, reply, bool) {
	st, ok := s.primary.take(now)
	if !ok {
		return st, primaryLimited(), false
	}
	if wait := s.secondaryUntil.Sub(now); wait > 0 {
		return st, secondaryLimited(wait), false
	}
	switch r.Method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		if wait, ok := s.writes.take(now); !ok {
			return st, secondaryLimited(wait), false
		}
	}
	return st, reply{}, true
}

// primaryLimited is GitHub's answer once the hour is spent: 403 with X-RateLimit-Remaining 0.
func primaryLimited() reply {
	return errorReply(http.StatusForbidden, "API rate limit exceeded for user ID 1001. If you reach out to GitHub Support for help, please include the request ID.", primaryDocs)
}

// secondaryLimited is GitHub's answer to a secondary limit: 403 with Retry-After.
func secondaryLimited(wait time.Duration) reply {
	rep := errorReply(http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.", secondaryDocs)
	rep.header = http.Header{"Retry-After": {strconv.Itoa(sandboxkit.RetryAfterSeconds(wait))}}
	return rep
}

// TripSecondaryLimit makes every API request answer GitHub's secondary rate limit (403 with
// Retry-After) for d from now, as GitHub does after detecting abuse; 0 lifts it.
func (s *Server) TripSecondaryLimit(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secondaryUntil = s.opts.Now().Add(d)
}

// RateState reports the primary limit as X-RateLimit-* would now: limit, remaining, reset.
func (s *Server) RateState() (limit, remaining int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.primary.peek(s.opts.Now())
	return st.limit, st.remaining, st.reset
}
