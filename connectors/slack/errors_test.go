package slack

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
)

// answer is what a test server says to every call of one method.
type answer struct {
	status int
	header map[string]string
	body   string
}

func (a answer) serve(calls *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}
}

// noThrottleSleep makes any throttle return at once instead of being slept in-process.
func noThrottleSleep(m string, p httpx.Policy) httpx.Policy {
	p = fastPolicy(m, p)
	p.MaxThrottleWait = time.Millisecond
	return p
}

func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	const channel = "C0123456789"
	for _, tc := range []struct {
		name string
		// post calls chat.postMessage (not idempotent); otherwise users.list (a GET).
		post  bool
		a     answer
		kind  fault.Kind
		code  string
		calls int32
		// says and never are in and out of the error's text.
		says  []string
		never []string
		retry time.Duration
	}{
		{name: "ok false invalid_auth at HTTP 200 asks to reconnect the connection",
			a: answer{200, nil, `{"ok":false,"error":"invalid_auth"}`}, kind: fault.KindPermanent, code: "invalid_auth", calls: 1,
			says: []string{"reconnect connection slack-test", "invalid_auth"}, never: []string{testToken}},
		{name: "not_authed asks to reconnect", a: answer{200, nil, `{"ok":false,"error":"not_authed"}`},
			kind: fault.KindPermanent, code: "not_authed", calls: 1, says: []string{"reconnect"}},
		{name: "account_inactive asks to reconnect", a: answer{200, nil, `{"ok":false,"error":"account_inactive"}`},
			kind: fault.KindPermanent, code: "account_inactive", calls: 1, says: []string{"reconnect"}},
		{name: "token_revoked asks to reconnect", a: answer{200, nil, `{"ok":false,"error":"token_revoked"}`},
			kind: fault.KindPermanent, code: "token_revoked", calls: 1, says: []string{"reconnect"}},
		{name: "token_expired asks to reconnect", a: answer{200, nil, `{"ok":false,"error":"token_expired"}`},
			kind: fault.KindPermanent, code: "token_expired", calls: 1, says: []string{"reconnect"}},
		{name: "ratelimited in a 200 body is rate limited for its Retry-After",
			a: answer{200, map[string]string{"Retry-After": "7"}, `{"ok":false,"error":"ratelimited"}`}, kind: fault.KindRateLimited,
			code: "ratelimited", calls: 1, retry: 7 * time.Second},
		{name: "a 429 with Retry-After is rate limited for it",
			a: answer{429, map[string]string{"Retry-After": "30"}, `{"ok":false,"error":"ratelimited"}`}, kind: fault.KindRateLimited,
			calls: 1, retry: 30 * time.Second},
		{name: "a 429 to a post is rate limited too: it was not processed", post: true,
			a: answer{429, map[string]string{"Retry-After": "1"}, `{"ok":false,"error":"ratelimited"}`}, kind: fault.KindRateLimited,
			calls: 1, retry: time.Second},
		{name: "a 500 to a read is transient and retried", a: answer{500, nil, `<html>oops</html>`}, kind: fault.KindTransient, calls: 4},
		{name: "a 500 to a post is transient and not retried: it may have been posted", post: true,
			a: answer{500, nil, `<html>oops</html>`}, kind: fault.KindTransient, calls: 1},
		{name: "internal_error is transient and a read is retried", a: answer{200, nil, `{"ok":false,"error":"internal_error"}`},
			kind: fault.KindTransient, code: "internal_error", calls: 4},
		{name: "fatal_error to a post is transient and not retried", post: true, a: answer{200, nil, `{"ok":false,"error":"fatal_error"}`},
			kind: fault.KindTransient, code: "fatal_error", calls: 1},
		{name: "a body that is not JSON is transient", a: answer{200, nil, `{"ok":true,"members":[{"id":"U0`},
			kind: fault.KindTransient, calls: 4},
		{name: "channel_not_found names the channel id and nothing of the message", post: true,
			a: answer{200, nil, `{"ok":false,"error":"channel_not_found"}`}, kind: fault.KindPermanent, code: "channel_not_found", calls: 1,
			says: []string{"channel " + channel, "channel_not_found"}, never: []string{"給与明細"}},
		{name: "not_in_channel says to invite the app", post: true,
			a: answer{200, nil, `{"ok":false,"error":"not_in_channel"}`}, kind: fault.KindPermanent, code: "not_in_channel", calls: 1,
			says: []string{"channel " + channel, "invite"}, never: []string{"給与明細"}},
		{name: "is_archived names the channel", post: true,
			a: answer{200, nil, `{"ok":false,"error":"is_archived"}`}, kind: fault.KindPermanent, code: "is_archived", calls: 1,
			says: []string{"channel " + channel, "archived"}},
		{name: "missing_scope names the scope to add", a: answer{200, nil, `{"ok":false,"error":"missing_scope","needed":"users:read","provided":"chat:write"}`},
			kind: fault.KindPermanent, code: "missing_scope", calls: 1, says: []string{"users:read"}},
		{name: "invalid_arguments carries Slack's explanation", post: true,
			a:    answer{200, nil, `{"ok":false,"error":"invalid_arguments","response_metadata":{"messages":["[ERROR] missing required field: channel"]}}`},
			kind: fault.KindPermanent, code: "invalid_arguments", calls: 1, says: []string{"missing required field: channel"}},
		{name: "any other code is permanent", post: true, a: answer{200, nil, `{"ok":false,"error":"msg_too_long"}`},
			kind: fault.KindPermanent, code: "msg_too_long", calls: 1, says: []string{"msg_too_long"}},
		{name: "ok false without a code is permanent", a: answer{200, nil, `{"ok":false}`}, kind: fault.KindPermanent, calls: 1},
		{name: "unknown_method at 404 is permanent", a: answer{404, nil, `{"ok":false,"error":"unknown_method"}`},
			kind: fault.KindPermanent, calls: 1, says: []string{"404", "unknown_method"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, mux := setup(t, WithPolicy(noThrottleSleep))
			var calls atomic.Int32
			var err error
			if tc.post {
				mux.Handle("/chat.postMessage", tc.a.serve(&calls))
				_, _, err = client.Chat.PostMessage(t.Context(), &PostMessageOptions{Channel: channel, Text: "給与明細"})
			} else {
				mux.Handle("/users.list", tc.a.serve(&calls))
				_, _, err = client.Users.List(t.Context(), nil)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if got := fault.Classify(err); got != tc.kind {
				t.Errorf("kind = %v; want %v (%v)", got, tc.kind, err)
			}
			if got := ErrorCode(err); got != tc.code {
				t.Errorf("ErrorCode = %q; want %q (%v)", got, tc.code, err)
			}
			if n := calls.Load(); n != tc.calls {
				t.Errorf("%d calls; want %d", n, tc.calls)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			for _, s := range tc.never {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q holds %q", err, s)
				}
			}
			if tc.retry > 0 {
				if got, _ := fault.RetryAfter(err); got != tc.retry {
					t.Errorf("RetryAfter = %v; want %v", got, tc.retry)
				}
			}
		})
	}
}

func TestARateLimitStopsOnlyItsMethodUntilRetryAfter(t *testing.T) {
	t.Parallel()
	client, mux := setup(t, WithPolicy(noThrottleSleep))
	var listCalls, lookupCalls atomic.Int32
	mux.Handle("/users.list", answer{429, map[string]string{"Retry-After": "60"}, `{"ok":false,"error":"ratelimited"}`}.serve(&listCalls))
	mux.Handle("/users.lookupByEmail", answer{200, nil, `{"ok":true,"user":{"id":"U01"}}`}.serve(&lookupCalls))
	if _, _, err := client.Users.List(t.Context(), nil); fault.Classify(err) != fault.KindRateLimited {
		t.Fatalf("first call: %v; want rate limited", err)
	}
	_, _, err := client.Users.List(t.Context(), nil)
	if wait, ok := fault.RetryAfter(err); !ok || wait <= 50*time.Second {
		t.Errorf("second call: %v; want to fail fast with most of the minute left", err)
	}
	if n := listCalls.Load(); n != 1 {
		t.Errorf("users.list was called %d times; the second should not have reached Slack", n)
	}
	if _, _, err := client.Users.LookupByEmail(t.Context(), "e00001@demo-company.example"); err != nil {
		t.Errorf("another method was held up: %v", err)
	}
}

func TestAThrottleWithinTheWaitIsSleptAndRetried(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/auth.test", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "team_id": "T0123456789"})
	})
	id, _, err := client.Auth.Test(t.Context())
	if err != nil || id.TeamID != "T0123456789" || calls.Load() != 2 {
		t.Errorf("identity %+v, err %v after %d calls; want success on the second", id, err, calls.Load())
	}
}

func TestWarningsAreReported(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/auth.test", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "warning": "superfluous_charset",
			"response_metadata": map[string]any{"warnings": []string{"superfluous_charset"}}})
	})
	_, resp, err := client.Auth.Test(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Warnings) != 2 || resp.Warnings[0] != "superfluous_charset" {
		t.Errorf("warnings %v", resp.Warnings)
	}
}

func TestErrorUnwrapsToSlacksCode(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var calls atomic.Int32
	mux.Handle("/users.lookupByEmail", answer{200, nil, `{"ok":false,"error":"users_not_found"}`}.serve(&calls))
	_, _, err := client.Users.LookupByEmail(t.Context(), "nobody@demo-company.example")
	var se *Error
	if !errors.As(err, &se) || se.Method != "users.lookupByEmail" || se.Code != "users_not_found" {
		t.Errorf("err = %v; want a *slack.Error for users.lookupByEmail users_not_found", err)
	}
	if ErrorCode(errors.New("plain")) != "" || ErrorCode(nil) != "" {
		t.Error("ErrorCode of an error that is not Slack's is not empty")
	}
}
