package sqlitequeue_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
)

// spread runs b.N calls of op across n goroutines and reports the rate as unit/s.
func spread(b *testing.B, n int, unit string, op func(ctx context.Context, i int64) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range n {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if err := op(context.Background(), i); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
}

// BenchmarkSend sends one durable message per call from many goroutines at once: the
// group commit turns them into a few large transactions.
func BenchmarkSend(b *testing.B) {
	for _, senders := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) {
			q := newQueue(b, openDB(b), sqlitequeue.Options{})
			body := []byte(`{"flow":"attendance-to-payroll","employee":"E001","date":"2025-03-31"}`)
			attrs := map[string]string{"flow": "attendance-to-payroll", "kind": "attendance.closed"}
			spread(b, senders, "msgs", func(ctx context.Context, _ int64) error {
				return q.Send(ctx, []queue.Outgoing{{Body: body, Attributes: attrs}})
			})
		})
	}
}

// BenchmarkReceiveDelete drains a full queue with several workers, each receiving ten at a
// time and deleting each message on its own, as the worker does.
func BenchmarkReceiveDelete(b *testing.B) {
	q := newQueue(b, openDB(b), sqlitequeue.Options{})
	ctx := context.Background()
	batch := make([]queue.Outgoing, 1000)
	for i := range batch {
		batch[i] = queue.Outgoing{Body: []byte("work")}
	}
	for sent := 0; sent < b.N; sent += len(batch) {
		if err := q.Send(ctx, batch[:min(len(batch), b.N-sent)]); err != nil {
			b.Fatal(err)
		}
	}
	var handled atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 8 {
		wg.Go(func() {
			for handled.Load() < int64(b.N) {
				msgs, err := q.Receive(ctx, queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
				if err != nil {
					b.Error(err)
					return
				}
				if len(msgs) == 0 {
					return
				}
				for _, m := range msgs {
					if err := q.Delete(ctx, m.Receipt); err != nil {
						b.Error(err)
						return
					}
					handled.Add(1)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if got := handled.Load(); got != int64(b.N) {
		b.Fatalf("handled %d of %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
