package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urakata/urakata/infra"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/helpdesktype"
)

func TestCheckAssets(t *testing.T) {
	t.Parallel()
	hub := []byte("version: 1\n")
	build := func(t *testing.T, skip string, carried []byte) (dir, hubPath string) {
		t.Helper()
		dir = t.TempDir()
		hubPath = filepath.Join(dir, "hub.yaml")
		if err := os.WriteFile(hubPath, hub, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, fn := range []string{"webhook", "schedule", "worker", "replay", "helpdesk"} {
			if fn == skip {
				continue
			}
			must(t, os.MkdirAll(filepath.Join(dir, "lambda", fn), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "lambda", fn, "bootstrap"), []byte("x"), 0o755))
			must(t, os.WriteFile(filepath.Join(dir, "lambda", fn, "hub.yaml"), carried, 0o600))
		}
		return filepath.Join(dir, "lambda"), hubPath
	}
	tests := []struct {
		name    string
		skip    string
		carried []byte
		want    string
	}{
		{"functions built with the hub.yaml being deployed pass", "", hub, ""},
		{"a function not built asks for make lambdas", "worker", hub, "function worker is not built"},
		{"a function of its own that the stack declares must be built too", "helpdesk", hub, "function helpdesk is not built"},
		{"functions built with another hub.yaml ask to rebuild with this one", "", []byte("version: 1\n# older\n"), "does not carry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir, hubPath := build(t, tt.skip, tt.carried)
			err := checkAssets(dir, hubPath, []string{"webhook", "schedule", "worker", "replay", "helpdesk"})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkAssets: %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "make lambdas HUB="+hubPath)):
				t.Errorf("checkAssets: %v, want an error saying %q and how to rebuild", err, tt.want)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckKnowledgeBases(t *testing.T) {
	t.Parallel()
	hub := func(t *testing.T, mapping string) *config.File {
		t.Helper()
		cfg, err := config.Parse("hub.yaml", []byte(`version: 1
connections:
  slack: {vendor: slack, secret: SLACK}
  github: {vendor: github, secret: GITHUB, settings: {owner: o, repo: r}}
flows:
  bot:
    type: chat-helpdesk
    source: slack
    target: slack
    trigger: {webhook: {connection: slack}}
    mapping: `+mapping+`
`), infra.Vocabulary())
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	assets := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(assets, "helpdesk", "kb", "faq"), 0o755))
	tests := []struct {
		name, mapping, want string
	}{
		{"a folder the function carries passes", "{kb: kb/faq}", ""},
		{"a knowledge base kept in GitHub needs no folder", "{kb: faq, kb_repo: github}", ""},
		{"a folder it lacks asks for make lambdas with KB", "{kb: other/faq}", "does not carry its knowledge base other/faq: run make lambdas HUB=hub.yaml KB=other/faq"},
		{"the default folder is looked for too", "{}", "knowledge base " + helpdesktype.DefaultKB},
		{"an absolute folder cannot be carried", "{kb: /srv/faq}", `kb "/srv/faq": in AWS a knowledge base is a folder relative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkKnowledgeBases(assets, "hub.yaml", hub(t, tt.mapping))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkKnowledgeBases: %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("checkKnowledgeBases: %v, want it to say %q", err, tt.want)
			}
		})
	}
}
