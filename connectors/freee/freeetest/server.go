package freeetest

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
	"github.com/urakata/urakata/shared/model"
)

// Options configure a sandbox. The zero value is a usable demo company of 30 employees for
// last month, rate-limited like freee.
type Options struct {
	// Addr is where Start listens; default 127.0.0.1:0 (a free port on loopback).
	Addr string

	// Seed makes the company: the same seed (and the same other options) gives the same
	// employees and the same punches, on every run and every machine.
	Seed int64
	// CompanyID is the freee company (事業所) id; default 1.
	CompanyID int
	// CompanyName defaults to "freeetest デモ株式会社".
	CompanyName string
	// Employees is the head count; default 30, at most MaxEmployees.
	Employees int
	// Year and Month are the demo month: attendance exists up to its last day (the
	// sandbox's "today", unless Through goes further) and a time-clock query without dates
	// covers it. Default: the month before Now in Asia/Tokyo, a closed month as payroll wants.
	Year  int
	Month time.Month
	// Through, when after the demo month, extends the demo company's attendance past it up
	// to and including this date: the month in progress, for the flows that count it (the
	// 36協定 guard, the chat bot's "今月の残業は?"). Its days come from the same generator
	// as the demo month's, from the seed alone, so a saved state loads whatever Through is;
	// after the demo month, the first two ProfileOvertime employees work late every weekday
	// (see ProfileOvertime). Zero, or a date on or before the demo month's last day, extends
	// nothing. `urakata dev` passes yesterday in Asia/Tokyo.
	Through model.Date

	// ClientID and ClientSecret are the OAuth client the token endpoint accepts; default
	// "freeetest-client" and "freeetest-secret".
	ClientID     string
	ClientSecret string
	// RefreshToken is the first refresh token the token endpoint accepts (once, as freee's
	// are single-use); default "freeetest-refresh-token".
	RefreshToken string
	// AccessTokenTTL is how long an access token lives; default freee's 6 h (expires_in 21600).
	AccessTokenTTL time.Duration

	// RateLimit is the requests allowed per clock hour; 0 means freee HR's DefaultRateLimit
	// and NoRateLimit turns the limit off.
	RateLimit int
	// RetryAfter is what FaultRateLimited puts in Retry-After; default 1 s.
	RetryAfter time.Duration
	// HoldTimeout bounds how long FaultTimeout holds a request; default 2 min.
	HoldTimeout time.Duration

	// Strict turns a response that breaks hr.json into a 500, so it cannot go unnoticed.
	Strict bool
	// Now is the clock for token expiry and rate-limit windows; default time.Now.
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
		o.CompanyName = "freeetest デモ株式会社"
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
	if o.ClientID == "" {
		o.ClientID = "freeetest-client"
	}
	if o.ClientSecret == "" {
		o.ClientSecret = "freeetest-secret"
	}
	if o.RefreshToken == "" {
		o.RefreshToken = "freeetest-refresh-token"
	}
	if o.AccessTokenTTL == 0 {
		o.AccessTokenTTL = 6 * time.Hour
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
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
		return o, fmt.Errorf("Year = %d: want 2000..2100, as hr.json", o.Year)
	case o.CompanyID < 0:
		return o, fmt.Errorf("CompanyID = %d: want a positive int32", o.CompanyID)
	}
	if o.Through.IsZero() {
		return o, nil
	}
	if d := o.Through; d != model.NewDate(d.Year, d.Month, d.Day) || d.Year > 2100 {
		return o, fmt.Errorf("Through = %04d-%02d-%02d: want a calendar date up to 2100-12-31, as hr.json", d.Year, int(d.Month), d.Day)
	}
	if last := lastClockDate(o); o.Through.After(last) {
		return o, fmt.Errorf("Through = %s: with %d employees, time-clock ids (freee's int32) reach only to %s; want an earlier Through or fewer employees",
			o.Through, o.Employees, last)
	}
	return o, nil
}

// Validate reports what New would refuse in opts (defaults filled in first), for a caller
// that builds them from a user's flags and wants an error rather than a panic.
func (o Options) Validate() error {
	if _, err := o.withDefaults(); err != nil {
		return fmt.Errorf("freeetest: %w", err)
	}
	return nil
}

// Server is a stateful fake of the freee 人事労務 API: the HR API under /hr, the OAuth
// token endpoint at /public_api/token. Start it on loopback, or use it as an http.Handler
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

	mu        sync.Mutex
	rate      rateWindow
	summaries map[monthKey]Summary
	puts      map[monthKey]int
	overrides map[dayKey]Day
	grants    map[int]LeaveBalance
	// departments holds the departments SetDepartment changed; the zero one is none.
	departments map[int]Department
	requests    map[string]int
}

type monthKey struct {
	employee, year int
	month          time.Month
}

// New builds a sandbox from opts. It panics when opts are out of range or hr.json cannot be
// loaded: both are programming errors, not conditions to handle.
func New(opts Options) *Server {
	opts, err := opts.withDefaults()
	if err != nil {
		panic("freeetest: " + err.Error())
	}
	spec, err := loadSpec()
	if err != nil {
		panic(err)
	}
	s := &Server{
		opts:        opts,
		spec:        spec,
		co:          newCompany(opts),
		faults:      sandboxkit.NewFaults("freeetest", faultNames),
		tokens:      newTokens(opts),
		rate:        rateWindow{limit: opts.RateLimit},
		summaries:   map[monthKey]Summary{},
		puts:        map[monthKey]int{},
		overrides:   map[dayKey]Day{},
		grants:      map[int]LeaveBalance{},
		departments: map[int]Department{},
		requests:    map[string]int{},
	}
	s.mux = http.NewServeMux()
	for _, rt := range spec.routes {
		s.mux.Handle(rt.Pattern, s.apiHandler(rt, handlers[rt.Op]))
	}
	s.mux.HandleFunc("POST /public_api/token", s.serveToken)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.send(w, notFound("freeetest: no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	return s
}

// Start listens on Options.Addr and serves in the background until Close.
func (s *Server) Start() error { return s.loop.Start("freeetest", s.opts.Addr, s) }

// URL is the sandbox's root, e.g. http://127.0.0.1:41234, once Start has run.
func (s *Server) URL() string { return s.loop.URL() }

// BaseURL is the HR API base a client is configured with (URL()+"/hr", as
// https://api.freee.co.jp/hr).
func (s *Server) BaseURL() string { return s.URL() + apiPrefix }

// TokenURL is the OAuth token endpoint (as https://accounts.secure.freee.co.jp/public_api/token).
func (s *Server) TokenURL() string { return s.URL() + "/public_api/token" }

// Close stops serving, drops open connections and releases requests held by FaultTimeout.
func (s *Server) Close() { s.loop.Close() }

// ServeHTTP serves the sandbox, for use with httptest or any other server.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// CompanyID is the demo company's freee id.
func (s *Server) CompanyID() int { return s.co.id }

// Month returns the demo month's first and last days.
func (s *Server) Month() (first, last model.Date) { return s.co.first, s.co.last }

// Through is the last day the demo company has attendance: Options.Through when it goes
// past the demo month, else the demo month's last day.
func (s *Server) Through() model.Date { return s.co.through }

// Employees returns the demo company's employees, in id order, with the departments
// SetDepartment changed.
func (s *Server) Employees() []Employee {
	out := append([]Employee(nil), s.co.employees...)
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, d := range s.departments {
		out[id-firstEmployeeID].Department = d
	}
	return out
}

// Employee returns one employee by freee id, with the department SetDepartment changed.
func (s *Server) Employee(id int) (Employee, bool) {
	e, ok := s.co.employee(id)
	if !ok {
		return Employee{}, false
	}
	return s.withDepartment(*e), true
}

// Attendance returns an employee's day as the API serves it: generated, or as set by
// SetDay, with its minutes computed (the weekly 40 h rule included).
func (s *Server) Attendance(employeeID int, date model.Date) (Day, bool) {
	e, ok := s.co.employee(employeeID)
	if !ok {
		return Day{}, false
	}
	return s.days(e, date, date)[0], true
}

// SetDay replaces an employee's generated day, e.g. to forget a clock-out or move a punch
// after a first sync. Date, Pattern, punches and leave are taken from d; minutes are
// recomputed. Dates after the demo month (after Options.Through when that extends it), or
// too far back for ids, are refused.
func (s *Server) SetDay(employeeID int, d Day) error {
	e, ok := s.co.employee(employeeID)
	if !ok {
		return fmt.Errorf("freeetest: set day: no employee %d", employeeID)
	}
	if d.Date.After(s.co.through) || d.Date.Before(s.co.clockBase) {
		return fmt.Errorf("freeetest: set day %s: outside %s..%s", d.Date, s.co.clockBase, s.co.through)
	}
	if len(d.Breaks) > maxClocksPerDay/2-1 {
		return fmt.Errorf("freeetest: set day %s: at most %d breaks", d.Date, maxClocksPerDay/2-1)
	}
	if d.Pattern == "" {
		d.Pattern = patternOf(d.Date)
	}
	d.Breaks = append([]model.Interval(nil), d.Breaks...)
	d.Minutes = Minutes{}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides[dayKey{e.ID, d.Date}] = d
	return nil
}

// Summary returns the work-record summary last written with PUT for an employee and month,
// every field as stored (omitted fields are 0); ok is false when none was written.
func (s *Server) Summary(employeeID, year int, month time.Month) (Summary, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum, ok := s.summaries[monthKey{employeeID, year, month}]
	return sum, ok
}

// PutCount is how many PUTs of an employee's month summary succeeded.
func (s *Server) PutCount(employeeID, year int, month time.Month) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts[monthKey{employeeID, year, month}]
}

// Requests counts the requests received by operationId (and OAuthOp), whatever they were
// answered: faults, 401, 400 and 429 included.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// Violations lists the requests and responses that broke hr.json so far. A client's tests
// should find it empty after their traffic.
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

// handler serves one operation; the request is already authenticated and valid.
type handler func(s *Server, c *call) reply

// apiHandler is the pipeline every HR API request goes through: count, faults, token,
// rate limit, request validation, the operation (or 501), response validation.
func (s *Server) apiHandler(rt *route, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(rt.Op)
		if kind, ok := s.faults.Take(rt.Op, r, true); ok {
			s.serveFault(w, r, kind, true)
			return
		}
		s.send(w, s.serveAPI(r, rt, h))
	})
}

func (s *Server) serveAPI(r *http.Request, rt *route, h handler) reply {
	in := validator.Input(rt, r)
	rep, ok := s.authenticate(r)
	var st rateState
	s.mu.Lock()
	if ok {
		if st, ok = s.rate.take(s.opts.Now()); !ok {
			rep = tooManyRequests()
		}
	} else {
		st = s.rate.peek(s.opts.Now())
	}
	s.mu.Unlock()
	if ok {
		if err := validator.Request(r.Context(), in); err != nil {
			msg := openapikit.Message(err)
			s.violations.Record(Violation{Side: RequestSide, Op: rt.Op, Method: r.Method, Path: r.URL.Path, Err: msg})
			rep = badRequest(msg)
		} else if h == nil {
			rep = notImplemented(rt)
		} else {
			rep = h(s, &call{r: r})
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
					"freeetest: the sandbox's response broke hr.json: "+msg)
			}
		}
	}
	rep.header = withRate(rep.header, st)
	return rep
}

// serveToken is the OAuth token endpoint. Faults reach it only when armed for it by name
// or path.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.count(OAuthOp)
	if kind, ok := s.faults.Take(OAuthOp, r, false); ok {
		s.serveFault(w, r, kind, false)
		return
	}
	s.send(w, s.token(r))
}

// send writes rep with the headers every freee response carries.
func (s *Server) send(w http.ResponseWriter, rep reply) {
	w.Header().Set("X-Request-Id", "freeetest-"+strconv.FormatUint(s.reqSeq.Add(1), 10))
	writeReply(w, rep)
}

func withRate(h http.Header, st rateState) http.Header {
	if st.limit <= 0 {
		return h
	}
	if h == nil {
		h = http.Header{}
	}
	st.set(h)
	return h
}
