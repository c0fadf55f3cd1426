package chatwork

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

const (
	// Vendor is the connector's name in hub.yaml.
	Vendor = "chatwork"
	// DefaultBaseURL is the Chatwork API v2 root (https://developer.chatwork.com/docs/endpoints).
	DefaultBaseURL = "https://api.chatwork.com/v2"
	// TokenHeader carries the API token on every request.
	TokenHeader = "X-ChatWorkToken"
	userAgent   = "urakata"
	contentForm = "application/x-www-form-urlencoded"
)

// Client talks to the Chatwork API for one API token. Its services share one httpx.Client,
// so they share the token's limiter and quota state.
type Client struct {
	http  *httpx.Client
	token secrets.Secret
	// BaseURL is the API root, with a trailing slash; requests are resolved against it.
	BaseURL *url.URL
	// SecretName names where the API token comes from, for the message an operator reads
	// when Chatwork refuses it.
	SecretName string

	common service

	// Me reads the token's own account.
	Me *MeService
	// Rooms lists rooms and their members.
	Rooms *RoomsService
	// Messages reads and posts a room's messages.
	Messages *MessagesService
	// Contacts lists the token's contacts and their direct chats.
	Contacts *ContactsService
}

type service struct{ client *Client }

// NewClient returns a client for the API at baseURL ("" for DefaultBaseURL) that sends every
// request through hc with the API token.
func NewClient(hc *httpx.Client, token secrets.Secret, baseURL string) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := rest.BaseURL(Vendor, baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{http: hc, token: token, BaseURL: u, SecretName: "the connection's secret"}
	c.common.client = c
	c.Me = (*MeService)(&c.common)
	c.Rooms = (*RoomsService)(&c.common)
	c.Messages = (*MessagesService)(&c.common)
	c.Contacts = (*ContactsService)(&c.common)
	return c, nil
}

// NewRequest builds a request for path (relative to BaseURL, e.g. "rooms/12/messages", with
// its query). A non-nil form is sent as an application/x-www-form-urlencoded body, the only
// body Chatwork takes: the archived RAML lists POST fields as query parameters, but the API
// reads them from the body.
func (c *Client) NewRequest(method, path string, form url.Values) (*http.Request, error) {
	u, err := c.BaseURL.Parse(strings.TrimPrefix(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("%s: path %q: %w", Vendor, path, err)
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", contentForm)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	return req, nil
}

// Response is Chatwork's answer with the quota state its X-RateLimit-* headers reported
// (Rate). Chatwork has no pagination: every list comes whole.
type Response struct {
	*httpx.Response
}

// Do sends req with the API token and decodes the JSON answer into v (nil to ignore it). An
// answer without a body (Chatwork's 204 for an empty list) leaves v as it is.
//
// A refused token (401) is a *fault.PermanentError that says which secret to check: API
// tokens do not expire, so retrying cannot help. Otherwise errors are typed as httpx
// documents (429 and a spent quota become *fault.RateLimitedError); a body that is not the
// JSON expected is a transient error.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) (*Response, error) {
	op := fmt.Sprintf("%s: %s %s", Vendor, req.Method, req.URL.Path)
	r := req.Clone(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("%s: rewind body: %w", op, err)
		}
		r.Body = body
	}
	r.Header.Set(TokenHeader, c.token.Reveal())
	hr, err := c.http.Do(ctx, r)
	var resp *Response
	if hr != nil {
		resp = &Response{Response: hr}
	}
	if err != nil {
		return resp, c.typed(op, err)
	}
	if v == nil || hr.StatusCode == http.StatusNoContent {
		return resp, nil
	}
	if err := json.NewDecoder(hr.Body).Decode(v); err != nil && err != io.EOF {
		return resp, fmt.Errorf("%s: decode: %w", op, err)
	}
	return resp, nil
}

// typed makes a refused token a Permanent error that names what to fix.
func (c *Client) typed(op string, err error) error {
	var pe *fault.PermanentError
	if errors.As(err, &pe) && pe.Status == http.StatusUnauthorized {
		return &fault.PermanentError{Op: op, Status: pe.Status, Err: err, Message: fmt.Sprintf(
			"Chatwork refused the API token (%s): check that the api_token in %s is the current one "+
				"(Chatwork: the account menu → サービス連携 → API Token); a reissued token replaces the old one at once",
			pe.Message, c.SecretName)}
	}
	return err
}

// Timestamp is a Chatwork time: Unix seconds, 0 for never (the zero Time).
type Timestamp struct{ time.Time }

// UnmarshalJSON reads Unix seconds; 0 and null are the zero Time.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %s: want Unix seconds", b)
	}
	if n == 0 {
		t.Time = time.Time{}
		return nil
	}
	t.Time = time.Unix(n, 0).UTC()
	return nil
}

// MarshalJSON writes Unix seconds, 0 for the zero Time.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("0"), nil
	}
	return []byte(strconv.FormatInt(t.Unix(), 10)), nil
}

// roomPath builds a room path; a room id is a positive integer.
func roomPath(roomID int64, rest string) (string, error) {
	if roomID <= 0 {
		return "", fault.Permanentf(Vendor, "room id %d is not a Chatwork room id", roomID)
	}
	return "rooms/" + strconv.FormatInt(roomID, 10) + rest, nil
}
