package config

import (
	"fmt"
	"time"
)

// fieldsSpec is the object a list of Fields declares: a connection's settings or a flow's
// mapping. A secret field is refused with secretHome, which says where it belongs instead.
func fieldsSpec(doc string, fields []Field, secretHome string) *spec {
	s := &spec{kind: kindObject, doc: doc}
	for _, f := range fields {
		if f.Secret {
			s.props = append(s.props, prop{name: f.Name, forbidden: fmt.Sprintf(
				"%s is secret and must not be in hub.yaml; it belongs in %s", f.Name, secretHome)})
			continue
		}
		s.props = append(s.props, prop{name: f.Name, required: f.Required, spec: fieldSpec(f)})
	}
	return s
}

// fieldSpec is the spec of one Field's value.
func fieldSpec(f Field) *spec {
	s := &spec{doc: f.Description, def: yamlValue(f.Default), example: yamlValue(f.Example)}
	var enum []any
	for _, e := range f.Enum {
		enum = append(enum, e)
	}
	switch f.Type {
	case String:
		s.kind, s.enum = kindString, enum
	case Int:
		s.kind = kindInt
	case Bool:
		s.kind = kindBool
	case Duration:
		s.kind, s.format = kindString, durationFormat
	case URL:
		s.kind, s.format = kindString, urlFormat
	case StringList:
		s.kind, s.unique = kindList, true
		s.elem = &spec{kind: kindString, enum: enum}
	case StringMap:
		s.kind, s.elem = kindMap, &spec{kind: kindString}
	case ConnectionRef:
		s.kind, s.ref = kindString, "connection"
	case FlowRef:
		s.kind, s.ref = kindString, "flow"
	default:
		// A type this package does not know is the connector's to check.
		s.kind = kindAny
	}
	return s
}

// yamlValue writes a Go default as hub.yaml would, so that it parses like a written value.
func yamlValue(v any) any {
	if d, ok := v.(time.Duration); ok {
		return durationText(d)
	}
	return v
}

// fieldValue turns a validated value into the Go type its Field promises a connector:
// StringList is []string and StringMap is map[string]string.
func fieldValue(t FieldType, v any) any {
	switch t {
	case StringList:
		items := v.([]any)
		out := make([]string, len(items))
		for i, item := range items {
			out[i] = item.(string)
		}
		return out
	case StringMap:
		out := map[string]string{}
		for _, e := range v.([]entry) {
			out[e.name] = e.value.(string)
		}
		return out
	}
	return v
}
