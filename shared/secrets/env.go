package secrets

import (
	"context"
	"os"
	"strings"
)

// DefaultEnvPrefix is what Env puts before a secret's name when its Prefix is empty.
const DefaultEnvPrefix = "URAKATA_SECRET_"

// Env reads secrets from environment variables: the secret FREEE_HR is the variable
// URAKATA_SECRET_FREEE_HR. The name is upper-cased and every character other than an ASCII
// letter or digit becomes '_', so "freee-hr/oauth" is URAKATA_SECRET_FREEE_HR_OAUTH.
type Env struct {
	// Prefix goes before the converted name; empty means DefaultEnvPrefix.
	Prefix string
	// LookupEnv reads a variable; nil means os.LookupEnv. Tests set it to stay hermetic.
	LookupEnv func(key string) (string, bool)
}

// Variable returns the environment variable that holds the secret called name.
func (e Env) Variable(name string) string {
	prefix := e.Prefix
	if prefix == "" {
		prefix = DefaultEnvPrefix
	}
	return prefix + strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			return r
		default:
			return '_'
		}
	}, name)
}

// Lookup returns the secret called name. A variable that is set but empty counts as missing.
func (e Env) Lookup(_ context.Context, name string) (Secret, error) {
	key := e.Variable(name)
	lookup := e.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(key)
	switch {
	case !ok:
		return Secret{}, &NotFoundError{Name: name, Tried: []string{"environment variable " + key}}
	case v == "":
		return Secret{}, &NotFoundError{Name: name, Tried: []string{"environment variable " + key + " (set but empty)"}}
	}
	return New(v), nil
}

var _ Source = Env{}
