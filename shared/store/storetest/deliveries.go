package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/store"
)

// DeliveriesFactory builds a fresh, empty store.Deliveries on the suite's clock.
type DeliveriesFactory func(t *testing.T, now func() time.Time) store.Deliveries

// RunDeliveries runs the cases every store.Deliveries must pass, in parallel.
func RunDeliveries(t *testing.T, f DeliveriesFactory) {
	t.Run("a delivery is first once, then seen while it is kept", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		d := f(t, clk.Now)
		for i, want := range []bool{true, false, false} {
			got, err := d.FirstSeen(t.Context(), "slack/Ev01", time.Hour)
			if err != nil || got != want {
				t.Fatalf("arrival %d: first = %v, %v; want %v", i+1, got, err, want)
			}
			clk.Advance(10 * time.Minute)
		}
	})
	t.Run("a delivery is first again once its record expired", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		d := f(t, clk.Now)
		if first, err := d.FirstSeen(t.Context(), "xero/1", time.Hour); err != nil || !first {
			t.Fatalf("first arrival: %v, %v", first, err)
		}
		clk.Advance(time.Hour + time.Second)
		if first, err := d.FirstSeen(t.Context(), "xero/1", time.Hour); err != nil || !first {
			t.Fatalf("arrival after it expired: first = %v, %v; want true", first, err)
		}
		if first, err := d.FirstSeen(t.Context(), "xero/1", time.Hour); err != nil || first {
			t.Fatalf("arrival right after that: first = %v, %v; want false", first, err)
		}
	})
	t.Run("keys are independent", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		d := f(t, clk.Now)
		for _, k := range []string{"freee-hr/a", "freee-hr/b", "github/a"} {
			if first, err := d.FirstSeen(t.Context(), k, time.Hour); err != nil || !first {
				t.Fatalf("%s: first = %v, %v; want true", k, first, err)
			}
		}
	})
	t.Run("of concurrent arrivals of one delivery exactly one is first", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		d := f(t, clk.Now)
		var firsts atomic.Int32
		var wg sync.WaitGroup
		for range contenders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first, err := d.FirstSeen(t.Context(), "chatwork/race", time.Hour)
				if err != nil {
					t.Error(err)
				}
				if first {
					firsts.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := firsts.Load(); n != 1 {
			t.Fatalf("%d of %d concurrent arrivals were first; want exactly 1", n, contenders)
		}
	})
	t.Run("a forgotten delivery is first again, and forgetting an unknown one is fine", func(t *testing.T) {
		t.Parallel()
		d := f(t, newClock().Now)
		if first, err := d.FirstSeen(t.Context(), "github/d1", time.Hour); err != nil || !first {
			t.Fatalf("first arrival: %v, %v", first, err)
		}
		if err := d.Forget(t.Context(), "github/d1"); err != nil {
			t.Fatal(err)
		}
		if first, err := d.FirstSeen(t.Context(), "github/d1", time.Hour); err != nil || !first {
			t.Fatalf("arrival after Forget: first = %v, %v; want true", first, err)
		}
		if err := d.Forget(t.Context(), "github/never"); err != nil {
			t.Fatalf("forgetting an unknown delivery: %v", err)
		}
	})
	t.Run("an empty key or no keep time is refused", func(t *testing.T) {
		t.Parallel()
		d := f(t, newClock().Now)
		if _, err := d.FirstSeen(t.Context(), "", time.Hour); err == nil {
			t.Error("empty key accepted")
		}
		if _, err := d.FirstSeen(t.Context(), "k", 0); err == nil {
			t.Error("zero keep accepted")
		}
	})
}
