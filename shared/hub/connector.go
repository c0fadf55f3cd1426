package hub

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

// Capability names an ability a connector offers; flows ask for capabilities, not vendors.
type Capability string

// The capabilities flows use. A connector's New returns a value implementing the matching
// interfaces (EmployeeSource, AttendanceSource, WorkSummaryTarget, ...).
const (
	CapEmployees          Capability = "employees"
	CapAttendance         Capability = "attendance"
	CapWorkSummaryTarget  Capability = "work-summary-target"
	CapExpenseSource      Capability = "expense-source"
	CapJournalTarget      Capability = "journal-target"
	CapChat               Capability = "chat"
	CapWebhook            Capability = "webhook"
	CapIssueTarget        Capability = "issue-target"
	CapTimesheetTarget    Capability = "timesheet-target"
	CapPaidLeaveBalance   Capability = "paid-leave-balance"
	CapEmployeeDirectory  Capability = "employee-directory"
	CapRepositoryContents Capability = "repository-contents"
)

// Connector declares a vendor connector: its name in hub.yaml, what it can do, its settings
// (as data), and how to build it. Adding a connector is one package that calls Register in
// an init function; connectors/all imports them all.
type Connector struct {
	// Vendor is the name hub.yaml uses in connections.<name>.vendor, e.g. "freee-hr".
	Vendor  string
	Summary string
	// DefaultBaseURL is used when hub.yaml gives no base_url.
	DefaultBaseURL string
	Capabilities   []Capability
	// Fields are the settings under connections.<name>.settings, and the parts of the
	// connection's secret (Secret: true).
	Fields []config.Field
	// Windows are the daily spans in which the vendor refuses most calls (none for most
	// vendors). `urakata validate` warns about schedules that fire inside one.
	Windows []Window
	// New builds the connector for one connection.
	New func(ctx context.Context, env Env) (any, error)
}

// Has reports whether the connector offers cap.
func (c Connector) Has(cap Capability) bool { return slices.Contains(c.Capabilities, cap) }

// Env is what a connector is built from: one connection of hub.yaml and the runtime's ports.
type Env struct {
	// Connection is the hub.yaml connection name, e.g. "freee-hr".
	Connection string
	BaseURL    string
	// Settings are the connection's settings, validated against the connector's Fields.
	Settings map[string]any
	// Secret is the connection's credential as stored (a token, or a JSON object of the
	// secret fields).
	Secret secrets.Secret
	// SecretName is where Secret came from (hub.yaml's secret:), for messages that tell an
	// operator which secret to update.
	SecretName string
	// Tokens keeps OAuth tokens between runs.
	Tokens store.Tokens
	// Zone is the company's zone: business dates are read in it.
	Zone   *time.Location
	Logger *slog.Logger
}

// Registry maps vendor names to connectors. The zero value is not usable; use NewRegistry.
type Registry struct {
	mu   sync.RWMutex
	byID map[string]Connector
}

// NewRegistry returns an empty registry, so tests can stay hermetic.
func NewRegistry() *Registry { return &Registry{byID: map[string]Connector{}} }

// Register adds c. It panics on a duplicate vendor name: that is a programming error found
// at start-up.
func (r *Registry) Register(c Connector) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byID[c.Vendor]; dup {
		panic(fmt.Sprintf("hub: connector %q registered twice", c.Vendor))
	}
	r.byID[c.Vendor] = c
}

// Lookup returns the connector for vendor.
func (r *Registry) Lookup(vendor string) (Connector, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.byID[vendor]
	return c, ok
}

// All returns every connector, sorted by vendor name.
func (r *Registry) All() []Connector {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Connector, 0, len(r.byID))
	for _, c := range r.byID {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Connector) int {
		if a.Vendor < b.Vendor {
			return -1
		}
		if a.Vendor > b.Vendor {
			return 1
		}
		return 0
	})
	return out
}

// Connectors is the registry that connector packages register into from init.
var Connectors = NewRegistry()

// Register adds c to Connectors.
func Register(c Connector) { Connectors.Register(c) }
