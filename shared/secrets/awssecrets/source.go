// Package awssecrets is the AWS home's secrets.Source: each hub.yaml secret name is a
// Secrets Manager secret under a prefix (the connection secret FREEE_HR is
// "urakata/demo/FREEE_HR" with the prefix "urakata/demo/"), read with GetSecretValue and
// kept for a TTL, so a warm Lambda asks once per TTL and not once per delivery.
package awssecrets

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"golang.org/x/sync/singleflight"

	"github.com/urakata/urakata/shared/cache"
	"github.com/urakata/urakata/shared/secrets"
)

// DefaultTTL is how long a secret is kept when Options.TTL is zero: long enough to spare
// the API on a busy function, short enough that a secret IT staff fill in or rotate is
// picked up within minutes.
const DefaultTTL = 5 * time.Minute

// keptNames bounds how many secrets a Source keeps at once: far more than a hub has
// connections, so none is dropped before its TTL.
const keptNames = 256

// ErrInvalid says the options are unusable.
var ErrInvalid = errors.New("awssecrets: invalid options")

// Options configures a Source.
type Options struct {
	// Prefix goes before every name (URAKATA_SECRET_PREFIX, e.g. "urakata/demo/").
	Prefix string
	// TTL is how long a value read is used without asking again. Zero means DefaultTTL;
	// negative means never keep one.
	TTL time.Duration
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Source reads secrets from Secrets Manager. It is safe for concurrent use: concurrent
// lookups of one name share one call.
type Source struct {
	client *secretsmanager.Client
	opts   Options

	flight singleflight.Group
	// kept holds the values read, each for the TTL; nil when the TTL is negative.
	kept *cache.Recent[secrets.Secret]
}

var _ secrets.Source = (*Source)(nil)

// New returns a Source for the secrets under opts.Prefix. It makes no call.
func New(client *secretsmanager.Client, opts Options) (*Source, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: no Secrets Manager client", ErrInvalid)
	}
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Source{client: client, opts: opts}
	if opts.TTL > 0 {
		s.kept = cache.New[secrets.Secret](keptNames, opts.TTL)
		s.kept.Now = opts.Now
	}
	return s, nil
}

// SecretID returns the Secrets Manager secret that holds the hub.yaml secret name.
func (s *Source) SecretID(name string) string { return s.opts.Prefix + name }

// Lookup returns the secret called name. A secret that does not exist, has no value yet
// (created empty, to be filled by IT staff) or holds an empty string is a
// *secrets.NotFoundError naming the Secrets Manager secret tried. Misses are not kept: a
// secret filled in is found on the next lookup. A binary secret is read as its bytes.
func (s *Source) Lookup(ctx context.Context, name string) (secrets.Secret, error) {
	if v, ok := s.fresh(name); ok {
		return v, nil
	}
	ch := s.flight.DoChan(name, func() (any, error) {
		// A lookup that missed the cache just as an earlier call filled it finds it here.
		if v, ok := s.fresh(name); ok {
			return v, nil
		}
		// Whoever waits on this call may leave; the call itself runs to its end, so the
		// value it fetches is kept for the next lookup.
		return s.fetch(context.WithoutCancel(ctx), name)
	})
	select {
	case <-ctx.Done():
		return secrets.Secret{}, fmt.Errorf("look up secret %q in Secrets Manager: %w", name, ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return secrets.Secret{}, r.Err
		}
		return r.Val.(secrets.Secret), nil
	}
}

// fresh returns the kept value of name if its TTL has not run out.
func (s *Source) fresh(name string) (secrets.Secret, bool) {
	if s.kept == nil {
		return secrets.Secret{}, false
	}
	return s.kept.Get(name)
}

// fetch reads name from Secrets Manager and keeps it.
func (s *Source) fetch(ctx context.Context, name string) (secrets.Secret, error) {
	id := s.SecretID(name)
	out, err := s.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if _, ok := errors.AsType[*types.ResourceNotFoundException](err); ok {
		// Also what a secret with no value yet answers.
		return secrets.Secret{}, &secrets.NotFoundError{Name: name, Tried: []string{"Secrets Manager secret " + id}}
	}
	if err != nil {
		// The SDK's error names the operation and the service's message, never a value.
		return secrets.Secret{}, fmt.Errorf("read secret %q from Secrets Manager secret %s: %w", name, id, err)
	}
	value := aws.ToString(out.SecretString)
	if out.SecretString == nil {
		value = string(out.SecretBinary)
	}
	if value == "" {
		return secrets.Secret{}, &secrets.NotFoundError{Name: name, Tried: []string{"Secrets Manager secret " + id + " (empty)"}}
	}
	v := secrets.New(value)
	if s.kept != nil {
		s.kept.Put(name, v)
	}
	return v, nil
}
