package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/chatwork/chatworktest"
	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/connectors/slack/slacktest"
)

// The demo on a fresh data folder writes every employee's summary, has the demo company's
// people ask the chat bot in Slack and in Chatwork, raises an operations alert and closes
// it, and exits 0 with a JSON result on stdout and nothing else there. Run again on the same
// folder, it finds every delivery already settled in the ledger and writes nothing, while
// the conversation, new events, gets new answers. Neither run leaves a dead letter, and
// no employee's name or email reaches the output.
func TestDevOnceDeliversThenFindsEverythingSettled(t *testing.T) {
	t.Parallel()
	hubPath := exampleHub(t)
	data := t.TempDir()
	// The demo as `make run` starts it: 30 employees, the month that closed last.
	args := []string{"dev", "--once", "--json", "--config", hubPath, "--data", data}

	first := devOnce(t, args)
	if tc := first.flows["timeclock-to-payroll"]; tc.Delivered != 30 || tc.Read != 30 || tc.Skipped != 0 {
		t.Fatalf("first run: %+v; want 30 read and 30 delivered", tc)
	}
	// The demo's seven approved claims: a journal each in Xero and a notice each in Slack.
	if ex := first.flows["expense-to-accounting"]; ex.Read != 7 || ex.Delivered != 14 {
		t.Fatalf("first run: %+v; want 7 claims read, 7 journals and 7 notices delivered", ex)
	}
	checkConversation(t, "first run", first.conversation)
	checkAlertDrill(t, "first run", first.alerts)
	replies := botReplies(t, data)

	second := devOnce(t, args)
	if tc := second.flows["timeclock-to-payroll"]; tc.Delivered != 0 || tc.Skipped != 30 {
		t.Fatalf("second run on the same data folder: %+v; want 0 delivered, 30 skipped", tc)
	}
	if ot, was := second.flows["overtime-watch"], first.flows["overtime-watch"]; ot.Delivered != 0 || ot.Skipped != was.Delivered {
		t.Fatalf("second run on the same data folder: overtime-watch %+v after %+v; want every notice of the first run skipped, none posted again", ot, was)
	}
	if ex := second.flows["expense-to-accounting"]; ex.Delivered != 0 {
		t.Fatalf("second run on the same data folder: %+v; want nothing new delivered", ex)
	}
	checkConversation(t, "second run", second.conversation)
	checkAlertDrill(t, "second run", second.alerts)
	if again := botReplies(t, data); again[0] != 2*replies[0] || again[1] != 2*replies[1] {
		t.Fatalf("the bot's replies in the sandboxes' all-hands channels: %v after the first run, %v after the second; want each doubled", replies, again)
	}
	if second.alerts.Raised.Issue == first.alerts.Raised.Issue {
		t.Fatalf("both runs report issue #%d; want a new issue for the second run's alert (the first was closed)", first.alerts.Raised.Issue)
	}

	stdout, stderr, code := runUrakata(t, "dlq", "list", "--json", "--config", hubPath, "--data", data)
	var dlq struct {
		DeadLetters []json.RawMessage `json:"dead_letters"`
	}
	if err := json.Unmarshal(stdout, &dlq); code != 0 || err != nil || dlq.DeadLetters == nil || len(dlq.DeadLetters) != 0 {
		t.Fatalf("dlq list after two runs: exit %d, %s %s; want no dead letters", code, stdout, stderr)
	}

	// Neither the sandbox's credentials nor any token it issued reach the output.
	state, err := os.ReadFile(filepath.Join(data, "sandbox", "freee-hr.json"))
	if err != nil {
		t.Fatal(err)
	}
	var issued struct {
		Access  map[string]time.Time `json:"access_tokens"`
		Refresh map[string]time.Time `json:"refresh_tokens"`
	}
	if err := json.Unmarshal(state, &issued); err != nil || len(issued.Access) == 0 || len(issued.Refresh) == 0 {
		t.Fatalf("sandbox state holds no tokens (%v)", err)
	}
	secretValues := []string{"freeetest-secret", "freeetest-refresh-token"}
	for tok := range issued.Access {
		secretValues = append(secretValues, tok)
	}
	for tok := range issued.Refresh {
		secretValues = append(secretValues, tok)
	}
	noSecrets(t, secretValues, first.out, second.out)
	noPersonalData(t, 30, first.out, second.out)
}

// wantAnswers is what each scripted question must get, as the worker records it: the FAQ
// entry that answers it, the decline and forward, or the asker's own overtime, paid leave or
// expense claims by direct message; and where the bot posted for it.
var wantAnswers = []struct {
	chat, question, answer string
	posted                 []string
}{
	{"slack", "給料日はいつですか？", "faq payday", []string{"thread"}},
	{"slack", "How do I reset my password?", "faq password-reset", []string{"thread"}},
	{"slack", "株価はいくら？", "declined and forwarded", []string{"back-office forward", "thread"}},
	{"slack", "今月の残業は？", "overtime sent by direct message", []string{"direct message", "thread"}},
	{"slack", "有給は何日残ってる？", "paid leave sent by direct message", []string{"direct message", "thread"}},
	{"slack", "How many days of annual leave do I have left?", "paid leave sent by direct message", []string{"direct message", "thread"}},
	{"chatwork", "年末調整の書類はいつまでに出せばいい？", "faq year-end-adjustment", []string{"thread"}},
	{"chatwork", "When is payday?", "faq payday", []string{"thread"}},
	{"chatwork", "社員旅行の行き先は？", "declined and forwarded", []string{"back-office forward", "thread"}},
	{"chatwork", "今月の残業は？", "overtime sent by direct message", []string{"direct message", "thread"}},
	{"chatwork", "経費精算はどうなった？", "expense claims sent by direct message", []string{"direct message", "thread"}},
}

func checkConversation(t *testing.T, run string, got []exchange) {
	t.Helper()
	if len(got) != len(wantAnswers) {
		t.Fatalf("%s: conversation %+v; want %d questions", run, got, len(wantAnswers))
	}
	for i, w := range wantAnswers {
		g := got[i]
		if g.Chat != w.chat || g.Question != w.question || g.Answer != w.answer || !slices.Equal(g.Posted, w.posted) || g.Error != "" {
			t.Errorf("%s: question %d %+v; want %s %q answered %q, posted to %v", run, i+1, g, w.chat, w.question, w.answer, w.posted)
		}
	}
}

func checkAlertDrill(t *testing.T, run string, d *alertDrill) {
	t.Helper()
	if d == nil || d.Flow != "timeclock-to-payroll" || d.Raised == nil || d.Error != "" {
		t.Fatalf("%s: alerts %+v; want the drill on timeclock-to-payroll raised", run, d)
	}
	r := d.Raised
	if !strings.HasPrefix(r.Fingerprint, "flow-failed/timeclock-to-payroll/") || !r.ChatMessage || r.Issue <= 0 ||
		r.IssueRef != fmt.Sprintf("demo-company/back-office#%d", r.Issue) || !d.Closed {
		t.Fatalf("%s: alert %+v, closed %v; want a flow-failed alert in chat and an issue, then closed", run, r, d.Closed)
	}
}

// botReplies counts the bot's replies in the sandboxes' all-hands channels as `urakata dev`
// saved them: Slack's #general threads and Chatwork's 全社連絡 room.
func botReplies(t *testing.T, data string) [2]int {
	t.Helper()
	var out [2]int
	var sl struct {
		Messages map[string][]struct {
			ThreadTS string `json:"thread_ts"`
			BotID    string `json:"bot_id"`
		} `json:"messages"`
	}
	readJSON(t, filepath.Join(data, "sandbox", "slack.json"), &sl)
	general, _ := slacktest.New(slacktest.Options{Seed: 1}).Channel(slacktest.ChannelGeneral)
	for _, m := range sl.Messages[general.ID] {
		if m.BotID != "" && m.ThreadTS != "" {
			out[0]++
		}
	}
	var cw struct {
		Messages []struct {
			RoomID    int64 `json:"room_id"`
			AccountID int64 `json:"account_id"`
		} `json:"messages"`
	}
	readJSON(t, filepath.Join(data, "sandbox", "chatwork.json"), &cw)
	for _, m := range cw.Messages {
		if m.RoomID == chatworktest.AllHandsRoomID && m.AccountID == chatworktest.BotAccountID {
			out[1]++
		}
	}
	if out[0] == 0 || out[1] == 0 {
		t.Fatalf("no bot replies in the saved sandboxes: %v", out)
	}
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// noPersonalData fails if any output holds the name, handle or email of one of the demo
// company's employees, as the sandboxes know them.
func noPersonalData(t *testing.T, employees int, outputs ...[]byte) {
	t.Helper()
	var private []string
	for _, e := range freeetest.New(freeetest.Options{Seed: 1, Employees: employees}).Employees() {
		private = append(private, e.DisplayName, e.LastName+e.FirstName, e.LastName+" "+e.FirstName, e.LastNameKana+" "+e.FirstNameKana, e.Email)
	}
	for _, u := range slacktest.New(slacktest.Options{Seed: 1, Employees: employees}).Users() {
		if u.Code != "" {
			private = append(private, u.Name, u.RealName, u.Email)
		}
	}
	for _, a := range chatworktest.New(chatworktest.Options{Seed: 1, Employees: employees}).Accounts() {
		private = append(private, a.Name, a.ChatworkID)
	}
	for _, out := range outputs {
		for _, p := range private {
			if p != "" && bytes.Contains(out, []byte(p)) {
				t.Fatalf("the output holds an employee's name, handle or email (%d characters)", len([]rune(p)))
			}
		}
	}
}

// flowCounts is one flow item of a --json run result, every count required to be present.
type flowCounts struct {
	Name                                   string
	Read, Delivered, Skipped, Failed, Dead int
}

// exchange is one question of the conversation in a --json result of `urakata dev`.
type exchange struct {
	Chat, Connection, Flow, Question, Want, Answer, Error string
	Posted                                                []string
}

// alertDrill is the alerts section of a --json result of `urakata dev`.
type alertDrill struct {
	Flow   string
	Raised *struct {
		Fingerprint string
		ChatMessage bool `json:"chat_message"`
		Issue       int
		IssueRef    string `json:"issue_ref"`
	}
	Closed bool
	Error  string
}

// devRun is a `urakata dev --once --json` run as the tests read it: each flow's counts by
// name, the conversation, the alert drill, and stdout and stderr together.
type devRun struct {
	flows        map[string]flowCounts
	conversation []exchange
	alerts       *alertDrill
	out          []byte
}

// devOnce runs `urakata dev --once --json`, checks the promises every such run keeps (exit
// 0, stdout one JSON object, stderr JSON log lines, nothing failed, every record of the
// record flows reconciled, the chat bots planning nothing of their own) and returns it.
func devOnce(t *testing.T, args []string) devRun {
	t.Helper()
	stdout, stderr, code := runUrakata(t, args...)
	if code != 0 {
		t.Fatalf("exit %d; want 0; stdout:\n%s\nstderr:\n%s", code, stdout, tail(stderr))
	}
	checkJSONLogs(t, stderr)
	dec := json.NewDecoder(strings.NewReader(string(stdout)))
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, stdout)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON object:\n%s", stdout)
	}
	var flows []map[string]json.RawMessage
	if err := json.Unmarshal(doc["flows"], &flows); err != nil {
		t.Fatalf("result has no flows list: %v\n%s", err, stdout)
	}
	run := devRun{flows: map[string]flowCounts{}, out: append(stdout, stderr...)}
	for _, f := range flows {
		var name, typ string
		_ = json.Unmarshal(f["name"], &name)
		_ = json.Unmarshal(f["type"], &typ)
		count := func(key string) int {
			raw, ok := f[key]
			if !ok {
				t.Fatalf("flow item has no %q: %s", key, stdout)
			}
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				t.Fatalf("flow item %q is not a number: %s", key, raw)
			}
			return n
		}
		fc := flowCounts{Name: name, Read: count("read"), Delivered: count("delivered"), Skipped: count("skipped"), Failed: count("failed"), Dead: count("dead")}
		if fc.Failed != 0 || fc.Dead != 0 {
			t.Fatalf("flow %s: %+v; want nothing failed or dead", name, fc)
		}
		if typ == "overtime-watch" {
			// The 36協定 guard counts the month in progress, whose time clocks the freee
			// sandbox has up to yesterday: early in a month nobody has a notice; late in it
			// E00002 and then E00012 reach 40 and 45 hours, a notice per line reached.
			if n := fc.Delivered + fc.Skipped; fc.Read > 2 || n < fc.Read || n > 2*fc.Read {
				t.Fatalf("flow %s: %+v; want at most two employees read, one or two notices each", name, fc)
			}
			run.flows[name] = fc
			continue
		}
		if typ == "chat-helpdesk" {
			// Run without a chat event, the bot reads its knowledge base and answers nothing.
			if fc.Read+fc.Delivered+fc.Skipped != 0 {
				t.Fatalf("flow %s: %+v; want nothing read or delivered", name, fc)
			}
			run.flows[name] = fc
			continue
		}
		var rec struct{ Matched, Mismatched, Errors int }
		if err := json.Unmarshal(f["reconciliation"], &rec); err != nil {
			t.Fatalf("flow item has no reconciliation: %s", stdout)
		}
		if rec.Matched != fc.Delivered+fc.Skipped || rec.Mismatched != 0 || rec.Errors != 0 {
			t.Fatalf("flow %s: reconciliation %+v; want all %d deliveries matching", name, rec, fc.Delivered+fc.Skipped)
		}
		run.flows[name] = fc
	}
	for _, want := range []string{"timeclock-to-payroll", "expense-to-accounting", "helpdesk-slack", "helpdesk-chatwork"} {
		if _, ok := run.flows[want]; !ok {
			t.Fatalf("no %s in the result:\n%s", want, stdout)
		}
	}
	if err := json.Unmarshal(doc["conversation"], &run.conversation); err != nil {
		t.Fatalf("result has no conversation: %v\n%s", err, stdout)
	}
	if err := json.Unmarshal(doc["alerts"], &run.alerts); err != nil {
		t.Fatalf("result has no alerts: %v\n%s", err, stdout)
	}
	return run
}

// `urakata dev` without --once runs every flow, prints the summary, serves /healthz on
// runtime.listen, and on SIGINT or SIGTERM exits 0 within seconds having saved the
// sandbox's state: the next run on the same data folder meets the same vendor (the refresh
// token it holds is still valid, the summaries it wrote are still there).
func TestDevServesUntilSignalledAndSavesTheSandbox(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			addr := freeAddr(t)
			// A 7.5-hour day: the summaries urakata writes differ from the ones the sandbox
			// computes by itself on freee's 8 hours, so the run after the restart reconciles
			// only if the sandbox kept what was written.
			hubPath := exampleHub(t, "listen: 127.0.0.1:8787", "listen: "+addr,
				"prescribed_daily_minutes: 480", "prescribed_daily_minutes: 450", `prescribed_end: "18:00"`, `prescribed_end: "17:30"`)
			data := t.TempDir()

			cmd := urakata("dev", "--employees", "4", "--period", "2026-10", "--config", hubPath, "--data", data)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
			})

			// Read the summary up to the line that says the server is up.
			var printed []string
			sc := bufio.NewScanner(stdout)
			served := ""
			for sc.Scan() {
				line := sc.Text()
				printed = append(printed, line)
				if rest, ok := strings.CutPrefix(line, "serving webhooks on http://"); ok {
					served, _, _ = strings.Cut(rest, "/")
					break
				}
			}
			if served == "" {
				t.Fatalf("no serving line; stdout:\n%s\nstderr:\n%s", strings.Join(printed, "\n"), stderr.String())
			}
			go func() { _, _ = io.Copy(io.Discard, stdout); exited <- cmd.Wait() }()
			if served != addr {
				t.Fatalf("serving on %s; want runtime.listen %s", served, addr)
			}
			summary := strings.Join(printed, "\n")
			if !regexp.MustCompile(`freee-hr +sandbox freee-hr at http://127\.0\.0\.1:`).MatchString(summary) {
				t.Fatalf("summary does not show the sandbox on loopback:\n%s", summary)
			}
			if !strings.Contains(summary, "timeclock-to-payroll  period 2026-10  read 4  delivered 4  skipped 0  failed 0  dead 0") {
				t.Fatalf("summary does not say all 4 were delivered:\n%s", summary)
			}
			// The script ran on runtime.listen before the hub served there: every question
			// answered, the alert raised and closed.
			for _, want := range []string{"→ faq payday (thread)", "→ declined and forwarded (back-office forward, thread)",
				"→ overtime sent by direct message (direct message, thread)", "operations alert on flow timeclock-to-payroll",
				"closed after the next run of timeclock-to-payroll"} {
				if !strings.Contains(summary, want) {
					t.Fatalf("summary does not say %q:\n%s", want, summary)
				}
			}
			if strings.Contains(summary, "NOT ") {
				t.Fatalf("summary says a scripted step did not happen:\n%s", summary)
			}

			resp, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			var health struct{ OK bool }
			err = json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || !health.OK {
				t.Fatalf("GET /healthz: %d %+v %v; want 200 and ok", resp.StatusCode, health, err)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Fatalf("after %v: %v; want exit 0; stderr:\n%s", sig, err, tail([]byte(stderr.String())))
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10 s after %v", sig)
			}
			state, err := os.ReadFile(filepath.Join(data, "sandbox", "freee-hr.json"))
			if err != nil {
				t.Fatalf("sandbox state not saved: %v", err)
			}
			var saved struct{ Summaries []json.RawMessage }
			if err := json.Unmarshal(state, &saved); err != nil || len(saved.Summaries) != 4 {
				t.Fatalf("saved sandbox state holds %d summaries (%v); want the 4 written", len(saved.Summaries), err)
			}
			if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				t.Fatalf("%s still accepts connections after exit", addr)
			}

			runs := devOnce(t, []string{"dev", "--once", "--json", "--employees", "4", "--period", "2026-10", "--config", hubPath, "--data", data})
			if again := runs.flows["timeclock-to-payroll"]; again.Delivered != 0 || again.Skipped != 4 {
				t.Fatalf("run after the restart: %+v; want everything already settled", runs.flows)
			}
		})
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr())
}

// A scripted step that does not happen makes `urakata dev --once` exit 1, and its result
// names the step: a question whose reply never comes (its forward goes to a channel the
// workspace does not have, so the reply dies), or an alert that is never posted (the same
// for the operations channel).
func TestDevOnceFailsWhenAScriptedStepDoesNotHappen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, old, new, want string
		conversation, alert  bool
	}{
		{name: "a reply that never comes", old: "backoffice_channel: CVSHW6HTWNO", new: "backoffice_channel: C0NOSUCHCH",
			want: "question 3 on slack (株価はいくら？): the reply failed and went to the dead letters", conversation: true},
		{name: "an alert that is never posted", old: "\n  channel: C3S76CFXGV2", new: "\n  channel: C0NOSUCHCH",
			want: "alert drill on flow timeclock-to-payroll: raise:", alert: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hubPath := exampleHub(t, tc.old, tc.new)
			stdout, stderr, code := runUrakata(t, "dev", "--once", "--json", "--employees", "3", "--config", hubPath, "--data", t.TempDir())
			if code != exitFailed {
				t.Fatalf("exit %d; want %d; stdout:\n%s\nstderr:\n%s", code, exitFailed, stdout, tail(stderr))
			}
			var res struct {
				OK           bool
				Error        string
				Conversation []exchange
				Alerts       *alertDrill
			}
			if err := json.Unmarshal(stdout, &res); err != nil {
				t.Fatalf("stdout is not a JSON result: %v\n%s", err, stdout)
			}
			if res.OK || !strings.Contains(res.Error, tc.want) {
				t.Fatalf("result ok %v, error %q; want not ok and an error saying %q", res.OK, res.Error, tc.want)
			}
			failed := 0
			for _, ex := range res.Conversation {
				if ex.Error != "" {
					failed++
				}
			}
			if wantFailed := map[bool]int{true: 1}[tc.conversation]; failed != wantFailed || len(res.Conversation) != len(wantAnswers) {
				t.Fatalf("conversation %+v; want %d of %d questions failed", res.Conversation, wantFailed, len(wantAnswers))
			}
			if res.Alerts == nil || (res.Alerts.Error != "") != tc.alert || res.Alerts.Closed == tc.alert {
				t.Fatalf("alerts %+v; want the drill failed only when the alert cannot be posted", res.Alerts)
			}
		})
	}
}
