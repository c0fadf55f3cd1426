package timeclock

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/payroll"
)

func init() { hub.RegisterFlowType(Type) }

// Type declares the flow type to the hub and to hub.yaml validation.
var Type = hub.FlowType{
	Name:    TypeName,
	Summary: "time clocks → monthly work summaries in payroll, computed by Japanese labour rules",
	Spec: config.FlowTypeSpec{
		Summary:     "time clocks → monthly work summaries in payroll (勤怠 → 給与), by Japanese labour rules",
		Triggers:    []config.TriggerKind{config.TriggerSchedule, config.TriggerWebhook},
		NeedsPeriod: true,
		Mapping: []config.Field{
			{Name: "match", Type: config.StringList, Enum: []string{"code", "email"}, Default: []string{"code", "email"},
				Description: "how employees of the source are found in the target when they are different systems: by employee code (社員番号), then email"},
			{Name: "overrides", Type: config.StringMap,
				Description: "source employee code → target employee code, for people numbered differently in the two systems"},
		},
	},
	SourceNeeds: []hub.Capability{hub.CapEmployees, hub.CapAttendance},
	// The target takes work summaries or timesheets; New checks which.
	TargetNeeds: nil,
	New:         New,
}

// New builds a flow from its hub.yaml entry and its built connectors.
func New(env hub.FlowEnv) (hub.Flow, error) {
	c := env.Config
	src, ok := env.Source.(hub.AttendanceSource)
	if !ok {
		return nil, fmt.Errorf("source %s does not read time clocks", c.Source)
	}
	dst, _ := env.Target.(hub.WorkSummaryTarget)
	sheets, _ := env.Target.(hub.TimesheetTarget)
	if dst == nil && sheets == nil {
		return nil, fmt.Errorf("target %s takes neither monthly work summaries nor timesheets", c.Target)
	}
	if dst != nil {
		// A payroll that takes both gets the summary: it is one write, not one a day.
		sheets = nil
	}
	if c.Period == nil {
		return nil, fmt.Errorf("flow %s: period rules are required", c.Name)
	}
	rules := Rules(c.Period, env.Zone)
	if err := rules.Validate(); err != nil {
		return nil, fmt.Errorf("flow %s: %w", c.Name, err)
	}
	f := &Flow{
		sourceConn: c.Source, targetConn: c.Target,
		source: src, target: dst, sheets: sheets, rules: rules,
		now:        env.Now,
		matchOrder: []string{"code", "email"},
	}
	if f.now == nil {
		f.now = time.Now
	}
	if m, ok := c.Mapping["match"].([]string); ok && len(m) > 0 {
		f.matchOrder = m
	}
	if o, ok := c.Mapping["overrides"].(map[string]string); ok {
		f.overrides = o
	}
	if lister, ok := env.Target.(hub.EmployeeSource); ok {
		f.targetLister = lister
	}
	return f, nil
}

// Rules turns hub.yaml's period section into payroll rules for the company's zone.
func Rules(p *config.Period, zone *time.Location) payroll.Rules {
	r := payroll.Rules{
		ClosingDay:             p.ClosingDay,
		PrescribedDailyMinutes: p.PrescribedDailyMinutes,
		WeekStart:              p.WeekStart,
		Rounding: payroll.Rounding{
			Unit:  p.Rounding.Unit,
			Mode:  payroll.RoundingMode(p.Rounding.Mode),
			Scope: payroll.RoundingScope(p.Rounding.Apply),
		},
		Zone: zone,
	}
	if p.PrescribedStart != nil && p.PrescribedEnd != nil {
		r.PrescribedStart, r.PrescribedEnd = p.PrescribedStart.String(), p.PrescribedEnd.String()
	}
	return r
}
