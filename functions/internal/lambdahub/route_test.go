package lambdahub_test

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/sqlitestore"
	"github.com/urakata/urakata/shared/wiring"
)

// deskFlow is a flow type that runs in a function of its own ("desk"), on a schedule or a
// webhook, as the chat bot does; it is hermetic, so the tests here say exactly what runs
// where.
type deskFlow struct{}

func (deskFlow) Plan(context.Context, hub.Run, func(hub.Item) error) (string, error) { return "", nil }
func (deskFlow) Deliver(context.Context, hub.Delivery) (hub.Result, error)           { return hub.Result{}, nil }

func init() {
	hub.RegisterFlowType(hub.FlowType{
		Name:     "lambdahub-desk",
		Spec:     config.FlowTypeSpec{Triggers: []config.TriggerKind{config.TriggerSchedule, config.TriggerWebhook}},
		New:      func(hub.FlowEnv) (hub.Flow, error) { return deskFlow{}, nil },
		Function: "desk",
	})
}

// deskYAML is hubYAML's freee flow and a scheduled flow of the desk function.
func deskYAML(t *testing.T) *config.File {
	t.Helper()
	desk := "  desk-refresh:\n    type: lambdahub-desk\n    source: freee-hr\n    target: freee-hr\n    trigger: {schedule: {cron: \"0 5 * * *\"}}\n"
	return mustLoad(t, writeHub(t, hubText("http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", "")+desk))
}

func TestReadEnvRoutes(t *testing.T) {
	t.Parallel()
	base := mapEnv{"URAKATA_QUEUE_URL": "https://sqs/work", "URAKATA_DLQ_URL": "https://sqs/dlq"}
	with := func(kv ...string) mapEnv {
		m := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	t.Run("the variables of a function's queues are named after it", func(t *testing.T) {
		t.Parallel()
		q, d := lambdahub.FunctionQueueEnv("help-desk")
		if q != "URAKATA_HELP_DESK_QUEUE_URL" || d != "URAKATA_HELP_DESK_DLQ_URL" {
			t.Fatalf("%s, %s", q, d)
		}
	})
	t.Run("each routed flow and each function's queues are read", func(t *testing.T) {
		t.Parallel()
		e, err := lambdahub.ReadEnv(with("URAKATA_ROUTES", "bot-slack=helpdesk, bot-chatwork=helpdesk",
			"URAKATA_HELPDESK_QUEUE_URL", "https://sqs/helpdesk", "URAKATA_HELPDESK_DLQ_URL", "https://sqs/helpdesk-dlq").get)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"bot-slack": "helpdesk", "bot-chatwork": "helpdesk"}; !reflect.DeepEqual(e.Routes, want) {
			t.Errorf("routes %v; want %v", e.Routes, want)
		}
		if want := (lambdahub.QueueURLs{Queue: "https://sqs/helpdesk", DeadLetters: "https://sqs/helpdesk-dlq"}); e.Functions["helpdesk"] != want || len(e.Functions) != 1 {
			t.Errorf("functions %v; want the helpdesk's queues", e.Functions)
		}
	})
	t.Run("without routes every flow is the shared functions'", func(t *testing.T) {
		t.Parallel()
		if e, err := lambdahub.ReadEnv(base.get); err != nil || e.Routes != nil || e.Functions != nil {
			t.Fatalf("env %+v, err %v; want no routes", e, err)
		}
	})
	for _, tc := range []struct {
		name string
		env  mapEnv
		says []string
	}{
		{"a routed function's queues must be set", with("URAKATA_ROUTES", "bot=helpdesk"),
			[]string{"URAKATA_HELPDESK_QUEUE_URL is not set", "URAKATA_HELPDESK_DLQ_URL is not set"}},
		{"a route must name a flow and a function", with("URAKATA_ROUTES", "bot,=helpdesk,bot=Help Desk"),
			[]string{`"bot": want flow=function`, `"=helpdesk"`, `"bot=Help Desk"`}},
		{"a flow goes to one function", with("URAKATA_ROUTES", "bot=a,bot=b", "URAKATA_A_QUEUE_URL", "q", "URAKATA_A_DLQ_URL", "d"),
			[]string{"flow bot is routed to both a and b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := lambdahub.ReadEnv(tc.env.get)
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

// routedQueues is a router over two embedded queues: the work queue (home) and the desk
// function's.
func routedQueues(t *testing.T) (*lambdahub.Router, *sqlitequeue.Queue, *sqlitequeue.Queue) {
	t.Helper()
	work, _ := embeddedQueue(t, 5)
	desk, _ := embeddedQueue(t, 5)
	return &lambdahub.Router{Queue: work, Routes: map[string]queue.Queue{"desk-refresh": desk}}, work, desk
}

func bodies(t *testing.T, q queue.Queue) []string {
	t.Helper()
	var out []string
	for _, m := range received(t, q) {
		out = append(out, string(m.Body))
	}
	slices.Sort(out)
	return out
}

func TestTheRouterSendsEachFlowToTheQueueOfItsFunction(t *testing.T) {
	t.Parallel()
	out := func(body, flow string) queue.Outgoing {
		return queue.Outgoing{Body: []byte(body), Attributes: map[string]string{"flow": flow}}
	}
	batch := []queue.Outgoing{out("a", "timeclock-to-payroll"), out("b", "desk-refresh"), out("c", "timeclock-to-payroll"), out("d", "desk-refresh")}
	t.Run("a function's messages go to its queue, the rest to the work queue", func(t *testing.T) {
		t.Parallel()
		r, work, desk := routedQueues(t)
		if err := r.Send(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
		if got := bodies(t, work); !slices.Equal(got, []string{"a", "c"}) {
			t.Errorf("work queue %q; want a and c", got)
		}
		if got := bodies(t, desk); !slices.Equal(got, []string{"b", "d"}) {
			t.Errorf("desk queue %q; want b and d", got)
		}
	})
	t.Run("in a function of its own, the shared flows' messages go to the work queue", func(t *testing.T) {
		t.Parallel()
		work, _ := embeddedQueue(t, 5)
		desk, _ := embeddedQueue(t, 5)
		r := &lambdahub.Router{Queue: desk, Shared: work, Routes: map[string]queue.Queue{"desk-refresh": desk}}
		if err := r.Send(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
		if got, want := bodies(t, work), []string{"a", "c"}; !slices.Equal(got, want) {
			t.Errorf("work queue %q; want %q", got, want)
		}
		if got := bodies(t, r); !slices.Equal(got, []string{"b", "d"}) {
			t.Errorf("the function receives %q from its own queue; want b and d", got)
		}
	})
	t.Run("a queue that fails its share does not keep the others from theirs", func(t *testing.T) {
		t.Parallel()
		work, _ := embeddedQueue(t, 5)
		r := &lambdahub.Router{Queue: work, Routes: map[string]queue.Queue{"desk-refresh": failingQueue{}}}
		err := r.Send(t.Context(), batch)
		if err == nil || !strings.Contains(err.Error(), "2 of 4 messages") {
			t.Fatalf("err = %v; want the desk queue's 2 of 4 named", err)
		}
		if got := bodies(t, work); !slices.Equal(got, []string{"a", "c"}) {
			t.Errorf("work queue %q; want a and c sent all the same", got)
		}
	})
}

// failingQueue refuses every send.
type failingQueue struct{ queue.Queue }

func (failingQueue) Send(context.Context, []queue.Outgoing) error {
	return errors.New("sqs: unavailable")
}

// assembleWithRoutes assembles cfg's hub for role on embedded adapters with routes.
func assembleWithRoutes(t *testing.T, cfg *config.File, role wiring.Role, q lambdahub.Queue, routes map[string]string) (*lambdahub.Hub, error) {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	st, err := sqlitestore.New(db, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return lambdahub.Assemble(t.Context(), cfg, lambdahub.Ports{
		Queue: q, Store: st, Secrets: secrets.Static{"FREEE_HR": sandboxSecret()}, MaxReceives: 5,
		Logger: quietLogger(), Role: role, Routes: routes,
	})
}

// A function builds exactly the flows routed to it, or refuses to start: a job routed to a
// function that does not build its flow would wait where no one can work it.
func TestAFunctionBuildsExactlyTheFlowsRoutedToIt(t *testing.T) {
	t.Parallel()
	cfg := deskYAML(t)
	routes := map[string]string{"desk-refresh": "desk"}
	for _, tc := range []struct {
		name   string
		role   wiring.Role
		routes map[string]string
		says   string
	}{
		{"the shared worker with the desk's flow routed away", wiring.RoleWorker, routes, ""},
		{"the desk function with its flow routed to it", wiring.FunctionRole("desk"), routes, ""},
		{"the webhook function, which builds no flow", wiring.RoleWebhook, routes, ""},
		{"the desk function whose flow infra did not route", wiring.FunctionRole("desk"), nil,
			"flow desk-refresh: the desk function builds it, but URAKATA_ROUTES does not route it there"},
		{"the worker, had infra routed a shared flow away", wiring.RoleWorker, map[string]string{"timeclock-to-payroll": "desk", "desk-refresh": "desk"},
			"flow timeclock-to-payroll: this function builds it, but URAKATA_ROUTES routes it to the desk function"},
		{"a function that builds nothing of what is routed to it", wiring.FunctionRole("other"), map[string]string{"desk-refresh": "other"},
			"flow desk-refresh: URAKATA_ROUTES routes it to the other function, which does not build it"},
		{"a route to a flow hub.yaml lacks", wiring.RoleWorker, map[string]string{"desk-refresh": "desk", "gone": "desk"}, `unknown flow "gone"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, _ := embeddedQueue(t, 5)
			_, err := assembleWithRoutes(t, cfg, tc.role, q, tc.routes)
			switch {
			case tc.says == "" && err != nil:
				t.Fatalf("err = %v; want it built", err)
			case tc.says != "" && (err == nil || !strings.Contains(err.Error(), tc.says)):
				t.Fatalf("err = %v; want it to say %q", err, tc.says)
			}
		})
	}
}

// The schedule function does not build a flow that a function of its own runs: when its
// schedule fires, it queues the run's job on that function's queue.
func TestTheScheduleHandsARoutedFlowToItsFunction(t *testing.T) {
	t.Parallel()
	r, work, desk := routedQueues(t)
	h, err := assembleWithRoutes(t, deskYAML(t), wiring.RoleSchedule, r, map[string]string{"desk-refresh": "desk"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := invoke(t, h.ScheduleHandler().Handle, []byte(`{"flow":"desk-refresh"}`), lambdahub.StrictInput)
	if err != nil {
		t.Fatal(err)
	}
	if out.Flow != "desk-refresh" || out.HandedTo != "desk" || out.RunID == "" || out.Queued != 0 {
		t.Fatalf("output %+v; want the run handed to the desk function", out)
	}
	if msgs := received(t, work); len(msgs) != 0 {
		t.Fatalf("the work queue got %d messages; want none", len(msgs))
	}
	msgs := received(t, desk)
	if len(msgs) != 1 {
		t.Fatalf("the desk queue got %d messages; want the job", len(msgs))
	}
	env, err := hub.Decode(msgs[0].Body)
	if err != nil || env.Kind != hub.KindJob || env.Job.Flow != "desk-refresh" || env.Job.Trigger != "schedule" || env.Job.RunID != out.RunID {
		t.Fatalf("queued %s, err %v; want the flow's scheduled job", msgs[0].Body, err)
	}
	if msgs[0].Attributes["flow"] != "desk-refresh" || msgs[0].Attributes["kind"] != "job" {
		t.Fatalf("attributes %v; want the job's kind and flow", msgs[0].Attributes)
	}
	t.Run("a flow neither built nor routed is still unknown", func(t *testing.T) {
		if _, err := h.ScheduleHandler().Handle(t.Context(), lambdahub.ScheduleInput{Flow: "desk-refrsh"}); !errors.Is(err, lambdahub.ErrNoFlow) {
			t.Fatalf("err = %v; want ErrNoFlow", err)
		}
	})
}

// The replay function replays the dead letters of the functions of their own too, each
// back to its own queue.
func TestReplayCoversEveryFunctionsDeadLetters(t *testing.T) {
	t.Parallel()
	// One database, so that message ids are unique across the two queues, as SQS's are.
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	open := func(name string) *sqlitequeue.Queue {
		q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: name, MaxReceives: 5})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Close() })
		return q
	}
	work, desk := open("work"), open("desk")
	bury := func(q queue.Queue, body string) string {
		t.Helper()
		send(t, q, body)
		msgs := received(t, q)
		if len(msgs) != 1 {
			t.Fatalf("received %d", len(msgs))
		}
		if err := q.Bury(t.Context(), msgs[0].Receipt, "slack: 400"); err != nil {
			t.Fatal(err)
		}
		return msgs[0].ID
	}
	bury(work, "w")
	deskID := bury(desk, "d")
	r := &lambdahub.Replay{DeadLetters: work, Functions: []queue.DeadLetters{desk}, Logger: quietLogger()}
	if out, err := r.Handle(t.Context(), lambdahub.ReplayInput{IDs: []string{deskID}}); err != nil || out.Replayed != 1 {
		t.Fatalf("replay of the desk's letter: %+v, %v; want 1", out, err)
	}
	if got := bodies(t, desk); !slices.Equal(got, []string{"d"}) {
		t.Fatalf("desk queue %q; want its letter back", got)
	}
	if out, err := r.Handle(t.Context(), lambdahub.ReplayInput{All: true}); err != nil || out.Replayed != 1 {
		t.Fatalf("replay all: %+v, %v; want the work queue's one letter", out, err)
	}
	if got := bodies(t, work); !slices.Equal(got, []string{"w"}) {
		t.Fatalf("work queue %q; want its letter back", got)
	}
}
