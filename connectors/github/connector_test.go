package github

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

func TestTheConnectorIsRegisteredWithItsSpec(t *testing.T) {
	t.Parallel()
	c, ok := hub.Connectors.Lookup(Vendor)
	if !ok {
		t.Fatal("github is not registered")
	}
	for _, cap := range []hub.Capability{hub.CapIssueTarget, hub.CapRepositoryContents, hub.CapWebhook} {
		if !c.Has(cap) {
			t.Errorf("capability %s missing", cap)
		}
	}
	secret := map[string]bool{}
	required := map[string]bool{}
	for _, f := range c.Fields {
		secret[f.Name], required[f.Name] = f.Secret, f.Required
		if f.Description == "" {
			t.Errorf("field %s has no description", f.Name)
		}
	}
	if !secret["token"] || !secret["webhook_secret"] || secret["owner"] || secret["repo"] {
		t.Errorf("secrets %v; want token and webhook_secret marked, owner and repo not", secret)
	}
	if !required["owner"] || !required["repo"] || !required["token"] || required["webhook_secret"] {
		t.Errorf("required %v", required)
	}
}

func TestNewRefusesABadConnection(t *testing.T) {
	t.Parallel()
	good := map[string]any{"owner": "demo-company", "repo": "back-office"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for key, val := range good {
			m[key] = val
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name     string
		settings map[string]any
		secret   string
		baseURL  string
		want     string
	}{
		{"an owner GitHub would not allow", with("owner", "demo_company"), "tok", "", "settings.owner"},
		{"no repo", with("repo", ""), "tok", "", "settings.repo"},
		{"a repo of dots", with("repo", ".."), "tok", "", "settings.repo"},
		{"a negative hourly budget", with("requests_per_hour", -1), "tok", "", "requests_per_hour"},
		{"a write interval that is not a duration", with("write_interval", "soon"), "tok", "", "write_interval"},
		{"an empty secret", good, "  ", "", "no token"},
		{"a JSON secret without a token", good, `{"webhook_secret":"w"}`, "", "no token"},
		{"a JSON secret that does not parse", good, `{"token":`, "", "does not parse"},
		{"a token that is not a string", good, `{"token":12}`, "", "does not parse"},
		{"a base URL that is not http", good, "tok", "ftp://ghe.example.com", "base URL"},
	} {
		_, err := New(t.Context(), hub.Env{Connection: "gh", Settings: tc.settings, Secret: secrets.New(tc.secret), SecretName: "GITHUB", BaseURL: tc.baseURL})
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want a permanent error naming %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "tok\"") {
			t.Errorf("%s: the error carries the secret", tc.name)
		}
	}
}

func TestParseSecret(t *testing.T) {
	t.Parallel()
	token, hook, err := ParseSecret(secrets.New("  ghp_abc \n"))
	if err != nil || token.Reveal() != "ghp_abc" || !hook.IsZero() {
		t.Errorf("a bare token: %q %v %v", token.Reveal(), hook.IsZero(), err)
	}
	token, hook, err = ParseSecret(secrets.New(`{"token":"ghp_abc","webhook_secret":"whs"}`))
	if err != nil || token.Reveal() != "ghp_abc" || hook.Reveal() != "whs" {
		t.Errorf("a JSON secret: %q %q %v", token.Reveal(), hook.Reveal(), err)
	}
}

func TestBaseURLs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, base, want string }{
		{"none is GitHub.com", "", "https://api.github.com/"},
		{"GitHub.com's own is kept", "https://api.github.com", "https://api.github.com/"},
		{"an Enterprise Server host gets /api/v3/", "https://ghe.example.com", "https://ghe.example.com/api/v3/"},
		{"an Enterprise Server API root is kept", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/"},
		{"a GHE.com data residency host is kept", "https://api.acme.ghe.com", "https://api.acme.ghe.com/"},
	} {
		c, err := NewClient(httpx.New(Policy(0)), secrets.New("t"), tc.base)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := c.GitHub.BaseURL.String(); got != tc.want {
			t.Errorf("%s: base %q; want %q", tc.name, got, tc.want)
		}
	}
	if _, err := NewClient(httpx.New(Policy(0)), secrets.Secret{}, ""); err == nil {
		t.Error("a client without a token: want an error")
	}
}

func TestNewBuildsAConnectionFromHubYAMLValues(t *testing.T) {
	t.Parallel()
	v, err := Connector.New(t.Context(), hub.Env{
		Connection: "gh",
		Settings:   map[string]any{"owner": "demo-company", "repo": "back-office", "requests_per_hour": 1000, "write_interval": 2 * time.Second},
		Secret:     secrets.New(`{"token":"ghp_x"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := v.(*Connection)
	if c.owner != "demo-company" || c.repo != "back-office" || !c.webhookSecret.IsZero() {
		t.Errorf("connection %+v", c)
	}
	// Without a webhook secret, every delivery is refused.
	if _, err := c.VerifyWebhook(t.Context(), nil, []byte(`{}`)); !errors.Is(err, hub.ErrBadSignature) || !strings.Contains(err.Error(), "webhook_secret") {
		t.Errorf("err = %v; want ErrBadSignature naming the missing webhook_secret", err)
	}
}
