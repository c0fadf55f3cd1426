package kingoftimetest

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/urakata/urakata/connectors/internal/sandboxkit/openapikit"
)

// apiPrefix is where the API lives, as on api.kingtime.jp/v1.0.
const apiPrefix = "/v1.0"

// SpecPath is the corrected description the sandbox validates against, under testdata/.
const SpecPath = "kingoftime/kot-openapi.yml"

// apiSpec is the description loaded and indexed once per process, shared read-only by every
// sandbox.
type apiSpec struct {
	doc    *openapi3.T
	routes []*route
}

// route is one operation; its Path is the template without /v1.0.
type route = openapikit.Route

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	// The transcription's examples keep the vendor's slips (date-time examples for date
	// parameters); Load checks only that the schemas themselves are sound.
	doc, err := openapikit.Load("kingoftimetest", SpecPath)
	if err != nil {
		return nil, err
	}
	server := &openapi3.Server{URL: "https://api.kingtime.jp/v1.0"}
	return &apiSpec{doc: doc, routes: openapikit.Routes(doc, server, apiPrefix)}, nil
})

// kotDateTime is a date-time as KOT writes it: with or without seconds, always with an
// explicit offset. The description says "date-time" for both, which kin-openapi would read
// as RFC 3339 with seconds only.
var kotDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$`)

// validator checks date and date-time with the time package, as KOT writes them.
var validator = openapikit.NewValidator(
	openapikit.DateFormat,
	openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(v string) error {
		if !kotDateTime.MatchString(v) {
			return fmt.Errorf("%q is not a date-time with an offset", v)
		}
		if _, err := time.Parse(time.RFC3339, v); err == nil {
			return nil
		}
		_, err := time.Parse("2006-01-02T15:04Z07:00", v)
		return err
	})),
)

// validateResponse checks a reply the sandbox is about to send.
func validateResponse(ctx context.Context, in *openapi3filter.RequestValidationInput, rep reply) error {
	return validator.Response(ctx, in, rep.status, contentJSON, rep.body)
}

// Side says which party broke the description.
type Side = openapikit.Side

const (
	// RequestSide is a client request the description does not allow (answered 400).
	RequestSide = openapikit.RequestSide
	// ResponseSide is a sandbox response the description does not allow: a sandbox bug.
	ResponseSide = openapikit.ResponseSide
)

// Violation records one request or response that did not match the description, so tests
// can assert that both the client and the sandbox kept to it. Op is the operationId.
type Violation = openapikit.Violation
