package helpdesk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/helpdesk"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

type poster struct{}

func (poster) PostMessage(context.Context, model.ChatMessage) (string, error) { return "C1:1.0", nil }

func flowConfig(mapping map[string]any) config.Flow {
	return config.Flow{Name: "helpdesk", Type: helpdesk.TypeName, Source: "slack", Target: "slack", Mapping: mapping}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	f, err := helpdesk.New(hub.FlowEnv{Config: flowConfig(map[string]any{"kb": "../../../testdata/faq"}), Source: poster{}, Target: poster{}})
	if err != nil {
		t.Fatal(err)
	}
	chat := &model.ChatEvent{ID: "Ev1", Type: "app_mention", Message: model.ChatMessage{Channel: "C1", Thread: "C1:1.0", User: "U1", Text: "<@UBOT> 今月の残業は？"}}
	for _, tc := range []struct {
		name  string
		event *hub.WebhookEvent
		want  int
	}{
		{name: "a job without an event (the schedule) reads the knowledge base and plans nothing", want: 0},
		{name: "an event without a message plans nothing", event: &hub.WebhookEvent{ID: "Ev1", Type: "app_mention"}, want: 0},
		{name: "a message plans one reply keyed by the chat event", event: &hub.WebhookEvent{ID: "Ev1", Type: "app_mention", Chat: chat}, want: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var items []hub.Item
			_, err := f.Plan(t.Context(), hub.Run{Job: hub.Job{Trigger: "webhook", Event: tc.event}}, func(it hub.Item) error {
				items = append(items, it)
				return nil
			})
			if err != nil || len(items) != tc.want {
				t.Fatalf("items %+v, %v; want %d", items, err, tc.want)
			}
			if tc.want == 1 {
				q, ok := items[0].Payload.(helpdesk.Question)
				if items[0].NaturalKey != "chat/Ev1" || !ok || q.Event.Message.Text != chat.Message.Text || q.Event.Message.Thread != chat.Message.Thread {
					t.Errorf("item %+v; want the question keyed chat/Ev1", items[0])
				}
			}
		})
	}
}

func TestAScheduledRunWithAKnowledgeBaseThatDoesNotLoadFails(t *testing.T) {
	t.Parallel()
	f, err := helpdesk.New(hub.FlowEnv{Config: flowConfig(map[string]any{"kb": t.TempDir() + "/missing"}), Target: poster{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Plan(t.Context(), hub.Run{Job: hub.Job{Trigger: "schedule"}}, func(hub.Item) error { return nil }); err == nil {
		t.Error("a run reading a missing knowledge-base folder succeeded")
	}
}

func TestNewRefusesConnectionsThatCannotServe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		env    hub.FlowEnv
		reason string
	}{
		{name: "a target that cannot post chat messages is refused",
			env: hub.FlowEnv{Config: flowConfig(nil), Target: struct{}{}}, reason: "cannot post"},
		{name: "an attendance connection that reads no time clocks is refused",
			env:    hub.FlowEnv{Config: flowConfig(map[string]any{"attendance": "xero"}), Target: poster{}, Connections: map[string]any{"xero": poster{}}},
			reason: "does not read time clocks"},
		{name: "a leave connection that keeps no balances is refused",
			env:    hub.FlowEnv{Config: flowConfig(map[string]any{"leave": "xero"}), Target: poster{}, Connections: map[string]any{"xero": poster{}}},
			reason: "cannot read paid-leave balances"},
		{name: "a payroll flow that is not a timeclock flow is refused",
			env: hub.FlowEnv{Config: flowConfig(map[string]any{"payroll": "expenses"}), Target: poster{},
				Flows: map[string]hub.FlowRef{"expenses": {Config: config.Flow{Name: "expenses", Type: "expense-to-accounting"}}}},
			reason: "want a timeclock-to-payroll flow"},
		{name: "an expenses flow that cannot tell claims apart is refused",
			env: hub.FlowEnv{Config: flowConfig(map[string]any{"expenses": "payroll"}), Target: poster{},
				Flows: map[string]hub.FlowRef{"payroll": {Config: config.Flow{Name: "payroll", Type: "timeclock-to-payroll"}}}},
			reason: "want an expense-to-accounting flow"},
		{name: "a kb_repo that lists no repository is refused",
			env:    hub.FlowEnv{Config: flowConfig(map[string]any{"kb_repo": "slack"}), Target: poster{}, Connections: map[string]any{"slack": poster{}}},
			reason: "want a github connection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := helpdesk.New(tc.env); err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("err = %v; want one saying %q", err, tc.reason)
			}
		})
	}
}
