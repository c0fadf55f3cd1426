package githubtest

import (
	"encoding/base64"
	"net/url"
	"strings"
	"time"
)

// The JSON GitHub sends, field for field as its reference pages show them; nullable fields
// are pointers without omitempty, so they are sent as null.

type wireUser struct {
	Login             string `json:"login"`
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	AvatarURL         string `json:"avatar_url"`
	GravatarID        string `json:"gravatar_id"`
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	FollowersURL      string `json:"followers_url"`
	FollowingURL      string `json:"following_url"`
	GistsURL          string `json:"gists_url"`
	StarredURL        string `json:"starred_url"`
	SubscriptionsURL  string `json:"subscriptions_url"`
	OrganizationsURL  string `json:"organizations_url"`
	ReposURL          string `json:"repos_url"`
	EventsURL         string `json:"events_url"`
	ReceivedEventsURL string `json:"received_events_url"`
	Type              string `json:"type"`
	SiteAdmin         bool   `json:"site_admin"`
}

type wireLabel struct {
	ID          int64   `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Color       string  `json:"color"`
	Default     bool    `json:"default"`
}

type wirePullRequest struct {
	URL      string  `json:"url"`
	HTMLURL  string  `json:"html_url"`
	DiffURL  string  `json:"diff_url"`
	PatchURL string  `json:"patch_url"`
	MergedAt *string `json:"merged_at"`
}

type wireIssue struct {
	ID                int64            `json:"id"`
	NodeID            string           `json:"node_id"`
	URL               string           `json:"url"`
	RepositoryURL     string           `json:"repository_url"`
	LabelsURL         string           `json:"labels_url"`
	CommentsURL       string           `json:"comments_url"`
	EventsURL         string           `json:"events_url"`
	HTMLURL           string           `json:"html_url"`
	Number            int              `json:"number"`
	State             string           `json:"state"`
	StateReason       *string          `json:"state_reason"`
	Title             string           `json:"title"`
	Body              *string          `json:"body"`
	User              wireUser         `json:"user"`
	Labels            []wireLabel      `json:"labels"`
	Assignee          *wireUser        `json:"assignee"`
	Assignees         []wireUser       `json:"assignees"`
	Milestone         *struct{}        `json:"milestone"`
	Locked            bool             `json:"locked"`
	ActiveLockReason  *string          `json:"active_lock_reason"`
	Comments          int              `json:"comments"`
	PullRequest       *wirePullRequest `json:"pull_request,omitempty"`
	ClosedAt          *string          `json:"closed_at"`
	CreatedAt         string           `json:"created_at"`
	UpdatedAt         string           `json:"updated_at"`
	ClosedBy          *wireUser        `json:"closed_by,omitempty"`
	AuthorAssociation string           `json:"author_association"`
}

type wireComment struct {
	ID                int64    `json:"id"`
	NodeID            string   `json:"node_id"`
	URL               string   `json:"url"`
	HTMLURL           string   `json:"html_url"`
	Body              string   `json:"body"`
	User              wireUser `json:"user"`
	CreatedAt         string   `json:"created_at"`
	UpdatedAt         string   `json:"updated_at"`
	IssueURL          string   `json:"issue_url"`
	AuthorAssociation string   `json:"author_association"`
}

type wireLinks struct {
	Self string  `json:"self"`
	Git  *string `json:"git"`
	HTML *string `json:"html"`
}

// wireContent is a file with its content, or one entry of a folder listing (no content).
type wireContent struct {
	Type        string    `json:"type"`
	Encoding    string    `json:"encoding,omitempty"`
	Size        int       `json:"size"`
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	Content     *string   `json:"content,omitempty"`
	SHA         string    `json:"sha"`
	URL         string    `json:"url"`
	GitURL      *string   `json:"git_url"`
	HTMLURL     *string   `json:"html_url"`
	DownloadURL *string   `json:"download_url"`
	Links       wireLinks `json:"_links"`
}

type wireError struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url,omitempty"`
	Status           string `json:"status,omitempty"`
}

// site builds the URLs of one sandbox as a GitHub Enterprise Server names them: the API
// under /api/v3, pages at the root.
type site struct{ root string }

func (s site) api(parts ...string) string  { return s.root + apiPrefix + "/" + join(parts) }
func (s site) html(parts ...string) string { return s.root + "/" + join(parts) }

// join escapes each part's path segments, so that file names outside ASCII make valid URLs.
func join(parts []string) string {
	var segs []string
	for _, p := range parts {
		for seg := range strings.SplitSeq(p, "/") {
			if seg != "" {
				segs = append(segs, url.PathEscape(seg))
			}
		}
	}
	return strings.Join(segs, "/")
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func ptr[T any](v T) *T { return &v }

func (s site) user(u user) wireUser {
	id := u.ID
	return wireUser{
		Login: u.Login, ID: id, NodeID: nodeID(u.Type, id),
		AvatarURL:         s.root + "/avatars/u/" + url.PathEscape(u.Login),
		URL:               s.api("users", u.Login),
		HTMLURL:           s.html(u.Login),
		FollowersURL:      s.api("users", u.Login, "followers"),
		FollowingURL:      s.api("users", u.Login, "following") + "{/other_user}",
		GistsURL:          s.api("users", u.Login, "gists") + "{/gist_id}",
		StarredURL:        s.api("users", u.Login, "starred") + "{/owner}{/repo}",
		SubscriptionsURL:  s.api("users", u.Login, "subscriptions"),
		OrganizationsURL:  s.api("users", u.Login, "orgs"),
		ReposURL:          s.api("users", u.Login, "repos"),
		EventsURL:         s.api("users", u.Login, "events") + "{/privacy}",
		ReceivedEventsURL: s.api("users", u.Login, "received_events"),
		Type:              u.Type,
	}
}

func (s site) label(r *repository, l *label) wireLabel {
	w := wireLabel{ID: l.ID, NodeID: nodeID("Label", l.ID), URL: s.api("repos", r.fullName(), "labels", l.Name), Name: l.Name, Color: l.Color, Default: l.Default}
	if l.Description != "" {
		w.Description = ptr(l.Description)
	}
	return w
}

func (s site) issue(r *repository, is *issue, ids *idSeq) wireIssue {
	num := itoa(is.Number)
	base := s.api("repos", r.fullName(), "issues", num)
	kind := "issues"
	if is.PullRequest {
		kind = "pull"
	}
	w := wireIssue{
		ID: is.ID, NodeID: nodeID("Issue", is.ID), URL: base,
		RepositoryURL: s.api("repos", r.fullName()),
		LabelsURL:     base + "/labels{/name}",
		CommentsURL:   base + "/comments",
		EventsURL:     base + "/events",
		HTMLURL:       s.html(r.fullName(), kind, num),
		Number:        is.Number, State: is.State, Title: is.Title, Body: is.Body,
		User:      s.user(knownUser(is.User)),
		Labels:    []wireLabel{},
		Assignees: []wireUser{},
		Comments:  len(is.Comments),
		CreatedAt: stamp(is.CreatedAt), UpdatedAt: stamp(is.UpdatedAt),
		AuthorAssociation: "MEMBER",
	}
	if is.StateReason != "" {
		w.StateReason = ptr(is.StateReason)
	}
	for _, name := range is.Labels {
		w.Labels = append(w.Labels, s.label(r, r.label(name, ids)))
	}
	if !is.ClosedAt.IsZero() {
		w.ClosedAt = ptr(stamp(is.ClosedAt))
	}
	if is.ClosedBy != "" {
		w.ClosedBy = ptr(s.user(knownUser(is.ClosedBy)))
	}
	if is.PullRequest {
		pr := s.api("repos", r.fullName(), "pulls", num)
		html := s.html(r.fullName(), "pull", num)
		w.PullRequest = &wirePullRequest{URL: pr, HTMLURL: html, DiffURL: html + ".diff", PatchURL: html + ".patch"}
	}
	return w
}

func (s site) comment(r *repository, is *issue, c *comment) wireComment {
	return wireComment{
		ID: c.ID, NodeID: nodeID("IssueComment", c.ID),
		URL:     s.api("repos", r.fullName(), "issues", "comments", itoa64(c.ID)),
		HTMLURL: s.html(r.fullName(), "issues", itoa(is.Number)) + "#issuecomment-" + itoa64(c.ID),
		Body:    c.Body, User: s.user(knownUser(c.User)),
		CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.CreatedAt),
		IssueURL:          s.api("repos", r.fullName(), "issues", itoa(is.Number)),
		AuthorAssociation: "MEMBER",
	}
}

// maxContentSize is the largest file the contents API returns with its content.
const maxContentSize = 1 << 20

// file is one file at ref, with its content when withContent (over 1 MB: without, encoding
// "none", as GitHub answers).
func (s site) file(r *repository, ref, path string, content []byte, withContent bool) wireContent {
	w := s.entry(r, ref, "file", path, blobSHA(content), len(content))
	if withContent {
		if len(content) > maxContentSize {
			w.Encoding, w.Content = "none", ptr("")
		} else {
			w.Encoding, w.Content = "base64", ptr(wrap60(base64.StdEncoding.EncodeToString(content)))
		}
	}
	return w
}

func (s site) entry(r *repository, ref, typ, path, sha string, size int) wireContent {
	name := path[strings.LastIndexByte(path, '/')+1:]
	self := s.api("repos", r.fullName(), "contents", path) + "?ref=" + url.QueryEscape(ref)
	gitKind, htmlKind := "blobs", "blob"
	if typ == "dir" {
		gitKind, htmlKind = "trees", "tree"
	}
	git := s.api("repos", r.fullName(), "git", gitKind, sha)
	html := s.html(r.fullName(), htmlKind, ref, path)
	w := wireContent{
		Type: typ, Size: size, Name: name, Path: path, SHA: sha, URL: self,
		GitURL: ptr(git), HTMLURL: ptr(html),
		Links: wireLinks{Self: self, Git: ptr(git), HTML: ptr(html)},
	}
	if typ == "file" {
		w.DownloadURL = ptr(s.html(r.fullName(), "raw", ref, path))
	}
	return w
}

// wrap60 breaks Base64 text into lines of 60 characters, each ended by a newline, as
// GitHub sends file content.
func wrap60(s string) string {
	var b strings.Builder
	for len(s) > 60 {
		b.WriteString(s[:60])
		b.WriteByte('\n')
		s = s[60:]
	}
	b.WriteString(s)
	if s != "" {
		b.WriteByte('\n')
	}
	return b.String()
}
