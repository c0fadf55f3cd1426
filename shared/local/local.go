// Package local is the embedded runtime: the hub on one machine, with its queue, ledger,
// cursors and tokens in one SQLite file, secrets from the environment or a 0600 file, an
// in-process scheduler and a webhook server on loopback. `urakata dev` and `urakata run` are
// thin wiring around it; the Lambda functions wire the same core to AWS instead.
package local

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/sqlitestore"
	"github.com/urakata/urakata/shared/wiring"
)

// Options are what the CLI decides beyond hub.yaml.
type Options struct {
	// DataDir overrides runtime.data_dir.
	DataDir string
	// Secrets is where connection secrets are looked up.
	Secrets secrets.Source
	Logger  *slog.Logger
	// Progress, if set, is called about five times a second while a run goes on.
	Progress func(Progress)
	// Now is the clock (tests).
	Now func() time.Time
}

// Hub is the embedded runtime for one hub.yaml.
type Hub struct {
	cfg     *config.File
	opts    Options
	dataDir string
	db      *sql.DB
	queue   *sqlitequeue.Queue
	store   *sqlitestore.Store
	parts   *wiring.Parts
	engine  *hub.Engine
	worker  *hub.Worker
	tracker *tracker
	// recent finds the deliveries the workers settled by natural key (Settled).
	recent *recent
	// alerting is nil when hub.yaml has no alerts section.
	alerting *alerting
	log      *slog.Logger
}

// Open builds the hub: the data folder and its database, every connection's connector and
// every flow. A missing secret or an unknown vendor is an error that names the connection.
func Open(ctx context.Context, cfg *config.File, opts Options) (*Hub, error) {
	h := &Hub{cfg: cfg, opts: opts, tracker: newTracker(), recent: newRecent()}
	h.log = opts.Logger
	if h.log == nil {
		h.log = slog.Default()
	}
	h.dataDir = opts.DataDir
	if h.dataDir == "" {
		h.dataDir = cfg.Runtime.DataDir
	}
	// sqlitedb.Open makes the folder, private to its user, if need be.
	db, err := sqlitedb.Open(ctx, filepath.Join(h.dataDir, "urakata.db"))
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", h.dataDir, err)
	}
	h.db = db
	if h.queue, err = sqlitequeue.New(db, sqlitequeue.Options{Name: "work", MaxReceives: cfg.Runtime.MaxReceives, Now: opts.Now}); err != nil {
		h.Close()
		return nil, err
	}
	if h.store, err = sqlitestore.New(db, sqlitestore.Options{Now: opts.Now}); err != nil {
		h.Close()
		return nil, err
	}
	if err := h.build(ctx); err != nil {
		h.Close()
		return nil, err
	}
	h.engine = &hub.Engine{Queue: h.queue, Ledger: h.store, Cursors: h.store, Logger: h.log, Now: opts.Now}
	h.worker = &hub.Worker{
		Queue: h.queue, Ledger: h.store, Engine: h.engine,
		Flows:       func(name string) (hub.BoundFlow, bool) { return h.parts.Flow(name) },
		Owner:       owner(),
		Lease:       cfg.Runtime.Lease,
		Visibility:  cfg.Runtime.Visibility,
		Concurrency: cfg.Runtime.Workers,
		MaxReceives: cfg.Runtime.MaxReceives,
		OnOutcome:   h.observe,
		Logger:      h.log,
		Now:         opts.Now,
	}
	return h, nil
}

// observe counts a worker's outcome, remembers the delivery it settled and notes the alert
// it raises.
func (h *Hub) observe(o hub.Outcome) {
	h.tracker.observe(o)
	h.recent.note(o)
	h.alerting.observe(o)
}

// build creates the connectors and flows hub.yaml declares, as the Lambda functions do.
func (h *Hub) build(ctx context.Context) error {
	parts, err := wiring.Build(ctx, h.cfg, wiring.Ports{Secrets: h.opts.Secrets, Tokens: h.store, Ledger: h.store, Logger: h.log, Now: h.opts.Now})
	if err != nil {
		return err
	}
	h.parts = parts
	if ac := parts.Alerts; ac != nil {
		h.alerting = newAlerting(h.cfg, alerts.New(alerts.Options{
			Chat: ac.Chat, Channel: ac.Channel, Issues: ac.Issues, State: h.store,
			Logger: h.log, Zone: h.cfg.Company.Zone, Now: h.opts.Now,
		}))
	}
	return nil
}

// Close stops the queue and closes the database.
func (h *Hub) Close() {
	if h.queue != nil {
		h.queue.Close()
	}
	if h.db != nil {
		_ = h.db.Close()
	}
}

// FlowNames returns the flows in hub.yaml order.
func (h *Hub) FlowNames() []string { return h.cfg.FlowNames() }

// Queue exposes the work queue (for dlq commands and tests).
func (h *Hub) Queue() interface {
	queue.Queue
	queue.DeadLetters
	queue.Counter
} {
	return h.queue
}

func owner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%d", host, os.Getpid(), time.Now().UnixNano())
}

// Vocabulary tells hub.yaml validation which vendors and flow types this binary has.
func Vocabulary() config.Vocabulary { return wiring.Vocabulary() }
