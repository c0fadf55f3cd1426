package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/fault"
)

// Error is a Web API answer with "ok": false: the method and Slack's error code. It is
// always wrapped in the fault kind that says what to do with it; errors.As finds it.
type Error struct {
	// Method is the Web API method, e.g. chat.postMessage.
	Method string
	// Code is Slack's error code, e.g. channel_not_found.
	Code string
	// Needed is the scope a missing_scope answer names.
	Needed string
	// Messages are response_metadata.messages, Slack's detail for invalid_arguments.
	Messages []string
}

func (e *Error) Error() string {
	s := e.Method + ": " + e.Code
	if e.Needed != "" {
		s += " (needs scope " + e.Needed + ")"
	}
	if len(e.Messages) > 0 {
		s += ": " + strings.Join(e.Messages, "; ")
	}
	return s
}

// Codes by what they mean for the caller. Sources: each method's page under
// https://api.slack.com/methods (errors), https://api.slack.com/docs/rate-limits and
// https://api.slack.com/authentication/token-types.
var (
	// reconnectCodes say the token no longer works: someone must install the app again
	// (or fix the secret) before any call can pass.
	reconnectCodes = map[string]bool{
		"invalid_auth": true, "not_authed": true, "account_inactive": true,
		"token_revoked": true, "token_expired": true, "no_permission": true,
		"org_login_required": true, "ekm_access_denied": true, "not_allowed_token_type": true,
	}
	// rateLimitCodes are throttles reported in the body rather than with a 429.
	rateLimitCodes = map[string]bool{"ratelimited": true, "rate_limited": true}
	// transientCodes are Slack's own failures: the same call may pass later.
	transientCodes = map[string]bool{
		"internal_error": true, "fatal_error": true, "service_unavailable": true,
		"request_timeout": true, "team_added_to_org": true,
	}
	// channelCodes are about the channel a message was sent to.
	channelCodes = map[string]string{
		"channel_not_found": "no such channel, or the app cannot see it",
		"not_in_channel":    "the app is not a member: invite it to the channel",
		"is_archived":       "the channel is archived",
	}
)

// checkBody is the Policy.CheckBody of one method: it reads Slack's envelope from a 2xx
// answer and types an "ok": false. connection names the hub.yaml connection in errors that
// ask to reconnect it.
func checkBody(method, connection string) func(*http.Response, []byte) error {
	return func(resp *http.Response, body []byte) error {
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil {
			// A truncated or HTML body from a proxy: transient, like a 5xx.
			return fmt.Errorf("%s: %s: answer is not JSON: %w", Vendor, method, err)
		}
		if env.OK {
			return nil
		}
		err := classify(method, connection, &Error{Method: method, Code: env.Error, Needed: env.Needed, Messages: env.ResponseMetadata.Messages})
		var rl *fault.RateLimitedError
		if errors.As(err, &rl) {
			// httpx waits for Retry-After but leaves the error as given: say it here.
			if secs, perr := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); perr == nil && secs >= 0 {
				rl.RetryAfter = time.Duration(secs) * time.Second
			}
		}
		return err
	}
}

// classify turns an "ok": false into the fault kind the runtime acts on.
func classify(method, connection string, e *Error) error {
	op := Vendor + ": " + method
	switch {
	case e.Code == "":
		return &fault.PermanentError{Op: op, Status: http.StatusOK, Message: `"ok": false without an error code`, Err: e}
	case rateLimitCodes[e.Code]:
		return &fault.RateLimitedError{Op: op, Scope: method, Err: e}
	case reconnectCodes[e.Code]:
		who := "the connection"
		if connection != "" {
			who = "connection " + connection
		}
		return &fault.PermanentError{Op: op, Status: http.StatusOK, Err: e,
			Message: fmt.Sprintf("%s: reconnect %s: Slack refused the bot token; install the app again and store its new bot token", e.Code, who)}
	case transientCodes[e.Code]:
		return e
	case e.Code == "missing_scope":
		return &fault.PermanentError{Op: op, Status: http.StatusOK, Err: e,
			Message: fmt.Sprintf("missing_scope: add the scope %s to the app and install it again", orUnknown(e.Needed))}
	}
	return &fault.PermanentError{Op: op, Status: http.StatusOK, Message: strings.TrimPrefix(e.Error(), method+": "), Err: e}
}

func orUnknown(s string) string {
	if s == "" {
		return "(Slack did not say which)"
	}
	return s
}

// channelError names the channel in an error about it: its id only, never the message.
func channelError(err error, channel string) error {
	var se *Error
	if !errors.As(err, &se) {
		return err
	}
	why, ok := channelCodes[se.Code]
	if !ok {
		return err
	}
	return &fault.PermanentError{Op: Vendor + ": " + se.Method, Status: http.StatusOK, Err: se,
		Message: fmt.Sprintf("%s: channel %s: %s", se.Code, channel, why)}
}

// ErrorCode returns Slack's error code inside err ("" when err is not an "ok": false).
func ErrorCode(err error) string {
	var se *Error
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}
