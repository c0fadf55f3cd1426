package helpdesk

import (
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/faq/faqgithub"
	"github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/payroll"
)

func init() { hub.RegisterFlowType(Type) }

// DefaultKB is the knowledge-base folder used when the mapping names none (the demo
// company's, relative to where urakata runs).
const DefaultKB = "testdata/faq"

// DefaultKBRefresh is how old the knowledge base may grow before the next question reads
// it again.
const DefaultKBRefresh = 15 * time.Minute

// FunctionName is the AWS function that runs chat-helpdesk flows.
const FunctionName = "helpdesk"

// Type declares the flow type to the hub and to hub.yaml validation.
var Type = hub.FlowType{
	Name:    TypeName,
	Summary: "answers employees' questions in chat: FAQ answers, and their own overtime, paid leave and expense claims by direct message",
	Spec: config.FlowTypeSpec{
		Summary:  "社内ヘルプデスク: answers mentions and direct messages in the same thread, from the FAQ or, for the asker alone, their overtime this month, paid leave left and expense claims",
		Triggers: []config.TriggerKind{config.TriggerWebhook, config.TriggerSchedule},
		Mapping: []config.Field{
			{Name: "kb", Type: config.String, Default: DefaultKB,
				Description: "folder of FAQ entries (Markdown): a local folder, or a folder of kb_repo when that is set"},
			{Name: "kb_repo", Type: config.ConnectionRef,
				Description: "GitHub connection whose repository holds the FAQ (the back office edits it by pull request); without it kb is a local folder"},
			{Name: "kb_ref", Type: config.String,
				Description: "branch, tag or commit of kb_repo to read; its default branch when left out"},
			{Name: "kb_refresh", Type: config.Duration, Default: DefaultKBRefresh,
				Description: "how old the knowledge base may grow before the next question reads it again; a scheduled run (trigger.schedule) reads it at once"},
			{Name: "backoffice_channel", Type: config.String,
				Description: "channel (room) where the questions the FAQ cannot answer are forwarded; without it they are only declined"},
			{Name: "attendance", Type: config.ConnectionRef,
				Description: "time-clock connection that answers \"今月の残業は?\" and finds the asker among the employees; the payroll flow's source when left out"},
			{Name: "payroll", Type: config.FlowRef,
				Description: "timeclock-to-payroll flow whose pay period rules (締め日, 所定労働時間, 起算日) the overtime answer follows; 末締め and 8 hours a day without it"},
			{Name: "leave", Type: config.ConnectionRef,
				Description: "connection that answers \"有給は何日残ってる?\" (paid-leave balances); the attendance connection when it can"},
			{Name: "expenses", Type: config.FlowRef,
				Description: "expense-to-accounting flow that answers \"経費精算はどうなった?\" from what it posted"},
			{Name: "expense_lookback", Type: config.Duration, Default: DefaultExpenseLookback,
				Description: "how far back \"経費精算はどうなった?\" looks for approved claims"},
			{Name: "chat_users", Type: config.StringMap, Example: map[string]string{"E00001": "U0AAAAAAA1"},
				Description: "employee code → chat user id, for chats that cannot say a user's email (Chatwork) and for exceptions; otherwise the asker is found by the email the chat service shows. Anyone found neither way gets no personal answer"},
		},
	},
	SourceNeeds: []hub.Capability{hub.CapWebhook},
	TargetNeeds: []hub.Capability{hub.CapChat},
	New:         New,
	// A push to the knowledge base's repository reads it again.
	AlsoTriggeredBy: []string{"kb_repo"},
	// kagome's IPA dictionary (about 13 MB) stays out of the shared functions.
	Function: FunctionName,
}

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
	f.rooms, _ = env.Target.(directRooms)
	f.profiles, _ = env.Target.(hub.ChatProfiles)

	dir := str("kb")
	if dir == "" {
		dir = DefaultKB
	}
	src := faq.Dir(dir)
	if name := str("kb_repo"); name != "" {
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
	if attendance != "" && f.attendance == nil {
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
