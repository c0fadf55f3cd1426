package plan

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	hubcore "github.com/urakata/urakata/shared/hub"
)

func tokyo(t *testing.T) *time.Location {
	t.Helper()
	z, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// The flow types of these tests: one the shared functions run, and one that runs in the
// helpdesk function, as the chat bot's does.
const (
	sharedType = "plan-shared"
	botType    = "plan-bot"
)

func init() {
	newFlow := func(hubcore.FlowEnv) (hubcore.Flow, error) { return nil, errors.New("not built in these tests") }
	hubcore.RegisterFlowType(hubcore.FlowType{Name: sharedType, New: newFlow})
	// A push to the repository its kb_repo names starts it too, as the chat bot's does.
	hubcore.RegisterFlowType(hubcore.FlowType{Name: botType, New: newFlow, Function: "helpdesk", AlsoTriggeredBy: []string{"kb_repo"}})
}

// hub is a hub.yaml with a scheduled freee flow, a webhook-triggered flow whose source
// shares nothing with it, and a connection no flow uses.
func hub(t *testing.T) *config.File {
	t.Helper()
	z := tokyo(t)
	return &config.File{
		Company: config.Company{Zone: z},
		Runtime: config.Runtime{Lease: 2 * time.Minute, MaxReceives: 5},
		Connections: []config.Connection{
			{Name: "freee-hr", Vendor: "freee-hr", Secret: "FREEE_HR"},
			{Name: "chat", Vendor: "slack", Secret: "SLACK"},
			{Name: "github", Vendor: "github", Secret: "GITHUB"},
			{Name: "spare", Vendor: "freee-hr", Secret: "SPARE"},
			{Name: "open-data", Vendor: "holidays"},
		},
		Flows: []config.Flow{
			{Name: "timeclock-to-payroll", Type: sharedType, Source: "freee-hr", Target: "freee-hr",
				Trigger: config.Trigger{Schedule: &config.Schedule{Cron: "0 6 1 * *", Zone: z}}},
			{Name: "issues-to-chat", Type: sharedType, Source: "github", Target: "chat",
				Trigger: config.Trigger{Webhook: &config.Webhook{Connection: "github", Path: "/hooks/github"}}},
			{Name: "holidays-to-chat", Type: sharedType, Source: "open-data", Target: "chat",
				Trigger: config.Trigger{Schedule: &config.Schedule{Cron: "0 9 1 * mon", Zone: time.UTC}}},
		},
	}
}

func TestFor(t *testing.T) {
	t.Parallel()
	p, err := For(hub(t))
	if err != nil {
		t.Fatal(err)
	}
	lists := []struct {
		name      string
		got, want []string
	}{
		{"every named secret is created once, used or not", p.Secrets, []string{"FREEE_HR", "GITHUB", "SLACK", "SPARE"}},
		{"the webhook function reads only the secrets of connections that send webhooks", p.WebhookSecrets, []string{"GITHUB"}},
		{"the schedule function reads the secrets of scheduled flows' sources and targets", p.ScheduleSecrets, []string{"FREEE_HR", "SLACK"}},
		{"the worker reads the secrets of every flow's connections and no others", p.WorkerSecrets, []string{"FREEE_HR", "GITHUB", "SLACK"}},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			if !slices.Equal(l.got, l.want) {
				t.Errorf("got %q, want %q", l.got, l.want)
			}
		})
	}
	t.Run("each scheduled flow gets its expressions and zone, in hub.yaml order", func(t *testing.T) {
		want := []Schedule{
			{Flow: "timeclock-to-payroll", Expressions: []string{"cron(0 6 1 * ? *)"}, Zone: "Asia/Tokyo"},
			{Flow: "holidays-to-chat", Expressions: []string{"cron(0 9 1 * ? *)", "cron(0 9 ? * MON *)"}, Zone: "UTC"},
		}
		if !slices.EqualFunc(p.Schedules, want, func(a, b Schedule) bool {
			return a.Flow == b.Flow && a.Zone == b.Zone && slices.Equal(a.Expressions, b.Expressions)
		}) {
			t.Errorf("Schedules = %+v, want %+v", p.Schedules, want)
		}
	})
	t.Run("the worker is capped by the strictest vendor its flows use", func(t *testing.T) {
		if p.WorkerConcurrency != 2 {
			t.Errorf("WorkerConcurrency = %d, want freee's 2", p.WorkerConcurrency)
		}
	})
	t.Run("the redrive limit is runtime.max_receives", func(t *testing.T) {
		if p.MaxReceives != 5 {
			t.Errorf("MaxReceives = %d, want 5", p.MaxReceives)
		}
	})
	t.Run("a hub.yaml without a chat bot has no function of its own", func(t *testing.T) {
		if len(p.Functions) != 0 || p.Routes() != "" {
			t.Errorf("Functions = %+v, routes %q; want none", p.Functions, p.Routes())
		}
	})
}

// withBots is hub with two chat bots of the helpdesk function: one answering a chat of its
// own (its secret is the bot's alone), one on a schedule on the shared chat.
func withBots(t *testing.T) *config.File {
	t.Helper()
	cfg := hub(t)
	cfg.Connections = append(cfg.Connections, config.Connection{Name: "bot-chat", Vendor: "chatwork", Secret: "CHATWORK"})
	cfg.Flows = append(cfg.Flows,
		config.Flow{Name: "bot", Type: botType, Source: "bot-chat", Target: "bot-chat",
			Trigger: config.Trigger{Webhook: &config.Webhook{Connection: "bot-chat"}}},
		config.Flow{Name: "bot-refresh", Type: botType, Source: "chat", Target: "chat",
			Trigger: config.Trigger{Schedule: &config.Schedule{Cron: "0 5 * * *", Zone: tokyo(t)}}},
	)
	return cfg
}

func TestForAFunctionOfItsOwn(t *testing.T) {
	t.Parallel()
	p, err := For(withBots(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Functions) != 1 {
		t.Fatalf("Functions = %+v, want the helpdesk alone", p.Functions)
	}
	fn := p.Functions[0]
	t.Run("the helpdesk runs both bots and reads their secrets only", func(t *testing.T) {
		if fn.Name != "helpdesk" || !slices.Equal(fn.Flows, []string{"bot", "bot-refresh"}) || !slices.Equal(fn.Secrets, []string{"CHATWORK", "SLACK"}) {
			t.Errorf("function %+v; want helpdesk with bot and bot-refresh, reading CHATWORK and SLACK", fn)
		}
	})
	t.Run("the webhook and the schedule function may each hand it work", func(t *testing.T) {
		if !fn.Webhook || !fn.Scheduled {
			t.Errorf("webhook %v, scheduled %v; want both", fn.Webhook, fn.Scheduled)
		}
	})
	t.Run("it has room for the dictionary and the vendors' cap", func(t *testing.T) {
		if fn.MemoryMiB < 512 || fn.Concurrency != defaultVendorConcurrency || fn.Description == "" {
			t.Errorf("function %+v; want at least 512 MiB, the chat vendors' cap and a description", fn)
		}
	})
	t.Run("the shared functions do not read the bot's own secret", func(t *testing.T) {
		if slices.Contains(p.WorkerSecrets, "CHATWORK") || slices.Contains(p.ScheduleSecrets, "CHATWORK") {
			t.Errorf("worker %q, schedule %q; want neither to read CHATWORK", p.WorkerSecrets, p.ScheduleSecrets)
		}
		if !slices.Contains(p.WebhookSecrets, "CHATWORK") {
			t.Errorf("webhook %q; want CHATWORK, to verify the bot's events", p.WebhookSecrets)
		}
	})
	t.Run("a bot started only by pushes to its knowledge base's repository may be handed work by the webhook function", func(t *testing.T) {
		cfg := hub(t)
		cfg.Flows = append(cfg.Flows, config.Flow{Name: "bot-refresh", Type: botType, Source: "chat", Target: "chat",
			Mapping: map[string]any{"kb_repo": "github"},
			Trigger: config.Trigger{Schedule: &config.Schedule{Cron: "0 5 * * *", Zone: tokyo(t)}}})
		p, err := For(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Functions) != 1 || !p.Functions[0].Webhook || !slices.Contains(p.WebhookSecrets, "GITHUB") {
			t.Errorf("functions %+v, webhook secrets %q; want the helpdesk handed the pushes the webhook function verifies with GITHUB", p.Functions, p.WebhookSecrets)
		}
	})
	t.Run("the bot's schedule is declared like any other, for the schedule function", func(t *testing.T) {
		if !slices.ContainsFunc(p.Schedules, func(s Schedule) bool { return s.Flow == "bot-refresh" }) {
			t.Errorf("Schedules = %+v, want bot-refresh's", p.Schedules)
		}
	})
	t.Run("the routes name each bot's flow", func(t *testing.T) {
		if got := p.Routes(); got != "bot=helpdesk,bot-refresh=helpdesk" {
			t.Errorf("Routes() = %q", got)
		}
	})
	t.Run("a function infra does not know is refused by name", func(t *testing.T) {
		hubcore.RegisterFlowType(hubcore.FlowType{Name: "plan-unknown-function", New: func(hubcore.FlowEnv) (hubcore.Flow, error) { return nil, nil }, Function: "mystery"})
		cfg := withBots(t)
		cfg.Flows = append(cfg.Flows, config.Flow{Name: "odd", Type: "plan-unknown-function", Source: "chat", Target: "chat"})
		_, err := For(cfg)
		if err == nil || !strings.Contains(err.Error(), `function "mystery", which infra cannot declare; it declares [helpdesk]`) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestForTimeouts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		lease               time.Duration
		timeout, visibility time.Duration
	}{
		{"the worker's timeout is the lease and the queue hides a message six times as long", 2 * time.Minute, 2 * time.Minute, 12 * time.Minute},
		{"a short lease still gives the worker Lambda-sized time", 10 * time.Second, 30 * time.Second, 3 * time.Minute},
		{"a lease past Lambda's 15 minutes keeps the visibility at least the lease", 2 * time.Hour, 15 * time.Minute, 2 * time.Hour},
		{"the visibility never passes SQS's 12 hours", 13 * time.Hour, 15 * time.Minute, 12 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := hub(t)
			cfg.Runtime.Lease = tt.lease
			p, err := For(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if p.WorkerTimeout != tt.timeout || p.QueueVisibility != tt.visibility {
				t.Errorf("lease %s: timeout %s, visibility %s; want %s, %s", tt.lease, p.WorkerTimeout, p.QueueVisibility, tt.timeout, tt.visibility)
			}
		})
	}
}

func TestConcurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		vendors []string
		want    int
	}{
		{"a hub of freee connections gets freee's cap", []string{"freee-hr", "freee-hr"}, 2},
		{"vendors without a cap of their own get the default", []string{"slack", "github"}, defaultVendorConcurrency},
		{"the strictest vendor sets the cap for all", []string{"slack", "freee-hr"}, 2},
		{"a hub without flows gets the least SQS allows", nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Concurrency(tt.vendors); got != tt.want {
				t.Errorf("Concurrency(%q) = %d, want %d", tt.vendors, got, tt.want)
			}
		})
	}
}
