package xerotest

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
	header      http.Header // extra headers, e.g. Retry-After
	// unchecked skips response validation: deliberate faults break the description on purpose.
	unchecked bool
}

const contentJSON = "application/json"

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own wire types are marshalled here; failing is a sandbox bug.
		panic(fmt.Sprintf("xerotest: marshal %T: %v", v, err))
	}
	return reply{status: status, contentType: contentJSON, body: b}
}

// msDate writes an instant as the accounting API does: /Date(1552357188083+0000)/.
func msDate(t time.Time) string {
	return "/Date(" + strconv.FormatInt(t.UnixMilli(), 10) + "+0000)/"
}

// accountingError is the accounting API's 400 body (the Error schema): a validation
// exception with each message under an element.
type accountingError struct {
	ErrorNumber int              `json:"ErrorNumber"`
	Type        string           `json:"Type"`
	Message     string           `json:"Message"`
	Elements    []accountingElem `json:"Elements,omitempty"`
}

type accountingElem struct {
	ValidationErrors []validationError `json:"ValidationErrors"`
}

type validationError struct {
	Message string `json:"Message"`
}

func accountingInvalid(messages ...string) reply {
	elem := accountingElem{}
	for _, m := range messages {
		elem.ValidationErrors = append(elem.ValidationErrors, validationError{m})
	}
	return jsonReply(http.StatusBadRequest, accountingError{ErrorNumber: 10, Type: "ValidationException",
		Message: "A validation exception occurred", Elements: []accountingElem{elem}})
}

// payrollProblem is the payroll API's 400 body (the Problem schema).
type payrollProblem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        string         `json:"status"`
	Detail        string         `json:"detail"`
	InvalidFields []invalidField `json:"invalidFields,omitempty"`
}

type invalidField struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

func payrollInvalid(field, reason string) reply {
	return jsonReply(http.StatusBadRequest, payrollProblem{Type: "application/problem+json", Title: "BadRequest", Status: "400",
		Detail: "Validation error occurred.", InvalidFields: []invalidField{{field, reason}}})
}

// invalid answers 400 in the shape of the API the request was for.
func invalid(api, field, reason string) reply {
	if api == "payroll" {
		return payrollInvalid(field, reason)
	}
	return accountingInvalid(reason)
}

// problem is the body Xero's gateway answers with for 401, 403, 404, 429 and 5xx.
type problem struct {
	Type     *string `json:"Type"`
	Title    string  `json:"Title"`
	Status   int     `json:"Status"`
	Detail   string  `json:"Detail"`
	Instance string  `json:"Instance,omitempty"`
}

func problemReply(status int, title, detail string) reply {
	return jsonReply(status, problem{Title: title, Status: status, Detail: detail})
}

func notFound(detail string) reply { return problemReply(http.StatusNotFound, "NotFound", detail) }

func serverError() reply {
	return problemReply(http.StatusInternalServerError, "InternalServerError", "An error occurred in Xero. Check the API Status page for current service status.")
}

// unauthorized is Xero's 401, with the WWW-Authenticate challenge it sends.
func unauthorized(detail string) reply {
	rep := problemReply(http.StatusUnauthorized, "Unauthorized", detail)
	rep.header = http.Header{"WWW-Authenticate": {`Bearer error="invalid_token"`}}
	return rep
}

func forbidden(detail string) reply {
	return problemReply(http.StatusForbidden, "Forbidden", detail)
}

// tooManyRequests is Xero's 429: Retry-After and the limit that was hit.
func tooManyRequests(limit string, retryAfter time.Duration) reply {
	rep := problemReply(http.StatusTooManyRequests, "Too Many Requests", "rate limit exceeded: "+limit)
	secs := sandboxkit.RetryAfterSeconds(retryAfter)
	rep.header = http.Header{"Retry-After": {strconv.Itoa(secs)}, "X-Rate-Limit-Problem": {limit}}
	return rep
}

func notImplemented(rt *route) reply {
	return problemReply(http.StatusNotImplemented, "NotImplemented",
		fmt.Sprintf("xerotest: %s %s (%s) is not implemented by the sandbox", rt.Method, rt.Path, rt.Op))
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
