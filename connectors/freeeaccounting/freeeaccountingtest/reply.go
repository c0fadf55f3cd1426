package freeeaccountingtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// reply is a response the sandbox has decided on but not yet sent: it is validated against
// accounting.json first.
type reply struct {
	status      int
	contentType string
	body        []byte
	header      http.Header // extra headers, e.g. Retry-After
	// unchecked skips response validation: deliberate faults break the description on purpose.
	unchecked bool
}

const contentJSON = "application/json"

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own wire types are marshalled here; failing is a sandbox bug.
		panic(fmt.Sprintf("freeeaccountingtest: marshal %T: %v", v, err))
	}
	return reply{status: status, contentType: contentJSON, body: b}
}

// problem is freee 会計's common error body (badRequestError, internalServerError, …):
// {"status_code":400,"errors":[{"type":"status","messages":[…]},{"type":"validation",…}]}.
type problem struct {
	StatusCode int            `json:"status_code"`
	Errors     []problemError `json:"errors"`
}

type problemError struct {
	Type     string   `json:"type"`
	Messages []string `json:"messages"`
}

func problemReply(status int, statusText string, details ...string) reply {
	p := problem{StatusCode: status, Errors: []problemError{{Type: "status", Messages: []string{statusText}}}}
	if len(details) > 0 {
		p.Errors = append(p.Errors, problemError{Type: "validation", Messages: details})
	}
	return jsonReply(status, p)
}

// Error bodies, in freee's words where freee's documentation gives them.
func badRequest(details ...string) reply {
	return problemReply(http.StatusBadRequest, "不正なリクエストです。", details...)
}

func notFound(details ...string) reply {
	return problemReply(http.StatusNotFound, "指定されたリソースが見つかりませんでした。", details...)
}

func serverError() reply {
	return problemReply(http.StatusInternalServerError,
		"エラーが発生しました。再試行しても解消しない場合は、サポートセンターまでご連絡ください。")
}

// unauthorized is accounting.json's unauthorizedError ({"message"}), with the code freee's
// error-code table gives (invalid_access_token, expired_access_token).
func unauthorized(code string) reply {
	msg := "アクセストークンが無効です"
	if code == "expired_access_token" {
		msg = "アクセストークンの有効期限が切れています"
	}
	return jsonReply(http.StatusUnauthorized, struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}{msg, code})
}

// throttled is the 403 freee answers to excessive access, lifting after about ten minutes.
// freee documents the status, not the body; this one says so in freee's words, as its
// other errors do.
func throttled() reply {
	return problemReply(http.StatusForbidden,
		"短時間に大量のアクセスがあったため、一時的にアクセスを制限しています。しばらく時間をおいてから再度お試しください。")
}

// rateLimitMeta is the meta of accounting.json's tooManyRequestsError.
type rateLimitMeta struct {
	Limit     int    `json:"limit"`
	Period    int    `json:"period"`
	Remaining int    `json:"remaining"`
	Reset     string `json:"reset"`
}

// tooManyRequests is accounting.json's tooManyRequestsError with freee's x-ratelimit-*
// headers: the company×app daily cap is spent until reset.
func tooManyRequests(limit int, reset time.Time) reply {
	at := reset.In(tokyo).Format(time.RFC3339)
	rep := jsonReply(http.StatusTooManyRequests, struct {
		StatusCode int           `json:"status_code"`
		Meta       rateLimitMeta `json:"meta"`
	}{http.StatusTooManyRequests, rateLimitMeta{Limit: limit, Period: 86400, Reset: at}})
	rep.header = http.Header{
		"X-Ratelimit-Limit":     {strconv.Itoa(limit)},
		"X-Ratelimit-Remaining": {"0"},
		"X-Ratelimit-Reset":     {at},
	}
	return rep
}

func notImplemented(rt *route) reply {
	return problemReply(http.StatusNotImplemented, "not implemented",
		fmt.Sprintf("freeeaccountingtest: %s %s (%s) is not implemented by the sandbox", rt.Method, rt.Path, rt.Op))
}

// writeReply sends rep as is.
func writeReply(w http.ResponseWriter, rep reply) {
	h := w.Header()
	for k, vs := range rep.header {
		h[k] = vs
	}
	if rep.contentType != "" {
		h.Set("Content-Type", rep.contentType)
	}
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}
