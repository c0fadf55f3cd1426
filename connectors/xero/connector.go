package xero

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Journal statuses urakata can create a manual journal in.
const (
	JournalDraft  = "DRAFT"
	JournalPosted = "POSTED"
)

// Connector declares Xero to the hub: its settings, capabilities and constructor.
var Connector = hub.Connector{
	Vendor:         Vendor,
	Summary:        "Xero: payroll (UK) employees and expense claims in, manual journals and payroll (UK) timesheets out",
	DefaultBaseURL: DefaultBaseURL,
	Capabilities: []hub.Capability{
		hub.CapEmployees, hub.CapExpenseSource, hub.CapJournalTarget, hub.CapTimesheetTarget, hub.CapWebhook,
	},
	Fields: []config.Field{
		{Name: "tenant_id", Type: config.String, Example: "fe79f7dd-b6d4-4a92-ba7b-538af6289c58",
			Description: "the organisation (tenant id) to work in; leave it out when the app is connected to exactly one organisation, which GET /connections then names"},
		{Name: "token_url", Type: config.URL, Default: DefaultTokenURL,
			Description: "OAuth2 token endpoint (point it at the sandbox to test)"},
		{Name: "requests_per_minute", Type: config.Int, Default: DefaultRequestsPerMinute,
			Description: "requests this connection may make a minute; Xero allows 60 per organisation (and 5 at once, 5,000 a day)"},
		{Name: "currency", Type: config.String, Default: "JPY", Example: "GBP",
			Description: "the organisation's base currency (ISO 4217): journal amounts are written in it and expense amounts read in it"},
		{Name: "journal_status", Type: config.String, Default: JournalPosted, Enum: []string{JournalPosted, JournalDraft},
			Description: "the status manual journals are created in: POSTED, or DRAFT for an accountant to post"},
		{Name: "department_tracking_category", Type: config.String, Default: "Department",
			Description: "the tracking category a journal line's department is booked to (empty: departments are not tracked)"},
		{Name: "ordinary_earnings_rate_id", Type: config.String,
			Description: "payroll (UK) earnings rate for ordinary hours: worked time that is not overtime; needed to write timesheets"},
		{Name: "overtime_earnings_rate_id", Type: config.String,
			Description: "payroll (UK) earnings rate for overtime hours (法定外残業, the 25 % premium); needed to write timesheets"},
		{Name: "holiday_earnings_rate_id", Type: config.String,
			Description: "payroll (UK) earnings rate for work on the legal holiday (法定休日, 35 %); without it that time is ordinary hours"},
		{Name: "late_night_earnings_rate_id", Type: config.String,
			Description: "payroll (UK) earnings rate for the late-night premium (深夜, 22:00–05:00), paid on top of the other lines; without it the premium is not written"},
		{Name: "client_id", Type: config.String, Secret: true, Required: true,
			Description: "the Xero app's client id"},
		{Name: "client_secret", Type: config.String, Secret: true, Required: true,
			Description: "the Xero app's client secret"},
		{Name: "refresh_token", Type: config.String, Secret: true, Required: true,
			Description: "refresh token from authorising the app (with offline_access); used once, then the token store keeps the rotated ones"},
		{Name: "webhook_key", Type: config.String, Secret: true,
			Description: "the webhook signing key of the app's webhook settings; needed only by flows with a webhook trigger"},
	},
	New: func(ctx context.Context, env hub.Env) (any, error) { return New(ctx, env) },
}

func init() { hub.Register(Connector) }

// TimesheetRates are the payroll earnings rates timesheet lines are written with.
type TimesheetRates struct {
	// Ordinary and Overtime are required to write timesheets.
	Ordinary, Overtime string
	// Holiday and LateNight are optional.
	Holiday, LateNight string
}

// Xero is one Xero connection (one organisation) as the hub uses it: an employee source
// (payroll UK), an expense source (expense claims), a journal target (manual journals), a
// timesheet target (payroll UK timesheets) and a webhook receiver.
type Xero struct {
	// Client is the API client, for calls the capabilities do not cover.
	Client     *Client
	connection string
	// tenantSetting is settings.tenant_id ("" to discover it).
	tenantSetting    string
	currency         string
	digits           int
	journalStatus    string
	trackingCategory string
	earnings         TimesheetRates
	webhookKey       secrets.Secret
	// maxEventAge is how old a webhook event may be: older ones cannot be a delivery from
	// Xero, which gives up retrying after 24 hours.
	maxEventAge time.Duration
	now         func() time.Time

	// tenantMu admits one tenant discovery at a time.
	tenantMu sync.Mutex

	mu sync.Mutex
	// calendars maps an employee id to their payroll calendar, learnt when listing.
	calendars map[string]string
	// accounts and taxRates are the organisation's, read once for mapping.
	accounts []Account
	taxRates []TaxRate
}

var (
	_ hub.EmployeeSource  = (*Xero)(nil)
	_ hub.ExpenseSource   = (*Xero)(nil)
	_ hub.JournalTarget   = (*Xero)(nil)
	_ hub.TimesheetTarget = (*Xero)(nil)
	_ hub.WebhookReceiver = (*Xero)(nil)
)

// New builds the connection env describes.
func New(_ context.Context, env hub.Env) (*Xero, error) {
	op := Vendor + ": connection " + env.Connection
	perMinute, err := config.IntSetting(env.Settings, "requests_per_minute", DefaultRequestsPerMinute)
	if err != nil || perMinute <= 0 {
		return nil, fault.Permanentf(op, "settings.requests_per_minute must be a positive integer")
	}
	currency := strings.ToUpper(cmp.Or(config.StringSetting(env.Settings, "currency"), "JPY"))
	if len(currency) != 3 || strings.Trim(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return nil, fault.Permanentf(op, "settings.currency %q is not an ISO 4217 code", currency)
	}
	status := strings.ToUpper(cmp.Or(config.StringSetting(env.Settings, "journal_status"), JournalPosted))
	if status != JournalPosted && status != JournalDraft {
		return nil, fault.Permanentf(op, "settings.journal_status must be POSTED or DRAFT")
	}
	tracking := "Department"
	if v, ok := env.Settings["department_tracking_category"].(string); ok {
		tracking = v
	}
	creds, err := ParseCredentials(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	webhookKey, err := parseWebhookKey(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	if env.Tokens == nil {
		return nil, fmt.Errorf("%s: no token store", op)
	}
	tokens, err := NewTokenSource(TokenSourceConfig{
		Connection:  env.Connection,
		SecretName:  cmp.Or(env.SecretName, env.Connection),
		Credentials: creds,
		TokenURL:    config.StringSetting(env.Settings, "token_url"),
		Store:       env.Tokens,
		Logger:      env.Logger,
	})
	if err != nil {
		return nil, err
	}
	hc := httpx.New(Policy(int(perMinute)), httpx.WithLogger(env.Logger))
	client, err := NewClient(hc, tokens, cmp.Or(env.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	tenant := config.StringSetting(env.Settings, "tenant_id")
	if tenant != "" {
		client.SetTenant(tenant)
	}
	return &Xero{
		Client:           client,
		connection:       env.Connection,
		tenantSetting:    tenant,
		currency:         currency,
		digits:           CurrencyDigits(currency),
		journalStatus:    status,
		trackingCategory: tracking,
		earnings: TimesheetRates{
			Ordinary:  config.StringSetting(env.Settings, "ordinary_earnings_rate_id"),
			Overtime:  config.StringSetting(env.Settings, "overtime_earnings_rate_id"),
			Holiday:   config.StringSetting(env.Settings, "holiday_earnings_rate_id"),
			LateNight: config.StringSetting(env.Settings, "late_night_earnings_rate_id"),
		},
		webhookKey:  webhookKey,
		maxEventAge: DefaultMaxEventAge,
		now:         time.Now,
		calendars:   map[string]string{},
	}, nil
}

// ensureTenant names the organisation every call is for: settings.tenant_id, or the one
// organisation GET /connections lists. More than one (or none) needs a person to choose.
func (x *Xero) ensureTenant(ctx context.Context) error {
	if x.Client.Tenant() != "" {
		return nil
	}
	x.tenantMu.Lock()
	defer x.tenantMu.Unlock()
	if x.Client.Tenant() != "" {
		return nil
	}
	conns, _, err := x.Client.Connections.List(ctx)
	if err != nil {
		return fmt.Errorf("%s: find the organisation of %s: %w", Vendor, x.connection, err)
	}
	var orgs []string
	for _, c := range conns {
		if c.TenantType == OrganisationTenant || c.TenantType == "" {
			orgs = append(orgs, c.TenantID)
		}
	}
	switch len(orgs) {
	case 1:
		x.Client.SetTenant(orgs[0])
		return nil
	case 0:
		return fault.Permanentf(Vendor, "connection %s: the authorisation reaches no organisation; reconnect and choose one", x.connection)
	}
	slices.Sort(orgs)
	return fault.Permanentf(Vendor, "connection %s: the app is connected to %d organisations; set settings.tenant_id to one of %s",
		x.connection, len(orgs), strings.Join(orgs, ", "))
}

// Employees yields the people on the payroll in period: those who started by its end and
// had not left before its start. Active is false for one who leaves within it. The code is
// Xero's employee number; people are matched across systems by it, then by email.
func (x *Xero) Employees(ctx context.Context, period model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(yield func(model.Employee, error) bool) {
		if err := x.ensureTenant(ctx); err != nil {
			yield(model.Employee{}, err)
			return
		}
		for e, err := range x.Client.Employees.ListIter(ctx, nil) {
			if err != nil {
				yield(model.Employee{}, fmt.Errorf("%s: employees of %s: %w", Vendor, period.Label(), err))
				return
			}
			if e.PayrollCalendarID != "" {
				x.mu.Lock()
				x.calendars[e.EmployeeID] = e.PayrollCalendarID
				x.mu.Unlock()
			}
			if (!e.StartDate.IsZero() && e.StartDate.After(period.End)) || (!e.EndDate.IsZero() && e.EndDate.Before(period.Start)) {
				continue
			}
			emp := model.Employee{
				IDs:    map[string]string{x.connection: e.EmployeeID},
				Code:   e.EmployeeNumber,
				Name:   strings.TrimSpace(e.FirstName + " " + e.LastName),
				Email:  e.Email,
				Active: e.EndDate.IsZero() || e.EndDate.After(period.End),
			}
			if !yield(emp, nil) {
				return
			}
		}
	}
}

// employeeID reads the employee's Xero id from emp.IDs.
func (x *Xero) employeeID(emp model.Employee) (string, error) {
	id := emp.ID(x.connection)
	if id == "" {
		return "", fault.Permanentf(Vendor, "employee %q has no Xero id in connection %s", emp.Code, x.connection)
	}
	return id, nil
}

// idempotencyKey derives a key of at most 128 characters from what makes a write the same
// write: a retried delivery sends the same key, so Xero answers it without a second record.
func idempotencyKey(kind string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "urakata-" + kind + "-" + hex.EncodeToString(h.Sum(nil))[:40]
}

// parseWebhookKey reads the optional webhook_key of a connection secret; ParseCredentials
// has already refused a secret that is not a JSON object.
func parseWebhookKey(s secrets.Secret) (secrets.Secret, error) {
	var raw secretFields
	if json.Unmarshal([]byte(s.Reveal()), &raw) != nil {
		return secrets.Secret{}, errors.New("the secret's webhook_key is not a string")
	}
	if raw.WebhookKey == nil {
		return secrets.Secret{}, nil
	}
	return secrets.New(*raw.WebhookKey), nil
}
