package local

import (
	"sync"

	"github.com/urakata/urakata/shared/hub"
)

// FlowCounts is what one flow did during one invocation of the runtime.
type FlowCounts struct {
	Read      int `json:"read"`
	Queued    int `json:"queued"`
	Delivered int `json:"delivered"`
	Skipped   int `json:"skipped"`
	Failed    int `json:"failed"`
	Dead      int `json:"dead"`
	// Retries counts transient failures that were retried, RateLimited the waits asked by a
	// vendor; neither is a failure by itself.
	Retries     int `json:"retries"`
	RateLimited int `json:"rate_limited"`
}

// tracker counts worker outcomes per flow. Outcomes are counted per flow, not per run id, so
// messages left by an earlier, interrupted run are counted where they are finished.
type tracker struct {
	mu     sync.Mutex
	counts map[string]*FlowCounts
}

func newTracker() *tracker { return &tracker{counts: map[string]*FlowCounts{}} }

// observe counts one handled message. Dead letters are not counted here but from the dead
// letters after the run (addDead), which also hold those the queue moved there on its own
// when the receive limit was reached.
func (t *tracker) observe(o hub.Outcome) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.flow(o.Flow)
	switch o.Status {
	case hub.StatusDelivered:
		c.Delivered++
	case hub.StatusSkipped:
		c.Skipped++
	case hub.StatusRetry:
		c.Retries++
	case hub.StatusRateLimited:
		c.RateLimited++
	}
}

// plan adds a plan's counts.
func (t *tracker) plan(flow string, s hub.PlanStats) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.flow(flow)
	c.Read += s.Read
	c.Queued += s.Queued
	c.Skipped += s.Skipped
	c.Failed += s.Failed
}

// addDead counts dead letters the queue made on its own (receive limit reached).
func (t *tracker) addDead(flow string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.flow(flow)
	c.Failed += n
	c.Dead += n
}

func (t *tracker) flow(name string) *FlowCounts {
	c, ok := t.counts[name]
	if !ok {
		c = &FlowCounts{}
		t.counts[name] = c
	}
	return c
}

// snapshot returns a copy of one flow's counts.
func (t *tracker) snapshot(flow string) FlowCounts {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.counts[flow]; ok {
		return *c
	}
	return FlowCounts{}
}
