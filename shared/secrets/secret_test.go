package secrets_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/secrets"
)

// credential is what must never show up in any output below.
const credential = "tok-9f2c-DO-NOT-PRINT"

// holder is how connectors keep credentials: exported and unexported fields, by value and
// by pointer.
type holder struct {
	Token   secrets.Secret
	Pointer *secrets.Secret
	token   secrets.Secret
	nested  struct{ inner secrets.Secret }
}

func newHolder() holder {
	s := secrets.New(credential)
	h := holder{Token: s, Pointer: &s, token: s}
	h.nested.inner = s
	return h
}

func assertRedacted(t *testing.T, what, out string) {
	t.Helper()
	if strings.Contains(out, credential) {
		t.Fatalf("%s leaks the credential: %s", what, out)
	}
	if !strings.Contains(out, secrets.Redacted) {
		t.Fatalf("%s does not say %s: %s", what, secrets.Redacted, out)
	}
}

func TestSecretRevealsItsValueOnlyThroughReveal(t *testing.T) {
	t.Parallel()
	s := secrets.New(credential)
	if s.Reveal() != credential {
		t.Fatalf("Reveal() = %q", s.Reveal())
	}
	if s.IsZero() {
		t.Fatal("IsZero() = true for a set secret")
	}
	var zero secrets.Secret
	if !zero.IsZero() || zero.Reveal() != "" {
		t.Fatalf("zero Secret: IsZero() = %v, Reveal() = %q", zero.IsZero(), zero.Reveal())
	}
	if !secrets.New("").IsZero() {
		t.Fatal("New(\"\").IsZero() = false")
	}
}

func TestSecretNeverPrintsThroughFmt(t *testing.T) {
	t.Parallel()
	s := secrets.New(credential)
	h := newHolder()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		assertRedacted(t, "the secret with "+verb, fmt.Sprintf(verb, s))
		assertRedacted(t, "a pointer to the secret with "+verb, fmt.Sprintf(verb, &s))
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assertRedacted(t, "a struct holding it with "+verb, fmt.Sprintf(verb, h))
		assertRedacted(t, "a pointer to a struct holding it with "+verb, fmt.Sprintf(verb, &h))
		assertRedacted(t, "a slice of it with "+verb, fmt.Sprintf(verb, []secrets.Secret{s}))
		assertRedacted(t, "a map of it with "+verb, fmt.Sprintf(verb, map[string]secrets.Secret{"k": s}))
	}
	// %q on a struct is a vet error in literal form, yet code reaches it through variables.
	quoted := "%q"
	assertRedacted(t, "a struct holding it with %q", fmt.Sprintf(quoted, h))
	assertRedacted(t, "Println", fmt.Sprintln(s, h))
	assertRedacted(t, "an error wrapping it", fmt.Errorf("call failed with %v", s).Error())
}

func TestSecretNeverPrintsThroughJSONOrText(t *testing.T) {
	t.Parallel()
	h := newHolder()
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	assertRedacted(t, "json.Marshal of a struct", string(b))
	b, err = json.Marshal(map[string]secrets.Secret{"k": secrets.New(credential)})
	if err != nil {
		t.Fatal(err)
	}
	assertRedacted(t, "json.Marshal of a map", string(b))
	b, err = secrets.New(credential).MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	assertRedacted(t, "MarshalText", string(b))
}

func TestSecretNeverPrintsThroughSlog(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		handler func(*bytes.Buffer) slog.Handler
	}{
		{"the JSON handler", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
		{"the text handler", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			log := slog.New(tc.handler(&buf))
			s := secrets.New(credential)
			h := newHolder()
			log.Info("calling vendor", "token", s, "pointer", &s, "holder", h, "holder_ptr", &h,
				slog.Group("auth", "token", s), slog.Any("any", s))
			log.With("token", s).Info("derived logger")
			assertRedacted(t, tc.name, buf.String())
		})
	}
}
