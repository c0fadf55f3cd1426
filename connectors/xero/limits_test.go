package xero

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestPolicy(t *testing.T) {
	t.Parallel()
	p := Policy(0)
	if p.Rate != rate.Limit(1) || p.Burst != 1 {
		t.Errorf("default rate %v burst %d; want one a second, burst 1, so no minute holds more than 60", p.Rate, p.Burst)
	}
	if p.MaxConcurrent != 5 {
		t.Errorf("MaxConcurrent = %d; want Xero's 5 per tenant", p.MaxConcurrent)
	}
	if p.RateHeaders.Remaining != MinLimitRemaining {
		t.Errorf("quota header %q; want %s", p.RateHeaders.Remaining, MinLimitRemaining)
	}
	if got := Policy(6000).Rate; got != rate.Limit(100) {
		t.Errorf("Policy(6000).Rate = %v; want 100 a second", got)
	}
	if p.RetryWaitMax < time.Second {
		t.Errorf("RetryWaitMax = %v", p.RetryWaitMax)
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, want string
	}{
		{"an accounting validation exception lists each element's messages",
			`{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred","Elements":[{"ValidationErrors":[{"Message":"one"},{"Message":"two"}]}]}`,
			"A validation exception occurred; one; two"},
		{"a payroll problem gives its detail and invalid fields",
			`{"type":"application/problem+json","title":"BadRequest","status":"400","detail":"Validation error occurred.","invalidFields":[{"name":"DateOfBirth","reason":"The Date of Birth is required."}]}`,
			"Validation error occurred.; DateOfBirth: The Date of Birth is required."},
		{"the gateway's problem gives its detail", `{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"TokenExpired"}`, "TokenExpired"},
		{"a title alone is the message", `{"Title":"Forbidden","Status":403}`, "Forbidden"},
		{"an OAuth error is read by httpx", `{"error":"invalid_grant"}`, "invalid_grant"},
		{"an HTML page says nothing", `<html>oops</html>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := errorMessage([]byte(tc.body)); got != tc.want {
				t.Errorf("errorMessage = %q; want %q", got, tc.want)
			}
		})
	}
}
