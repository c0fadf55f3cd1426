package kingoftime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/urakata/urakata/shared/fault"
)

// The error codes KOT documents (support article "WebAPIでエラーが発生する場合の原因と対処方法"
// and the developer site). Others exist; their meaning is not published.
const (
	// CodeAuthFailed is 認証に失敗しました: a wrong or suspended token, a client IP the token
	// does not permit, or a missing permission (403).
	CodeAuthFailed = 100
	// CodeRestrictedHours refuses a call in the restricted hours 08:30–10:00 and
	// 17:30–18:30 JST (403).
	CodeRestrictedHours = 104
	// CodeServerError is "Resource Server Error." (500).
	CodeServerError = 300
	// CodeTooManyRequests is "Too Many Requests", sent in the second error shape.
	CodeTooManyRequests = 303
)

// ErrorItem is one of KOT's errors.
type ErrorItem struct {
	Message string
	Code    int
}

// kotError is an error body in either of KOT's shapes: {"errors":[{"message","code":100}]}
// (the usual one, code a number) or {"code":"303","message"} (code a string, no wrapper).
type kotError struct {
	Items []ErrorItem
	// listed is true for the first shape, the errors list.
	listed bool
}

func decodeError(body []byte) kotError {
	var doc struct {
		Errors []struct {
			Message string          `json:"message"`
			Code    json.RawMessage `json:"code"`
		} `json:"errors"`
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return kotError{}
	}
	e := kotError{listed: len(doc.Errors) > 0}
	for _, it := range doc.Errors {
		e.Items = append(e.Items, ErrorItem{Message: it.Message, Code: code(it.Code)})
	}
	if len(doc.Errors) == 0 && (len(doc.Code) > 0 || doc.Message != "") {
		e.Items = append(e.Items, ErrorItem{Message: doc.Message, Code: code(doc.Code)})
	}
	return e
}

// code reads an error code written as a number or a string; 0 when it is neither.
func code(raw json.RawMessage) int {
	s := strings.Trim(string(raw), `"`)
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

func (e kotError) has(code int) bool {
	for _, it := range e.Items {
		if it.Code == code {
			return true
		}
	}
	return false
}

// errorMessage is the vendor's explanation for errors and logs: "code 100: 認証に失敗しました",
// several joined with "; ". It is "" for a body in neither shape, so that httpx falls back
// to the status text.
func errorMessage(body []byte) string {
	e := decodeError(body)
	parts := make([]string, 0, len(e.Items))
	for _, it := range e.Items {
		switch {
		case it.Code != 0 && it.Message != "":
			parts = append(parts, fmt.Sprintf("code %d: %s", it.Code, it.Message))
		case it.Code != 0:
			parts = append(parts, fmt.Sprintf("code %d", it.Code))
		case it.Message != "":
			parts = append(parts, it.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// isThrottle reports KOT asking us to slow down: code 303 in either shape, whatever the
// status (KOT documents the body, not the status). 429 is a throttle anyway.
func isThrottle(_ int, _ http.Header, body []byte) bool {
	return decodeError(body).has(CodeTooManyRequests)
}

// checkBody treats a 2xx answer that carries KOT's error list as a failure: public clients
// of KOT detect errors by the list, not the status, so a 200 with errors is not trusted.
func checkBody(resp *http.Response, body []byte) error {
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		// A list, the usual answer: no need to scan it a second time.
		return nil
	}
	e := decodeError(body)
	if !e.listed {
		return nil
	}
	if e.has(CodeTooManyRequests) {
		return &fault.RateLimitedError{Scope: "throttle-303"}
	}
	return &fault.PermanentError{Status: resp.StatusCode, Message: errorMessage(body)}
}
