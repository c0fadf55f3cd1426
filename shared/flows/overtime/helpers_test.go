package overtime_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/connectors/freee/freeetest"
	_ "github.com/urakata/urakata/connectors/kingoftime"
	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	_ "github.com/urakata/urakata/connectors/slack"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/config"
	_ "github.com/urakata/urakata/shared/flows/overtime"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
	"github.com/urakata/urakata/shared/secrets"
)

// The demo month is November 2026: the 1st is a Sunday, so its weeks start inside it and
// no day before it counts toward a weekly 40 hours.
const year, month = 2026, time.November

// noon is noon of a day of the demo month in Tokyo.
func noon(day int) time.Time { return time.Date(year, month, day, 12, 0, 0, 0, payroll.JST) }

// clock reads at a set time and runs from there, as a real one does; set moves it.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func clockAt(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// lateUntil is a month of shifts by clock-out time, by day of November: 9:00 to that time
// with an hour's break, so each hour past 18:00 is an hour of overtime (法定外) that day.
// Every other weekday is 9:00–18:00, and weekends are off.
type lateUntil map[int]string

// workdays returns every day of November with its clock-out ("" for a weekend off).
func (l lateUntil) workdays() map[int]string {
	out := map[int]string{}
	for day := 1; day <= 30; day++ {
		switch model.NewDate(year, month, day).Weekday() {
		case time.Saturday, time.Sunday:
			out[day] = ""
		default:
			out[day] = "18:00"
		}
	}
	for day, end := range l {
		out[day] = end
	}
	return out
}

// days returns the days listed, each with the same clock-out, for building a lateUntil.
func days(end string, list ...int) lateUntil {
	out := lateUntil{}
	for _, d := range list {
		out[d] = end
	}
	return out
}

func (l lateUntil) and(more lateUntil) lateUntil {
	out := lateUntil{}
	for d, e := range l {
		out[d] = e
	}
	for d, e := range more {
		out[d] = e
	}
	return out
}

// at is hh:mm on a day of November in Tokyo.
func at(t *testing.T, day int, hhmm string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", fmt.Sprintf("%d-%02d-%02d %s", year, month, day, hhmm), payroll.JST)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// setFreeeMonth punches l into freee for one employee.
func setFreeeMonth(t *testing.T, srv *freeetest.Server, id int, l lateUntil) {
	t.Helper()
	for day, end := range l.workdays() {
		d := freeetest.Day{Date: model.NewDate(year, month, day)}
		if end != "" {
			d.ClockIn, d.ClockOut = at(t, day, "09:00"), at(t, day, end)
			d.Breaks = []model.Interval{{Start: at(t, day, "12:00"), End: at(t, day, "13:00")}}
		}
		if err := srv.SetDay(id, d); err != nil {
			t.Fatal(err)
		}
	}
}

// setKOTMonth punches l into KING OF TIME for one employee.
func setKOTMonth(t *testing.T, srv *kingoftimetest.Server, key string, l lateUntil) {
	t.Helper()
	for day, end := range l.workdays() {
		d := kingoftimetest.Day{Date: model.NewDate(year, month, day)}
		if end != "" {
			d.Punches = []kingoftimetest.Punch{
				{Time: at(t, day, "09:00"), Code: kingoftimetest.PunchClockIn},
				{Time: at(t, day, "12:00"), Code: kingoftimetest.PunchBreakStart},
				{Time: at(t, day, "13:00"), Code: kingoftimetest.PunchBreakEnd},
				{Time: at(t, day, end), Code: kingoftimetest.PunchClockOut},
			}
		}
		if err := srv.SetDay(key, d); err != nil {
			t.Fatal(err)
		}
	}
}

func startFreee(t *testing.T, employees int) *freeetest.Server {
	t.Helper()
	srv := freeetest.New(freeetest.Options{Seed: 7, Employees: employees, Year: year, Month: month, RateLimit: freeetest.NoRateLimit, Strict: true})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("freee sandbox: %s", v)
		}
	})
	return srv
}

func startSlack(t *testing.T, employees int) *slacktest.Server {
	t.Helper()
	srv := slacktest.New(slacktest.Options{Seed: 5, Employees: employees, NoRateLimit: true})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("slack sandbox: %s", v)
		}
	})
	return srv
}

// channel returns the id of a channel of the Slack sandbox.
func channel(t *testing.T, srv *slacktest.Server, name string) string {
	t.Helper()
	ch, ok := srv.Channel(name)
	if !ok {
		t.Fatalf("the Slack sandbox has no channel %s", name)
	}
	return ch.ID
}

// texts returns the texts the bot posted in a channel, sorted.
func texts(srv *slacktest.Server, channel string) []string {
	var out []string
	for _, m := range srv.Messages(channel) {
		if m.BotID != "" {
			out = append(out, m.Text)
		}
	}
	slices.Sort(out)
	return out
}

// connections is the connections section for the sandboxes the test started (nil: not
// used).
func connections(freee *freeetest.Server, kot *kingoftimetest.Server, slack *slacktest.Server) string {
	var b strings.Builder
	b.WriteString("connections:\n")
	if freee != nil {
		fmt.Fprintf(&b, "  freee-hr:\n    vendor: freee-hr\n    base_url: %s\n    secret: FREEE_HR\n    settings: {company_id: 1, token_url: %s}\n", freee.BaseURL(), freee.TokenURL())
	}
	if kot != nil {
		fmt.Fprintf(&b, "  kot:\n    vendor: kingoftime\n    base_url: %s\n    secret: KOT\n    settings: {observe_restricted_hours: false, requests_per_minute: 60000}\n", kot.BaseURL())
	}
	fmt.Fprintf(&b, "  slack:\n    vendor: slack\n    base_url: %s\n    secret: SLACK\n", slack.BaseURL())
	return b.String()
}

// loadConfig writes a hub.yaml of the connections and flows given and loads it as the CLI
// does.
func loadConfig(t *testing.T, conns, flows string) (*config.File, error) {
	t.Helper()
	yaml := fmt.Sprintf("version: 1\ncompany: {zone: Asia/Tokyo}\nruntime: {data_dir: %q, workers: 2, lease: 30s, visibility: 30s, max_receives: 3}\n%sflows:\n%s",
		t.TempDir(), conns, flows)
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return config.Load(path, local.Vocabulary())
}

func sandboxSecrets() secrets.Source {
	freee, _ := json.Marshal(map[string]string{"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": "freeetest-refresh-token"})
	slack, _ := json.Marshal(map[string]string{"bot_token": slacktest.DefaultBotToken, "signing_secret": slacktest.DefaultSigningSecret})
	return secrets.Static(map[string]string{"FREEE_HR": string(freee), "KOT": kingoftimetest.DefaultToken, "SLACK": string(slack)})
}

// openHub opens the embedded runtime on cfg, logging to logs.
func openHub(t *testing.T, cfg *config.File, c *clock, logs *syncBuffer) *local.Hub {
	t.Helper()
	h, err := local.Open(t.Context(), cfg, local.Options{Secrets: sandboxSecrets(), Now: c.now,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// run runs one flow once, as `urakata sync <flow>` does, and returns what it did.
func run(t *testing.T, h *local.Hub, flow string) local.FlowResult {
	t.Helper()
	res, err := h.Run(t.Context(), local.RunRequest{Flows: []string{flow}, Trigger: "schedule"})
	if err != nil {
		t.Fatalf("run %s: %v", flow, err)
	}
	fr := res.Flows[0]
	if fr.Error != "" {
		t.Fatalf("run %s: %s", flow, fr.Error)
	}
	return fr
}

// checkNoNames fails when the logs hold any of the names, or hold nothing about flow (then
// the check would prove nothing).
func checkNoNames(t *testing.T, logs *syncBuffer, flow string, names []string) {
	t.Helper()
	text := logs.String()
	if !strings.Contains(text, `"flow":"`+flow+`"`) || !strings.Contains(text, "overtime watched") {
		t.Errorf("the hub logged nothing about flow %s; the check for names would prove nothing", flow)
	}
	for _, n := range names {
		if n != "" && strings.Contains(text, n) {
			t.Errorf("the logs hold the name %q", n)
		}
	}
}

// warnText and limitText are the notices as a manager reads them, for the November 2026
// period of 末締め.
func warnText(code, name string) string {
	return fmt.Sprintf("【36協定】%s %s さんの2026年11月度（11/1〜11/30）の時間外労働が、警告ライン 40時間に達しました。上限は月45時間です。業務の調整をお願いします。\n"+
		"36 Agreement: overtime of %s %s in the November 2026 pay period (11/1–11/30) has reached the warning line of 40 hours; the limit is 45 hours a month. Please adjust their work.",
		code, name, code, name)
}

func limitText(code, name string) string {
	return fmt.Sprintf("【36協定】%s %s さんの2026年11月度（11/1〜11/30）の時間外労働が、上限の月45時間に達しました。これ以上の時間外労働は協定の上限を超えます。直ちに業務の調整をお願いします。\n"+
		"36 Agreement: overtime of %s %s in the November 2026 pay period (11/1–11/30) has reached the limit of 45 hours a month; any more goes beyond the agreement. Please adjust their work now.",
		code, name, code, name)
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
