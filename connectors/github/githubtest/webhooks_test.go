package githubtest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"
)

func TestSignIsGitHubsHMACOverTheRawBody(t *testing.T) {
	t.Parallel()
	// GitHub's worked example: secret "It's a Secret to Everybody", payload "Hello, World!".
	// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
	_, sig := Sign("It's a Secret to Everybody", []byte("Hello, World!"))
	if want := "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"; sig != want {
		t.Errorf("Sign = %s; want GitHub's example %s", sig, want)
	}
}

func TestPushDeliveryIsSignedAndReadsAsGoGitHubsPushEvent(t *testing.T) {
	t.Parallel()
	s := start(t, Options{WebhookSecret: "s3cret"})
	if _, err := s.SetFile(owner, repo, "main", "faq/paid-leave.md", []byte("---\nquestion: 変更\n---\n"), "有給の FAQ を更新"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetFile(owner, repo, "main", "faq/new.md", []byte("new"), "FAQ を追加"); err != nil {
		t.Fatal(err)
	}
	d, err := s.PushDelivery(owner, repo, "main")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"X-GitHub-Hook-ID", "X-GitHub-Hook-Installation-Target-ID", "X-Hub-Signature"} {
		if d.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if d.Header.Get("X-GitHub-Event") != "push" || d.Header.Get("X-GitHub-Delivery") != d.ID || len(d.ID) != 36 ||
		!strings.HasPrefix(d.Header.Get("User-Agent"), "GitHub-Hookshot/") || d.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", d.Header)
	}
	payload, err := gh.ValidatePayloadFromBody("application/json", bytes.NewReader(d.Body), d.Header.Get("X-Hub-Signature-256"), []byte("s3cret"))
	if err != nil {
		t.Fatalf("go-github refuses the sandbox's signature: %v", err)
	}
	if err := gh.ValidateSignature(d.Header.Get("X-Hub-Signature"), d.Body, []byte("s3cret")); err != nil {
		t.Errorf("the SHA-1 signature: %v", err)
	}
	ev, err := gh.ParseWebHook("push", payload)
	if err != nil {
		t.Fatal(err)
	}
	push := ev.(*gh.PushEvent)
	head := s.Files(owner, repo, "main")
	if push.GetRef() != "refs/heads/main" || push.GetRepo().GetFullName() != "demo-company/back-office" ||
		push.GetRepo().GetCreatedAt().IsZero() || push.GetHeadCommit().GetMessage() != "FAQ を追加" ||
		!slices.Equal(push.GetHeadCommit().Added, []string{"faq/new.md"}) || len(head["faq/new.md"]) != 3 {
		t.Errorf("push %+v", push)
	}
	// The push before it modified a file; its before is this one's after's parent.
	if push.GetBefore() == push.GetAfter() || strings.Trim(push.GetBefore(), "0") == "" {
		t.Errorf("before %s after %s; want the previous head", push.GetBefore(), push.GetAfter())
	}
	if !bytes.Contains(d.Body, []byte(`"created_at":`+itoa64(s.repos[owner+"/"+repo].CreatedAt.Unix()))) {
		t.Errorf("push payloads carry repository.created_at in Unix seconds: %s", d.Body)
	}
	noViolations(t, s)
}

func TestPingDeliveryReadsAsGoGitHubsPingEvent(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	d, err := s.PingDelivery(owner, repo, "https://hub.example/hooks/github")
	if err != nil {
		t.Fatal(err)
	}
	if err := gh.ValidateSignature(d.Header.Get("X-Hub-Signature-256"), d.Body, []byte(DefaultWebhookSecret)); err != nil {
		t.Fatal(err)
	}
	ev, err := gh.ParseWebHook("ping", d.Body)
	if err != nil {
		t.Fatal(err)
	}
	ping := ev.(*gh.PingEvent)
	if ping.GetZen() == "" || ping.GetHookID() == 0 || ping.GetHook().Config.GetURL() != "https://hub.example/hooks/github" ||
		ping.GetRepo().GetFullName() != "demo-company/back-office" {
		t.Errorf("ping %+v", ping)
	}
	noViolations(t, s)
}

func TestDeliveriesOfUnknownRepositoriesOrBranchesAreErrors(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	if _, err := s.PushDelivery(owner, "other", "main"); err == nil {
		t.Error("push of an unknown repository: want an error")
	}
	if _, err := s.PushDelivery(owner, repo, "nope"); err == nil {
		t.Error("push of an unknown branch: want an error")
	}
	if _, err := s.PingDelivery("someone", repo, "https://x.example"); err == nil {
		t.Error("ping of an unknown repository: want an error")
	}
}

func TestSendPostsTheDeliveryAsBuilt(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	d, err := s.PushDelivery(owner, repo, "main")
	if err != nil {
		t.Fatal(err)
	}
	status, reply, err := Send(t.Context(), srv.URL+"/hooks/github", d)
	if err != nil || status != http.StatusAccepted || string(reply) != "ok" {
		t.Fatalf("Send: %d %q %v", status, reply, err)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/hooks/github" || !bytes.Equal(body, d.Body) ||
		got.Header.Get("X-Hub-Signature-256") != d.Header.Get("X-Hub-Signature-256") || got.Header.Get("X-GitHub-Delivery") != d.ID {
		t.Errorf("received %s %s with headers %v", got.Method, got.URL.Path, got.Header)
	}
}
