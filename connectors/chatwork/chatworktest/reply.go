package chatworktest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// reply is a response the sandbox has decided on but not yet sent: it is checked against
// the contract first.
type reply struct {
	status int
	body   []byte
	header http.Header
	// unchecked skips response validation: deliberate faults break the contract on purpose.
	unchecked bool
}

// contentJSON is Chatwork's content type.
const contentJSON = "application/json; charset=utf-8"

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own wire types are marshalled here; failing is a sandbox bug.
		panic(fmt.Sprintf("chatworktest: marshal %T: %v", v, err))
	}
	return reply{status: status, body: b}
}

// errorReply is Chatwork's error body: {"errors": [text]}.
func errorReply(status int, msg string) reply {
	return jsonReply(status, struct {
		Errors []string `json:"errors"`
	}{[]string{msg}})
}

// The error texts the sandbox answers with. "Invalid API token" is the one Chatwork
// documents; the others say what is wrong in Chatwork's shape.
const (
	msgInvalidToken = "Invalid API token"
	msgRateLimited  = "You have exceeded the rate limit"
)

func noContent() reply { return reply{status: http.StatusNoContent} }

func notFound(msg string) reply { return errorReply(http.StatusNotFound, msg) }

// writeReply sends rep.
func writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if len(rep.body) > 0 {
		w.Header().Set("Content-Type", contentJSON)
	}
	w.WriteHeader(rep.status)
	if len(rep.body) > 0 {
		_, _ = w.Write(rep.body)
	}
}
