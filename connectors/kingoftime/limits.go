package kingoftime

import (
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// jst is Japan time, KOT's only zone. Japan has kept +09:00 without daylight saving since
// 1951, so a fixed zone is exact and needs no zone database (Lambda images have none).
var jst = time.FixedZone("Asia/Tokyo", 9*60*60)

// RestrictedHours are KOT's daily windows in which every API but the access-token ones and
// punching in answers 403 with code 104 (support article "WebAPIでエラーが発生する場合の原因と
// 対処方法"; no weekend exception is stated, so they hold every day). Start is inside, End
// is not: KOT does not say, and a retry at End that is refused waits again.
var RestrictedHours = []hub.Window{
	{Start: "08:30", End: "10:00", Zone: jst, Reason: "KING OF TIME restricted hours, error 104"},
	{Start: "17:30", End: "18:30", Zone: jst, Reason: "KING OF TIME restricted hours, error 104"},
}

// MaxRangeDays is the longest start–end range KOT serves in one request. KOT says "at most
// 62 days" without saying whether both ends count; a range here counts both, the stricter
// reading, so 2026-01-01..2026-03-03 is the longest from New Year's Day.
const MaxRangeDays = 62

// DefaultRequestsPerMinute is the default pace of one connection. KOT publishes no number;
// a third-party guide says 500 requests per rolling five minutes (2,000 for punching).
const DefaultRequestsPerMinute = 100

// Policy is how KOT wants to be called: requestsPerMinute spread evenly with a burst of a
// quarter of it; code 303 ("Too Many Requests", in the second error shape, with whatever
// status) as a throttle that lifts within the rolling five minutes, so a minute is waited;
// an error list in a 200 taken as the error it is.
func Policy(requestsPerMinute int) httpx.Policy {
	if requestsPerMinute <= 0 {
		requestsPerMinute = DefaultRequestsPerMinute
	}
	return httpx.Policy{
		Name:         Vendor,
		Rate:         rate.Limit(float64(requestsPerMinute) / 60),
		Burst:        max(requestsPerMinute/4, 1),
		RetryMax:     4,
		RetryWaitMin: 500 * time.Millisecond,
		RetryWaitMax: 30 * time.Second,
		ThrottleWait: time.Minute,
		IsThrottle:   isThrottle,
		CheckBody:    checkBody,
		Message:      errorMessage,
	}
}

// Range is a span of dates, both ends included, short enough for one request.
type Range struct {
	Start, End model.Date
}

// SplitRange cuts start..end (both included) into the fewest ranges KOT serves, in order.
// It returns nil when end is before start.
func SplitRange(start, end model.Date) []Range {
	var out []Range
	for from := start; !from.After(end); from = from.AddDays(MaxRangeDays) {
		to := from.AddDays(MaxRangeDays - 1)
		if to.After(end) {
			to = end
		}
		out = append(out, Range{from, to})
	}
	return out
}

// checkRange refuses what KOT would: one end without the other, an end before the start, a
// range longer than MaxRangeDays.
func checkRange(start, end model.Date) error {
	switch {
	case start.IsZero() != end.IsZero():
		return fmt.Errorf("start and end must be given together")
	case start.IsZero():
		return nil
	case end.Before(start):
		return fmt.Errorf("end %s is before start %s", end, start)
	case start.DaysUntil(end)+1 > MaxRangeDays:
		return fmt.Errorf("%s..%s spans %d days; KING OF TIME serves at most %d a request (the Iter methods split longer ranges)",
			start, end, start.DaysUntil(end)+1, MaxRangeDays)
	}
	return nil
}
