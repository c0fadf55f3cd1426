package wiring_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/wiring"
)

// A hermetic vocabulary: a clock vendor (a source that receives webhooks) and a payroll
// vendor (a target), and a flow type that needs one of each.

type clockConn struct{ env hub.Env }

func (clockConn) VerifyWebhook(context.Context, http.Header, []byte) (hub.WebhookResult, error) {
	return hub.WebhookResult{}, nil
}

type payrollConn struct{}

type periodFlow struct{ env hub.FlowEnv }

func (periodFlow) Plan(context.Context, hub.Run, func(hub.Item) error) (string, error) {
	return "", nil
}
func (periodFlow) Deliver(context.Context, hub.Delivery) (hub.Result, error) {
	return hub.Result{}, nil
}
func (periodFlow) ResolvePeriod(label string) (string, error) {
	if label == "" {
		return "2026-10", nil
	}
	if label == "bad" {
		return "", errors.New(`period "bad": want YYYY-MM`)
	}
	return label, nil
}

// plainFlow has no pay periods.
type plainFlow struct{}

func (plainFlow) Plan(context.Context, hub.Run, func(hub.Item) error) (string, error) {
	return "", nil
}
func (plainFlow) Deliver(context.Context, hub.Delivery) (hub.Result, error) { return hub.Result{}, nil }

func init() {
	hub.Register(hub.Connector{
		Vendor: "wiring-clock", Capabilities: []hub.Capability{hub.CapAttendance, hub.CapWebhook},
		Fields: []config.Field{{Name: "token", Type: config.String, Secret: true}},
		New:    func(_ context.Context, env hub.Env) (any, error) { return clockConn{env}, nil },
	})
	hub.Register(hub.Connector{
		Vendor: "wiring-payroll", Capabilities: []hub.Capability{hub.CapWorkSummaryTarget},
		New: func(context.Context, hub.Env) (any, error) { return payrollConn{}, nil },
	})
	spec := config.FlowTypeSpec{Triggers: []config.TriggerKind{config.TriggerSchedule, config.TriggerWebhook}}
	hub.RegisterFlowType(hub.FlowType{
		Name: "wiring-sync", Spec: spec,
		SourceNeeds: []hub.Capability{hub.CapAttendance}, TargetNeeds: []hub.Capability{hub.CapWorkSummaryTarget},
		New: func(env hub.FlowEnv) (hub.Flow, error) { return periodFlow{env}, nil },
	})
	hub.RegisterFlowType(hub.FlowType{
		Name: "wiring-plain", Spec: spec,
		New: func(hub.FlowEnv) (hub.Flow, error) { return plainFlow{}, nil },
	})
}

func parse(t *testing.T, yaml string) *config.File {
	t.Helper()
	cfg, err := config.Parse("hub.yaml", []byte(yaml), wiring.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const hubYAML = `version: 1
connections:
  clock: {vendor: wiring-clock, secret: CLOCK, base_url: "https://clock.example/api"}
  payroll: {vendor: wiring-payroll}
flows:
  sync:
    type: wiring-sync
    source: clock
    target: payroll
    trigger: {webhook: {connection: clock}, schedule: {cron: "0 6 1 * *"}}
  plain:
    type: wiring-plain
    source: clock
    target: payroll
    trigger: {schedule: {cron: "0 6 1 * *"}}
`

func TestBuild(t *testing.T) {
	t.Parallel()
	cfg := parse(t, hubYAML)
	parts, err := wiring.Build(t.Context(), cfg, wiring.Ports{Secrets: secrets.Static{"CLOCK": "s3cret"}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("each connection gets its base URL and secret", func(t *testing.T) {
		c, ok := parts.Connections["clock"].(clockConn)
		if !ok || c.env.BaseURL != "https://clock.example/api" || c.env.Secret.Reveal() != "s3cret" || c.env.SecretName != "CLOCK" {
			t.Fatalf("clock built from %+v", c.env)
		}
	})
	t.Run("each flow is bound to its target and built from its connectors", func(t *testing.T) {
		bf, ok := parts.Flow("sync")
		if !ok || bf.Name != "sync" || bf.Target != "payroll" {
			t.Fatalf("flow %+v, %v", bf, ok)
		}
		f := bf.Flow.(periodFlow)
		if _, ok := f.env.Source.(clockConn); !ok {
			t.Fatalf("source %T; want the clock connector", f.env.Source)
		}
		if _, ok := parts.Flow("nope"); ok {
			t.Fatal("an unknown flow resolved")
		}
	})
	t.Run("the ingress receives for the connections that verify webhooks, routed to their flows", func(t *testing.T) {
		in := parts.Ingress(nil, nil, nil, nil)
		if _, ok := in.Receivers["clock"]; !ok || len(in.Receivers) != 1 {
			t.Fatalf("receivers %v; want clock only", in.Receivers)
		}
		if !slices.Equal(in.Routes["clock"], []string{"sync"}) {
			t.Fatalf("routes %v; want clock → sync", in.Routes)
		}
	})
}

func TestResolvePeriod(t *testing.T) {
	t.Parallel()
	parts, err := wiring.Build(t.Context(), parse(t, hubYAML), wiring.Ports{Secrets: secrets.Static{"CLOCK": "s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, flow, label, want, err string
	}{
		{name: "no label is the flow's default period", flow: "sync", want: "2026-10"},
		{name: "a label is the flow's to check", flow: "sync", label: "2026-09", want: "2026-09"},
		{name: "a label the flow refuses names the flow", flow: "sync", label: "bad", err: "flow sync: period"},
		{name: "a flow without periods keeps the label as given", flow: "plain", label: "", want: ""},
		{name: "an unknown flow lists the known ones", flow: "snyc", err: `unknown flow "snyc"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parts.ResolvePeriod(tc.flow, tc.label)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v; want it to say %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestBuildSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	t.Run("a missing secret names the connection", func(t *testing.T) {
		t.Parallel()
		_, err := wiring.Build(t.Context(), parse(t, hubYAML), wiring.Ports{})
		var nf *secrets.NotFoundError
		if !errors.As(err, &nf) || nf.Connection != "clock" || nf.Name != "CLOCK" {
			t.Fatalf("err = %v; want a NotFoundError for CLOCK of connection clock", err)
		}
	})
	t.Run("a connection that lacks a capability its flow needs is named", func(t *testing.T) {
		t.Parallel()
		yaml := strings.Replace(hubYAML, "target: payroll\n    trigger: {webhook", "target: clock\n    trigger: {webhook", 1)
		_, err := wiring.Build(t.Context(), parse(t, yaml), wiring.Ports{Secrets: secrets.Static{"CLOCK": "s3cret"}})
		if err == nil || !strings.Contains(err.Error(), `flow sync: target clock (vendor wiring-clock) cannot be a target: it lacks "work-summary-target"`) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestVocabularyHasTheRegisteredVendorsAndFlowTypes(t *testing.T) {
	t.Parallel()
	v := wiring.Vocabulary()
	if f := v.Vendors["wiring-clock"]; len(f) != 1 || !f[0].Secret {
		t.Fatalf("wiring-clock fields %v", f)
	}
	if _, ok := v.FlowTypes["wiring-sync"]; !ok {
		t.Fatal("wiring-sync missing")
	}
}
