package xero

import (
	"encoding/json"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/httpx"
)

// Xero's published limits per tenant (organisation): 5 calls in flight, 60 a minute, 5,000
// a day. The app as a whole may make 10,000 a minute across all tenants.
const (
	DefaultRequestsPerMinute = 60
	MaxConcurrent            = 5
	DailyLimit               = 5000
)

// Policy is how Xero wants to be called for one tenant: at most MaxConcurrent requests in
// flight and requestsPerMinute spread evenly (one a second at the default, burst 1, so no
// sliding minute ever holds more than 60). A 429 carries Retry-After and, in
// X-Rate-Limit-Problem, which limit was hit: a minute's wait is slept in-process, a spent
// day is handed to the runtime as *fault.RateLimitedError. X-MinLimit-Remaining is kept as
// the quota state (Xero sends no reset time).
func Policy(requestsPerMinute int) httpx.Policy {
	if requestsPerMinute <= 0 {
		requestsPerMinute = DefaultRequestsPerMinute
	}
	return httpx.Policy{
		Name:          Vendor,
		Rate:          rate.Limit(float64(requestsPerMinute) / 60),
		Burst:         1,
		MaxConcurrent: MaxConcurrent,
		RetryMax:      4,
		RetryWaitMin:  500 * time.Millisecond,
		RetryWaitMax:  30 * time.Second,
		Message:       errorMessage,
		RateHeaders:   httpx.RateHeaders{Remaining: MinLimitRemaining},
	}
}

// errorMessage reads Xero's error bodies: the accounting API's
// {"Message", "Elements":[{"ValidationErrors":[{"Message"}]}]}, the payroll API's problem
// {"title", "detail", "invalidFields":[{"name","reason"}]} and the identity service's
// {"Title","Detail"}; anything else goes to httpx.ErrorMessage (OAuth errors among them).
func errorMessage(body []byte) string {
	var doc struct {
		Message  string `json:"Message"`
		Elements []struct {
			ValidationErrors []struct {
				Message string `json:"Message"`
			} `json:"ValidationErrors"`
		} `json:"Elements"`
		Title         string `json:"title"`
		Detail        string `json:"detail"`
		InvalidFields []struct {
			Name   string `json:"name"`
			Reason string `json:"reason"`
		} `json:"invalidFields"`
	}
	// encoding/json matches keys case-insensitively, so Title/title and Detail/detail both land.
	if json.Unmarshal(body, &doc) != nil {
		return httpx.ErrorMessage(body)
	}
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	add(doc.Message)
	for _, e := range doc.Elements {
		for _, v := range e.ValidationErrors {
			add(v.Message)
		}
	}
	if doc.Message == "" {
		add(doc.Detail)
		if doc.Detail == "" {
			add(doc.Title)
		}
	}
	for _, f := range doc.InvalidFields {
		add(strings.TrimSpace(f.Name + ": " + f.Reason))
	}
	if len(parts) == 0 {
		return httpx.ErrorMessage(body)
	}
	// httpx bounds the length.
	return strings.Join(parts, "; ")
}
