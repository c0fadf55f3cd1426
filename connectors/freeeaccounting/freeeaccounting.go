package freeeaccounting

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/oauth"
)

const (
	// Vendor is the connector's name in hub.yaml.
	Vendor = "freee-accounting"
	// DefaultBaseURL is freee 会計's API root (accounting.json's server); paths start with
	// /api/1/.
	DefaultBaseURL = "https://api.freee.co.jp"
)

// Authorizer gives each request its access token. *freee.TokenSource is the real one:
// freee 会計 and 人事労務 share one OAuth server and its rotation rules.
type Authorizer = oauth.Authorizer

var _ Authorizer = (*freee.TokenSource)(nil)

// Client talks to freee 会計 for one connection. Its services share one httpx.Client, so
// they share the connection's limiter and its daily quota.
type Client struct {
	// Client is the shared request core: BaseURL (the API root, with a trailing slash),
	// NewRequest, and the send with the bearer token behind Do.
	rest.Client

	common service

	// Users reads the company's users (applicants' emails) and the authorising user.
	Users *UsersService
	// ExpenseApplications reads expense claims (経費申請).
	ExpenseApplications *ExpenseApplicationsService
	// ExpenseTemplates reads the expense templates (経費科目) claims are filed under.
	ExpenseTemplates *ExpenseTemplatesService
	// Receipts reads receipt metadata (ファイルボックス), where the invoice registration
	// number lives.
	Receipts *ReceiptsService
	// AccountItems reads the chart of accounts (勘定科目).
	AccountItems *AccountItemsService
	// Taxes reads the company's tax codes (税区分).
	Taxes *TaxesService
	// Sections reads the departments (部門).
	Sections *SectionsService
	// Partners reads the business partners (取引先).
	Partners *PartnersService
	// ManualJournals creates and searches journal entries (振替伝票).
	ManualJournals *ManualJournalsService
}

type service struct{ client *Client }

// NewClient returns a client for the API at baseURL ("" for DefaultBaseURL) that sends
// every request through hc, authorised by auth.
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
	c.Users = (*UsersService)(&c.common)
	c.ExpenseApplications = (*ExpenseApplicationsService)(&c.common)
	c.ExpenseTemplates = (*ExpenseTemplatesService)(&c.common)
	c.Receipts = (*ReceiptsService)(&c.common)
	c.AccountItems = (*AccountItemsService)(&c.common)
	c.Taxes = (*TaxesService)(&c.common)
	c.Sections = (*SectionsService)(&c.common)
	c.Partners = (*PartnersService)(&c.common)
	c.ManualJournals = (*ManualJournalsService)(&c.common)
	return c, nil
}

// Response is freee's answer with the quota state and, for list calls, where the next page
// starts.
type Response struct {
	*httpx.Response
	// NextOffset is the offset of the next page, or 0 when this was the last one.
	NextOffset int
}

// Do sends req with the connection's access token and decodes the JSON answer into v (nil
// to ignore it). A 401 is tried once more with a renewed token, because freee answers 401
// when an access token expired early. Errors are typed as httpx documents; a body that is
// not the JSON expected is a transient error.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*Response, error) {
	hr, err := c.Client.Do(ctx, req, v)
	if hr == nil {
		return nil, err
	}
	return &Response{Response: hr}, err
}

// ListOptions pages through a list. Each list has its own largest page (Limit is capped
// to it).
type ListOptions struct {
	// Limit is the page size; 0 means the list's largest.
	Limit int
	// Offset is where the page starts.
	Offset int
}

// page returns the limit and offset a request sends: the list's largest page (max) unless
// asked for less.
func (o *ListOptions) page(max int) (limit, offset int) {
	limit = max
	if o != nil {
		if o.Limit > 0 {
			limit = min(o.Limit, max)
		}
		offset = o.Offset
	}
	return limit, offset
}

func (o *ListOptions) values(q url.Values, max int) {
	limit, offset := o.page(max)
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
}

// Meta is what freee says about a list beside its page. accounting.json does not declare
// it, so it may be absent; then a short page is the last.
type Meta struct {
	TotalCount *int `json:"total_count"`
}

// nextOffset is where the page after n items starts, or 0 when it was the last: freee's
// total_count says so when given, else a full page means there may be more.
func nextOffset(o *ListOptions, max, n int, meta *Meta) int {
	limit, offset := o.page(max)
	if n == 0 {
		return 0
	}
	if meta != nil && meta.TotalCount != nil {
		if offset+n >= *meta.TotalCount {
			return 0
		}
		return offset + n
	}
	if n < limit {
		return 0
	}
	return offset + n
}

// all walks every page (rest.Pages), starting at opts.Offset, until freee reports no next
// page. It stops at the first error, which it yields.
func all[T any](opts *ListOptions, list func(*ListOptions) ([]T, *Response, error)) iter.Seq2[T, error] {
	from := ListOptions{}
	if opts != nil {
		from = *opts
	}
	return rest.Pages(from.Offset, func(offset int) ([]T, int, error) {
		page := from
		page.Offset = offset
		items, resp, err := list(&page)
		if resp == nil {
			return items, 0, err
		}
		return items, resp.NextOffset, err
	})
}

// tokyo is freee's wall clock. Japan has kept +09:00 without daylight saving since 1951, so
// a fixed zone is exact and needs no tzdata (Lambda images have none).
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

// Timestamp is a freee date-time (RFC 3339, or "2006-01-02 15:04:05" in Japan time).
type Timestamp = freee.Timestamp
