package freeeaccountingtest

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
	"github.com/urakata/urakata/shared/model"
)

// DefaultDailyLimit is freee 会計's smallest daily cap per company and app.
const DefaultDailyLimit = 3000

// NoRateLimit turns the daily cap off (Options.DailyLimit), for benchmarks.
const NoRateLimit = -1

// Defaults of the OAuth client and the webhook token the sandbox accepts.
const (
	DefaultClientID     = "freeeaccountingtest-client"
	DefaultClientSecret = "freeeaccountingtest-secret"
	DefaultRefreshToken = "freeeaccountingtest-refresh-token"
	DefaultWebhookToken = "freeeaccountingtest-webhook-token"
)

// Options configure a sandbox. The zero value is a usable demo company of 30 employees
// whose claims are in last month, rate-limited like freee.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port on loopback).
	Addr string

	// Seed makes the employees' names; the same seed and head count give the same company.
	Seed int64
	// CompanyID is the freee company (事業所) id; default 1.
	CompanyID int
	// CompanyName defaults to "デモ株式会社".
	CompanyName string
	// Employees is the head count (users E00001… with e00001@demo-company.example…);
	// default 30, at most MaxEmployees. The demo claims belong to the first ten (fewer
	// employees file several).
	Employees int
	// Year and Month are the demo month, in which the claims are filed and approved.
	// Default: the month before Now in Asia/Tokyo.
	Year  int
	Month time.Month

	// ClientID, ClientSecret and RefreshToken are the OAuth client and the first refresh
	// token the token endpoint accepts (once: freee's refresh tokens are single-use);
	// defaults DefaultClientID, DefaultClientSecret, DefaultRefreshToken.
	ClientID     string
	ClientSecret string
	RefreshToken string
	// AccessTokenTTL is how long an access token lives; default freee's 6 h.
	AccessTokenTTL time.Duration
	// WebhookToken is the verification token (検証用トークン) SendWebhook puts in
	// x-freee-token; default DefaultWebhookToken.
	WebhookToken string

	// DailyLimit is the requests allowed per day (Japan time) before 429; 0 means
	// DefaultDailyLimit and NoRateLimit turns it off.
	DailyLimit int
	// RetryAfter is what FaultRateLimited puts in Retry-After; default 1 s.
	RetryAfter time.Duration
	// HoldTimeout bounds how long FaultTimeout holds a request; default 2 min.
	HoldTimeout time.Duration

	// Strict turns a response that breaks accounting.json into a 500, so it cannot go
	// unnoticed.
	Strict bool
	// Now is the clock for tokens, the daily cap and approvals made by Approve; default
	// time.Now.
	Now func() time.Time
	// OnRequest, when set, is called with the operationId (or OAuthOp) of every request as
	// it arrives, before it is served. It runs on the request's goroutine and may block.
	OnRequest func(op string)
}

func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.CompanyID == 0 {
		o.CompanyID = 1
	}
	if o.CompanyName == "" {
		o.CompanyName = "デモ株式会社"
	}
	if o.Employees == 0 {
		o.Employees = 30
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Year == 0 && o.Month == 0 {
		y, m, _ := o.Now().In(tokyo).Date()
		last := model.NewDate(y, m, 0)
		o.Year, o.Month = last.Year, last.Month
	}
	o.ClientID = cmp.Or(o.ClientID, DefaultClientID)
	o.ClientSecret = cmp.Or(o.ClientSecret, DefaultClientSecret)
	o.RefreshToken = cmp.Or(o.RefreshToken, DefaultRefreshToken)
	o.WebhookToken = cmp.Or(o.WebhookToken, DefaultWebhookToken)
	if o.AccessTokenTTL == 0 {
		o.AccessTokenTTL = 6 * time.Hour
	}
	if o.DailyLimit == 0 {
		o.DailyLimit = DefaultDailyLimit
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = time.Second
	}
	if o.HoldTimeout == 0 {
		o.HoldTimeout = 2 * time.Minute
	}
	switch {
	case o.Employees < 0 || o.Employees > MaxEmployees:
		return o, fmt.Errorf("Employees = %d: want 1..%d", o.Employees, MaxEmployees)
	case o.Month < time.January || o.Month > time.December:
		return o, fmt.Errorf("Month = %d: want 1..12", o.Month)
	case o.Year < 2000 || o.Year > 2100:
		return o, fmt.Errorf("Year = %d: want 2000..2100", o.Year)
	case o.CompanyID < 0:
		return o, fmt.Errorf("CompanyID = %d: want a positive id", o.CompanyID)
	}
	return o, nil
}

// Server is a stateful fake of the freee 会計 API: the API under /api/1, the OAuth token
// endpoint at /public_api/token. Start it on loopback, or use it as an http.Handler
// (httptest.NewServer(s)). It is safe for concurrent use.
type Server struct {
	opts   Options
	spec   *apiSpec
	co     *company
	mux    *http.ServeMux
	loop   sandboxkit.Loopback
	faults *sandboxkit.Faults[FaultKind]
	tokens *sandboxkit.TokenEndpoint[Token]
	reqSeq atomic.Uint64
	// mutateResponse lets the package's tests break a response on purpose, to prove the
	// response validator catches it.
	mutateResponse func(op string, rep *reply)
	violations     openapikit.Recorder[Violation]

	mu       sync.Mutex
	quota    dailyQuota
	journals []ManualJournal
	nextJID  int64
	requests map[string]int
}

// New builds a sandbox from opts. It panics when opts are out of range or accounting.json
// cannot be loaded: both are programming errors, not conditions to handle.
func New(opts Options) *Server {
	opts, err := opts.withDefaults()
	if err != nil {
		panic("freeeaccountingtest: " + err.Error())
	}
	spec, err := loadSpec()
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts:     opts,
		spec:     spec,
		co:       newCompany(opts),
		faults:   sandboxkit.NewFaults("freeeaccountingtest", faultNames),
		tokens:   newTokens(opts),
		quota:    dailyQuota{limit: opts.DailyLimit},
		nextJID:  1,
		requests: map[string]int{},
	}
	s.mux = http.NewServeMux()
	for _, rt := range spec.routes {
		s.mux.Handle(rt.Pattern, s.apiHandler(rt, handlers[rt.Op]))
	}
	s.mux.HandleFunc("POST /public_api/token", s.serveToken)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.send(w, notFound("freeeaccountingtest: no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	return s
}

// Start listens on Options.Addr and serves in the background until Close.
func (s *Server) Start() error { return s.loop.Start("freeeaccountingtest", s.opts.Addr, s) }

// URL is the sandbox's root, e.g. http://127.0.0.1:41234, once Start has run.
func (s *Server) URL() string { return s.loop.URL() }

// BaseURL is the API base a client is configured with (as https://api.freee.co.jp; paths
// start with /api/1).
func (s *Server) BaseURL() string { return s.URL() }

// TokenURL is the OAuth token endpoint (as https://accounts.secure.freee.co.jp/public_api/token).
func (s *Server) TokenURL() string { return s.URL() + "/public_api/token" }

// Close stops serving, drops open connections and releases requests held by FaultTimeout.
func (s *Server) Close() { s.loop.Close() }

// ServeHTTP serves the sandbox, for use with httptest or any other server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// CompanyID is the demo company's freee id.
func (s *Server) CompanyID() int { return int(s.co.id) }

// Month returns the demo month's first and last days.
func (s *Server) Month() (first, last model.Date) { return s.co.first, s.co.last }

// Users returns the demo company's employees (as users), in id order.
func (s *Server) Users() []User { return slices.Clone(s.co.users) }

// Admin is the user who authorised the app (GET /api/1/users/me) and approves claims.
func (s *Server) Admin() User { return s.co.admin }

// AccountItems returns the company's chart of accounts.
func (s *Server) AccountItems() []AccountItem { return slices.Clone(s.co.accounts) }

// Taxes returns the company's tax codes.
func (s *Server) Taxes() []Tax { return slices.Clone(s.co.taxes) }

// Sections returns the company's departments.
func (s *Server) Sections() []Section { return slices.Clone(s.co.sections) }

// Partners returns the company's business partners.
func (s *Server) Partners() []Partner { return slices.Clone(s.co.partners) }

// Templates returns the company's expense templates.
func (s *Server) Templates() []Template { return slices.Clone(s.co.tpls) }

// Receipt returns a receipt by id.
func (s *Server) Receipt(id int64) (Receipt, bool) {
	r, ok := s.co.receipts[id]
	return r, ok
}

// Applications returns the expense claims as they are now, in id order.
func (s *Server) Applications() []Application {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.co.apps)
	for i := range out {
		out[i].Lines = slices.Clone(out[i].Lines)
	}
	return out
}

// Application returns one claim as it is now.
func (s *Server) Application(id int64) (Application, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.co.application(id)
	if a == nil {
		return Application{}, false
	}
	return *a, true
}

// ManualJournals returns the journal entries posted to the sandbox, in id order.
func (s *Server) ManualJournals() []ManualJournal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.journals)
}

// Requests counts the requests received by operationId (and OAuthOp), whatever they were
// answered: faults, 401, 400 and 429 included.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// Violations lists the requests and responses that broke accounting.json so far. A
// client's tests should find it empty after their traffic.
func (s *Server) Violations() []Violation {
	return s.violations.List()
}

func (s *Server) count(op string) {
	s.mu.Lock()
	s.requests[op]++
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(op)
	}
}

// handler serves one operation; the request is already authenticated and valid. It runs
// with s.mu held, so handlers read and change state freely and must not block.
type handler func(s *Server, c *call) reply

// apiHandler is the pipeline every API request goes through: count, faults, token, daily
// cap, request validation, the operation (or 501), response validation.
func (s *Server) apiHandler(rt *route, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(rt.Op)
		if kind, ok := s.faults.Take(rt.Op, r, true); ok {
			s.serveFault(w, r, kind)
			return
		}
		s.send(w, s.serveAPI(r, rt, h))
	})
}

func (s *Server) serveAPI(r *http.Request, rt *route, h handler) reply {
	in := validator.Input(rt, r)
	rep, ok := s.authenticate(r)
	if ok {
		s.mu.Lock()
		if reset, spent := s.quota.take(s.opts.Now()); spent {
			rep, ok = tooManyRequests(s.quota.limit, reset), false
		}
		s.mu.Unlock()
	}
	if ok {
		if err := validator.Request(r.Context(), in); err != nil {
			msg := openapikit.Message(err)
			s.violations.Record(Violation{Side: RequestSide, Op: rt.Op, Method: r.Method, Path: r.URL.Path, Err: msg})
			rep = badRequest(msg)
		} else if h == nil {
			rep = notImplemented(rt)
		} else {
			c := &call{r: r, q: r.URL.Query()}
			s.mu.Lock()
			rep = h(s, c)
			s.mu.Unlock()
		}
	}
	if s.mutateResponse != nil {
		s.mutateResponse(rt.Op, &rep)
	}
	if !rep.unchecked {
		if err := validateResponse(r.Context(), in, rep); err != nil {
			msg := openapikit.Message(err)
			s.violations.Record(Violation{Side: ResponseSide, Op: rt.Op, Method: r.Method, Path: r.URL.Path, Status: rep.status, Err: msg})
			if s.opts.Strict {
				rep = problemReply(http.StatusInternalServerError, "internal_server_error",
					"freeeaccountingtest: the sandbox's response broke accounting.json: "+msg)
			}
		}
	}
	return rep
}

// serveToken is the OAuth token endpoint. Faults reach it only when armed for it by name
// or path.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.count(OAuthOp)
	if kind, ok := s.faults.Take(OAuthOp, r, false); ok {
		s.serveFault(w, r, kind)
		return
	}
	s.send(w, s.token(r))
}

// send writes rep with the headers every freee response carries.
func (s *Server) send(w http.ResponseWriter, rep reply) {
	w.Header().Set("X-Freee-Request-Id", "freeeaccountingtest-"+strconv.FormatUint(s.reqSeq.Add(1), 10))
	writeReply(w, rep)
}

// dailyQuota counts API requests per day in Japan time, as freee's daily cap per company
// and app does.
type dailyQuota struct {
	limit int // <= 0: unlimited
	day   model.Date
	used  int
}

// take spends one request; spent is true (with the next reset) when the day's cap is used
// up. Callers hold s.mu.
func (q *dailyQuota) take(now time.Time) (reset time.Time, spent bool) {
	if q.limit <= 0 {
		return time.Time{}, false
	}
	today := model.DateOf(now, tokyo)
	if today != q.day {
		q.day, q.used = today, 0
	}
	if q.used >= q.limit {
		return today.AddDays(1).In(tokyo), true
	}
	q.used++
	return time.Time{}, false
}
