package expense

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/accounting"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
)

func init() { hub.RegisterFlowType(Type) }

// Type declares the flow type to the hub and to hub.yaml validation.
var Type = hub.FlowType{
	Name:    TypeName,
	Summary: "approved expenses → journal entries in accounting, once and only once, with a chat notice",
	Spec: config.FlowTypeSpec{
		Summary:  "approved expenses → journal entries in accounting (経費精算 → 仕訳), once and only once, with a chat notice",
		Triggers: []config.TriggerKind{config.TriggerWebhook, config.TriggerSchedule},
		Mapping: []config.Field{
			{Name: "accounts", Type: config.StringMap, Required: true, Example: map[string]string{"交通費": "旅費交通費"},
				Description: "expense category → account item (勘定科目) in the target"},
			{Name: "default_account", Type: config.String,
				Description: "account for categories accounts does not name; leave it out to refuse them"},
			{Name: "credit_account", Type: config.String, Default: accounting.DefaultCreditAccount,
				Description: "what the company owes the employee until it pays the claim"},
			{Name: "tax_codes", Type: config.StringMap, Required: true, Example: map[string]string{"10": "課対仕入10%", "8": "課対仕入8%(軽)"},
				Description: "consumption-tax rate in percent (10, 8, 0) → the target's tax code"},
			{Name: "tax_codes_without_invoice", Type: config.StringMap,
				Description: "tax codes for lines without a valid qualified-invoice registration number (input tax credit limited)"},
			{Name: "department", Type: config.String, Description: "department (部門) every line is booked to"},
			{Name: "notify", Type: config.ConnectionRef,
				Description: "chat connection that tells the employee the expense was posted (Slack, Chatwork)"},
			{Name: "chat_users", Type: config.StringMap,
				Description: "employee code → chat channel or room to tell them in, for people chat cannot find by email"},
			{Name: "notify_fallback", Type: config.String,
				Description: "chat channel for notices to people chat cannot find (the back office's); without it, such a notice is a failure listed in the run summary"},
			{Name: "first_lookback", Type: config.Duration, Default: 30 * 24 * time.Hour,
				Description: "how far back the first polling run looks for approved expenses"},
			{Name: "overlap", Type: config.Duration, Default: time.Hour,
				Description: "how far before the cursor each polling run starts again, so late approvals are not missed (the ledger absorbs the duplicates)"},
		},
	},
	SourceNeeds: []hub.Capability{hub.CapExpenseSource},
	TargetNeeds: []hub.Capability{hub.CapJournalTarget},
	New:         New,
}

// New builds a flow from its hub.yaml entry and its built connectors.
func New(env hub.FlowEnv) (hub.Flow, error) {
	c := env.Config
	src, ok := env.Source.(hub.ExpenseSource)
	if !ok {
		return nil, fmt.Errorf("source %s does not read expenses", c.Source)
	}
	dst, ok := env.Target.(hub.JournalTarget)
	if !ok {
		return nil, fmt.Errorf("target %s does not take journal entries", c.Target)
	}
	m := c.Mapping
	str := func(k string) string { s, _ := m[k].(string); return s }
	strs := func(k string) map[string]string { s, _ := m[k].(map[string]string); return s }
	dur := func(k string, def time.Duration) time.Duration {
		if d, ok := m[k].(time.Duration); ok && d > 0 {
			return d
		}
		return def
	}
	taxCodes, err := accounting.ParseTaxCodes(strs("tax_codes"))
	if err != nil {
		return nil, fmt.Errorf("flow %s: mapping.%w", c.Name, err)
	}
	without, err := accounting.ParseTaxCodes(strs("tax_codes_without_invoice"))
	if err != nil {
		return nil, fmt.Errorf("flow %s: mapping.%w", c.Name, err)
	}
	f := &Flow{
		name: c.Name, sourceConn: c.Source, targetConn: c.Target, source: src, target: dst,
		mapping: accounting.Mapping{
			Accounts: strs("accounts"), DefaultAccount: str("default_account"), CreditAccount: str("credit_account"),
			TaxCodes: taxCodes, TaxCodesWithoutInvoice: without, Department: str("department"),
		},
		zone:          env.Zone,
		chatUsers:     strs("chat_users"),
		fallback:      str("notify_fallback"),
		firstLookback: dur("first_lookback", 30*24*time.Hour),
		overlap:       dur("overlap", time.Hour),
		now:           env.Now,
		logger:        env.Logger,
		ledger:        env.Ledger,
	}
	if f.zone == nil {
		f.zone = time.UTC
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.logger == nil {
		f.logger = noLogger
	}
	if name := str("notify"); name != "" {
		conn := env.Connections[name]
		chat, ok := conn.(hub.ChatPoster)
		if !ok {
			return nil, fmt.Errorf("flow %s: mapping.notify: connection %s cannot post chat messages", c.Name, name)
		}
		f.notifyConn, f.chat = name, chat
		f.directory, _ = conn.(hub.ChatDirectory)
	}
	return f, nil
}
