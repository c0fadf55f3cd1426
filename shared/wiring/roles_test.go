package wiring_test

import (
	"slices"
	"testing"

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
