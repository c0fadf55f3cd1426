package slack

import (
	"testing"

	"github.com/urakata/urakata/connectors/internal/metacheck"
)

// TestMetaOperations checks the client against Slack's description: every exported
// service method (but the Iter helpers, which call one) names the operation it calls, with
// the docs page of that very method, and every operation named exists there with that
// HTTP method.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	metacheck.Check(t, metacheck.ServiceMethods(t, "."), metacheck.OpenAPI(t, "slack/web_openapi_v2.json", ""), metacheck.Options{
		DocsURL: func(op metacheck.Operation, _ metacheck.Described) string {
			return "https://api.slack.com/methods" + op.Path
		},
		MinMethods: 6,
	})
}
