package githubtest

import (
	"fmt"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// FaultKind is a way GitHub (or the network to it) can fail, for Fail.
type FaultKind int

const (
	// FaultServerError answers 500 with GitHub's {"message":"Server Error"}.
	FaultServerError FaultKind = iota + 1
	// FaultRateLimited answers 429 with Retry-After (Options.RetryAfter).
	FaultRateLimited
	// FaultSecondaryRateLimit answers 403 with GitHub's secondary-limit message and
	// Retry-After (Options.RetryAfter): GitHub's throttle.
	FaultSecondaryRateLimit
	// FaultPrimaryRateLimit answers 403 with X-RateLimit-Remaining 0 and a reset
	// Options.RetryAfter from now, as when the hour's requests are spent.
	FaultPrimaryRateLimit
	// FaultTimeout holds the request without answering until the client gives up, the
	// sandbox closes, or Options.HoldTimeout passes (then 504).
	FaultTimeout
	// FaultConnectionReset drops the TCP connection without an answer. It needs a real
	// connection (Start or httptest.Server), not a ResponseRecorder.
	FaultConnectionReset
	// FaultMalformedBody answers 200 with a body that is not valid JSON.
	FaultMalformedBody
	// FaultExpiredToken answers 401 Bad credentials whatever token was sent, as for a
	// token that expired or was revoked.
	FaultExpiredToken
)

var faultNames = map[FaultKind]string{
	FaultServerError:        "server error",
	FaultRateLimited:        "rate limited",
	FaultSecondaryRateLimit: "secondary rate limit",
	FaultPrimaryRateLimit:   "primary rate limit",
	FaultTimeout:            "timeout",
	FaultConnectionReset:    "connection reset",
	FaultMalformedBody:      "malformed body",
	FaultExpiredToken:       "expired token",
}

// String names the fault, e.g. for subtest names.
func (k FaultKind) String() string {
	if name, ok := faultNames[k]; ok {
		return name
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// fault is an armed Fail call.
type fault struct {
	kind FaultKind
	left int
	// Either op (an operation id) or method+glob selects requests; none selects all.
	op, method, glob string
}

// Fail makes the next n API requests that match answer with the fault kind instead of
// being served. A match is an operation id of testdata/github/ (e.g. "issues/create") or
// "METHOD /path" where the path is a path.Match glob of the request path as the sandbox
// sees it, e.g. "GET /api/v3/repos/*/*/contents/faq/*"; the method may be left out or
// be "*". Without a match every API request is eligible. Faults fire in the order armed;
// a bad glob panics.
func (s *Server) Fail(kind FaultKind, n int, match ...string) {
	if _, ok := faultNames[kind]; !ok {
		panic(fmt.Sprintf("githubtest: Fail: unknown %v", kind))
	}
	if n <= 0 {
		return
	}
	f := &fault{kind: kind, left: n}
	if len(match) > 0 {
		m := strings.TrimSpace(strings.Join(match, " "))
		method, glob, hasMethod := strings.Cut(m, " ")
		switch {
		case hasMethod:
			f.method, f.glob = strings.ToUpper(method), strings.TrimSpace(glob)
		case strings.HasPrefix(m, "/"):
			f.glob = m
		default:
			f.op = m
		}
		if f.glob != "" {
			if _, err := path.Match(f.glob, ""); err != nil {
				panic(fmt.Sprintf("githubtest: Fail: bad path glob %q: %v", f.glob, err))
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

func (f *fault) matches(op string, r *http.Request) bool {
	switch {
	case f.op != "":
		return f.op == op
	case f.glob != "":
		if f.method != "" && f.method != "*" && f.method != r.Method {
			return false
		}
		ok, _ := path.Match(f.glob, r.URL.Path)
		return ok
	}
	return true
}

// takeFault spends one armed fault that matches the request, if any.
func (s *Server) takeFault(op string, r *http.Request) (FaultKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.matches(op, r) {
			continue
		}
		f.left--
		if f.left <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f.kind, true
	}
	return 0, false
}

// serveFault answers (or does not answer) as the fault says.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, kind FaultKind) {
	now := s.opts.Now()
	s.mu.Lock()
	st := s.primary.peek(now)
	s.mu.Unlock()
	retry := strconv.Itoa(max(int((s.opts.RetryAfter+time.Second-1)/time.Second), 1))
	var rep reply
	switch kind {
	case FaultServerError:
		rep = jsonReply(http.StatusInternalServerError, wireError{Message: "Server Error"})
	case FaultRateLimited:
		rep = errorReply(http.StatusTooManyRequests, "Too Many Requests", secondaryDocs)
		rep.header = http.Header{"Retry-After": {retry}}
	case FaultSecondaryRateLimit:
		rep = secondaryLimited(s.opts.RetryAfter)
	case FaultPrimaryRateLimit:
		rep = primaryLimited()
		st.remaining, st.used, st.reset = 0, st.limit, now.Add(s.opts.RetryAfter)
		if st.limit <= 0 {
			st.limit, st.used = DefaultRateLimit, DefaultRateLimit
		}
	case FaultExpiredToken:
		rep = errorReply(http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
	case FaultMalformedBody:
		rep = reply{status: http.StatusOK, body: []byte(`[{"id":1,"number":1,"title":"勤怠`)}
	case FaultConnectionReset:
		resetConnection(w)
		return
	case FaultTimeout:
		timer := time.NewTimer(s.opts.HoldTimeout)
		defer timer.Stop()
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			resetConnection(w)
			return
		case <-timer.C:
			rep = errorReply(http.StatusGatewayTimeout, "githubtest: the request was held until Options.HoldTimeout", "")
		}
	}
	rep.header = st.headers(rep.header)
	s.send(w, rep)
}

// resetConnection drops the client's connection without an HTTP answer. Linger 0 makes
// the close a TCP RST, which clients report as "connection reset by peer".
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (HTTP/2, a recorder): the standard way to abort an answer.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
