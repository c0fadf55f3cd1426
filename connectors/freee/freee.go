package freee

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/oauth"
)

const (
	// Vendor is the connector's name in hub.yaml.
	Vendor = "freee-hr"
	// DefaultBaseURL is freee HR's API root (hr.json's server).
	DefaultBaseURL = "https://api.freee.co.jp/hr"
	// PageLimit is the largest page freee HR serves.
	PageLimit = 100
)

// Authorizer gives each request its access token. *TokenSource is the real one; a 401 is
// renewed once (oauth.Send), because freee answers 401 when an access token expired early.
type Authorizer = oauth.Authorizer

// Client talks to freee HR for one connection. Its services share one httpx.Client, so
// they share the connection's limiter and quota state.
type Client struct {
	// Client is the shared request core: BaseURL (the API root, with a trailing slash),
	// NewRequest, and the send with the bearer token behind Do.
	rest.Client

	common service

	// Users reads the authorising user (GET /api/v1/users/me).
	Users *UsersService
	// Employees lists employees.
	Employees *EmployeesService
	// GroupMemberships reads the groups (部門) employees belong to: their departments.
	GroupMemberships *GroupMembershipsService
	// TimeClocks lists an employee's punches.
	TimeClocks *TimeClocksService
	// WorkRecords reads one employee's attendance for one date.
	WorkRecords *WorkRecordsService
	// WorkRecordSummaries reads and replaces one employee's monthly attendance totals.
	WorkRecordSummaries *WorkRecordSummariesService
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
	c.Employees = (*EmployeesService)(&c.common)
	c.GroupMemberships = (*GroupMembershipsService)(&c.common)
	c.TimeClocks = (*TimeClocksService)(&c.common)
	c.WorkRecords = (*WorkRecordsService)(&c.common)
	c.WorkRecordSummaries = (*WorkRecordSummariesService)(&c.common)
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

// ListOptions pages through a list. freee serves at most PageLimit items a page.
type ListOptions struct {
	// Limit is the page size (1–100); 0 means PageLimit.
	Limit int
	// Offset is where the page starts.
	Offset int
}

// page returns the limit and offset a request sends: freee's largest page unless asked
// for less.
func (o *ListOptions) page() (limit, offset int) {
	limit = PageLimit
	if o != nil {
		if o.Limit > 0 {
			limit = min(o.Limit, PageLimit)
		}
		offset = o.Offset
	}
	return limit, offset
}

func (o *ListOptions) values(q url.Values) {
	limit, offset := o.page()
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
}

// nextOffset is where the page after items starts: freee's bare-array lists have no total,
// so a full page means there may be more and a short one that there is none.
func nextOffset(o *ListOptions, n int) int {
	limit, offset := o.page()
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

// tokyo is freee's wall clock, used for the times freee writes without an offset. Japan has
// kept +09:00 without daylight saving since 1951, so a fixed zone is exact.
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

// Timestamp is a freee date-time. freee writes RFC 3339 in responses and "2006-01-02
// 15:04:05" (Japan time) in some payloads; both are read, keeping the offset given.
type Timestamp struct{ time.Time }

// UnmarshalJSON reads RFC 3339, or "2006-01-02 15:04:05" as Japan time; null is zero.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	v, err := parseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return v, nil
	}
	if v, err := time.ParseInLocation(time.DateTime, s, tokyo); err == nil {
		return v, nil
	}
	return time.Time{}, fmt.Errorf("timestamp %q: want RFC 3339 or 2006-01-02 15:04:05", s)
}
