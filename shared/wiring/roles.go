package wiring

import (
	"slices"
	"strings"

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
	// RoleWebhook verifies webhooks: the connections whose webhooks start flows (trigger.webhook
	// and the type's AlsoTriggeredBy), no flow. It verifies them for every flow, those of the
	// functions of their own included.
	RoleWebhook Role = "webhook"
	// RoleSchedule plans scheduled flows that the shared functions run: their sources and
	// targets.
	RoleSchedule Role = "schedule"
	// RoleWorker delivers for every flow the shared functions run and plans the
	// webhook-triggered ones: their sources and targets.
	RoleWorker Role = "worker"
)

// functionRolePrefix starts the role of a function of its own (FunctionRole).
const functionRolePrefix = "function:"

// FunctionRole is the role of an AWS function of its own, named by hub.FlowType.Function:
// it plans and delivers exactly the flows whose type names that function, with their
// connections and the alert connections. The shared schedule and worker roles build none
// of those flows, so the shared binaries need not link their types.
func FunctionRole(function string) Role { return Role(functionRolePrefix + function) }

// Function names the function of its own that r is the role of (FunctionRole); "" for the
// shared roles.
func (r Role) Function() string {
	name, ok := strings.CutPrefix(string(r), functionRolePrefix)
	if !ok {
		return ""
	}
	return name
}

// FlowFunction tells where flows of a type run in AWS: function is the type's
// hub.FlowType.Function ("" for the shared functions), and linked reports whether this
// binary declares the type at all (every binary that imports shared/flows/all declares
// every type, the chat bot's included, even where it does not carry its code).
func FlowFunction(flowType string) (function string, linked bool) {
	ft, ok := hub.LookupFlowType(flowType)
	return ft.Function, ok
}

// Functions returns the functions of their own that cfg's flows run in (the Function of
// their types), sorted, each once: infra declares one function and one queue for each. Only
// the types this binary links are known; infra links them all.
func Functions(cfg *config.File) []string {
	var out []string
	for _, f := range cfg.Flows {
		if fn, _ := FlowFunction(f.Type); fn != "" {
			out = append(out, fn)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// builds reports whether role builds flow f (as a flow of its own, not as one another
// flow's mapping names).
func builds(role Role, f config.Flow) bool {
	fn, linked := FlowFunction(f.Type)
	switch role {
	case RoleAll:
		return true
	case RoleWebhook:
		return false
	case RoleSchedule:
		return f.Trigger.Schedule != nil && linked && fn == ""
	case RoleWorker:
		return linked && fn == ""
	}
	return linked && fn != "" && fn == role.Function()
}

// Needs returns the connections and flows a role builds, each in hub.yaml order. Infra
// grants each function the secrets of exactly these connections, so the two never disagree.
func Needs(cfg *config.File, role Role) (connections, flows []string) {
	want := map[string]bool{}
	var fl []string
	for _, f := range cfg.Flows {
		if role == RoleWebhook {
			for _, name := range WebhookConnections(f) {
				want[name] = true
			}
			continue
		}
		if !builds(role, f) {
			continue
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
	return role == RoleAll || role == RoleWorker || role == RoleSchedule || role.Function() != ""
}
