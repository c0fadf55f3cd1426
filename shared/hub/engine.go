package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/store"
)

// BoundFlow is a flow as hub.yaml configured it: its name, its target connection and the
// built Flow.
type BoundFlow struct {
	Name   string
	Target string
	Flow   Flow
}

// Engine plans flow runs: it streams the source through the flow, turns each item into a
// Delivery with its idempotency key, leaves out what the ledger says is already done,
// enqueues the rest in batches, and commits the source cursor only after everything was
// queued.
type Engine struct {
	Queue   queue.Queue
	Ledger  store.Ledger
	Cursors store.Cursors
	// BatchSize is how many deliveries go to the queue in one Send (default 50).
	BatchSize int
	Logger    *slog.Logger
	Now       func() time.Time
	// OnPlanned, if set, sees every delivery the plan produced, queued or skipped, in order
	// (the local runtime spools them for reconciliation).
	OnPlanned func(d Delivery, skipped bool)
}

// PlanStats counts what one plan did.
type PlanStats struct {
	// Read is the number of records the flow read from its source (items that follow
	// another for the same record are not counted again).
	Read int `json:"read"`
	// Queued deliveries went to the queue.
	Queued int `json:"queued"`
	// Skipped records were already delivered with this content (the ledger says so).
	Skipped int `json:"skipped"`
	// Failed records could not be read or mapped; ItemErrors says why (at most 100 kept).
	Failed     int         `json:"failed"`
	ItemErrors []ItemError `json:"item_errors,omitempty"`
}

// ItemError is one record that a plan could not turn into a delivery.
type ItemError struct {
	NaturalKey string `json:"natural_key"`
	Error      string `json:"error"`
}

const maxItemErrors = 100

// Plan runs bf once for run and returns what it did. An error means the source could not be
// read to the end: what was emitted before it is queued, the cursor is not moved.
func (e *Engine) Plan(ctx context.Context, bf BoundFlow, run Run) (PlanStats, error) {
	var stats PlanStats
	now := e.now
	log := e.logger().With("run_id", run.ID, "flow", bf.Name)
	run.Flow = bf.Name
	if run.Logger == nil {
		run.Logger = log
	}

	cursorName := "flow/" + bf.Name
	var cur store.Cursor
	if e.Cursors != nil {
		var err error
		if cur, err = e.Cursors.GetCursor(ctx, cursorName); err != nil {
			return stats, fmt.Errorf("flow %s: read cursor: %w", bf.Name, err)
		}
		run.Cursor = cur.Value
	}

	size := e.BatchSize
	if size <= 0 {
		size = 50
	}
	batch := make([]queue.Outgoing, 0, size)
	// sendErr is the failed send that emit handed to the flow, so that the same failure is
	// not reported twice when the flow returns it.
	var sendErr error
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := e.Queue.Send(ctx, batch); err != nil {
			return fmt.Errorf("enqueue %d deliveries: %w", len(batch), err)
		}
		stats.Queued += len(batch)
		batch = batch[:0]
		return nil
	}

	emit := func(it Item) error {
		if !it.Follows {
			stats.Read++
		}
		if it.Err != nil {
			stats.Failed++
			if len(stats.ItemErrors) < maxItemErrors {
				stats.ItemErrors = append(stats.ItemErrors, ItemError{it.NaturalKey, it.Err.Error()})
			}
			log.Warn("record not planned", "natural_key", it.NaturalKey, "err", it.Err)
			return nil
		}
		target := bf.Target
		if it.Target != "" {
			target = it.Target
		}
		d, err := NewDelivery(bf.Name, target, it.NaturalKey, run.ID, it.Payload, now())
		if err != nil {
			return err
		}
		done, err := e.alreadyDone(ctx, d.Key)
		if err != nil {
			return err
		}
		if e.OnPlanned != nil {
			e.OnPlanned(d, done)
		}
		if done {
			stats.Skipped++
			return nil
		}
		m, err := d.Message()
		if err != nil {
			return fmt.Errorf("encode %s: %w", d.NaturalKey, err)
		}
		batch = append(batch, m)
		if len(batch) >= size {
			sendErr = flush()
			return sendErr
		}
		return nil
	}

	cursor, planErr := bf.Flow.Plan(ctx, run, emit)
	// What was emitted before an error is queued all the same; a batch whose send failed
	// is tried once more.
	if err := flush(); err != nil {
		if sendErr != nil && errors.Is(planErr, sendErr) {
			planErr = err
		} else {
			planErr = errors.Join(planErr, err)
		}
	}
	if planErr != nil {
		return stats, fmt.Errorf("flow %s: %w", bf.Name, planErr)
	}
	if e.Cursors != nil && cursor != "" && cursor != cur.Value {
		if _, err := e.Cursors.PutCursor(ctx, cursorName, cursor, cur.Version); err != nil {
			return stats, fmt.Errorf("flow %s: store cursor: %w", bf.Name, err)
		}
	}
	log.Info("planned", "read", stats.Read, "queued", stats.Queued, "skipped", stats.Skipped, "failed", stats.Failed)
	return stats, nil
}

func (e *Engine) alreadyDone(ctx context.Context, key string) (bool, error) {
	ent, err := e.Ledger.Lookup(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ledger lookup: %w", err)
	}
	return ent.Outcome.Done(), nil
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.Default()
}
