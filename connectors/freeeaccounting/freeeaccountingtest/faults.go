package freeeaccountingtest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
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
func (k FaultKind) String() string { return sandboxkit.KindName(faultNames, k) }

// Fail makes the next n requests that match answer with the fault kind instead of being
// served. With no match, it applies to API calls only (not the token endpoint). A match is
// either an operationId of accounting.json (e.g. "create_manual_journal", or OAuthOp for the
// token endpoint) or "METHOD /path" where the path is a path.Match glob of the request path,
// e.g. "GET /api/1/expense_applications/*"; the method may be left out or be "*". Faults
// fire in the order they were armed; a bad glob panics.
func (s *Server) Fail(kind FaultKind, n int, match ...string) { s.faults.Arm(kind, n, match...) }

// serveFault answers (or does not answer) as the fault says.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, kind FaultKind) {
	var rep reply
	switch kind {
	case FaultServerError:
		rep = serverError()
	case FaultRateLimited:
		secs := sandboxkit.RetryAfterSeconds(s.opts.RetryAfter)
		rep = tooManyRequests(max(s.opts.DailyLimit, 0), s.opts.Now().Add(time.Duration(secs)*time.Second))
		rep.header.Set("Retry-After", strconv.Itoa(secs))
	case FaultThrottled:
		rep = throttled()
	case FaultExpiredToken:
		rep = unauthorized("expired_access_token")
	case FaultMalformedBody:
		rep = reply{status: http.StatusOK, contentType: contentJSON, body: []byte(`{"expense_applications":[{"id":1,"title":"出`)}
	case FaultConnectionReset:
		sandboxkit.ResetConnection(w)
		return
	case FaultTimeout:
		if !s.loop.Hold(w, r, s.opts.HoldTimeout) {
			return
		}
		rep = problemReply(http.StatusGatewayTimeout, "gateway timeout", "freeeaccountingtest: the request was held until Options.HoldTimeout")
	}
	rep.unchecked = true
	s.send(w, rep)
}
