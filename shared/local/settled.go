package local

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/store"
)

// recentKeep bounds how many settled deliveries a hub remembers by natural key: enough for a
// script that waits on the answers to its own events, while a hub that serves for months
// holds no more than this.
const recentKeep = 4096

// recent remembers the idempotency keys of the deliveries the hub's workers settled last,
// by flow and natural key. A delivery's key is a digest of its content, which only the
// flow knows, so this is how a caller that knows what it asked finds the ledger's record
// of the answer.
type recent struct {
	mu    sync.Mutex
	keys  map[recentID]string
	order []recentID
}

type recentID struct{ flow, naturalKey string }

func newRecent() *recent { return &recent{keys: map[recentID]string{}} }

// note remembers the key of a delivery that was settled (delivered, skipped) or went to the
// dead letters.
func (r *recent) note(o hub.Outcome) {
	if o.Key == "" || o.NaturalKey == "" {
		return
	}
	switch o.Status {
	case hub.StatusDelivered, hub.StatusSkipped, hub.StatusDead:
	default:
		return
	}
	id := recentID{o.Flow, o.NaturalKey}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[id]; !ok {
		r.order = append(r.order, id)
	}
	r.keys[id] = o.Key
	if len(r.order) > recentKeep {
		delete(r.keys, r.order[0])
		r.order = r.order[1:]
	}
}

func (r *recent) key(flow, naturalKey string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.keys[recentID{flow, naturalKey}]
	return k, ok
}

// Settled returns the ledger's record of flow's delivery with naturalKey once a worker of
// this hub has settled it: its outcome (delivered, skipped, or failed for a delivery that
// went to the dead letters), the target's reference and the flow's note (Detail, which
// carries no personal data). ok is false until then, and for deliveries settled by another
// process or long ago (only the last few thousand are remembered).
func (h *Hub) Settled(ctx context.Context, flow, naturalKey string) (store.Entry, bool, error) {
	key, ok := h.recent.key(flow, naturalKey)
	if !ok {
		return store.Entry{}, false, nil
	}
	e, err := h.store.Lookup(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return store.Entry{}, false, nil
	}
	if err != nil {
		return store.Entry{}, false, fmt.Errorf("ledger: delivery %s of flow %s: %w", naturalKey, flow, err)
	}
	return e, e.Outcome != store.Pending, nil
}
