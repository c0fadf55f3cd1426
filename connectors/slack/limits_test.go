package slack

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/fault"
)

func TestEachMethodIsLimitedAtItsTier(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method    string
		perMinute int
	}{
		{"users.list", 20},
		{"conversations.list", 20},
		{"users.lookupByEmail", 50},
		{"conversations.open", 50},
		{"auth.test", 100},
		{"some.newMethod", 50},
	} {
		t.Run(tc.method+" takes "+fmt.Sprint(tc.perMinute)+" a minute", func(t *testing.T) {
			t.Parallel()
			p := Policy(tc.method, "c")
			if want := rate.Limit(float64(tc.perMinute) / 60); p.Rate != want || p.Burst != tc.perMinute {
				t.Errorf("rate %v burst %d; want %v burst %d", p.Rate, p.Burst, want, tc.perMinute)
			}
			if p.CheckBody == nil {
				t.Error("no CheckBody: ok false would pass as a success")
			}
		})
	}
	t.Run("chat.postMessage is paced per channel, not per minute", func(t *testing.T) {
		t.Parallel()
		if p := Policy("chat.postMessage", "c"); p.Rate != 0 {
			t.Errorf("rate %v; want none at the method level", p.Rate)
		}
	})
}

func TestPostsToOneChannelAreASecondApart(t *testing.T) {
	t.Parallel()
	p := newChannelPacer(PostInterval)
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		channel string
		at      time.Time
		want    time.Duration
	}{
		{"the first post to a channel goes at once", "C1", t0, 0},
		{"a second post right after waits a second", "C1", t0, time.Second},
		{"a third waits two", "C1", t0, 2 * time.Second},
		{"another channel is not held up", "C2", t0, 0},
		{"after the queue has drained a post goes at once", "C1", t0.Add(10 * time.Second), 0},
	} {
		r := p.reserve(tc.channel, tc.at)
		if got := r.DelayFrom(tc.at); got != tc.want {
			t.Errorf("%s: wait %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestThePacerForgetsIdleChannels(t *testing.T) {
	t.Parallel()
	p := newChannelPacer(PostInterval)
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for i := range maxPacers {
		p.reserve(fmt.Sprintf("D%08d", i), t0)
	}
	p.reserve("Dnew", t0.Add(time.Minute))
	if n := len(p.channels); n != 1 {
		t.Errorf("%d channels remembered; want only the new one once the others were idle", n)
	}
}

func TestAPaceLongerThanTheDeadlineIsRateLimitedAtOnce(t *testing.T) {
	t.Parallel()
	p := newChannelPacer(PostInterval)
	if err := p.wait(t.Context(), "C1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	err := p.wait(ctx, "C1")
	if wait, ok := fault.RetryAfter(err); !ok || wait <= 0 {
		t.Errorf("err = %v; want RateLimited with the wait", err)
	}
	// The refused slot was given back: the channel's next post waits one interval, not two.
	if d := p.reserve("C1", time.Now()).DelayFrom(time.Now()); d > PostInterval {
		t.Errorf("next wait %v; the cancelled reservation was kept", d)
	}
}

func TestAPaceEndsWhenTheContextDoes(t *testing.T) {
	t.Parallel()
	p := newChannelPacer(PostInterval)
	_ = p.wait(t.Context(), "C1")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := p.wait(ctx, "C1"); err != context.Canceled {
		t.Errorf("err = %v; want context.Canceled", err)
	}
}
