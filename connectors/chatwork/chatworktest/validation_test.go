package chatworktest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTheValidatorRejectsWrongRequests proves the contract bites: each request breaks it in
// one way a client could, gets 400 in Chatwork's shape, is not served, and is kept as a
// request-side violation saying where it is wrong.
func TestTheValidatorRejectsWrongRequests(t *testing.T) {
	t.Parallel()
	messages := fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID)
	for _, tc := range []struct {
		name  string
		req   request
		op    string
		where string
	}{
		{"the message in the query string, as the archived RAML lists it",
			request{method: http.MethodPost, path: messages, query: url.Values{"body": {"hello"}}}, "postRoomMessage", "/query"},
		{"the message as a JSON body",
			request{method: http.MethodPost, path: messages, body: `{"body":"hello"}`, contentType: "application/json"}, "postRoomMessage", "/headers/content-type"},
		{"a form without the body field",
			request{method: http.MethodPost, path: messages, form: url.Values{"self_unread": {"0"}}}, "postRoomMessage", "/form"},
		{"an empty message",
			request{method: http.MethodPost, path: messages, form: url.Values{"body": {""}}}, "postRoomMessage", "/form/body"},
		{"a message over 65,535 characters",
			request{method: http.MethodPost, path: messages, form: url.Values{"body": {strings.Repeat("a", 65536)}}}, "postRoomMessage", "/form/body"},
		{"self_unread as a word",
			request{method: http.MethodPost, path: messages, form: url.Values{"body": {"x"}, "self_unread": {"true"}}}, "postRoomMessage", "/form/self_unread"},
		{"a field Chatwork does not take",
			request{method: http.MethodPost, path: messages, form: url.Values{"body": {"x"}, "to_ids": {"1,2"}}}, "postRoomMessage", "/form"},
		{"force as a word",
			request{path: messages, query: url.Values{"force": {"true"}}}, "getRoomMessages", "/query/force"},
		{"force given twice",
			request{path: messages, query: url.Values{"force": {"1", "1"}}}, "getRoomMessages", "/query/force"},
		{"a room id that is not a number",
			request{path: "/rooms/general/members"}, "getRoomMembers", "/path/room_id"},
		{"a message id that is not a number",
			request{path: messages + "/latest"}, "getRoomMessage", "/path/message_id"},
		{"paging parameters Chatwork does not have",
			request{path: "/rooms", query: url.Values{"page": {"2"}}}, "getRooms", "/query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, Options{})
			a := do(t, s, tc.req)
			var e struct{ Errors []string }
			a.decode(t, &e)
			if a.status != http.StatusBadRequest || len(e.Errors) != 1 || !strings.Contains(e.Errors[0], "breaks the contract") {
				t.Errorf("answer %d %s; want 400 in Chatwork's error shape", a.status, a.body)
			}
			if len(s.Posted()) != 0 {
				t.Error("a request that breaks the contract was served")
			}
			v := takeViolations(s)
			if len(v) != 1 || v[0].Side != RequestSide || v[0].Op != tc.op || !strings.Contains(v[0].Err, tc.where) {
				t.Errorf("violations = %v; want one request-side breach of %s at %s", v, tc.op, tc.where)
			}
		})
	}
}

func TestAWellFormedRequestIsNoViolation(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	a := do(t, s, request{method: http.MethodPost, path: fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID),
		form: url.Values{"body": {"ok"}, "self_unread": {"0"}}})
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	a = do(t, s, request{path: fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID), query: url.Values{"force": {"1"}}})
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

// TestTheValidatorCatchesTheSandboxsOwnMistakes breaks responses on purpose: each is kept as
// a response-side violation, and Strict turns it into a 500.
func TestTheValidatorCatchesTheSandboxsOwnMistakes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		op     string
		path   string
		mutate func(rep *reply)
		where  string
	}{
		{"a member without a role", "getRoomMembers", fmt.Sprintf("/rooms/%d/members", AllHandsRoomID),
			func(rep *reply) { rep.body = []byte(`[{"account_id":1,"name":"x"}]`) }, "role"},
		{"a member with an email address, which Chatwork never gives", "getRoomMembers", fmt.Sprintf("/rooms/%d/members", AllHandsRoomID),
			func(rep *reply) {
				rep.body = []byte(`[{"account_id":1,"role":"member","name":"x","chatwork_id":"","organization_id":1,` +
					`"organization_name":"","department":"","avatar_image_url":"","mail":"x@example.com"}]`)
			}, "not"},
		{"a numeric message id", "postRoomMessage", fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID),
			func(rep *reply) { rep.body = []byte(`{"message_id":15}`) }, "/message_id"},
		{"an empty list answered 200 instead of 204", "getRoomMessages", fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID),
			func(rep *reply) { *rep = jsonReply(200, []any{}); rep.header = http.Header{} }, "minItems"},
		{"a body on a 204", "getRoomMessages", fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID),
			func(rep *reply) { rep.body = []byte(`[]`) }, "no body"},
		{"a status the operation does not have", "getMe", "/me",
			func(rep *reply) { rep.status = http.StatusCreated }, "not a response"},
		{"an error in another shape", "getMe", "/me",
			func(rep *reply) { *rep = jsonReply(404, map[string]string{"message": "nope"}) }, "errors"},
		{"the rate-limit headers left out", "getRooms", "/rooms",
			func(rep *reply) { rep.header.Del("X-Ratelimit-Reset") }, "headers"},
	} {
		for _, strict := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s (strict %v)", tc.name, strict), func(t *testing.T) {
				t.Parallel()
				s := start(t, Options{Strict: strict})
				s.mutateResponse = func(op string, rep *reply) {
					if op == tc.op {
						tc.mutate(rep)
					}
				}
				method := http.MethodGet
				var form url.Values
				if tc.op == "postRoomMessage" {
					method, form = http.MethodPost, url.Values{"body": {"x"}}
				}
				a := do(t, s, request{method: method, path: tc.path, form: form})
				v := takeViolations(s)
				if len(v) != 1 || v[0].Side != ResponseSide || v[0].Op != tc.op || !strings.Contains(v[0].Err, tc.where) {
					t.Fatalf("violations = %v; want one response-side breach mentioning %q", v, tc.where)
				}
				if strict && a.status != http.StatusInternalServerError {
					t.Errorf("strict: answered %d; want 500", a.status)
				}
			})
		}
	}
}

func TestOperationsListsTheContract(t *testing.T) {
	t.Parallel()
	ops, err := Operations()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"GET /contacts", "GET /me", "GET /rooms", "GET /rooms/{room_id}", "GET /rooms/{room_id}/members",
		"GET /rooms/{room_id}/messages", "GET /rooms/{room_id}/messages/{message_id}", "POST /rooms/{room_id}/messages"}
	if strings.Join(ops, "|") != strings.Join(want, "|") {
		t.Errorf("operations = %v", ops)
	}
	for _, op := range ops {
		if _, ok := handlers[contractID(t, op)]; !ok {
			t.Errorf("%s has no handler", op)
		}
	}
}

func contractID(t *testing.T, op string) string {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range c.ops {
		if o.Method+" "+o.Path == op {
			return o.ID
		}
	}
	return ""
}

// TestTheWebhookSchemaRefusesWrongPayloads checks webhook.json itself, which the sandbox
// checks each webhook it sends against.
func TestTheWebhookSchemaRefusesWrongPayloads(t *testing.T) {
	t.Parallel()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	req, err := NewWebhookRequest(t.Context(), "http://127.0.0.1:9/hooks/chatwork", "dG9rZW4=", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	good := `{"webhook_setting_id":"1","webhook_event_type":"message_created","webhook_event_time":1790000000,` +
		`"webhook_event":{"message_id":"5","room_id":2,"account_id":3,"body":"x","send_time":1790000000,"update_time":0}}`
	if err := c.checkWebhook(req.Header, req.URL.Query(), []byte(good)); err != nil {
		t.Fatalf("a good webhook: %v", err)
	}
	for name, body := range map[string]string{
		"a mention shaped as a room message": strings.Replace(good, "message_created", "mention_to_me", 1),
		"an event type Chatwork has not":     strings.Replace(good, "message_created", "message_deleted", 1),
		"a room id as text":                  strings.Replace(good, `"room_id":2`, `"room_id":"2"`, 1),
		"no event time":                      strings.Replace(good, `"webhook_event_time":1790000000,`, "", 1),
	} {
		if err := c.checkWebhook(req.Header, req.URL.Query(), []byte(body)); err == nil {
			t.Errorf("%s: passed", name)
		}
	}
	req.Header.Set("User-Agent", "Go-http-client/1.1")
	if err := c.checkWebhook(req.Header, req.URL.Query(), []byte(good)); err == nil || !strings.Contains(err.Error(), "user-agent") {
		t.Errorf("a webhook without Chatwork's user agent: %v", err)
	}
}
