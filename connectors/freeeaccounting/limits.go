package freeeaccounting

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/shared/httpx"
)

// DefaultRequestsPerDay is freee 会計's smallest daily cap, per company and app: 3,000 on
// most plans, 5,000 on 法人アドバンス (and the old 法人プロフェッショナル), 10,000 on
// 法人エンタープライズ.
const DefaultRequestsPerDay = 3000

// Policy is how freee 会計 wants to be called: a daily cap per company and app, the
// x-ratelimit-* headers (Reset an RFC 3339 instant) that come with its 429s, and the 403
// throttle for excessive access that lifts after about ten minutes, which freee 人事労務
// shares.
//
// The proactive limit spends the day's cap as a token bucket: a burst of a tenth of it, and
// nine tenths refilled evenly over 24 hours, so no 24-hour window, and therefore no
// calendar day, sees more than the cap from one process. At 3,000 a day that is a burst of
// 300 and then one request every 32 s: a flow run of a few hundred expenses completes at
// once, a backfill of thousands slows down rather than exhausting the day.
func Policy(requestsPerDay int) httpx.Policy {
	if requestsPerDay <= 0 {
		requestsPerDay = DefaultRequestsPerDay
	}
	burst := max(requestsPerDay/10, 1)
	return httpx.Policy{
		Name:         Vendor,
		Rate:         rate.Limit(float64(requestsPerDay-burst) / 86400),
		Burst:        burst,
		RetryMax:     4,
		RetryWaitMin: 500 * time.Millisecond,
		RetryWaitMax: 30 * time.Second,
		ThrottleWait: 10 * time.Minute,
		IsThrottle:   isThrottle,
		RateHeaders: httpx.RateHeaders{
			Limit:     "X-Ratelimit-Limit",
			Remaining: "X-Ratelimit-Remaining",
			Reset:     "X-Ratelimit-Reset",
		},
	}
}

// isThrottle is freee's rule (freee.IsThrottle) with one more documented permission shape:
// accounting.json's forbiddenError is {"message", "messages"}, which freee 人事労務 does not
// use, so such a 403 that names a permission (権限, プラン, IP アドレス, 事業所) and does not
// speak of limiting is a permission error that waits for a person, not ten minutes.
func isThrottle(status int, h http.Header, body []byte) bool {
	if !freee.IsThrottle(status, h, body) {
		return false
	}
	if h.Get("Retry-After") != "" {
		return true
	}
	var doc struct {
		Message  string          `json:"message"`
		Messages json.RawMessage `json:"messages"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return true
	}
	texts := []string{doc.Message}
	var one string
	var many []string
	if json.Unmarshal(doc.Messages, &one) == nil {
		texts = append(texts, one)
	} else if json.Unmarshal(doc.Messages, &many) == nil {
		texts = append(texts, many...)
	}
	if freee.MentionsThrottle(texts...) {
		return true
	}
	for _, t := range texts {
		for _, word := range permissionWords {
			if strings.Contains(t, word) {
				return false
			}
		}
	}
	return true
}

// permissionWords mark freee's permission errors: 権限がありません, プランでは…, IPアドレス…,
// 存在しない事業所, and their English forms.
var permissionWords = []string{"権限", "プラン", "IPアドレス", "事業所", "permission", "not allowed"}
