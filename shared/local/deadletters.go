package local

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
)

// DeadLetterInfo describes one dead letter for `urakata dlq list`: what it was, why it died.
type DeadLetterInfo struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Flow       string    `json:"flow"`
	RunID      string    `json:"run_id"`
	NaturalKey string    `json:"natural_key,omitempty"`
	Key        string    `json:"key,omitempty"`
	Attempts   int       `json:"attempts"`
	LastError  string    `json:"last_error"`
	DeadAt     time.Time `json:"dead_at"`
}

// DeadLetters reads the dead letters of a data folder without building any connector, so
// listing needs no secrets.
type DeadLetters struct {
	db *sql.DB
	q  *sqlitequeue.Queue
}

// OpenDeadLetters opens the data folder's queue. A folder where nothing has run is an error
// (matching fs.ErrNotExist), not an empty list: it is more likely a mistyped --data, and
// opening would create a database there.
func OpenDeadLetters(ctx context.Context, dataDir string, cfg *config.File) (*DeadLetters, error) {
	path := filepath.Join(dataDir, "urakata.db")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("data folder %s: no urakata.db, so nothing has run with it (check --data or runtime.data_dir): %w", dataDir, fs.ErrNotExist)
	} else if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dataDir, err)
	}
	db, err := sqlitedb.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dataDir, err)
	}
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work", MaxReceives: cfg.Runtime.MaxReceives})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return &DeadLetters{db: db, q: q}, nil
}

// List returns up to limit dead letters, oldest first.
func (d *DeadLetters) List(ctx context.Context, limit int) ([]DeadLetterInfo, error) {
	// Empty, not nil: `urakata dlq list --json` says "dead_letters": [] when there are none.
	out := []DeadLetterInfo{}
	after := ""
	for len(out) < limit {
		page, err := d.q.ListDead(ctx, after, min(limit-len(out), 500))
		if err != nil {
			return nil, fmt.Errorf("dead letters: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			info := DeadLetterInfo{ID: m.ID, Kind: m.Attributes["kind"], Flow: m.Attributes["flow"], RunID: m.Attributes["run_id"], Key: m.Attributes["key"],
				Attempts: m.ReceiveCount, LastError: m.LastError, DeadAt: m.DeadAt}
			if env, err := hub.Decode(m.Body); err == nil && env.Delivery != nil {
				info.NaturalKey = env.Delivery.NaturalKey
			}
			out = append(out, info)
		}
		after = page[len(page)-1].ID
	}
	return out, nil
}

// Close closes the queue and the database.
func (d *DeadLetters) Close() {
	d.q.Close()
	_ = d.db.Close()
}

// Replay moves dead letters back onto the queue (the named ids, or every one with all) and
// delivers them: each goes through the ledger, so what already reached its target is not
// written again. It returns what the workers did, flow by flow.
func (h *Hub) Replay(ctx context.Context, ids []string, all bool) (Result, int, error) {
	if all {
		after := ""
		for {
			page, err := h.queue.ListDead(ctx, after, 500)
			if err != nil {
				return Result{}, 0, fmt.Errorf("dead letters: %w", err)
			}
			if len(page) == 0 {
				break
			}
			for _, m := range page {
				ids = append(ids, m.ID)
			}
			after = page[len(page)-1].ID
		}
	}
	flows := h.FlowNames()
	h.alerting.begin(flows...)
	n, err := h.queue.Redrive(ctx, ids)
	if err != nil {
		return Result{}, 0, fmt.Errorf("replay: %w", err)
	}
	before := map[string]FlowCounts{}
	for _, name := range flows {
		before[name] = h.tracker.snapshot(name)
	}
	start := time.Now()
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.worker.Run(wctx) }()
	drainErr := h.drain(ctx)
	stop()
	<-done
	res := Result{OK: drainErr == nil, Flows: []FlowResult{}}
	dead := h.deadSince(ctx, start, h.alerting.deadLetter, flows...)
	for _, name := range flows {
		h.tracker.addDead(name, dead[name])
		fc := diff(h.tracker.snapshot(name), before[name])
		if fc == (FlowCounts{}) {
			continue
		}
		fr := FlowResult{Name: name, FlowCounts: fc, DurationMS: time.Since(start).Milliseconds()}
		// A replay that delivers what had died is a run with nothing failed: the flow's
		// alerts close; one that dies again counts on the open issue.
		h.alerting.finish(ctx, &fr, "replay-"+newRunID(), nil)
		res.OK = res.OK && fr.OK()
		res.Flows = append(res.Flows, fr)
	}
	return res, n, drainErr
}
