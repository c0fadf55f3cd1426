package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/store"
)

// Flow moves one kind of record from a source to a target. The engine calls Plan to stream
// the source into items; the worker calls Deliver for each item, after claiming its key.
type Flow interface {
	// Plan reads the source for run and calls emit once per record, in order, page by page:
	// it must not load the whole source into memory. emit blocks while the engine flushes a
	// batch to the queue; an error from emit ends the plan. Plan returns the source cursor to
	// store once everything emitted is queued ("" when the flow keeps none).
	Plan(ctx context.Context, run Run, emit func(Item) error) (cursor string, err error)
	// Deliver writes one delivery to the target. Errors are classified by package fault.
	Deliver(ctx context.Context, d Delivery) (Result, error)
}

// Recoverer is the optional ability to look a delivery up in the target after a worker died
// mid-write (its ledger claim expired). landed reports that the target already holds it.
type Recoverer interface {
	Recover(ctx context.Context, d Delivery) (r Result, landed bool, err error)
}

// Reconciler is the optional ability to compare what was planned with what the target now
// holds, for the run's reconciliation lines.
type Reconciler interface {
	Reconcile(ctx context.Context, d Delivery) (Reconciliation, error)
}

// Item is one record a plan emits: a payload to deliver under a natural key, or the error
// that kept this one record from being read (the run goes on without it and reports it).
type Item struct {
	NaturalKey string
	Payload    any
	Err        error
	// Target, if set, sends this item to another connection than the flow's target (a chat
	// notice beside a journal entry); it is part of the idempotency key.
	Target string
	// Follows marks a further delivery for the record the previous item read (the notice
	// after the journal), so the record is counted as read once.
	Follows bool
}

// Result is what a delivery did at the target.
type Result struct {
	// Ref is the target's reference for the record (logged, stored in the ledger).
	Ref string
	// Unchanged reports that the target already held exactly this, so nothing was written.
	Unchanged bool
	// Detail is a short note without personal data.
	Detail string
}

// Reconciliation compares one planned record with what the target holds.
type Reconciliation struct {
	NaturalKey string `json:"natural_key"`
	Match      bool   `json:"match"`
	// Differences name each field that differs, as "field: want X, target has Y".
	Differences []string `json:"differences,omitempty"`
}

// Run is one run of a flow.
type Run struct {
	ID     string
	Flow   string
	Job    Job
	Cursor string
	Logger *slog.Logger
}

// FlowEnv is what a flow type is built from.
type FlowEnv struct {
	Config config.Flow
	// Source and Target are the built connectors (the values their New returned).
	Source, Target any
	// Connections holds the other connections the flow's mapping names (fields of type
	// config.ConnectionRef, e.g. a chat to notify in), by connection name.
	Connections map[string]any
	// Flows holds the other flows the mapping names (fields of type config.FlowRef), built,
	// by flow name: the chat bot asks the expense flow what became of a claim.
	Flows map[string]FlowRef
	// Ledger is the idempotency ledger, for a flow that reports what was delivered (it must
	// only Lookup; the worker alone claims and settles).
	Ledger store.Ledger
	Zone   *time.Location
	Logger *slog.Logger
	Now    func() time.Time
}

// FlowRef is another flow of the same hub.yaml, as a flow's mapping names it.
type FlowRef struct {
	Config config.Flow
	Flow   Flow
}

// FlowType declares a kind of flow that hub.yaml can name in flows.<name>.type.
type FlowType struct {
	Name    string
	Summary string
	// Spec tells hub.yaml validation which triggers and mapping fields the type takes.
	Spec config.FlowTypeSpec
	// Needs are the capabilities the source and the target must offer.
	SourceNeeds, TargetNeeds []Capability
	// New builds a flow of the type; nil in a binary that declares the type without
	// carrying its code (see ImplementFlowType).
	New func(env FlowEnv) (Flow, error)
	// AlsoTriggeredBy names mapping fields (of type config.ConnectionRef) whose connection's
	// webhooks also start the flow, beside trigger.webhook: the chat bot reads its knowledge
	// base again when the repository it names (kb_repo) is pushed to.
	AlsoTriggeredBy []string
	// Function names the AWS function that runs flows of this type when it is not the shared
	// worker: a type whose code is too heavy for the shared functions (the chat bot's
	// tokenizer dictionary) runs in a function of its own, with its own queue. Empty: the
	// shared worker and schedule functions run it.
	Function string
}

var (
	flowTypesMu sync.RWMutex
	flowTypes   = map[string]FlowType{}
)

// RegisterFlowType adds a flow type; flow packages call it from init. It panics on a
// duplicate name.
func RegisterFlowType(ft FlowType) {
	flowTypesMu.Lock()
	defer flowTypesMu.Unlock()
	if _, dup := flowTypes[ft.Name]; dup {
		panic(fmt.Sprintf("hub: flow type %q registered twice", ft.Name))
	}
	flowTypes[ft.Name] = ft
}

// ImplementFlowType gives a flow type declared without a constructor its New. A type whose
// code is heavy (the chat bot's tokenizer) is declared from a light package that every
// binary links, so each can read and route its flows, and implemented by the package with
// the code, linked only where the flows run. It panics when the type is not declared or
// already has a New.
func ImplementFlowType(name string, newFlow func(env FlowEnv) (Flow, error)) {
	flowTypesMu.Lock()
	defer flowTypesMu.Unlock()
	ft, ok := flowTypes[name]
	switch {
	case !ok:
		panic(fmt.Sprintf("hub: flow type %q implemented before it was declared", name))
	case ft.New != nil:
		panic(fmt.Sprintf("hub: flow type %q implemented twice", name))
	}
	ft.New = newFlow
	flowTypes[name] = ft
}

// LookupFlowType returns a registered flow type.
func LookupFlowType(name string) (FlowType, bool) {
	flowTypesMu.RLock()
	defer flowTypesMu.RUnlock()
	ft, ok := flowTypes[name]
	return ft, ok
}

// FlowTypes returns every registered flow type.
func FlowTypes() []FlowType {
	flowTypesMu.RLock()
	defer flowTypesMu.RUnlock()
	out := make([]FlowType, 0, len(flowTypes))
	for _, ft := range flowTypes {
		out = append(out, ft)
	}
	return out
}

// DecodePayload reads a delivery's payload into v, as a Permanent error if it does not fit
// (a message this worker cannot read will not read better later).
func DecodePayload(d Delivery, v any) error {
	if err := json.Unmarshal(d.Payload, v); err != nil {
		return fault.Permanent("delivery "+d.NaturalKey+": payload", err)
	}
	return nil
}
