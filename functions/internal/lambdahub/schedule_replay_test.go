package lambdahub_test

import (
	"errors"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
)

// startSandbox starts a freee sandbox of n employees for the given month.
func startSandbox(t *testing.T, seed int64, n int, year int, month time.Month) *freeetest.Server {
	t.Helper()
	srv := freeetest.New(freeetest.Options{Seed: seed, Employees: n, Year: year, Month: month, RateLimit: freeetest.NoRateLimit})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("sandbox: %s", v)
		}
	})
	return srv
}

func TestScheduleLeavesADeliveryPerEmployeeForThePeriodJustClosed(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, 3, 4, 2026, time.October)
	// 06:00 on 1 November in Tokyo, when the demo's cron fires: October has just closed.
	fired := time.Date(2026, 11, 1, 6, 0, 0, 0, time.FixedZone("JST", 9*60*60))
	h, q := embeddedHub(t, sb.BaseURL(), sb.TokenURL(), func() time.Time { return fired })

	out, err := invoke(t, h.ScheduleHandler().Handle, fixture(t, "scheduler-input.json"), lambdahub.StrictInput)
	if err != nil {
		t.Fatal(err)
	}
	if out.Flow != "timeclock-to-payroll" || out.Period != "2026-10" || out.Read != 4 || out.Queued != 4 || out.RunID == "" {
		t.Fatalf("output %+v; want 4 deliveries queued for 2026-10", out)
	}
	msgs := received(t, q)
	if len(msgs) != 4 {
		t.Fatalf("%d messages; want 4", len(msgs))
	}
	for _, m := range msgs {
		env, err := hub.Decode(m.Body)
		if err != nil || env.Kind != hub.KindDelivery || env.Delivery.RunID != out.RunID {
			t.Fatalf("message %s, err %v; want a delivery of run %s", m.Body, err, out.RunID)
		}
	}
	if n := sb.Requests()["update_employee_work_record_summary"]; n != 0 {
		t.Fatalf("the schedule wrote %d summaries; planning writes nothing", n)
	}
}

func TestScheduleOfAnUnknownFlowFails(t *testing.T) {
	t.Parallel()
	h, _ := embeddedHub(t, "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", nil)
	_, err := h.ScheduleHandler().Handle(t.Context(), lambdahub.ScheduleInput{Flow: "timeclock-to-payrol"})
	if !errors.Is(err, lambdahub.ErrNoFlow) {
		t.Fatalf("err = %v; want ErrNoFlow", err)
	}
}

func TestReplay(t *testing.T) {
	t.Parallel()
	// buried makes three dead letters and returns their ids.
	buried := func(t *testing.T, q queue.Queue) []string {
		t.Helper()
		send(t, q, "a", "b", "c")
		msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
		if err != nil || len(msgs) != 3 {
			t.Fatalf("received %d, err %v", len(msgs), err)
		}
		var ids []string
		for _, m := range msgs {
			if err := q.Bury(t.Context(), m.Receipt, "freee-hr: 400"); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		return ids
	}
	for _, tc := range []struct {
		name     string
		in       func(ids []string) lambdahub.ReplayInput
		replayed int
		err      error
	}{
		{"the named dead letters go back", func(ids []string) lambdahub.ReplayInput { return lambdahub.ReplayInput{IDs: ids[:2]} }, 2, nil},
		{"all of them go back", func([]string) lambdahub.ReplayInput { return lambdahub.ReplayInput{All: true} }, 3, nil},
		{"unknown ids are skipped", func(ids []string) lambdahub.ReplayInput { return lambdahub.ReplayInput{IDs: []string{ids[0], "nope"}} }, 1, nil},
		{"naming nothing is refused", func([]string) lambdahub.ReplayInput { return lambdahub.ReplayInput{} }, 0, lambdahub.ErrReplayWhat},
		{"naming ids and all is refused", func(ids []string) lambdahub.ReplayInput { return lambdahub.ReplayInput{IDs: ids, All: true} }, 0, lambdahub.ErrReplayWhat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, _ := embeddedQueue(t, 5)
			ids := buried(t, q)
			r := &lambdahub.Replay{DeadLetters: q, Logger: quietLogger()}
			out, err := r.Handle(t.Context(), tc.in(ids))
			if !errors.Is(err, tc.err) || out.Replayed != tc.replayed {
				t.Fatalf("replayed %d, err %v; want %d, %v", out.Replayed, err, tc.replayed, tc.err)
			}
			if back := received(t, q); len(back) != tc.replayed {
				t.Fatalf("%d back on the queue; want %d", len(back), tc.replayed)
			}
			if dead := deadLetters(t, q); len(dead) != 3-tc.replayed {
				t.Fatalf("%d dead letters left; want %d", len(dead), 3-tc.replayed)
			}
		})
	}
	t.Run("the fixture's input decodes and replays what it names", func(t *testing.T) {
		t.Parallel()
		q, _ := embeddedQueue(t, 5)
		buried(t, q)
		r := &lambdahub.Replay{DeadLetters: q}
		out, err := invoke(t, r.Handle, fixture(t, "replay-input.json"), lambdahub.StrictInput)
		if err != nil || out.Replayed != 0 {
			t.Fatalf("replayed %d, err %v; want 0: the fixture's id is not among these", out.Replayed, err)
		}
	})
}
