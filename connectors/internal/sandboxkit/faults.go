package sandboxkit

import (
	"fmt"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults is a sandbox's armed fault switches: each Arm call makes the next n matching
// requests fail with a kind of the sandbox's own. It is safe for concurrent use.
type Faults[K ~int] struct {
	pkg   string
	names map[K]string

	mu    sync.Mutex
	armed []*armed[K]
}

// armed is one Arm call not yet spent.
type armed[K ~int] struct {
	kind K
	left int
	// Either op (an operation id) or method+glob selects requests; none selects the
	// requests the sandbox calls eligible by default.
	op, method, glob string
}

// NewFaults returns switches for a sandbox whose package is pkg (it prefixes panics) and
// whose kinds are the keys of names.
func NewFaults[K ~int](pkg string, names map[K]string) *Faults[K] {
	return &Faults[K]{pkg: pkg, names: names}
}

// KindName is the name names gives kind, or FaultKind(n) for a kind it lacks: a sandbox's
// FaultKind.String.
func KindName[K ~int](names map[K]string, kind K) string {
	if name, ok := names[kind]; ok {
		return name
	}
	return "FaultKind(" + strconv.Itoa(int(kind)) + ")"
}

// Arm makes the next n requests that match fail with kind. A match is an operation id or
// "METHOD /path" where the path is a path.Match glob of the request path; the method may
// be left out or be "*". With no match, the requests the sandbox passes as eligible by
// default to Take match. Faults fire in the order they were armed. An unknown kind or a
// bad glob panics: both are mistakes in a test.
func (f *Faults[K]) Arm(kind K, n int, match ...string) {
	if _, ok := f.names[kind]; !ok {
		panic(fmt.Sprintf("%s: Fail: unknown %s", f.pkg, KindName(f.names, kind)))
	}
	if n <= 0 {
		return
	}
	a := &armed[K]{kind: kind, left: n}
	if len(match) > 0 {
		m := strings.TrimSpace(strings.Join(match, " "))
		method, glob, hasMethod := strings.Cut(m, " ")
		switch {
		case hasMethod:
			a.method, a.glob = strings.ToUpper(method), strings.TrimSpace(glob)
		case strings.HasPrefix(m, "/"):
			a.glob = m
		default:
			a.op = m
		}
		if a.glob != "" {
			if _, err := path.Match(a.glob, ""); err != nil {
				panic(fmt.Sprintf("%s: Fail: bad path glob %q: %v", f.pkg, a.glob, err))
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = append(f.armed, a)
}

// Take spends one armed fault that matches the request, if any. op is the operation id the
// sandbox routed r to; byDefault says whether a fault armed without a match applies to r.
func (f *Faults[K]) Take(op string, r *http.Request, byDefault bool) (K, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, a := range f.armed {
		if !a.matches(op, r, byDefault) {
			continue
		}
		a.left--
		if a.left <= 0 {
			f.armed = append(f.armed[:i], f.armed[i+1:]...)
		}
		return a.kind, true
	}
	return 0, false
}

func (a *armed[K]) matches(op string, r *http.Request, byDefault bool) bool {
	switch {
	case a.op != "":
		return a.op == op
	case a.glob != "":
		if a.method != "" && a.method != "*" && a.method != r.Method {
			return false
		}
		ok, _ := path.Match(a.glob, r.URL.Path)
		return ok
	}
	return byDefault
}

// ResetConnection drops the client's connection without an HTTP response. Linger 0 makes
// the close a TCP RST, which clients report as "connection reset by peer".
func ResetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (HTTP/2, a recorder): the standard way to abort a response.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// RetryAfterSeconds is d as a Retry-After header's whole seconds: rounded up, at least 1,
// so that a client never reads "retry now".
func RetryAfterSeconds(d time.Duration) int { return max(int((d+time.Second-1)/time.Second), 1) }
