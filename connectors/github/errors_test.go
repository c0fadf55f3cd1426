package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
)

func isPermanent(err error) bool { return fault.Classify(err) == fault.KindPermanent }

func isStatus(err error, status int) bool {
	var pe *fault.PermanentError
	return errors.As(err, &pe) && pe.Status == status
}

// TestErrorPaths sends every service call against a server that answers each of GitHub's
// failures, and checks the typed error and how often the request was tried.
func TestErrorPaths(t *testing.T) {
	t.Parallel()
	calls := map[string]func(c *Client) error{
		"Issues.Create": func(c *Client) error {
			_, _, err := c.Issues.Create(t.Context(), "o", "r", &gh.IssueRequest{Title: gh.String("t")})
			return err
		},
		"Issues.Get": func(c *Client) error { _, _, err := c.Issues.Get(t.Context(), "o", "r", 1); return err },
		"Issues.ListByRepo": func(c *Client) error {
			_, _, err := c.Issues.ListByRepo(t.Context(), "o", "r", nil)
			return err
		},
		"Issues.CreateComment": func(c *Client) error {
			_, _, err := c.Issues.CreateComment(t.Context(), "o", "r", 1, &gh.IssueComment{Body: gh.String("b")})
			return err
		},
		"Issues.Edit": func(c *Client) error {
			_, _, err := c.Issues.Edit(t.Context(), "o", "r", 1, &gh.IssueRequest{State: gh.String("closed")})
			return err
		},
		"Repositories.GetContents": func(c *Client) error {
			_, _, _, err := c.Repositories.GetContents(t.Context(), "o", "r", "faq", nil)
			return err
		},
	}
	reset := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	for _, tc := range []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		kind    fault.Kind
		wait    time.Duration // for rate limits, at least
		message string
		// tries is how many requests reach the server for a GET and for a write.
		getTries, writeTries int32
	}{
		{name: "a 404 is permanent with GitHub's message", status: 404, body: `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`,
			kind: fault.KindPermanent, message: "Not Found", getTries: 1, writeTries: 1},
		{name: "a 422 is permanent and names the field", status: 422,
			body: `{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title"}]}`,
			kind: fault.KindPermanent, message: "Validation Failed; missing_field Issue.title", getTries: 1, writeTries: 1},
		{name: "a 401 is permanent", status: 401, body: `{"message":"Bad credentials"}`, kind: fault.KindPermanent, message: "Bad credentials", getTries: 1, writeTries: 1},
		{name: "a 403 permission error is permanent, not a throttle", status: 403,
			body: `{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue"}`,
			kind: fault.KindPermanent, message: "Resource not accessible", getTries: 1, writeTries: 1},
		{name: "a 410 (issues disabled) is permanent", status: 410, body: `{"message":"Issues are disabled for this repo"}`,
			kind: fault.KindPermanent, message: "Issues are disabled", getTries: 1, writeTries: 1},
		{name: "a 500 is transient, retried for a read and not for a write", status: 500, body: `{"message":"Server Error"}`,
			kind: fault.KindTransient, message: "Server Error", getTries: 5, writeTries: 1},
		{name: "a secondary limit with a long Retry-After is rate limited at once", status: 403, header: map[string]string{"Retry-After": "120"},
			body: `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`,
			kind: fault.KindRateLimited, wait: 119 * time.Second, getTries: 1, writeTries: 1},
		{name: "a secondary limit without Retry-After waits the minute GitHub asks for", status: 403,
			body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`,
			kind: fault.KindRateLimited, wait: 59 * time.Second, getTries: 1, writeTries: 1},
		{name: "the primary limit spent waits until its reset", status: 403,
			header: map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
			body:   `{"message":"API rate limit exceeded for user ID 1."}`,
			kind:   fault.KindRateLimited, wait: 59 * time.Minute, getTries: 1, writeTries: 1},
		{name: "a 429 with Retry-After is rate limited", status: 429, header: map[string]string{"Retry-After": "30"}, body: `{"message":"Too Many Requests"}`,
			kind: fault.KindRateLimited, wait: 29 * time.Second, getTries: 1, writeTries: 1},
		{name: "a body that is not JSON is transient", status: 200, body: `{"number":`, kind: fault.KindTransient, getTries: 1, writeTries: 1},
		{name: "a 202 (still computing) is transient", status: 202, body: ``, kind: fault.KindTransient, message: "still preparing", getTries: 1, writeTries: 1},
	} {
		for name, call := range calls {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				c, mux := setup(t)
				var hits atomic.Int32
				mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					for k, v := range tc.header {
						w.Header().Set(k, v)
					}
					writeJSON(w, tc.status, tc.body)
				})
				err := call(c)
				if err == nil {
					t.Fatal("no error")
				}
				if got := fault.Classify(err); got != tc.kind {
					t.Fatalf("err = %v: kind %v; want %v", err, got, tc.kind)
				}
				if tc.message != "" && !strings.Contains(err.Error(), tc.message) {
					t.Errorf("err = %v; want GitHub's message %q", err, tc.message)
				}
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("err = %v carries the token", err)
				}
				if tc.kind == fault.KindRateLimited {
					if wait, _ := fault.RetryAfter(err); wait < tc.wait {
						t.Errorf("retry after %v; want at least %v", wait, tc.wait)
					}
					// The connection now knows: the next call fails fast, without a request.
					before := hits.Load()
					if err := call(c); fault.Classify(err) != fault.KindRateLimited || hits.Load() != before {
						t.Errorf("the next call: %v after %d more requests; want rate limited without one", err, hits.Load()-before)
					}
				}
				want := tc.getTries
				if name != "Issues.Get" && name != "Issues.ListByRepo" && name != "Repositories.GetContents" {
					want = tc.writeTries
				}
				if tc.kind != fault.KindRateLimited && hits.Load() != want {
					t.Errorf("%d requests; want %d", hits.Load(), want)
				}
			})
		}
	}
}

func TestAQuotaSpentOnASuccessMakesTheNextCallFailFast(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/repos/o/r/issues/1", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(30*time.Minute).Unix(), 10))
		writeJSON(w, http.StatusOK, issueJSON)
	})
	if _, _, err := c.Issues.Get(t.Context(), "o", "r", 1); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Issues.Get(t.Context(), "o", "r", 1)
	wait, ok := fault.RetryAfter(err)
	if !ok || wait < 29*time.Minute || hits.Load() != 1 {
		t.Errorf("err = %v after %d requests; want rate limited until the reset, without a request", err, hits.Load())
	}
}

func TestWritesArePacedAndAShortDeadlineIsRateLimited(t *testing.T) {
	t.Parallel()
	c, mux := setup(t, WithWriteInterval(time.Hour))
	mux.HandleFunc("/repos/o/r/issues/1/comments", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, `{"id":1}`)
	})
	mux.HandleFunc("/repos/o/r/issues/1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, issueJSON) })
	comment := func(ctx context.Context) error {
		_, _, err := c.Issues.CreateComment(ctx, "o", "r", 1, &gh.IssueComment{Body: gh.String("b")})
		return err
	}
	if err := comment(t.Context()); err != nil {
		t.Fatalf("the first write goes at once: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	err := comment(ctx)
	if wait, ok := fault.RetryAfter(err); !ok || wait < 59*time.Minute {
		t.Errorf("a write due in an hour with a deadline in a second: %v; want rate limited with the wait", err)
	}
	if _, _, err := c.Issues.Get(t.Context(), "o", "r", 1); err != nil {
		t.Errorf("reads are not paced: %v", err)
	}
}

func TestTyped(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodGet, "https://api.github.com/repos/o/r/issues?labels=x", nil)
	resp := func(status int) *http.Response { return &http.Response{StatusCode: status, Request: req} }
	minute, zero := time.Minute, time.Duration(0)
	reset := gh.Timestamp{Time: time.Now().Add(10 * time.Minute)}
	for _, tc := range []struct {
		name string
		err  error
		kind fault.Kind
		wait time.Duration
	}{
		{"go-github's RateLimitError waits until the reset", &gh.RateLimitError{Rate: gh.Rate{Reset: reset}, Response: resp(403), Message: "API rate limit of 5000 still exceeded"}, fault.KindRateLimited, 9 * time.Minute},
		{"an AbuseRateLimitError waits its Retry-After", &gh.AbuseRateLimitError{Response: resp(403), RetryAfter: &minute}, fault.KindRateLimited, minute},
		{"an AbuseRateLimitError without one waits a minute", &gh.AbuseRateLimitError{Response: resp(403), RetryAfter: &zero}, fault.KindRateLimited, minute},
		{"an ErrorResponse 404 is permanent", &gh.ErrorResponse{Response: resp(404), Message: "Not Found"}, fault.KindPermanent, 0},
		{"an ErrorResponse 429 is rate limited", &gh.ErrorResponse{Response: resp(429)}, fault.KindRateLimited, minute},
		{"an ErrorResponse 503 is transient", &gh.ErrorResponse{Response: resp(503)}, fault.KindTransient, 0},
		{"an AcceptedError is transient", &gh.AcceptedError{}, fault.KindTransient, 0},
		{"the transport's permanent error comes out of url.Error", &url.Error{Op: "Get", URL: req.URL.String(), Err: &fault.PermanentError{Op: "github: GET /x", Status: 404}}, fault.KindPermanent, 0},
		{"the transport's transient error stays transient", &url.Error{Op: "Get", URL: req.URL.String(), Err: &httpx.StatusError{Op: "github: GET /x", Status: 502}}, fault.KindTransient, 0},
		{"a path with .. is permanent", fmt.Errorf("x: %w", gh.ErrPathForbidden), fault.KindPermanent, 0},
		{"anything else is transient", errors.New("unexpected EOF"), fault.KindTransient, 0},
	} {
		got := Typed(tc.err)
		if fault.Classify(got) != tc.kind {
			t.Errorf("%s: %v is %v; want %v", tc.name, got, fault.Classify(got), tc.kind)
		}
		if wait, _ := fault.RetryAfter(got); tc.kind == fault.KindRateLimited && wait < tc.wait {
			t.Errorf("%s: wait %v; want at least %v", tc.name, wait, tc.wait)
		}
		if strings.Contains(got.Error(), "labels=x") {
			t.Errorf("%s: %q repeats the query", tc.name, got)
		}
	}
	if Typed(nil) != nil {
		t.Error("Typed(nil) is not nil")
	}
}
