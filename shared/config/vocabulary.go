package config

// Vocabulary tells the config what exists (registered connectors and flow types) without
// config importing the hub: the hub builds it from its registries and passes it to Parse,
// Load and GenerateSchema.
type Vocabulary struct {
	// Vendors maps each registered connector's vendor name to its settings and secret fields.
	Vendors map[string][]Field
	// FlowTypes maps each registered flow type to what its flows may say.
	FlowTypes map[string]FlowTypeSpec
}

// TriggerKind names a way a flow can be started.
type TriggerKind string

// The triggers hub.yaml knows.
const (
	TriggerSchedule TriggerKind = "schedule"
	TriggerWebhook  TriggerKind = "webhook"
)

// FlowTypeSpec declares what a flow type accepts in hub.yaml. Whether its source and target
// connections can do what it needs is the hub's check, not the config's.
type FlowTypeSpec struct {
	// Summary is one line for editors and `urakata flows`.
	Summary string
	// Triggers are the triggers a flow of this type may have.
	Triggers []TriggerKind
	// NeedsPeriod makes `period` (pay period rules) required; without it, `period` is refused.
	NeedsPeriod bool
	// Mapping declares the keys of the flow's `mapping`.
	Mapping []Field
}

// Field types for mapping keys, beyond the scalar ones a connector setting takes.
const (
	// StringList is a list of strings, e.g. match: [code, email]; Enum constrains each item.
	StringList FieldType = "[]string"
	// StringMap maps strings to strings, e.g. overrides: {"E042": "E042-B"}.
	StringMap FieldType = "map[string]string"
	// ConnectionRef names another connection of the same file, e.g. notify: slack (a flow
	// that also tells people in chat). The hub builds it for the flow (FlowEnv.Connections).
	ConnectionRef FieldType = "connection"
	// FlowRef names another flow of the same file, e.g. expenses: expense-to-accounting (the
	// chat bot reports what that flow did with an employee's claims). The hub builds it for
	// the flow (FlowEnv.Flows), with its connections.
	FlowRef FieldType = "flow"
)
