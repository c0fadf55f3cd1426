package hub_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/store/sqlitestore"
)

// quiet drops the engine's and worker's logs, which would only clutter test output.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a fake time shared by the queue, the ledger and the worker, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openDB opens a fresh embedded database in the test's temp dir.
func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// backend is the real embedded queue and ledger on one database.
type backend struct {
	db    *sql.DB
	queue *sqlitequeue.Queue
	store *sqlitestore.Store
}

// newBackend opens the queue and the store on a fresh database; now may be nil for the
// real clock.
func newBackend(t testing.TB, now func() time.Time) backend {
	t.Helper()
	db := openDB(t)
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	st, err := sqlitestore.New(db, sqlitestore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return backend{db: db, queue: q, store: st}
}

// receiveAll takes every visible message off q (hidden for an hour), in order.
func receiveAll(t testing.TB, q queue.Queue) []queue.Message {
	t.Helper()
	var all []queue.Message
	for {
		msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Hour})
		if err != nil {
			t.Fatalf("receive: %v", err)
		}
		if len(msgs) == 0 {
			return all
		}
		all = append(all, msgs...)
	}
}

// receiveOne takes the one visible message, failing the test if there is not exactly one.
func receiveOne(t testing.TB, q queue.Queue) queue.Message {
	t.Helper()
	msgs := receiveAll(t, q)
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

// decodeAll decodes message bodies as envelopes.
func decodeAll(t testing.TB, msgs []queue.Message) []hub.Envelope {
	t.Helper()
	out := make([]hub.Envelope, 0, len(msgs))
	for _, m := range msgs {
		env, err := hub.Decode(m.Body)
		if err != nil {
			t.Fatalf("decode %s: %v", m.Body, err)
		}
		out = append(out, env)
	}
	return out
}

// stats reads the queue's depth.
func stats(t testing.TB, q *sqlitequeue.Queue) queue.Stats {
	t.Helper()
	s, err := q.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lookup reads the ledger entry of key, failing the test when there is none.
func lookup(t testing.TB, l store.Ledger, key string) store.Entry {
	t.Helper()
	e, err := l.Lookup(t.Context(), key)
	if err != nil {
		t.Fatalf("ledger lookup: %v", err)
	}
	return e
}

// settle claims key as owner and settles it, as a finished earlier run would have.
func settle(t testing.TB, l store.Ledger, key string, outcome store.Outcome) {
	t.Helper()
	ctx := t.Context()
	if _, _, err := l.Claim(ctx, key, "earlier-run", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := l.Settle(ctx, key, "earlier-run", store.Settlement{Outcome: outcome, TargetRef: "ref-earlier"}); err != nil {
		t.Fatal(err)
	}
}

// encode builds a queue message body for d.
func encode(t testing.TB, d hub.Delivery) []byte {
	t.Helper()
	b, err := hub.Envelope{Kind: hub.KindDelivery, Delivery: &d}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sendBodies puts bodies on q in one batch.
func sendBodies(t testing.TB, q queue.Queue, bodies ...[]byte) {
	t.Helper()
	batch := make([]queue.Outgoing, len(bodies))
	for i, b := range bodies {
		batch[i] = queue.Outgoing{Body: b}
	}
	if err := q.Send(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
}

// countingQueue is the real queue with every Send counted, and an optional failure or check
// injected before it.
type countingQueue struct {
	*sqlitequeue.Queue
	mu    sync.Mutex
	sends []int
	// before, if set, runs before each Send; an error fails that Send.
	before func(batch []queue.Outgoing) error
}

func (c *countingQueue) Send(ctx context.Context, batch []queue.Outgoing) error {
	c.mu.Lock()
	before := c.before
	c.mu.Unlock()
	if before != nil {
		if err := before(batch); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.sends = append(c.sends, len(batch))
	c.mu.Unlock()
	return c.Queue.Send(ctx, batch)
}

func (c *countingQueue) Sends() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.sends...)
}

// listFlow is a flow whose source is a list of items in memory.
type listFlow struct {
	items  []hub.Item
	cursor string
	err    error

	mu        sync.Mutex
	runCursor string
}

var _ hub.Flow = (*listFlow)(nil)

func (f *listFlow) Plan(ctx context.Context, run hub.Run, emit func(hub.Item) error) (string, error) {
	f.mu.Lock()
	f.runCursor = run.Cursor
	f.mu.Unlock()
	for _, it := range f.items {
		if err := emit(it); err != nil {
			return "", err
		}
	}
	return f.cursor, f.err
}

func (f *listFlow) Deliver(context.Context, hub.Delivery) (hub.Result, error) {
	return hub.Result{}, errors.New("listFlow does not deliver")
}

// scriptFlow is a flow whose Deliver and Recover do what the test scripts, and which keeps
// the calls made, in order.
type scriptFlow struct {
	mu      sync.Mutex
	deliver func(call int, d hub.Delivery) (hub.Result, error)
	recover func(d hub.Delivery) (hub.Result, bool, error)
	calls   []string
	byKey   map[string]int
}

var (
	_ hub.Flow      = (*scriptFlow)(nil)
	_ hub.Recoverer = (*scriptFlow)(nil)
)

func (f *scriptFlow) Plan(context.Context, hub.Run, func(hub.Item) error) (string, error) {
	return "", nil
}

func (f *scriptFlow) Deliver(_ context.Context, d hub.Delivery) (hub.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, "deliver")
	if f.byKey == nil {
		f.byKey = map[string]int{}
	}
	f.byKey[d.Key]++
	n := f.count("deliver")
	script := f.deliver
	f.mu.Unlock()
	if script == nil {
		return hub.Result{Ref: "ref-" + d.NaturalKey}, nil
	}
	return script(n, d)
}

func (f *scriptFlow) Recover(_ context.Context, d hub.Delivery) (hub.Result, bool, error) {
	f.mu.Lock()
	f.calls = append(f.calls, "recover")
	script := f.recover
	f.mu.Unlock()
	if script == nil {
		return hub.Result{}, false, nil
	}
	return script(d)
}

// count is the number of calls of one kind so far; the caller holds mu.
func (f *scriptFlow) count(kind string) int {
	n := 0
	for _, c := range f.calls {
		if c == kind {
			n++
		}
	}
	return n
}

func (f *scriptFlow) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *scriptFlow) Deliveries() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count("deliver")
}

func (f *scriptFlow) DeliveriesByKey() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.byKey))
	for k, v := range f.byKey {
		out[k] = v
	}
	return out
}

// flows resolves the given flows by name, each to the target "payroll".
func flows(byName map[string]hub.Flow) func(string) (hub.BoundFlow, bool) {
	return func(name string) (hub.BoundFlow, bool) {
		f, ok := byName[name]
		return hub.BoundFlow{Name: name, Target: "payroll", Flow: f}, ok
	}
}

func isPermanent(err error) bool { return fault.IsPermanent(err) }
