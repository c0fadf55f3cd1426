package chatwork

import (
	"encoding/json"
	"testing"

	urakata "github.com/urakata/urakata"
	"github.com/urakata/urakata/connectors/internal/metacheck"
)

// TestMetaOperations checks the client against the contract urakata keeps for Chatwork
// (testdata/chatwork/operations.json, written from the vendor's pages): every exported
// service method names the operation it calls, with the vendor docs link, every operation
// named exists in the contract, and every operation of the contract has a method.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	raw, err := urakata.VendorAPI("chatwork/operations.json")
	if err != nil {
		t.Fatal(err)
	}
	var contract struct {
		Operations []metacheck.Operation `json:"operations"`
	}
	if err := json.Unmarshal(raw, &contract); err != nil {
		t.Fatal(err)
	}
	d := metacheck.Description{}
	for _, op := range contract.Operations {
		d[op] = metacheck.Described{Source: "testdata/chatwork/operations.json"}
	}
	metacheck.Check(t, metacheck.ServiceMethods(t, "."), d, metacheck.Options{
		DocsURL:  metacheck.Section("https://developer.chatwork.com/reference/"),
		Complete: true,
	})
}
