package xerotest

import (
	"fmt"
	"strings"
)

// where is a parsed where filter: terms of Field=="value" or Field!="value", joined by AND
// (&&) and OR (||), AND binding tighter. That is the part of Xero's filter syntax the
// sandbox understands; anything else is answered 400 so that a test cannot rely on a
// filter the sandbox ignored.
type where [][]term // OR of ANDs

type term struct {
	field, value string
	not          bool
}

// parseWhere reads a where filter; the empty filter matches everything.
func parseWhere(s string) (where, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var w where
	var and []term
	rest := s
	for {
		t, after, err := parseTerm(rest)
		if err != nil {
			return nil, fmt.Errorf("xerotest: where %q: %w; the sandbox understands Field==\"value\" and Field!=\"value\" joined by AND and OR", s, err)
		}
		and = append(and, t)
		after = strings.TrimSpace(after)
		if after == "" {
			w = append(w, and)
			return w, nil
		}
		switch {
		case hasWord(after, "AND"):
			rest = after[3:]
		case strings.HasPrefix(after, "&&"):
			rest = after[2:]
		case hasWord(after, "OR"):
			rest, w, and = after[2:], append(w, and), nil
		case strings.HasPrefix(after, "||"):
			rest, w, and = after[2:], append(w, and), nil
		default:
			return nil, fmt.Errorf("xerotest: where %q: unexpected %q; the sandbox understands Field==\"value\" and Field!=\"value\" joined by AND and OR", s, after)
		}
	}
}

func hasWord(s, word string) bool {
	return len(s) > len(word) && strings.EqualFold(s[:len(word)], word) && (s[len(word)] == ' ' || s[len(word)] == '\t')
}

// parseTerm reads Field=="value" (or !=) from the start of s.
func parseTerm(s string) (term, string, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "=!")
	if i <= 0 || i+2 > len(s) || s[i+1] != '=' {
		return term{}, "", fmt.Errorf("want Field==\"value\" at %q", s)
	}
	t := term{field: strings.TrimSpace(s[:i]), not: s[i] == '!'}
	rest := strings.TrimSpace(s[i+2:])
	if !strings.HasPrefix(rest, `"`) {
		return term{}, "", fmt.Errorf("want a quoted value after %s", t.field)
	}
	var b strings.Builder
	for j := 1; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			if j+1 < len(rest) {
				j++
				b.WriteByte(rest[j])
			}
		case '"':
			t.value = b.String()
			return t, rest[j+1:], nil
		default:
			b.WriteByte(rest[j])
		}
	}
	return term{}, "", fmt.Errorf("unterminated value after %s", t.field)
}

// match reports whether a record whose fields get returns matches; a field the record does
// not have matches no term.
func (w where) match(get func(field string) (string, bool)) bool {
	if len(w) == 0 {
		return true
	}
	for _, and := range w {
		ok := true
		for _, t := range and {
			v, has := get(t.field)
			if !has || (v == t.value) == t.not {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// fields checks that every field the filter names is one get knows, so that a filter on a
// field the sandbox does not model is refused rather than silently matching nothing.
func (w where) fields(known ...string) error {
	for _, and := range w {
		for _, t := range and {
			found := false
			for _, k := range known {
				if strings.EqualFold(k, t.field) {
					found = true
				}
			}
			if !found {
				return fmt.Errorf("xerotest: where: the sandbox filters on %s only, not %s", strings.Join(known, ", "), t.field)
			}
		}
	}
	return nil
}
