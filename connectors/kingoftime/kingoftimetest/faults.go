package kingoftimetest

import (
	"net/http"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// FaultKind is a way the vendor (or the network to it) can fail, for Fail.
type FaultKind int

const (
	// FaultServerError answers 500 with code 300 "Resource Server Error.".
	FaultServerError FaultKind = iota + 1
	// FaultRateLimited answers 429 with a Retry-After header (Options.RetryAfter) and the
	// throttle body {"code":"303","message":"Too Many Requests"}.
	FaultRateLimited
	// FaultThrottled answers KOT's throttle, code 303 in the second error shape, with
	// Options.ThrottleStatus and no Retry-After, as KOT documents it.
	FaultThrottled
	// FaultRestricted answers 403 code 104, the restricted hours, whatever the clock says.
	FaultRestricted
	// FaultTimeout holds the request without answering until the client gives up, the
	// sandbox closes, or Options.HoldTimeout passes (then 504).
	FaultTimeout
	// FaultConnectionReset drops the TCP connection without a response. It needs a real
	// connection (Start or httptest.Server), not a ResponseRecorder.
	FaultConnectionReset
	// FaultMalformedBody answers 200 with a body that is not valid JSON.
	FaultMalformedBody
	// FaultBadToken answers 403 code 100 (認証に失敗しました) whatever token was sent, as KOT
	// does for a suspended token or a client IP the token does not permit.
	FaultBadToken
)

var faultNames = map[FaultKind]string{
	FaultServerError:     "server error",
	FaultRateLimited:     "rate limited",
	FaultThrottled:       "throttled",
	FaultRestricted:      "restricted hours",
	FaultTimeout:         "timeout",
	FaultConnectionReset: "connection reset",
	FaultMalformedBody:   "malformed body",
	FaultBadToken:        "bad token",
}

// String names the fault, e.g. for subtest names.
func (k FaultKind) String() string { return sandboxkit.KindName(faultNames, k) }

// Fail makes the next n requests that match answer with the fault kind instead of being
// served. With no match it applies to every request. A match is an operationId of the
// description (e.g. "GetDailyWorkings") or "METHOD /path" where the path is a path.Match
// glob of the request path as the sandbox sees it, e.g. "GET /v1.0/daily-workings/*"; the
// method may be left out or be "*". Faults fire in the order they were armed; a bad glob
// panics.
func (s *Server) Fail(kind FaultKind, n int, match ...string) { s.faults.Arm(kind, n, match...) }

// serveFault answers (or does not answer) as the fault says.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, kind FaultKind) {
	var rep reply
	switch kind {
	case FaultServerError:
		rep = serverError()
	case FaultRateLimited:
		rep = errorCode(http.StatusTooManyRequests, CodeTooManyRequests, "Too Many Requests")
		secs := sandboxkit.RetryAfterSeconds(s.opts.RetryAfter)
		rep.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	case FaultThrottled:
		rep = s.tooManyRequests()
	case FaultRestricted:
		rep = s.restrictedHours()
	case FaultBadToken:
		rep = authFailed()
	case FaultMalformedBody:
		rep = reply{status: http.StatusOK, body: []byte(`[{"divisionCode":"1000","key":"8b6e`)}
	case FaultConnectionReset:
		sandboxkit.ResetConnection(w)
		return
	case FaultTimeout:
		if !s.loop.Hold(w, r, s.opts.HoldTimeout) {
			return
		}
		rep = errorList(http.StatusGatewayTimeout, CodeServerError, "kingoftimetest: the request was held until Options.HoldTimeout")
	}
	rep.unchecked = true
	s.send(w, rep)
}
