package kingoftimetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// reply is a response the sandbox has decided on but not yet sent: it is validated against
// the description first.
type reply struct {
	status int
	body   []byte
	header http.Header // extra headers, e.g. Retry-After
	// unchecked skips response validation: deliberate faults break the description on purpose.
	unchecked bool
}

// contentJSON is KOT's content type.
const contentJSON = "application/json; charset=utf-8"

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own wire types are marshalled here; failing is a sandbox bug.
		panic(fmt.Sprintf("kingoftimetest: marshal %T: %v", v, err))
	}
	return reply{status: status, body: b}
}

// The error codes the sandbox answers with. 100, 104, 300 and 303 are KOT's, documented;
// KOT publishes no code for a bad parameter or an unknown employee, so the sandbox uses
// 222 (the value the vendor's own error example shows) and says what is wrong in words.
const (
	CodeAuthFailed      = 100
	CodeRestrictedHours = 104
	CodeServerError     = 300
	CodeTooManyRequests = 303
	CodeInvalidRequest  = 222
	CodeNotImplemented  = 999
)

type errorItem struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
}

// errorList is KOT's usual error body: {"errors":[{"message","code"}]}.
func errorList(status, code int, msg string) reply {
	return jsonReply(status, struct {
		Errors []errorItem `json:"errors"`
	}{[]errorItem{{msg, code}}})
}

// errorCode is KOT's other error body, with the code as a string: {"code":"303","message"}.
func errorCode(status, code int, msg string) reply {
	return jsonReply(status, struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{fmt.Sprint(code), msg})
}

func authFailed() reply {
	return errorList(http.StatusForbidden, CodeAuthFailed, "認証に失敗しました")
}

// restrictedHours is KOT's refusal in its restricted hours, naming the windows as KOT does.
func (s *Server) restrictedHours() reply {
	spans := make([]string, len(s.windows))
	for i, w := range s.windows {
		spans[i] = w.Start + " ~ " + w.End
	}
	return errorList(http.StatusForbidden, CodeRestrictedHours,
		"現在APIのご利用が禁止されている時間帯です。利用禁止時間帯(JST)：["+strings.Join(spans, ", ")+"]")
}

func serverError() reply {
	return errorList(http.StatusInternalServerError, CodeServerError, "Resource Server Error.")
}

func (s *Server) tooManyRequests() reply {
	return errorCode(s.opts.ThrottleStatus, CodeTooManyRequests, "Too Many Requests")
}

func badRequest(msg string) reply {
	return errorList(http.StatusBadRequest, CodeInvalidRequest, msg)
}

func notFound(msg string) reply {
	return errorList(http.StatusNotFound, CodeInvalidRequest, msg)
}

func notImplemented(rt *route) reply {
	return errorList(http.StatusNotImplemented, CodeNotImplemented,
		fmt.Sprintf("kingoftimetest: %s %s (%s) is not implemented by the sandbox", rt.Method, rt.Path, rt.Op))
}

// writeReply sends rep.
func writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.body != nil {
		w.Header().Set("Content-Type", contentJSON)
	}
	w.WriteHeader(rep.status)
	if rep.body != nil {
		_, _ = w.Write(rep.body)
	}
}
