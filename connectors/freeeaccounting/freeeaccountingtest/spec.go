package freeeaccountingtest

import (
	"context"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
)

// SpecPath is the API description the sandbox validates against, under testdata/.
const SpecPath = "freee/accounting.json"

// apiSpec is accounting.json loaded and indexed. The description is 2 MB and takes about
// 0.3 s to load, so it is loaded once per process and shared, read-only, by every sandbox;
// each request then costs only the validation of its own operation.
type apiSpec struct {
	doc    *openapi3.T
	routes []*route
}

// route is one operation of accounting.json.
type route = openapikit.Route

var loadSpec = sync.OnceValues(parseSpec)

// parseSpec loads and indexes accounting.json. freee's examples break their own formats
// here and there; Load checks only that the schemas are sound.
func parseSpec() (*apiSpec, error) {
	doc, err := openapikit.Load("freeeaccountingtest", SpecPath)
	if err != nil {
		return nil, err
	}
	server := &openapi3.Server{URL: "https://api.freee.co.jp"}
	if len(doc.Servers) > 0 {
		server = doc.Servers[0]
	}
	return &apiSpec{doc: doc, routes: openapikit.Routes(doc, server, "")}, nil
}

// validator checks date and date-time with the time package rather than kin-openapi's
// regular expressions. Statuses accounting.json does not declare (429 on most operations,
// 501) are not validated, because freee sends them without declaring them.
var validator = openapikit.NewValidator(openapikit.DateFormat, openapikit.DateTimeFormat)

// validateResponse checks a reply the sandbox is about to send against accounting.json.
func validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	return validator.Response(ctx, in, rep.status, rep.contentType, rep.body)
}

// Side says which party broke accounting.json.
type Side = openapikit.Side

const (
	// RequestSide is a client request that accounting.json does not allow (answered 400).
	RequestSide = openapikit.RequestSide
	// ResponseSide is a sandbox response that accounting.json does not allow: a sandbox bug.
	ResponseSide = openapikit.ResponseSide
)

// Violation records one request or response that did not match accounting.json, so tests
// can assert that both the client and the sandbox kept to the vendor's description. Op is
// accounting.json's operationId.
type Violation = openapikit.Violation
