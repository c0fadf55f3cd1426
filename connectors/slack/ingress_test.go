package slack

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
)

// clock is a settable time shared by the sandbox (which signs with it) and the connector
// (which checks timestamps against it).
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// hookRig is the hub's webhook front door for a Slack connection "chat", with the real
// SQLite queue, and a sandbox that sends to it.
type hookRig struct {
	srv   *slacktest.Server
	slack *Slack
	queue *sqlitequeue.Queue
	url   string
	clock *clock
}

func newHookRig(t *testing.T, opts slacktest.Options, front func(http.Handler) http.Handler) *hookRig {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	opts.Now = clk.Now
	if opts.EventRetryWaits == nil {
		opts.EventRetryWaits = []time.Duration{0, 0, 0}
	}
	srv := slacktest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	// The connection knows the default signing secret, whatever the sandbox signs with.
	v, err := Connector.New(t.Context(), hub.Env{Connection: "chat", BaseURL: srv.BaseURL(), Logger: discard,
		Secret: secrets.New(`{"bot_token":"` + slacktest.DefaultBotToken + `","signing_secret":"` + slacktest.DefaultSigningSecret + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	s := v.(*Slack)
	s.verifier.Now = clk.Now

	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work", Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	var h http.Handler = &hub.Ingress{
		Queue:     q,
		Receivers: map[string]hub.WebhookReceiver{"chat": s},
		Routes:    map[string][]string{"chat": {"chat-bot"}},
		Logger:    discard,
		Now:       clk.Now,
	}
	if front != nil {
		h = front(h)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return &hookRig{srv: srv, slack: s, queue: q, url: hs.URL + "/hooks/chat", clock: clk}
}

// jobs takes every message off the queue and returns the webhook events of their jobs.
func (r *hookRig) jobs(t *testing.T) []hub.Job {
	t.Helper()
	var out []hub.Job
	for {
		msgs, err := r.queue.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return out
		}
		for _, m := range msgs {
			env, err := hub.Decode(m.Body)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, *env.Job)
		}
	}
}

func TestIngressAnswersTheURLVerificationHandshakeAndEnqueuesNothing(t *testing.T) {
	t.Parallel()
	r := newHookRig(t, slacktest.Options{}, nil)
	if _, err := r.srv.SendURLVerification(t.Context(), r.url); err != nil {
		t.Fatal(err)
	}
	if jobs := r.jobs(t); len(jobs) != 0 {
		t.Errorf("jobs %+v; want none", jobs)
	}
}

func TestIngressEnqueuesASignedMentionOnce(t *testing.T) {
	t.Parallel()
	r := newHookRig(t, slacktest.Options{}, nil)
	person, _ := r.srv.UserByEmail(slacktest.DemoPerson(2).Email)
	general, _ := r.srv.Channel(slacktest.ChannelGeneral)
	d, err := r.srv.SendEvent(t.Context(), r.url, r.srv.Mention(person.ID, general.ID, "経費の状況は？"))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Acked() || len(d.Attempts) != 1 || d.Last().Status != http.StatusAccepted {
		t.Fatalf("delivery %+v; want one 202", d.Attempts)
	}
	jobs := r.jobs(t)
	want := hub.WebhookEvent{ID: d.EventID, Type: EventAppMention, Resource: general.ID}
	if len(jobs) != 1 || jobs[0].Flow != "chat-bot" || jobs[0].Trigger != "webhook" || withoutChat(*jobs[0].Event) != want {
		t.Fatalf("jobs %+v; want one chat-bot job for %+v", jobs, want)
	}
	// The job carries the message through the queue, so the worker can answer it.
	if c := jobs[0].Event.Chat; c == nil || c.Message.User != person.ID || c.Message.Channel != general.ID || !strings.Contains(c.Message.Text, "経費の状況は？") {
		t.Errorf("the job's chat = %+v; want the person's mention", c)
	}
	// What the connector would tell a chat-bot flow about the request.
	ev, ok, err := ParseChatEvent(d.Last().Header.Get("Content-Type"), d.Last().Body)
	if err != nil || !ok || ev.Message.User != person.ID || ev.Message.Channel != general.ID || ev.ID != d.EventID {
		t.Errorf("ParseChatEvent = %+v %v %v", ev, ok, err)
	}
	for _, v := range r.srv.Violations() {
		t.Errorf("violation: %s", v)
	}
}

func TestIngressEnqueuesADirectMessageButNotTheAppsOwnEcho(t *testing.T) {
	t.Parallel()
	r := newHookRig(t, slacktest.Options{}, nil)
	person, _ := r.srv.UserByEmail(slacktest.DemoPerson(5).Email)
	dm := r.srv.DirectMessageFrom(person.ID, "今月の残業は？")
	d, err := r.srv.SendEvent(t.Context(), r.url, dm)
	if err != nil || !d.Acked() {
		t.Fatalf("delivery %+v, %v", d, err)
	}
	echo := slacktest.Event{Type: "message", ChannelType: "im", Channel: dm.Channel, User: r.srv.BotUserID(), BotID: r.srv.BotID(), Text: "残業は 12 時間です"}
	if d, err := r.srv.SendEvent(t.Context(), r.url, echo); err != nil || !d.Acked() {
		t.Fatalf("echo delivery %+v, %v", d, err)
	}
	jobs := r.jobs(t)
	if len(jobs) != 1 || jobs[0].Event.Type != EventDirectMessage || jobs[0].Event.Resource != dm.Channel {
		t.Errorf("jobs %+v; want the person's message only", jobs)
	}
}

func TestIngressEnqueuesASlashCommandAndAnswers200(t *testing.T) {
	t.Parallel()
	r := newHookRig(t, slacktest.Options{}, nil)
	person, _ := r.srv.UserByEmail(slacktest.DemoPerson(0).Email)
	back, _ := r.srv.Channel(slacktest.ChannelBackOffice)
	d, err := r.srv.SendSlashCommand(t.Context(), r.url, slacktest.SlashCommand{Command: "/expense", Text: "status", User: person.ID, Channel: back.ID})
	if err != nil || d.Last().Status != http.StatusOK || len(d.Last().Response) != 0 {
		t.Fatalf("delivery %+v, %v; want an empty 200", d.Last(), err)
	}
	jobs := r.jobs(t)
	if len(jobs) != 1 || withoutChat(*jobs[0].Event) != (hub.WebhookEvent{ID: d.EventID, Type: EventSlashCommand, Resource: back.ID}) {
		t.Errorf("jobs %+v", jobs)
	}
}

func TestIngressRefusesAnotherAppsSignatureAndSlackGivesUp(t *testing.T) {
	t.Parallel()
	r := newHookRig(t, slacktest.Options{SigningSecret: "another-apps-secret"}, nil)
	person, _ := r.srv.UserByEmail(slacktest.DemoPerson(0).Email)
	general, _ := r.srv.Channel(slacktest.ChannelGeneral)
	d, err := r.srv.SendEvent(t.Context(), r.url, r.srv.Mention(person.ID, general.ID, "hi"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Acked() || len(d.Attempts) != 4 {
		t.Fatalf("attempts %+v; want four refusals: the first and Slack's three retries", d.Attempts)
	}
	for i, a := range d.Attempts {
		if a.Status != http.StatusUnauthorized || a.Retry != i || (i > 0 && a.Reason != "http_error") {
			t.Errorf("attempt %d: %d retry %d reason %q; want 401, retry %d, http_error", i, a.Status, a.Retry, a.Reason, i)
		}
	}
	if jobs := r.jobs(t); len(jobs) != 0 {
		t.Errorf("jobs %+v; want none", jobs)
	}
	if _, err := r.srv.SendURLVerification(t.Context(), r.url); err == nil {
		t.Error("the handshake passed with another app's signature")
	}
}

func TestIngressRefusesAReplayedDeliveryOnceItIsStale(t *testing.T) {
	t.Parallel()
	r := newHookRig(t, slacktest.Options{}, nil)
	person, _ := r.srv.UserByEmail(slacktest.DemoPerson(0).Email)
	general, _ := r.srv.Channel(slacktest.ChannelGeneral)
	d, err := r.srv.SendEvent(t.Context(), r.url, r.srv.Mention(person.ID, general.ID, "hi"))
	if err != nil || !d.Acked() {
		t.Fatalf("delivery %+v, %v", d, err)
	}
	captured := d.Last()
	replay := func() int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.url, bytes.NewReader(captured.Body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = captured.Header.Clone()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	// Within the five minutes Slack's rules accept it: it is the same event, the same run,
	// and the ledger absorbs it.
	r.clock.Advance(4 * time.Minute)
	if status := replay(); status != http.StatusAccepted {
		t.Fatalf("replay within the window: %d", status)
	}
	// Past them the signature is stale and nothing is enqueued.
	r.clock.Advance(2 * time.Minute)
	if status := replay(); status != http.StatusUnauthorized {
		t.Fatalf("replay after six minutes: %d; want 401", status)
	}
	jobs := r.jobs(t)
	if len(jobs) != 2 || jobs[0].RunID != jobs[1].RunID || jobs[0].Event.ID != d.EventID {
		t.Errorf("jobs %+v; want the first delivery and the in-window replay, with one run id", jobs)
	}
}

func TestASlackRetryOfAnEventNamesTheSameRun(t *testing.T) {
	t.Parallel()
	// The first try is enqueued, but its answer is lost: the front holds it until Slack
	// gives up, and Slack retries with X-Slack-Retry-Num.
	var tries atomic.Int32
	front := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if tries.Add(1) == 1 {
				next.ServeHTTP(httptest.NewRecorder(), req)
				<-req.Context().Done()
				return
			}
			next.ServeHTTP(w, req)
		})
	}
	r := newHookRig(t, slacktest.Options{EventTimeout: 200 * time.Millisecond}, front)
	person, _ := r.srv.UserByEmail(slacktest.DemoPerson(0).Email)
	general, _ := r.srv.Channel(slacktest.ChannelGeneral)
	d, err := r.srv.SendEvent(t.Context(), r.url, r.srv.Mention(person.ID, general.ID, "hi"))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Acked() || len(d.Attempts) != 2 || d.Attempts[1].Header.Get(RetryNumHeader) != "1" || d.Attempts[1].Reason != "http_timeout" {
		t.Fatalf("attempts %+v; want a timeout then an acknowledged retry 1 (http_timeout)", d.Attempts)
	}
	if !bytes.Equal(d.Attempts[0].Body, d.Attempts[1].Body) {
		t.Error("the retry carried another body")
	}
	jobs := r.jobs(t)
	if len(jobs) != 2 || jobs[0].RunID != jobs[1].RunID || jobs[0].Event.ID != jobs[1].Event.ID {
		t.Errorf("jobs %+v; want both tries as one run", jobs)
	}
}

// withoutChat is ev with its message left out, to compare the rest by value.
func withoutChat(ev hub.WebhookEvent) hub.WebhookEvent {
	ev.Chat = nil
	return ev
}
