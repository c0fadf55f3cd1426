package kingoftime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

const (
	// Vendor is the connector's name in hub.yaml.
	Vendor = "kingoftime"
	// DefaultBaseURL is the KING OF TIME WebAPI root. Public code also shows .../v1 and
	// api.ta.kingtime.jp hosts; neither is the vendor's.
	DefaultBaseURL = "https://api.kingtime.jp/v1.0"
	userAgent      = "urakata"
)

// Client talks to the KING OF TIME WebAPI for one connection. Its services share one
// httpx.Client, so they share the connection's limiter and throttle state.
type Client struct {
	http  *httpx.Client
	token secrets.Secret
	// BaseURL is the API root, with a trailing slash; requests are resolved against it.
	BaseURL *url.URL
	// Windows are the daily spans in which KOT refuses calls (RestrictedHours by default):
	// a call inside one fails fast with a *fault.RateLimitedError, without a request. Set
	// it to nil for a server that has none.
	Windows []hub.Window
	// Now is the clock the windows are read on (time.Now by default).
	Now func() time.Time
	// SecretName names where the access token comes from, for the message an operator
	// reads when KOT refuses it.
	SecretName string

	common service

	// Employees reads the employee master (従業員).
	Employees *EmployeesService
	// DailyWorkings reads the daily attendance (日別勤怠): day kinds, leave, totals.
	DailyWorkings *DailyWorkingsService
	// TimeRecords reads the punches (打刻).
	TimeRecords *TimeRecordsService
	// WorkingTypes reads the working types (雇用区分).
	WorkingTypes *WorkingTypesService
	// MonthlyWorkings reads monthly data: the remaining leave (残休暇).
	MonthlyWorkings *MonthlyWorkingsService
}

type service struct{ client *Client }

// NewClient returns a client for the API at baseURL ("" for DefaultBaseURL) that sends
// every request through hc with the access token.
func NewClient(hc *httpx.Client, token secrets.Secret, baseURL string) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := rest.BaseURL(Vendor, baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{http: hc, token: token, BaseURL: u, Windows: RestrictedHours, Now: time.Now, SecretName: "the connection's secret"}
	c.common.client = c
	c.Employees = (*EmployeesService)(&c.common)
	c.DailyWorkings = (*DailyWorkingsService)(&c.common)
	c.TimeRecords = (*TimeRecordsService)(&c.common)
	c.WorkingTypes = (*WorkingTypesService)(&c.common)
	c.MonthlyWorkings = (*MonthlyWorkingsService)(&c.common)
	return c, nil
}

// NewRequest builds a request for path (relative to BaseURL, with its query) and body,
// which is sent as JSON when not nil.
func (c *Client) NewRequest(method, path string, body any) (*http.Request, error) {
	u, err := c.BaseURL.Parse(strings.TrimPrefix(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("%s: path %q: %w", Vendor, path, err)
	}
	var buf io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: encode %s body: %w", Vendor, method, err)
		}
		buf = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u.String(), buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	return req, nil
}

// Response is KOT's answer. KOT has no pagination: every list comes whole.
type Response struct {
	*httpx.Response
}

// Do sends req with the access token and decodes the JSON answer into v (nil to ignore it).
//
// Inside KOT's restricted hours it sends nothing and returns a *fault.RateLimitedError
// (Scope ScopeRestrictedHours) whose RetryAfter is the time until the window ends; KOT's
// own refusal (403, code 104) is typed the same way. A refused token (401, or 403 code
// 100) is a *fault.PermanentError that says what to check. Otherwise errors are typed as
// httpx documents; a body that is not the JSON expected is a transient error.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*Response, error) {
	op := fmt.Sprintf("%s: %s %s", Vendor, req.Method, req.URL.Path)
	if !c.exempt(req) {
		if until, closed := hub.ClosedUntil(c.Windows, c.now()); closed {
			return nil, restricted(op, until.Sub(c.now()), nil)
		}
	}
	r := req.Clone(ctx)
	r.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	hr, err := c.http.Do(ctx, r)
	var resp *Response
	if hr != nil {
		resp = &Response{Response: hr}
	}
	if err != nil {
		return resp, c.typed(op, hr, err)
	}
	if v == nil {
		return resp, nil
	}
	if err := json.NewDecoder(hr.Body).Decode(v); err != nil && err != io.EOF {
		return resp, fmt.Errorf("%s: decode: %w", op, err)
	}
	return resp, nil
}

// exempt reports whether KOT serves req during its restricted hours: the access-token
// APIs and punching in (POST /daily-workings/timerecord/{employeeKey}).
func (c *Client) exempt(req *http.Request) bool {
	rel := strings.TrimPrefix(req.URL.Path, c.BaseURL.Path)
	return strings.HasPrefix(rel, "tokens/") ||
		(req.Method == http.MethodPost && strings.HasPrefix(rel, "daily-workings/timerecord/"))
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// typed turns KOT's own error codes into the shared kinds: the restricted hours (104) into
// a rate limit until the window ends, a refused token into a Permanent error that names
// what to fix.
func (c *Client) typed(op string, hr *httpx.Response, err error) error {
	var pe *fault.PermanentError
	if hr == nil || !errors.As(err, &pe) {
		return err
	}
	body, _ := io.ReadAll(hr.Body)
	hr.Body = io.NopCloser(bytes.NewReader(body))
	e := decodeError(body)
	switch {
	case e.has(CodeRestrictedHours):
		until, closed := hub.ClosedUntil(RestrictedHours, c.now())
		wait := until.Sub(c.now())
		if !closed {
			// KOT's clock and ours disagree about the window: try again soon.
			wait = restrictedFallback
		}
		return restricted(op, wait, pe)
	case pe.Status == http.StatusUnauthorized || pe.Status == http.StatusForbidden:
		return &fault.PermanentError{Op: op, Status: pe.Status, Err: err, Message: fmt.Sprintf(
			"KING OF TIME refused the access token (%s): check that the token in %s is current and not suspended, "+
				"that it has Read permission for employees and attendance, and that this machine's public IP address "+
				"is among the token's permitted IP addresses (KOT admin: 設定 → その他 → オプション → 外部サービス連携)",
			pe.Message, c.SecretName)}
	}
	return err
}

// restrictedFallback is the wait when KOT says it is in restricted hours but our clock is
// outside them.
const restrictedFallback = time.Minute

// ScopeRestrictedHours is the Scope of the RateLimitedError for KOT's restricted hours.
const ScopeRestrictedHours = "restricted-hours"

func restricted(op string, wait time.Duration, cause error) error {
	return &fault.RateLimitedError{Op: op, RetryAfter: max(wait, 0), Scope: ScopeRestrictedHours, Err: cause}
}
