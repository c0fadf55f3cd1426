package freeeaccounting

import (
	"net/http"
	"testing"
	"time"
)

func TestIsThrottle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   bool
	}{
		{"a 403 whose message says access is being limited is a throttle", 403, nil,
			`{"status_code":403,"errors":[{"type":"status","messages":["一時的にアクセスを制限しています。"]}]}`, true},
		{"a 403 forbiddenError that says access is being limited is a throttle", 403, nil,
			`{"message":"短時間に大量のアクセスがあったため、一時的にアクセスを制限しています。"}`, true},
		{"a 403 forbiddenError naming a permission is a permission error", 403, nil,
			`{"message":"アクセスする権限がありません"}`, false},
		{"a 403 forbiddenError with a messages string naming the plan is a permission error", 403, nil,
			`{"messages":"ご契約のプランではご利用いただけません"}`, false},
		{"a 403 forbiddenError saying nothing known is a throttle", 403, nil, `{"message":"Forbidden"}`, true},
		{"a 403 with Retry-After is a throttle whatever it says", 403, http.Header{"Retry-After": {"600"}},
			`{"message":"アクセスする権限がありません"}`, true},
		{"a 403 with an empty body is a throttle", 403, nil, ``, true},
		{"a 403 in the problem shape naming a permission is a permission error", 403, nil,
			`{"status_code":403,"errors":[{"type":"status","messages":["アクセスする権限がありません。"]}]}`, false},
		{"a 400 is never a throttle", 400, nil, `{"message":"制限しています"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			if got := isThrottle(tt.status, h, []byte(tt.body)); got != tt.want {
				t.Errorf("isThrottle = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestPolicySpendsTheDailyCapWithinADay(t *testing.T) {
	t.Parallel()
	for _, perDay := range []int{3000, 5000, 10000} {
		p := Policy(perDay)
		day := float64(p.Burst) + float64(p.Rate)*(24*time.Hour).Seconds()
		if day > float64(perDay)+0.5 || day < float64(perDay)-1 || p.Burst != perDay/10 {
			t.Errorf("Policy(%d): burst %d and %.4f/s allow %.0f a day; want the cap with a burst of a tenth", perDay, p.Burst, p.Rate, day)
		}
		if p.ThrottleWait != 10*time.Minute || p.RateHeaders.Reset != "X-Ratelimit-Reset" || p.IsThrottle == nil {
			t.Errorf("Policy(%d) lacks freee's throttle rules or headers", perDay)
		}
	}
	if Policy(0).Rate != Policy(DefaultRequestsPerDay).Rate {
		t.Error("a zero cap should fall back to freee's smallest plan")
	}
}
