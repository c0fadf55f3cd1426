// Package plan reads what a hub.yaml asks of AWS: the secrets to create, one schedule per
// scheduled flow, which function may read which secret, and the worker's limits. It is
// plain Go, so these rules are tested without synthesizing a stack.
package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/urakata/urakata/infra/awscron"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/wiring"
)

// Plan is what the stack declares for one hub.yaml.
type Plan struct {
	// Secrets are the secret names the connections give (hub.yaml's secret:, without the
	// Secrets Manager prefix), sorted, each once: two connections may share a secret.
	Secrets []string
	// Schedules has one entry per flow with a schedule trigger, in hub.yaml order.
	Schedules []Schedule
	// WebhookSecrets, ScheduleSecrets and WorkerSecrets are the secrets each function may
	// read, sorted: the webhook function verifies signatures for the connections that
	// trigger flows by webhook; the schedule function starts scheduled flows, so it reads
	// their sources and builds their targets; the worker works every flow.
	WebhookSecrets, ScheduleSecrets, WorkerSecrets []string
	// WorkerConcurrency is the SQS event source's maximum concurrency (see Concurrency).
	WorkerConcurrency int
	// WorkerTimeout is the worker function's timeout: the ledger lease, so a worker never
	// outlives its claim, within Lambda's bounds.
	WorkerTimeout time.Duration
	// QueueVisibility is the work queue's visibility timeout: six times the worker's timeout,
	// as AWS advises for an SQS event source, and never shorter than the lease, so a
	// redelivered message finds an expired claim rather than a busy one.
	QueueVisibility time.Duration
	// MaxReceives is the redrive policy's maxReceiveCount: runtime.max_receives.
	MaxReceives int
}

// Schedule is one scheduled flow.
type Schedule struct {
	Flow string
	// Expressions are EventBridge cron expressions; usually one, two when hub.yaml's cron
	// restricts both day fields (see awscron.Expressions).
	Expressions []string
	// Zone is the IANA zone the cron is read in, e.g. Asia/Tokyo.
	Zone string
}

// Lambda's and SQS's bounds.
const (
	minWorkerTimeout  = 30 * time.Second
	maxWorkerTimeout  = 15 * time.Minute
	maxVisibility     = 12 * time.Hour
	minSQSConcurrency = 2
	maxSQSConcurrency = 1000
)

// vendorConcurrency is how many worker invocations may call a vendor at once. Each Lambda
// environment paces a connection with its own rate limiter, so n concurrent workers may
// spend up to n times the connection's budget before the vendor pushes back, and the
// vendor's push-back (a throttle, a lock-out) is what the cap exists to avoid:
//
//   - freee-hr: 10,000 requests an hour per app and company, and about ten minutes locked
//     out when pushed past it: the fewest SQS allows.
//   - kingoftime: no published number, a throttle (code 303) said to follow 500 requests in
//     a rolling five minutes: the fewest SQS allows.
var vendorConcurrency = map[string]int{
	"freee-hr":   2,
	"kingoftime": 2,
}

// defaultVendorConcurrency is the cap of a vendor not in vendorConcurrency: a few workers,
// until someone reads its limits and adds it above.
const defaultVendorConcurrency = 5

// Concurrency is the worker's maximum concurrency for connections of these vendors. The
// rule: every vendor has a cap (vendorConcurrency, else defaultVendorConcurrency); one queue
// feeds every flow, so any invocation may be working for any vendor, and the only number
// that keeps each vendor within its cap is the smallest cap among the vendors that flows
// use, within the 2-1000 that SQS event sources accept.
func Concurrency(vendors []string) int {
	n := maxSQSConcurrency
	for _, v := range vendors {
		c, ok := vendorConcurrency[v]
		if !ok {
			c = defaultVendorConcurrency
		}
		n = min(n, c)
	}
	if len(vendors) == 0 {
		n = minSQSConcurrency
	}
	return max(n, minSQSConcurrency)
}

// For plans cfg, a hub.yaml that config has validated.
func For(cfg *config.File) (*Plan, error) {
	p := &Plan{MaxReceives: cfg.Runtime.MaxReceives}
	p.WorkerTimeout = min(max(cfg.Runtime.Lease, minWorkerTimeout), maxWorkerTimeout)
	p.QueueVisibility = min(max(6*p.WorkerTimeout, cfg.Runtime.Lease), maxVisibility)

	var vendors []string
	for _, f := range cfg.Flows {
		for _, conn := range []string{f.Source, f.Target} {
			if c, ok := cfg.Connection(conn); ok {
				vendors = append(vendors, c.Vendor)
			}
		}
		if s := f.Trigger.Schedule; s != nil {
			exprs, err := awscron.Expressions(s.Cron)
			if err != nil {
				return nil, fmt.Errorf("plan: flow %s: schedule: %w", f.Name, err)
			}
			p.Schedules = append(p.Schedules, Schedule{Flow: f.Name, Expressions: exprs, Zone: s.Zone.String()})
		}
	}
	// Each function reads the secrets of the connections its role builds: the same rule the
	// functions use to decide what to build (wiring.Needs), so a grant is never missing.
	secretsOf := func(role wiring.Role) []string {
		conns, _ := wiring.Needs(cfg, role)
		var out []string
		for _, name := range conns {
			if c, ok := cfg.Connection(name); ok {
				out = append(out, c.Secret)
			}
		}
		return names(out)
	}
	webhook, schedule, worker := secretsOf(wiring.RoleWebhook), secretsOf(wiring.RoleSchedule), secretsOf(wiring.RoleWorker)
	for _, c := range cfg.Connections {
		p.Secrets = append(p.Secrets, c.Secret)
	}
	p.Secrets = names(p.Secrets)
	p.WebhookSecrets, p.ScheduleSecrets, p.WorkerSecrets = names(webhook), names(schedule), names(worker)
	p.WorkerConcurrency = Concurrency(vendors)
	return p, nil
}

// names sorts, removes duplicates and drops the empty name of a connection without a
// secret.
func names(s []string) []string {
	slices.Sort(s)
	s = slices.Compact(s)
	if len(s) > 0 && s[0] == "" {
		s = s[1:]
	}
	return s
}
