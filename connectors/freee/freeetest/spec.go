package freeetest

import (
	"context"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
)

// apiPrefix is where the HR API lives, as on api.freee.co.jp/hr.
const apiPrefix = "/hr"

// apiSpec is hr.json loaded and indexed. Loading the 800 KB description takes about 150 ms,
// so it is done once per process and shared, read-only, by every sandbox.
type apiSpec struct {
	doc    *openapi3.T
	routes []*route
}

// route is one operation of hr.json; its Path is the template without the /hr prefix.
type route = openapikit.Route

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	// freee's own examples break their formats (e.g. a date-time example without a zone);
	// Load checks only that the schemas themselves are sound.
	doc, err := openapikit.Load("freeetest", "freee/hr.json")
	if err != nil {
		return nil, err
	}
	server := &openapi3.Server{URL: "https://api.freee.co.jp/hr"}
	if len(doc.Servers) > 0 {
		server = doc.Servers[0]
	}
	return &apiSpec{doc: doc, routes: openapikit.Routes(doc, server, apiPrefix)}, nil
})

// validator checks date and date-time with the time package: a page of 100 punches
// carries 300 of them, and kin-openapi's regular expressions were a fifth of its
// validation time. Statuses hr.json does not declare (404, 429, 501) are not validated,
// because freee sends them without declaring them.
var validator = openapikit.NewValidator(openapikit.DateFormat, openapikit.DateTimeFormat)

// validateResponse checks a reply the sandbox is about to send against hr.json.
func validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	return validator.Response(ctx, in, rep.status, rep.contentType, rep.body)
}

// Side says which party broke hr.json.
type Side = openapikit.Side

const (
	// RequestSide is a client request that hr.json does not allow (answered with 400).
	RequestSide = openapikit.RequestSide
	// ResponseSide is a sandbox response that hr.json does not allow: a sandbox bug.
	ResponseSide = openapikit.ResponseSide
)

// Violation records one request or response that did not match hr.json, so tests can assert
// that both the client and the sandbox kept to the vendor's description. Op is hr.json's
// operationId.
type Violation = openapikit.Violation
