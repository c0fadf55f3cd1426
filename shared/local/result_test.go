package local_test

import (
	"testing"

	"github.com/urakata/urakata/shared/local"
)

func TestFlowResultIsOKOnlyWhenNothingFailedAndTheTargetMatches(t *testing.T) {
	t.Parallel()
	clean := local.ReconcileSummary{Matched: 3}
	for _, tc := range []struct {
		name string
		r    local.FlowResult
		want bool
	}{
		{"everything delivered and reconciled is ok", local.FlowResult{FlowCounts: local.FlowCounts{Read: 3, Delivered: 3}, Reconciliation: &clean}, true},
		{"a run that did not reconcile is judged by its counts", local.FlowResult{FlowCounts: local.FlowCounts{Read: 3, Skipped: 3}}, true},
		{"a record not delivered is a failure", local.FlowResult{FlowCounts: local.FlowCounts{Read: 3, Delivered: 2, Failed: 1}}, false},
		{"a dead letter is a failure", local.FlowResult{FlowCounts: local.FlowCounts{Dead: 1}}, false},
		{"a source that failed is a failure", local.FlowResult{Error: "list employees: 500"}, false},
		{"a target that holds something else than was planned is a failure", local.FlowResult{Reconciliation: &local.ReconcileSummary{Matched: 2, Mismatched: 1}}, false},
		{"a target that could not be read back is a failure", local.FlowResult{Reconciliation: &local.ReconcileSummary{Matched: 2, Errors: 1}}, false},
	} {
		if got := tc.r.OK(); got != tc.want {
			t.Errorf("%s: OK() = %v; want %v", tc.name, got, tc.want)
		}
	}
}
