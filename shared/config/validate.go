package config

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// walker validates a YAML tree against a spec and returns the tree's values: an object is a
// map[string]any (defaults filled in), a kindMap an []entry in file order, a list an []any,
// a scalar its Go value (a format's parse result). Every problem is collected, not only the
// first; a value with a problem is left out, so its parents go on being checked.
type walker struct {
	file string
	errs Errors
	// sets holds, per kindMap names ("connection"), its keys in file order.
	sets map[string][]string
	refs []refUse
	// at records where each path sits, so later checks can point at it (File.ErrorAt).
	at map[string]position
	// budget bounds the nodes visited: aliases can make a small file a very large tree.
	budget int
}

type entry struct {
	name  string
	value any
}

type refUse struct {
	set, name, path string
	node            *yaml.Node
}

type position struct{ line, column int }

// maxNodes is far more than any real hub.yaml has.
const maxNodes = 100_000

func newWalker(file string) *walker {
	return &walker{file: file, sets: map[string][]string{}, at: map[string]position{}, budget: maxNodes}
}

func (w *walker) fail(at *yaml.Node, path, msg string, args ...any) {
	e := &Error{File: w.file, Path: path, Message: fmt.Sprintf(msg, args...)}
	if at != nil {
		e.Line, e.Column = at.Line, at.Column
	}
	w.errs = append(w.errs, e)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// value checks n against s. key is the mapping key n sits under, if any: errors about the
// value as a whole (a missing key inside it) point there.
func (w *walker) value(s *spec, n *yaml.Node, path string, key *yaml.Node) any {
	if w.budget--; w.budget < 0 {
		if w.budget == -1 {
			w.fail(n, path, "too many values (over %d, counting aliases expanded); simplify the file", maxNodes)
		}
		return nil
	}
	n = resolve(n)
	switch s.kind {
	case kindObject:
		return w.object(s, n, path, key)
	case kindMap:
		return w.mapping(s, n, path)
	case kindList:
		return w.list(s, n, path)
	case kindAny:
		var v any
		if err := n.Decode(&v); err != nil {
			w.fail(n, path, "cannot read this value")
			return nil
		}
		return v
	}
	return w.scalar(s, n, path)
}

type pair struct{ key, value *yaml.Node }

// pairs returns n's key/value pairs, refusing duplicate and non-scalar keys; ok is false when
// n is not a mapping.
func (w *walker) pairs(s *spec, n *yaml.Node, path string) (out []pair, ok bool) {
	if n.Kind != yaml.MappingNode {
		w.fail(n, path, "want %s, got %s", s.want(), describe(n))
		return nil, false
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			w.fail(k, path, "a key must be a plain name, got %s", describe(k))
			continue
		}
		if prev, dup := first[k.Value]; dup {
			w.fail(k, join(path, k.Value), "duplicate key %q (first at line %d)", k.Value, prev.Line)
			continue
		}
		first[k.Value] = k
		out = append(out, pair{k, v})
	}
	return out, true
}

func (w *walker) object(s *spec, n *yaml.Node, path string, key *yaml.Node) any {
	pairs, ok := w.pairs(s, n, path)
	if !ok {
		return nil
	}
	at := n
	if key != nil {
		at = key
	}
	var discriminator string
	if s.variants != nil {
		if i := slices.IndexFunc(pairs, func(p pair) bool { return p.key.Value == s.variants.key }); i >= 0 {
			discriminator = pairs[i].value.Value
		}
	}
	props := s.propsFor(discriminator)
	out := map[string]any{}
	present := map[string]*yaml.Node{}
	for _, p := range pairs {
		name, sub := p.key.Value, join(path, p.key.Value)
		w.at[sub] = position{p.key.Line, p.key.Column}
		present[name] = p.key
		i := slices.IndexFunc(props, func(pr prop) bool { return pr.name == name })
		switch {
		case i < 0:
			w.fail(p.key, sub, "unknown key %q%s; allowed: %s", name,
				didYouMean(name, allowedKeys(props)), strings.Join(allowedKeys(props), ", "))
		case props[i].forbidden != "":
			w.fail(p.key, sub, "%s", props[i].forbidden)
		default:
			if v := w.value(props[i].spec, p.value, sub, p.key); v != nil {
				out[name] = v
			}
		}
	}
	for _, pr := range props {
		if present[pr.name] != nil || pr.forbidden != "" {
			continue
		}
		switch {
		case pr.required:
			w.fail(at, path, "missing required key %q (want %s)", pr.name, pr.spec.want())
		case pr.spec.def != nil:
			var def yaml.Node
			if err := def.Encode(pr.spec.def); err != nil {
				panic(fmt.Sprintf("config: default of %s: %v", join(path, pr.name), err))
			}
			out[pr.name] = w.value(pr.spec, &def, join(path, pr.name), nil)
		case pr.spec.kind == kindObject && !pr.spec.mustHaveKeys():
			// An absent section still has its defaults, so code reads them from one place.
			out[pr.name] = w.value(pr.spec, &yaml.Node{Kind: yaml.MappingNode}, join(path, pr.name), nil)
		}
	}
	for _, d := range s.needs {
		if present[d.key] == nil {
			continue
		}
		for _, need := range d.needs {
			if present[need] == nil {
				w.fail(present[d.key], join(path, d.key), "%s needs %s beside it", d.key, need)
			}
		}
	}
	if len(pairs) < s.minKeys {
		w.fail(at, path, "want at least %d of %s", s.minKeys, strings.Join(allowedKeys(props), ", "))
	}
	return out
}

func (w *walker) mapping(s *spec, n *yaml.Node, path string) any {
	pairs, ok := w.pairs(s, n, path)
	if !ok {
		return nil
	}
	out := []entry{}
	for _, p := range pairs {
		name, sub := p.key.Value, join(path, p.key.Value)
		w.at[sub] = position{p.key.Line, p.key.Column}
		if s.keys != nil {
			if _, err := s.keys.parse(name); err != nil {
				w.fail(p.key, sub, "%q: %v; want %s", name, err, s.keys.want)
			}
		}
		if s.names != "" {
			w.sets[s.names] = append(w.sets[s.names], name)
		}
		if v := w.value(s.elem, p.value, sub, p.key); v != nil {
			out = append(out, entry{name, v})
		}
	}
	return out
}

func (w *walker) list(s *spec, n *yaml.Node, path string) any {
	if n.Kind != yaml.SequenceNode {
		w.fail(n, path, "want %s, got %s", s.want(), describe(n))
		return nil
	}
	out := []any{}
	firstAt := map[string]int{}
	for i, item := range n.Content {
		sub := fmt.Sprintf("%s[%d]", path, i)
		item = resolve(item)
		w.at[sub] = position{item.Line, item.Column}
		if s.unique && item.Kind == yaml.ScalarNode {
			if j, dup := firstAt[item.Value]; dup {
				w.fail(item, sub, "%q is listed twice (first as item %d)", item.Value, j)
				continue
			}
			firstAt[item.Value] = i
		}
		if v := w.value(s.elem, item, sub, nil); v != nil {
			out = append(out, v)
		}
	}
	return out
}

// scalarTags maps each scalar kind to the YAML tag it takes: a quoted "1" is a string, a
// bare 1 an integer, as in JSON Schema, so editors and the validator agree.
var scalarTags = map[kind]string{kindString: "!!str", kindInt: "!!int", kindBool: "!!bool"}

func (w *walker) scalar(s *spec, n *yaml.Node, path string) any {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != scalarTags[s.kind] {
		msg := fmt.Sprintf("want %s, got %s", s.want(), describe(n))
		if s.quotingFixes(n) {
			msg += fmt.Sprintf(` (quote it to make it a string: "%s")`, n.Value)
		}
		w.fail(n, path, "%s", msg)
		return nil
	}
	switch s.kind {
	case kindInt:
		var i int
		if err := n.Decode(&i); err != nil {
			w.fail(n, path, "%s is too large; want %s", n.Value, s.want())
			return nil
		}
		if len(s.enum) > 0 && !slices.Contains(s.enum, any(i)) {
			w.fail(n, path, "%d is not allowed; want %s", i, s.want())
			return nil
		}
		if s.limits != nil && (i < s.limits.min || i > s.limits.max) {
			msg := fmt.Sprintf("%d is out of range %d-%d", i, s.limits.min, s.limits.max)
			if s.hint != "" {
				msg += "; " + s.hint
			}
			w.fail(n, path, "%s", msg)
			return nil
		}
		return i
	case kindBool:
		var b bool
		if err := n.Decode(&b); err != nil {
			w.fail(n, path, "want true or false, got %s", describe(n))
			return nil
		}
		return b
	}
	v := n.Value
	if s.format != nil {
		parsed, err := s.format.parse(v)
		if err != nil {
			w.fail(n, path, "%q: %v; want %s", s.format.shown(v), err, s.format.want)
			return nil
		}
		return parsed
	}
	// An empty enum (nothing registered) allows nothing; only a nil one allows anything.
	if s.enum != nil && !slices.Contains(s.enum, any(v)) {
		w.fail(n, path, "%s", unknownValue(s, v))
		return nil
	}
	if s.ref != "" {
		w.refs = append(w.refs, refUse{set: s.ref, name: v, path: path, node: n})
	}
	return v
}

// quotingFixes reports whether n, a bare number or boolean, would pass s once quoted.
func (s *spec) quotingFixes(n *yaml.Node) bool {
	if s.kind != kindString || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return false
	}
	if s.format != nil {
		_, err := s.format.parse(n.Value)
		return err == nil
	}
	return s.enum == nil || slices.Contains(s.enum, any(n.Value))
}

func unknownValue(s *spec, v string) string {
	var known []string
	for _, e := range s.enum {
		known = append(known, e.(string))
	}
	switch {
	case s.what == "":
		return fmt.Sprintf("%q is not allowed%s; want %s", v, didYouMean(v, known), s.want())
	case len(known) == 0:
		return fmt.Sprintf("unknown %s %q; no %ss are registered", s.what, v, s.what)
	}
	return fmt.Sprintf("unknown %s %q%s; known %ss: %s", s.what, v, didYouMean(v, known), s.what, strings.Join(known, ", "))
}

// checkRefs runs once the whole file is read, since a flow may name a connection declared
// below it.
func (w *walker) checkRefs() {
	for _, r := range w.refs {
		known := w.sets[r.set]
		if slices.Contains(known, r.name) {
			continue
		}
		if len(known) == 0 {
			w.fail(r.node, r.path, "unknown %s %q; no %ss are declared", r.set, r.name, r.set)
			continue
		}
		w.fail(r.node, r.path, "unknown %s %q%s; %ss: %s", r.set, r.name,
			didYouMean(r.name, known), r.set, strings.Join(known, ", "))
	}
}

func didYouMean(got string, candidates []string) string {
	if s := suggest(got, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// describe says what a node is, for "want …, got …".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.DocumentNode, 0:
		return "nothing"
	}
	v := n.Value
	if len([]rune(v)) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing (null)"
	case "!!str":
		return fmt.Sprintf("string %q", v)
	case "!!int":
		return "integer " + v
	case "!!float":
		return "number " + v
	case "!!bool":
		return v
	case "!!timestamp":
		return "date " + v
	}
	return n.ShortTag() + " " + v
}
