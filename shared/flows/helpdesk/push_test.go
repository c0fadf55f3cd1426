package helpdesk_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/urakata/urakata/connectors/github"
	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/secrets"
)

// coffeeEntry is a new FAQ entry the back office merges while the bot runs.
const coffeeEntry = `---
id: coffee-machine
question: 給湯室のコーヒーマシンの使い方は？
paraphrases:
  - コーヒーマシンの使い方
question_en: How do I use the coffee machine?
tags: [総務]
owner: soumu@demo-company.example
---
給湯室のコーヒーマシンは、カップを置いて右のボタンを押すと抽出されます。

<!-- en -->

Put a cup under the coffee machine in the kitchenette and press the right-hand button.
`

// The knowledge base lives in a GitHub repository the back office edits by pull request: a
// merge (a push to the branch) reaches the bot through the repository's push webhook, and
// the next question is answered from the new entry, long before kb_refresh would have read
// it again.
func TestAPushToTheKnowledgeBaseRepositoryIsAnsweredFromAtOnce(t *testing.T) {
	t.Parallel()
	gh := githubtest.New(githubtest.Options{Seed: 3, Employees: 3})
	if err := gh.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gh.Close)
	sl := slacktest.New(slacktest.Options{Seed: 5, Employees: 3, NoRateLimit: true})
	if err := sl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sl.Close)
	o := gh.Options()
	// The repository starts with one entry of the demo knowledge base.
	payday, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "faq", "payroll", "payday.md"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gh.SetFile(o.Owner, o.Repo, "main", "kb/payday.md", payday, "add the payday entry"); err != nil {
		t.Fatal(err)
	}

	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {data_dir: %q, workers: 2, lease: 30s, visibility: 30s, max_receives: 3, listen: "127.0.0.1:0"}
connections:
  slack: {vendor: slack, base_url: %s, secret: SLACK}
  github: {vendor: github, base_url: %s, secret: GITHUB, settings: {owner: %s, repo: %s}}
flows:
  helpdesk:
    type: chat-helpdesk
    source: slack
    target: slack
    trigger: {webhook: {connection: slack}}
    mapping: {kb: kb, kb_repo: github, kb_ref: main, kb_refresh: 24h}
`, t.TempDir(), sl.BaseURL(), gh.BaseURL(), o.Owner, o.Repo)
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	slackSecret, _ := json.Marshal(map[string]string{"bot_token": slacktest.DefaultBotToken, "signing_secret": slacktest.DefaultSigningSecret})
	ghSecret, _ := json.Marshal(map[string]string{"token": githubtest.DefaultToken, "webhook_secret": githubtest.DefaultWebhookSecret})
	h, err := local.Open(t.Context(), cfg, local.Options{
		Secrets: secrets.Static(map[string]string{"SLACK": string(slackSecret), "GITHUB": string(ghSecret)}),
		Logger:  slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(srv.Close)
	ctx, cancel := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, nil) }()
	t.Cleanup(func() { cancel(); <-done })

	r := &rig{slack: sl, hooks: srv.URL + "/hooks/slack"}
	general, _ := sl.Channel(slacktest.ChannelGeneral)
	asker, _ := sl.UserByEmail(slacktest.DemoPerson(0).Email)
	ask := func() string {
		ts := r.send(t, sl.Mention(asker.ID, general.ID, "コーヒーマシンの使い方を教えて"))
		return r.replies(t, general.ID, ts, 1)[0].Text
	}
	if got := ask(); !strings.Contains(got, "お答えできません") {
		t.Fatalf("before the entry exists: %q; want a decline", got)
	}

	// The back office merges the new entry; the bot has not read the repository since.
	if _, err := gh.SetFile(o.Owner, o.Repo, "main", "kb/coffee.md", []byte(coffeeEntry), "add the coffee machine"); err != nil {
		t.Fatal(err)
	}
	if got := ask(); !strings.Contains(got, "お答えできません") {
		t.Fatalf("after the merge, before the push webhook: %q; want the old knowledge base's decline", got)
	}

	reads := func() int { return gh.Requests()["repos/get-content"] }
	before := reads()
	push, err := gh.PushDelivery(o.Owner, o.Repo, "main")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/hooks/github", bytes.NewReader(push.Body))
	req.Header = push.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("the hub answered the push webhook %s", resp.Status)
	}
	for deadline := time.Now().Add(10 * time.Second); reads() == before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the push webhook did not make the bot read the repository (requests %v)", gh.Requests())
		}
	}
	// The reload reads a file per entry: wait until it stops reading.
	for n := -1; n != reads(); time.Sleep(100 * time.Millisecond) {
		n = reads()
	}
	if got := ask(); !strings.Contains(got, "右のボタン") {
		t.Errorf("after the push webhook: %q; want the new entry's answer", got)
	}
}
