package sandboxkit

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Loopback runs a sandbox's handler on a local address until Close, and holds the requests
// a "timeout" fault keeps waiting. The zero value is ready; it must not be copied.
type Loopback struct {
	mu      sync.Mutex
	closing chan struct{}
	closed  bool
	srv     *http.Server
	url     string
}

// Start listens on addr (e.g. 127.0.0.1:0) and serves h in the background until Close.
// pkg prefixes its errors.
func (l *Loopback) Start(pkg, addr string, h http.Handler) error {
	if l.URL() != "" {
		return errors.New(pkg + ": Start called twice")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: listen on %s: %w", pkg, addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	l.mu.Lock()
	l.srv, l.url = srv, "http://"+ln.Addr().String()
	l.mu.Unlock()
	// Serve returns only when Close closes the listener.
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// URL is the server's root, e.g. http://127.0.0.1:41234, once Start has run ("" before).
func (l *Loopback) URL() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.url
}

// Close releases the requests Hold keeps, stops serving and drops open connections. It may
// be called more than once, and without Start (a sandbox used as an http.Handler).
func (l *Loopback) Close() {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.closingLocked())
	}
	srv := l.srv
	l.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

func (l *Loopback) closingLocked() chan struct{} {
	if l.closing == nil {
		l.closing = make(chan struct{})
	}
	return l.closing
}

// Hold keeps r waiting, as a vendor that does not answer, for at most d. It reports true
// when d passed and the caller is to answer (a gateway timeout); false when the client
// gave up, or Close released the request and its connection was reset.
func (l *Loopback) Hold(w http.ResponseWriter, r *http.Request, d time.Duration) bool {
	l.mu.Lock()
	closing := l.closingLocked()
	l.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-r.Context().Done():
		return false
	case <-closing:
		ResetConnection(w)
		return false
	case <-timer.C:
		return true
	}
}
