package xero

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/oauth"
)

const (
	// Vendor is the connector's name in hub.yaml.
	Vendor = "xero"
	// DefaultBaseURL is the host every Xero API lives under: accounting at api.xro/2.0,
	// payroll at payroll.xro/2.0 and the identity connections at /Connections.
	DefaultBaseURL = "https://api.xero.com"
	// PageSize is how many records Xero returns a page (accounting and payroll alike).
	PageSize = 100
	// TenantHeader names the organisation every accounting and payroll call is for.
	TenantHeader = "xero-tenant-id"
	// IdempotencyHeader lets a write be sent again without a second effect.
	IdempotencyHeader = "Idempotency-Key"

	accountingAPI = "api.xro/2.0/"
	payrollAPI    = "payroll.xro/2.0/"
)

// Authorizer gives each request its access token. *TokenSource is the real one; a 401 is
// renewed once (oauth.Send).
type Authorizer = oauth.Authorizer

// Client talks to Xero for one connection (one organisation). Its services share one
// httpx.Client, so they share the connection's limiter, its five request slots and its
// quota state, which is what Xero counts per tenant.
type Client struct {
	// Client is the shared request core: BaseURL (the API host, with a trailing slash),
	// NewRequest, and the send with the bearer token behind Do.
	rest.Client

	mu     sync.RWMutex
	tenant string
	// limit is the Xero limit the last 429 named: while httpx fails calls fast after it,
	// their errors name it too.
	limit string

	common service

	// Connections lists the organisations the authorisation reaches (identity API).
	Connections *ConnectionsService
	// Accounts reads the chart of accounts.
	Accounts *AccountsService
	// TaxRates reads the organisation's tax rates.
	TaxRates *TaxRatesService
	// ManualJournals creates and finds manual journals.
	ManualJournals *ManualJournalsService
	// ExpenseClaims reads expense claims.
	ExpenseClaims *ExpenseClaimsService
	// Receipts reads the receipts of expense claims.
	Receipts *ReceiptsService
	// Employees reads payroll (UK) employees.
	Employees *EmployeesService
	// EarningsRates reads payroll (UK) earnings rates.
	EarningsRates *EarningsRatesService
	// Timesheets reads and writes payroll (UK) timesheets.
	Timesheets *TimesheetsService
}

type service struct{ client *Client }

// NewClient returns a client for the Xero host at baseURL ("" for DefaultBaseURL) that
// sends every request through hc, authorised by auth.
func NewClient(hc *httpx.Client, auth Authorizer, baseURL string) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	core, err := rest.New(Vendor, hc, auth, baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{Client: core}
	c.common.client = c
	c.Connections = (*ConnectionsService)(&c.common)
	c.Accounts = (*AccountsService)(&c.common)
	c.TaxRates = (*TaxRatesService)(&c.common)
	c.ManualJournals = (*ManualJournalsService)(&c.common)
	c.ExpenseClaims = (*ExpenseClaimsService)(&c.common)
	c.Receipts = (*ReceiptsService)(&c.common)
	c.Employees = (*EmployeesService)(&c.common)
	c.EarningsRates = (*EarningsRatesService)(&c.common)
	c.Timesheets = (*TimesheetsService)(&c.common)
	return c, nil
}

// SetTenant names the organisation (tenant id) the accounting and payroll calls are for.
func (c *Client) SetTenant(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tenant = id
}

// Tenant returns the organisation the calls are for, "" until SetTenant.
func (c *Client) Tenant() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.tenant
}

// Response is Xero's answer with the quota state and, for list calls, the next page.
type Response struct {
	*httpx.Response
	// NextPage is the page after this one, or 0 when this was the last.
	NextPage int
}

// Xero's quota headers: what is left of the tenant's day and minute and of the app's minute.
const (
	DayLimitRemaining    = "X-DayLimit-Remaining"
	MinLimitRemaining    = "X-MinLimit-Remaining"
	AppMinLimitRemaining = "X-AppMinLimit-Remaining"
	// RateLimitProblem names the limit a 429 hit: minute, day, concurrent or appminute.
	RateLimitProblem = "X-Rate-Limit-Problem"
)

// Remaining returns what a quota header (DayLimitRemaining, …) says is left, or -1 when
// the answer did not say.
func (r *Response) Remaining(header string) int {
	if r == nil || r.Response == nil || r.Response.Response == nil {
		return -1
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.Header.Get(header)))
	if err != nil {
		return -1
	}
	return n
}

// tenanted reports whether a request path is of an API whose calls are for one
// organisation (accounting, payroll), as opposed to the identity API's /Connections.
func tenanted(path string) bool {
	return strings.Contains(path, "/"+accountingAPI) || strings.Contains(path, "/"+payrollAPI)
}

// Do sends req with the connection's access token (and, to the accounting and payroll
// APIs, the client's tenant) and decodes the JSON answer into v (nil to ignore it). A 401
// is tried once more with a renewed token. A 429 comes back as *fault.RateLimitedError
// whose Scope names Xero's limit ("xero-minute", "xero-day", "xero-concurrent",
// "xero-appminute"). Other errors are typed as httpx documents; a body that is not the JSON
// expected is a transient error.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*Response, error) {
	if tenant := c.Tenant(); tenant != "" && tenanted(req.URL.Path) {
		req.Header.Set(TenantHeader, tenant)
	}
	hr, err := c.Client.Do(ctx, req, v)
	var resp *Response
	if hr != nil {
		resp = &Response{Response: hr}
	}
	if err != nil {
		return resp, c.nameLimit(hr, err)
	}
	return resp, nil
}

// nameLimit puts the limit Xero says a 429 hit into the error's Scope, so that logs and the
// runtime can tell a spent day (hours to wait) from a busy minute. A call that httpx failed
// fast, without asking Xero, is still waiting out that same 429.
func (c *Client) nameLimit(hr *httpx.Response, err error) error {
	var rl *fault.RateLimitedError
	if !errors.As(err, &rl) {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if hr != nil {
		if p := strings.ToLower(strings.TrimSpace(hr.Header.Get(RateLimitProblem))); p != "" {
			c.limit = Vendor + "-" + p
			rl.Scope = c.limit
		}
		return err
	}
	if c.limit != "" && strings.HasPrefix(rl.Scope, "throttle-") {
		rl.Scope = c.limit
	}
	return err
}

// ListOptions pages through a list: Xero serves PageSize records a page, from page 1.
type ListOptions struct {
	// Page is the page to read; 0 means the first.
	Page int
}

func (o *ListOptions) page() int {
	if o == nil || o.Page < 1 {
		return 1
	}
	return o.Page
}

// WriteOptions are the options of a create.
type WriteOptions struct {
	// IdempotencyKey makes the write safe to send again: Xero answers a repeated key with
	// the first answer instead of writing twice (128 characters at most).
	IdempotencyKey string
}

func (o *WriteOptions) apply(req *http.Request) {
	if o != nil && o.IdempotencyKey != "" {
		req.Header.Set(IdempotencyHeader, o.IdempotencyKey)
	}
}

// Pagination is the page information Xero adds to list answers.
type Pagination struct {
	Page      int `json:"page"`
	PageSize  int `json:"pageSize"`
	PageCount int `json:"pageCount"`
	ItemCount int `json:"itemCount"`
}

// nextPage is the page after the one just read: from Xero's pagination when it sent one,
// otherwise a full page means there may be more.
func nextPage(p *Pagination, current, n int) int {
	if p != nil && p.PageCount > 0 {
		if current < p.PageCount {
			return current + 1
		}
		return 0
	}
	if n >= PageSize {
		return current + 1
	}
	return 0
}

// all walks every page (rest.Pages), starting at opts.Page, until Xero reports no next
// page. It stops at the first error, which it yields.
func all[T any](opts *ListOptions, list func(*ListOptions) ([]T, *Response, error)) iter.Seq2[T, error] {
	return rest.Pages(opts.page(), func(page int) ([]T, int, error) {
		items, resp, err := list(&ListOptions{Page: page})
		if resp == nil {
			return items, 0, err
		}
		return items, resp.NextPage, err
	})
}

// quote writes s as a string literal of Xero's where filter.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
