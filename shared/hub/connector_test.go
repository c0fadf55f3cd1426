package hub_test

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/urakata/urakata/shared/hub"
)

func TestRegistry(t *testing.T) {
	t.Parallel()
	r := hub.NewRegistry()
	for _, v := range []string{"slack", "freee-hr", "kot", "xero"} {
		r.Register(hub.Connector{Vendor: v, Capabilities: []hub.Capability{hub.CapEmployees}})
	}
	var names []string
	for _, c := range r.All() {
		names = append(names, c.Vendor)
	}
	if want := []string{"freee-hr", "kot", "slack", "xero"}; !slices.Equal(names, want) {
		t.Errorf("All() = %v, want %v", names, want)
	}
	if c, ok := r.Lookup("kot"); !ok || c.Vendor != "kot" {
		t.Errorf("Lookup(kot) = %+v, %v", c, ok)
	}
	if _, ok := r.Lookup("smarthr"); ok {
		t.Errorf("Lookup(smarthr) found a connector that was never registered")
	}
	if len(hub.NewRegistry().All()) != 0 {
		t.Errorf("a new registry is not empty")
	}
}

func TestRegistryPanicsOnADuplicate(t *testing.T) {
	t.Parallel()
	r := hub.NewRegistry()
	r.Register(hub.Connector{Vendor: "freee-hr"})
	defer func() {
		p := recover()
		if p == nil {
			t.Fatal("a second freee-hr was registered without a panic")
		}
		if msg, _ := p.(string); !strings.Contains(msg, `"freee-hr" registered twice`) {
			t.Errorf("panic %v, want it to name the vendor", p)
		}
	}()
	r.Register(hub.Connector{Vendor: "freee-hr"})
}

func TestConnectorHas(t *testing.T) {
	t.Parallel()
	c := hub.Connector{Vendor: "freee-hr", Capabilities: []hub.Capability{hub.CapEmployees, hub.CapWorkSummaryTarget}}
	for _, tc := range []struct {
		name string
		cap  hub.Capability
		want bool
	}{
		{"a declared capability is offered", hub.CapWorkSummaryTarget, true},
		{"another declared capability is offered", hub.CapEmployees, true},
		{"an undeclared capability is not offered", hub.CapJournalTarget, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := c.Has(tc.cap); got != tc.want {
				t.Errorf("Has(%s) = %v, want %v", tc.cap, got, tc.want)
			}
		})
	}
}

var flowTypeSeq atomic.Int64

func TestFlowTypeRegistry(t *testing.T) {
	t.Parallel()
	// The registry is global and outlives one run of the test (go test -count): a fresh name each time.
	ft := hub.FlowType{Name: fmt.Sprintf("hub-test-flow-type-%d", flowTypeSeq.Add(1)), Summary: "a flow type only this test registers"}
	hub.RegisterFlowType(ft)
	if got, ok := hub.LookupFlowType(ft.Name); !ok || got.Summary != ft.Summary {
		t.Errorf("LookupFlowType = %+v, %v", got, ok)
	}
	if !slices.ContainsFunc(hub.FlowTypes(), func(f hub.FlowType) bool { return f.Name == ft.Name }) {
		t.Errorf("FlowTypes() does not list %s", ft.Name)
	}
	defer func() {
		if recover() == nil {
			t.Error("a flow type was registered twice without a panic")
		}
	}()
	hub.RegisterFlowType(ft)
}
