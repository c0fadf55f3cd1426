package github

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/httpx"
)

// DefaultRequestsPerHour is GitHub's primary rate limit for a personal access token or an
// OAuth app acting for a user.
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-authenticated-users
const DefaultRequestsPerHour = 5000

// Policy is how GitHub wants to be called, from its rate-limit page
// (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api) and
// its best practices
// (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api):
//
//   - a token bucket of requestsPerHour spread over the hour, with a burst of a fiftieth of
//     it, well under the secondary limit of 900 points (GET 1, writes 5) a minute;
//   - one request at a time ("make requests serially instead of concurrently");
//   - the X-RateLimit-* headers (Reset in Unix seconds), so that once GitHub says the hour
//     is spent every call fails fast, without a request, until the reset;
//   - 403 and 429 are throttles when they say so (X-RateLimit-Remaining 0, a Retry-After,
//     or a message about a rate limit); with neither Retry-After nor a reset, wait a
//     minute as GitHub asks. A 403 that is a permission error stays permanent.
//
// Waits longer than 15 s are not slept in-process: the runtime requeues.
func Policy(requestsPerHour int) httpx.Policy {
	if requestsPerHour <= 0 {
		requestsPerHour = DefaultRequestsPerHour
	}
	return httpx.Policy{
		Name:            Vendor,
		Rate:            rate.Limit(float64(requestsPerHour) / 3600),
		Burst:           max(requestsPerHour/50, 1),
		MaxConcurrent:   1,
		RetryMax:        4,
		RetryWaitMin:    500 * time.Millisecond,
		RetryWaitMax:    30 * time.Second,
		ThrottleWait:    secondaryWait,
		MaxThrottleWait: 15 * time.Second,
		IsThrottle:      isThrottle,
		Message:         errorMessage,
		RateHeaders: httpx.RateHeaders{
			Limit:     "X-RateLimit-Limit",
			Remaining: "X-RateLimit-Remaining",
			Reset:     "X-RateLimit-Reset",
		},
	}
}

// isThrottle tells GitHub's rate limits from its other refusals. Primary: 403 or 429 with
// X-RateLimit-Remaining 0. Secondary: 403 or 429 with a Retry-After, or a message that says
// "secondary rate limit" (its documentation_url ends in #about-secondary-rate-limits).
func isThrottle(status int, h http.Header, body []byte) bool {
	if status != http.StatusForbidden && status != http.StatusTooManyRequests {
		return false
	}
	if h.Get("X-RateLimit-Remaining") == "0" || h.Get("Retry-After") != "" {
		return true
	}
	var doc struct {
		Message          string `json:"message"`
		DocumentationURL string `json:"documentation_url"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return false
	}
	text := strings.ToLower(doc.Message + " " + doc.DocumentationURL)
	return strings.Contains(text, "rate limit") || strings.Contains(text, "rate-limit") || strings.Contains(text, "abuse")
}

// errorMessage reads GitHub's error body, {"message", "errors": [...]}, where each error
// is a string, or an object with a message, or only a code on a field of a resource
// ("missing_field" on Issue.title).
// https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
func errorMessage(body []byte) string {
	var doc struct {
		Message string            `json:"message"`
		Errors  []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	parts := []string{strings.TrimSpace(doc.Message)}
	for _, raw := range doc.Errors {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			parts = append(parts, s)
			continue
		}
		var e struct{ Resource, Field, Code, Message string }
		if json.Unmarshal(raw, &e) != nil {
			continue
		}
		switch {
		case e.Message != "":
			parts = append(parts, e.Message)
		case e.Code != "":
			parts = append(parts, strings.Trim(e.Code+" "+e.Resource+"."+e.Field, ". "))
		}
	}
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}
