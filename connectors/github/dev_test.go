package github_test

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/github"
	"github.com/urakata/urakata/connectors/sandboxes"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
)

// TestTheDevSandboxServesAHubYAMLConnection is `urakata dev` for a GitHub connection: the
// sandbox starts with the repository hub.yaml names, the connection is pointed at it with
// working credentials, the knowledge base reads, and an alert filed in one run is found
// again after a restart.
func TestTheDevSandboxServesAHubYAMLConnection(t *testing.T) {
	t.Parallel()
	cfg := &config.File{Connections: []config.Connection{{
		Name: "repo", Vendor: github.Vendor, Secret: "urakata/github",
		Settings: map[string]any{"owner": "acme-jp", "repo": "handbook"},
	}}}
	dir := t.TempDir()
	run := func() (ref string, faqs int) {
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
		settings := maps.Clone(conn.Settings)
		settings["write_interval"] = time.Duration(0)
		v, err := github.Connector.New(t.Context(), hub.Env{Connection: conn.Name, BaseURL: conn.BaseURL, Settings: settings, Secret: secret})
		if err != nil {
			t.Fatal(err)
		}
		gh := v.(*github.Connection)
		for _, err := range gh.ListMarkdown(t.Context(), "acme-jp", "handbook", "faq", "") {
			if err != nil {
				t.Fatal(err)
			}
			faqs++
		}
		ref, err = gh.OpenIssue(t.Context(), "dev/demo", "[urakata] demo", "demo")
		if err != nil {
			t.Fatal(err)
		}
		return ref, faqs
	}
	first, faqs := run()
	second, _ := run()
	if first != "acme-jp/handbook#4" || second != first || faqs < 5 {
		t.Errorf("refs %s, %s with %d FAQs; want the same issue of acme-jp/handbook after the restart", first, second, faqs)
	}
	if _, err := os.Stat(filepath.Join(dir, "sandbox", "repo.json")); err != nil {
		t.Errorf("state file: %v", err)
	}
}
