package githubtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const issuesDisabled = "Issues are disabled for this repo"

// createIssue files an issue as the token's user. Labels that do not exist are created,
// as GitHub does for a user with push access.
func (s *Server) createIssue(c *call) reply {
	r, rep, ok := s.repo(c)
	if !ok {
		return rep
	}
	if !r.HasIssues {
		return errorReply(http.StatusGone, issuesDisabled, c.op.Docs)
	}
	is := &issue{
		ID: s.ids.next(), Number: len(r.Issues) + 1, Title: textOf(c.body["title"]), State: "open",
		Labels: []string{}, User: botUser.Login, CreatedAt: c.now, UpdatedAt: c.now,
	}
	if body, ok := c.body["body"].(string); ok {
		is.Body = &body
	}
	is.Labels = s.labelNames(r, c.body["labels"])
	r.Issues = append(r.Issues, is)
	rep = jsonReply(http.StatusCreated, c.site.issue(r, is, &s.ids))
	rep.header = http.Header{"Location": {c.site.api("repos", r.fullName(), "issues", itoa(is.Number))}}
	return rep
}

// getIssue reads one issue or pull request.
func (s *Server) getIssue(c *call) reply {
	r, is, rep, ok := s.issueOf(c)
	if !ok {
		return rep
	}
	return jsonReply(http.StatusOK, c.site.issue(r, is, &s.ids))
}

// updateIssue changes title, body, state (with its reason) and labels. Closing records
// who closed it and when; reopening clears that.
func (s *Server) updateIssue(c *call) reply {
	r, is, rep, ok := s.issueOf(c)
	if !ok {
		return rep
	}
	if v, ok := c.body["title"]; ok && v != nil {
		is.Title = textOf(v)
	}
	if v, ok := c.body["body"]; ok {
		if text, ok := v.(string); ok {
			is.Body = &text
		} else {
			is.Body = nil
		}
	}
	if v, ok := c.body["labels"]; ok {
		is.Labels = s.labelNames(r, v)
	}
	reason, _ := c.body["state_reason"].(string)
	switch state, _ := c.body["state"].(string); {
	case state == "closed" && is.State != "closed":
		is.State, is.StateReason = "closed", cmp.Or(reason, "completed")
		is.ClosedAt, is.ClosedBy = c.now, botUser.Login
	case state == "open" && is.State != "open":
		is.State, is.StateReason = "open", "reopened"
		is.ClosedAt, is.ClosedBy = time.Time{}, ""
	case reason != "":
		is.StateReason = reason
	}
	is.UpdatedAt = c.now
	return jsonReply(http.StatusOK, c.site.issue(r, is, &s.ids))
}

// createComment comments on an issue or pull request as the token's user.
func (s *Server) createComment(c *call) reply {
	r, is, rep, ok := s.issueOf(c)
	if !ok {
		return rep
	}
	cm := &comment{ID: s.ids.next(), Body: textOf(c.body["body"]), User: botUser.Login, CreatedAt: c.now}
	is.Comments = append(is.Comments, cm)
	is.UpdatedAt = c.now
	rep = jsonReply(http.StatusCreated, c.site.comment(r, is, cm))
	rep.header = http.Header{"Location": {c.site.api("repos", r.fullName(), "issues", "comments", itoa64(cm.ID))}}
	return rep
}

// listIssues lists issues and pull requests: state (default open), labels (every one named
// must be on the issue), creator and since filter; sort and direction order (default
// created, desc); page and per_page (default 30, at most 100) page, with a Link header as
// GitHub sends it. milestone, assignee, type and mentioned are accepted and not applied:
// the demo has no milestones, assignees, types or mentions.
func (s *Server) listIssues(c *call) reply {
	r, rep, ok := s.repo(c)
	if !ok {
		return rep
	}
	if !r.HasIssues {
		return errorReply(http.StatusGone, issuesDisabled, c.op.Docs)
	}
	q := c.r.URL.Query()
	state := cmp.Or(q.Get("state"), "open")
	var want []string
	for name := range strings.SplitSeq(q.Get("labels"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			want = append(want, name)
		}
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		since, _ = time.Parse(time.RFC3339, v)
	}
	var found []*issue
	for _, is := range r.Issues {
		if (state != "all" && is.State != state) || !hasLabels(is, want) ||
			(q.Get("creator") != "" && !strings.EqualFold(q.Get("creator"), is.User)) ||
			(!since.IsZero() && is.UpdatedAt.Before(since)) {
			continue
		}
		found = append(found, is)
	}
	key := func(is *issue) int64 {
		switch q.Get("sort") {
		case "updated":
			return is.UpdatedAt.UnixNano()
		case "comments":
			return int64(len(is.Comments))
		}
		return is.CreatedAt.UnixNano()
	}
	slices.SortStableFunc(found, func(a, b *issue) int {
		d := cmp.Compare(key(a), key(b))
		if d == 0 {
			d = cmp.Compare(a.Number, b.Number)
		}
		if q.Get("direction") != "asc" {
			d = -d
		}
		return d
	})
	perPage, page := 30, 1
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil {
		perPage = v
	}
	if v, err := strconv.Atoi(q.Get("page")); err == nil {
		page = v
	}
	last := max((len(found)+perPage-1)/perPage, 1)
	from := min((page-1)*perPage, len(found))
	to := min(from+perPage, len(found))
	out := make([]wireIssue, 0, to-from)
	for _, is := range found[from:to] {
		out = append(out, c.site.issue(r, is, &s.ids))
	}
	rep = jsonReply(http.StatusOK, out)
	if link := linkHeader(c.r, c.site, page, last); link != "" {
		rep.header = http.Header{"Link": {link}}
	}
	return rep
}

// linkHeader is GitHub's pagination header: next and last after a page that is not the
// last, first and prev after the first, each the request's URL with its page changed.
// https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
func linkHeader(r *http.Request, st site, page, last int) string {
	at := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return fmt.Sprintf(`<%s%s>; rel="%s"`, st.root, u.String(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, at(min(page-1, last), "prev"))
	}
	if page < last {
		links = append(links, at(page+1, "next"), at(last, "last"))
	}
	if page > 1 {
		links = append(links, at(1, "first"))
	}
	return strings.Join(links, ", ")
}

func hasLabels(is *issue, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, w) }) {
			return false
		}
	}
	return true
}

// issueOf finds the issue of a call, or answers 404 (410 when issues are disabled).
func (s *Server) issueOf(c *call) (*repository, *issue, reply, bool) {
	r, rep, ok := s.repo(c)
	if !ok {
		return nil, nil, rep, false
	}
	if !r.HasIssues {
		return nil, nil, errorReply(http.StatusGone, issuesDisabled, c.op.Docs), false
	}
	n, _ := strconv.Atoi(c.path["issue_number"])
	is := r.issue(n)
	if is == nil {
		return nil, nil, errorReply(http.StatusNotFound, "Not Found", c.op.Docs), false
	}
	return r, is, reply{}, true
}

// labelNames reads a labels parameter (names, or objects with a name), creating the labels
// that do not exist yet, and returns their names as the repository spells them.
func (s *Server) labelNames(r *repository, v any) []string {
	items, _ := v.([]any)
	names := []string{}
	for _, item := range items {
		name, _ := item.(string)
		if m, ok := item.(map[string]any); ok {
			name, _ = m["name"].(string)
		}
		if name == "" {
			continue
		}
		l := r.label(name, &s.ids)
		if !slices.Contains(names, l.Name) {
			names = append(names, l.Name)
		}
	}
	return names
}

// textOf reads a string parameter that GitHub also takes as a number (an issue's title).
func textOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
