package slacktest

import (
	"time"

	"golang.org/x/time/rate"
)

// tierPerMinute is each method's tier as Slack's method pages give it, in calls a minute
// (tier 1: 1, tier 2: 20, tier 3: 50, tier 4: 100); methods not listed get tier 3. Source:
// https://api.slack.com/docs/rate-limits and https://api.slack.com/methods/<method>.
var tierPerMinute = map[string]int{
	"auth.test":           100,
	"users.list":          20,
	"users.lookupByEmail": 50,
	"users.info":          100,
	"conversations.list":  20,
	"conversations.open":  50,
	"conversations.info":  100,
}

const defaultPerMinute = 50

// DefaultPostBurst is how many messages in a row one channel takes before chat.postMessage's
// one-a-second pace applies ("short bursts are allowed").
const DefaultPostBurst = 3

// limits is the sandbox's loose model of Slack's limits: a token bucket per method at its
// tier (a minute's worth of burst), and for chat.postMessage one per channel refilled once a
// second. Callers hold the server's lock; time comes from Options.Now.
type limits struct {
	off       bool
	postBurst int
	methods   map[string]*rate.Limiter
	channels  map[string]*rate.Limiter
}

func newLimits(off bool, postBurst int) *limits {
	return &limits{off: off, postBurst: postBurst, methods: map[string]*rate.Limiter{}, channels: map[string]*rate.Limiter{}}
}

// take spends one call of method at now; when over the limit it returns how long until
// one is allowed.
func (l *limits) take(method string, now time.Time) (time.Duration, bool) {
	if l.off || method == "chat.postMessage" {
		return 0, true
	}
	lim, ok := l.methods[method]
	if !ok {
		pm := defaultPerMinute
		if v, ok := tierPerMinute[method]; ok {
			pm = v
		}
		lim = rate.NewLimiter(rate.Limit(float64(pm)/60), pm)
		l.methods[method] = lim
	}
	return allow(lim, now)
}

// takePost spends one message in channel at now.
func (l *limits) takePost(channel string, now time.Time) (time.Duration, bool) {
	if l.off {
		return 0, true
	}
	lim, ok := l.channels[channel]
	if !ok {
		lim = rate.NewLimiter(rate.Every(time.Second), l.postBurst)
		l.channels[channel] = lim
	}
	return allow(lim, now)
}

func allow(lim *rate.Limiter, now time.Time) (time.Duration, bool) {
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}
