package helpdesk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/connectors/freee/freeetest"
	_ "github.com/urakata/urakata/connectors/slack"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/faq"
	_ "github.com/urakata/urakata/shared/flows/helpdesk"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
	"github.com/urakata/urakata/shared/secrets"
)

// rig is the embedded runtime with the Slack and freee HR sandboxes: Slack signs events
// and posts them to the hub's webhook handler, the worker answers through Slack's API and
// reads time clocks from freee.
type rig struct {
	logs       *syncBuffer
	slack      *slacktest.Server
	freee      *freeetest.Server
	hooks      string // the URL Slack posts events to
	general    string
	backoffice string
	// asker and other are employees E00001 and E00002, whom hub.yaml maps; byEmail is
	// E00003, whom hub.yaml does not map but whose Slack email is freee's; stranger is a
	// Slack member the time clock does not know.
	asker, other, byEmail, stranger string
}

// The demo month is November 2026, which starts on a Sunday, and "today" is Tuesday the
// 3rd: the month to date is 1–3 November and its weeks start inside it.
var today = time.Date(2026, time.November, 3, 12, 0, 0, 0, payroll.JST)

// The punches set in freee, and the overtime (beyond 8 h a day) each makes.
const (
	askerOvertime = 120 + 90 // 2 Nov 09:00–20:00, 3 Nov 09:00–19:30, an hour's break each
	otherOvertime = 240      // 2 Nov 09:00–22:00, 3 Nov 09:00–18:00
)

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{logs: &syncBuffer{}}
	r.freee = freeetest.New(freeetest.Options{Seed: 7, Employees: 3, Year: 2026, Month: time.November, RateLimit: freeetest.NoRateLimit, Strict: true})
	if err := r.freee.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.freee.Close()
		for _, v := range r.freee.Violations() {
			t.Errorf("freee sandbox: %s", v)
		}
	})
	r.slack = slacktest.New(slacktest.Options{Seed: 5, Employees: 4, NoRateLimit: true})
	if err := r.slack.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.slack.Close()
		for _, v := range r.slack.Violations() {
			t.Errorf("slack sandbox: %s", v)
		}
	})
	for i, id := range []*string{&r.asker, &r.other, &r.byEmail, &r.stranger} {
		u, ok := r.slack.UserByEmail(slacktest.DemoPerson(i).Email)
		if !ok {
			t.Fatalf("the Slack sandbox has no person %d", i)
		}
		*id = u.ID
	}
	for name, id := range map[string]*string{slacktest.ChannelGeneral: &r.general, slacktest.ChannelBackOffice: &r.backoffice} {
		ch, ok := r.slack.Channel(name)
		if !ok {
			t.Fatalf("the Slack sandbox has no channel %s", name)
		}
		*id = ch.ID
	}

	emps := r.freee.Employees()
	shift := func(emp int, day int, in, out string) {
		t.Helper()
		at := func(hhmm string) time.Time {
			tm, err := time.ParseInLocation("2006-01-02 15:04", fmt.Sprintf("2026-11-%02d %s", day, hhmm), payroll.JST)
			if err != nil {
				t.Fatal(err)
			}
			return tm
		}
		d := freeetest.Day{Date: model.NewDate(2026, time.November, day), Pattern: freeetest.NormalDay, ClockIn: at(in), ClockOut: at(out),
			Breaks: []model.Interval{{Start: at("12:00"), End: at("13:00")}}}
		if err := r.freee.SetDay(emps[emp].ID, d); err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range emps {
		if want := slacktest.DemoPerson(i).Code; e.Num != want {
			t.Fatalf("freee employee %d has code %s; want %s", i, e.Num, want)
		}
		if err := r.freee.SetDay(e.ID, freeetest.Day{Date: model.NewDate(2026, time.November, 1), Pattern: freeetest.LegalHoliday}); err != nil {
			t.Fatal(err)
		}
	}
	shift(0, 2, "09:00", "20:00")
	shift(0, 3, "09:00", "19:30")
	shift(1, 2, "09:00", "22:00")
	shift(1, 3, "09:00", "18:00")

	h, err := local.Open(t.Context(), r.config(t), local.Options{Secrets: r.secrets(), Now: clockAt(today),
		Logger: slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(srv.Close)
	r.hooks = srv.URL + "/hooks/slack"

	// The worker, as `urakata run` starts it: Serve also listens, on a port no one uses here.
	ctx, cancel := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return r
}

// clockAt is a clock that reads at now and runs from there, as a real one does.
func clockAt(now time.Time) func() time.Time {
	offset := time.Until(now)
	return func() time.Time { return time.Now().Add(offset) }
}

func (r *rig) config(t *testing.T) *config.File {
	t.Helper()
	kb, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "faq"))
	if err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {data_dir: %q, workers: 2, lease: 30s, visibility: 30s, max_receives: 3, listen: "127.0.0.1:0"}
connections:
  freee-hr:
    vendor: freee-hr
    base_url: %s
    secret: FREEE_HR
    settings: {company_id: 1, token_url: %s}
  slack:
    vendor: slack
    base_url: %s
    secret: SLACK
flows:
  helpdesk:
    type: chat-helpdesk
    source: slack
    target: slack
    trigger: {webhook: {connection: slack}}
    mapping:
      kb: %q
      backoffice_channel: %s
      attendance: freee-hr
      chat_users: {E00001: %s, E00002: %s}
`, t.TempDir(), r.freee.BaseURL(), r.freee.TokenURL(), r.slack.BaseURL(), kb, r.backoffice, r.asker, r.other)
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func (r *rig) secrets() secrets.Source {
	freee, _ := json.Marshal(map[string]string{"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "freeetest-refresh-token"})
	slack, _ := json.Marshal(map[string]string{"bot_token": slacktest.DefaultBotToken, "signing_secret": slacktest.DefaultSigningSecret})
	return secrets.Static(map[string]string{"FREEE_HR": string(freee), "SLACK": string(slack)})
}

// send has Slack post ev to the hub, signed, and returns the ts of the person's message.
func (r *rig) send(t *testing.T, ev slacktest.Event) string {
	t.Helper()
	d, err := r.slack.SendEvent(t.Context(), r.hooks, ev)
	if err != nil || !d.Acked() {
		t.Fatalf("delivery %+v, %v; want the hub to acknowledge the event", d, err)
	}
	msgs := r.slack.Messages(ev.Channel)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].User == ev.User && msgs[i].Text == ev.Text {
			return msgs[i].TS
		}
	}
	t.Fatalf("the sandbox did not record the message")
	return ""
}

// replies waits for the bot's replies in the thread under ts and returns them. The wait
// is bounded so a broken worker fails the test instead of hanging it.
func (r *rig) replies(t *testing.T, channel, ts string, n int) []slacktest.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out []slacktest.Message
		for _, m := range r.slack.Messages(channel) {
			if m.BotID != "" && m.ThreadTS == ts {
				out = append(out, m)
			}
		}
		if len(out) >= n || time.Now().After(deadline) {
			if len(out) != n {
				t.Fatalf("%d bot replies in thread %s of %s; want %d", len(out), ts, channel, n)
			}
			return out
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// botMessages returns every message the bot posted anywhere the test can see: the
// channels and the direct chats of the three people.
func (r *rig) botMessages() []string {
	channels := []string{r.general, r.backoffice}
	for _, u := range []string{r.asker, r.other, r.byEmail, r.stranger} {
		if dm, ok := r.slack.DirectMessage(u); ok {
			channels = append(channels, dm.ID)
		}
	}
	var out []string
	for _, ch := range channels {
		for _, m := range r.slack.Messages(ch) {
			if m.BotID != "" {
				out = append(out, ch+": "+m.Text)
			}
		}
	}
	return out
}

func dmOf(t *testing.T, r *rig, user string) string {
	t.Helper()
	dm, ok := r.slack.DirectMessage(user)
	if !ok {
		return ""
	}
	return dm.ID
}

func minutesText(n int) string { return fmt.Sprintf("（%d分", n) }

func TestHelpdesk(t *testing.T) {
	t.Parallel()
	r := newRig(t)

	t.Run("a FAQ question is answered in its thread with the entry's answer", func(t *testing.T) {
		kb, err := faq.Load(t.Context(), faq.Dir(filepath.Join("..", "..", "..", "testdata", "faq")))
		if err != nil {
			t.Fatal(err)
		}
		want, ok := kb.Entry("payday")
		if !ok {
			t.Fatal("the demo knowledge base has no payday entry")
		}
		ts := r.send(t, r.slack.Mention(r.asker, r.general, "給料日っていつだっけ"))
		got := r.replies(t, r.general, ts, 1)
		if got[0].Text != want.AnswerIn(faq.Japanese) {
			t.Errorf("reply %q; want the payday entry's Japanese answer", got[0].Text)
		}
	})

	t.Run("an English question is answered in English", func(t *testing.T) {
		ts := r.send(t, r.slack.Mention(r.asker, r.general, "When do we get paid?"))
		got := r.replies(t, r.general, ts, 1)
		if faq.DetectLang(got[0].Text) != faq.English {
			t.Errorf("reply %q; want English", got[0].Text)
		}
	})

	t.Run("a question the FAQ cannot answer is declined politely and forwarded to the back office", func(t *testing.T) {
		before := len(r.slack.Messages(r.backoffice))
		ts := r.send(t, r.slack.Mention(r.stranger, r.general, "株価はいくら？"))
		got := r.replies(t, r.general, ts, 1)
		if !strings.Contains(got[0].Text, "お答えできません") || !strings.Contains(got[0].Text, "転送しました") {
			t.Errorf("reply %q; want a polite decline that says the question was forwarded", got[0].Text)
		}
		fwd := r.slack.Messages(r.backoffice)[before:]
		if len(fwd) != 1 || !strings.Contains(fwd[0].Text, "株価はいくら？") {
			t.Fatalf("back office got %+v; want the question once", fwd)
		}
		if strings.Contains(fwd[0].Text, r.stranger) || strings.Contains(fwd[0].Text, slacktest.DemoPerson(3).Email) {
			t.Errorf("the forward %q names the asker; want the question and its thread only", fwd[0].Text)
		}
	})

	t.Run("overtime asked in a channel goes to the asker alone by direct message", func(t *testing.T) {
		ts := r.send(t, r.slack.Mention(r.asker, r.general, "今月の残業時間は？"))
		got := r.replies(t, r.general, ts, 1)
		if !strings.Contains(got[0].Text, "ダイレクトメッセージ") || strings.Contains(got[0].Text, "分") {
			t.Errorf("thread reply %q; want a note that it was sent privately, with no figure", got[0].Text)
		}
		dm := dmOf(t, r, r.asker)
		var found bool
		for _, m := range r.slack.Messages(dm) {
			found = found || (m.BotID != "" && strings.Contains(m.Text, minutesText(askerOvertime)))
		}
		if !found {
			t.Errorf("the asker's DM holds %+v; want their %d minutes", r.slack.Messages(dm), askerOvertime)
		}
	})

	t.Run("paid leave asked in a channel goes to the asker alone, as freee keeps it", func(t *testing.T) {
		emp := r.freee.Employees()[0]
		want, ok := r.freee.PaidLeaveLeft(emp.ID, 2026, time.November)
		if !ok {
			t.Fatal("the freee sandbox has no balance for E00001")
		}
		ts := r.send(t, r.slack.Mention(r.asker, r.general, "有給は何日残ってる？"))
		got := r.replies(t, r.general, ts, 1)
		if strings.Contains(got[0].Text, "日です") {
			t.Errorf("thread reply %q holds the balance; want it sent privately", got[0].Text)
		}
		text := "有給休暇の残りは " + want.Days.String() + "日"
		var found bool
		for _, m := range r.slack.Messages(dmOf(t, r, r.asker)) {
			found = found || (m.BotID != "" && strings.Contains(m.Text, text))
		}
		if !found {
			t.Errorf("the asker's DM holds %+v; want %q", r.slack.Messages(dmOf(t, r, r.asker)), text)
		}
	})

	t.Run("an asker hub.yaml does not map is found by the email Slack shows", func(t *testing.T) {
		ev := r.slack.DirectMessageFrom(r.byEmail, "How many days of annual leave do I have left?")
		ts := r.send(t, ev)
		got := r.replies(t, ev.Channel, ts, 1)
		emp := r.freee.Employees()[2]
		want, _ := r.freee.PaidLeaveLeft(emp.ID, 2026, time.November)
		if !strings.Contains(got[0].Text, "You have "+want.Days.String()+" day(s) of paid leave left") {
			t.Errorf("reply %q; want E00003's %s days", got[0].Text, want.Days)
		}
	})

	t.Run("overtime asked in a direct message is answered there in English", func(t *testing.T) {
		ev := r.slack.DirectMessageFrom(r.other, "How much overtime this month?")
		ts := r.send(t, ev)
		got := r.replies(t, ev.Channel, ts, 1)
		if !strings.Contains(got[0].Text, fmt.Sprintf("(%d minutes", otherOvertime)) {
			t.Errorf("reply %q; want their own %d minutes", got[0].Text, otherOvertime)
		}
	})

	t.Cleanup(func() {
		logs := r.logs.String()
		if !strings.Contains(logs, "helpdesk") {
			t.Errorf("the hub logged nothing about the flow; the check below would prove nothing")
		}
		for _, secret := range []string{"給料日", "株価", "残業", "How much overtime this month?", minutesText(askerOvertime), minutesText(otherOvertime), slacktest.DemoPerson(0).Email} {
			if strings.Contains(logs, secret) {
				t.Errorf("the logs hold %q", secret)
			}
		}
	})

	// Nobody gets anyone else's figure: the asker E00001 tries for E00002's, and the
	// unmapped E00003 tries for anyone's.
	for _, tc := range []struct {
		name, user, text string
		ownAllowed       bool
	}{
		{name: "naming a colleague by name is declined", user: "asker", text: "田中さんの今月の残業は？"},
		{name: "naming a colleague by employee code is declined", user: "asker", text: "overtime of E00002 this month"},
		{name: "asking in English for a named person is declined", user: "asker", text: "What is Tanaka's overtime this month?"},
		{name: "asking for the manager's overtime is declined", user: "asker", text: "上司の残業時間を教えて"},
		{name: "an asker neither hub.yaml nor the time clock knows gets nothing", user: "stranger", text: "今月の残業は？"},
		{name: "an asker the time clock does not know gets no paid leave", user: "stranger", text: "有給は何日残ってる？"},
		{name: "an unmapped asker naming a mapped employee gets nothing", user: "stranger", text: "E00001の残業"},
		{name: "a plain question gets the asker's own figure and no one else's", user: "asker", text: "残業どのくらい？", ownAllowed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := map[string]string{"asker": r.asker, "stranger": r.stranger}[tc.user]
			beforeOther := len(r.slack.Messages(dmOf(t, r, r.other)))
			ts := r.send(t, r.slack.Mention(user, r.general, tc.text))
			r.replies(t, r.general, ts, 1)
			for _, m := range r.botMessages() {
				if strings.Contains(m, minutesText(otherOvertime)) || strings.Contains(m, fmt.Sprintf("%d minutes", otherOvertime)) {
					if !strings.HasPrefix(m, dmOf(t, r, r.other)+":") {
						t.Errorf("E00002's overtime was posted outside their DM: %q", m)
					}
				}
			}
			if n := len(r.slack.Messages(dmOf(t, r, r.other))); n != beforeOther {
				t.Errorf("E00002's DM got %d new messages; want none", n-beforeOther)
			}
			if dm := dmOf(t, r, r.stranger); dm != "" {
				for _, m := range r.slack.Messages(dm) {
					if strings.Contains(m.Text, "分") && m.BotID != "" {
						t.Errorf("the unmapped person was sent %q", m.Text)
					}
				}
			}
			if tc.ownAllowed {
				return
			}
			thread := r.replies(t, r.general, ts, 1)[0].Text
			if strings.Contains(thread, "分") || strings.Contains(thread, "minutes") || strings.Contains(thread, "ダイレクトメッセージでお送り") {
				t.Errorf("reply %q; want a refusal with no figure", thread)
			}
		})
	}
}

func contextWithCancel(t *testing.T) (ctx context.Context, cancel context.CancelFunc) {
	return context.WithCancel(context.WithoutCancel(t.Context()))
}

// syncBuffer collects the hub's logs from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
