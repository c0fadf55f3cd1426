package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"
	"golang.org/x/time/rate"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

const (
	// Vendor is the connector's name in hub.yaml.
	Vendor = "github"
	// DefaultBaseURL is GitHub.com's REST API root.
	DefaultBaseURL = "https://api.github.com/"
	// DefaultWriteInterval is the pause GitHub asks for between requests that create or
	// change content ("wait at least one second between each request"):
	// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#pause-between-mutative-requests
	DefaultWriteInterval = time.Second
	userAgent            = "urakata go-github/" + gh.Version
)

// Client talks to GitHub for one connection. It is go-github's client, whose transport is
// the connection's httpx.Client: go-github builds the requests and decodes the answers,
// httpx applies the limits and retries and types the errors. The services below are the
// operations urakata uses, each named with its //meta:operation and returning errors as
// package fault types them.
type Client struct {
	// GitHub is go-github's client, for calls the services do not cover. Its errors are
	// go-github's; Typed turns them into fault types.
	GitHub *gh.Client

	common service

	// Issues files, lists, comments on and closes issues.
	Issues *IssuesService
	// Repositories reads repository contents.
	Repositories *RepositoriesService
}

type service struct{ client *Client }

// ClientOption adjusts NewClient.
type ClientOption func(*transport)

// WithWriteInterval sets the pause between requests that create or change content
// (default DefaultWriteInterval); 0 removes it, for tests and sandboxes.
func WithWriteInterval(d time.Duration) ClientOption {
	return func(t *transport) {
		t.writes = nil
		if d > 0 {
			t.writes = rate.NewLimiter(rate.Every(d), 1)
		}
	}
}

// NewClient returns a client for the API at baseURL that sends every request through hc
// with token. An empty baseURL or DefaultBaseURL means GitHub.com; any other is a GitHub
// Enterprise Server, set with go-github's WithEnterpriseURLs, which adds "api/v3/" unless
// the URL already ends so or its host starts with "api.".
func NewClient(hc *httpx.Client, token secrets.Secret, baseURL string, opts ...ClientOption) (*Client, error) {
	if token.IsZero() {
		return nil, fmt.Errorf("%s: no token", Vendor)
	}
	t := &transport{http: hc}
	WithWriteInterval(DefaultWriteInterval)(t)
	for _, o := range opts {
		o(t)
	}
	g := gh.NewClient(&http.Client{Transport: t}).WithAuthToken(token.Reveal())
	g.UserAgent = userAgent
	if baseURL != "" && strings.TrimSuffix(baseURL, "/") != strings.TrimSuffix(DefaultBaseURL, "/") {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s: base URL %q is not an absolute http(s) URL", Vendor, baseURL)
		}
		if g, err = g.WithEnterpriseURLs(baseURL, baseURL); err != nil {
			return nil, fmt.Errorf("%s: base URL %q: %w", Vendor, baseURL, err)
		}
	}
	c := &Client{GitHub: g}
	c.common.client = c
	c.Issues = (*IssuesService)(&c.common)
	c.Repositories = (*RepositoriesService)(&c.common)
	return c, nil
}

// transport is go-github's http.RoundTripper: every request goes through the connection's
// httpx.Client, so its limiter, retries and typed errors apply to go-github's calls.
type transport struct {
	http *httpx.Client
	// writes spaces the requests that create or change content; nil: no spacing.
	writes *rate.Limiter
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.writes != nil && mutating(req.Method) {
		if err := wait(req.Context(), t.writes, "github: "+req.Method+" "+req.URL.Path); err != nil {
			return nil, err
		}
	}
	resp, err := t.http.Do(req.Context(), req)
	if err != nil {
		// httpx has read and kept the body of any answer; the typed error is what counts.
		return nil, err
	}
	return resp.Response, nil
}

func mutating(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// wait takes a token from l, or says RateLimited at once when the caller's deadline would
// pass first, as httpx does for its own limiter.
func wait(ctx context.Context, l *rate.Limiter, op string) error {
	now := time.Now()
	return httpx.Wait(ctx, l.ReserveN(now, 1), now, op, "write-interval")
}

// secondaryWait is how long to wait after a secondary rate limit that names no time: GitHub
// says "wait for at least one minute before retrying".
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
const secondaryWait = time.Minute

// Typed returns err as package fault types it, for errors from go-github's client:
//
//   - what the transport typed (a fault.PermanentError, fault.RateLimitedError or
//     httpx.StatusError), unwrapped from net/http's *url.Error, whose text would repeat
//     the URL with its query;
//   - go-github's *RateLimitError (it refuses to call before a known reset) and
//     *AbuseRateLimitError (a secondary limit) as fault.RateLimitedError;
//   - a go-github *ErrorResponse (an answer that reached go-github unclassified) by status:
//     429 rate limited, 5xx and 408 transient, other 4xx permanent;
//   - *AcceptedError (202: GitHub is still computing) transient;
//   - anything else (a body that does not decode) as it is, transient.
func Typed(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	}
	var (
		rl  *gh.RateLimitError
		ab  *gh.AbuseRateLimitError
		acc *gh.AcceptedError
		er  *gh.ErrorResponse
	)
	switch {
	case errors.As(err, &rl):
		op := Vendor + ": " + requestOp(rl.Response)
		return &fault.RateLimitedError{Op: op, RetryAfter: max(time.Until(rl.Rate.Reset.Time), 0), Scope: "primary", Err: errors.New(rl.Message)}
	case errors.As(err, &ab):
		wait := secondaryWait
		if ab.RetryAfter != nil && *ab.RetryAfter > 0 {
			wait = *ab.RetryAfter
		}
		return &fault.RateLimitedError{Op: Vendor + ": " + requestOp(ab.Response), RetryAfter: wait, Scope: "secondary", Err: errors.New(ab.Message)}
	case errors.As(err, &acc):
		return &httpx.StatusError{Op: Vendor, Status: http.StatusAccepted, Message: "GitHub is still preparing the answer; ask again later"}
	case errors.As(err, &er):
		op, status := Vendor+": "+requestOp(er.Response), 0
		if er.Response != nil {
			status = er.Response.StatusCode
		}
		msg := er.Message
		if msg == "" {
			msg = http.StatusText(status)
		}
		switch {
		case status == http.StatusTooManyRequests:
			return &fault.RateLimitedError{Op: op, RetryAfter: secondaryWait, Scope: "throttle-429", Err: errors.New(msg)}
		case status >= 500, status == http.StatusRequestTimeout:
			return &httpx.StatusError{Op: op, Status: status, Message: msg}
		}
		return &fault.PermanentError{Op: op, Status: status, Message: msg}
	case errors.Is(err, gh.ErrPathForbidden):
		return fault.Permanent(Vendor, err)
	}
	return err
}

// requestOp names a request as httpx does ("GET /repos/…"), without its query.
func requestOp(r *http.Response) string {
	if r == nil || r.Request == nil || r.Request.URL == nil {
		return "request"
	}
	return r.Request.Method + " " + r.Request.URL.Path
}
