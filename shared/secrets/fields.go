package secrets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// MissingFieldsError says which fields an object secret lacks, by name only.
type MissingFieldsError struct {
	Missing []string
	// Want is every field the caller asked for, to show the expected shape.
	Want []string
}

func (e *MissingFieldsError) Error() string {
	return fmt.Sprintf("secret lacks field(s) %s; want an object with %s",
		strings.Join(e.Missing, ", "), strings.Join(e.Want, ", "))
}

// DecodeFields reads an object secret, such as {"client_id": "…", "client_secret": "…",
// "refresh_token": "…"}, into one Secret per field. With names it returns exactly those
// fields and a *MissingFieldsError naming any that are absent or empty; without names it
// returns every field. Numbers are taken as their text; any other non-string value is an
// error. No error ever carries a value.
func DecodeFields(s Secret, names ...string) (map[string]Secret, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s.Reveal()), &obj); err != nil || obj == nil {
		if len(names) == 0 {
			return nil, fmt.Errorf("secret is not a JSON object")
		}
		return nil, fmt.Errorf("secret is not a JSON object; want an object with %s", strings.Join(names, ", "))
	}
	if len(names) == 0 {
		for name := range obj {
			names = append(names, name)
		}
		slices.Sort(names)
	}
	out := make(map[string]Secret, len(names))
	var missing []string
	for _, name := range names {
		v, err := fieldText(obj[name])
		if err != nil {
			return nil, fmt.Errorf("secret field %s: %w", name, err)
		}
		if v == "" {
			missing = append(missing, name)
			continue
		}
		out[name] = New(v)
	}
	if len(missing) > 0 {
		return nil, &MissingFieldsError{Missing: missing, Want: names}
	}
	return out, nil
}

// fieldText returns a field's value as text; "" for an absent or null field.
func fieldText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch c := raw[0]; {
	case c == '"':
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", fmt.Errorf("not a valid JSON string")
		}
		return v, nil
	case c == '-' || ('0' <= c && c <= '9'):
		return string(raw), nil
	}
	return "", fmt.Errorf("want a string")
}
