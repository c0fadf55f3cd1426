package infra

import (
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"

	_ "github.com/urakata/urakata/connectors/all"   // every connector hub.yaml may name
	_ "github.com/urakata/urakata/shared/flows/all" // every flow type hub.yaml may name
)

// Vocabulary is what hub.yaml may name: every connector and flow type built into urakata,
// the same as the functions know, so the stack accepts exactly the hub.yaml they run.
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
