package overtime

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/hub"
)

func init() { hub.RegisterFlowType(Type) }

// The lines a flow watches when hub.yaml names none: the general monthly limit of a 36協定
// (Labour Standards Act art. 36 para. 4) and a warning five hours before it.
const (
	DefaultLimitHours = 45
	DefaultWarnHours  = 40
)

// Type declares the flow type to the hub and to hub.yaml validation.
var Type = hub.FlowType{
	Name:    TypeName,
	Summary: "tells an employee's manager in chat before their overtime reaches the 36協定 monthly limit",
	Spec: config.FlowTypeSpec{
		Summary: "36協定の上限管理: tells the manager's chat when an employee's overtime (時間外労働) this pay period reaches the warning line, and again at the monthly limit",
		// A watch counts up to today: a webhook's event has nothing to add to that.
		Triggers:    []config.TriggerKind{config.TriggerSchedule},
		NeedsPeriod: true,
		Mapping: []config.Field{
			{Name: "limit_hours", Type: config.Int, Default: DefaultLimitHours,
				Description: "the monthly limit of overtime (時間外労働: beyond 8 hours a day or 40 a week; legal-holiday work not included) in the company's 36協定, in hours; 45 is the general limit"},
			{Name: "warn_hours", Type: config.Int, Default: DefaultWarnHours,
				Description: "the warning line in hours, below limit_hours: the manager is told when an employee's overtime reaches it, while there is still time to act"},
			{Name: "manager_channels", Type: config.StringMap, Example: map[string]string{"営業部": "C0123456789"},
				Description: "department (部署, as the attendance source names it) → chat channel (room) of its managers, where notices about its employees go"},
			{Name: "default_channel", Type: config.String,
				Description: "chat channel (room) for notices about employees whose department manager_channels does not name (the back office's); without it such a notice is a failure listed in the run summary"},
		},
	},
	SourceNeeds: []hub.Capability{hub.CapEmployees, hub.CapAttendance},
	TargetNeeds: []hub.Capability{hub.CapChat},
	New:         New,
}

// New builds a flow from its hub.yaml entry and its built connectors. Lines that make no
// sense (a warning at or above the limit) are refused here, before any run. Errors name the
// mapping key; the hub adds the flow's name.
func New(env hub.FlowEnv) (hub.Flow, error) {
	c := env.Config
	src, ok := env.Source.(hub.AttendanceSource)
	if !ok {
		return nil, fmt.Errorf("source %s does not read time clocks", c.Source)
	}
	chat, ok := env.Target.(hub.ChatPoster)
	if !ok {
		return nil, fmt.Errorf("target %s cannot post chat messages", c.Target)
	}
	if c.Period == nil {
		return nil, fmt.Errorf("period rules are required")
	}
	rules := timeclock.Rules(c.Period, env.Zone)
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	limit, err := hours(c.Mapping, "limit_hours", DefaultLimitHours)
	if err != nil {
		return nil, err
	}
	warn, err := hours(c.Mapping, "warn_hours", DefaultWarnHours)
	if err != nil {
		return nil, err
	}
	if warn >= limit {
		return nil, fmt.Errorf("mapping.warn_hours is %d and mapping.limit_hours %d; the warning line must be below the limit, so that the manager is warned before it (left out, they are %d and %d)",
			warn, limit, DefaultWarnHours, DefaultLimitHours)
	}
	channels, _ := c.Mapping["manager_channels"].(map[string]string)
	fallback, _ := c.Mapping["default_channel"].(string)
	f := &Flow{
		sourceConn: c.Source, source: src, chat: chat, rules: rules,
		warnHours: warn, limitHours: limit,
		channels: channels, fallback: fallback,
		now: env.Now, logger: env.Logger,
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.logger == nil {
		f.logger = slog.New(slog.DiscardHandler)
	}
	return f, nil
}

// hours reads a line of the mapping: whole hours, at least one; def when hub.yaml was not
// read through package config (which fills the default in).
func hours(m map[string]any, key string, def int) (int, error) {
	v, ok := m[key]
	if !ok {
		return def, nil
	}
	n, ok := v.(int)
	if !ok {
		return 0, fmt.Errorf("mapping.%s must be a whole number of hours", key)
	}
	if n < 1 {
		return 0, fmt.Errorf("mapping.%s is %d; want a whole number of hours, at least 1", key, n)
	}
	return n, nil
}
