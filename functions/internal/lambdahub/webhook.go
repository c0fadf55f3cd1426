package lambdahub

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Webhook serves the webhook function: API Gateway HTTP API requests (payload format 2.0)
// on the route POST /hooks/{connection}, answered by the same ingress as the embedded
// runtime's server (verify over the raw body, answer handshakes, enqueue, 2xx).
type Webhook struct {
	// Ingress is hub.Ingress in AWS; any handler of /hooks/{connection} in tests.
	Ingress http.Handler
}

// Handle turns the API Gateway event into the HTTP request the vendor sent, serves it, and
// turns the answer back.
func (wh *Webhook) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	r, err := httpRequest(ctx, req)
	if err != nil {
		return textResponse(http.StatusBadRequest, "malformed request"), nil
	}
	var w responseBuffer
	wh.Ingress.ServeHTTP(&w, r)
	return w.response(), nil
}

// httpRequest rebuilds the vendor's request: its method, path, headers and raw body. The
// signature is over the body exactly as sent, so a body API Gateway base64-encoded (any
// that is not text) is decoded first.
func httpRequest(ctx context.Context, req events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return nil, err
		}
	}
	method := req.RequestContext.HTTP.Method
	if method == "" {
		method = http.MethodPost
	}
	u := &url.URL{Scheme: "https", Host: req.RequestContext.DomainName, Path: requestPath(req), RawQuery: req.RawQueryString}
	if u.Host == "" {
		u.Host = "webhook.invalid"
	}
	r, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	// API Gateway gives header names in lower case and repeated headers joined by commas;
	// Add puts each back under its canonical name, where Header.Get looks.
	for k, v := range req.Headers {
		r.Header.Add(k, v)
	}
	if len(req.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(req.Cookies, "; "))
	}
	r.RemoteAddr = req.RequestContext.HTTP.SourceIP
	return r, nil
}

// requestPath is /hooks/{connection}: from the route's path parameter when API Gateway
// matched one, otherwise the raw path without the stage, which API Gateway puts first for
// every stage but $default.
func requestPath(req events.APIGatewayV2HTTPRequest) string {
	if conn := req.PathParameters["connection"]; conn != "" {
		return "/hooks/" + conn
	}
	p := req.RawPath
	if stage := req.RequestContext.Stage; stage != "" && stage != "$default" {
		p = strings.TrimPrefix(p, "/"+stage)
	}
	return p
}

// responseBuffer collects what the ingress answers.
type responseBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *responseBuffer) Header() http.Header {
	if b.header == nil {
		b.header = http.Header{}
	}
	return b.header
}

func (b *responseBuffer) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *responseBuffer) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

func (b *responseBuffer) response() events.APIGatewayV2HTTPResponse {
	res := events.APIGatewayV2HTTPResponse{StatusCode: b.status, Headers: map[string]string{}}
	if res.StatusCode == 0 {
		res.StatusCode = http.StatusOK
	}
	for k, vs := range b.header {
		res.Headers[k] = strings.Join(vs, ",")
	}
	if utf8.Valid(b.body.Bytes()) {
		res.Body = b.body.String()
	} else {
		res.Body, res.IsBase64Encoded = base64.StdEncoding.EncodeToString(b.body.Bytes()), true
	}
	return res
}

func textResponse(status int, msg string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "text/plain; charset=utf-8"},
		Body:       msg + "\n",
	}
}
