package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		for _, fn := range []string{"webhook", "schedule", "worker", "replay"} {
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
		{"functions built with another hub.yaml ask to rebuild with this one", "", []byte("version: 1\n# older\n"), "does not carry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir, hubPath := build(t, tt.skip, tt.carried)
			err := checkAssets(dir, hubPath)
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
