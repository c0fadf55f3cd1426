package freee

import (
	"testing"

	"github.com/urakata/urakata/connectors/internal/metacheck"
)

// TestMetaOperations checks the client against hr.json: every exported service method
// (but the Iter helpers, which call one) names the operation it calls, with the vendor docs
// link, and every operation named exists in hr.json.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	metacheck.Check(t, metacheck.ServiceMethods(t, "."), metacheck.OpenAPI(t, "freee/hr.json", ""), metacheck.Options{
		DocsURL:    metacheck.Section("https://developer.freee.co.jp/reference/hr/"),
		MinMethods: 8,
	})
}
