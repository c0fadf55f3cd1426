package chatworktest

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/connectors/internal/sandboxkit"
	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
)

// DefaultToken is the API token the sandbox accepts unless Options.Tokens says others.
const DefaultToken = "chatworktest-token"

// tokenHeader is where Chatwork reads the API token.
const tokenHeader = "X-ChatWorkToken"

// Options configure a sandbox. The zero value is a usable demo organisation of 30 people,
// rate-limited like Chatwork.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port on loopback).
	Addr string

	// Seed and Employees make the people: the demo company's employees as freeetest makes
	// them for the same seed and head count (names, departments, and the codes and emails
	// Account keeps for mapping). Employees defaults to 30, at most freeetest.MaxEmployees.
	Seed      int64
	Employees int
	// OrganizationName defaults to "デモ株式会社".
	OrganizationName string

	// Tokens are the API tokens accepted, all of the bot's account; default DefaultToken.
	Tokens []string

	// RateLimit is the requests one token may make per RateWindow (default 5 minutes);
	// 0 means DefaultRateLimit and NoRateLimit turns the limit off.
	RateLimit  int
	RateWindow time.Duration
	// RetryAfter is the wait FaultRateLimited puts in Retry-After and FaultThrottled puts
	// before X-RateLimit-Reset; default 1 s.
	RetryAfter time.Duration
	// HoldTimeout bounds how long FaultTimeout holds a request; default 2 min.
	HoldTimeout time.Duration

	// Webhooks are the webhook settings the sandbox posts events to (AddWebhook adds more).
	Webhooks []WebhookSetting
	// WebhookClient sends the webhooks; default a client with a 10 s timeout.
	WebhookClient *http.Client

	// Strict turns a response that breaks the contract into a 500, so it cannot go
	// unnoticed.
	Strict bool
	// Now is the clock for send times, webhook times and rate windows; default time.Now.
	Now func() time.Time
	// OnRequest, when set, is called with the operation id of every request as it
	// arrives, before it is served. It runs on the request's goroutine and may block.
	OnRequest func(op string)
}

func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Employees == 0 {
		o.Employees = 30
	}
	if o.OrganizationName == "" {
		o.OrganizationName = "デモ株式会社"
	}
	if len(o.Tokens) == 0 {
		o.Tokens = []string{DefaultToken}
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.RateWindow == 0 {
		o.RateWindow = 5 * time.Minute
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = time.Second
	}
	if o.HoldTimeout == 0 {
		o.HoldTimeout = 2 * time.Minute
	}
	if o.WebhookClient == nil {
		o.WebhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Employees < 0 || o.Employees > freeetest.MaxEmployees {
		return o, fmt.Errorf("Employees = %d: want 1..%d", o.Employees, freeetest.MaxEmployees)
	}
	return o, nil
}

// Server is a stateful fake of the Chatwork API under /v2. Start it on loopback, or use it
// as an http.Handler (httptest.NewServer(s)). It is safe for concurrent use.
type Server struct {
	opts     Options
	contract *contract
	org      *org
	mux      *http.ServeMux
	loop     sandboxkit.Loopback
	faults   *sandboxkit.Faults[FaultKind]
	// hooks carries the asynchronous webhook deliveries, ended by Close.
	hooks      context.Context
	stopHooks  context.CancelFunc
	hooksGroup sync.WaitGroup
	// mutateResponse lets the package's tests break a response on purpose, to prove the
	// response validator catches it.
	mutateResponse func(op string, rep *reply)

	mu sync.Mutex
	// closed stops new background webhooks once Close has begun.
	closed     bool
	tokens     map[string]bool
	messages   map[int64][]Message
	roomOf     map[string]int64
	cursors    map[cursorKey]int
	nextID     int64
	windows    map[string]*window
	webhooks   []WebhookSetting
	deliveries []Delivery
	requests   map[string]int
	violations openapikit.Recorder[Violation]
}

// cursorKey is where one token stands in one room's messages: GET messages is stateful
// per token.
type cursorKey struct {
	token string
	room  int64
}

// firstMessageID is where message ids start: Chatwork's are long strings of digits.
const firstMessageID int64 = 1500000000000000001

// New builds a sandbox from opts. It panics when opts are out of range or the contract
// cannot be loaded: both are programming errors, not conditions to handle.
func New(opts Options) *Server {
	opts, err := opts.withDefaults()
	if err != nil {
		panic("chatworktest: " + err.Error())
	}
	c, err := loadContract()
	if err != nil {
		panic(err)
	}
	hooks, stop := context.WithCancel(context.Background())
	s := &Server{
		opts:      opts,
		contract:  c,
		org:       newOrg(opts),
		faults:    sandboxkit.NewFaults("chatworktest", faultNames),
		hooks:     hooks,
		stopHooks: stop,
		tokens:    map[string]bool{},
		messages:  map[int64][]Message{},
		roomOf:    map[string]int64{},
		cursors:   map[cursorKey]int{},
		nextID:    firstMessageID,
		windows:   map[string]*window{},
		requests:  map[string]int{},
	}
	for _, t := range opts.Tokens {
		s.tokens[t] = true
	}
	for _, w := range opts.Webhooks {
		if _, err := s.AddWebhook(w); err != nil {
			panic("chatworktest: Options.Webhooks: " + err.Error())
		}
	}
	s.mux = http.NewServeMux()
	for _, op := range c.ops {
		s.mux.Handle(op.pattern, s.apiHandler(op, handlers[op.ID]))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeReply(w, notFound("chatworktest: no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	return s
}

// Start listens on Options.Addr and serves in the background until Close.
func (s *Server) Start() error { return s.loop.Start("chatworktest", s.opts.Addr, s) }

// URL is the sandbox's root, e.g. http://127.0.0.1:41234, once Start has run.
func (s *Server) URL() string { return s.loop.URL() }

// BaseURL is the API base a client is configured with (URL()+"/v2", as
// https://api.chatwork.com/v2).
func (s *Server) BaseURL() string { return s.URL() + apiPrefix }

// Close stops serving, drops open connections, releases requests held by FaultTimeout and
// waits for the webhooks the API's posts set off (each bounded by the WebhookClient's
// timeout).
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.loop.Close()
	s.hooksGroup.Wait()
	s.stopHooks()
}

// ServeHTTP serves the sandbox, for use with httptest or any other server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Accounts returns the people of the demo organisation (not the bot), in employee order.
func (s *Server) Accounts() []Account { return slices.Clone(s.org.accounts) }

// AccountByCode returns the account of the employee with that code, e.g. "E00001".
func (s *Server) AccountByCode(code string) (Account, bool) {
	for _, a := range s.org.accounts {
		if a.Code == code {
			return a, true
		}
	}
	return Account{}, false
}

// Messages returns a room's messages, oldest first.
func (s *Server) Messages(roomID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages[roomID])
}

// Posted returns the messages the bot posted through the API, in every room, in the order
// they were posted.
func (s *Server) Posted() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, msgs := range s.messages {
		for _, m := range msgs {
			if m.AccountID == BotAccountID {
				out = append(out, m)
			}
		}
	}
	slices.SortFunc(out, func(a, b Message) int { return cmp.Compare(a.n, b.n) })
	return out
}

// Requests counts the requests received by operation id, whatever they were answered.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// Violations lists the requests, responses and webhooks that broke the contract so far. A
// client's tests should find it empty after their traffic.
func (s *Server) Violations() []Violation { return s.violations.List() }

// RevokeToken stops accepting token (401 Invalid API token), as when its owner reissues it.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

func (s *Server) count(op string) {
	s.mu.Lock()
	s.requests[op]++
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(op)
	}
}

// Side says which party broke the contract.
type Side = openapikit.Side

const (
	// RequestSide is a client request the contract does not allow (answered 400).
	RequestSide = openapikit.RequestSide
	// ResponseSide is a sandbox response the contract does not allow: a sandbox bug.
	ResponseSide = openapikit.ResponseSide
	// WebhookSide is a webhook the sandbox sent that webhook.json does not allow: a
	// sandbox bug, or a test's hand-made payload.
	WebhookSide Side = "webhook"
)

// Violation records one request, response or webhook that did not match the contract, so
// tests can assert that both the client and the sandbox kept to it. Op is the operation id
// (the webhook event type for a webhook).
type Violation = openapikit.Violation

// maxRequestBody bounds what the sandbox reads of a request: a message is at most 65,535
// characters, a few hundred kilobytes form-encoded.
const maxRequestBody = 1 << 20

// handler serves one operation; the request is already authenticated and valid.
type handler func(s *Server, c *call) reply

// call is one request as a handler sees it.
type call struct {
	r     *http.Request
	token string
	form  map[string]string
	now   time.Time
}

// apiHandler is the pipeline every request goes through: count, faults, token, rate limit,
// request validation, the operation, response validation.
func (s *Server) apiHandler(op *operation, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(op.ID)
		if kind, ok := s.faults.Take(op.ID, r, true); ok {
			s.serveFault(w, r, kind)
			return
		}
		writeReply(w, s.serveAPI(r, op, h))
	})
}

func (s *Server) serveAPI(r *http.Request, op *operation, h handler) reply {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBody))
	if err != nil {
		return errorReply(http.StatusRequestEntityTooLarge, "chatworktest: the request body is too large")
	}
	token := r.Header.Get(tokenHeader)
	s.mu.Lock()
	known := s.tokens[token]
	s.mu.Unlock()
	if token == "" || !known {
		// Chatwork answers before counting the request against any token.
		return s.checked(r, op, errorReply(http.StatusUnauthorized, msgInvalidToken), false)
	}
	now := s.opts.Now()
	st, allowed := s.take(token, now)
	var rep reply
	switch {
	case !allowed:
		rep = errorReply(http.StatusTooManyRequests, msgRateLimited)
	default:
		if err := op.request.Validate(op.requestInstance(r, body)); err != nil {
			msg := schemaMessage(err)
			s.violations.Record(Violation{Side: RequestSide, Op: op.ID, Method: r.Method, Path: r.URL.Path, Err: msg})
			rep = errorReply(http.StatusBadRequest, "chatworktest: the request breaks the contract: "+msg)
			break
		}
		c := &call{r: r, token: token, now: now, form: map[string]string{}}
		if len(body) > 0 {
			form, _ := parseForm(body)
			for k := range form {
				c.form[k] = form.Get(k)
			}
		}
		rep = h(s, c)
	}
	if rep.header == nil {
		rep.header = http.Header{}
	}
	maps.Copy(rep.header, st.header())
	return s.checked(r, op, rep, true)
}

// checked validates rep against the contract before it is sent.
func (s *Server) checked(r *http.Request, op *operation, rep reply, authenticated bool) reply {
	if s.mutateResponse != nil {
		s.mutateResponse(op.ID, &rep)
	}
	if rep.unchecked {
		return rep
	}
	if err := s.contract.checkResponse(op, rep, authenticated); err != nil {
		msg := err.Error()
		s.violations.Record(Violation{Side: ResponseSide, Op: op.ID, Method: r.Method, Path: r.URL.Path, Status: rep.status, Err: msg})
		if s.opts.Strict {
			return errorReply(http.StatusInternalServerError, "chatworktest: the sandbox's response broke the contract: "+msg)
		}
	}
	return rep
}
