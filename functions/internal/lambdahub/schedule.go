package lambdahub

import (
	"context"
	"errors"
	"fmt"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
)

// ScheduleInput is what an EventBridge Scheduler schedule sends the schedule function: the
// hub.yaml flow whose cron fired.
type ScheduleInput struct {
	Flow string `json:"flow"`
}

// ScheduleOutput is what one planned run did (Scheduler ignores it; a test or a person
// invoking the function by hand reads it).
type ScheduleOutput struct {
	Flow   string `json:"flow"`
	RunID  string `json:"run_id"`
	Period string `json:"period,omitempty"`
	// HandedTo names the function of its own that plans the run: the schedule function
	// only queued the job for it (a flow it does not build, such as the chat bot's).
	HandedTo string `json:"handed_to,omitempty"`
	hub.PlanStats
}

// Schedule serves the schedule function: it plans a run of the flow now, for the pay period
// that has just closed, and leaves the deliveries on the queue for the worker. A run that
// plans every record closes the flow's alerts about planning (alerts.Evidence). A flow that
// a function of its own runs (the chat bot's) is not built here: its run is queued as a job
// for that function.
type Schedule struct {
	Hub *Hub
}

// ErrNoFlow is returned (wrapped) for a schedule input that names no flow of hub.yaml.
var ErrNoFlow = errors.New("no such flow")

// Handle plans one run. The period is fixed when the schedule fires, as the embedded
// scheduler fixes it, so a run retried later still covers the period it was meant for. An
// error fails the invocation, and Scheduler retries it or sends it to its dead-letter queue;
// the deliveries queued before the error are kept and the ledger absorbs the retry's copies.
func (s *Schedule) Handle(ctx context.Context, in ScheduleInput) (ScheduleOutput, error) {
	h := s.Hub
	bf, ok := h.Parts.Flow(in.Flow)
	if fn := h.routes[in.Flow]; !ok && fn != "" {
		return s.handOver(ctx, in.Flow, fn)
	}
	if !ok {
		return ScheduleOutput{}, fmt.Errorf("schedule: flow %q: %w; hub.yaml has %v", in.Flow, ErrNoFlow, h.Config.FlowNames())
	}
	now := h.now()
	runID := newRunID(now)
	period, err := h.Parts.ResolvePeriod(in.Flow, "")
	if err != nil {
		s.alert(ctx, in.Flow, runID, err)
		return ScheduleOutput{}, fmt.Errorf("schedule: %w", err)
	}
	out := ScheduleOutput{Flow: in.Flow, RunID: runID, Period: period}
	job := hub.Job{Flow: in.Flow, RunID: out.RunID, Period: period, Trigger: "schedule", At: now.UTC()}
	out.PlanStats, err = h.Engine.Plan(ctx, bf, hub.Run{ID: out.RunID, Flow: in.Flow, Job: job})
	if err != nil {
		s.alert(ctx, in.Flow, runID, err)
		return out, fmt.Errorf("schedule: %w", err)
	}
	if out.Failed == 0 {
		// Every record planned: the flow's alerts about planning are over (alerts.Evidence);
		// its deliveries close the rest when they reach the target.
		var read []string
		if f, err := h.Config.Flow(in.Flow); err == nil {
			read = []string{f.Source}
		}
		h.Alerts.ResolveBy(ctx, alerts.Evidence{Flow: in.Flow, RunID: runID, Since: now, Connections: read})
	}
	return out, nil
}

// handOver queues a job for a flow that a function of its own runs: that function plans
// the run when it takes the job, as it plans a webhook's. The job names no period (the flow
// takes its default): this function does not build the flow, so it cannot resolve one.
func (s *Schedule) handOver(ctx context.Context, flow, function string) (ScheduleOutput, error) {
	h := s.Hub
	now := h.now()
	out := ScheduleOutput{Flow: flow, RunID: newRunID(now), HandedTo: function}
	m, err := hub.Job{Flow: flow, RunID: out.RunID, Trigger: "schedule", At: now.UTC()}.Message()
	if err == nil {
		err = h.Queue.Send(ctx, []queue.Outgoing{m})
	}
	if err != nil {
		err = fmt.Errorf("flow %s: queue its run for the %s function: %w", flow, function, err)
		s.alert(ctx, flow, out.RunID, err)
		return out, fmt.Errorf("schedule: %w", err)
	}
	return out, nil
}

// alert sends the alert for a scheduled run that could not be planned: a reconnect when
// the source's connection must be authorised again, a failed run otherwise. Scheduler's
// retries of the invocation count on the same alert.
func (s *Schedule) alert(ctx context.Context, flow, runID string, err error) {
	if s.Hub.Alerts == nil {
		return
	}
	s.Hub.Alerts.Record(alerts.FromError(alerts.FlowFailed, flow, "", runID, err))
	s.Hub.Alerts.Flush(ctx)
}
