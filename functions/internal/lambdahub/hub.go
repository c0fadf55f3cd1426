package lambdahub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/wiring"
)

// Queue is what the functions need of the work queue: sending, acting on a receive, and
// the dead letters.
type Queue interface {
	queue.Queue
	queue.DeadLetters
}

// Store is the hub's state between invocations: the ledger, the cursors and the tokens.
type Store interface {
	store.Ledger
	store.Cursors
	store.Tokens
}

// Ports are the adapters a hub is assembled from: SQS, DynamoDB and Secrets Manager in
// AWS; any other implementation of the same ports in tests.
type Ports struct {
	Queue   Queue
	Store   Store
	Secrets secrets.Source
	// MaxReceives is the work queue's receive limit (its redrive maxReceiveCount); 0 means
	// the queue has none.
	MaxReceives int
	Logger      *slog.Logger
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
	// Owner names this container in the ledger; empty makes a random one.
	Owner string
	// Role limits the connections and flows built to what the function serves, so it reads
	// only the secrets infra lets it read (wiring.Needs); RoleAll builds everything.
	Role wiring.Role
	// Adopt hands a record of an SQS event to Queue, for a queue that acts only on receipts
	// it knows (sqsqueue); nil for a queue that issued them itself.
	Adopt func(rec events.SQSMessage) queue.Message
	// Routes maps each flow that a function of its own runs to that function (Env.Routes):
	// the schedule function hands such a flow's runs over as jobs, and the hub checks that
	// it builds exactly the flows routed to its role's function.
	Routes map[string]string
}

// RecoveryReadEvery is how often, at most, a worker container reads a flow's open alerts
// to close those its deliveries show to be over: a busy worker pays one DynamoDB read per
// flow a minute, and an alert closes at most a minute after the evidence (or at the next
// delivery of the flow, for a container that Lambda froze meanwhile).
const RecoveryReadEvery = time.Minute

// Hub is one container's hub: hub.yaml's connectors and flows, and the core around them.
// It is built once, at cold start, and serves every invocation the container gets.
type Hub struct {
	Config  *config.File
	Parts   *wiring.Parts
	Queue   Queue
	Engine  *hub.Engine
	Worker  *hub.Worker
	Ingress *hub.Ingress
	// MaxReceives is the work queue's receive limit (0: none).
	MaxReceives int
	// Alerts sends operations alerts (nil when hub.yaml has no alerts section, or the
	// function's role raises none).
	Alerts *alerts.Alerter
	// Recovery closes the alerts that deliveries show to be over; it lives as long as the
	// container, so its reads of the open alerts are shared by every batch (nil without
	// Alerts).
	Recovery *alerts.Recovery
	Logger   *slog.Logger
	now      func() time.Time
	adopt    func(rec events.SQSMessage) queue.Message
	routes   map[string]string
}

// Assemble builds the hub cfg declares on p, as shared/local builds the embedded one.
func Assemble(ctx context.Context, cfg *config.File, p Ports) (*Hub, error) {
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Owner == "" {
		p.Owner = "lambda/" + randomHex(8)
	}
	parts, err := wiring.Build(ctx, cfg, wiring.Ports{Secrets: p.Secrets, Tokens: p.Store, Ledger: p.Store, Logger: p.Logger, Now: p.Now, Role: p.Role})
	if err != nil {
		return nil, fmt.Errorf("build hub.yaml %s: %w", cfg.Name, err)
	}
	if err := checkRoutes(cfg, parts, p.Role, p.Routes); err != nil {
		return nil, fmt.Errorf("build hub.yaml %s: %w", cfg.Name, err)
	}
	h := &Hub{Config: cfg, Parts: parts, Queue: p.Queue, MaxReceives: p.MaxReceives, Logger: p.Logger, now: p.Now, adopt: p.Adopt, routes: p.Routes}
	h.Engine = &hub.Engine{Queue: p.Queue, Ledger: p.Store, Cursors: p.Store, Logger: p.Logger, Now: p.Now}
	h.Worker = &hub.Worker{
		Queue: p.Queue, Ledger: p.Store, Engine: h.Engine, Flows: parts.Flow,
		Owner:       p.Owner,
		Lease:       cfg.Runtime.Lease,
		Visibility:  cfg.Runtime.Visibility,
		Concurrency: cfg.Runtime.Workers,
		MaxReceives: p.MaxReceives,
		Logger:      p.Logger,
		Now:         p.Now,
	}
	if ac := parts.Alerts; ac != nil {
		h.Alerts = alerts.New(alerts.Options{
			Chat: ac.Chat, Channel: ac.Channel, Issues: ac.Issues, State: p.Store,
			Logger: p.Logger, Zone: cfg.Company.Zone, Now: p.Now,
		})
		h.Worker.OnOutcome = h.noteOutcome
		h.Recovery = alerts.NewRecovery(h.Alerts, RecoveryReadEvery)
	}
	seen, _ := p.Store.(store.Deliveries)
	h.Ingress = parts.Ingress(p.Queue, seen, p.Logger, p.Now)
	return h, nil
}

// checkRoutes makes sure that a function builds exactly the flows routed to it: a flow
// routed to a function of its own is built there and nowhere else, and the shared roles
// build none of them. infra sets the routes from the same rule the role builds by
// (wiring.Needs, with every flow type linked), so a difference means a function built from
// other code than infra read, and its jobs would wait on a queue no one can work.
func checkRoutes(cfg *config.File, parts *wiring.Parts, role wiring.Role, routes map[string]string) error {
	var errs []error
	for _, flow := range slices.Sorted(maps.Keys(routes)) {
		if _, err := cfg.Flow(flow); err != nil {
			errs = append(errs, fmt.Errorf("%s routes %w", EnvRoutes, err))
		}
	}
	if role == wiring.RoleAll {
		return errors.Join(errs...)
	}
	for _, f := range cfg.Flows {
		_, built := parts.Flows[f.Name]
		fn := routes[f.Name]
		switch {
		case built && fn != role.Function() && fn != "":
			errs = append(errs, fmt.Errorf("flow %s: this function builds it, but %s routes it to the %s function", f.Name, EnvRoutes, fn))
		case built && fn != role.Function():
			errs = append(errs, fmt.Errorf("flow %s: the %s function builds it, but %s does not route it there", f.Name, role.Function(), EnvRoutes))
		case !built && fn != "" && fn == role.Function():
			errs = append(errs, fmt.Errorf("flow %s: %s routes it to the %s function, which does not build it (its type %s is not one this function runs)", f.Name, EnvRoutes, fn, f.Type))
		}
	}
	return errors.Join(errs...)
}

// noteOutcome notes the alert a worker's outcome raises, to be sent at the end of the batch.
func (h *Hub) noteOutcome(o hub.Outcome) {
	if al, ok := alerts.ForOutcome(o, h.target(o.Flow)); ok {
		h.Alerts.Record(al)
	}
}

// noteBurial notes the alert for a message the worker function moves to the dead letters
// at the receive limit, known by its attributes and last error.
func (h *Hub) noteBurial(msg queue.Message, cause string) {
	flow := msg.Attributes["flow"]
	h.Alerts.Record(alerts.ForDeadLetter(queue.DeadLetter{Message: msg, LastError: cause}, h.target(flow)))
}

// target is a flow's target connection, which a dead delivery was meant for.
func (h *Hub) target(flow string) string {
	if f, err := h.Config.Flow(flow); err == nil {
		return f.Target
	}
	return ""
}

// WebhookHandler is the webhook function's handler.
func (h *Hub) WebhookHandler() *Webhook { return &Webhook{Ingress: h.Ingress} }

// ScheduleHandler is the schedule function's handler.
func (h *Hub) ScheduleHandler() *Schedule { return &Schedule{Hub: h} }

// WorkerHandler is the worker function's handler: the core's worker, with runtime.workers
// records of a batch handled at once.
func (h *Hub) WorkerHandler() *Worker {
	w := &Worker{Handler: h.Worker, Adopt: h.adopt, Queue: h.Queue, MaxReceives: h.MaxReceives, Concurrency: h.Config.Runtime.Workers, Logger: h.Logger}
	if h.Alerts != nil {
		w.Alerts, w.OnBury, w.Recovery = h.Alerts, h.noteBurial, h.Recovery
	}
	return w
}

// newRunID names a run: sortable by when it started, unique by its random tail.
func newRunID(now time.Time) string {
	return now.UTC().Format("20060102T150405Z") + "-" + randomHex(6)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
