package local_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/store"
)

// Settled finds what a worker of the hub recorded for a delivery, by flow and natural key:
// the outcome and the target's reference of one delivered, the failure of one that went to
// the dead letters, and nothing for a delivery no worker handled.
func TestSettledFindsWhatTheWorkerRecorded(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, 3)
	victim := srv.Employees()[1].ID
	refused := fmt.Sprintf("/hr/api/v1/employees/%d/work_record_summaries/2026/10", victim)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == refused {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"status_code":400,"errors":[{"type":"bad_request","messages":["month is closed"]}]}`)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	h := openHub(t, testConfig(t, t.TempDir(), front.URL+"/hr", srv.TokenURL(), ""))
	ctx := t.Context()
	if _, err := h.Run(ctx, local.RunRequest{Period: "2026-10"}); err != nil {
		t.Fatal(err)
	}

	good := fmt.Sprintf("employee/%d/2026-10", srv.Employees()[0].ID)
	e, ok, err := h.Settled(ctx, "timeclock-to-payroll", good)
	if err != nil || !ok || e.Outcome != store.Delivered || e.TargetRef == "" {
		t.Fatalf("Settled(%s) = %+v, %v, %v; want it delivered with the target's reference", good, e, ok, err)
	}
	bad := fmt.Sprintf("employee/%d/2026-10", victim)
	if e, ok, err := h.Settled(ctx, "timeclock-to-payroll", bad); err != nil || !ok || e.Outcome != store.Failed || !strings.Contains(e.Detail, "month is closed") {
		t.Fatalf("Settled(%s) = %+v, %v, %v; want it failed with the vendor's message", bad, e, ok, err)
	}
	for _, tc := range []struct{ flow, key string }{
		{"timeclock-to-payroll", "employee/999999/2026-10"},
		{"another-flow", good},
	} {
		if e, ok, err := h.Settled(ctx, tc.flow, tc.key); err != nil || ok {
			t.Fatalf("Settled(%s, %s) = %+v, %v, %v; want nothing found", tc.flow, tc.key, e, ok, err)
		}
	}
}

// ServeWith serves on the listener it is given and, with NoSchedules, arms no schedule: a
// hub that serves a moment for a script starts no work of its own.
func TestServeWithTheListenerItIsGivenAndNoSchedules(t *testing.T) {
	t.Parallel()
	for _, noSchedules := range []bool{false, true} {
		t.Run(fmt.Sprintf("NoSchedules=%v", noSchedules), func(t *testing.T) {
			t.Parallel()
			logs := &lockedBuffer{}
			cfg := testConfig(t, t.TempDir(), "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", `, listen: "127.0.0.1:9"`)
			h, err := local.Open(t.Context(), cfg, local.Options{Secrets: sandboxSecrets(), Logger: slog.New(slog.NewJSONHandler(logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(h.Close)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			ready := make(chan string, 1)
			done := make(chan error, 1)
			go func() {
				done <- h.ServeWith(ctx, local.ServeOptions{Listener: ln, NoSchedules: noSchedules, Ready: func(addr string) { ready <- addr }})
			}()
			if addr := <-ready; addr != ln.Addr().String() {
				t.Fatalf("serving on %s; want the listener's %s, not runtime.listen", addr, ln.Addr())
			}
			resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			armed := func() bool { return strings.Contains(logs.String(), "schedule armed") }
			if !noSchedules {
				// The scheduler logs as it arms; give its goroutine the moment it needs.
				for deadline := time.Now().Add(5 * time.Second); !armed() && time.Now().Before(deadline); {
					time.Sleep(10 * time.Millisecond)
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("ServeWith: %v; want nil after its context ended", err)
			}
			if resp.StatusCode != http.StatusOK || armed() == noSchedules {
				t.Fatalf("GET /healthz %d, schedule armed %v; want 200 and the schedule armed only without NoSchedules", resp.StatusCode, armed())
			}
		})
	}
}

// lockedBuffer collects the hub's logs from its goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
