package chatworktest

import (
	"net/http"
	"strconv"
	"time"
)

// DefaultRateLimit is the requests one API token may make per RateWindow: the figure last
// seen in Chatwork's X-RateLimit-Limit (100, in 2017); the live one is not documented where
// urakata could read it.
const DefaultRateLimit = 100

// NoRateLimit turns the limit off (Options.RateLimit); the headers are still sent.
const NoRateLimit = -1

// window counts one token's requests in fixed windows: the first request after a window
// ends starts the next, and X-RateLimit-Reset is that window's end.
type window struct {
	start time.Time
	used  int
}

// rateState is what one answer's headers report.
type rateState struct {
	limit, remaining int
	reset            time.Time
}

func (st rateState) header() http.Header {
	return http.Header{
		"X-Ratelimit-Limit":     {strconv.Itoa(st.limit)},
		"X-Ratelimit-Remaining": {strconv.Itoa(st.remaining)},
		"X-Ratelimit-Reset":     {strconv.FormatInt(ceilUnix(st.reset), 10)},
	}
}

// take counts a request at now; ok is false when the window's requests are spent.
func (s *Server) take(token string, now time.Time) (rateState, bool) {
	limit, span := s.opts.RateLimit, s.opts.RateWindow
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.windows[token]
	if w == nil || !now.Before(w.start.Add(span)) {
		w = &window{start: now}
		s.windows[token] = w
	}
	shown := limit
	if limit <= 0 {
		// Unlimited: the headers still come, with a number no client reaches.
		shown = 1 << 30
	}
	st := rateState{limit: shown, reset: w.start.Add(span)}
	if limit > 0 && w.used >= limit {
		return st, false
	}
	w.used++
	st.remaining = max(shown-w.used, 0)
	return st, true
}

// spend uses up the token's window, as if it had made every request allowed: the
// sandbox's way to put a client in Chatwork's throttle.
func (s *Server) spend(token string, now time.Time, until time.Duration) rateState {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit := max(s.opts.RateLimit, 1)
	// A window that started (RateWindow - until) ago ends until from now.
	w := &window{start: now.Add(until - s.opts.RateWindow), used: limit}
	s.windows[token] = w
	return rateState{limit: limit, remaining: 0, reset: w.start.Add(s.opts.RateWindow)}
}

// ceilUnix is t in Unix seconds rounded up, so that a client waiting until the reset it
// was told never comes back a moment before the window ends.
func ceilUnix(t time.Time) int64 {
	sec := t.Unix()
	if t.After(time.Unix(sec, 0)) {
		sec++
	}
	return sec
}
