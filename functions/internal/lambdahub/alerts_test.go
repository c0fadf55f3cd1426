package lambdahub_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/sqlitestore"
	"github.com/urakata/urakata/shared/wiring"

	_ "github.com/urakata/urakata/connectors/slack"
)

type chatLog struct {
	mu    sync.Mutex
	texts []string
}

func (c *chatLog) PostMessage(_ context.Context, m model.ChatMessage) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.texts = append(c.texts, m.Text)
	return "1", nil
}

func (c *chatLog) posts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.texts...)
}

// A message the worker function moves to the dead letters at the receive limit is alerted
// when the batch is done: no outcome of the core reports it.
func TestTheWorkerAlertsWhatItBuriesAtTheReceiveLimit(t *testing.T) {
	t.Parallel()
	q, _ := embeddedQueue(t, 1)
	chat := &chatLog{}
	al := alerts.New(alerts.Options{Chat: chat, Channel: "C0123OPS", Logger: quietLogger()})
	w := &lambdahub.Worker{
		Handler: newScripted(map[string]hub.Disposition{
			"flaky": {Action: hub.RetryLater, Delay: time.Second, Cause: "freee-hr: PUT /hr/api/v1/employees/7: 503: maintenance", Status: hub.StatusRetry},
			"good":  {Action: hub.Ack, Status: hub.StatusDelivered},
		}),
		Queue: q, MaxReceives: 1, Logger: quietLogger(), Alerts: al,
		OnBury: func(msg queue.Message, cause string) {
			al.Record(alerts.ForDeadLetter(queue.DeadLetter{Message: msg, LastError: cause}, "freee-hr"))
		},
	}
	send(t, q, "flaky", "good")
	dispatch(t, q, w)
	posts := chat.posts()
	if len(posts) != 1 || !strings.Contains(posts[0], "配信がデッドレターに入りました: フロー payroll → freee-hr") ||
		!strings.Contains(posts[0], "503: maintenance") {
		t.Fatalf("chat %q; want one dead-letter alert for the buried message", posts)
	}
	if st := stats(t, q); st.Dead != 1 {
		t.Fatalf("dead letters %d; want the flaky message buried", st.Dead)
	}
}

// A scheduled run whose source refuses the refresh token raises a "reconnect" alert from
// the schedule function, posted to Slack.
func TestTheScheduleAlertsAConnectionToReconnect(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, 3, 2, 2026, time.October)
	slack := slacktest.New(slacktest.Options{Seed: 3, Employees: 2, NoRateLimit: true})
	if err := slack.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(slack.Close)
	ch, _ := slack.Channel(slacktest.ChannelBackOffice)

	cfg := mustLoad(t, writeHub(t, withSlackAlerts(hubText(sb.BaseURL(), sb.TokenURL(), ""), slack.BaseURL(), ch.ID)))
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, _ := embeddedQueue(t, 5)
	st, err := sqlitestore.New(db, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	revoked, _ := json.Marshal(map[string]string{"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "revoked"})
	h, err := lambdahub.Assemble(t.Context(), cfg, lambdahub.Ports{
		Queue: q, Store: st, Secrets: secrets.Static{"FREEE_HR": string(revoked), "SLACK": slacktest.DefaultBotToken},
		MaxReceives: 5, Logger: quietLogger(), Role: wiring.RoleSchedule,
		Now: func() time.Time { return time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.Alerts == nil {
		t.Fatal("the schedule role built no alerts")
	}
	if _, err := h.ScheduleHandler().Handle(t.Context(), lambdahub.ScheduleInput{Flow: "timeclock-to-payroll"}); err == nil {
		t.Fatal("the schedule planned with a revoked refresh token")
	}
	var texts []string
	for _, m := range slack.Messages(ch.ID) {
		texts = append(texts, m.Text)
	}
	if len(texts) != 1 || !strings.Contains(texts[0], "reconnect freee-hr") {
		t.Fatalf("chat %q; want one reconnect freee-hr alert", texts)
	}
	if open, err := h.Alerts.Open(t.Context(), "timeclock-to-payroll"); err != nil || len(open) != 1 || open[0].Kind != alerts.Reconnect {
		t.Fatalf("open alerts %+v, %v; want the reconnect kept open in the store", open, err)
	}
}
