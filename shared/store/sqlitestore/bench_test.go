package sqlitestore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/store"
)

// BenchmarkClaimSettle claims and settles distinct keys from many workers at once, the
// ledger's work per delivery.
func BenchmarkClaimSettle(b *testing.B) {
	for _, workers := range []int{1, 32} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			s := newStore(b, openDB(b), nil)
			ctx := context.Background()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := range workers {
				wg.Go(func() {
					owner := fmt.Sprint("worker-", w)
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						key := fmt.Sprint("flow/target/", i)
						state, _, err := s.Claim(ctx, key, owner, time.Minute)
						if err != nil || state != store.Claimed {
							b.Errorf("claim: %s %v", state, err)
							return
						}
						if err := s.Settle(ctx, key, owner, store.Settlement{Outcome: store.Delivered, TargetRef: "ref"}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}
