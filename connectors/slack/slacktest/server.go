package slacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
)

// ScopeUsersReadEmail lets a token see members' emails.
const ScopeUsersReadEmail = "users:read.email"

// DefaultScopes are the bot scopes the connector asks an installation for (see the
// connector's bot_token field).
var DefaultScopes = []string{
	"chat:write", "users:read", ScopeUsersReadEmail, "im:write", "channels:read", "groups:read",
	"app_mentions:read", "im:history", "commands",
}

// The credentials the sandbox's app has unless Options say others.
const (
	DefaultBotToken          = "xoxb-slacktest-0000000000-bot-token"
	DefaultSigningSecret     = "slacktest-signing-secret"
	DefaultVerificationToken = "slacktest-verification-token"
)

// Options configure a sandbox. The zero value is a usable demo workspace of 30 employees,
// rate-limited like Slack, that sends events the way Slack does.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port on loopback).
	Addr string

	// Seed makes the workspace: the same seed and options give the same ids and names on
	// every run and every machine.
	Seed int64
	// Employees is the head count; default 30, at most MaxEmployees. Employee i has the
	// code and email of DemoPerson(i), as every urakata sandbox's demo company does.
	Employees int
	// People, when given, are the employees' codes and emails (and the head count).
	People []Person
	// TeamName and TeamDomain name the workspace; default "slacktest デモ株式会社" and
	// "demo-company".
	TeamName   string
	TeamDomain string

	// BotToken is the app's bot token, accepted as "Authorization: Bearer"; default
	// DefaultBotToken.
	BotToken string
	// SigningSecret signs the requests the sandbox sends; default DefaultSigningSecret.
	SigningSecret string
	// VerificationToken is the deprecated token Slack still puts in event payloads;
	// default DefaultVerificationToken.
	VerificationToken string
	// Scopes are the bot token's scopes, which every answer to it names in X-OAuth-Scopes,
	// as Slack's do; default DefaultScopes. Without ScopeUsersReadEmail, profiles carry no
	// email and users.lookupByEmail answers missing_scope.
	Scopes []string

	// NoRateLimit turns the per-method tiers and chat.postMessage's per-channel pace off.
	NoRateLimit bool
	// PostBurst is how many messages one channel takes in a row before the one-a-second
	// pace; default DefaultPostBurst.
	PostBurst int
	// RetryAfter is what FaultRateLimited and FaultThrottled put in Retry-After; default 1 s.
	RetryAfter time.Duration
	// HoldTimeout bounds how long FaultTimeout holds a request; default 2 min.
	HoldTimeout time.Duration

	// EventTimeout is how long the sandbox waits for an answer to an event before it
	// counts the try as failed (http_timeout); default Slack's 3 s.
	EventTimeout time.Duration
	// EventRetryWaits are the waits before each retry of an event that was not answered
	// 2xx in time; nil means Slack's: three retries, at once, after a minute and after five
	// minutes. An empty, non-nil slice means no retries.
	EventRetryWaits []time.Duration

	// Strict turns a response that breaks the description into a 500, so it cannot go
	// unnoticed.
	Strict bool
	// Now is the clock for message timestamps, signatures and rate limits; default time.Now.
	Now func() time.Time
	// OnRequest, when set, is called with the Web API method of every request as it
	// arrives, before it is served. It runs on the request's goroutine and may block.
	OnRequest func(method string)
}

func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Employees == 0 && len(o.People) == 0 {
		o.Employees = 30
	}
	if o.TeamName == "" {
		o.TeamName = "slacktest デモ株式会社"
	}
	if o.TeamDomain == "" {
		o.TeamDomain = "demo-company"
	}
	if o.BotToken == "" {
		o.BotToken = DefaultBotToken
	}
	if o.SigningSecret == "" {
		o.SigningSecret = DefaultSigningSecret
	}
	if o.VerificationToken == "" {
		o.VerificationToken = DefaultVerificationToken
	}
	if o.Scopes == nil {
		o.Scopes = slices.Clone(DefaultScopes)
	}
	if o.PostBurst <= 0 {
		o.PostBurst = DefaultPostBurst
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.HoldTimeout <= 0 {
		o.HoldTimeout = 2 * time.Minute
	}
	if o.EventTimeout <= 0 {
		o.EventTimeout = 3 * time.Second
	}
	if o.EventRetryWaits == nil {
		o.EventRetryWaits = []time.Duration{0, time.Minute, 5 * time.Minute}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	switch {
	case o.Employees < 0 || o.Employees > MaxEmployees || len(o.People) > MaxEmployees:
		return o, fmt.Errorf("Employees = %d: want 1..%d", o.Employees, MaxEmployees)
	case !strings.HasPrefix(o.BotToken, "xoxb-"):
		return o, fmt.Errorf("BotToken must be a bot token (xoxb-…)")
	}
	return o, nil
}

// Message is a message in a channel of the sandbox: posted by the app (User is its bot
// user, BotID its bot) or sent by a person with SendEvent.
type Message struct {
	TS       string          `json:"ts"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	User     string          `json:"user"`
	BotID    string          `json:"bot_id,omitempty"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
}

// Server is a stateful fake of the Slack Web API under /api, and of Slack's side of the
// Events API and slash commands (SendEvent, SendURLVerification, SendSlashCommand). Start
// it on loopback, or use it as an http.Handler (httptest.NewServer(s)). It is safe for
// concurrent use.
type Server struct {
	opts   Options
	spec   *apiSpec
	events *eventSchemas
	ws     *workspace
	mux    *http.ServeMux
	sender *http.Client
	loop   sandboxkit.Loopback
	// mutateResponse lets the package's tests break a response on purpose, to prove the
	// response validator catches it.
	mutateResponse func(method string, rep *reply)
	violations     openapikit.Recorder[Violation]

	mu        sync.Mutex
	revoked   bool
	dms       map[string]Channel // user id → the app's DM with them, once opened
	messages  map[string][]Message
	responses map[string][]Message // slash command trigger_id → answers to its response_url
	lastTS    int64                // microseconds of the last ts handed out
	eventSeq  int
	limits    *limits
	faults    []*fault
	requests  map[string]int
}

// New builds a sandbox from opts. It panics when opts are out of range or the description
// cannot be loaded: both are programming errors, not conditions to handle.
func New(opts Options) *Server {
	opts, err := opts.withDefaults()
	if err != nil {
		panic("slacktest: " + err.Error())
	}
	spec, err := loadSpec()
	if err != nil {
		panic(err)
	}
	events, err := loadEventSchemas()
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts:      opts,
		spec:      spec,
		events:    events,
		ws:        newWorkspace(opts),
		dms:       map[string]Channel{},
		messages:  map[string][]Message{},
		responses: map[string][]Message{},
		limits:    newLimits(opts.NoRateLimit, opts.PostBurst),
		requests:  map[string]int{},
	}
	s.sender = &http.Client{Timeout: opts.EventTimeout}
	s.mux = http.NewServeMux()
	for _, rt := range spec.routes {
		s.mux.Handle(rt.Pattern, s.apiHandler(rt, handlers[rt.method]))
	}
	s.mux.HandleFunc(apiPrefix+"/{method}", func(w http.ResponseWriter, r *http.Request) {
		s.serveUnknown(w, r)
	})
	s.mux.HandleFunc("POST "+responsePrefix+"{trigger}", s.serveResponseURL)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "slacktest: no such endpoint: "+r.Method+" "+r.URL.Path, http.StatusNotFound)
	})
	return s
}

// Start listens on Options.Addr and serves in the background until Close.
func (s *Server) Start() error { return s.loop.Start("slacktest", s.opts.Addr, s) }

// URL is the sandbox's root, e.g. http://127.0.0.1:41234, once Start has run.
func (s *Server) URL() string { return s.loop.URL() }

// BaseURL is the Web API base a client is configured with (URL()+"/api", as
// https://slack.com/api).
func (s *Server) BaseURL() string { return s.URL() + apiPrefix }

// Close stops serving, drops open connections and releases requests held by FaultTimeout.
func (s *Server) Close() { s.loop.Close() }

// ServeHTTP serves the sandbox, for use with httptest or any other server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// TeamID is the workspace's id (T…).
func (s *Server) TeamID() string { return s.ws.teamID }

// AppID is the app's id (A…), which event payloads carry as api_app_id.
func (s *Server) AppID() string { return s.ws.appID }

// BotUserID and BotID are the app's bot user (U…) and bot (B…): the author of what the app
// posts.
func (s *Server) BotUserID() string { return s.ws.botUser }

// BotID is the app's bot id (B…), which its messages carry.
func (s *Server) BotID() string { return s.ws.botID }

// Users returns every member: the employees (in order), then a deactivated former
// employee, Slackbot and the app's bot user.
func (s *Server) Users() []User { return slices.Clone(s.ws.users) }

// UserByEmail returns the member with that email (any case).
func (s *Server) UserByEmail(email string) (User, bool) {
	i, ok := s.ws.byEmail[strings.ToLower(email)]
	if !ok {
		return User{}, false
	}
	return s.ws.users[i], true
}

// Channels returns the workspace's channels, and the direct messages opened so far.
func (s *Server) Channels() []Channel {
	out := slices.Clone(s.ws.channels)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(s.dms)) {
		out = append(out, s.dms[id])
	}
	return out
}

// Channel returns a channel by name (e.g. ChannelGeneral).
func (s *Server) Channel(name string) (Channel, bool) {
	i, ok := s.ws.byName[name]
	if !ok {
		return Channel{}, false
	}
	return s.ws.channels[i], true
}

// DirectMessage returns the app's direct message with a user, once opened
// (conversations.open, a post to the user's id, or a message they sent with SendEvent).
func (s *Server) DirectMessage(user string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.dms[user]
	return c, ok
}

// Messages returns the messages of a channel (by id), oldest first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages[channel])
}

// RevokeToken makes the bot token invalid, as uninstalling the app does: every call then
// answers token_revoked.
func (s *Server) RevokeToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// Requests counts the calls received by Web API method, whatever they were answered:
// faults, auth errors, invalid arguments and 429 included.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// Violations lists the requests, responses and events that broke the description so far.
// A client's tests should find it empty after their traffic.
func (s *Server) Violations() []Violation {
	return s.violations.List()
}

func (s *Server) count(method string) {
	s.mu.Lock()
	s.requests[method]++
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(method)
	}
}

// handler serves one method; the request is already authenticated and valid.
type handler func(s *Server, c *call) reply

// maxBody bounds a request body, as Slack bounds a message (40,000 characters) and more.
const maxBody = 1 << 20

// apiHandler is the pipeline every Web API call goes through: count, faults, token, rate
// limit, request validation, the method (or not_implemented), response validation.
func (s *Server) apiHandler(rt *route, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(rt.method)
		if f, ok := s.takeFault(rt.method); ok {
			s.serveFault(w, r, f)
			return
		}
		writeReply(w, s.serveAPI(r, rt, h))
	})
}

func (s *Server) serveAPI(r *http.Request, rt *route, h handler) reply {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return reply{status: http.StatusRequestEntityTooLarge, contentType: "text/plain; charset=utf-8",
			body: []byte("slacktest: request body too large"), unchecked: true}
	}
	c, rep, ok := s.readCall(r, body)
	if ok {
		rep, ok = s.authenticate(c)
	}
	authed := ok
	if ok {
		s.mu.Lock()
		wait, allowed := s.limits.take(rt.method, s.opts.Now())
		s.mu.Unlock()
		if !allowed {
			rep, ok = tooManyRequests(wait), false
		}
	}
	in := validator.Input(rt.Route, cloneWithBody(r, body))
	if ok {
		if err := validator.Request(r.Context(), in); err != nil {
			msg := openapikit.Message(err)
			s.violations.Record(Violation{Side: RequestSide, Method: rt.method, Err: msg})
			rep, ok = errReply("invalid_arguments", "[ERROR] "+msg), false
		}
	}
	if ok {
		if h == nil {
			rep = notImplemented(rt)
		} else {
			rep = h(s, c)
		}
	}
	if s.mutateResponse != nil {
		s.mutateResponse(rt.method, &rep)
	}
	if !rep.unchecked {
		if err := rt.validateResponse(r.Context(), in, rep); err != nil {
			msg := openapikit.Message(err)
			s.violations.Record(Violation{Side: ResponseSide, Method: rt.method, Status: rep.status, Err: msg})
			if s.opts.Strict {
				rep = jsonReply(http.StatusInternalServerError, map[string]any{"ok": false, "error": "internal_error"})
				rep.unchecked = true
			}
		}
	}
	if authed {
		if rep.header == nil {
			rep.header = http.Header{}
		}
		rep.header.Set("X-OAuth-Scopes", strings.Join(s.opts.Scopes, ","))
	}
	return rep
}

// hasScope reports whether the bot token has scope.
func (s *Server) hasScope(scope string) bool { return slices.Contains(s.opts.Scopes, scope) }

// serveUnknown answers a method the description does not have, or one asked with another
// HTTP method than the description gives (the sandbox takes each as described).
func (s *Server) serveUnknown(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	s.count(method)
	if rt, ok := s.spec.routes[method]; ok {
		msg := fmt.Sprintf("slacktest: %s is described as %s, not %s", method, rt.Method, r.Method)
		s.violations.Record(Violation{Side: RequestSide, Method: method, Err: msg})
		rep := errReply("invalid_arguments", "[ERROR] "+msg)
		writeReply(w, rep)
		return
	}
	rep := errReply("unknown_method")
	rep.status = http.StatusNotFound
	writeReply(w, rep)
}

func notImplemented(rt *route) reply {
	rep := errReply("not_implemented", "slacktest: "+rt.method+" is not implemented by the sandbox")
	rep.unchecked = true
	return rep
}

// call is one Web API call read: its parameters, wherever Slack would take them from.
type call struct {
	r     *http.Request
	now   time.Time
	query url.Values
	form  url.Values
	json  map[string]json.RawMessage
	token string
}

// readCall reads the parameters of a call: the query, and a form or JSON body. A JSON body
// that is not an object is refused as Slack refuses it (invalid_json, json_not_object).
func (s *Server) readCall(r *http.Request, body []byte) (*call, reply, bool) {
	c := &call{r: r, now: s.opts.Now(), query: r.URL.Query(), form: url.Values{}}
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case len(bytes.TrimSpace(body)) == 0:
	case media == "application/json":
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, errReply("invalid_json"), false
		}
		if err := json.Unmarshal(body, &c.json); err != nil {
			return nil, errReply("json_not_object"), false
		}
	case media == "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errReply("invalid_form_data"), false
		}
		c.form = form
	default:
		return nil, errReply("invalid_post_type"), false
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		c.token = bearer
	} else {
		// Slack still takes the token as a form field; the query it refuses for apps made
		// after February 2021, as this one is.
		c.token = c.form.Get("token")
	}
	return c, reply{}, true
}

// authenticate checks the call's token: not_authed without one, invalid_auth for one the
// workspace did not issue, token_revoked once RevokeToken ran.
func (s *Server) authenticate(c *call) (reply, bool) {
	s.mu.Lock()
	revoked := s.revoked
	s.mu.Unlock()
	switch {
	case c.token == "":
		return errReply("not_authed"), false
	case c.token != s.opts.BotToken:
		return errReply("invalid_auth"), false
	case revoked:
		return errReply("token_revoked"), false
	}
	return reply{}, true
}

// str is a parameter as text, from the query, the form or the JSON body.
func (c *call) str(name string) string {
	if v := c.query.Get(name); v != "" {
		return v
	}
	if v := c.form.Get(name); v != "" {
		return v
	}
	raw, ok := c.json[name]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// raw is a JSON-valued parameter (blocks): an array in a JSON body, or the JSON text a form
// field carries.
func (c *call) raw(name string) json.RawMessage {
	if raw, ok := c.json[name]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return json.RawMessage(s)
		}
		return raw
	}
	if v := c.form.Get(name); v != "" {
		return json.RawMessage(v)
	}
	return nil
}

func (c *call) bool(name string) bool {
	v := c.str(name)
	return v == "true" || v == "1"
}

// cloneWithBody gives the validator its own copy of the request, body included.
func cloneWithBody(r *http.Request, body []byte) *http.Request {
	c := r.Clone(r.Context())
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.ContentLength = int64(len(body))
	return c
}

// unixTime is a Unix time in the workspace's zone.
func unixTime(secs int64) time.Time { return time.Unix(secs, 0).In(tokyo) }
