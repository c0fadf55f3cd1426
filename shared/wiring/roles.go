package wiring

import (
	"slices"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
)

// Role is what a process of the hub does, and so which connections and flows it builds. In
// AWS each function has one role and may read only its role's secrets; the embedded runtime
// does everything.
type Role string

// The roles.
const (
	// RoleAll builds every connection and flow (the embedded runtime).
	RoleAll Role = ""
	// RoleWebhook verifies webhooks: the connections that trigger flows by webhook, no flow.
	RoleWebhook Role = "webhook"
	// RoleSchedule plans scheduled flows: their sources and targets.
	RoleSchedule Role = "schedule"
	// RoleWorker delivers for every flow and plans webhook-triggered ones: every flow's
	// source and target.
	RoleWorker Role = "worker"
)

// Needs returns the connections and flows a role builds, each in hub.yaml order. Infra
// grants each function the secrets of exactly these connections, so the two never disagree.
func Needs(cfg *config.File, role Role) (connections, flows []string) {
	want := map[string]bool{}
	var fl []string
	for _, f := range cfg.Flows {
		switch role {
		case RoleWebhook:
			if w := f.Trigger.Webhook; w != nil {
				want[w.Connection] = true
			}
			continue
		case RoleSchedule:
			if f.Trigger.Schedule == nil {
				continue
			}
		}
		fl = append(fl, f.Name)
		for _, name := range flowConnections(cfg, f, map[string]bool{}) {
			want[name] = true
		}
	}
	if a := cfg.Alerts; a != nil && RaisesAlerts(role) {
		want[a.Chat] = true
		if a.Issues != "" {
			want[a.Issues] = true
		}
	}
	for _, c := range cfg.Connections {
		if role == RoleAll || want[c.Name] {
			connections = append(connections, c.Name)
		}
	}
	if role == RoleAll {
		fl = fl[:0]
		for _, f := range cfg.Flows {
			fl = append(fl, f.Name)
		}
	}
	return connections, slices.Clip(fl)
}

// mappingConnections are the connections a flow's mapping names (its type's fields of type
// config.ConnectionRef).
func mappingConnections(f config.Flow) []string { return mappingRefs(f, config.ConnectionRef) }

// mappingFlows are the flows a flow's mapping names (fields of type config.FlowRef).
func mappingFlows(f config.Flow) []string { return mappingRefs(f, config.FlowRef) }

// mappingRefs are the values of f's mapping fields of type t.
func mappingRefs(f config.Flow, t config.FieldType) []string {
	ft, ok := hub.LookupFlowType(f.Type)
	if !ok {
		return nil
	}
	var out []string
	for _, field := range ft.Spec.Mapping {
		if field.Type != t {
			continue
		}
		if name, ok := f.Mapping[field.Name].(string); ok && name != "" {
			out = append(out, name)
		}
	}
	return out
}

// flowConnections are the connections building f takes: its source, its target, the
// connections its mapping names, and those of the flows its mapping names (built with it).
func flowConnections(cfg *config.File, f config.Flow, seen map[string]bool) []string {
	if seen[f.Name] {
		return nil
	}
	seen[f.Name] = true
	out := append([]string{f.Source, f.Target}, mappingConnections(f)...)
	for _, name := range mappingFlows(f) {
		if rf, err := cfg.Flow(name); err == nil {
			out = append(out, flowConnections(cfg, *rf, seen)...)
		}
	}
	return out
}

// RaisesAlerts reports whether a role raises operations alerts, and so builds the
// connections hub.yaml's alerts section names: the roles that plan runs and deliver (the
// webhook role only enqueues, and its failures are the vendor's retries).
func RaisesAlerts(role Role) bool {
	return role == RoleAll || role == RoleWorker || role == RoleSchedule
}
