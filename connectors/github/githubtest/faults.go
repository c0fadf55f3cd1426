package githubtest

import (
	"net/http"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
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
func (k FaultKind) String() string { return sandboxkit.KindName(faultNames, k) }

// Fail makes the next n API requests that match answer with the fault kind instead of
// being served. A match is an operation id of testdata/github/ (e.g. "issues/create") or
// "METHOD /path" where the path is a path.Match glob of the request path as the sandbox
// sees it, e.g. "GET /api/v3/repos/*/*/contents/faq/*"; the method may be left out or
// be "*". Without a match every API request is eligible. Faults fire in the order armed;
// a bad glob panics.
func (s *Server) Fail(kind FaultKind, n int, match ...string) { s.faults.Arm(kind, n, match...) }

// serveFault answers (or does not answer) as the fault says.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, kind FaultKind) {
	now := s.opts.Now()
	s.mu.Lock()
	st := s.primary.peek(now)
	s.mu.Unlock()
	retry := strconv.Itoa(sandboxkit.RetryAfterSeconds(s.opts.RetryAfter))
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
		sandboxkit.ResetConnection(w)
		return
	case FaultTimeout:
		if !s.loop.Hold(w, r, s.opts.HoldTimeout) {
			return
		}
		rep = errorReply(http.StatusGatewayTimeout, "githubtest: the request was held until Options.HoldTimeout", "")
	}
	rep.header = st.headers(rep.header)
	s.send(w, rep)
}
