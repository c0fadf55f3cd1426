package freee

import (
	"net/http"
	"testing"

	"golang.org/x/time/rate"
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
		{"a 403 of type too_many_requests is a throttle", 403, nil,
			`{"status_code":403,"errors":[{"type":"too_many_requests","messages":["..."]}]}`, true},
		{"a 403 whose message says access is being limited is a throttle", 403, nil,
			`{"status_code":403,"errors":[{"type":"forbidden","messages":["一時的にアクセスを制限しています。"]}]}`, true},
		{"a 403 with an empty body is a throttle", 403, nil, ``, true},
		{"a 403 with an HTML page is a throttle", 403, nil, `<html>Forbidden</html>`, true},
		{"a 403 with Retry-After is a throttle", 403, http.Header{"Retry-After": {"600"}},
			`{"error":"access_denied","message":"アクセスする権限がありません"}`, true},
		{"hr.json's forbiddenError is a permission error", 403, nil,
			`{"status_code":403,"errors":[{"type":"forbidden","messages":["アクセス権限がありません。"]}]}`, false},
		{"hr.json's accessDeniedError is a permission error", 403, nil,
			`{"error":"access_denied","message":"アクセスする権限がありません","code":"expired_access_token"}`, false},
		{"freee's IP restriction is a permission error", 403, nil,
			`{"error":"access_denied","message":"接続元のIPアドレスからは、サービスをご利用いただけません。","code":"source_ip_address_limit"}`, false},
		{"freee's plan restriction is a permission error", 403, nil,
			`{"error":"access_denied","message":"有料プランをご利用中の事業所のみご利用いただけます。","code":"freee_plan_limit"}`, false},
		{"a 400 is never a throttle", 400, nil, ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			if got := IsThrottle(tt.status, h, []byte(tt.body)); got != tt.want {
				t.Errorf("IsThrottle = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	p := Policy(3600)
	if p.Rate != rate.Limit(1) || p.Burst != 180 || p.RateHeaders.Remaining != "X-Ratelimit-Remaining" || p.ThrottleWait == 0 {
		t.Errorf("Policy(3600) = %+v; want 1 request a second, a burst of 180 (a twentieth of the hour) and freee's headers", p)
	}
	if Policy(0).Rate != Policy(DefaultRequestsPerHour).Rate {
		t.Error("a zero rate should fall back to freee's published limit")
	}
}
