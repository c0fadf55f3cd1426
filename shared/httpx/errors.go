package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// StatusError is a transient failure: a 5xx answer, a timeout, a reset connection, or a
// body that could not be read. The runtime retries it with backoff; it is neither
// Permanent nor RateLimited, so fault.Classify calls it transient.
type StatusError struct {
	// Op names the call, e.g. "freee-hr: GET /api/v1/employees".
	Op string
	// Status is the HTTP status, or 0 when no answer arrived.
	Status int
	// Message is the vendor's explanation, when it gave one.
	Message string
	// Err is the network error, if any (its URL carries no query).
	Err error
}

func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d", e.Status)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *StatusError) Unwrap() error { return e.Err }

// maxMessage bounds the vendor message kept in an error, so that a chatty vendor cannot
// fill the dead-letter table.
const maxMessage = 300

// ErrorMessage extracts a vendor's explanation from a JSON error body, trying the shapes
// vendors use: {"message"}, {"error": "code", "error_description"} (OAuth),
// {"error": {"message"}}, {"errors": [{"message"} | {"messages": [...]} | "text"]} (freee),
// {"detail", "title"} (problem+json), and a bare {"error": "code"} when nothing says more. It returns "" when the body is not one of them, so
// that an HTML error page or an echo of the request is never taken as the message.
func ErrorMessage(body []byte) string {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	var parts []string
	add := func(v any) {
		switch v := v.(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				parts = append(parts, s)
			}
		case []any:
			for _, s := range v {
				if s, ok := s.(string); ok && strings.TrimSpace(s) != "" {
					parts = append(parts, strings.TrimSpace(s))
				}
			}
		}
	}
	code, _ := doc["error"].(string)
	if d, ok := doc["error_description"].(string); ok && code != "" && d != "" {
		add(code + ": " + d)
	}
	if e, ok := doc["error"].(map[string]any); ok {
		add(e["message"])
	}
	add(doc["message"])
	add(doc["messages"])
	if errs, ok := doc["errors"].([]any); ok {
		for _, item := range errs {
			switch item := item.(type) {
			case string:
				add(item)
			case map[string]any:
				add(item["message"])
				add(item["messages"])
			}
		}
	}
	if len(parts) == 0 {
		add(doc["detail"])
	}
	if len(parts) == 0 {
		// A bare code ("access_denied") only when nothing says more.
		add(code)
	}
	if len(parts) == 0 {
		add(doc["title"])
	}
	return truncate(strings.Join(parts, "; "), maxMessage)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// scrub removes the query and any user info from the URL a network error names: query
// values can carry signatures (Teams' sig=) or personal data.
func scrub(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	var clean string
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.RawQuery, u.Fragment, u.User = "", "", nil
		clean = u.String()
	} else {
		clean = "[url]"
	}
	return &url.Error{Op: ue.Op, URL: clean, Err: ue.Err}
}
