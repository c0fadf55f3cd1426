package config

import (
	"fmt"
	"slices"
	"strings"
)

// The structure of hub.yaml is declared once, as spec values (hubspec.go). The validator
// (validate.go) and the JSON Schema generator (jsonschema.go) both read that one declaration,
// so what editors flag and what `urakata validate` rejects cannot drift apart. The few rules
// JSON Schema cannot express (a cron's field ranges, a zone's existence, references between
// connections and flows) live in formats and refs, and their descriptions say so.

// kind is the shape of a value in hub.yaml.
type kind int

const (
	kindObject kind = iota + 1 // fixed keys, each with its own spec
	kindMap                    // any keys (names), every value of one spec, kept in file order
	kindList
	kindString
	kindInt
	kindBool
	kindAny // anything; what it holds is checked elsewhere
)

// spec declares one value of hub.yaml.
type spec struct {
	kind kind
	doc  string
	// what names the value in messages ("vendor", "flow type"); optional.
	what string
	// def is the default, written as it would be in YAML ("2m", 4).
	def     any
	example any

	// kindObject
	props    []prop
	needs    []dependency // keys that require others beside them
	minKeys  int
	variants *variants

	// kindMap and kindList
	keys  *format // kindMap: what a key must look like; nil for any string
	elem  *spec   // map values, list items
	names string  // kindMap: the keys are "<names>"s that refs point at, e.g. "connection"

	unique bool // kindList: no item twice

	// scalars
	enum   []any
	limits *limits
	format *format // kindString
	ref    string  // kindString: must be a key of the kindMap whose names is ref
	hint   string  // explains a number's meaning in range errors
}

// prop is one key of an object.
type prop struct {
	name     string
	spec     *spec
	required bool
	// forbidden, when set, refuses the key and says why (a secret in settings, a period on
	// a flow type that has none).
	forbidden string
}

type dependency struct {
	key   string
	needs []string
}

type limits struct{ min, max int }

// variants lets the value of one key (a connection's vendor, a flow's type) refine the
// other keys: each case replaces props of the same name.
type variants struct {
	key   string
	cases []variant
}

type variant struct {
	value string
	props []prop
}

// propsFor returns the object's props once the variant chosen by discriminator applies.
func (s *spec) propsFor(discriminator string) []prop {
	if s.variants == nil {
		return s.props
	}
	i := slices.IndexFunc(s.variants.cases, func(c variant) bool { return c.value == discriminator })
	if i < 0 {
		return s.props
	}
	out := slices.Clone(s.props)
	for _, over := range s.variants.cases[i].props {
		j := slices.IndexFunc(out, func(p prop) bool { return p.name == over.name })
		if j < 0 {
			panic(fmt.Sprintf("config: variant %s=%s overrides unknown key %q", s.variants.key, discriminator, over.name))
		}
		out[j] = over
	}
	return out
}

// mustHaveKeys reports whether an empty mapping would fail s, so that an absent optional
// object is left absent rather than filled with its defaults.
func (s *spec) mustHaveKeys() bool {
	return s.minKeys > 0 || slices.ContainsFunc(s.props, func(p prop) bool { return p.required })
}

// want says what s allows, for messages.
func (s *spec) want() string {
	switch s.kind {
	case kindObject:
		return "a mapping with keys " + strings.Join(allowedKeys(s.props), ", ")
	case kindMap:
		return "a mapping"
	case kindList:
		return "a list, each item " + s.elem.want()
	case kindString:
		switch {
		case s.format != nil:
			return s.format.want
		case s.enum != nil && len(s.enum) == 0:
			return "a registered " + s.what + " (none are)"
		case s.enum != nil:
			return "one of " + list(s.enum)
		}
		return "a string"
	case kindInt:
		switch {
		case len(s.enum) == 1:
			return fmt.Sprint(s.enum[0])
		case len(s.enum) > 0:
			return "one of " + list(s.enum)
		case s.limits != nil:
			return fmt.Sprintf("an integer %d-%d", s.limits.min, s.limits.max)
		}
		return "an integer"
	case kindBool:
		return "true or false"
	}
	return "any value"
}

func allowedKeys(props []prop) []string {
	var out []string
	for _, p := range props {
		if p.forbidden == "" {
			out = append(out, p.name)
		}
	}
	return out
}

func list(values []any) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}
