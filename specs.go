// Package urakata holds what the whole module shares from its root: the vendors' API
// descriptions under testdata/, embedded so that the sandboxes in the urakata binary can
// validate against them (Go can embed only files at or below a package's folder).
package urakata

import (
	"embed"
	"fmt"
)

//go:embed testdata/freee/hr.json testdata/freee/accounting.json testdata/kingoftime/kot-openapi.yml testdata/slack/web_openapi_v2.json testdata/slack/events_api_async_v1.json testdata/slack/common_event_wrapper_schema.json testdata/chatwork/*.json testdata/xero/xero_accounting.yaml testdata/xero/xero-payroll-uk.yaml testdata/xero/xero-identity.yaml testdata/xero/xero-webhooks.yaml testdata/github/*.json
var vendorAPIs embed.FS

// VendorAPI returns a vendor API description by its path under testdata/, e.g.
// "freee/hr.json". Each file has its licence beside it in testdata/.
func VendorAPI(path string) ([]byte, error) {
	b, err := vendorAPIs.ReadFile("testdata/" + path)
	if err != nil {
		return nil, fmt.Errorf("vendor API description %q: not embedded (see specs.go)", path)
	}
	return b, nil
}
