package chatwork

import (
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/httpx"
)

// RateWindow is the span Chatwork counts requests over.
const RateWindow = 5 * time.Minute

// DefaultRequestsPer5Min is the default pace of one API token: 100 requests per five
// minutes, the limit last seen published (X-RateLimit-Limit: 100 in 2017). The live figure
// may be higher; the X-RateLimit-* headers are what the client obeys, so a higher limit only
// needs this setting raised to be used.
const DefaultRequestsPer5Min = 100

// Policy is how Chatwork wants to be called: requestsPer5Min spread over the five minutes
// with a burst of a tenth of them, and the quota its headers report obeyed. X-RateLimit-Reset
// is Unix seconds; when Remaining reaches 0 the client fails fast until Reset without
// calling, and a 429 (Chatwork's only throttle signal) waits until Reset, or the whole
// window when the answer says nothing.
func Policy(requestsPer5Min int) httpx.Policy {
	if requestsPer5Min <= 0 {
		requestsPer5Min = DefaultRequestsPer5Min
	}
	return httpx.Policy{
		Name:         Vendor,
		Rate:         rate.Limit(float64(requestsPer5Min) / RateWindow.Seconds()),
		Burst:        max(requestsPer5Min/10, 1),
		RetryMax:     4,
		RetryWaitMin: 500 * time.Millisecond,
		RetryWaitMax: 30 * time.Second,
		ThrottleWait: RateWindow,
		RateHeaders: httpx.RateHeaders{
			Limit:     "X-RateLimit-Limit",
			Remaining: "X-RateLimit-Remaining",
			Reset:     "X-RateLimit-Reset",
		},
	}
}
