package local_test

import (
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	_ "github.com/urakata/urakata/connectors/freee"
	_ "github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/local"
)

// BenchmarkTimeclockToPayroll runs the whole flow — list employees, read every time clock,
// compute by labour rules, queue, claim, PUT each summary, settle — through the embedded
// runtime against the freee sandbox (in a child process, so only the hub is measured), for
// a month of 31 days. It reports records (employees) per second and the hub's peak heap;
// the heap must not grow with the number of employees.
func BenchmarkTimeclockToPayroll(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(employeesName(n), func(b *testing.B) {
			base, tok := sandboxChild(b, n)
			var rps, peak float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dir := b.TempDir()
				cfg := hubConfig(b, dir, base, tok, ", requests_per_hour: 100000000")
				h, err := local.Open(b.Context(), cfg, local.Options{Secrets: sandboxSecrets(), Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := watchHeap()
				b.StartTimer()
				res, err := h.Run(b.Context(), local.RunRequest{Period: "2026-10", Trigger: "bench"})
				b.StopTimer()
				peak = max(peak, stop())
				h.Close()
				if err != nil {
					b.Fatal(err)
				}
				f := res.Flows[0]
				if f.Read != n || f.Failed != 0 || f.Delivered+f.Skipped != n {
					b.Fatalf("read %d delivered %d skipped %d failed %d; want %d read, all delivered", f.Read, f.Delivered, f.Skipped, f.Failed, n)
				}
				rps = f.RecordsPerSecond
			}
			b.ReportMetric(rps, "records/s")
			b.ReportMetric(peak/(1<<20), "peak-heap-MiB")
		})
	}
}

func employeesName(n int) string { return fmt.Sprintf("%d-employees", n) }

// watchHeap samples the live heap every 5 ms until the returned stop is called, and returns
// the largest sample in bytes.
func watchHeap() (stop func() float64) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			mu.Lock()
			peak = max(peak, samples[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return float64(peak)
	}
}
