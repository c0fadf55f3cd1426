package helpdesk

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/cache"
	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/faq/faqgithub"
	"github.com/urakata/urakata/shared/flows/helpdesktype"
	"github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// The type is declared in package helpdesktype, which every binary links; this package,
// linked only where chat is answered, gives it its constructor.
func init() { hub.ImplementFlowType(TypeName, New) }

// The type's names and defaults, declared in package helpdesktype.
const (
	TypeName               = helpdesktype.TypeName
	FunctionName           = helpdesktype.FunctionName
	DefaultKB              = helpdesktype.DefaultKB
	DefaultKBRefresh       = helpdesktype.DefaultKBRefresh
	DefaultExpenseLookback = helpdesktype.DefaultExpenseLookback
)

// New builds a flow from its hub.yaml entry and its built connectors.
func New(env hub.FlowEnv) (hub.Flow, error) {
	c := env.Config
	poster, ok := env.Target.(hub.ChatPoster)
	if !ok {
		return nil, fmt.Errorf("flow %s: target %s cannot post chat messages", c.Name, c.Target)
	}
	m := c.Mapping
	str := func(k string) string { s, _ := m[k].(string); return s }
	dur := func(k string, def time.Duration) time.Duration {
		if d, ok := m[k].(time.Duration); ok && d > 0 {
			return d
		}
		return def
	}
	users, _ := m["chat_users"].(map[string]string)
	f := &Flow{
		name:            c.Name,
		target:          c.Target,
		chat:            poster,
		backoffice:      str("backoffice_channel"),
		employees:       map[string]string{},
		ambiguous:       map[string]bool{},
		mappedCodes:     map[string]bool{},
		askers:          cache.New[model.Employee](askerCacheSize, askerTTL),
		kbRefresh:       dur("kb_refresh", DefaultKBRefresh),
		expenseLookback: dur("expense_lookback", DefaultExpenseLookback),
		zone:            env.Zone,
		now:             env.Now,
		logger:          env.Logger,
	}
	if f.zone == nil {
		f.zone = payrollZone
	}
	if f.now == nil {
		f.now = timeNow
	}
	if f.logger == nil {
		f.logger = noLogger
	}
	f.askers.Now = f.now
	f.rooms, _ = env.Target.(directRooms)
	f.profiles, _ = env.Target.(hub.ChatProfiles)

	dir, repoConn := helpdesktype.KB(c)
	src := faq.Dir(dir)
	if name := repoConn; name != "" {
		repo, ok := env.Connections[name].(repository)
		if !ok {
			return nil, fmt.Errorf("flow %s: mapping.kb_repo: connection %s cannot list a repository's Markdown files (want a github connection)", c.Name, name)
		}
		owner, name := repo.Repository()
		src = faqgithub.Source(repo, owner, name, dir, str("kb_ref"))
	}
	f.kb = faq.NewLive(src)

	for code, user := range users {
		if _, dup := f.employees[user]; dup {
			// One chat user named for two employees is a mapping mistake: answer for neither,
			// not even by email (hub.yaml says they may be someone else).
			f.ambiguous[user] = true
		}
		f.employees[user] = code
		f.mappedCodes[code] = true
	}
	for user := range f.ambiguous {
		delete(f.employees, user)
	}

	f.rules = payroll.Rules{ClosingDay: 0, PrescribedDailyMinutes: PrescribedDailyMinutes, Zone: f.zone}
	attendance := str("attendance")
	if name := str("payroll"); name != "" {
		ref := env.Flows[name]
		if ref.Config.Type != timeclock.TypeName || ref.Config.Period == nil {
			return nil, fmt.Errorf("flow %s: mapping.payroll: flow %s is a %s; want a %s flow (its pay period rules are used)", c.Name, name, ref.Config.Type, timeclock.TypeName)
		}
		f.rules = timeclock.Rules(ref.Config.Period, f.zone)
		if attendance == "" {
			attendance = ref.Config.Source
		}
	}
	if attendance != "" {
		src, ok := env.Connections[attendance].(hub.AttendanceSource)
		if !ok {
			return nil, fmt.Errorf("flow %s: mapping.attendance: connection %s does not read time clocks", c.Name, attendance)
		}
		f.attendance = src
	}
	f.attendanceConn = attendance

	f.leaveConn = str("leave")
	switch {
	case f.leaveConn != "":
		src, ok := env.Connections[f.leaveConn].(hub.LeaveSource)
		if !ok {
			return nil, fmt.Errorf("flow %s: mapping.leave: connection %s cannot read paid-leave balances", c.Name, f.leaveConn)
		}
		f.leave = src
	case f.attendance != nil:
		f.leave, _ = f.attendance.(hub.LeaveSource)
		f.leaveConn = attendance
	}
	if f.leave != nil && f.attendance == nil {
		return nil, fmt.Errorf("flow %s: mapping.leave needs mapping.attendance (or payroll) to find the asker among the employees", c.Name)
	}

	if name := str("expenses"); name != "" {
		tracker, ok := env.Flows[name].Flow.(hub.ExpenseTracker)
		if !ok {
			return nil, fmt.Errorf("flow %s: mapping.expenses: flow %s cannot tell what became of expense claims; want an expense-to-accounting flow", c.Name, name)
		}
		f.expenses = tracker
	}
	return f, nil
}

// repository is a connection that lists a repository's Markdown files (connectors/github).
type repository interface {
	faqgithub.Lister
	// Repository names the repository the connection is set up for.
	Repository() (owner, name string)
}
