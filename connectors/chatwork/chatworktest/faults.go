package chatworktest

import (
	"net/http"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// FaultKind is a way Chatwork (or the network to it) can fail, for Fail.
type FaultKind int

const (
	// FaultServerError answers 500 with an error body.
	FaultServerError FaultKind = iota + 1
	// FaultRateLimited answers 429 with a Retry-After header (Options.RetryAfter).
	FaultRateLimited
	// FaultThrottled is Chatwork's own throttle: it spends the token's window so that
	// X-RateLimit-Remaining is 0 and X-RateLimit-Reset is Options.RetryAfter away, and
	// answers 429 with those headers and no Retry-After. Later requests get 429 too until the
	// reset, as with the real limit.
	FaultThrottled
	// FaultTimeout holds the request without answering until the client gives up, the
	// sandbox closes, or Options.HoldTimeout passes (then 504).
	FaultTimeout
	// FaultConnectionReset drops the TCP connection without a response. It needs a real
	// connection (Start or httptest.Server), not a ResponseRecorder.
	FaultConnectionReset
	// FaultMalformedBody answers 200 with a body that is not valid JSON.
	FaultMalformedBody
	// FaultRevokedToken answers 401 {"errors":["Invalid API token"]} whatever token was
	// sent: Chatwork's tokens do not expire, but one that was reissued or revoked is refused
	// like this.
	FaultRevokedToken
)

var faultNames = map[FaultKind]string{
	FaultServerError:     "server error",
	FaultRateLimited:     "rate limited",
	FaultThrottled:       "throttled",
	FaultTimeout:         "timeout",
	FaultConnectionReset: "connection reset",
	FaultMalformedBody:   "malformed body",
	FaultRevokedToken:    "revoked token",
}

// String names the fault, e.g. for subtest names.
func (k FaultKind) String() string { return sandboxkit.KindName(faultNames, k) }

// Fail makes the next n requests that match answer with the fault kind instead of being
// served. With no match it applies to every request. A match is an operation id of the
// contract (e.g. "postRoomMessage") or "METHOD /path" where the path is a path.Match glob
// of the request path as the sandbox sees it, e.g. "POST /v2/rooms/*/messages"; the method
// may be left out or be "*". Faults fire in the order they were armed; a bad glob panics.
func (s *Server) Fail(kind FaultKind, n int, match ...string) { s.faults.Arm(kind, n, match...) }

// serveFault answers (or does not answer) as the fault says.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, kind FaultKind) {
	var rep reply
	switch kind {
	case FaultServerError:
		rep = errorReply(http.StatusInternalServerError, "chatworktest: internal server error (FaultServerError)")
	case FaultRateLimited:
		rep = errorReply(http.StatusTooManyRequests, msgRateLimited)
		secs := sandboxkit.RetryAfterSeconds(s.opts.RetryAfter)
		rep.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	case FaultThrottled:
		st := s.spend(r.Header.Get(tokenHeader), s.opts.Now(), s.opts.RetryAfter)
		rep = errorReply(http.StatusTooManyRequests, msgRateLimited)
		rep.header = st.header()
	case FaultRevokedToken:
		rep = errorReply(http.StatusUnauthorized, msgInvalidToken)
	case FaultMalformedBody:
		rep = reply{status: http.StatusOK, body: []byte(`[{"room_id":30000`)}
	case FaultConnectionReset:
		sandboxkit.ResetConnection(w)
		return
	case FaultTimeout:
		if !s.loop.Hold(w, r, s.opts.HoldTimeout) {
			return
		}
		rep = errorReply(http.StatusGatewayTimeout, "chatworktest: the request was held until Options.HoldTimeout")
	}
	rep.unchecked = true
	writeReply(w, rep)
}
