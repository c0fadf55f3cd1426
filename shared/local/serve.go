package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/sqlitestore"
)

// Serve runs the hub until ctx ends: the workers, a scheduler for every flow with a
// schedule, and the webhook server on runtime.listen (POST /hooks/{connection}, GET
// /healthz). ready is called with the address once the server listens.
func (h *Hub) Serve(ctx context.Context, ready func(addr string)) error {
	return h.ServeWith(ctx, ServeOptions{Ready: ready})
}

// ServeOptions change what ServeWith serves from what Serve does.
type ServeOptions struct {
	// Listener is where the webhook server listens, in place of runtime.listen: `urakata
	// dev --once` serves its scripted conversation on a port of its own. ServeWith closes it.
	Listener net.Listener
	// NoSchedules leaves the flows' schedules unarmed, so that nothing but the webhooks
	// starts work while the hub serves for a moment.
	NoSchedules bool
	// Ready is called with the address once the server listens.
	Ready func(addr string)
}

// ServeWith is Serve as o says.
func (h *Hub) ServeWith(ctx context.Context, o ServeOptions) error {
	ln := o.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", h.cfg.Runtime.Listen); err != nil {
			return fmt.Errorf("webhook server: listen on %s: %w", h.cfg.Runtime.Listen, err)
		}
	}
	srv := &http.Server{Handler: h.Handler(), ReadHeaderTimeout: 5 * time.Second}
	if o.Ready != nil {
		o.Ready(ln.Addr().String())
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return h.worker.Run(gctx) })
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("webhook server: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	for _, f := range h.cfg.Flows {
		if f.Trigger.Schedule == nil || o.NoSchedules {
			continue
		}
		g.Go(func() error { h.schedule(gctx, f.Name); return nil })
	}
	if h.alerting != nil {
		g.Go(func() error { h.sendAlerts(gctx); return nil })
	}
	err := g.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Handler is the webhook server's handler (tests mount it on httptest).
func (h *Hub) Handler() http.Handler {
	in := h.parts.Ingress(onceQueue{h.queue, h.store}, h.store, h.log, h.opts.Now)
	mux := http.NewServeMux()
	mux.Handle("/hooks/", in)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		st, err := h.queue.Stats(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "queue": map[string]int{
			"visible": st.Visible, "in_flight": st.InFlight, "delayed": st.Delayed, "dead": st.Dead,
		}})
	})
	return mux
}

// schedule enqueues a job for flow at each fire time of its cron, in its zone, until ctx
// ends. The pay period is fixed when the schedule fires, so a job that waits in the queue
// still runs for the period it was meant for.
func (h *Hub) schedule(ctx context.Context, flow string) {
	fc, err := h.cfg.Flow(flow)
	if err != nil || fc.Trigger.Schedule == nil {
		return
	}
	s := fc.Trigger.Schedule
	var watchers sync.WaitGroup
	defer watchers.Wait()
	for {
		next := s.Next(h.now())
		h.log.Info("schedule armed", "flow", flow, "next", next)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		period, err := h.parts.ResolvePeriod(flow, "")
		if err != nil {
			h.log.Error("schedule: no pay period", "flow", flow, "err", err)
			continue
		}
		job := hub.Job{Flow: flow, RunID: newRunID(), Period: period, Trigger: "schedule", At: next.UTC()}
		enqueued := h.now()
		if err := h.enqueueJob(ctx, job); err != nil {
			h.log.Error("schedule: job not enqueued", "flow", flow, "err", err)
			continue
		}
		if h.alerting != nil {
			watchers.Go(func() { h.watchRun(ctx, flow, job.RunID, enqueued) })
		}
	}
}

// sendAlerts sends, every alertEvery and once more when ctx ends, what the workers noted and
// the dead letters the queue made on its own since the last time.
func (h *Hub) sendAlerts(ctx context.Context) {
	since := h.now()
	tick := time.NewTicker(alertEvery)
	defer tick.Stop()
	for {
		stopping := false
		select {
		case <-ctx.Done():
			stopping = true
		case <-tick.C:
		}
		sctx := context.WithoutCancel(ctx)
		now := h.now()
		// Each window is [since, now): a letter that dies during the scan is the next one's.
		within := func(d queue.DeadLetter) {
			if d.DeadAt.Before(now) {
				h.alerting.deadLetter(d)
			}
		}
		h.deadSince(sctx, since, within, h.FlowNames()...)
		since = now
		h.alerting.forget()
		h.alerting.alerter.Flush(sctx)
		if stopping {
			return
		}
	}
}

// watchRun closes flow's open alerts once the scheduled run's job and the deliveries it
// planned are all handled (the queue is empty) with none of the flow's messages dead since
// the job was enqueued. Its failures are alerted by sendAlerts as they come.
func (h *Hub) watchRun(ctx context.Context, flow, runID string, since time.Time) {
	if err := h.drain(ctx); err != nil {
		return
	}
	if h.deadSince(ctx, since, nil, flow)[flow] > 0 {
		return
	}
	h.alerting.alerter.Resolve(ctx, flow, runID)
}

func (h *Hub) enqueueJob(ctx context.Context, job hub.Job) error {
	m, err := job.Message()
	if err != nil {
		return err
	}
	return h.queue.Send(ctx, []queue.Outgoing{m})
}

func (h *Hub) now() time.Time {
	if h.opts.Now != nil {
		return h.opts.Now()
	}
	return time.Now()
}

// onceQueue lets the webhook ingress record a delivery id and enqueue its jobs in one
// SQLite transaction (hub.OnceSender): one durable commit per webhook, not two.
type onceQueue struct {
	*sqlitequeue.Queue
	store *sqlitestore.Store
}

var _ hub.OnceSender = onceQueue{}

func (o onceQueue) SendOnce(ctx context.Context, key string, keep time.Duration, batch []queue.Outgoing) (bool, error) {
	return o.Queue.SendIf(ctx, func(ctx context.Context, tx sqlitedb.Tx) (bool, error) {
		return o.store.FirstSeenIn(ctx, tx, key, keep)
	}, batch)
}
