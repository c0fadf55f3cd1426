package freeetest

import (
	"net/http"
	"strconv"
	"time"
)

// DefaultRateLimit is freee HR's published limit: 10,000 requests an hour.
const DefaultRateLimit = 10000

// NoRateLimit turns the hourly limit off (Options.RateLimit), for benchmarks.
const NoRateLimit = -1

// rateWindow counts API requests in fixed clock-hour windows, as freee's hourly limit does.
type rateWindow struct {
	limit int // <= 0: unlimited
	start time.Time
	used  int
}

// rateState is what the X-Ratelimit-* headers report.
type rateState struct {
	limit, remaining int
	reset            time.Time
}

func (w *rateWindow) roll(now time.Time) {
	if start := now.Truncate(time.Hour); !start.Equal(w.start) {
		w.start, w.used = start, 0
	}
}

func (w *rateWindow) state() rateState {
	return rateState{limit: w.limit, remaining: max(w.limit-w.used, 0), reset: w.start.Add(time.Hour)}
}

// take spends one request; ok is false when the window is used up. Callers hold s.mu.
func (w *rateWindow) take(now time.Time) (rateState, bool) {
	w.roll(now)
	if w.limit <= 0 {
		return rateState{}, true
	}
	if w.used >= w.limit {
		return w.state(), false
	}
	w.used++
	return w.state(), true
}

// peek reports the window without spending. Callers hold s.mu.
func (w *rateWindow) peek(now time.Time) rateState {
	w.roll(now)
	if w.limit <= 0 {
		return rateState{}
	}
	return w.state()
}

// set writes freee's headers: X-Ratelimit-Limit, -Remaining and -Reset (an instant in UTC
// with microseconds, as hr.json shows it). An unlimited sandbox sends none.
func (st rateState) set(h http.Header) {
	if st.limit <= 0 {
		return
	}
	h.Set("X-Ratelimit-Limit", strconv.Itoa(st.limit))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-Ratelimit-Reset", st.reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
}
