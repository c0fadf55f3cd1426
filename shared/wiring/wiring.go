// Package wiring builds what a hub.yaml declares (every connection's connector and every
// flow) from the ports a runtime provides. The embedded runtime (shared/local) and the
// Lambda functions (functions/*) both build through it, so the same hub.yaml makes the same
// hub in either home; it links no storage adapter of its own.
package wiring

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

// Ports are what the runtime lends the connectors and flows it builds.
type Ports struct {
	// Secrets is where each connection's secret (connections.<name>.secret) is looked up.
	Secrets secrets.Source
	// Tokens keeps OAuth tokens between runs (and between processes).
	Tokens store.Tokens
	// Ledger is lent to the flows for lookups (what was delivered); nil when the runtime
	// has none to lend (validation, tests).
	Ledger store.Ledger
	Logger *slog.Logger
	// Now is the clock the flows read (tests); nil is time.Now.
	Now func() time.Time
	// Role limits what is built to what the role needs (see Needs); RoleAll builds all.
	Role Role
}

// Parts are the built connectors and flows of one hub.yaml.
type Parts struct {
	// Config is the hub.yaml they were built from.
	Config *config.File
	// Connections maps a connection name to its built connector (the value its New returned).
	Connections map[string]any
	// Flows maps a flow name to the flow bound to its target connection.
	Flows map[string]hub.BoundFlow
	// Alerts are the connections hub.yaml's alerts section names, built and checked; nil
	// when it has none or the role raises no alerts.
	Alerts *AlertConnections
}

// AlertConnections are where operations alerts go (hub.yaml's alerts section).
type AlertConnections struct {
	// Chat posts the alerts to Channel.
	Chat    hub.ChatPoster
	Channel string
	// Issues files them as issues; nil for chat alone.
	Issues hub.IssueTracker
}

// Build creates the connectors and flows cfg declares. A missing secret, an unknown vendor
// or flow type, or a connection that lacks a capability its flow needs is an error that
// names the connection or flow.
func Build(ctx context.Context, cfg *config.File, p Ports) (*Parts, error) {
	if p.Secrets == nil {
		p.Secrets = secrets.Static(nil)
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	parts := &Parts{Config: cfg, Connections: map[string]any{}, Flows: map[string]hub.BoundFlow{}}
	zone := cfg.Company.Zone
	conns, flows := Needs(cfg, p.Role)
	for _, c := range cfg.Connections {
		if !slices.Contains(conns, c.Name) {
			continue
		}
		conn, ok := hub.Connectors.Lookup(c.Vendor)
		if !ok {
			return nil, fmt.Errorf("connection %s: vendor %q is not in this binary", c.Name, c.Vendor)
		}
		var secret secrets.Secret
		if c.Secret != "" {
			s, err := secrets.ForConnection(ctx, p.Secrets, c.Name, c.Secret)
			if err != nil {
				return nil, err
			}
			secret = s
		}
		base := c.BaseURL
		if base == "" {
			base = conn.DefaultBaseURL
		}
		v, err := conn.New(ctx, hub.Env{
			Connection: c.Name, BaseURL: base, Settings: c.Settings, Secret: secret, SecretName: c.Secret,
			Tokens: p.Tokens, Zone: zone, Logger: p.Logger.With("connection", c.Name),
		})
		if err != nil {
			return nil, fmt.Errorf("connection %s: %w", c.Name, err)
		}
		parts.Connections[c.Name] = v
	}
	if cfg.Alerts != nil && RaisesAlerts(p.Role) {
		ac, err := alertConnections(cfg, parts.Connections)
		if err != nil {
			return nil, err
		}
		parts.Alerts = ac
	}
	b := flowBuilder{cfg: cfg, p: p, parts: parts, zone: zone, built: map[string]hub.Flow{}, building: map[string]bool{}}
	for _, f := range cfg.Flows {
		if !slices.Contains(flows, f.Name) {
			continue
		}
		flow, err := b.build(f)
		if err != nil {
			return nil, err
		}
		parts.Flows[f.Name] = hub.BoundFlow{Name: f.Name, Target: f.Target, Flow: flow}
	}
	return parts, nil
}

// flowBuilder builds each flow once, the flows a mapping names before the flow that names
// them.
type flowBuilder struct {
	cfg      *config.File
	p        Ports
	parts    *Parts
	zone     *time.Location
	built    map[string]hub.Flow
	building map[string]bool
}

func (b *flowBuilder) build(f config.Flow) (hub.Flow, error) {
	if flow, ok := b.built[f.Name]; ok {
		return flow, nil
	}
	if b.building[f.Name] {
		return nil, fmt.Errorf("flow %s: its mapping names flows that name it back; a flow may name another only if that one does not lead back to it", f.Name)
	}
	b.building[f.Name] = true
	defer delete(b.building, f.Name)
	ft, ok := hub.LookupFlowType(f.Type)
	if !ok {
		return nil, fmt.Errorf("flow %s: type %q is not in this binary", f.Name, f.Type)
	}
	if ft.New == nil {
		where := "a binary that imports its implementation"
		if ft.Function != "" {
			where = "the " + ft.Function + " function"
		}
		return nil, fmt.Errorf("flow %s: type %q is only declared in this binary; it runs in %s", f.Name, f.Type, where)
	}
	if err := checkCapabilities(b.cfg, f, ft); err != nil {
		return nil, err
	}
	// The connections the mapping names, and those of the flows it names (a chat bot that
	// reads the time clock of the payroll flow it names).
	refs := map[string]any{}
	for _, name := range flowConnections(b.cfg, f, map[string]bool{}) {
		refs[name] = b.parts.Connections[name]
	}
	var flowRefs map[string]hub.FlowRef
	for _, name := range mappingFlows(f) {
		rf, err := b.cfg.Flow(name)
		if err != nil {
			return nil, fmt.Errorf("flow %s: mapping: %w", f.Name, err)
		}
		ref, err := b.build(*rf)
		if err != nil {
			return nil, fmt.Errorf("flow %s: %w", f.Name, err)
		}
		if flowRefs == nil {
			flowRefs = map[string]hub.FlowRef{}
		}
		flowRefs[name] = hub.FlowRef{Config: *rf, Flow: ref}
	}
	flow, err := ft.New(hub.FlowEnv{
		Config: f, Source: b.parts.Connections[f.Source], Target: b.parts.Connections[f.Target], Connections: refs,
		Flows: flowRefs, Ledger: b.p.Ledger,
		Zone: b.zone, Logger: b.p.Logger.With("flow", f.Name), Now: b.p.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("flow %s: %w", f.Name, err)
	}
	b.built[f.Name] = flow
	return flow, nil
}

// WebhookConnections are the connections whose webhooks start f: its trigger's, and those
// its type's AlsoTriggeredBy fields name (a push to a chat bot's kb_repo). The webhook role
// builds their receivers and routes their events by it; infra lets a function take webhooks by it.
func WebhookConnections(f config.Flow) []string {
	var out []string
	if wh := f.Trigger.Webhook; wh != nil {
		out = append(out, wh.Connection)
	}
	if ft, ok := hub.LookupFlowType(f.Type); ok {
		for _, field := range ft.AlsoTriggeredBy {
			if name, ok := f.Mapping[field].(string); ok && name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

func checkCapabilities(cfg *config.File, f config.Flow, ft hub.FlowType) error {
	check := func(role, connName string, needs []hub.Capability) error {
		c, ok := cfg.Connection(connName)
		if !ok {
			return fmt.Errorf("flow %s: no connection %q", f.Name, connName)
		}
		conn, _ := hub.Connectors.Lookup(c.Vendor)
		for _, need := range needs {
			if !conn.Has(need) {
				return fmt.Errorf("flow %s: %s %s (vendor %s) cannot be a %s: it lacks %q; it offers %v", f.Name, role, connName, c.Vendor, role, need, conn.Capabilities)
			}
		}
		return nil
	}
	if err := check("source", f.Source, ft.SourceNeeds); err != nil {
		return err
	}
	return check("target", f.Target, ft.TargetNeeds)
}

// alertConnections checks that the alerts section's connections can do what it asks of
// them, as a flow's source and target are checked, and returns them built.
func alertConnections(cfg *config.File, built map[string]any) (*AlertConnections, error) {
	a := cfg.Alerts
	kindOf := func(key, name string, cap hub.Capability, what string) (any, error) {
		c, ok := cfg.Connection(name)
		if !ok {
			return nil, cfg.ErrorAt("alerts."+key, "no connection %q", name)
		}
		conn, _ := hub.Connectors.Lookup(c.Vendor)
		v := built[name]
		if !conn.Has(cap) || v == nil {
			return nil, cfg.ErrorAt("alerts."+key, "connection %s (vendor %s) cannot %s: it lacks %q; it offers %v", name, c.Vendor, what, cap, conn.Capabilities)
		}
		return v, nil
	}
	v, err := kindOf("chat", a.Chat, hub.CapChat, "post alerts to chat")
	if err != nil {
		return nil, err
	}
	chat, ok := v.(hub.ChatPoster)
	if !ok {
		return nil, cfg.ErrorAt("alerts.chat", "connection %s cannot post alerts to chat: its connector does not post messages", a.Chat)
	}
	ac := &AlertConnections{Chat: chat, Channel: a.Channel}
	if a.Issues == "" {
		return ac, nil
	}
	if v, err = kindOf("issues", a.Issues, hub.CapIssueTarget, "file alert issues"); err != nil {
		return nil, err
	}
	if ac.Issues, ok = v.(hub.IssueTracker); !ok {
		return nil, cfg.ErrorAt("alerts.issues", "connection %s cannot file alert issues: its connector does not open and close issues", a.Issues)
	}
	return ac, nil
}

// Flow resolves a hub.yaml flow name; it has the shape hub.Worker.Flows wants.
func (p *Parts) Flow(name string) (hub.BoundFlow, bool) {
	bf, ok := p.Flows[name]
	return bf, ok
}

// PeriodResolver is the optional ability of a flow to name the pay period a run covers.
type PeriodResolver interface {
	// ResolvePeriod returns label itself ("YYYY-MM") when given, otherwise the flow's
	// default period (usually the one that closed most recently in the company's zone).
	ResolvePeriod(label string) (string, error)
}

// ResolvePeriod names the pay period a run of flow covers: "" for a flow without pay
// periods. A schedule resolves it when it fires, so a job that waits in the queue still runs
// for the period it was meant for.
func (p *Parts) ResolvePeriod(flow, label string) (string, error) {
	bf, ok := p.Flows[flow]
	if !ok {
		return "", &config.UnknownFlowError{Name: flow, Known: p.Config.FlowNames()}
	}
	pr, ok := bf.Flow.(PeriodResolver)
	if !ok {
		return label, nil
	}
	period, err := pr.ResolvePeriod(label)
	if err != nil {
		return "", fmt.Errorf("flow %s: %w", flow, err)
	}
	return period, nil
}

// Ingress is the webhook front door for these parts: each connection whose connector
// receives webhooks, routed to the flows whose trigger names it.
func (p *Parts) Ingress(q queue.Queue, seen store.Deliveries, log *slog.Logger, now func() time.Time) *hub.Ingress {
	in := &hub.Ingress{Queue: q, Deliveries: seen, Receivers: map[string]hub.WebhookReceiver{}, Routes: map[string][]string{}, Logger: log, Now: now}
	for name, v := range p.Connections {
		if r, ok := v.(hub.WebhookReceiver); ok {
			in.Receivers[name] = r
		}
	}
	for _, f := range p.Config.Flows {
		for _, conn := range WebhookConnections(f) {
			in.Routes[conn] = append(in.Routes[conn], f.Name)
		}
	}
	return in
}

// Vocabulary tells hub.yaml validation which vendors and flow types this binary has (those
// registered by the connector and flow packages it links).
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
