package kingoftimetest

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// DefaultToken is the access token the sandbox accepts unless Options.Tokens says others.
const DefaultToken = "kingoftimetest-token"

// DefaultRateLimit is the requests allowed per rolling RateWindow: the only figure in
// circulation (a third-party guide's 500 per five minutes), since KOT publishes none.
const DefaultRateLimit = 500

// NoRateLimit turns the throttle off (Options.RateLimit).
const NoRateLimit = -1

// Options configure a sandbox. The zero value is a usable demo company of 30 employees for
// last month, with KOT's restricted hours and a throttle.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port on loopback).
	Addr string

	// Seed makes the company: the same seed and options give the same employees, keys and
	// punches on every run and every machine.
	Seed int64
	// Employees is the head count; default 30, at most MaxEmployees. Employee i gets the
	// code and email of DemoPerson(i), as every urakata sandbox's demo company does.
	Employees int
	// People, when given, are the employees' codes and emails (and the head count), for a
	// demo that must match another system's people.
	People []Person
	// Year and Month are the demo month: punches exist up to its last day. Default: the
	// month before Now in Japan, a closed month as payroll wants.
	Year  int
	Month time.Month

	// Tokens are the access tokens accepted; default DefaultToken.
	Tokens []string

	// Windows are the restricted hours, in which every API but the token ones and punching
	// in answers 403 code 104; default KOT's 08:30–10:00 and 17:30–18:30 JST. Read on Now.
	Windows []hub.Window
	// NoRestrictedHours switches the windows off (tests, `urakata dev`).
	NoRestrictedHours bool

	// RateLimit is the requests allowed per rolling RateWindow, beyond which KOT's throttle
	// answers; 0 means DefaultRateLimit and NoRateLimit turns it off.
	RateLimit  int
	RateWindow time.Duration
	// ThrottleStatus is the status sent with code 303, which KOT does not document;
	// default 429.
	ThrottleStatus int
	// RetryAfter is what FaultRateLimited puts in Retry-After; default 1 s.
	RetryAfter time.Duration
	// HoldTimeout bounds how long FaultTimeout holds a request; default 2 min.
	HoldTimeout time.Duration

	// Strict turns a response that breaks the description into a 500, so it cannot go
	// unnoticed.
	Strict bool
	// Now is the clock for the restricted hours, "today" and the throttle; default time.Now.
	Now func() time.Time
	// OnRequest, when set, is called with the operationId of every request as it arrives,
	// before it is served. It runs on the request's goroutine and may block.
	OnRequest func(op string)
}

func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Employees == 0 {
		o.Employees = 30
	}
	if len(o.People) > 0 {
		o.Employees = len(o.People)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Year == 0 && o.Month == 0 {
		last := model.DateOf(o.Now(), jst)
		last = model.NewDate(last.Year, last.Month, 0)
		o.Year, o.Month = last.Year, last.Month
	}
	if len(o.Tokens) == 0 {
		o.Tokens = []string{DefaultToken}
	}
	if o.Windows == nil {
		o.Windows = []hub.Window{
			{Start: "08:30", End: "10:00", Zone: jst, Reason: "restricted hours"},
			{Start: "17:30", End: "18:30", Zone: jst, Reason: "restricted hours"},
		}
	}
	if o.NoRestrictedHours {
		o.Windows = []hub.Window{}
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.RateWindow == 0 {
		o.RateWindow = 5 * time.Minute
	}
	if o.ThrottleStatus == 0 {
		o.ThrottleStatus = http.StatusTooManyRequests
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
	case o.ThrottleStatus < 400 || o.ThrottleStatus > 599:
		return o, fmt.Errorf("ThrottleStatus = %d: want an error status", o.ThrottleStatus)
	}
	codes := map[string]bool{}
	for _, p := range o.People {
		if p.Code == "" || codes[p.Code] {
			return o, fmt.Errorf("People: employee code %q is empty or repeated", p.Code)
		}
		codes[p.Code] = true
	}
	for _, w := range o.Windows {
		if err := w.Validate(); err != nil {
			return o, fmt.Errorf("Windows: %w", err)
		}
	}
	return o, nil
}

// Server is a stateful fake of the KING OF TIME WebAPI under /v1.0. Start it on loopback,
// or use it as an http.Handler (httptest.NewServer(s)). It is safe for concurrent use.
type Server struct {
	opts    Options
	spec    *apiSpec
	co      *company
	windows []hub.Window
	mux     *http.ServeMux
	loop    sandboxkit.Loopback
	faults  *sandboxkit.Faults[FaultKind]
	// mutateResponse lets the package's tests break a response on purpose, to prove the
	// response validator catches it.
	mutateResponse func(op string, rep *reply)
	violations     openapikit.Recorder[Violation]

	mu        sync.Mutex
	tokens    map[string]bool // token → active
	issued    int
	throttle  rolling
	overrides map[dayKey]Day
	grants    map[string]grant // employee key → the paid leave SetPaidLeaveGrant set
	requests  map[string]int
}

type dayKey struct {
	key  string
	date model.Date
}

// New builds a sandbox from opts. It panics when opts are out of range or the description
// cannot be loaded: both are programming errors, not conditions to handle.
func New(opts Options) *Server {
	opts, err := opts.withDefaults()
	if err != nil {
		panic("kingoftimetest: " + err.Error())
	}
	spec, err := loadSpec()
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts:      opts,
		spec:      spec,
		co:        newCompany(opts),
		windows:   opts.Windows,
		faults:    sandboxkit.NewFaults("kingoftimetest", faultNames),
		tokens:    map[string]bool{},
		throttle:  rolling{limit: opts.RateLimit, window: opts.RateWindow},
		overrides: map[dayKey]Day{},
		grants:    map[string]grant{},
		requests:  map[string]int{},
	}
	for _, t := range opts.Tokens {
		s.tokens[t] = true
	}
	s.mux = http.NewServeMux()
	for _, rt := range spec.routes {
		s.mux.Handle(rt.Pattern, s.apiHandler(rt, handlers[rt.Op]))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.send(w, notFound("kingoftimetest: no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	return s
}

// Start listens on Options.Addr and serves in the background until Close.
func (s *Server) Start() error { return s.loop.Start("kingoftimetest", s.opts.Addr, s) }

// URL is the sandbox's root, e.g. http://127.0.0.1:41234, once Start has run.
func (s *Server) URL() string { return s.loop.URL() }

// BaseURL is the API base a client is configured with (URL()+"/v1.0", as
// https://api.kingtime.jp/v1.0).
func (s *Server) BaseURL() string { return s.URL() + apiPrefix }

// Close stops serving, drops open connections and releases requests held by FaultTimeout.
func (s *Server) Close() { s.loop.Close() }

// ServeHTTP serves the sandbox, for use with httptest or any other server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Month returns the demo month's first and last days.
func (s *Server) Month() (first, last model.Date) { return s.co.first, s.co.last }

// Employees returns the demo company's employees, employee i at index i.
func (s *Server) Employees() []Employee { return slices.Clone(s.co.employees) }

// Employee returns one employee by key.
func (s *Server) Employee(key string) (Employee, bool) {
	e, ok := s.co.byKey[key]
	if !ok {
		return Employee{}, false
	}
	return *e, true
}

// Attendance returns an employee's day as the API serves it: generated, or as changed by
// SetDay or a punch.
func (s *Server) Attendance(key string, date model.Date) (Day, bool) {
	e, ok := s.co.byKey[key]
	if !ok {
		return Day{}, false
	}
	return s.day(e, date), true
}

// SetDay replaces an employee's day, e.g. to forget a clock-out or move a punch after a
// first sync. Punches are kept in time order.
func (s *Server) SetDay(key string, d Day) error {
	e, ok := s.co.byKey[key]
	if !ok {
		return fmt.Errorf("kingoftimetest: set day: no employee %s", key)
	}
	if d.Date.IsZero() {
		return errors.New("kingoftimetest: set day: the day has no date")
	}
	if d.Kind == "" {
		d.Kind = kindOf(d.Date)
	}
	d.Punches = slices.Clone(d.Punches)
	slices.SortStableFunc(d.Punches, func(a, b Punch) int { return a.Time.Compare(b.Time) })
	d.Leave = slices.Clone(d.Leave)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides[dayKey{e.Key, d.Date}] = d
	return nil
}

// day is the day as set by SetDay or a punch, or as generated.
func (s *Server) day(e *Employee, d model.Date) Day {
	s.mu.Lock()
	o, ok := s.overrides[dayKey{e.Key, d}]
	s.mu.Unlock()
	if ok {
		return o
	}
	return s.co.plan(e, d)
}

// Requests counts the requests received by operationId, whatever they were answered.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// Violations lists the requests and responses that broke the description so far. A
// client's tests should find it empty after their traffic.
func (s *Server) Violations() []Violation {
	return s.violations.List()
}

// TokenActive reports whether token is accepted now (it may have been refreshed or
// suspended through the token APIs).
func (s *Server) TokenActive(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[token]
}

func (s *Server) count(op string) {
	s.mu.Lock()
	s.requests[op]++
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(op)
	}
}

// today is the sandbox's date in Japan.
func (s *Server) today() model.Date { return model.DateOf(s.opts.Now(), jst) }

// handler serves one operation; the request is already authenticated and valid.
type handler func(s *Server, c *call) reply

// apiHandler is the pipeline every request goes through: count, faults, token, restricted
// hours, throttle, request validation, the operation (or 501), response validation.
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
	now := s.opts.Now()
	if ok && !exempt(rt) {
		if _, closed := hub.ClosedUntil(s.windows, now); closed {
			rep, ok = s.restrictedHours(), false
		}
	}
	if ok {
		s.mu.Lock()
		allowed := s.throttle.take(now)
		s.mu.Unlock()
		if !allowed {
			rep, ok = s.tooManyRequests(), false
		}
	}
	if ok {
		if err := validator.Request(r.Context(), in); err != nil {
			msg := openapikit.Message(err)
			s.violations.Record(Violation{Side: RequestSide, Op: rt.Op, Method: r.Method, Path: r.URL.Path, Err: msg})
			rep = badRequest(msg)
		} else if h == nil {
			rep = notImplemented(rt)
		} else {
			rep = h(s, &call{r: r, rt: rt})
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
				rep = errorList(http.StatusInternalServerError, CodeServerError,
					"kingoftimetest: the sandbox's response broke the description: "+msg)
			}
		}
	}
	return rep
}

// exempt reports whether KOT serves rt in its restricted hours: the access-token APIs and
// punching in.
func exempt(rt *route) bool {
	return strings.HasPrefix(rt.Path, "/tokens/") || rt.Op == "RegisterDailyWorkingTimerecord"
}

// authenticate accepts "Authorization: Bearer <token>" with an active token; anything else
// is KOT's 403 code 100.
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return authFailed(), false
	}
	s.mu.Lock()
	active := s.tokens[token]
	s.mu.Unlock()
	if !active {
		return authFailed(), false
	}
	return reply{}, true
}

// send writes rep.
func (s *Server) send(w http.ResponseWriter, rep reply) { writeReply(w, rep) }

// rolling counts requests over a rolling window, as the third-party guide describes KOT's
// limit.
type rolling struct {
	limit  int
	window time.Duration
	hits   []time.Time
}

// take records a request at now and reports whether it is within the limit.
func (r *rolling) take(now time.Time) bool {
	if r.limit <= 0 {
		return true
	}
	cut := 0
	for cut < len(r.hits) && !r.hits[cut].After(now.Add(-r.window)) {
		cut++
	}
	r.hits = r.hits[cut:]
	if len(r.hits) >= r.limit {
		return false
	}
	r.hits = append(r.hits, now)
	return true
}
