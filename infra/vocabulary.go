package infra

import (
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"

	_ "github.com/urakata/urakata/connectors/all"   // every connector hub.yaml may name
	_ "github.com/urakata/urakata/shared/flows/all" // every flow type, the chat bot's declared
)

// Vocabulary is what hub.yaml may name: every connector and flow type built into urakata,
// those of the functions of their own included, so the stack accepts exactly the hub.yaml
// the functions run, and wiring.Needs knows where each flow runs.
func Vocabulary() config.Vocabulary {
	v := config.Vocabulary{Vendors: map[string][]config.Field{}, FlowTypes: map[string]config.FlowTypeSpec{}}
	for _, c := range hub.Connectors.All() {
		v.Vendors[c.Vendor] = c.Fields
	}
	for _, ft := range hub.FlowTypes() {
		v.FlowTypes[ft.Name] = ft.Spec
	}
	return v
}
