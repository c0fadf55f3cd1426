package slacktest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/urakata/urakata"
)

func TestTheDescriptionConvertsAndEveryOperationIsRouted(t *testing.T) {
	t.Parallel()
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := urakata.VendorAPI(webAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	var v2 struct {
		Swagger string                                `json:"swagger"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &v2); err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, item := range v2.Paths {
		ops += len(item)
	}
	if v2.Swagger != "2.0" || len(spec.routes) != ops || ops < 170 {
		t.Errorf("%d routes for the %d operations of a Swagger %s file", len(spec.routes), ops, v2.Swagger)
	}
	for method := range handlers {
		if spec.routes[method] == nil {
			t.Errorf("handler %s serves no operation of the description", method)
		}
	}
	if !spec.doc.IsOpenAPI31OrLater() || spec.doc.Servers[0].URL != "https://slack.com/api" {
		t.Errorf("openapi %s, server %s", spec.doc.OpenAPI, spec.doc.Servers[0].URL)
	}
}

func TestTheCorrectionsAreApplied(t *testing.T) {
	t.Parallel()
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("§1 items arrays become anyOf", func(t *testing.T) {
		t.Parallel()
		user := spec.doc.Components.Schemas["objs_user"].Value
		if len(user.AnyOf) != 2 || user.AnyOf[0].Value.Properties["profile"] == nil {
			t.Errorf("objs_user anyOf %d alternatives", len(user.AnyOf))
		}
	})
	t.Run("§3 no operation has a token parameter", func(t *testing.T) {
		t.Parallel()
		for method, rt := range spec.routes {
			for _, p := range rt.Operation().Parameters {
				if p.Value.Name == "token" {
					t.Errorf("%s still has a token parameter in %s", method, p.Value.In)
				}
			}
		}
		if ps := spec.routes["users.lookupByEmail"].Operation().Parameters; len(ps) != 1 || ps[0].Value.Name != "email" {
			t.Errorf("users.lookupByEmail parameters: %d", len(ps))
		}
	})
	t.Run("§4 every method may answer ratelimited and token_revoked", func(t *testing.T) {
		t.Parallel()
		enum := spec.routes["chat.postMessage"].Operation().Responses.Default().Value.Content.Get("application/json").Schema.Value.Properties["error"].Value.Enum
		for _, code := range []any{"ratelimited", "token_revoked", "invalid_arguments", "channel_not_found", "rate_limited"} {
			if !containsValue(enum, code) {
				t.Errorf("chat.postMessage errors lack %v", code)
			}
		}
	})
	t.Run("§5 a JSON body takes blocks as an array, a form as a string", func(t *testing.T) {
		t.Parallel()
		content := spec.routes["chat.postMessage"].Operation().RequestBody.Value.Content
		jsonBlocks := content.Get("application/json").Schema.Value.Properties["blocks"].Value
		formBlocks := content.Get("application/x-www-form-urlencoded").Schema.Value.Properties["blocks"].Value
		if len(jsonBlocks.AnyOf) != 2 || !formBlocks.Type.Is(openapi3.TypeString) {
			t.Errorf("JSON blocks %v, form blocks %v", jsonBlocks.AnyOf, formBlocks.Type)
		}
	})
}

func containsValue(vs []any, v any) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

func TestCallsThatBreakTheDescriptionAreRefusedAndRecorded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		call func(c *client, s *Server) response
		want string // in the explanation and the violation
	}{
		{"a lookup without an email", func(c *client, _ *Server) response { return c.get("users.lookupByEmail", nil) }, "email"},
		{"a limit that is not a number", func(c *client, _ *Server) response {
			return c.get("users.list", url.Values{"limit": {"lots"}})
		}, "limit"},
		{"a post without a channel", func(c *client, _ *Server) response {
			return c.postJSON("chat.postMessage", map[string]any{"text": "hi"})
		}, "channel"},
		{"a boolean that is not one", func(c *client, s *Server) response {
			ch, _ := s.Channel(ChannelGeneral)
			return c.postForm("chat.postMessage", url.Values{"channel": {ch.ID}, "text": {"hi"}, "link_names": {"maybe"}})
		}, "link_names"},
		{"blocks that are a number", func(c *client, s *Server) response {
			ch, _ := s.Channel(ChannelGeneral)
			return c.postJSON("chat.postMessage", map[string]any{"channel": ch.ID, "blocks": 7})
		}, "blocks"},
		{"a post asked with GET", func(c *client, s *Server) response {
			ch, _ := s.Channel(ChannelGeneral)
			return c.get("chat.postMessage", url.Values{"channel": {ch.ID}, "text": {"hi"}})
		}, "described as POST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := start(t, Options{})
			res := tc.call(c, s)
			wantError(t, res, "invalid_arguments")
			if !strings.Contains(string(res.body), tc.want) {
				t.Errorf("answer %s does not name %q", res.body, tc.want)
			}
			v := s.Violations()
			if len(v) != 1 || v[0].Side != RequestSide || !strings.Contains(v[0].Err, tc.want) {
				t.Errorf("violations %v; want one request violation naming %q", v, tc.want)
			}
			ch, _ := s.Channel(ChannelGeneral)
			if n := len(s.Messages(ch.ID)); n != 0 {
				t.Errorf("a refused post was kept (%d)", n)
			}
		})
	}
}

func TestBodiesSlackCannotReadAreRefused(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	wantError(t, c.post("chat.postMessage", "application/json", []byte(`{"channel":`)), "invalid_json")
	wantError(t, c.post("chat.postMessage", "application/json", []byte(`["channel"]`)), "json_not_object")
	wantError(t, c.post("chat.postMessage", "text/plain", []byte(`channel=C1`)), "invalid_post_type")
	noViolations(t, s)
}

func TestAResponseThatBreaksTheDescriptionIsCaught(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		strict bool
		status int
	}{
		{"and recorded, the response going out as it was", false, http.StatusOK},
		{"and turned into a 500 in strict mode", true, http.StatusInternalServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(Options{Strict: tc.strict})
			s.mutateResponse = func(method string, rep *reply) {
				if method == "users.lookupByEmail" {
					rep.body = []byte(strings.Replace(string(rep.body), `"is_bot":false`, `"is_bot":"no"`, 1))
				}
			}
			if err := s.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			c := &client{t: t, s: s, token: DefaultBotToken, http: &http.Client{}}
			res := c.get("users.lookupByEmail", url.Values{"email": {DemoPerson(0).Email}})
			if res.status != tc.status {
				t.Errorf("status %d %s; want %d", res.status, res.body, tc.status)
			}
			v := s.Violations()
			if len(v) != 1 || v[0].Side != ResponseSide || v[0].Status != http.StatusOK {
				t.Errorf("violations %v; want the bad is_bot", v)
			}
			mustOK(t, c.get("auth.test", nil))
			if n := len(s.Violations()); n != 1 {
				t.Errorf("%d violations after a good response; want still 1", n)
			}
		})
	}
}

func TestAnErrorIsCheckedAgainstTheDefaultResponse(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	var broken atomic.Bool
	broken.Store(true)
	s.mutateResponse = func(method string, rep *reply) {
		if method == "users.lookupByEmail" && broken.Load() {
			*rep = errReply("no_such_code_in_slack")
		}
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	c := &client{t: t, s: s, token: DefaultBotToken, http: &http.Client{}}
	wantError(t, c.get("users.lookupByEmail", url.Values{"email": {"nobody@demo-company.example"}}), "no_such_code_in_slack")
	v := s.Violations()
	if len(v) != 1 || v[0].Side != ResponseSide || !strings.Contains(v[0].Err, "error") {
		t.Errorf("violations %v; want the unknown error code caught", v)
	}
	// A documented code passes.
	broken.Store(false)
	wantError(t, c.get("users.lookupByEmail", url.Values{"email": {"nobody@demo-company.example"}}), "users_not_found")
	if n := len(s.Violations()); n != 1 {
		t.Errorf("%d violations; users_not_found is in the description", n)
	}
}
