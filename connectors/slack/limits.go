package slack

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/httpx"
)

// Tier is a Web API rate-limit tier. Slack counts each method separately, per workspace
// and app, and welcomes short bursts; over the limit it answers 429 with Retry-After.
// Source: https://api.slack.com/docs/rate-limits.
type Tier struct {
	Name string
	// PerMinute is how many calls a minute the tier allows one method; 0 means the method
	// has a limit of its own (chat.postMessage) and no per-minute budget is applied.
	PerMinute int
}

// The tiers the connector's methods are in.
var (
	Tier1 = Tier{Name: "tier1", PerMinute: 1}
	Tier2 = Tier{Name: "tier2", PerMinute: 20}
	Tier3 = Tier{Name: "tier3", PerMinute: 50}
	Tier4 = Tier{Name: "tier4", PerMinute: 100}
	// TierPostMessage is chat.postMessage's special tier: about one message a second per
	// channel, with short bursts allowed, under a workspace-wide limit Slack does not publish.
	TierPostMessage = Tier{Name: "chat.postMessage"}
)

// methodTiers are from each method's page (https://api.slack.com/methods/<method>).
// auth.test is "Special" there, with a limit in the thousands an hour: tier 4 is a safe
// floor.
var methodTiers = map[string]Tier{
	"auth.test":           Tier4,
	"users.list":          Tier2,
	"users.lookupByEmail": Tier3,
	"users.info":          Tier4,
	"conversations.list":  Tier2,
	"conversations.open":  Tier3,
	"chat.postMessage":    TierPostMessage,
}

// TierOf returns a method's tier; methods the connector does not know get tier 3, the
// most common one.
func TierOf(method string) Tier {
	if t, ok := methodTiers[method]; ok {
		return t
	}
	return Tier3
}

// Policy is how one Web API method wants to be called: a token bucket of its tier's
// per-minute budget (refilled evenly, a minute's worth of burst), 429 with Retry-After as
// the throttle, and Slack's "ok": false typed by checkBody. connection names the hub.yaml
// connection in errors that ask to reconnect it.
func Policy(method, connection string) httpx.Policy {
	p := httpx.Policy{
		Name:         Vendor,
		RetryMax:     3,
		RetryWaitMin: time.Second,
		RetryWaitMax: 30 * time.Second,
		CheckBody:    checkBody(method, connection),
	}
	if t := TierOf(method); t.PerMinute > 0 {
		p.Rate = rate.Limit(float64(t.PerMinute) / 60)
		p.Burst = t.PerMinute
	}
	return p
}

// PostInterval is the pace of chat.postMessage in one channel.
const PostInterval = time.Second

// channelPacer spaces messages to the same channel PostInterval apart, as Slack asks; other
// channels are not held up. Pacers of channels not posted to for a while are forgotten, so
// a long-running process does not keep one per employee.
type channelPacer struct {
	every    time.Duration
	mu       sync.Mutex
	channels map[string]*pace
}

type pace struct {
	lim  *rate.Limiter
	last time.Time
}

// maxPacers is how many channels are remembered before idle ones are dropped.
const maxPacers = 512

func newChannelPacer(every time.Duration) *channelPacer {
	return &channelPacer{every: every, channels: map[string]*pace{}}
}

// reserve books the next slot in channel at now and returns the reservation.
func (p *channelPacer) reserve(channel string, now time.Time) *rate.Reservation {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.channels[channel]
	if !ok {
		if len(p.channels) >= maxPacers {
			for name, old := range p.channels {
				if now.Sub(old.last) > p.every {
					delete(p.channels, name)
				}
			}
		}
		c = &pace{lim: rate.NewLimiter(rate.Every(p.every), 1)}
		p.channels[channel] = c
	}
	r := c.lim.ReserveN(now, 1)
	c.last = now.Add(r.DelayFrom(now))
	return r
}

// wait holds until channel may be posted to. When the caller's deadline would pass first it
// returns a RateLimitedError at once, so the runtime can requeue instead of sleeping.
func (p *channelPacer) wait(ctx context.Context, channel string) error {
	now := time.Now()
	return httpx.Wait(ctx, p.reserve(channel, now), now, Vendor+": chat.postMessage", "channel-pace")
}
