package lambdahub

import (
	"fmt"
	"maps"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/urakata/urakata/shared/config"
)

// routedField is the mapping field type given to the keys of a flow type this binary does
// not link: config checks no value of a type it does not know.
const routedField config.FieldType = "routed"

// LoadConfig reads hub.yaml for a function. It validates it against v, the flow types this
// binary links, and, for the flows that routes sends to functions of their own, against
// whatever types those name: the shared functions do not link the chat bot's type (its
// dictionary is too heavy), yet must read a hub.yaml that has chat-helpdesk flows, to verify
// their webhooks and hand their jobs over. Of such a flow this binary checks only what it
// reads (its name, triggers, source and target); infra validated the whole file, every type
// linked, before the same file was deployed beside each bootstrap. A flow type that is
// neither linked nor routed is refused as unknown, as everywhere.
func LoadConfig(path string, v config.Vocabulary, routes map[string]string) (*config.File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read hub.yaml: %w", err)
	}
	return config.Parse(path, data, withRoutedTypes(data, v, routes))
}

// withRoutedTypes returns v with a spec added for each type of a routed flow that v does
// not have: any trigger, the pay-period rules the flows give, and the mapping keys they use.
func withRoutedTypes(data []byte, v config.Vocabulary, routes map[string]string) config.Vocabulary {
	if len(routes) == 0 {
		return v
	}
	var doc struct {
		Flows map[string]struct {
			Type    string         `yaml:"type"`
			Period  any            `yaml:"period"`
			Mapping map[string]any `yaml:"mapping"`
		} `yaml:"flows"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return v // config.Parse says what is wrong with it
	}
	added := map[string]*config.FlowTypeSpec{}
	for _, name := range slices.Sorted(maps.Keys(doc.Flows)) {
		f := doc.Flows[name]
		if routes[name] == "" || f.Type == "" {
			continue
		}
		if _, linked := v.FlowTypes[f.Type]; linked {
			continue
		}
		spec := added[f.Type]
		if spec == nil {
			spec = &config.FlowTypeSpec{
				Summary:  "runs in the " + routes[name] + " function",
				Triggers: []config.TriggerKind{config.TriggerSchedule, config.TriggerWebhook},
			}
			added[f.Type] = spec
		}
		spec.NeedsPeriod = spec.NeedsPeriod || f.Period != nil
		for _, key := range slices.Sorted(maps.Keys(f.Mapping)) {
			if !slices.ContainsFunc(spec.Mapping, func(fd config.Field) bool { return fd.Name == key }) {
				spec.Mapping = append(spec.Mapping, config.Field{Name: key, Type: routedField})
			}
		}
	}
	if len(added) == 0 {
		return v
	}
	out := config.Vocabulary{Vendors: v.Vendors, FlowTypes: maps.Clone(v.FlowTypes)}
	if out.FlowTypes == nil {
		out.FlowTypes = map[string]config.FlowTypeSpec{}
	}
	for name, spec := range added {
		out.FlowTypes[name] = *spec
	}
	return out
}
