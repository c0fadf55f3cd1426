package config

// FieldType is the kind of value a connector setting takes.
type FieldType string

// The field types a connector spec can declare.
const (
	String   FieldType = "string"
	Int      FieldType = "int"
	Bool     FieldType = "bool"
	Duration FieldType = "duration" // Go syntax: 90s, 5m, 1h30m
	URL      FieldType = "url"
)

// Field declares one setting of a connector, once, as data: validation, the JSON Schema for
// editors and `urakata connectors` all read it.
type Field struct {
	Name        string    `json:"name"`
	Type        FieldType `json:"type"`
	Description string    `json:"description"`
	Required    bool      `json:"required,omitempty"`
	// Secret marks a value that must come from the connection's secret, never from hub.yaml.
	Secret  bool     `json:"secret,omitempty"`
	Default any      `json:"default,omitempty"`
	Example any      `json:"example,omitempty"`
	Enum    []string `json:"enum,omitempty"`
}
