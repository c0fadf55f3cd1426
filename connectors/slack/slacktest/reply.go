package slacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// reply is a response the sandbox has decided on but not yet sent: it is validated against
// the description first.
type reply struct {
	status      int
	contentType string
	body        []byte
	header      http.Header
	// failed marks an "ok": false answer, which is checked against the default response.
	failed bool
	// unchecked skips response validation: deliberate faults break the description on
	// purpose.
	unchecked bool
}

const contentJSON = "application/json; charset=utf-8"

// okReply answers "ok": true with the method's members.
func okReply(members map[string]any) reply {
	body := map[string]any{"ok": true}
	for k, v := range members {
		body[k] = v
	}
	return jsonReply(http.StatusOK, body)
}

// errReply answers as Slack does for a failed call: HTTP 200, "ok": false and the error
// code, with Slack's explanation in response_metadata.messages when there is one.
func errReply(code string, messages ...string) reply {
	body := map[string]any{"ok": false, "error": code}
	if len(messages) > 0 {
		body["response_metadata"] = map[string]any{"messages": messages}
	}
	rep := jsonReply(http.StatusOK, body)
	rep.failed = true
	return rep
}

// tooManyRequests is Slack's answer over a method's rate limit: 429, Retry-After in whole
// seconds, and the error ratelimited.
func tooManyRequests(wait time.Duration) reply {
	rep := errReply("ratelimited")
	rep.status = http.StatusTooManyRequests
	secs := sandboxkit.RetryAfterSeconds(wait)
	rep.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return rep
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own values are marshalled here; failing is a sandbox bug.
		panic(fmt.Sprintf("slacktest: marshal %T: %v", v, err))
	}
	return reply{status: status, contentType: contentJSON, body: b}
}

func writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.contentType != "" {
		w.Header().Set("Content-Type", rep.contentType)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}
