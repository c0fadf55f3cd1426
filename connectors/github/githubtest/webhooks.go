package githubtest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Delivery is one webhook delivery as GitHub sends it: its headers, and the raw body they
// sign. Change Body or a header to forge one; Send posts it as it is.
type Delivery struct {
	// Event is X-GitHub-Event, e.g. "push".
	Event string
	// ID is X-GitHub-Delivery, a GUID; GitHub's redeliveries keep it.
	ID     string
	Header http.Header
	Body   []byte
}

// hookUserAgent is the User-Agent GitHub's webhook sender gives.
const hookUserAgent = "GitHub-Hookshot/044aadd"

// Sign returns the two signature headers GitHub puts on a delivery of body: X-Hub-Signature
// ("sha1=" and the hex HMAC-SHA1, kept for old receivers) and X-Hub-Signature-256
// ("sha256=" and the hex HMAC-SHA256), both keyed with the webhook's secret over the raw
// body. https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
func Sign(secret string, body []byte) (sha1Sig, sha256Sig string) {
	m1 := hmac.New(sha1.New, []byte(secret))
	m1.Write(body)
	m256 := hmac.New(sha256.New, []byte(secret))
	m256.Write(body)
	return "sha1=" + hex.EncodeToString(m1.Sum(nil)), "sha256=" + hex.EncodeToString(m256.Sum(nil))
}

// NewDelivery signs payload with the sandbox's webhook secret and gives it the headers
// GitHub sends with a repository webhook's delivery
// (https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers).
func (s *Server) NewDelivery(event string, repoID int64, payload []byte) Delivery {
	id := uuid.NewString()
	sig1, sig256 := Sign(s.opts.WebhookSecret, payload)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", hookUserAgent)
	h.Set("X-GitHub-Event", event)
	h.Set("X-GitHub-Delivery", id)
	h.Set("X-GitHub-Hook-ID", strconv.FormatInt(s.hookID, 10))
	h.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
	h.Set("X-GitHub-Hook-Installation-Target-ID", strconv.FormatInt(repoID, 10))
	h.Set("X-Hub-Signature", sig1)
	h.Set("X-Hub-Signature-256", sig256)
	return Delivery{Event: event, ID: id, Header: h, Body: payload}
}

// PushDelivery is the push webhook of a branch's last commit (SetFile makes one; the demo
// branch starts with the commit that added the knowledge base), signed. Its URLs name the
// sandbox's URL(), so build it after Start.
func (s *Server) PushDelivery(owner, repo, branchName string) (Delivery, error) {
	st := site{root: s.URL()}
	s.mu.Lock()
	r, ok := s.repos[strings.ToLower(owner+"/"+repo)]
	if !ok {
		s.mu.Unlock()
		return Delivery{}, errNoRepo(owner, repo)
	}
	b := r.Branches[branchName]
	if b == nil || b.Push == nil {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("githubtest: %s/%s has no push to branch %s", owner, repo, branchName)
	}
	p := b.Push
	commit := wireCommit{
		ID: p.After, TreeID: treeSHA(b.Files), Distinct: true, Message: p.Message,
		Timestamp: p.At.In(tokyo).Format(time.RFC3339),
		URL:       st.html(r.fullName(), "commit", p.After),
		Author:    committer(p.Pusher), Committer: committer(p.Pusher),
		Added: nonNil(p.Added), Removed: nonNil(p.Removed), Modified: nonNil(p.Modified),
	}
	payload := wirePush{
		Ref: "refs/heads/" + branchName, Before: p.Before, After: p.After,
		Repository: st.webhookRepo(r, true), Pusher: wireCommitter{Name: p.Pusher, Email: ptr(p.Pusher + "@users.noreply.demo-company.example")},
		Sender:  st.webhookUser(knownUser(p.Pusher)),
		Created: strings.Trim(p.Before, "0") == "", Compare: st.html(r.fullName(), "compare", p.Before[:12]+"..."+p.After[:12]),
		Commits: []wireCommit{commit}, HeadCommit: &commit,
	}
	repoID := r.ID
	s.mu.Unlock()
	return s.signedPayload("push", repoID, payload)
}

// PingDelivery is the ping GitHub sends when a webhook to target is created, signed. Build
// it after Start, as PushDelivery.
func (s *Server) PingDelivery(owner, repo, target string) (Delivery, error) {
	st := site{root: s.URL()}
	s.mu.Lock()
	r, ok := s.repos[strings.ToLower(owner+"/"+repo)]
	if !ok {
		s.mu.Unlock()
		return Delivery{}, errNoRepo(owner, repo)
	}
	created := stamp(s.opts.Now())
	hook := st.api("repos", r.fullName(), "hooks", itoa64(s.hookID))
	payload := wirePing{
		Zen: "Keep it logically awesome.", HookID: s.hookID,
		Hook: wireHook{
			Type: "Repository", ID: s.hookID, Name: "web", Active: true, Events: []string{"push"},
			Config:    wireHookConfig{ContentType: "json", InsecureSSL: "0", URL: target},
			CreatedAt: created, UpdatedAt: created, URL: hook, PingURL: hook + "/pings",
		},
		Repository: st.webhookRepo(r, false), Sender: st.webhookUser(adminUser),
	}
	repoID := r.ID
	s.mu.Unlock()
	return s.signedPayload("ping", repoID, payload)
}

// signedPayload encodes payload, checks it against its testdata/github/ schema (recording a
// WebhookSide violation when it breaks it) and signs it.
func (s *Server) signedPayload(event string, repoID int64, payload any) (Delivery, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return Delivery{}, fmt.Errorf("githubtest: encode %s payload: %w", event, err)
	}
	if sch, ok := s.schemas.webhooks[event]; ok {
		doc, err := decodeJSON(body)
		if err == nil {
			err = validate(sch, doc)
		}
		if err != nil {
			s.record(Violation{Side: WebhookSide, Op: event, Err: err.Error()})
		}
	}
	return s.NewDelivery(event, repoID, body), nil
}

// Send posts d to url exactly as built (headers and body), and returns the receiver's
// status and body. GitHub waits at most 10 seconds for an answer.
func Send(ctx context.Context, url string, d Delivery) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(d.Body))
	if err != nil {
		return 0, nil, fmt.Errorf("githubtest: send %s: %w", d.Event, err)
	}
	req.Header = d.Header.Clone()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("githubtest: send %s: %w", d.Event, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// tokyo is the demo company's zone, in which its commits are timestamped, as GitHub writes
// a commit's timestamp with its author's offset.
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

func committer(login string) wireCommitter {
	return wireCommitter{Name: login, Email: ptr(login + "@users.noreply.demo-company.example"), Username: login}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// The webhook payloads, as GitHub's webhook reference shows them.

type wireWebhookUser struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	AvatarURL string `json:"avatar_url"`
	URL       string `json:"url"`
	HTMLURL   string `json:"html_url"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
}

type wireWebhookRepo struct {
	ID            int64           `json:"id"`
	NodeID        string          `json:"node_id"`
	Name          string          `json:"name"`
	FullName      string          `json:"full_name"`
	Private       bool            `json:"private"`
	Owner         wireWebhookUser `json:"owner"`
	HTMLURL       string          `json:"html_url"`
	Description   *string         `json:"description"`
	Fork          bool            `json:"fork"`
	URL           string          `json:"url"`
	CreatedAt     any             `json:"created_at"`
	UpdatedAt     string          `json:"updated_at"`
	PushedAt      any             `json:"pushed_at"`
	DefaultBranch string          `json:"default_branch"`
	MasterBranch  string          `json:"master_branch,omitempty"`
	Organization  string          `json:"organization,omitempty"`
}

type wireCommitter struct {
	Name     string  `json:"name"`
	Email    *string `json:"email"`
	Username string  `json:"username,omitempty"`
}

type wireCommit struct {
	ID        string        `json:"id"`
	TreeID    string        `json:"tree_id"`
	Distinct  bool          `json:"distinct"`
	Message   string        `json:"message"`
	Timestamp string        `json:"timestamp"`
	URL       string        `json:"url"`
	Author    wireCommitter `json:"author"`
	Committer wireCommitter `json:"committer"`
	Added     []string      `json:"added"`
	Removed   []string      `json:"removed"`
	Modified  []string      `json:"modified"`
}

type wirePush struct {
	Ref        string          `json:"ref"`
	Before     string          `json:"before"`
	After      string          `json:"after"`
	Repository wireWebhookRepo `json:"repository"`
	Pusher     wireCommitter   `json:"pusher"`
	Sender     wireWebhookUser `json:"sender"`
	Created    bool            `json:"created"`
	Deleted    bool            `json:"deleted"`
	Forced     bool            `json:"forced"`
	BaseRef    *string         `json:"base_ref"`
	Compare    string          `json:"compare"`
	Commits    []wireCommit    `json:"commits"`
	HeadCommit *wireCommit     `json:"head_commit"`
}

type wireHookConfig struct {
	ContentType string `json:"content_type"`
	InsecureSSL string `json:"insecure_ssl"`
	URL         string `json:"url"`
}

type wireHook struct {
	Type      string         `json:"type"`
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Active    bool           `json:"active"`
	Events    []string       `json:"events"`
	Config    wireHookConfig `json:"config"`
	CreatedAt string         `json:"created_at"`
	UpdatedAt string         `json:"updated_at"`
	URL       string         `json:"url"`
	PingURL   string         `json:"ping_url"`
}

type wirePing struct {
	Zen        string          `json:"zen"`
	HookID     int64           `json:"hook_id"`
	Hook       wireHook        `json:"hook"`
	Repository wireWebhookRepo `json:"repository"`
	Sender     wireWebhookUser `json:"sender"`
}

func (s site) webhookUser(u user) wireWebhookUser {
	return wireWebhookUser{
		Login: u.Login, ID: u.ID, NodeID: nodeID(u.Type, u.ID),
		AvatarURL: s.root + "/avatars/u/" + u.Login, URL: s.api("users", u.Login), HTMLURL: s.html(u.Login),
		Type: u.Type,
	}
}

// webhookRepo is the repository of a payload. Push payloads write created_at and
// pushed_at as Unix seconds, the others as date-time strings: one of GitHub's quirks.
func (s site) webhookRepo(r *repository, push bool) wireWebhookRepo {
	w := wireWebhookRepo{
		ID: r.ID, NodeID: nodeID("Repository", r.ID), Name: r.Name, FullName: r.fullName(), Private: true,
		Owner: s.webhookUser(orgUser(r.Owner)), HTMLURL: s.html(r.fullName()), URL: s.api("repos", r.fullName()),
		UpdatedAt: stamp(r.CreatedAt), DefaultBranch: r.DefaultBranch,
	}
	pushed := r.CreatedAt
	if b := r.Branches[r.DefaultBranch]; b != nil && b.Push != nil {
		pushed = b.Push.At
	}
	if push {
		w.CreatedAt, w.PushedAt = r.CreatedAt.Unix(), pushed.Unix()
		w.MasterBranch, w.Organization = r.DefaultBranch, r.Owner
		w.Owner.Name = r.Owner
	} else {
		w.CreatedAt, w.PushedAt = stamp(r.CreatedAt), stamp(pushed)
	}
	return w
}
