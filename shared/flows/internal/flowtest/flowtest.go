// Package flowtest runs a flow's plans and deliveries end to end on the embedded queue and
// ledger, as `urakata run` does, for the flows' own tests.
package flowtest

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/sqlitestore"
)

// maxRounds bounds how many receives Run makes before it calls the queue stuck.
const maxRounds = 50

// Hub is an embedded queue and ledger in a test's temporary folder, with an engine that
// plans and a worker that delivers one flow.
type Hub struct {
	t *testing.T
	// Ledger also keeps the cursors; a flow that reads the ledger (expense status) is given
	// it before Bind.
	Ledger *sqlitestore.Store
	queue  *sqlitequeue.Queue
	engine *hub.Engine
	worker *hub.Worker
	flow   hub.BoundFlow
}

// Open opens the queue and the ledger; they close when the test ends.
func Open(t *testing.T) *Hub {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work", MaxReceives: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	st, err := sqlitestore.New(db, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	h := &Hub{t: t, Ledger: st, queue: q}
	h.engine = &hub.Engine{Queue: q, Ledger: st, Cursors: st, Logger: quiet}
	h.worker = &hub.Worker{Queue: q, Ledger: st, Owner: "worker-1", Logger: quiet, Engine: h.engine,
		Flows: func(name string) (hub.BoundFlow, bool) { return h.flow, name == h.flow.Name }}
	return h
}

// Bind makes bf the flow the hub plans and delivers.
func (h *Hub) Bind(bf hub.BoundFlow) { h.flow = bf }

// Run plans job as run job.RunID and works the queue until it is empty, a retry made
// visible again at once, and returns the plan's stats and the status of every message
// handled, in order. Anything the hub itself fails at fails the test.
func (h *Hub) Run(job hub.Job) (hub.PlanStats, []hub.Status) {
	h.t.Helper()
	ctx := h.t.Context()
	stats, err := h.engine.Plan(ctx, h.flow, hub.Run{ID: job.RunID, Job: job})
	if err != nil {
		h.t.Fatalf("plan %s: %v", job.RunID, err)
	}
	var statuses []hub.Status
	for range maxRounds {
		msgs, err := h.queue.Receive(ctx, queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
		if err != nil {
			h.t.Fatal(err)
		}
		if len(msgs) == 0 {
			return stats, statuses
		}
		for _, m := range msgs {
			d := h.worker.Handle(ctx, m)
			statuses = append(statuses, d.Status)
			if d.Action == hub.RetryLater {
				d.Delay = 0
			}
			if err := hub.Apply(ctx, h.queue, m, d); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	h.t.Fatalf("run %s: the queue never drained", job.RunID)
	return stats, statuses
}
