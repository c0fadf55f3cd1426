package wiring_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/wiring"
)

// chatConn posts messages; issuesConn files issues.
type chatConn struct{}

func (chatConn) PostMessage(context.Context, model.ChatMessage) (string, error) { return "1", nil }

type issuesConn struct{}

func (issuesConn) OpenIssue(context.Context, string, string, string) (string, error) {
	return "o/r#1", nil
}
func (issuesConn) CloseIssue(context.Context, string, string) error { return nil }

func init() {
	hub.Register(hub.Connector{
		Vendor: "wiring-chat", Capabilities: []hub.Capability{hub.CapChat},
		New: func(context.Context, hub.Env) (any, error) { return chatConn{}, nil },
	})
	hub.Register(hub.Connector{
		Vendor: "wiring-issues", Capabilities: []hub.Capability{hub.CapIssueTarget},
		New: func(context.Context, hub.Env) (any, error) { return issuesConn{}, nil },
	})
}

// withAlertConnections adds to yaml a chat and an issue connection that no flow uses.
func withAlertConnections(yaml string) string {
	return strings.Replace(yaml, "  unused: {vendor: wiring-clock, secret: UNUSED}\n",
		"  unused: {vendor: wiring-clock, secret: UNUSED}\n  chat: {vendor: wiring-chat}\n  tracker: {vendor: wiring-issues}\n", 1)
}

func TestTheRolesThatRaiseAlertsBuildTheirConnections(t *testing.T) {
	t.Parallel()
	cfg := parse(t, withAlertConnections(rolesYAML)+"alerts: {chat: chat, channel: C0123OPS, issues: tracker}\n")
	for _, tc := range []struct {
		role  wiring.Role
		conns []string
	}{
		{wiring.RoleAll, []string{"clock", "other", "payroll", "unused", "chat", "tracker"}},
		{wiring.RoleWebhook, []string{"clock"}},
		{wiring.RoleSchedule, []string{"other", "payroll", "chat", "tracker"}},
		{wiring.RoleWorker, []string{"clock", "other", "payroll", "chat", "tracker"}},
	} {
		conns, _ := wiring.Needs(cfg, tc.role)
		if !slices.Equal(conns, tc.conns) {
			t.Errorf("role %q needs %v; want %v", tc.role, conns, tc.conns)
		}
	}
}

func TestBuildChecksWhatTheAlertsSectionNames(t *testing.T) {
	t.Parallel()
	all := secrets.Static{"CLOCK": "c", "OTHER": "o", "UNUSED": "u"}
	t.Run("chat and issues are built for the worker", func(t *testing.T) {
		t.Parallel()
		cfg := parse(t, withAlertConnections(rolesYAML)+"alerts: {chat: chat, channel: C0123OPS, issues: tracker}\n")
		parts, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: all, Role: wiring.RoleWorker})
		if err != nil {
			t.Fatal(err)
		}
		a := parts.Alerts
		if a == nil || a.Channel != "C0123OPS" || a.Chat == nil || a.Issues == nil {
			t.Fatalf("alerts %+v; want chat and issues to C0123OPS", a)
		}
	})
	t.Run("chat alone leaves issues nil", func(t *testing.T) {
		t.Parallel()
		cfg := parse(t, withAlertConnections(rolesYAML)+"alerts: {chat: chat, channel: C0123OPS}\n")
		parts, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: all})
		if err != nil {
			t.Fatal(err)
		}
		if a := parts.Alerts; a == nil || a.Chat == nil || a.Issues != nil {
			t.Fatalf("alerts %+v; want chat without issues", a)
		}
	})
	t.Run("the webhook role builds no alerts", func(t *testing.T) {
		t.Parallel()
		cfg := parse(t, withAlertConnections(rolesYAML)+"alerts: {chat: chat, channel: C0123OPS, issues: tracker}\n")
		parts, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: all, Role: wiring.RoleWebhook})
		if err != nil {
			t.Fatal(err)
		}
		if parts.Alerts != nil {
			t.Fatalf("alerts %+v; want none for the webhook role", parts.Alerts)
		}
	})
	for _, tc := range []struct {
		name, alerts, want string
	}{
		{"a chat connection that cannot post is refused at its line",
			"alerts: {chat: payroll, channel: C0123OPS}\n",
			`hub.yaml:20:10: alerts.chat: connection payroll (vendor wiring-payroll) cannot post alerts to chat: it lacks "chat"`},
		{"an issues connection that cannot file issues is refused at its line",
			"alerts:\n  chat: chat\n  channel: C0123OPS\n  issues: chat\n",
			`hub.yaml:23:3: alerts.issues: connection chat (vendor wiring-chat) cannot file alert issues: it lacks "issue-target"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := wiring.Build(t.Context(), parse(t, withAlertConnections(rolesYAML)+tc.alerts), wiring.Ports{Secrets: all})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v; want %q", err, tc.want)
			}
		})
	}
}
