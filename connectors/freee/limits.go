package freee

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/httpx"
)

// DefaultRequestsPerHour is freee HR's published limit.
const DefaultRequestsPerHour = 10000

// Policy is how freee HR wants to be called: its X-Ratelimit-* headers (Reset is an RFC 3339
// instant), its 403 throttle for "excessive access", which lifts after about ten minutes,
// and a token bucket refilled at requestsPerHour spread over the hour with a burst of a
// twentieth of it. freee counts per hour, not per second: the burst lets a company of a few
// hundred people run in seconds (500 requests at the default), the refill rate keeps a long
// sync within the hourly budget, and when freee says the hour is spent (Remaining 0) the
// client fails fast until Reset without calling.
func Policy(requestsPerHour int) httpx.Policy {
	if requestsPerHour <= 0 {
		requestsPerHour = DefaultRequestsPerHour
	}
	return httpx.Policy{
		Name:         Vendor,
		Rate:         rate.Limit(float64(requestsPerHour) / 3600),
		Burst:        max(requestsPerHour/20, 1),
		RetryMax:     4,
		RetryWaitMin: 500 * time.Millisecond,
		RetryWaitMax: 30 * time.Second,
		ThrottleWait: 10 * time.Minute,
		IsThrottle:   IsThrottle,
		RateHeaders: httpx.RateHeaders{
			Limit:     "X-Ratelimit-Limit",
			Remaining: "X-Ratelimit-Remaining",
			Reset:     "X-Ratelimit-Reset",
		},
	}
}

// IsThrottle tells freee's 403 throttle from a 403 permission error; it is the
// httpx.Policy.IsThrottle of every freee API (人事労務 and 会計 throttle alike). freee documents the
// throttle's status but not its body, while hr.json documents the permission errors' two
// shapes: {"status_code":403,"errors":[{"type","messages"}]} and {"error","message","code"}.
// So a 403 is a throttle when it says so (a Retry-After, a too_many_requests type, words of
// limiting in its messages) or when its body is neither documented permission shape; a
// documented permission error stays permanent, so it goes to the dead letters with freee's
// message instead of waiting forever.
func IsThrottle(status int, h http.Header, body []byte) bool {
	if status != http.StatusForbidden {
		return false
	}
	if h.Get("Retry-After") != "" {
		return true
	}
	var doc struct {
		Errors []struct {
			Type     string   `json:"type"`
			Messages []string `json:"messages"`
		} `json:"errors"`
		Error   string `json:"error"`
		Message string `json:"message"`
		Code    string `json:"code"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return true
	}
	if len(doc.Errors) == 0 && doc.Error == "" && doc.Code == "" {
		return true
	}
	texts := []string{doc.Message}
	for _, e := range doc.Errors {
		if e.Type == "too_many_requests" {
			return true
		}
		texts = append(texts, e.Messages...)
	}
	return MentionsThrottle(texts...)
}

// MentionsThrottle reports whether any of texts, freee's error messages, says that access is
// being limited, in the words freee uses for its throttle.
func MentionsThrottle(texts ...string) bool {
	for _, t := range texts {
		t = strings.ToLower(t)
		for _, word := range throttleWords {
			if strings.Contains(t, word) {
				return true
			}
		}
	}
	return false
}

// throttleWords mark a throttle in a 403's messages. None appears in the permission errors
// freee documents (権限がありません, 存在しないか…, プランを…, IPアドレスから…).
var throttleWords = []string{"制限して", "制限され", "過度", "大量のアクセス", "too many", "rate limit", "throttl"}
