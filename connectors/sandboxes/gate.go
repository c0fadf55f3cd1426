package sandboxes

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// gate stands on loopback in front of a sandbox and passes every request to it, except that
// while refusing it answers the sandbox's API as the vendor does when an administrator has
// taken the app's permission away. It is how `urakata dev` makes a flow fail for its
// operations alert without touching the sandbox's data, and how the flow recovers.
type gate struct {
	url      string
	refusing atomic.Bool
	srv      *http.Server
	done     chan struct{}
}

// startGate serves next on a free loopback port, refusing the requests whose path starts
// with api with refuse while refusing is set.
func startGate(next http.Handler, api string, refuse http.HandlerFunc) (*gate, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("gate: %w", err)
	}
	g := &gate{url: "http://" + ln.Addr().String(), done: make(chan struct{})}
	g.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.refusing.Load() && strings.HasPrefix(r.URL.Path, api) {
			refuse(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})}
	go func() {
		defer close(g.done)
		// A gate that stops serving fails the connection's calls, and the run says so.
		_ = g.srv.Serve(ln)
	}()
	return g, nil
}

// close stops the gate and drops its connections.
func (g *gate) close() {
	_ = g.srv.Close()
	<-g.done
}

// freeeForbidden is freee's answer to an app whose permission was taken away: 403 with the
// problem body hr.json documents for permission errors (not freee's throttle, which the
// connector would wait out).
func freeeForbidden(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(`{"status_code":403,"errors":[{"type":"forbidden","messages":["アクセスする権限がありません"]}]}`))
}
