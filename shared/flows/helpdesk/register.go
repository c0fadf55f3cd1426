package helpdesk

import (
	"fmt"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/hub"
)

func init() { hub.RegisterFlowType(Type) }

// DefaultKB is the knowledge-base folder used when the mapping names none (the demo
// company's, relative to where urakata runs).
const DefaultKB = "testdata/faq"

// Type declares the flow type to the hub and to hub.yaml validation.
var Type = hub.FlowType{
	Name:    TypeName,
	Summary: "answers employees' questions in chat: FAQ answers, and their own overtime by direct message",
	Spec: config.FlowTypeSpec{
		Summary:  "社内ヘルプデスク: answers mentions and direct messages in the same thread, from the FAQ or, for the asker alone, their overtime this month",
		Triggers: []config.TriggerKind{config.TriggerWebhook},
		Mapping: []config.Field{
			{Name: "kb", Type: config.String, Default: DefaultKB,
				Description: "folder of FAQ entries (Markdown), read when the worker first answers"},
			{Name: "backoffice_channel", Type: config.String,
				Description: "channel (room) where the questions the FAQ cannot answer are forwarded; without it they are only declined"},
			{Name: "attendance", Type: config.ConnectionRef,
				Description: "time-clock connection that answers \"今月の残業は?\"; without it the bot answers from the FAQ alone"},
			{Name: "chat_users", Type: config.StringMap, Example: map[string]string{"E00001": "U0AAAAAAA1"},
				Description: "employee code → chat user id: who may see which employee's live data. An asker not named here gets no personal answer"},
		},
	},
	SourceNeeds: []hub.Capability{hub.CapWebhook},
	TargetNeeds: []hub.Capability{hub.CapChat},
	New:         New,
	// kagome's IPA dictionary (about 13 MB) stays out of the shared functions.
	Function: FunctionName,
}

// FunctionName is the AWS function that runs chat-helpdesk flows.
const FunctionName = "helpdesk"

// New builds a flow from its hub.yaml entry and its built connectors.
func New(env hub.FlowEnv) (hub.Flow, error) {
	c := env.Config
	poster, ok := env.Target.(hub.ChatPoster)
	if !ok {
		return nil, fmt.Errorf("flow %s: target %s cannot post chat messages", c.Name, c.Target)
	}
	m := c.Mapping
	str := func(k string) string { s, _ := m[k].(string); return s }
	users, _ := m["chat_users"].(map[string]string)
	dir := str("kb")
	if dir == "" {
		dir = DefaultKB
	}
	f := &Flow{
		name:       c.Name,
		target:     c.Target,
		chat:       poster,
		kb:         faq.NewLive(faq.Dir(dir)),
		backoffice: str("backoffice_channel"),
		employees:  map[string]string{},
		zone:       env.Zone,
		now:        env.Now,
	}
	f.rooms, _ = env.Target.(directRooms)
	ambiguous := map[string]bool{}
	for code, user := range users {
		if _, dup := f.employees[user]; dup {
			// One chat user named for two employees is a mapping mistake: answer for neither.
			ambiguous[user] = true
		}
		f.employees[user] = code
	}
	for user := range ambiguous {
		delete(f.employees, user)
	}
	if name := str("attendance"); name != "" {
		src, ok := env.Connections[name].(hub.AttendanceSource)
		if !ok {
			return nil, fmt.Errorf("flow %s: mapping.attendance: connection %s does not read time clocks", c.Name, name)
		}
		f.attendance, f.attendanceConn = src, name
	}
	if f.zone == nil {
		f.zone = payrollZone
	}
	if f.now == nil {
		f.now = timeNow
	}
	return f, nil
}
