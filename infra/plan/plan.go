// Package plan reads what a hub.yaml asks of AWS: the secrets to create, one schedule per
// scheduled flow, which function may read which secret, the worker's limits, and the
// functions of their own that some flow types run in (the chat bot's helpdesk). It is
// plain Go, so these rules are tested without synthesizing a stack.
package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
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
	// Functions are the functions of their own that hub.yaml's flows run in
	// (hub.FlowType.Function), by name; none for a hub.yaml without such flows.
	Functions []Function
}

// Function is a function of its own: a Lambda function with its own work queue and dead
// letters that runs the flows of the types that name it, and nothing else. It works like
// the worker, with the worker's timeout and the work queue's visibility.
type Function struct {
	// Name is the function's name (hub.FlowType.Function): its folder of the asset
	// directory and the root of its construct ids and environment variables.
	Name string
	// Description says what it does, for the Lambda console.
	Description string
	// MemoryMiB is its memory; Lambda gives CPU in proportion.
	MemoryMiB int
	// Flows are the flows it runs, in hub.yaml order: their jobs and deliveries go to its
	// queue.
	Flows []string
	// Secrets are the secrets it may read, sorted: those of its flows' connections and of
	// the alert connections (wiring.Needs).
	Secrets []string
	// Webhook and Scheduled report whether any of its flows starts by webhook or on a
	// schedule: only then may the webhook or the schedule function send to its queue.
	Webhook, Scheduled bool
	// Concurrency is its SQS event source's maximum concurrency (see Concurrency).
	Concurrency int
}

// functionSpec is what a function of its own needs that hub.yaml cannot say.
type functionSpec struct {
	description string
	memoryMiB   int
}

// functionSpecs are the functions of their own infra knows how to declare. A flow type that
// names another cannot be deployed until someone says here what its function needs.
var functionSpecs = map[string]functionSpec{
	// The chat bot. Its FAQ tokenizer loads kagome's IPA dictionary when the first question
	// of a fresh container comes: about 90 MB of heap and 0.7 s on a whole CPU core. Lambda
	// gives CPU in proportion to memory (one vCPU at 1,769 MB), so at 1,024 MB that cold
	// start costs the first answer a little over a second (over two at 512 MB, which would
	// hold the heap but starve the load), and every later answer in the container none.
	// Answers are short (one FAQ match, a chat post or two), so the larger size costs
	// little: about $0.000014 for a one-second invocation (arm64).
	"helpdesk": {description: "urakata: answers employees' questions in chat (the back-office bot)", memoryMiB: 1024},
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

	for _, f := range cfg.Flows {
		if s := f.Trigger.Schedule; s != nil {
			exprs, err := awscron.Expressions(s.Cron)
			if err != nil {
				return nil, fmt.Errorf("plan: flow %s: schedule: %w", f.Name, err)
			}
			p.Schedules = append(p.Schedules, Schedule{Flow: f.Name, Expressions: exprs, Zone: s.Zone.String()})
		}
	}
	// Each function reads the secrets of the connections its role builds: the same rule the
	// functions use to decide what to build (wiring.Needs), so a grant is never missing. A
	// worker's concurrency is capped by the vendors of those same connections.
	needs := func(role wiring.Role) (secrets, vendors, flows []string) {
		conns, flows := wiring.Needs(cfg, role)
		for _, name := range conns {
			if c, ok := cfg.Connection(name); ok {
				secrets, vendors = append(secrets, c.Secret), append(vendors, c.Vendor)
			}
		}
		return names(secrets), vendors, flows
	}
	p.WebhookSecrets, _, _ = needs(wiring.RoleWebhook)
	p.ScheduleSecrets, _, _ = needs(wiring.RoleSchedule)
	var workerVendors []string
	p.WorkerSecrets, workerVendors, _ = needs(wiring.RoleWorker)
	p.WorkerConcurrency = Concurrency(workerVendors)
	for _, c := range cfg.Connections {
		p.Secrets = append(p.Secrets, c.Secret)
	}
	p.Secrets = names(p.Secrets)

	for _, name := range wiring.Functions(cfg) {
		spec, ok := functionSpecs[name]
		if !ok {
			return nil, fmt.Errorf("plan: flow types of this hub.yaml run in a function %q, which infra cannot declare; it declares %v", name, slices.Sorted(maps.Keys(functionSpecs)))
		}
		fn := Function{Name: name, Description: spec.description, MemoryMiB: spec.memoryMiB}
		var vendors []string
		fn.Secrets, vendors, fn.Flows = needs(wiring.FunctionRole(name))
		fn.Concurrency = Concurrency(vendors)
		for _, flow := range fn.Flows {
			f, _ := cfg.Flow(flow)
			fn.Webhook = fn.Webhook || len(wiring.WebhookConnections(*f)) > 0
			fn.Scheduled = fn.Scheduled || f.Trigger.Schedule != nil
		}
		p.Functions = append(p.Functions, fn)
	}
	return p, nil
}

// Routes is the functions' URAKATA_ROUTES: each flow a function of its own runs, as
// "flow=function", comma-separated, function by function and each one's flows in hub.yaml
// order; "" when there is none.
func (p *Plan) Routes() string {
	var out []string
	for _, fn := range p.Functions {
		for _, flow := range fn.Flows {
			out = append(out, flow+"="+fn.Name)
		}
	}
	return strings.Join(out, ",")
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
