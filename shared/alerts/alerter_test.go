package alerts_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/store/sqlitestore"
)

// chat keeps what was posted; fail makes the next posts fail.
type chat struct {
	mu    sync.Mutex
	posts []model.ChatMessage
	fail  error
}

func (c *chat) PostMessage(_ context.Context, m model.ChatMessage) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return "", c.fail
	}
	c.posts = append(c.posts, m)
	return fmt.Sprint(len(c.posts)), nil
}

func (c *chat) texts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, p := range c.posts {
		out = append(out, p.Text)
	}
	return out
}

// tracker files issues as the GitHub connector does: one open issue per fingerprint,
// commented with the count when it is opened again.
type tracker struct {
	mu        sync.Mutex
	issues    []*issue
	failClose error
}

type issue struct {
	fingerprint, title, body string
	comments                 []string
	count                    int
	open                     bool
}

func (tr *tracker) OpenIssue(_ context.Context, fp, title, body string) (string, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for i, is := range tr.issues {
		if is.open && is.fingerprint == fp {
			is.count++
			is.comments = append(is.comments, fmt.Sprintf("seen %d times\n\n%s", is.count, body))
			return fmt.Sprintf("o/r#%d", i+1), nil
		}
	}
	tr.issues = append(tr.issues, &issue{fingerprint: fp, title: title, body: body, count: 1, open: true})
	return fmt.Sprintf("o/r#%d", len(tr.issues)), nil
}

func (tr *tracker) CloseIssue(_ context.Context, fp, comment string) error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.failClose != nil {
		return tr.failClose
	}
	for _, is := range tr.issues {
		if is.open && is.fingerprint == fp {
			is.open = false
			is.comments = append(is.comments, comment)
		}
	}
	return nil
}

func (tr *tracker) list() []issue {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []issue
	for _, is := range tr.issues {
		out = append(out, *is)
	}
	return out
}

func newStore(t *testing.T) *sqlitestore.Store {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s, err := sqlitestore.New(db, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type rig struct {
	chat    *chat
	tracker *tracker
	state   store.Cursors
	logs    *bytes.Buffer
}

func (r *rig) alerter() *alerts.Alerter {
	return alerts.New(alerts.Options{
		Chat: r.chat, Channel: "C0123OPS", Issues: r.tracker, State: r.state,
		Logger: slog.New(slog.NewJSONHandler(r.logs, nil)),
		Zone:   time.FixedZone("JST", 9*3600),
		Now:    func() time.Time { return time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) },
	})
}

func newRig(t *testing.T) *rig {
	return &rig{chat: &chat{}, tracker: &tracker{}, state: newStore(t), logs: &bytes.Buffer{}}
}

var (
	refused = alerts.FromError(alerts.DeadLetter, "timeclock-to-payroll", "freee-hr", "run-1",
		errors.New("freee-hr: put work record summary for employee 4711: 400: month is closed"))
	refusedOther = alerts.FromError(alerts.DeadLetter, "timeclock-to-payroll", "freee-hr", "run-1",
		errors.New("freee-hr: put work record summary for employee 4712: 400: month is closed"))
	retired = alerts.FromError(alerts.DeadLetter, "timeclock-to-payroll", "freee-hr", "run-1",
		errors.New("freee-hr: put work record summary: 400: employee is retired"))
)

// One run: the same failure three times is one alert counted three; another cause is its
// own. A second run comments the issue without a second chat message. A good run closes
// both issues and posts one recovery line.
func TestAFailureIsSentOncePerRunAndClosedOnRecovery(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	a := r.alerter()
	ctx := t.Context()

	a.Record(refused)
	a.Record(refusedOther)
	a.Record(refused)
	a.Record(retired)
	reports := a.Flush(ctx)
	if len(reports) != 2 || reports[0].Count != 3 || reports[1].Count != 1 ||
		reports[0].State != alerts.Opened || reports[1].State != alerts.Opened ||
		reports[0].Issue != "o/r#1" || reports[1].Issue != "o/r#2" || reports[0].Error != "" {
		t.Fatalf("first run reports %+v; want two opened, counted 3 and 1, with their issues", reports)
	}
	if again := a.Flush(ctx); len(again) != 0 {
		t.Fatalf("a second Flush sent %+v; the first left alerts pending", again)
	}
	posts := r.chat.texts()
	if len(posts) != 2 || !strings.Contains(posts[0], "この実行で 3 件") || !strings.Contains(posts[0], "(3 in this run)") ||
		!strings.Contains(posts[0], "Issue: o/r#1") || !strings.Contains(posts[0], "month is closed") {
		t.Fatalf("chat %q; want one message per alert with its count and issue", posts)
	}
	if got := r.chat.posts[0].Channel; got != "C0123OPS" {
		t.Fatalf("posted to %q; want the operations channel", got)
	}

	// The next run fails the same way.
	a.Record(refused)
	reports = a.Flush(ctx)
	if len(reports) != 1 || reports[0].State != alerts.Repeated || reports[0].Issue != "o/r#1" || reports[0].Count != 1 {
		t.Fatalf("second run reports %+v; want the open issue commented", reports)
	}
	if n := len(r.chat.texts()); n != 2 {
		t.Fatalf("%d chat messages after a repeat; want still 2", n)
	}
	issues := r.tracker.list()
	if len(issues) != 2 || issues[0].count != 2 || len(issues[0].comments) != 1 {
		t.Fatalf("issues %+v; want the first seen twice, with one comment", issues)
	}
	open, err := a.Open(ctx, "timeclock-to-payroll")
	if err != nil || len(open) != 2 || open[0].Count != 4 {
		t.Fatalf("open alerts %+v, %v; want two, the first counted 4 over both runs", open, err)
	}

	// A good run.
	reports = a.Resolve(ctx, "timeclock-to-payroll", "run-3")
	if len(reports) != 2 || reports[0].State != alerts.Closed || reports[1].State != alerts.Closed {
		t.Fatalf("recovery reports %+v; want both closed", reports)
	}
	for _, is := range r.tracker.list() {
		if is.open || !strings.Contains(is.comments[len(is.comments)-1], "run-3") {
			t.Errorf("issue %+v; want it closed with a comment naming the run", is)
		}
	}
	posts = r.chat.texts()
	if len(posts) != 3 || !strings.Contains(posts[2], "復旧しました") || !strings.Contains(posts[2], "Recovered: flow timeclock-to-payroll") ||
		!strings.Contains(posts[2], "2 alert(s) closed") {
		t.Fatalf("chat %q; want one recovery line for both", posts)
	}
	if open, _ := a.Open(ctx, "timeclock-to-payroll"); len(open) != 0 {
		t.Fatalf("open after recovery: %+v; want none", open)
	}
	if reports := a.Resolve(ctx, "timeclock-to-payroll", "run-4"); reports != nil || len(r.chat.texts()) != 3 {
		t.Fatalf("a second good run reported %+v; want nothing sent", reports)
	}

	// After recovery the same failure is new again.
	a.Record(refused)
	if reports := a.Flush(ctx); len(reports) != 1 || reports[0].State != alerts.Opened || reports[0].Issue != "o/r#3" {
		t.Fatalf("failure after recovery: %+v; want a new alert and a new issue", reports)
	}
}

// Another process (a later `urakata run`, another Lambda) reads which alerts are open.
func TestAnotherProcessSeesTheOpenAlerts(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	first := r.alerter()
	first.Record(refused)
	first.Flush(t.Context())

	second := r.alerter()
	second.Record(refused)
	if reports := second.Flush(t.Context()); len(reports) != 1 || reports[0].State != alerts.Repeated {
		t.Fatalf("reports %+v; want the alert seen as repeated", reports)
	}
	if reports := second.Resolve(t.Context(), "timeclock-to-payroll", "run-2"); len(reports) != 1 || reports[0].State != alerts.Closed {
		t.Fatalf("reports %+v; want the other process's alert closed", reports)
	}
	if n := len(r.chat.texts()); n != 2 {
		t.Fatalf("%d chat messages; want the opening and the recovery", n)
	}
}

// Alerts that cannot be sent are logged and reported, and change nothing else.
func TestAnAlertThatCannotBeSentIsLoggedWithoutSecrets(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.chat.fail = errors.New("slack: post message: channel_not_found")
	a := r.alerter()
	a.Record(refused)
	reports := a.Flush(t.Context())
	if len(reports) != 1 || !strings.Contains(reports[0].Error, "channel_not_found") || reports[0].Issue != "o/r#1" {
		t.Fatalf("reports %+v; want the chat error reported and the issue filed", reports)
	}
	logs := r.logs.String()
	if !strings.Contains(logs, "alert not posted to chat") || !strings.Contains(logs, reports[0].Fingerprint) {
		t.Fatalf("logs %s; want the failure logged with the fingerprint", logs)
	}
	for _, leak := range []string{"4711", "xoxb-", "C0123OPS"} {
		if strings.Contains(logs, leak) {
			t.Errorf("logs hold %q: %s", leak, logs)
		}
	}
}

// An issue that cannot be closed stays open, to be closed after the next good run.
func TestAnIssueThatCannotBeClosedIsClosedNextTime(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	a := r.alerter()
	a.Record(refused)
	a.Flush(t.Context())
	r.tracker.failClose = errors.New("github: close issue: 502")
	if reports := a.Resolve(t.Context(), "timeclock-to-payroll", "run-2"); len(reports) != 1 || reports[0].State != alerts.Repeated || reports[0].Error == "" {
		t.Fatalf("reports %+v; want the alert still open with the error", reports)
	}
	if n := len(r.chat.texts()); n != 1 {
		t.Fatalf("%d chat messages; want no recovery line while nothing closed", n)
	}
	r.tracker.failClose = nil
	if reports := a.Resolve(t.Context(), "timeclock-to-payroll", "run-3"); len(reports) != 1 || reports[0].State != alerts.Closed {
		t.Fatalf("reports %+v; want it closed after the next good run", reports)
	}
}

// conflicting is a cursor store another process writes to between each read and write,
// a given number of times.
type conflicting struct {
	store.Cursors
	mu        sync.Mutex
	conflicts int
}

func (c *conflicting) PutCursor(ctx context.Context, name, value string, expect int64) (int64, error) {
	c.mu.Lock()
	if c.conflicts > 0 {
		c.conflicts--
		c.mu.Unlock()
		return 0, store.ErrConflict
	}
	c.mu.Unlock()
	return c.Cursors.PutCursor(ctx, name, value, expect)
}

func TestOpenAlertsAreKeptWithCompareAndSwap(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	cs := &conflicting{Cursors: r.state, conflicts: 3}
	r.state = cs
	a := r.alerter()
	a.Record(refused)
	if reports := a.Flush(t.Context()); len(reports) != 1 || reports[0].State != alerts.Opened || reports[0].Error != "" {
		t.Fatalf("reports %+v; want the alert opened after the conflicts", reports)
	}
	if open, err := a.Open(t.Context(), "timeclock-to-payroll"); err != nil || len(open) != 1 {
		t.Fatalf("open %+v, %v; want it kept", open, err)
	}
}

func TestWithoutAStoreEveryRunIsNewAndNothingCloses(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.state = nil
	a := r.alerter()
	for range 2 {
		a.Record(refused)
		if reports := a.Flush(t.Context()); len(reports) != 1 || reports[0].State != alerts.Opened {
			t.Fatalf("reports %+v; want opened", reports)
		}
	}
	if reports := a.Resolve(t.Context(), "timeclock-to-payroll", "run"); reports != nil {
		t.Fatalf("Resolve without a store: %+v; want nothing", reports)
	}
}

func TestANilAlerterDoesNothing(t *testing.T) {
	t.Parallel()
	var a *alerts.Alerter
	a.Record(refused)
	if a.Flush(t.Context()) != nil || a.Resolve(t.Context(), "f", "r") != nil {
		t.Fatal("a nil alerter did something")
	}
	if open, err := a.Open(t.Context(), "f"); open != nil || err != nil {
		t.Fatalf("Open = %v, %v", open, err)
	}
}

// The texts of each kind, in both languages.
func TestAlertTexts(t *testing.T) {
	t.Parallel()
	reconnect := alerts.Alert{Kind: alerts.Reconnect, Flow: "timeclock-to-payroll", Connection: "freee-hr", Cause: "invalid_grant", RunID: "run-1"}
	failed := alerts.FromCause(alerts.FlowFailed, "expense-to-accounting", "", "run-1", "flow expense-to-accounting: freee-accounting: list deals: 503: maintenance")
	for _, tc := range []struct {
		name  string
		alert alerts.Alert
		chat  []string
		title string
	}{
		{"a dead letter names the flow, target, cause and replay", refused,
			[]string{"⚠️ urakata: 配信がデッドレターに入りました: フロー timeclock-to-payroll → freee-hr（この実行で 1 件）",
				"原因: freee-hr: put work record summary for employee #: 400: month is closed",
				"`urakata dlq replay`", "A delivery went to the dead letters: flow timeclock-to-payroll → freee-hr (1 in this run)."},
			"[urakata] デッドレター / dead letters: timeclock-to-payroll → freee-hr: freee-hr: put work record summary for employee #: 400: month is closed"},
		{"a reconnect says which connection to authorise again", reconnect,
			[]string{"🔑 urakata: 接続 freee-hr の再認可が必要です（invalid_grant）。フロー timeclock-to-payroll は止まっています",
				"reconnect freee-hr: the vendor refused its refresh token (invalid_grant), so flow timeclock-to-payroll cannot run",
				"Authorise the app of freee-hr again"},
			"[urakata] 再認可が必要 / reconnect freee-hr (flow timeclock-to-payroll)"},
		{"a failed run names the flow and how to run it again", failed,
			[]string{"⚠️ urakata: フロー expense-to-accounting の実行が失敗しました", "503: maintenance",
				"`urakata sync expense-to-accounting`", "Flow expense-to-accounting failed its run"},
			"[urakata] フロー失敗 / flow failed: expense-to-accounting: flow expense-to-accounting: freee-accounting: list deals: 503: maintenance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			a := r.alerter()
			a.Record(tc.alert)
			a.Flush(t.Context())
			posts := r.chat.texts()
			if len(posts) != 1 {
				t.Fatalf("%d posts", len(posts))
			}
			for _, want := range tc.chat {
				if !strings.Contains(posts[0], want) {
					t.Errorf("chat text\n%s\nwant it to contain %q", posts[0], want)
				}
			}
			is := r.tracker.list()[0]
			if is.title != tc.title {
				t.Errorf("title %q; want %q", is.title, tc.title)
			}
			for _, want := range []string{"| 種類 / kind | " + string(tc.alert.Kind) + " |", "`run-1`", "2026-11-01 15:00:00 +09:00", "urakata closes this issue"} {
				if !strings.Contains(is.body, want) {
					t.Errorf("issue body\n%s\nwant it to contain %q", is.body, want)
				}
			}
		})
	}
}
