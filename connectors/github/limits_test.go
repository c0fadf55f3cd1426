package github

import (
	"net/http"
	"testing"
	"time"
)

func TestIsThrottle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		header http.Header
		body   string
		want   bool
	}{
		{"a 403 with X-RateLimit-Remaining 0 is the primary limit", 403, http.Header{"X-Ratelimit-Remaining": {"0"}}, `{"message":"API rate limit exceeded"}`, true},
		{"a 403 with Retry-After is a secondary limit", 403, http.Header{"Retry-After": {"60"}}, `{}`, true},
		{"a 403 whose message says secondary rate limit is one", 403, nil, `{"message":"You have exceeded a secondary rate limit."}`, true},
		{"a 403 whose docs link is the secondary limits' is one", 403, nil, `{"message":"slow down","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`, true},
		{"the older abuse wording is one", 403, nil, `{"message":"You have triggered an abuse detection mechanism."}`, true},
		{"a 429 with a rate-limit message is one", 429, nil, `{"message":"API rate limit exceeded"}`, true},
		{"a 403 permission error is not", 403, http.Header{"X-Ratelimit-Remaining": {"4999"}}, `{"message":"Resource not accessible by personal access token"}`, false},
		{"a 403 with a body that is not JSON is not", 403, nil, `<html>Forbidden</html>`, false},
		{"a 404 is not, whatever it says", 404, http.Header{"Retry-After": {"1"}}, `{"message":"rate limit"}`, false},
	} {
		if got := isThrottle(tc.status, tc.header, []byte(tc.body)); got != tc.want {
			t.Errorf("%s: isThrottle = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, body, want string }{
		{"a message alone", `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`, "Not Found"},
		{"validation errors by code", `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"title","code":"missing_field"}]}`, "Validation Failed; missing_field Issue.title"},
		{"validation errors with messages", `{"message":"Validation Failed","errors":[{"code":"custom","message":"body is too long (maximum is 65536 characters)"}]}`, "Validation Failed; body is too long (maximum is 65536 characters)"},
		{"errors as strings", `{"message":"Invalid request.","errors":["\"lables\" is not a permitted key."]}`, `Invalid request.; "lables" is not a permitted key.`},
		{"a body that is not JSON says nothing", `<html>`, ""},
	} {
		if got := errorMessage([]byte(tc.body)); got != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	p := Policy(0)
	if p.Name != Vendor || p.MaxConcurrent != 1 || p.Burst != 100 || p.ThrottleWait != time.Minute ||
		p.RateHeaders.Reset != "X-RateLimit-Reset" || p.RateHeaders.ResetIn {
		t.Errorf("Policy(0) = %+v; want GitHub's defaults: serial, 5,000/h with a burst of 100, Reset in Unix seconds", p)
	}
	if got := float64(Policy(3600).Rate); got != 1 {
		t.Errorf("3,600 an hour is %v a second; want 1", got)
	}
}
