package slack_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urakata/urakata/connectors/sandboxes"
	"github.com/urakata/urakata/connectors/slack"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// TestTheDevSandboxServesAHubYAMLConnection is `urakata dev` for a Slack connection: the
// sandbox starts, the connection is pointed at it with working credentials, what is posted
// is kept across a restart, and everyone of the demo company is found by email.
func TestTheDevSandboxServesAHubYAMLConnection(t *testing.T) {
	t.Parallel()
	cfg := &config.File{Connections: []config.Connection{{Name: "chat", Vendor: slack.Vendor, Secret: "urakata/slack"}}}
	dir := t.TempDir()
	run := func() (ref string, posted int) {
		set, err := sandboxes.StartAll(t.Context(), cfg, sandboxes.Options{Employees: 12, DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := set.Close(); err != nil {
				t.Error(err)
			}
		}()
		conn := set.Config.Connections[0]
		secret, err := set.Secrets.Lookup(t.Context(), conn.Secret)
		if err != nil {
			t.Fatal(err)
		}
		v, err := slack.Connector.New(t.Context(), hub.Env{Connection: conn.Name, BaseURL: conn.BaseURL, Settings: conn.Settings, Secret: secret})
		if err != nil {
			t.Fatal(err)
		}
		chat := v.(*slack.Slack)
		_, channel, ok, err := chat.UserByEmail(t.Context(), slacktest.DemoPerson(11).Email)
		if err != nil || !ok {
			t.Fatalf("the twelfth employee was not found: %v %v", ok, err)
		}
		ref, err = chat.PostMessage(t.Context(), model.ChatMessage{Channel: channel, Text: "経費を計上しました"})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range chat.Client.Conversations.ListIter(t.Context(), slack.ConversationsListOptions{Types: []string{slack.DirectMessage}}) {
			n++
		}
		return ref, n
	}
	first, dms := run()
	second, dmsAgain := run()
	ch1, _, _ := slack.ParseMessageRef(first)
	ch2, _, _ := slack.ParseMessageRef(second)
	if ch1 != ch2 || first == second || dms != 1 || dmsAgain != 1 {
		t.Errorf("refs %s, %s with %d and %d DMs; want the same DM, reopened after the restart", first, second, dms, dmsAgain)
	}
	if _, err := os.Stat(filepath.Join(dir, "sandbox", "chat.json")); err != nil || !strings.HasPrefix(first, "D") {
		t.Errorf("state file: %v; ref %s", err, first)
	}
}
