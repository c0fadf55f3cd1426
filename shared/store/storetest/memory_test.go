package storetest_test

import (
	"testing"
	"time"

	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/store/storetest"
)

// TestMemoryTokens holds the test fake to the contract the real adapters keep, so that
// tests built on it prove what they claim.
func TestMemoryTokens(t *testing.T) {
	t.Parallel()
	storetest.RunTokens(t, func(*testing.T, func() time.Time) store.Tokens {
		return &storetest.MemoryTokens{}
	})
}
