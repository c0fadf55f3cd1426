package slacktest

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// FaultKind is a way Slack (or the network to it) can fail, for Fail.
type FaultKind int

const (
	// FaultServerError answers 500 with an HTML page, as Slack's edge does.
	FaultServerError FaultKind = iota + 1
	// FaultRateLimited answers 429 with Retry-After (Options.RetryAfter) and the error
	// ratelimited, Slack's answer over a method's limit.
	FaultRateLimited
	// FaultThrottled answers HTTP 200 with "ok": false, "error": "ratelimited" and a
	// Retry-After header: the throttle reported in the body, which a client that reads the
	// status alone takes for a success.
	FaultThrottled
	// FaultTimeout holds the request without answering until the client gives up, the
	// sandbox closes, or Options.HoldTimeout passes (then 504).
	FaultTimeout
	// FaultConnectionReset drops the TCP connection without a response. It needs a real
	// connection (Start or httptest.Server), not a ResponseRecorder.
	FaultConnectionReset
	// FaultMalformedBody answers 200 with a body that is not valid JSON.
	FaultMalformedBody
	// FaultExpiredToken answers "ok": false, "error": "token_expired", as Slack does for an
	// expired token of an app with token rotation.
	FaultExpiredToken
	// faultSlackError answers "ok": false with a given code (FailWithError).
	faultSlackError
)

var faultNames = map[FaultKind]string{
	FaultServerError:     "server error",
	FaultRateLimited:     "rate limited",
	FaultThrottled:       "throttled in the body",
	FaultTimeout:         "timeout",
	FaultConnectionReset: "connection reset",
	FaultMalformedBody:   "malformed body",
	FaultExpiredToken:    "expired token",
	faultSlackError:      "slack error",
}

// String names the fault, e.g. for subtest names.
func (k FaultKind) String() string { return sandboxkit.KindName(faultNames, k) }

// fault is an armed Fail call.
type fault struct {
	kind    FaultKind
	code    string
	left    int
	methods []string
}

// Fail makes the next n calls of the given Web API methods (e.g. "chat.postMessage"; none:
// any method) answer with the fault kind instead of being served. Faults fire in the order
// they were armed.
func (s *Server) Fail(kind FaultKind, n int, methods ...string) {
	if _, ok := faultNames[kind]; !ok || kind == faultSlackError {
		panic(fmt.Sprintf("slacktest: Fail: unknown %v", kind))
	}
	s.arm(&fault{kind: kind, left: n, methods: methods})
}

// FailWithError makes the next n calls of the given methods (none: any) answer HTTP 200
// with "ok": false and Slack's error code, e.g. "invalid_auth", "channel_not_found" or
// "fatal_error".
func (s *Server) FailWithError(code string, n int, methods ...string) {
	s.arm(&fault{kind: faultSlackError, code: code, left: n, methods: methods})
}

func (s *Server) arm(f *fault) {
	if f.left <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault spends one armed fault that matches method, if any.
func (s *Server) takeFault(method string) (*fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if len(f.methods) > 0 && !slices.Contains(f.methods, method) {
			continue
		}
		f.left--
		if f.left <= 0 {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return f, true
	}
	return nil, false
}

// serveFault answers (or does not answer) as the fault says.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *fault) {
	var rep reply
	switch f.kind {
	case FaultServerError:
		rep = reply{status: http.StatusInternalServerError, contentType: "text/html; charset=utf-8",
			body: []byte("<html><body><h1>Server Error</h1></body></html>")}
	case FaultRateLimited:
		rep = tooManyRequests(s.opts.RetryAfter)
	case FaultThrottled:
		rep = errReply("ratelimited")
		rep.header = tooManyRequests(s.opts.RetryAfter).header
	case FaultExpiredToken:
		rep = errReply("token_expired")
	case faultSlackError:
		rep = errReply(f.code)
	case FaultMalformedBody:
		rep = reply{status: http.StatusOK, contentType: contentJSON, body: []byte(`{"ok":true,"members":[{"id":"U0`)}
	case FaultConnectionReset:
		sandboxkit.ResetConnection(w)
		return
	case FaultTimeout:
		if !s.loop.Hold(w, r, s.opts.HoldTimeout) {
			return
		}
		rep = reply{status: http.StatusGatewayTimeout, contentType: "text/plain; charset=utf-8",
			body: []byte("slacktest: the request was held until Options.HoldTimeout")}
	}
	rep.unchecked = true
	writeReply(w, rep)
}
