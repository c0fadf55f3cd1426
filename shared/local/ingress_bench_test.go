package local_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/secrets"
)

// BenchmarkWebhookIngress measures the webhook front door on loopback as a vendor meets it:
// many concurrent senders POST signed notifications (freee's, verified in constant time) to
// a real HTTP server; each is verified, turned into a job and durably enqueued in SQLite
// (synchronous=FULL: fsync'd, many requests per group commit) before the 202. It reports
// requests per second and the 50th and 99th percentile latency seen by the senders.
func BenchmarkWebhookIngress(b *testing.B) {
	for _, senders := range []int{16, 64} {
		b.Run(fmt.Sprintf("%d-senders", senders), func(b *testing.B) { benchIngress(b, senders) })
	}
}

func benchIngress(b *testing.B, senders int) {
	dir := b.TempDir()
	yaml := fmt.Sprintf(`version: 1
runtime: {data_dir: %q}
connections:
  freee-hr: {vendor: freee-hr, secret: FREEE_HR, settings: {company_id: 1}}
flows:
  employee-sync:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {webhook: {connection: freee-hr}}
    period: {closing_day: 0, prescribed_daily_minutes: 480}
`, dir)
	path := filepath.Join(dir, "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		b.Fatal(err)
	}
	cred, _ := json.Marshal(map[string]string{"client_id": "c", "client_secret": "s", "refresh_token": "r", "webhook_token": "wh-token"})
	h, err := local.Open(b.Context(), cfg, local.Options{Secrets: secrets.Static{"FREEE_HR": string(cred)}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders, MaxConnsPerHost: senders}}
	url := srv.URL + "/hooks/freee-hr"

	var next atomic.Int64
	lat := make([][]time.Duration, senders)
	var wg sync.WaitGroup
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				body := fmt.Appendf(nil, `{"id":"bench-%d","application_id":1,"resource":"hr:employee","action":"updated","created_at":"2026-11-27T12:00:00+09:00","employee":{"id":%d,"company_id":1}}`, i, 1000+i%500)
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Freee-Token", "wh-token")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				lat[s] = append(lat[s], time.Since(t0))
				if resp.StatusCode != http.StatusAccepted {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed", n, b.N)
	}
	st, err := h.Queue().Stats(b.Context())
	if err != nil || st.Visible != b.N {
		b.Fatalf("queue holds %d visible jobs (%v); want %d, one per request", st.Visible, err, b.N)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
