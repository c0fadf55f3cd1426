package xerotest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/urakata/urakata/connectors/internal/sandboxkit"
	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
	"github.com/urakata/urakata/shared/model"
)

// Options configure a sandbox. The zero value is a usable demo organisation of 30
// employees for last month, limited like Xero.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port on loopback).
	Addr string

	// Seed makes the organisation: the same seed (and the same other options) gives the
	// same ids, people and claims on every run and every machine.
	Seed int64
	// Employees is the head count; default 30, at most MaxEmployees.
	Employees int
	// Year and Month are the demo month: the expense claims fall in it. Default: the month
	// before Now in Asia/Tokyo.
	Year  int
	Month time.Month
	// OrganisationName defaults to "xerotest デモ株式会社".
	OrganisationName string
	// OtherOrganisations are more organisations the app is connected to (GET /Connections
	// lists them); the sandbox answers 403 for their data. Use them to test tenant choice.
	OtherOrganisations []string

	// ClientID and ClientSecret are the OAuth client the token endpoint accepts; default
	// "xerotest-client" and "xerotest-secret".
	ClientID     string
	ClientSecret string
	// RefreshToken is the first refresh token the token endpoint accepts; default
	// "xerotest-refresh-token".
	RefreshToken string
	// AccessTokenTTL is how long an access token lives; default Xero's 30 minutes.
	AccessTokenTTL time.Duration
	// RefreshGrace is how long a used refresh token is still accepted; default Xero's 30
	// minutes.
	RefreshGrace time.Duration
	// WebhookKey signs the webhooks the sandbox sends; default "xerotest-webhook-key".
	WebhookKey string

	// MinuteLimit, DayLimit and ConcurrentLimit are the per-tenant limits and AppMinuteLimit
	// the app's; 0 means Xero's (60, 5,000, 5 and 10,000) and NoLimit turns one off.
	MinuteLimit     int
	DayLimit        int
	ConcurrentLimit int
	AppMinuteLimit  int
	// RetryAfter is what FaultRateLimited puts in Retry-After; default 1 s.
	RetryAfter time.Duration
	// HoldTimeout bounds how long FaultTimeout holds a request; default 2 min.
	HoldTimeout time.Duration

	// Strict turns a response that breaks its description into a 500, so it cannot go
	// unnoticed.
	Strict bool
	// Now is the clock for tokens, limits and records; default time.Now.
	Now func() time.Time
	// OnRequest, when set, is called with the operation (api.operationId, or OAuthOp) of
	// every request as it arrives, before it is served. It runs on the request's goroutine
	// and may block.
	OnRequest func(op string)
}

func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Employees == 0 {
		o.Employees = 30
	}
	if o.OrganisationName == "" {
		o.OrganisationName = "xerotest デモ株式会社"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Year == 0 && o.Month == 0 {
		y, m, _ := o.Now().In(tokyo).Date()
		last := model.NewDate(y, m, 0)
		o.Year, o.Month = last.Year, last.Month
	}
	defaults := []struct {
		v *string
		d string
	}{{&o.ClientID, "xerotest-client"}, {&o.ClientSecret, "xerotest-secret"}, {&o.RefreshToken, "xerotest-refresh-token"}, {&o.WebhookKey, "xerotest-webhook-key"}}
	for _, d := range defaults {
		if *d.v == "" {
			*d.v = d.d
		}
	}
	for _, d := range []struct {
		v *time.Duration
		d time.Duration
	}{{&o.AccessTokenTTL, 30 * time.Minute}, {&o.RefreshGrace, 30 * time.Minute}, {&o.RetryAfter, time.Second}, {&o.HoldTimeout, 2 * time.Minute}} {
		if *d.v == 0 {
			*d.v = d.d
		}
	}
	for _, d := range []struct {
		v *int
		d int
	}{{&o.MinuteLimit, DefaultMinuteLimit}, {&o.DayLimit, DefaultDayLimit}, {&o.ConcurrentLimit, DefaultConcurrentLimit}, {&o.AppMinuteLimit, DefaultAppMinuteLimit}} {
		if *d.v == 0 {
			*d.v = d.d
		}
	}
	switch {
	case o.Employees < 0 || o.Employees > MaxEmployees:
		return o, fmt.Errorf("Employees = %d: want 1..%d", o.Employees, MaxEmployees)
	case o.Month < time.January || o.Month > time.December:
		return o, fmt.Errorf("Month = %d: want 1..12", o.Month)
	case o.Year < 2000 || o.Year > 2100:
		return o, fmt.Errorf("Year = %d: want 2000..2100", o.Year)
	}
	return o, nil
}

// Server is a stateful fake of Xero: the accounting API under /api.xro/2.0, payroll UK under
// /payroll.xro/2.0, the identity connections at /Connections, and the OAuth token endpoint
// at /connect/token (identity.xero.com's, on the same host here). Start it on loopback, or
// use it as an http.Handler. It is safe for concurrent use.
type Server struct {
	opts   Options
	specs  *apiSpecs
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

	// idemMu serialises the requests that carry an Idempotency-Key, so that two sent at
	// once with one key make one record.
	idemMu sync.Mutex

	mu         sync.Mutex
	limits     map[string]*tenantLimits
	appMinute  window
	journals   []*ManualJournal
	timesheets []*Timesheet
	idem       map[string]*idemRecord
	requests   map[string]int
}

// New builds a sandbox from opts. It panics when opts are out of range or the descriptions
// cannot be loaded: both are programming errors, not conditions to handle.
func New(opts Options) *Server {
	opts, err := opts.withDefaults()
	if err != nil {
		panic("xerotest: " + err.Error())
	}
	specs, err := loadSpecs()
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts:      opts,
		specs:     specs,
		co:        newCompany(opts),
		faults:    sandboxkit.NewFaults("xerotest", faultNames),
		tokens:    newTokens(opts),
		limits:    map[string]*tenantLimits{},
		appMinute: window{limit: opts.AppMinuteLimit},
		idem:      map[string]*idemRecord{},
		requests:  map[string]int{},
	}
	s.mux = http.NewServeMux()
	ambiguous := map[string]bool{}
	for _, rt := range specs.routes {
		if rt.ambiguous {
			// The first route of a shape takes the requests of all of that shape.
			if key := rt.Method + " " + shape(rt.Pattern); !ambiguous[key] {
				ambiguous[key] = true
				s.mux.Handle(rt.Pattern, s.ambiguousHandler(rt))
			}
			continue
		}
		s.mux.Handle(rt.Pattern, s.apiHandler(rt, handlers[rt.Op]))
	}
	s.mux.HandleFunc("POST /connect/token", s.serveToken)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.send(w, notFound("xerotest: no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	return s
}

// Start listens on Options.Addr and serves in the background until Close.
func (s *Server) Start() error { return s.loop.Start("xerotest", s.opts.Addr, s) }

// URL is the sandbox's root, e.g. http://127.0.0.1:41234, once Start has run.
func (s *Server) URL() string { return s.loop.URL() }

// BaseURL is the host a client is configured with (as https://api.xero.com).
func (s *Server) BaseURL() string { return s.URL() }

// TokenURL is the OAuth token endpoint (as https://identity.xero.com/connect/token).
func (s *Server) TokenURL() string { return s.URL() + "/connect/token" }

// Close stops serving, drops open connections and releases requests held by FaultTimeout.
func (s *Server) Close() { s.loop.Close() }

// ServeHTTP serves the sandbox, for use with httptest or any other server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// TenantID is the demo organisation's tenant id.
func (s *Server) TenantID() string { return s.co.tenantID }

// Month returns the demo month's first and last days.
func (s *Server) Month() (first, last model.Date) { return s.co.first, s.co.last }

// Employees returns the demo organisation's employees, in code order.
func (s *Server) Employees() []Employee { return append([]Employee(nil), s.co.employees...) }

// EarningsRates returns the demo payroll's earnings rate ids.
func (s *Server) EarningsRates() EarningsRates { return s.co.earnings }

// Accounts returns the demo chart of accounts.
func (s *Server) Accounts() []Account { return append([]Account(nil), s.co.accounts...) }

// TaxRates returns the demo organisation's tax rates.
func (s *Server) TaxRates() []TaxRate { return append([]TaxRate(nil), s.co.taxRates...) }

// ExpenseClaims returns the demo expense claims.
func (s *Server) ExpenseClaims() []ExpenseClaim { return append([]ExpenseClaim(nil), s.co.claims...) }

// Requests counts the requests received by operation (and OAuthOp), whatever they were
// answered: faults, 401, 400, 403 and 429 included.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// Violations lists the requests, responses and webhook deliveries that broke their
// description so far. A client's tests should find it empty after their traffic.
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

// call is one validated request for one organisation.
type call struct {
	r      *http.Request
	tenant string
	body   []byte
	rt     *route
}

// handler serves one operation; the request is authenticated, valid and admitted.
type handler func(s *Server, c *call) reply

// apiHandler is the pipeline every API request goes through: count, faults, token, request
// validation, tenant, limits, Idempotency-Key, the operation (or 501), response validation.
func (s *Server) apiHandler(rt *route, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(rt.Op)
		kind, ok := s.faults.Take(rt.Op, r, true)
		switch {
		case ok && kind == FaultLostAnswer:
			s.serveAPI(r, rt, h)
			sandboxkit.ResetConnection(w)
		case ok:
			s.serveFault(w, r, kind)
		default:
			s.send(w, s.serveAPI(r, rt, h))
		}
	})
}

// ambiguousHandler answers the paths Xero's description declares twice: 501, unvalidated.
func (s *Server) ambiguousHandler(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(rt.Op)
		rep := notImplemented(rt)
		s.send(w, rep)
	})
}

func (s *Server) serveAPI(r *http.Request, rt *route, h handler) reply {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 8<<20))
	if err != nil {
		return invalid(rt.api, "body", "the body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := validator.Input(rt.Route, r)
	if rep, ok := s.authenticate(r); !ok {
		return rep
	}
	if err := validator.Request(r.Context(), in); err != nil {
		msg := openapikit.Message(err)
		s.violations.Record(Violation{Side: RequestSide, Op: rt.Op, Method: r.Method, Path: r.URL.Path, Err: msg})
		return invalid(rt.api, "request", msg)
	}
	c := &call{r: r, body: body, rt: rt}
	if rt.api == "identity" {
		return s.respond(r, rt, in, h, c)
	}
	c.tenant = r.Header.Get("xero-tenant-id")
	if c.tenant != s.co.tenantID {
		detail := "AuthorizationUnsuccessful"
		if _, other := s.co.others[c.tenant]; other {
			detail = "xerotest serves the demo organisation only; this tenant is listed by /Connections but holds nothing"
		}
		return forbidden(detail)
	}
	now := s.opts.Now()
	s.mu.Lock()
	limit, wait, q := s.admit(c.tenant, now)
	s.mu.Unlock()
	if limit != "" {
		rep := tooManyRequests(limit, wait)
		q.set(rep.header)
		rep.unchecked = true
		return rep
	}
	defer func() {
		s.mu.Lock()
		s.release(c.tenant)
		s.mu.Unlock()
	}()
	rep := s.idempotent(c, func() reply { return s.respond(r, rt, in, h, c) })
	if rep.header == nil {
		rep.header = http.Header{}
	}
	q.set(rep.header)
	return rep
}

// respond runs the operation and validates its reply.
func (s *Server) respond(r *http.Request, rt *route, in *openapi3filter.RequestValidationInput, h handler, c *call) reply {
	var rep reply
	if h == nil {
		rep = notImplemented(rt)
	} else {
		rep = h(s, c)
	}
	if s.mutateResponse != nil {
		s.mutateResponse(rt.Op, &rep)
	}
	if !rep.unchecked {
		if err := validateResponse(r.Context(), in, rep); err != nil {
			msg := openapikit.Message(err)
			s.violations.Record(Violation{Side: ResponseSide, Op: rt.Op, Method: r.Method, Path: r.URL.Path, Status: rep.status, Err: msg})
			if s.opts.Strict {
				rep = problemReply(http.StatusInternalServerError, "InternalServerError", "xerotest: the sandbox's response broke the description: "+msg)
			}
		}
	}
	return rep
}

// serveToken is the OAuth token endpoint. Faults reach it only when armed for it by name
// or path.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.count(OAuthOp)
	kind, ok := s.faults.Take(OAuthOp, r, false)
	switch {
	case ok && kind == FaultLostAnswer:
		s.token(r)
		sandboxkit.ResetConnection(w)
	case ok:
		s.serveFault(w, r, kind)
	default:
		s.send(w, s.token(r))
	}
}

// send writes rep with the headers every Xero response carries.
func (s *Server) send(w http.ResponseWriter, rep reply) {
	w.Header().Set("Xero-Correlation-Id", "xerotest-"+strconv.FormatUint(s.reqSeq.Add(1), 10))
	writeReply(w, rep)
}

// idemRecord is the first answer to an Idempotency-Key, and what it answered.
type idemRecord struct {
	// Request is a digest of the method, path, query and body the key was first sent with.
	Request [32]byte `json:"request"`
	Status  int      `json:"status"`
	Body    []byte   `json:"body"`
}

// maxIdempotencyKey is the longest key Xero takes.
const maxIdempotencyKey = 128

// idempotent serves a request that may carry an Idempotency-Key: a key seen before with the
// same request gets the first answer again, without running the operation a second time; a
// key seen with another request is refused. Only successful answers are kept, so a request
// that failed may be sent again with its key. Keys are per organisation.
func (s *Server) idempotent(c *call, serve func() reply) reply {
	key := c.r.Header.Get("Idempotency-Key")
	if key == "" {
		return serve()
	}
	if len(key) > maxIdempotencyKey {
		return invalid(c.rt.api, "Idempotency-Key", fmt.Sprintf("Idempotency-Key is %d characters; at most %d", len(key), maxIdempotencyKey))
	}
	s.idemMu.Lock()
	defer s.idemMu.Unlock()
	digest := sha256.Sum256([]byte(c.r.Method + " " + c.r.URL.Path + "?" + c.r.URL.RawQuery + "\n" + string(c.body)))
	id := c.tenant + "\x00" + key
	s.mu.Lock()
	prev, seen := s.idem[id]
	s.mu.Unlock()
	if seen {
		if prev.Request != digest {
			return invalid(c.rt.api, "Idempotency-Key", "this Idempotency-Key was used with a different request")
		}
		return reply{status: prev.Status, contentType: contentJSON, body: prev.Body, unchecked: true}
	}
	rep := serve()
	if rep.status >= 200 && rep.status < 300 {
		s.mu.Lock()
		s.idem[id] = &idemRecord{Request: digest, Status: rep.status, Body: rep.body}
		s.mu.Unlock()
	}
	return rep
}
