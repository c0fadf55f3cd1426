package local_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	_ "github.com/urakata/urakata/connectors/github"
	"github.com/urakata/urakata/connectors/github/githubtest"
	_ "github.com/urakata/urakata/connectors/slack"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/secrets"
)

// opsRig is the freee sandbox behind a front that can refuse one employee's summary, and
// the Slack and GitHub sandboxes that receive the alerts.
type opsRig struct {
	freee    *freeetest.Server
	slack    *slacktest.Server
	github   *githubtest.Server
	channel  string
	victim   freeetest.Employee
	refusing atomic.Bool
	front    *httptest.Server
}

func startOpsRig(t *testing.T) *opsRig {
	t.Helper()
	r := &opsRig{freee: startSandbox(t, 3)}
	r.victim = r.freee.Employees()[1]
	refused := fmt.Sprintf("/hr/api/v1/employees/%d/work_record_summaries/2026/10", r.victim.ID)
	// The refusal names the employee, their email and pay, as a careless vendor might: none
	// of it may reach chat or the issue.
	body, _ := json.Marshal(map[string]any{"status_code": 400, "errors": []map[string]any{{"type": "bad_request", "messages": []string{
		fmt.Sprintf("従業員「%s %s」(%s) の 2026年10月 は締め済みです（基本給 %d円）", r.victim.LastName, r.victim.FirstName, r.victim.Email, r.victim.BasicPay),
	}}}})
	r.refusing.Store(true)
	r.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.refusing.Load() && req.Method == http.MethodPut && req.URL.Path == refused {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(body)
			return
		}
		r.freee.ServeHTTP(w, req)
	}))
	t.Cleanup(r.front.Close)

	r.slack = slacktest.New(slacktest.Options{Seed: 5, Employees: 3, NoRateLimit: true})
	if err := r.slack.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.slack.Close()
		for _, v := range r.slack.Violations() {
			t.Errorf("slack sandbox: %s", v)
		}
	})
	ch, ok := r.slack.Channel(slacktest.ChannelBackOffice)
	if !ok {
		t.Fatal("the Slack sandbox has no back-office channel")
	}
	r.channel = ch.ID

	r.github = githubtest.New(githubtest.Options{Employees: 3, RateLimit: githubtest.NoRateLimit, WritesPerMinute: githubtest.NoRateLimit})
	if err := r.github.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.github.Close()
		for _, v := range r.github.Violations() {
			t.Errorf("github sandbox: %s", v)
		}
	})
	return r
}

// config is a hub.yaml of the timeclock flow through the front, with alerts to Slack and
// GitHub.
func (r *opsRig) config(t *testing.T, dataDir string) *config.File {
	t.Helper()
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {data_dir: %q, workers: 2, lease: 30s, visibility: 30s, max_receives: 5, listen: "127.0.0.1:0"}
connections:
  freee-hr:
    vendor: freee-hr
    base_url: %s/hr
    secret: FREEE_HR
    settings: {company_id: 1, token_url: %s}
  slack:
    vendor: slack
    base_url: %s
    secret: SLACK
  github:
    vendor: github
    base_url: %s
    secret: GITHUB
    settings: {owner: demo-company, repo: back-office, write_interval: 1ms}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 450, prescribed_start: "09:00", prescribed_end: "17:30", week_start: sunday}
alerts:
  chat: slack
  channel: %s
  issues: github
`, dataDir, r.front.URL, r.freee.TokenURL(), r.slack.BaseURL(), r.github.BaseURL(), r.channel)
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

const freeeRefreshToken = "freeetest-refresh-token"

func (r *opsRig) secrets(refreshToken string) secrets.Source {
	b, _ := json.Marshal(map[string]string{"client_id": "freeetest-client", "client_secret": "freeetest-secret", "refresh_token": refreshToken})
	return secrets.Static(map[string]string{"FREEE_HR": string(b), "SLACK": slacktest.DefaultBotToken, "GITHUB": githubtest.DefaultToken})
}

func (r *opsRig) open(t *testing.T, dataDir, refreshToken string, logs io.Writer) *local.Hub {
	t.Helper()
	h, err := local.Open(t.Context(), r.config(t, dataDir), local.Options{Secrets: r.secrets(refreshToken), Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

func (r *opsRig) posts() []string {
	var out []string
	for _, m := range r.slack.Messages(r.channel) {
		out = append(out, m.Text)
	}
	return out
}

func (r *opsRig) alertIssues() []githubtest.Issue {
	var out []githubtest.Issue
	for _, is := range r.github.Issues("demo-company", "back-office") {
		if !is.PullRequest && strings.Contains(is.Body, "urakata:fingerprint=") && is.CreatedAt.After(time.Now().Add(-time.Hour)) {
			out = append(out, is)
		}
	}
	return out
}

// private is what must never reach chat or an issue: every employee's names, code, email and
// pay, and every credential.
func (r *opsRig) private() []string {
	out := []string{"freeetest-secret", freeeRefreshToken, slacktest.DefaultBotToken, githubtest.DefaultToken}
	for _, e := range r.freee.Employees() {
		out = append(out, e.LastName, e.FirstName, e.DisplayName, e.LastNameKana, e.FirstNameKana, e.Email, e.Num, strconv.FormatInt(e.BasicPay, 10))
	}
	return out
}

// checkPrivate fails if any of texts holds personal data or a secret. Run ids are taken out
// first: they are timestamps, whose digits may happen to spell an amount.
func (r *opsRig) checkPrivate(t *testing.T, where string, texts []string, runIDs ...string) {
	t.Helper()
	for _, text := range texts {
		for _, id := range runIDs {
			text = strings.ReplaceAll(text, id, "")
		}
		for _, p := range r.private() {
			if p != "" && strings.Contains(text, p) {
				t.Errorf("%s holds %q:\n%s", where, p, text)
			}
		}
	}
}

func issueTexts(issues []githubtest.Issue) []string {
	var out []string
	for _, is := range issues {
		out = append(out, is.Title, is.Body)
		out = append(out, is.Comments...)
	}
	return out
}

// A refused delivery opens one alert (a chat message and an issue); the same failure in the
// next run comments on the issue with the count and posts nothing; a good run closes the
// issue and says so in chat. Neither holds personal data or a secret.
func TestARefusedDeliveryIsAlertedOnceAndClosedOnRecovery(t *testing.T) {
	t.Parallel()
	r := startOpsRig(t)
	var logs bytes.Buffer
	h := r.open(t, t.TempDir(), freeeRefreshToken, &logs)
	ctx := t.Context()

	first, err := h.Run(ctx, local.RunRequest{Period: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	f := first.Flows[0]
	if first.OK || f.Dead != 1 || f.Delivered != 2 {
		t.Fatalf("first run %+v; want 2 delivered and 1 dead", f)
	}
	if len(f.Alerts) != 1 || f.Alerts[0].State != alerts.Opened || f.Alerts[0].Kind != alerts.DeadLetter ||
		f.Alerts[0].Connection != "freee-hr" || f.Alerts[0].Count != 1 || f.Alerts[0].Error != "" ||
		!strings.HasPrefix(f.Alerts[0].Issue, "demo-company/back-office#") {
		t.Fatalf("first run alerts %+v; want one dead letter opened with its issue", f.Alerts)
	}
	posts := r.posts()
	if len(posts) != 1 || !strings.Contains(posts[0], "配信がデッドレターに入りました: フロー timeclock-to-payroll → freee-hr") ||
		!strings.Contains(posts[0], "は締め済みです") || !strings.Contains(posts[0], "Issue: "+f.Alerts[0].Issue) {
		t.Fatalf("chat after the first run: %q; want one alert naming the flow, the cause and the issue", posts)
	}
	issues := r.alertIssues()
	if len(issues) != 1 || issues[0].State != "open" || !strings.Contains(issues[0].Title, "dead letters: timeclock-to-payroll → freee-hr") ||
		!strings.Contains(issues[0].Body, "urakata:fingerprint="+f.Alerts[0].Fingerprint) {
		t.Fatalf("issues after the first run: %+v; want one open alert issue", issues)
	}

	second, err := h.Run(ctx, local.RunRequest{Period: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	g := second.Flows[0]
	if g.Dead != 1 || len(g.Alerts) != 1 || g.Alerts[0].State != alerts.Repeated || g.Alerts[0].Issue != f.Alerts[0].Issue {
		t.Fatalf("second run %+v, alerts %+v; want the same issue commented", g, g.Alerts)
	}
	if posts := r.posts(); len(posts) != 1 {
		t.Fatalf("chat after the second run: %q; want still the one alert", posts)
	}
	issues = r.alertIssues()
	if len(issues) != 1 || len(issues[0].Comments) != 1 || !strings.Contains(issues[0].Comments[0], "2 回目") || !strings.Contains(issues[0].Comments[0], "2 times") {
		t.Fatalf("issues after the second run: %+v; want one, commented with the count 2", issues)
	}

	r.refusing.Store(false)
	third, err := h.Run(ctx, local.RunRequest{Period: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	k := third.Flows[0]
	if !third.OK || k.Delivered != 1 || len(k.Alerts) != 1 || k.Alerts[0].State != alerts.Closed || k.Alerts[0].Error != "" {
		t.Fatalf("third run %+v, alerts %+v; want the refused summary delivered and the alert closed", k, k.Alerts)
	}
	issues = r.alertIssues()
	if len(issues) != 1 || issues[0].State != "closed" || !strings.Contains(issues[0].Comments[len(issues[0].Comments)-1], k.RunID) {
		t.Fatalf("issues after the good run: %+v; want it closed with a comment naming the run", issues)
	}
	posts = r.posts()
	if len(posts) != 2 || !strings.Contains(posts[1], "復旧しました — フロー timeclock-to-payroll") || !strings.Contains(posts[1], "Recovered: flow timeclock-to-payroll") {
		t.Fatalf("chat after the good run: %q; want the alert and a recovery line", posts)
	}

	fourth, err := h.Run(ctx, local.RunRequest{Period: "2026-10"})
	if err != nil || len(fourth.Flows[0].Alerts) != 0 || len(r.posts()) != 2 {
		t.Fatalf("a second good run: %+v, %v, chat %q; want nothing sent", fourth.Flows[0].Alerts, err, r.posts())
	}

	runs := []string{f.RunID, g.RunID, k.RunID}
	r.checkPrivate(t, "chat", r.posts(), runs...)
	r.checkPrivate(t, "the issue", issueTexts(r.alertIssues()), runs...)
	r.checkPrivate(t, "the alert reports", []string{fmt.Sprint(f.Alerts, g.Alerts, k.Alerts)}, runs...)
}

// A connection whose refresh token freee refuses raises a "reconnect" alert for it, not a
// generic failure.
func TestInvalidGrantRaisesAReconnectAlert(t *testing.T) {
	t.Parallel()
	r := startOpsRig(t)
	var logs bytes.Buffer
	h := r.open(t, t.TempDir(), "revoked-refresh-token", &logs)

	res, err := h.Run(t.Context(), local.RunRequest{Period: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Flows[0]
	if res.OK || f.Error == "" {
		t.Fatalf("run %+v; want it failed", f)
	}
	if len(f.Alerts) != 1 || f.Alerts[0].Kind != alerts.Reconnect || f.Alerts[0].Connection != "freee-hr" || f.Alerts[0].State != alerts.Opened {
		t.Fatalf("alerts %+v; want one reconnect freee-hr", f.Alerts)
	}
	posts := r.posts()
	if len(posts) != 1 || !strings.Contains(posts[0], "reconnect freee-hr") || !strings.Contains(posts[0], "接続 freee-hr の再認可が必要です") {
		t.Fatalf("chat %q; want a reconnect freee-hr alert", posts)
	}
	issues := r.alertIssues()
	if len(issues) != 1 || issues[0].Title != "[urakata] 再認可が必要 / reconnect freee-hr (flow timeclock-to-payroll)" {
		t.Fatalf("issues %+v; want one reconnect issue", issues)
	}
	r.checkPrivate(t, "chat", posts, f.RunID)
	r.checkPrivate(t, "the issue", issueTexts(issues), f.RunID)
	if strings.Contains(logs.String(), "revoked-refresh-token") {
		t.Error("the logs hold the refresh token")
	}
}

// Alerts that cannot be sent leave the run's result as it was, and are logged without
// secrets.
func TestAlertsThatCannotBeSentDoNotChangeTheRun(t *testing.T) {
	t.Parallel()
	r := startOpsRig(t)
	r.slack.RevokeToken()
	if err := r.github.SetIssuesEnabled("demo-company", "back-office", false); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := r.open(t, t.TempDir(), freeeRefreshToken, &logs)

	res, err := h.Run(t.Context(), local.RunRequest{Period: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Flows[0]
	if res.OK || f.Delivered != 2 || f.Dead != 1 || f.Failed != 1 || f.Error != "" {
		t.Fatalf("run %+v; want the same result as with alerts sent", f)
	}
	if len(f.Alerts) != 1 || !strings.Contains(f.Alerts[0].Error, "chat:") || !strings.Contains(f.Alerts[0].Error, "issue:") {
		t.Fatalf("alerts %+v; want the dead letter reported with both failures", f.Alerts)
	}
	if len(r.posts()) != 0 || len(r.alertIssues()) != 0 {
		t.Fatal("something was sent after all")
	}
	out := logs.String()
	if !strings.Contains(out, "alert not posted to chat") || !strings.Contains(out, "alert issue not filed") {
		t.Fatalf("logs do not say the alert was not sent:\n%s", out)
	}
	for _, secret := range []string{slacktest.DefaultBotToken, githubtest.DefaultToken, "freeetest-secret", freeeRefreshToken} {
		if strings.Contains(out, secret) {
			t.Errorf("the logs hold the secret %q", secret)
		}
	}
}

// A serving hub alerts what its workers bury, though no run of its own ends: the job here
// is what a webhook or the scheduler would enqueue.
func TestServeAlertsWhatItsWorkersBury(t *testing.T) {
	t.Parallel()
	r := startOpsRig(t)
	var logs bytes.Buffer
	h := r.open(t, t.TempDir(), freeeRefreshToken, &logs)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, nil) }()

	job := hub.Job{Flow: "timeclock-to-payroll", RunID: "serve-run", Period: "2026-10", Trigger: "webhook", At: time.Now().UTC()}
	body, err := hub.Envelope{Kind: hub.KindJob, Job: &job}.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Queue().Send(ctx, []queue.Outgoing{{Body: body, Attributes: map[string]string{"kind": "job", "flow": job.Flow, "run_id": job.RunID}}}); err != nil {
		t.Fatal(err)
	}
	// Wait for the refused summary to land in the dead letters and the rest to be written.
	for {
		st, err := h.Queue().Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Dead == 1 && st.Visible+st.InFlight+st.Delayed == 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Serve returned early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	posts := r.posts()
	if len(posts) != 1 || !strings.Contains(posts[0], "配信がデッドレターに入りました: フロー timeclock-to-payroll → freee-hr") {
		t.Fatalf("chat %q; want the dead letter alerted by the time Serve returned", posts)
	}
	if issues := r.alertIssues(); len(issues) != 1 || issues[0].State != "open" {
		t.Fatalf("issues %+v; want one open", issues)
	}
	r.checkPrivate(t, "chat", posts, job.RunID)
}

// Replaying the dead letters once their cause is gone is a run with nothing failed: the
// flow's alert closes.
func TestAReplayThatDeliversClosesTheAlert(t *testing.T) {
	t.Parallel()
	r := startOpsRig(t)
	var logs bytes.Buffer
	h := r.open(t, t.TempDir(), freeeRefreshToken, &logs)
	if _, err := h.Run(t.Context(), local.RunRequest{Period: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	r.refusing.Store(false)
	res, n, err := h.Replay(t.Context(), nil, true)
	if err != nil || n != 1 || !res.OK || len(res.Flows) != 1 {
		t.Fatalf("replay: %d replayed, %+v, %v; want 1 delivered", n, res, err)
	}
	if a := res.Flows[0].Alerts; len(a) != 1 || a[0].State != alerts.Closed {
		t.Fatalf("replay alerts %+v; want the dead letter's alert closed", a)
	}
	if issues := r.alertIssues(); len(issues) != 1 || issues[0].State != "closed" {
		t.Fatalf("issues %+v; want the alert issue closed", issues)
	}
	if posts := r.posts(); len(posts) != 2 || !strings.Contains(posts[1], "復旧しました") {
		t.Fatalf("chat %q; want the alert and the recovery", posts)
	}
}
