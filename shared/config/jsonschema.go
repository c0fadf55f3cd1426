package config

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// GenerateSchema returns the JSON Schema (draft 2020-12) of hub.yaml for the connectors and
// flow types in v, for editors: a hub.yaml that starts with
//
//	# yaml-language-server: $schema=./hub.schema.json
//
// gets completion, descriptions and most errors as it is typed. It is generated from the
// same declaration Parse validates with; the rules JSON Schema cannot state (cron ranges,
// whether a zone exists, that source and target name declared connections) are only in
// their descriptions.
func GenerateSchema(v Vocabulary) ([]byte, error) {
	doc := append(jsonObject{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", "urakata hub.yaml"},
	}, schemaOf(documentSpec(v))...)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("config: write JSON Schema: %w", err)
	}
	return buf.Bytes(), nil
}

func schemaOf(s *spec) jsonObject {
	var o jsonObject
	if s.doc != "" {
		o = o.with("description", s.doc)
	}
	switch s.kind {
	case kindObject:
		o = o.with("type", "object")
		props, required := propsSchema(s.props)
		o = o.with("properties", props)
		if len(required) > 0 {
			o = o.with("required", required)
		}
		o = o.with("additionalProperties", false)
		if len(s.needs) > 0 {
			var deps jsonObject
			for _, d := range s.needs {
				deps = deps.with(d.key, d.needs)
			}
			o = o.with("dependentRequired", deps)
		}
		if s.minKeys > 0 {
			o = o.with("minProperties", s.minKeys)
		}
		if s.variants != nil && len(s.variants.cases) > 0 {
			o = o.with("allOf", variantsSchema(s.variants))
		}
	case kindMap:
		o = o.with("type", "object")
		if s.keys != nil {
			o = o.with("propertyNames", jsonObject{{"pattern", s.keys.pattern}})
		}
		o = o.with("additionalProperties", schemaOf(s.elem))
	case kindList:
		o = o.with("type", "array").with("items", schemaOf(s.elem))
		if s.unique {
			o = o.with("uniqueItems", true)
		}
	case kindString:
		o = o.with("type", "string")
		if f := s.format; f != nil {
			o = o.with("pattern", f.pattern)
			if f.jsonFormat != "" {
				o = o.with("format", f.jsonFormat)
			}
		}
	case kindInt:
		o = o.with("type", "integer")
		if s.limits != nil {
			o = o.with("minimum", s.limits.min).with("maximum", s.limits.max)
		}
	case kindBool:
		o = o.with("type", "boolean")
	}
	if s.enum != nil {
		o = o.with("enum", s.enum)
	}
	if s.def != nil {
		o = o.with("default", s.def)
	}
	if s.example != nil {
		o = o.with("examples", []any{s.example})
	}
	return o
}

func propsSchema(props []prop) (jsonObject, []string) {
	out := jsonObject{}
	var required []string
	for _, p := range props {
		if p.forbidden != "" {
			// "not: {}" refuses any value; the description is what an editor shows.
			out = out.with(p.name, jsonObject{{"description", p.forbidden}, {"not", jsonObject{}}})
			continue
		}
		out = out.with(p.name, schemaOf(p.spec))
		if p.required {
			required = append(required, p.name)
		}
	}
	return out, required
}

// variantsSchema states each variant as "if the key has this value, then these props".
// The base object lists every prop, so additionalProperties there still holds.
func variantsSchema(vs *variants) []jsonObject {
	var out []jsonObject
	for _, c := range vs.cases {
		props, required := propsSchema(c.props)
		then := jsonObject{{"properties", props}}
		if len(required) > 0 {
			then = then.with("required", required)
		}
		out = append(out, jsonObject{
			{"if", jsonObject{
				{"properties", jsonObject{{vs.key, jsonObject{{"const", c.value}}}}},
				{"required", []string{vs.key}},
			}},
			{"then", then},
		})
	}
	return out
}

// jsonObject is a JSON object that keeps its keys in the order written, so the schema file
// reads top-down like hub.yaml and diffs stay small.
type jsonObject []jsonMember

type jsonMember struct {
	key   string
	value any
}

func (o jsonObject) with(key string, value any) jsonObject {
	return append(o, jsonMember{key, value})
}

// MarshalJSON writes the members in order.
func (o jsonObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(m.key); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode ends with a newline
		buf.WriteByte(':')
		if err := enc.Encode(m.value); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
