package freeetest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// reply is a response the sandbox has decided on but not yet sent: it is validated against
// hr.json first.
type reply struct {
	status      int
	contentType string
	body        []byte
	header      http.Header // extra headers, e.g. Retry-After
	// unchecked skips response validation: deliberate faults break the description on purpose.
	unchecked bool
}

const (
	contentJSON    = "application/json"
	contentProblem = "application/problem+json"
)

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own wire types are marshalled here; failing is a sandbox bug.
		panic(fmt.Sprintf("freeetest: marshal %T: %v", v, err))
	}
	return reply{status: status, contentType: contentJSON, body: b}
}

// problem is freee's common error body: {"status_code":400,"errors":[{"type":...,"messages":[...]}]}.
type problem struct {
	StatusCode int            `json:"status_code"`
	Errors     []problemError `json:"errors"`
}

type problemError struct {
	Type     string   `json:"type"`
	Messages []string `json:"messages"`
}

func problemReply(status int, typ string, messages ...string) reply {
	rep := jsonReply(status, problem{StatusCode: status, Errors: []problemError{{Type: typ, Messages: messages}}})
	rep.contentType = contentProblem
	return rep
}

// Error bodies, in freee's words where freee's documentation gives them.
func badRequest(msg string) reply { return problemReply(http.StatusBadRequest, "bad_request", msg) }

func notFound(msg string) reply { return problemReply(http.StatusNotFound, "not_found", msg) }

func serverError() reply {
	return problemReply(http.StatusInternalServerError, "internal_server_error",
		"エラーが発生しました。再試行しても解消しない場合は、サポートセンターまでご連絡ください。")
}

// unauthorized is hr.json's 401 body. code tells an invalid token from an expired one, as
// freee's error-code table does (invalid_access_token, expired_access_token).
func unauthorized(code string) reply {
	msg := "ログインをして下さい"
	if code == "expired_access_token" {
		msg = "アクセスする権限がありません"
	}
	return jsonReply(http.StatusUnauthorized, struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}{msg, code})
}

// companyNotFound is hr.json's application/json 403 body, with freee's company_not_found code.
func companyNotFound() reply {
	return jsonReply(http.StatusForbidden, struct {
		Error   string `json:"error"`
		Message string `json:"message"`
		Code    string `json:"code"`
	}{"access_denied", "存在しないかすでに削除された事業所です。", "company_not_found"})
}

// throttled is the 403 freee answers to excessive access (lifting after about ten minutes).
// freee documents the status, not the body; this one is the problem shape with its own type,
// so a client can tell it from a permission error.
func throttled() reply {
	return problemReply(http.StatusForbidden, "too_many_requests",
		"短時間に大量のアクセスがあったため、一時的にアクセスを制限しています。しばらく時間をおいてから再度お試しください。")
}

func tooManyRequests() reply {
	return problemReply(http.StatusTooManyRequests, "too_many_requests",
		"APIの利用上限に達しました。しばらく時間をおいてから再度お試しください。")
}

func notImplemented(rt *route) reply {
	return problemReply(http.StatusNotImplemented, "not_implemented",
		fmt.Sprintf("freeetest: %s %s (%s) is not implemented by the sandbox", rt.Method, rt.Path, rt.Op))
}
