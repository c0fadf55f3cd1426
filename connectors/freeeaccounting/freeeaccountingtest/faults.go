package freeeaccountingtest

import (
	"fmt"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// FaultKind is a way the vendor (or the network to it) can fail, for Fail.
type FaultKind int

const (
	// FaultServerError answers 500 with freee's internal error body.
	FaultServerError FaultKind = iota + 1
	// FaultRateLimited answers 429 with a Retry-After header (Options.RetryAfter).
	FaultRateLimited
	// FaultThrottled answers 403, freee's throttle for excessive access.
	FaultThrottled
	// FaultTimeout holds the request without answering until the client gives up, the
	// sandbox closes, or Options.HoldTimeout passes (then 504).
	FaultTimeout
	// FaultConnectionReset drops the TCP connection without a response. It needs a real
	// connection (Start or httptest.Server), not a ResponseRecorder.
	FaultConnectionReset
	// FaultMalformedBody answers 200 with a body that is not valid JSON.
	FaultMalformedBody
	// FaultExpiredToken answers 401 expired_access_token whatever token was sent.
	FaultExpiredToken
)

var faultNames = map[FaultKind]string{
	FaultServerError:     "server error",
	FaultRateLimited:     "rate limited",
	FaultThrottled:       "throttled",
	FaultTimeout:         "timeout",
	FaultConnectionReset: "connection reset",
	FaultMalformedBody:   "malformed body",
	FaultExpiredToken:    "expired token",
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
	// Either op (an operationId, or OAuthOp) or method+glob selects requests; none selects
	// every API call.
	op, method, glob string
}

// Fail makes the next n requests that match answer with the fault kind instead of being
// served. With no match, it applies to API calls only (not the token endpoint). A match is
// either an operationId of accounting.json (e.g. "create_manual_journal", or OAuthOp for the
// token endpoint) or "METHOD /path" where the path is a path.Match glob of the request path,
// e.g. "GET /api/1/expense_applications/*"; the method may be left out or be "*". Faults
// fire in the order they were armed; a bad glob panics.
func (s *Server) Fail(kind FaultKind, n int, match ...string) {
	if _, ok := faultNames[kind]; !ok {
		panic(fmt.Sprintf("freeeaccountingtest: Fail: unknown %v", kind))
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
				panic(fmt.Sprintf("freeeaccountingtest: Fail: bad path glob %q: %v", f.glob, err))
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

func (f *fault) matches(op string, r *http.Request, api bool) bool {
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
	return api
}

// takeFault spends one armed fault that matches the request, if any.
func (s *Server) takeFault(op string, r *http.Request, api bool) (FaultKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.matches(op, r, api) {
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
	var rep reply
	switch kind {
	case FaultServerError:
		rep = serverError()
	case FaultRateLimited:
		secs := max(int((s.opts.RetryAfter+time.Second-1)/time.Second), 1)
		rep = tooManyRequests(max(s.opts.DailyLimit, 0), s.opts.Now().Add(time.Duration(secs)*time.Second))
		rep.header.Set("Retry-After", strconv.Itoa(secs))
	case FaultThrottled:
		rep = throttled()
	case FaultExpiredToken:
		rep = unauthorized("expired_access_token")
	case FaultMalformedBody:
		rep = reply{status: http.StatusOK, contentType: contentJSON, body: []byte(`{"expense_applications":[{"id":1,"title":"出`)}
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
			rep = problemReply(http.StatusGatewayTimeout, "gateway timeout", "freeeaccountingtest: the request was held until Options.HoldTimeout")
		}
	}
	rep.unchecked = true
	s.send(w, rep)
}

// resetConnection drops the client's connection without an HTTP response. Linger 0 makes
// the close a TCP RST, which clients report as "connection reset by peer".
func resetConnection(w http.ResponseWriter) {
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
