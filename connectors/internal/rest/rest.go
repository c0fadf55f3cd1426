// Package rest is the request core the go-github-shaped vendor clients (freee HR, freee 会計,
// Xero) share: resolving a path against the API root, encoding a JSON body, sending it with
// the connection's bearer token through httpx, and decoding the JSON answer. Each vendor
// keeps what is its own (headers, page cursors, error bodies) in its package. The clients
// not built on Client (KING OF TIME, Chatwork, Slack) take its smaller parts too: BaseURL,
// Path, and Pages, the walk over every page of a list.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/oauth"
	"github.com/urakata/urakata/shared/secrets"
)

// userAgent is what every vendor call is sent as.
const userAgent = "urakata"

// Client builds and sends one vendor's requests. Vendor clients embed it, so BaseURL and
// NewRequest are theirs.
type Client struct {
	// BaseURL is the API root, with a trailing slash; requests are resolved against it.
	BaseURL *url.URL
	// HTTP sends every request, so all of a connection's calls share its limiter and quota.
	HTTP *httpx.Client
	// Auth gives each request its access token; a 401 is renewed once (oauth.Send).
	Auth oauth.Authorizer
	// Vendor prefixes every error, e.g. "freee-hr".
	Vendor string
}

// New returns the core of vendor's client for the API at baseURL, which must be absolute;
// a trailing slash is added so that relative paths resolve under it.
func New(vendor string, hc *httpx.Client, auth oauth.Authorizer, baseURL string) (Client, error) {
	u, err := BaseURL(vendor, baseURL)
	if err != nil {
		return Client{}, err
	}
	return Client{BaseURL: u, HTTP: hc, Auth: auth, Vendor: vendor}, nil
}

// BaseURL parses the API root of a vendor's client, which must be absolute, and adds a
// trailing slash so that relative paths resolve under it. Every vendor client reads its
// base URL this way, whether or not it is built on Client.
func BaseURL(vendor, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%s: base URL %q is not an absolute URL", vendor, raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// NewRequest builds a request for path (relative to BaseURL, with its query) and body,
// which is sent as JSON when not nil.
func (c *Client) NewRequest(method, path string, body any) (*http.Request, error) {
	u, err := c.BaseURL.Parse(strings.TrimPrefix(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("%s: path %q: %w", c.Vendor, path, err)
	}
	var buf io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: encode %s body: %w", c.Vendor, method, err)
		}
		buf = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u.String(), buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Vendor, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	return req, nil
}

// Do sends req with the connection's access token and decodes the JSON answer into v (nil
// to ignore it). A 401 is tried once more with a renewed token, because these vendors
// answer 401 when an access token expired early. Errors are typed as httpx documents; a
// body that is not the JSON expected is a transient error. The answer is returned whenever
// there was one, even with an error.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*httpx.Response, error) {
	hr, err := oauth.Send(ctx, c.Auth, func(token secrets.Secret) (*httpx.Response, error) { return c.send(ctx, req, token) })
	if err != nil || v == nil {
		return hr, err
	}
	if err := json.NewDecoder(hr.Body).Decode(v); err != nil && err != io.EOF {
		return hr, fmt.Errorf("%s: decode %s %s: %w", c.Vendor, req.Method, req.URL.Path, err)
	}
	return hr, nil
}

// send sends a copy of req carrying token, so that req can be sent again.
func (c *Client) send(ctx context.Context, req *http.Request, token secrets.Secret) (*httpx.Response, error) {
	r := req.Clone(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("%s: rewind body: %w", c.Vendor, err)
		}
		r.Body = body
	}
	r.Header.Set("Authorization", "Bearer "+token.Reveal())
	return c.HTTP.Do(ctx, r)
}

// Path builds a request path from format and args with q as its query (none when empty).
func Path(q url.Values, format string, args ...any) string {
	p := fmt.Sprintf(format, args...)
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

// NotFound reports whether err is the vendor's 404: what was asked for does not exist.
func NotFound(err error) bool {
	var pe *fault.PermanentError
	return errors.As(err, &pe) && pe.Status == http.StatusNotFound
}

// Pages walks every item of a paginated list. page reads the page at a cursor (an offset,
// a page number, a vendor's token), starting at first, and returns its items and the
// cursor of the page after it: the zero cursor when it was the last. The walk stops at the
// first error, which it yields, and when a page names itself as the next, so that a vendor
// repeating a cursor cannot keep it reading the same page.
func Pages[T any, C comparable](first C, page func(C) ([]T, C, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var none C
		for at := first; ; {
			items, next, err := page(at)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == none || next == at {
				return
			}
			at = next
		}
	}
}
