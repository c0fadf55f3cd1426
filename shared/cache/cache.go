// Package cache keeps recent answers in memory, bounded: what a connector or a flow was told
// lately (a chat user's email, who an asker is), so that the same few people asking again and
// again do not cost a vendor request each time.
package cache

import (
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Recent keeps at most size values, the least recently used dropped first (hashicorp's LRU),
// each for ttl after it was put (0: until dropped). It is safe for concurrent use.
type Recent[V any] struct {
	ttl time.Duration
	lru *lru.Cache[string, stamped[V]]
	// Now is the clock entries age on; tests replace it.
	Now func() time.Time
}

type stamped[V any] struct {
	value V
	at    time.Time
}

// New returns an empty cache of at most size values (at least one), each kept ttl.
func New[V any](size int, ttl time.Duration) *Recent[V] {
	c, err := lru.New[string, stamped[V]](max(size, 1))
	if err != nil {
		panic(err) // only for a size below one, which max rules out
	}
	return &Recent[V]{ttl: ttl, lru: c, Now: time.Now}
}

// Get returns the value kept for key, unless it is older than the cache's ttl.
func (c *Recent[V]) Get(key string) (V, bool) {
	s, ok := c.lru.Get(key)
	if !ok {
		var zero V
		return zero, false
	}
	if c.ttl > 0 && c.Now().Sub(s.at) >= c.ttl {
		c.lru.Remove(key)
		var zero V
		return zero, false
	}
	return s.value, true
}

// Put keeps value for key, dropping the least recently used value when full.
func (c *Recent[V]) Put(key string, value V) { c.lru.Add(key, stamped[V]{value, c.Now()}) }
