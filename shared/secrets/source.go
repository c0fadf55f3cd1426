package secrets

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Source finds a connection's credential by the secret name hub.yaml gives it
// (connections.<name>.secret).
type Source interface {
	// Lookup returns the secret called name. A secret the source does not hold is a
	// *NotFoundError (errors.Is(err, ErrNotFound)); any other error means the source itself
	// failed (an unreadable or insecure file) and must not be skipped over. Errors never
	// carry a secret's value.
	Lookup(ctx context.Context, name string) (Secret, error)
}

// ErrNotFound matches every *NotFoundError with errors.Is.
var ErrNotFound = errors.New("secret not found")

// NotFoundError says which secret is missing and every place that was searched, so an
// operator can put it where urakata looks.
type NotFoundError struct {
	// Name is the secret's name as hub.yaml gives it, e.g. FREEE_HR.
	Name string
	// Connection is the hub.yaml connection that needs it; empty when not known.
	Connection string
	// Tried lists the places looked in, in order, e.g. "environment variable
	// URAKATA_SECRET_FREEE_HR".
	Tried []string
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "secret %q", e.Name)
	if e.Connection != "" {
		fmt.Fprintf(&b, " for connection %s", e.Connection)
	}
	b.WriteString(" not found; ")
	if len(e.Tried) == 0 {
		b.WriteString("no secret sources are configured")
	} else {
		b.WriteString("looked in: ")
		b.WriteString(strings.Join(e.Tried, ", "))
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ForConnection looks name up in src for a hub.yaml connection, so that a miss names the
// connection as well as the secret.
func ForConnection(ctx context.Context, src Source, connection, name string) (Secret, error) {
	s, err := src.Lookup(ctx, name)
	if nf, ok := errors.AsType[*NotFoundError](err); ok {
		withConn := *nf
		withConn.Connection = connection
		return Secret{}, &withConn
	}
	if err != nil {
		return Secret{}, fmt.Errorf("secret %q for connection %s: %w", name, connection, err)
	}
	return s, nil
}

// Chain returns a Source that asks each source in turn: the first that holds the secret
// wins. A miss lists every place tried; a source that fails (rather than misses) stops the
// search, so a broken file is reported instead of silently falling through to another value.
func Chain(sources ...Source) Source { return chain(sources) }

type chain []Source

func (c chain) Lookup(ctx context.Context, name string) (Secret, error) {
	miss := &NotFoundError{Name: name}
	for _, src := range c {
		if err := ctx.Err(); err != nil {
			return Secret{}, fmt.Errorf("look up secret %q: %w", name, err)
		}
		s, err := src.Lookup(ctx, name)
		if nf, ok := errors.AsType[*NotFoundError](err); ok {
			miss.Tried = append(miss.Tried, nf.Tried...)
			continue
		}
		if err != nil {
			return Secret{}, err
		}
		return s, nil
	}
	return Secret{}, miss
}

// Static holds secrets in memory, by name: for tests and the sandbox. An empty value counts
// as missing.
type Static map[string]string

// Lookup returns the secret called name.
func (m Static) Lookup(_ context.Context, name string) (Secret, error) {
	v, ok := m[name]
	if !ok || v == "" {
		return Secret{}, &NotFoundError{Name: name, Tried: []string{"static secrets"}}
	}
	return New(v), nil
}

var (
	_ Source = chain(nil)
	_ Source = Static(nil)
)
