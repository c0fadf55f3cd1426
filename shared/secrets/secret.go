// Package secrets looks up connection credentials (environment, a 0600 file, or Secrets
// Manager in AWS) and holds them in a Secret, a type that never prints its value.
package secrets

import (
	"fmt"
	"log/slog"
)

// Redacted is what a Secret prints as, everywhere.
const Redacted = "[redacted]"

// Secret holds a credential. Its String, GoString, Format, MarshalJSON, MarshalText and slog
// value all print [redacted]; only Reveal gives the value, at the one place that sends it.
//
// The value sits behind a pointer because fmt cannot call the methods of a value held in an
// unexported field: it prints such a field by reflection, and there a nested pointer prints
// as an address, never as what it points to.
type Secret struct{ value *string }

// New wraps a credential.
func New(value string) Secret { return Secret{value: &value} }

// Reveal returns the credential. Call it only where the value leaves for its vendor.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return *s.value
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// String prints [redacted].
func (Secret) String() string { return Redacted }

// GoString prints [redacted], also for %#v.
func (Secret) GoString() string { return Redacted }

// Format prints [redacted] for every verb, so %s, %v, %q, %x and %d cannot leak the value.
func (Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalJSON prints "[redacted]".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText prints [redacted] (YAML and other text encoders).
func (Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// LogValue prints [redacted] in slog records.
func (Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }
