package plan

import (
	"slices"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
)

func tokyo(t *testing.T) *time.Location {
	t.Helper()
	z, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return z
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
			{Name: "timeclock-to-payroll", Source: "freee-hr", Target: "freee-hr",
				Trigger: config.Trigger{Schedule: &config.Schedule{Cron: "0 6 1 * *", Zone: z}}},
			{Name: "issues-to-chat", Source: "github", Target: "chat",
				Trigger: config.Trigger{Webhook: &config.Webhook{Connection: "github", Path: "/hooks/github"}}},
			{Name: "holidays-to-chat", Source: "open-data", Target: "chat",
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
