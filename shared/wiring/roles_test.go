package wiring_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/wiring"
)

// rolesYAML has a webhook-only flow from clock, a scheduled flow from other to payroll, and
// a connection no flow uses.
const rolesYAML = `version: 1
connections:
  clock: {vendor: wiring-clock, secret: CLOCK}
  other: {vendor: wiring-clock, secret: OTHER}
  payroll: {vendor: wiring-payroll}
  unused: {vendor: wiring-clock, secret: UNUSED}
flows:
  on-event:
    type: wiring-sync
    source: clock
    target: payroll
    trigger: {webhook: {connection: clock}}
  monthly:
    type: wiring-plain
    source: other
    target: payroll
    trigger: {schedule: {cron: "0 6 1 * *"}}
`

func TestEachRoleBuildsOnlyWhatItServes(t *testing.T) {
	t.Parallel()
	cfg := parse(t, rolesYAML)
	for _, tc := range []struct {
		role         wiring.Role
		conns, flows []string
	}{
		{wiring.RoleAll, []string{"clock", "other", "payroll", "unused"}, []string{"on-event", "monthly"}},
		{wiring.RoleWebhook, []string{"clock"}, nil},
		{wiring.RoleSchedule, []string{"other", "payroll"}, []string{"monthly"}},
		{wiring.RoleWorker, []string{"clock", "other", "payroll"}, []string{"on-event", "monthly"}},
	} {
		conns, flows := wiring.Needs(cfg, tc.role)
		if !slices.Equal(conns, tc.conns) || !slices.Equal(flows, tc.flows) {
			t.Errorf("role %q needs %v and flows %v; want %v and %v", tc.role, conns, flows, tc.conns, tc.flows)
		}
	}
}

func TestARoleReadsOnlyTheSecretsOfItsConnections(t *testing.T) {
	t.Parallel()
	// Only OTHER is readable, as for a schedule function whose grants cover OTHER alone:
	// building the schedule role must not look up CLOCK or UNUSED.
	parts, err := wiring.Build(t.Context(), parse(t, rolesYAML), wiring.Ports{Secrets: secrets.Static{"OTHER": "s"}, Role: wiring.RoleSchedule})
	if err != nil {
		t.Fatalf("schedule role: %v", err)
	}
	if _, ok := parts.Flow("monthly"); !ok {
		t.Error("the schedule role did not build its scheduled flow")
	}
	if _, ok := parts.Flow("on-event"); ok {
		t.Error("the schedule role built a webhook-only flow")
	}
	if _, err := wiring.Build(t.Context(), parse(t, rolesYAML), wiring.Ports{Secrets: secrets.Static{"OTHER": "s"}, Role: wiring.RoleWorker}); err == nil {
		t.Error("the worker role built without the secret of clock, which its flows use")
	}
}

// botFlow is a flow type that runs in an AWS function of its own, as the chat bot does: it
// answers a chat connection's events and may read time clocks (mapping.attendance).
type botFlow struct{ env hub.FlowEnv }

func (botFlow) Plan(context.Context, hub.Run, func(hub.Item) error) (string, error) { return "", nil }
func (botFlow) Deliver(context.Context, hub.Delivery) (hub.Result, error)           { return hub.Result{}, nil }

func init() {
	hub.RegisterFlowType(hub.FlowType{
		Name: "wiring-bot",
		Spec: config.FlowTypeSpec{
			Triggers: []config.TriggerKind{config.TriggerSchedule, config.TriggerWebhook},
			Mapping:  []config.Field{{Name: "attendance", Type: config.ConnectionRef}, {Name: "kb_repo", Type: config.ConnectionRef}},
		},
		New:             func(env hub.FlowEnv) (hub.Flow, error) { return botFlow{env}, nil },
		AlsoTriggeredBy: []string{"kb_repo"},
		Function:        "wiring-desk",
	})
	// A type declared without its code, as the shared functions see the chat bot's.
	hub.RegisterFlowType(hub.FlowType{
		Name:     "wiring-declared",
		Spec:     config.FlowTypeSpec{Triggers: []config.TriggerKind{config.TriggerWebhook}},
		Function: "wiring-desk",
	})
}

// The webhooks of a connection a bot's mapping names as AlsoTriggeredBy (its knowledge
// base's repository) start the bot too: the webhook function verifies them and routes them
// to the bot, and the bot's function builds the connection.
func TestAMappingConnectionWhoseWebhooksStartTheFlow(t *testing.T) {
	t.Parallel()
	yaml := strings.Replace(deskYAML, "flows:\n", "  repo: {vendor: wiring-chat, secret: REPO}\nflows:\n", 1)
	yaml = strings.Replace(yaml, "mapping: {attendance: clock}", "mapping: {attendance: clock, kb_repo: repo}", 1)
	cfg := parse(t, yaml)
	if conns, _ := wiring.Needs(cfg, wiring.RoleWebhook); !slices.Equal(conns, []string{"clock", "chat", "repo"}) {
		t.Errorf("the webhook role needs %v; want clock, chat and repo", conns)
	}
	if conns, _ := wiring.Needs(cfg, wiring.FunctionRole("wiring-desk")); !slices.Contains(conns, "repo") {
		t.Errorf("the bot's function needs %v; want repo among them", conns)
	}
	parts, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: secrets.Static{"CLOCK": "c", "CHAT": "s", "REPO": "r"}, Role: wiring.RoleWebhook})
	if err != nil {
		t.Fatal(err)
	}
	in := parts.Ingress(nil, nil, nil, nil)
	if !slices.Equal(in.Routes["repo"], []string{"bot"}) || !slices.Equal(in.Routes["chat"], []string{"bot"}) {
		t.Errorf("routes %v; want repo's and chat's webhooks to start bot", in.Routes)
	}
}

// A flow of a type this binary declares but does not carry the code of is refused by name
// when built, saying where it runs.
func TestAFlowTypeDeclaredWithoutItsCodeIsNotBuilt(t *testing.T) {
	t.Parallel()
	yaml := strings.Replace(rolesYAML, "flows:\n", "  chat: {vendor: wiring-chat, secret: CHAT}\nflows:\n", 1) + `  bot:
    type: wiring-declared
    source: chat
    target: chat
    trigger: {webhook: {connection: chat}}
`
	cfg := parse(t, yaml)
	_, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: secrets.Static{"CLOCK": "c", "OTHER": "o", "UNUSED": "u", "CHAT": "s"}})
	if err == nil || !strings.Contains(err.Error(), `flow bot: type "wiring-declared" is only declared in this binary; it runs in the wiring-desk function`) {
		t.Errorf("err = %v; want the flow refused, naming where it runs", err)
	}
	if _, flows := wiring.Needs(cfg, wiring.RoleWorker); slices.Contains(flows, "bot") {
		t.Errorf("the shared worker builds %v; want no bot", flows)
	}
}

// deskYAML is rolesYAML with a chat connection and two flows of the bot's type: one
// answering chat events (and reading clock), one on a schedule.
var deskYAML = strings.Replace(rolesYAML, "flows:\n", "  chat: {vendor: wiring-chat, secret: CHAT}\nflows:\n", 1) + `  bot:
    type: wiring-bot
    source: chat
    target: chat
    trigger: {webhook: {connection: chat}}
    mapping: {attendance: clock}
  bot-refresh:
    type: wiring-bot
    source: chat
    target: chat
    trigger: {schedule: {cron: "0 5 * * *"}}
`

func TestAFunctionOfItsOwnBuildsExactlyTheFlowsOfItsTypes(t *testing.T) {
	t.Parallel()
	cfg := parse(t, deskYAML)
	desk := wiring.FunctionRole("wiring-desk")
	for _, tc := range []struct {
		name         string
		role         wiring.Role
		conns, flows []string
	}{
		{"the embedded runtime builds everything", wiring.RoleAll,
			[]string{"clock", "other", "payroll", "unused", "chat"}, []string{"on-event", "monthly", "bot", "bot-refresh"}},
		{"the webhook function verifies the bot's chat events too", wiring.RoleWebhook, []string{"clock", "chat"}, nil},
		{"the schedule function leaves the bot's schedule to the bot's function", wiring.RoleSchedule, []string{"other", "payroll"}, []string{"monthly"}},
		{"the shared worker builds none of the bot's flows", wiring.RoleWorker, []string{"clock", "other", "payroll"}, []string{"on-event", "monthly"}},
		{"the bot's function builds both bot flows, with the connection the mapping names", desk, []string{"clock", "chat"}, []string{"bot", "bot-refresh"}},
		{"a function no type names builds nothing", wiring.FunctionRole("nobody"), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conns, flows := wiring.Needs(cfg, tc.role)
			if !slices.Equal(conns, tc.conns) || !slices.Equal(flows, tc.flows) {
				t.Errorf("role %q needs %v and flows %v; want %v and %v", tc.role, conns, flows, tc.conns, tc.flows)
			}
		})
	}
	t.Run("the function raises alerts, so it builds the alert connections", func(t *testing.T) {
		t.Parallel()
		yaml := strings.Replace(deskYAML, "flows:\n", "  tracker: {vendor: wiring-issues}\nflows:\n", 1)
		cfg := parse(t, yaml+"alerts: {chat: chat, channel: C0123OPS, issues: tracker}\n")
		if !wiring.RaisesAlerts(desk) {
			t.Fatal("a function of its own raises no alerts")
		}
		if conns, _ := wiring.Needs(cfg, desk); !slices.Equal(conns, []string{"clock", "chat", "tracker"}) {
			t.Errorf("the function needs %v; want clock, chat and tracker", conns)
		}
	})
	t.Run("the functions hub.yaml needs are named once", func(t *testing.T) {
		t.Parallel()
		if got := wiring.Functions(cfg); !slices.Equal(got, []string{"wiring-desk"}) {
			t.Errorf("functions %v; want wiring-desk", got)
		}
		if got := wiring.Functions(parse(t, rolesYAML)); len(got) != 0 {
			t.Errorf("functions %v of a hub.yaml without a bot; want none", got)
		}
	})
	t.Run("a role knows its function", func(t *testing.T) {
		t.Parallel()
		if desk.Function() != "wiring-desk" || wiring.RoleWorker.Function() != "" || wiring.RoleAll.Function() != "" {
			t.Errorf("functions %q, %q, %q; want wiring-desk and none", desk.Function(), wiring.RoleWorker.Function(), wiring.RoleAll.Function())
		}
	})
	t.Run("the function builds its flows and reads only its own secrets", func(t *testing.T) {
		t.Parallel()
		parts, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: secrets.Static{"CLOCK": "c", "CHAT": "s"}, Role: desk})
		if err != nil {
			t.Fatal(err)
		}
		bf, ok := parts.Flow("bot")
		if _, refresh := parts.Flow("bot-refresh"); !ok || !refresh || len(parts.Flows) != 2 {
			t.Fatalf("flows %v; want bot and bot-refresh", slices.Sorted(maps.Keys(parts.Flows)))
		}
		if _, ok := bf.Flow.(botFlow).env.Connections["clock"].(clockConn); !ok {
			t.Error("the bot was built without the clock its mapping names")
		}
	})
}

// A binary that does not link a flow type (the shared functions do not link the chat bot's)
// still reads what it needs from hub.yaml alone: the webhook connection of such a flow,
// and that the shared roles do not build it.
func TestAFlowTypeThisBinaryDoesNotLink(t *testing.T) {
	t.Parallel()
	v := wiring.Vocabulary()
	v.FlowTypes["wiring-elsewhere"] = config.FlowTypeSpec{Triggers: []config.TriggerKind{config.TriggerSchedule, config.TriggerWebhook}}
	yaml := strings.Replace(rolesYAML, "flows:\n", "  chat: {vendor: wiring-chat, secret: CHAT}\nflows:\n", 1) + `  elsewhere:
    type: wiring-elsewhere
    source: chat
    target: chat
    trigger: {webhook: {connection: chat}, schedule: {cron: "0 5 * * *"}}
`
	cfg, err := config.Parse("hub.yaml", []byte(yaml), v)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		role         wiring.Role
		conns, flows []string
	}{
		{wiring.RoleWebhook, []string{"clock", "chat"}, nil},
		{wiring.RoleSchedule, []string{"other", "payroll"}, []string{"monthly"}},
		{wiring.RoleWorker, []string{"clock", "other", "payroll"}, []string{"on-event", "monthly"}},
	} {
		conns, flows := wiring.Needs(cfg, tc.role)
		if !slices.Equal(conns, tc.conns) || !slices.Equal(flows, tc.flows) {
			t.Errorf("role %q needs %v and flows %v; want %v and %v", tc.role, conns, flows, tc.conns, tc.flows)
		}
	}
	if fn, linked := wiring.FlowFunction("wiring-elsewhere"); fn != "" || linked {
		t.Errorf("FlowFunction = %q, %v; want unknown", fn, linked)
	}
	all := secrets.Static{"CLOCK": "c", "OTHER": "o", "UNUSED": "u", "CHAT": "s"}
	if _, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: all, Role: wiring.RoleWorker}); err != nil {
		t.Errorf("the worker role: %v; want it built without the flow it does not run", err)
	}
	if _, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: all}); err == nil || !strings.Contains(err.Error(), `flow elsewhere: type "wiring-elsewhere" is not in this binary`) {
		t.Errorf("building everything: err = %v; want the flow's type named as missing", err)
	}
}
