package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

const (
	// Vendor is the connector's name in hub.yaml.
	Vendor = "slack"
	// DefaultBaseURL is the Web API root (the description's host and basePath).
	DefaultBaseURL = "https://slack.com/api"
	// PageLimit is the page size asked for: Slack recommends no more than 200 for the
	// cursor-paginated methods.
	PageLimit = 200
	// BotTokenPrefix starts every bot token; the connector posts as the app's bot.
	BotTokenPrefix = "xoxb-"
	userAgent      = "urakata"
)

// Client talks to the Slack Web API for one connection. Slack limits each method
// separately, so every method gets its own httpx.Client (its own limiter, retries and
// fail-fast state) under that method's tier; the services share them.
type Client struct {
	// BaseURL is the API root, with a trailing slash; a method's name is resolved against it.
	BaseURL *url.URL

	token      secrets.Secret
	connection string
	transport  http.RoundTripper
	logger     *slog.Logger
	tune       func(method string, p httpx.Policy) httpx.Policy

	mu      sync.Mutex
	methods map[string]*httpx.Client
	pacer   *channelPacer

	common service

	// Auth checks the token (auth.test).
	Auth *AuthService
	// Users lists and finds the workspace's members.
	Users *UsersService
	// Conversations lists channels and opens direct messages.
	Conversations *ConversationsService
	// Chat posts messages.
	Chat *ChatService
}

type service struct{ client *Client }

// Option adjusts a Client.
type Option func(*Client)

// WithTransport sends every request through rt (tests and sandboxes stay on loopback).
func WithTransport(rt http.RoundTripper) Option { return func(c *Client) { c.transport = rt } }

// WithLogger sets the logger of the per-attempt debug lines.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.logger = l } }

// WithConnection names the hub.yaml connection, so that an error asking to reconnect says
// which one.
func WithConnection(name string) Option { return func(c *Client) { c.connection = name } }

// WithPolicy adjusts each method's policy after the tier is applied; tests use it to make
// backoff fast.
func WithPolicy(tune func(method string, p httpx.Policy) httpx.Policy) Option {
	return func(c *Client) { c.tune = tune }
}

// NewClient returns a client for the API at baseURL ("" for DefaultBaseURL) that sends
// token as a bearer token.
func NewClient(baseURL string, token secrets.Secret, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := rest.BaseURL(Vendor, baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{BaseURL: u, token: token, methods: map[string]*httpx.Client{}, pacer: newChannelPacer(PostInterval)}
	for _, o := range opts {
		o(c)
	}
	c.common.client = c
	c.Auth = (*AuthService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.Conversations = (*ConversationsService)(&c.common)
	c.Chat = (*ChatService)(&c.common)
	return c, nil
}

// NewRequest builds a request for a Web API method: path is the method's name with its
// query, e.g. "users.list?limit=200". A body that is not nil is sent as JSON, which Slack
// accepts for its write methods.
func (c *Client) NewRequest(httpMethod, path string, body any) (*http.Request, error) {
	u, err := c.BaseURL.Parse(strings.TrimPrefix(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("%s: path %q: %w", Vendor, path, err)
	}
	var buf io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: encode %s body: %w", Vendor, path, err)
		}
		buf = bytes.NewReader(b)
	}
	req, err := http.NewRequest(httpMethod, u.String(), buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	if body != nil {
		// Without the charset Slack answers with a missing_charset warning.
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	return req, nil
}

// Response is Slack's answer, with the cursor of the next page and any warnings.
type Response struct {
	*httpx.Response
	// NextCursor is response_metadata.next_cursor: "" when this was the last page.
	NextCursor string
	// Warnings are Slack's warnings (the warning member and response_metadata.warnings),
	// e.g. missing_charset or superfluous_charset.
	Warnings []string
}

// envelope is what every Web API answer carries besides its own members.
type envelope struct {
	OK               bool   `json:"ok"`
	Error            string `json:"error"`
	Warning          string `json:"warning"`
	Needed           string `json:"needed"`
	ResponseMetadata struct {
		NextCursor string   `json:"next_cursor"`
		Warnings   []string `json:"warnings"`
		Messages   []string `json:"messages"`
	} `json:"response_metadata"`
}

// Do sends req with the bot token, through the limits of the method it calls, and decodes
// the answer into v (nil to ignore it). Slack reports most failures as HTTP 200 with
// "ok": false; those come back as the typed errors errors.go describes, never as a success.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*Response, error) {
	method := methodName(req.URL.Path)
	req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	hr, err := c.httpFor(method).Do(ctx, req)
	var resp *Response
	if hr != nil {
		resp = &Response{Response: hr}
	}
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(hr.Body)
	if err != nil {
		return resp, fmt.Errorf("%s: read %s: %w", Vendor, method, err)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return resp, fmt.Errorf("%s: decode %s: %w", Vendor, method, err)
	}
	resp.NextCursor = env.ResponseMetadata.NextCursor
	if env.Warning != "" {
		resp.Warnings = append(resp.Warnings, strings.Split(env.Warning, ",")...)
	}
	resp.Warnings = append(resp.Warnings, env.ResponseMetadata.Warnings...)
	if v == nil {
		return resp, nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return resp, fmt.Errorf("%s: decode %s: %w", Vendor, method, err)
	}
	return resp, nil
}

// httpFor returns the client of one method, building it on first use.
func (c *Client) httpFor(method string) *httpx.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if hc, ok := c.methods[method]; ok {
		return hc
	}
	p := Policy(method, c.connection)
	if c.tune != nil {
		p = c.tune(method, p)
	}
	hc := httpx.New(p, httpx.WithLogger(c.logger), httpx.WithTransport(c.transport))
	c.methods[method] = hc
	return hc
}

// methodName is the Web API method a request path calls: its last segment.
func methodName(path string) string {
	return path[strings.LastIndexByte(path, '/')+1:]
}

// ListOptions pages through a cursor-paginated list.
type ListOptions struct {
	// Cursor is the next_cursor of the previous page; "" for the first.
	Cursor string
	// Limit is the page size; 0 means PageLimit.
	Limit int
}

func (o *ListOptions) values(q url.Values) {
	limit := PageLimit
	if o != nil && o.Limit > 0 {
		limit = o.Limit
	}
	q.Set("limit", fmt.Sprint(limit))
	if o != nil && o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
}

// pathf builds a method path with its query.
func pathf(method string, q url.Values) string {
	if len(q) == 0 {
		return method
	}
	return method + "?" + q.Encode()
}

// all walks every page (rest.Pages), starting at opts.Cursor, until Slack gives no next
// cursor or repeats the one just read. It stops at the first error, which it yields.
func all[T any](opts *ListOptions, list func(*ListOptions) ([]T, *Response, error)) iter.Seq2[T, error] {
	from := ListOptions{}
	if opts != nil {
		from = *opts
	}
	return rest.Pages(from.Cursor, func(cursor string) ([]T, string, error) {
		page := from
		page.Cursor = cursor
		items, resp, err := list(&page)
		if resp == nil {
			return items, "", err
		}
		return items, resp.NextCursor, err
	})
}
