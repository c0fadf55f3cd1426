package xerotest

import (
	"net/http"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// FaultKind is a way Xero (or the network to it) can fail, for Fail.
type FaultKind int

const (
	// FaultServerError answers 500.
	FaultServerError FaultKind = iota + 1
	// FaultRateLimited answers 429 for the minute limit, with Retry-After (Options.RetryAfter).
	FaultRateLimited
	// FaultDayLimit answers 429 for the day limit: Retry-After until the next UTC day.
	FaultDayLimit
	// FaultConcurrentLimit answers 429 for the five-at-once limit, with Retry-After 1.
	FaultConcurrentLimit
	// FaultTimeout holds the request without answering until the client gives up, the
	// sandbox closes, or Options.HoldTimeout passes (then 504).
	FaultTimeout
	// FaultConnectionReset drops the TCP connection without a response. It needs a real
	// connection (Start or httptest.Server), not a ResponseRecorder.
	FaultConnectionReset
	// FaultMalformedBody answers 200 with a body that is not valid JSON.
	FaultMalformedBody
	// FaultExpiredToken answers 401 TokenExpired whatever token was sent.
	FaultExpiredToken
	// FaultLostAnswer serves the request (a write is made, a refresh token spent) and then
	// drops the connection instead of answering: the answer that got lost on the way back.
	FaultLostAnswer
)

var faultNames = map[FaultKind]string{
	FaultServerError:     "server error",
	FaultRateLimited:     "rate limited",
	FaultDayLimit:        "day limit",
	FaultConcurrentLimit: "concurrent limit",
	FaultTimeout:         "timeout",
	FaultConnectionReset: "connection reset",
	FaultMalformedBody:   "malformed body",
	FaultExpiredToken:    "expired token",
	FaultLostAnswer:      "lost answer",
}

// String names the fault, e.g. for subtest names.
func (k FaultKind) String() string { return sandboxkit.KindName(faultNames, k) }

// OAuthOp is the operation name the sandbox gives its token endpoint in Requests,
// OnRequest and Fail.
const OAuthOp = "oauth.token"

// Fail makes the next n requests that match answer with the fault kind instead of being
// served. With no match, it applies to API calls only (not the token endpoint). A match is
// an operation ("accounting.createManualJournals", "payroll.createTimesheet", or OAuthOp)
// or "METHOD /path" where the path is a path.Match glob of the request path, e.g.
// "PUT /api.xro/2.0/ManualJournals"; the method may be left out or be "*". Faults fire in
// the order they were armed; a bad glob panics.
func (s *Server) Fail(kind FaultKind, n int, match ...string) { s.faults.Arm(kind, n, match...) }

// serveFault answers (or does not answer) as the fault says.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, kind FaultKind) {
	var rep reply
	now := s.opts.Now()
	switch kind {
	case FaultServerError:
		rep = serverError()
	case FaultRateLimited:
		rep = tooManyRequests(LimitMinute, s.opts.RetryAfter)
	case FaultDayLimit:
		rep = tooManyRequests(LimitDay, now.UTC().Truncate(24*time.Hour).Add(24*time.Hour).Sub(now))
	case FaultConcurrentLimit:
		rep = tooManyRequests(LimitConcurrent, time.Second)
	case FaultExpiredToken:
		rep = unauthorized("TokenExpired: token expired at " + now.UTC().Format("01/02/2006 15:04:05"))
	case FaultMalformedBody:
		rep = reply{status: http.StatusOK, contentType: contentJSON, body: []byte(`{"ManualJournals":[{"ManualJournalID":"0b15`)}
	case FaultConnectionReset:
		sandboxkit.ResetConnection(w)
		return
	case FaultTimeout:
		if !s.loop.Hold(w, r, s.opts.HoldTimeout) {
			return
		}
		rep = problemReply(http.StatusGatewayTimeout, "GatewayTimeout", "xerotest: the request was held until Options.HoldTimeout")
	}
	rep.unchecked = true
	s.send(w, rep)
}
