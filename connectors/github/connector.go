package github

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

// Connector declares GitHub to the hub: its settings, capabilities and constructor. The
// connection's base_url selects a GitHub Enterprise Server (https://HOST/api/v3/).
var Connector = hub.Connector{
	Vendor:         Vendor,
	Summary:        "GitHub: Markdown files of a repository in (the chat bot's knowledge base), alert issues out (open, comment, close), push webhooks",
	DefaultBaseURL: DefaultBaseURL,
	Capabilities:   []hub.Capability{hub.CapRepositoryContents, hub.CapIssueTarget, hub.CapWebhook},
	Fields: []config.Field{
		{Name: "owner", Type: config.String, Required: true, Example: "demo-company",
			Description: "the account or organisation that owns the repository alert issues are filed in"},
		{Name: "repo", Type: config.String, Required: true, Example: "back-office",
			Description: "the repository alert issues are filed in (its issues must be enabled)"},
		{Name: "requests_per_hour", Type: config.Int, Default: DefaultRequestsPerHour,
			Description: "requests this connection may make an hour; GitHub allows 5,000 for a personal access token (15,000 for a GitHub Enterprise Cloud organisation's app)"},
		{Name: "write_interval", Type: config.Duration, Default: DefaultWriteInterval,
			Description: "pause between requests that create or change content, as GitHub asks (at least 1s); lower it only for a test server"},
		{Name: "token", Type: config.String, Secret: true, Required: true,
			Description: "a fine-grained personal access token (or GitHub App installation token) with Issues: read and write, and Contents: read, on the repositories used"},
		{Name: "webhook_secret", Type: config.String, Secret: true,
			Description: "the secret of the repository's webhook, which signs each delivery in X-Hub-Signature-256; needed only by flows with a webhook trigger"},
	},
	New: func(ctx context.Context, env hub.Env) (any, error) { return New(ctx, env) },
}

func init() { hub.Register(Connector) }

// Connection is one GitHub connection as the hub uses it: an issue tracker for alerts in
// the repository owner/repo, a reader of Markdown files in any repository the token can
// read, and a receiver of the repository's push webhooks.
type Connection struct {
	// Client is the API client, for calls the capabilities do not cover.
	Client     *Client
	connection string
	owner      string
	repo       string
	// webhookSecret signs deliveries (zero: webhooks are refused).
	webhookSecret secrets.Secret
}

var (
	_ hub.IssueTracker    = (*Connection)(nil)
	_ hub.WebhookReceiver = (*Connection)(nil)
)

// GitHub's rules for account and repository names.
var (
	ownerName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	repoName  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// New builds the connection env describes.
func New(_ context.Context, env hub.Env) (*Connection, error) {
	op := Vendor + ": connection " + env.Connection
	owner, _ := env.Settings["owner"].(string)
	repo, _ := env.Settings["repo"].(string)
	if !ownerName.MatchString(owner) {
		return nil, fault.Permanentf(op, "settings.owner %q is not a GitHub account name", owner)
	}
	if !repoName.MatchString(repo) || repo == "." || repo == ".." {
		return nil, fault.Permanentf(op, "settings.repo %q is not a repository name", repo)
	}
	perHour, err := config.IntSetting(env.Settings, "requests_per_hour", DefaultRequestsPerHour)
	if err != nil || perHour <= 0 {
		return nil, fault.Permanentf(op, "settings.requests_per_hour must be a positive integer")
	}
	interval, err := config.DurationSetting(env.Settings, "write_interval", DefaultWriteInterval)
	if err != nil || interval < 0 {
		return nil, fault.Permanentf(op, "settings.write_interval must be a duration such as 1s")
	}
	token, webhookSecret, err := ParseSecret(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, fmt.Errorf("secret %s: %w", cmp.Or(env.SecretName, env.Connection), err))
	}
	hc := httpx.New(Policy(int(perHour)), httpx.WithLogger(env.Logger))
	client, err := NewClient(hc, token, env.BaseURL, WithWriteInterval(interval))
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	return &Connection{Client: client, connection: env.Connection, owner: owner, repo: repo, webhookSecret: webhookSecret}, nil
}

// ParseSecret reads the connection's secret: the token alone, or a JSON object with token
// and, for webhooks, webhook_secret.
func ParseSecret(s secrets.Secret) (token, webhookSecret secrets.Secret, err error) {
	raw := strings.TrimSpace(s.Reveal())
	if !strings.HasPrefix(raw, "{") {
		if raw == "" {
			return token, webhookSecret, errors.New("the secret holds no token")
		}
		return secrets.New(raw), webhookSecret, nil
	}
	var doc struct {
		Token         *string `json:"token"`
		WebhookSecret *string `json:"webhook_secret"`
	}
	if json.Unmarshal([]byte(raw), &doc) != nil {
		return token, webhookSecret, errors.New(`the secret is a JSON object that does not parse or whose members are not strings; want {"token": …, "webhook_secret": …}`)
	}
	if doc.Token == nil || strings.TrimSpace(*doc.Token) == "" {
		return token, webhookSecret, errors.New("the secret holds no token")
	}
	token = secrets.New(strings.TrimSpace(*doc.Token))
	if doc.WebhookSecret != nil && *doc.WebhookSecret != "" {
		webhookSecret = secrets.New(*doc.WebhookSecret)
	}
	return token, webhookSecret, nil
}

// Repository names the repository the connection is set up for (settings owner and repo):
// where alerts are filed, and where a knowledge base is read from by default.
func (c *Connection) Repository() (owner, repo string) { return c.owner, c.repo }
