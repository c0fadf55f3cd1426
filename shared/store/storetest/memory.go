package storetest

import (
	"context"
	"sync"

	"github.com/urakata/urakata/shared/store"
)

// MemoryTokens is an in-memory store.Tokens for tests of code that keeps OAuth tokens
// (token sources, connectors), with the adapters' compare-and-swap on Version; it is not
// for production, which keeps tokens in an adapter that survives restarts. The zero value
// is an empty store, ready to use; it is safe for concurrent use.
type MemoryTokens struct {
	mu     sync.Mutex
	tokens map[string]store.Token
}

var _ store.Tokens = (*MemoryTokens)(nil)

// GetToken returns the stored token, or store.ErrNotFound.
func (m *MemoryTokens) GetToken(_ context.Context, connection string) (store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[connection]
	if !ok {
		return store.Token{}, store.ErrNotFound
	}
	return t, nil
}

// PutToken stores t if the stored version is still expect (0: none stored yet) and returns
// t with its new Version; otherwise store.ErrConflict.
func (m *MemoryTokens) PutToken(_ context.Context, connection string, t store.Token, expect int64) (store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens[connection].Version != expect {
		return store.Token{}, store.ErrConflict
	}
	t.Version = expect + 1
	if m.tokens == nil {
		m.tokens = map[string]store.Token{}
	}
	m.tokens[connection] = t
	return t, nil
}

// Stored returns the token stored for connection, or the zero Token: a test's look at
// what the code under test left behind.
func (m *MemoryTokens) Stored(connection string) store.Token {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokens[connection]
}

// Set stores t as it is, Version included, without the compare-and-swap: a test seeding
// a token, or playing another process that rotated it.
func (m *MemoryTokens) Set(connection string, t store.Token) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		m.tokens = map[string]store.Token{}
	}
	m.tokens[connection] = t
}
