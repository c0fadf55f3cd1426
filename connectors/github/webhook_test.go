package github

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
)

var _ hub.WebhookReceiver = (*Connection)(nil)

// receiver is a connection that verifies with the sandbox's webhook secret.
func receiver(t *testing.T) *Connection {
	t.Helper()
	v, err := Connector.New(t.Context(), hub.Env{
		Connection: "github",
		Settings:   map[string]any{"owner": "demo-company", "repo": "back-office"},
		Secret:     secrets.New(`{"token":"t","webhook_secret":"` + githubtest.DefaultWebhookSecret + `"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.(*Connection)
}

// resign signs d's body again with the sandbox's secret, after a test changed it.
func resign(d githubtest.Delivery) githubtest.Delivery {
	d.Header = d.Header.Clone()
	sig1, sig256 := githubtest.Sign(githubtest.DefaultWebhookSecret, d.Body)
	d.Header.Set("X-Hub-Signature", sig1)
	d.Header.Set("X-Hub-Signature-256", sig256)
	return d
}

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	c := receiver(t)
	push, err := s.PushDelivery(demoOwner, demoRepo, "main")
	if err != nil {
		t.Fatal(err)
	}
	ping, err := s.PingDelivery(demoOwner, demoRepo, "https://hub.example/hooks/github")
	if err != nil {
		t.Fatal(err)
	}
	with := func(d githubtest.Delivery, change func(d *githubtest.Delivery)) githubtest.Delivery {
		d.Header = d.Header.Clone()
		d.Body = append([]byte(nil), d.Body...)
		change(&d)
		return d
	}
	for _, tc := range []struct {
		name    string
		d       githubtest.Delivery
		want    []hub.WebhookEvent
		reply   string
		badSig  bool
		invalid bool
	}{
		{name: "a signed push is one event keyed by its delivery id", d: push,
			want: []hub.WebhookEvent{{ID: push.ID, Type: "push", Resource: "demo-company/back-office@main"}}},
		{name: "a push to a tag names the tag", d: resign(with(push, func(d *githubtest.Delivery) {
			d.Body = []byte(strings.Replace(string(d.Body), `"ref":"refs/heads/main"`, `"ref":"refs/tags/v1.2"`, 1))
		})), want: []hub.WebhookEvent{{ID: push.ID, Type: "push", Resource: "demo-company/back-office@v1.2"}}},
		{name: "a ping is answered 200 with no event", d: ping, reply: "pong"},
		{name: "another event is accepted with no event", d: resign(with(push, func(d *githubtest.Delivery) {
			d.Header.Set("X-GitHub-Event", "issue_comment")
		}))},
		{name: "a form-encoded delivery is read from its payload field", d: resign(with(push, func(d *githubtest.Delivery) {
			d.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			d.Body = []byte("payload=" + url.QueryEscape(string(push.Body)))
		})), want: []hub.WebhookEvent{{ID: push.ID, Type: "push", Resource: "demo-company/back-office@main"}}},
		{name: "a wrong signature is refused", d: with(push, func(d *githubtest.Delivery) {
			_, sig := githubtest.Sign("another secret", d.Body)
			d.Header.Set("X-Hub-Signature-256", sig)
		}), badSig: true},
		{name: "a body changed after signing is refused", d: with(push, func(d *githubtest.Delivery) {
			d.Body = []byte(strings.Replace(string(d.Body), "refs/heads/main", "refs/heads/evil", 1))
		}), badSig: true},
		{name: "the SHA-1 signature alone is refused", d: with(push, func(d *githubtest.Delivery) {
			d.Header.Del("X-Hub-Signature-256")
		}), badSig: true},
		{name: "a SHA-1 signature in the SHA-256 header is refused", d: with(push, func(d *githubtest.Delivery) {
			d.Header.Set("X-Hub-Signature-256", d.Header.Get("X-Hub-Signature"))
		}), badSig: true},
		{name: "a signature that is not hex is refused", d: with(push, func(d *githubtest.Delivery) {
			d.Header.Set("X-Hub-Signature-256", "sha256=zz")
		}), badSig: true},
		{name: "a forged body is refused before it is read", d: with(push, func(d *githubtest.Delivery) {
			d.Body = []byte(`{not json`)
		}), badSig: true},
		{name: "a signed body that is not JSON is malformed", d: resign(with(push, func(d *githubtest.Delivery) {
			d.Body = []byte(`{not json`)
		})), invalid: true},
		{name: "a delivery without its id is malformed", d: with(push, func(d *githubtest.Delivery) {
			d.Header.Del("X-GitHub-Delivery")
		}), invalid: true},
		{name: "a delivery without its event is malformed", d: with(push, func(d *githubtest.Delivery) {
			d.Header.Del("X-GitHub-Event")
		}), invalid: true},
		{name: "a content type GitHub does not send is malformed", d: with(push, func(d *githubtest.Delivery) {
			d.Header.Set("Content-Type", "text/plain")
		}), invalid: true},
		{name: "a push without a ref is malformed", d: resign(with(push, func(d *githubtest.Delivery) {
			d.Body = []byte(strings.Replace(string(d.Body), `"ref":"refs/heads/main",`, ``, 1))
		})), invalid: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := c.VerifyWebhook(t.Context(), tc.d.Header, tc.d.Body)
			switch {
			case tc.badSig:
				if !errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want ErrBadSignature", err)
				}
				if strings.Contains(err.Error(), githubtest.DefaultWebhookSecret) {
					t.Fatalf("the error %q holds the secret", err)
				}
				return
			case tc.invalid:
				if err == nil || errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want a malformed-delivery error", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if tc.reply != "" {
				if res.Reply == nil || res.Reply.Status != http.StatusOK || string(res.Reply.Body) != tc.reply || len(res.Events) != 0 {
					t.Fatalf("result %+v; want reply %q and no event", res, tc.reply)
				}
				return
			}
			if res.Reply != nil || len(res.Events) != len(tc.want) {
				t.Fatalf("result %+v; want events %+v", res, tc.want)
			}
			for i := range tc.want {
				if res.Events[i] != tc.want[i] {
					t.Errorf("event %d = %+v; want %+v", i, res.Events[i], tc.want[i])
				}
			}
		})
	}
}

// ingress is the hub's webhook front door on the real embedded queue, with the GitHub
// connection triggering one flow.
func ingress(t *testing.T) (*httptest.Server, *sqlitequeue.Queue) {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	in := &hub.Ingress{
		Queue:     q,
		Receivers: map[string]hub.WebhookReceiver{"github": receiver(t)},
		Routes:    map[string][]string{"github": {"knowledge-base"}},
	}
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	return srv, q
}

// jobs receives every job waiting in q.
func jobs(t *testing.T, q queue.Queue) []hub.Job {
	t.Helper()
	var out []hub.Job
	for {
		msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
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

func TestWebhooksThroughIngress(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	push, err := s.PushDelivery(demoOwner, demoRepo, "main")
	if err != nil {
		t.Fatal(err)
	}
	ping, err := s.PingDelivery(demoOwner, demoRepo, "https://hub.example/hooks/github")
	if err != nil {
		t.Fatal(err)
	}
	forged := push
	forged.Header = push.Header.Clone()
	_, sig := githubtest.Sign("not the secret", push.Body)
	forged.Header.Set("X-Hub-Signature-256", sig)
	tampered := push
	tampered.Body = []byte(strings.Replace(string(push.Body), "FAQ を追加", "FAQ を削除", 1))

	for _, tc := range []struct {
		name   string
		send   []githubtest.Delivery
		status int
		jobs   int
	}{
		{"a signed push is accepted and enqueues one job", []githubtest.Delivery{push}, http.StatusAccepted, 1},
		{"a wrong signature is 401 and enqueues nothing", []githubtest.Delivery{forged}, http.StatusUnauthorized, 0},
		{"a body changed in flight is 401 and enqueues nothing", []githubtest.Delivery{tampered}, http.StatusUnauthorized, 0},
		{"a ping is 200 and enqueues nothing", []githubtest.Delivery{ping}, http.StatusOK, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, q := ingress(t)
			var status int
			for _, d := range tc.send {
				status, _, err = githubtest.Send(t.Context(), srv.URL+"/hooks/github", d)
				if err != nil {
					t.Fatal(err)
				}
			}
			if status != tc.status {
				t.Errorf("status %d; want %d", status, tc.status)
			}
			got := jobs(t, q)
			if len(got) != tc.jobs {
				t.Fatalf("%d jobs enqueued; want %d", len(got), tc.jobs)
			}
			for _, j := range got {
				if j.Flow != "knowledge-base" || j.Trigger != "webhook" || j.Event == nil || j.Event.ID != push.ID ||
					j.Event.Resource != "demo-company/back-office@main" {
					t.Errorf("job %+v", j)
				}
			}
		})
	}
}

// TestAReplayedDeliveryNamesTheSameRun: GitHub signs no timestamp, so a replay of a whole
// delivery passes the signature, as GitHub's own redeliveries must. Its delivery id is the
// dedupe key: it names the same run, which the ledger runs once. A replay with anything
// signed changed is refused.
func TestAReplayedDeliveryNamesTheSameRun(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	srv, q := ingress(t)
	push, err := s.PushDelivery(demoOwner, demoRepo, "main")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if status, _, err := githubtest.Send(t.Context(), srv.URL+"/hooks/github", push); err != nil || status != http.StatusAccepted {
			t.Fatalf("delivery: %d %v", status, err)
		}
	}
	replayed := push
	replayed.Body = append(append([]byte(nil), push.Body...), ' ')
	if status, _, err := githubtest.Send(t.Context(), srv.URL+"/hooks/github", replayed); err != nil || status != http.StatusUnauthorized {
		t.Fatalf("a replay with a changed body: %d %v; want 401", status, err)
	}
	got := jobs(t, q)
	if len(got) != 2 || got[0].RunID != got[1].RunID || got[0].Event.ID != push.ID {
		t.Fatalf("jobs %+v; want two naming the same run, keyed by the delivery id", got)
	}
	other, err := s.PushDelivery(demoOwner, demoRepo, "main")
	if err != nil {
		t.Fatal(err)
	}
	if status, _, err := githubtest.Send(t.Context(), srv.URL+"/hooks/github", other); err != nil || status != http.StatusAccepted {
		t.Fatalf("another delivery: %d %v", status, err)
	}
	if next := jobs(t, q); len(next) != 1 || next[0].RunID == got[0].RunID {
		t.Errorf("another delivery id named run %v; want a new run", next)
	}
}

func BenchmarkVerifyWebhook(b *testing.B) {
	s := githubtest.New(githubtest.Options{})
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	push, err := s.PushDelivery(demoOwner, demoRepo, "main")
	if err != nil {
		b.Fatal(err)
	}
	v, err := Connector.New(b.Context(), hub.Env{
		Connection: "github",
		Settings:   map[string]any{"owner": "demo-company", "repo": "back-office"},
		Secret:     secrets.New(`{"token":"t","webhook_secret":"` + githubtest.DefaultWebhookSecret + `"}`),
	})
	if err != nil {
		b.Fatal(err)
	}
	c := v.(*Connection)
	b.SetBytes(int64(len(push.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.VerifyWebhook(b.Context(), push.Header, push.Body); err != nil {
			b.Fatal(err)
		}
	}
}
