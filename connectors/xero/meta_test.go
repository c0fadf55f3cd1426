package xero

import (
	"maps"
	"strings"
	"testing"

	"github.com/urakata/urakata/connectors/internal/metacheck"
)

// TestMetaOperations checks the client against Xero's descriptions, mounted under the
// path prefixes the client (and the sandbox) give them on one host: every exported service
// method (but the Iter helpers, which call one) names the operation it calls, with the
// vendor docs link, and every operation named exists in the description its prefix names.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	d := metacheck.OpenAPI(t, "xero/xero-identity.yaml", "")
	maps.Copy(d, metacheck.OpenAPI(t, "xero/xero_accounting.yaml", "/"+strings.TrimSuffix(accountingAPI, "/")))
	maps.Copy(d, metacheck.OpenAPI(t, "xero/xero-payroll-uk.yaml", "/"+strings.TrimSuffix(payrollAPI, "/")))
	metacheck.Check(t, metacheck.ServiceMethods(t, "."), d, metacheck.Options{
		DocsURL:    metacheck.Section("https://developer.xero.com/documentation/"),
		MinMethods: 18,
	})
}
