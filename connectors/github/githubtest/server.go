package githubtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// The sandbox's defaults.
const (
	// DefaultToken is the personal access token the sandbox accepts.
	DefaultToken = "githubtest-token"
	// DefaultWebhookSecret signs the webhooks the sandbox sends.
	DefaultWebhookSecret = "githubtest-webhook-secret"
	// DefaultRateLimit is GitHub's primary limit for a personal access token: 5,000 an hour.
	DefaultRateLimit = 5000
	// DefaultWritesPerMinute is GitHub's secondary limit on requests that create content:
	// "no more than 80 content-generating requests per minute".
	DefaultWritesPerMinute = 80
	// NoRateLimit turns a limit off (Options.RateLimit, Options.WritesPerMinute).
	NoRateLimit = -1
	// apiPrefix is where the REST API lives, as on a GitHub Enterprise Server.
	apiPrefix = "/api/v3"
)

// Options configure a sandbox. The zero value is a usable demo: the repository
// demo-company/back-office of a company of 30, limited like GitHub.com.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port on loopback).
	Addr string
	// Seed is kept in saved state, so that state is only loaded into the same demo.
	Seed int64
	// Employees is the demo company's head count (the FAQ owners are among them, with the
	// emails freeetest gives them); default 30.
	Employees int
	// Owner and Repo name the demo repository; default demo-company and back-office.
	Owner string
	Repo  string
	// Token is the personal access token accepted in Authorization; default DefaultToken.
	Token string
	// WebhookSecret signs webhooks; default DefaultWebhookSecret.
	WebhookSecret string
	// RateLimit is the requests allowed an hour (0: DefaultRateLimit, NoRateLimit: none).
	RateLimit int
	// WritesPerMinute is the secondary limit on POST, PATCH, PUT and DELETE (0:
	// DefaultWritesPerMinute, NoRateLimit: none).
	WritesPerMinute int
	// RetryAfter is what the rate-limit faults put in Retry-After; default 1 s.
	RetryAfter time.Duration
	// HoldTimeout bounds how long FaultTimeout holds a request; default 2 min.
	HoldTimeout time.Duration
	// Strict turns an answer that breaks testdata/github/ into a 500, so it cannot go
	// unnoticed.
	Strict bool
	// Now is the clock for timestamps and rate-limit windows; default time.Now.
	Now func() time.Time
	// OnRequest, when set, is called with the operation id of every API request as it
	// arrives, before it is served. It runs on the request's goroutine and may block.
	OnRequest func(op string)
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Employees <= 0 {
		o.Employees = 30
	}
	if o.Owner == "" {
		o.Owner = "demo-company"
	}
	if o.Repo == "" {
		o.Repo = "back-office"
	}
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if o.WebhookSecret == "" {
		o.WebhookSecret = DefaultWebhookSecret
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.WritesPerMinute == 0 {
		o.WritesPerMinute = DefaultWritesPerMinute
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.HoldTimeout <= 0 {
		o.HoldTimeout = 2 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Server is a stateful fake of GitHub's REST API on loopback, served as a GitHub Enterprise
// Server is (the API under /api/v3/), so go-github's WithEnterpriseURLs points at it. Use
// it with Start, or as an http.Handler. It is safe for concurrent use.
type Server struct {
	opts    Options
	schemas *schemas
	mux     *http.ServeMux
	loop    sandboxkit.Loopback
	faults  *sandboxkit.Faults[FaultKind]
	reqSeq  atomic.Uint64
	// mutateResponse lets the package's tests break an answer on purpose, to prove the
	// response checks catch it.
	mutateResponse func(op string, rep *reply)

	mu             sync.Mutex
	repos          map[string]*repository // by lower-case "owner/repo"
	ids            idSeq
	primary        hourWindow
	writes         minuteWindow
	secondaryUntil time.Time
	requests       map[string]int
	violations     []Violation
	hookID         int64
}

// New builds a sandbox from opts. It panics when testdata/github/ cannot be loaded: a
// programming error, not a condition to handle.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	sch, err := loadSchemas()
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts: opts, schemas: sch, faults: sandboxkit.NewFaults("githubtest", faultNames),
		repos: map[string]*repository{}, requests: map[string]int{},
		ids: idSeq{last: 10000}, hookID: 4242,
		primary: hourWindow{limit: opts.RateLimit},
		writes:  minuteWindow{limit: opts.WritesPerMinute},
	}
	r := newDemoRepository(opts, 700001, &s.ids)
	s.repos[strings.ToLower(r.fullName())] = r
	s.mux = http.NewServeMux()
	for _, op := range sch.ops {
		h, ok := handlers[op.ID]
		if !ok {
			panic("githubtest: no handler for " + op.ID)
		}
		pattern := op.Method + " " + apiPrefix + strings.Replace(op.Path, "{path}", "{path...}", 1)
		s.mux.Handle(pattern, s.apiHandler(op, h))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.send(w, errorReply(http.StatusNotFound, "Not Found", "https://docs.github.com/rest"))
	})
	return s
}

// Start listens on Options.Addr and serves in the background until Close.
func (s *Server) Start() error { return s.loop.Start("githubtest", s.opts.Addr, s) }

// URL is the sandbox's root, e.g. http://127.0.0.1:41234, once Start has run.
func (s *Server) URL() string { return s.loop.URL() }

// BaseURL is the API root a client is configured with (URL()+"/api/v3/", as on a GitHub
// Enterprise Server).
func (s *Server) BaseURL() string { return s.URL() + apiPrefix + "/" }

// Close stops serving, drops open connections and releases requests held by FaultTimeout.
func (s *Server) Close() { s.loop.Close() }

// ServeHTTP serves the sandbox, for use with httptest or any other server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Requests counts the API requests received by operation id, whatever they were answered.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// Violations lists what broke testdata/github/ so far: client requests, sandbox answers,
// answers go-github could not decode, and webhook payloads. A client's tests should find
// it empty after their traffic.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

func (s *Server) record(v Violation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, v)
}

func (s *Server) count(op string) {
	s.mu.Lock()
	s.requests[op]++
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(op)
	}
}

// reply is an answer decided on but not yet sent: it is validated first.
type reply struct {
	status int
	body   []byte
	header http.Header
	// unchecked skips validation: the 500 that Strict sends in place of a broken answer.
	unchecked bool
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the sandbox's own wire types are marshalled; failing is a sandbox bug.
		panic(fmt.Sprintf("githubtest: marshal %T: %v", v, err))
	}
	return reply{status: status, body: b}
}

// errorReply is GitHub's error body, with the status repeated as a string as GitHub now
// sends it.
func errorReply(status int, message, docs string) reply {
	return jsonReply(status, wireError{Message: message, DocumentationURL: docs, Status: strconv.Itoa(status)})
}

// call is one request being served: its operation, path values, decoded body and the site
// that names its URLs.
type call struct {
	r    *http.Request
	op   *operation
	path map[string]string
	body map[string]any
	site site
	now  time.Time
}

// handler serves one operation; the request is authenticated and valid, and s.mu is held.
type handler func(s *Server, c *call) reply

var handlers = map[string]handler{
	"issues/create":         (*Server).createIssue,
	"issues/get":            (*Server).getIssue,
	"issues/list-for-repo":  (*Server).listIssues,
	"issues/create-comment": (*Server).createComment,
	"issues/update":         (*Server).updateIssue,
	"repos/get-content":     (*Server).getContent,
}

// maxBody bounds a request body: GitHub refuses large payloads; an issue body is at most
// 65,536 characters.
const maxBody = 1 << 20

// apiHandler is the pipeline of every API request: count, faults, token, rate limits,
// request validation, the operation, answer validation and decoding with go-github.
func (s *Server) apiHandler(op *operation, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(op.ID)
		if kind, ok := s.faults.Take(op.ID, r, true); ok {
			s.serveFault(w, r, kind)
			return
		}
		s.send(w, s.serveAPI(r, op, h))
	})
}

func (s *Server) serveAPI(r *http.Request, op *operation, h handler) reply {
	now := s.opts.Now()
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(raw) > maxBody {
		return errorReply(http.StatusRequestEntityTooLarge, "Payload too big", "https://docs.github.com/rest")
	}
	if rep, ok := s.authenticate(r); !ok {
		return rep
	}
	s.mu.Lock()
	st, rep, ok := s.limit(r, now)
	s.mu.Unlock()
	if !ok {
		rep.header = st.headers(rep.header)
		return rep
	}
	c := &call{r: r, op: op, path: map[string]string{}, site: site{root: "http://" + r.Host}, now: now}
	for _, name := range op.params {
		c.path[name] = r.PathValue(name)
	}
	rep = s.check(c, raw)
	if rep.status == 0 {
		s.mu.Lock()
		rep = h(s, c)
		s.mu.Unlock()
	}
	if s.mutateResponse != nil {
		s.mutateResponse(op.ID, &rep)
	}
	if !rep.unchecked {
		s.checkAnswer(r, op, &rep)
	}
	rep.header = st.headers(rep.header)
	return rep
}

// authenticate accepts "Bearer <token>" and "token <token>" with the sandbox's token.
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return errorReply(http.StatusUnauthorized, "Requires authentication", "https://docs.github.com/rest"), false
	}
	scheme, token, _ := strings.Cut(auth, " ")
	if (!strings.EqualFold(scheme, "bearer") && !strings.EqualFold(scheme, "token")) || token != s.opts.Token {
		return errorReply(http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest"), false
	}
	return reply{}, true
}

// check decodes the body and validates the request against its operation's schema. A
// status of 0 means the request may be served.
func (s *Server) check(c *call, raw []byte) reply {
	r := c.r
	env := map[string]any{}
	path := map[string]any{}
	for k, v := range c.path {
		path[k] = v
	}
	env["path"] = path
	query := map[string]any{}
	for k, vs := range r.URL.Query() {
		if len(vs) == 1 {
			query[k] = vs[0]
		} else {
			list := make([]any, len(vs))
			for i, v := range vs {
				list[i] = v
			}
			query[k] = list
		}
	}
	env["query"] = query
	headers := map[string]any{}
	for _, name := range []string{"Accept", "Content-Type", "User-Agent", "X-GitHub-Api-Version"} {
		if v := r.Header.Get(name); v != "" {
			headers[strings.ToLower(name)] = v
		}
	}
	env["headers"] = headers
	if len(bytes.TrimSpace(raw)) > 0 {
		doc, err := decodeJSON(raw)
		if err != nil {
			s.record(Violation{Side: RequestSide, Op: c.op.ID, Method: r.Method, Path: r.URL.Path, Err: "body: " + err.Error()})
			return errorReply(http.StatusBadRequest, "Problems parsing JSON", c.op.Docs)
		}
		env["body"] = doc
		if m, ok := doc.(map[string]any); ok {
			c.body = m
		}
	}
	if err := validate(c.op.request, env); err != nil {
		s.record(Violation{Side: RequestSide, Op: c.op.ID, Method: r.Method, Path: r.URL.Path, Err: err.Error()})
		return errorReply(http.StatusUnprocessableEntity, "Invalid request.\n\n"+err.Error(), c.op.Docs)
	}
	return reply{}
}

// checkAnswer validates an answer against its operation's schema and decodes it with
// go-github's own types, recording what fails; in Strict mode a failure becomes a 500.
func (s *Server) checkAnswer(r *http.Request, op *operation, rep *reply) {
	fail := func(side Side, msg string) {
		s.record(Violation{Side: side, Op: op.ID, Method: r.Method, Path: r.URL.Path, Status: rep.status, Err: msg})
		if s.opts.Strict {
			*rep = errorReply(http.StatusInternalServerError, "githubtest: the sandbox's answer broke testdata/github: "+msg, "")
			rep.unchecked = true
		}
	}
	sch, ok := op.responseSchema(rep.status)
	if !ok {
		fail(ResponseSide, fmt.Sprintf("status %d is not declared", rep.status))
		return
	}
	doc, err := decodeJSON(rep.body)
	if err != nil {
		fail(ResponseSide, "not JSON: "+err.Error())
		return
	}
	if err := validate(sch, doc); err != nil {
		fail(ResponseSide, err.Error())
		return
	}
	if err := decodeWithGoGitHub(op.ID, rep.status, rep.body); err != nil {
		fail(DecodeSide, err.Error())
	}
}

// decodeWithGoGitHub decodes an answer into the go-github type its client decodes it into:
// if go-github cannot read what the sandbox sends, a client on go-github could not either.
func decodeWithGoGitHub(op string, status int, body []byte) error {
	var v any
	switch {
	case status >= 400:
		v = new(gh.ErrorResponse)
	case op == "issues/list-for-repo":
		v = new([]*gh.Issue)
	case op == "issues/create-comment":
		v = new(gh.IssueComment)
	case op == "repos/get-content":
		var file gh.RepositoryContent
		if json.Unmarshal(body, &file) == nil {
			return nil
		}
		v = new([]*gh.RepositoryContent)
	default:
		v = new(gh.Issue)
	}
	return json.Unmarshal(body, v)
}

// send writes rep with the headers every GitHub answer carries.
func (s *Server) send(w http.ResponseWriter, rep reply) {
	h := w.Header()
	for k, vs := range rep.header {
		h[k] = vs
	}
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("GT%08X", s.reqSeq.Add(1)))
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	if rep.body != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// repo finds the repository of a call (names are not case-sensitive), or answers 404.
func (s *Server) repo(c *call) (*repository, reply, bool) {
	r, ok := s.repos[strings.ToLower(c.path["owner"]+"/"+c.path["repo"])]
	if !ok {
		return nil, errorReply(http.StatusNotFound, "Not Found", c.op.Docs), false
	}
	return r, reply{}, true
}
