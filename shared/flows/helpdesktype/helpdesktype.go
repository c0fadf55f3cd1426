// Package helpdesktype declares the chat bot's flow type, chat-helpdesk: its hub.yaml
// mapping, the capabilities it needs, the webhooks that start it and the AWS function it
// runs in. Every binary links this declaration, so each can validate a hub.yaml with chat
// bots and route their webhooks and jobs; the code that answers (package helpdesk, with the
// tokenizer's 13 MB dictionary) is linked only by the binaries that answer chat: the CLI
// and the helpdesk function.
package helpdesktype

import (
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
)

func init() { hub.RegisterFlowType(Type) }

// TypeName is the flow type's name in hub.yaml.
const TypeName = "chat-helpdesk"

// DefaultKB is the knowledge-base folder used when the mapping names none (the demo
// company's, relative to where urakata runs).
const DefaultKB = "testdata/faq"

// DefaultKBRefresh is how old the knowledge base may grow before the next question reads
// it again.
const DefaultKBRefresh = 15 * time.Minute

// DefaultExpenseLookback is how far back "経費精算はどうなった?" looks by default.
const DefaultExpenseLookback = 60 * 24 * time.Hour

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
	// A push to the knowledge base's repository reads it again.
	AlsoTriggeredBy: []string{"kb_repo"},
	// kagome's IPA dictionary (about 13 MB) stays out of the shared functions.
	Function: FunctionName,
}

// KB says where a chat-helpdesk flow reads its knowledge base: the folder (mapping.kb, or
// DefaultKB when left out) and the GitHub connection whose repository holds it
// (mapping.kb_repo); repo is "" for a folder on disk, relative to where urakata runs.
func KB(f config.Flow) (folder, repo string) {
	folder, _ = f.Mapping["kb"].(string)
	if folder == "" {
		folder = DefaultKB
	}
	repo, _ = f.Mapping["kb_repo"].(string)
	return folder, repo
}
