package cache_test

import (
	"testing"
	"time"

	"github.com/urakata/urakata/shared/cache"
)

func TestRecentDropsTheLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c := cache.New[int](2, 0)
	c.Put("a", 1)
	c.Put("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("a = %v %v", v, ok)
	}
	c.Put("c", 3) // b was used least recently
	if _, ok := c.Get("b"); ok {
		t.Error("b is still kept; it was the least recently used")
	}
	c.Put("a", 4)
	if v, _ := c.Get("a"); v != 4 {
		t.Errorf("a = %v after an update; want 4", v)
	}
	if v, ok := c.Get("c"); !ok || v != 3 {
		t.Errorf("c = %v %v; an update must not drop another entry", v, ok)
	}
}

func TestRecentForgetsAValueAfterItsTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	c := cache.New[string](8, time.Minute)
	c.Now = func() time.Time { return now }
	c.Put("u", "old")
	now = now.Add(time.Minute - time.Second)
	if v, ok := c.Get("u"); !ok || v != "old" {
		t.Fatalf("within its time: %q %v", v, ok)
	}
	now = now.Add(time.Second)
	if v, ok := c.Get("u"); ok {
		t.Errorf("after its time: %q still kept", v)
	}
}
