package slack

import (
	"container/list"
	"sync"
	"time"
)

// recent keeps the answers a connection was given lately, so that a chat bot asked again
// and again by the same few people does not ask Slack each time: at most size entries, the
// least recently used dropped first, each kept ttl (0: until dropped). It is safe for
// concurrent use.
type recent[V any] struct {
	size int
	ttl  time.Duration
	// now is the clock entries age on; tests replace it.
	now func() time.Time

	mu    sync.Mutex
	order *list.List // of *recentEntry[V], most recently used first
	byKey map[string]*list.Element
}

type recentEntry[V any] struct {
	key   string
	value V
	at    time.Time
}

func newRecent[V any](size int, ttl time.Duration) *recent[V] {
	return &recent[V]{size: max(size, 1), ttl: ttl, now: time.Now, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the value kept for key, unless it is older than ttl.
func (c *recent[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.byKey[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*recentEntry[V])
	if c.ttl > 0 && c.now().Sub(e.at) >= c.ttl {
		c.order.Remove(el)
		delete(c.byKey, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.value, true
}

// put keeps value for key, dropping the least recently used entry when full.
func (c *recent[V]) put(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		el.Value = &recentEntry[V]{key, value, c.now()}
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(&recentEntry[V]{key, value, c.now()})
	if c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byKey, oldest.Value.(*recentEntry[V]).key)
	}
}
