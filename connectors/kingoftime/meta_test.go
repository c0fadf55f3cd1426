package kingoftime

import (
	"regexp"
	"testing"

	"github.com/urakata/urakata/connectors/internal/metacheck"
)

var param = regexp.MustCompile(`\{[^}]+\}`)

// template is a path with its parameter names erased: the corrected description merges
// /employees/{employeeCode} and /employees/{employeeKey} into one template, and the client
// keeps the vendor's names.
func template(path string) string { return param.ReplaceAllString(path, "{}") }

// TestMetaOperations checks the client against the corrected description: every exported
// service method (but the Iter helpers, which call one) names the operation it calls, the
// operation exists there, and the doc comment gives that operation's vendor docs URL.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	metacheck.Check(t, metacheck.ServiceMethods(t, "."), metacheck.OpenAPI(t, "kingoftime/kot-openapi.yml", ""), metacheck.Options{
		DocsURL:    func(_ metacheck.Operation, d metacheck.Described) string { return d.DocsURL },
		Normalize:  template,
		MinMethods: 6,
	})
}
