package github

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/urakata/urakata/shared/fault"
)

// AlertLabel marks the issues urakata files, so that finding one by its fingerprint lists
// only those. GitHub creates the label on first use.
const AlertLabel = "urakata-alert"

// fingerprintRule keeps a fingerprint inside the HTML comment that carries it: no
// whitespace, no ">" that could end the comment early.
var fingerprintRule = regexp.MustCompile(`^[A-Za-z0-9._:/@+=-]{1,200}$`)

// countMarker carries how many times the alert has been seen; it sits in the issue body
// beside the fingerprint.
var countMarker = regexp.MustCompile(`<!-- urakata:count=([0-9]+) -->`)

// Marker is the HTML comment that carries a fingerprint in the body of an alert issue,
// invisible on GitHub's page.
func Marker(fingerprint string) string {
	return "<!-- urakata:fingerprint=" + fingerprint + " -->"
}

// OpenIssue files an alert issue in the connection's repository, labelled AlertLabel and
// carrying Marker(fingerprint) in its body, and returns its reference ("owner/repo#12").
// When an open issue already carries the fingerprint it comments on that one instead,
// with the new count of times the alert was seen, and raises the count kept in its body.
//
// Finding the open issue lists the repository's open issues labelled AlertLabel, 100 a
// page, oldest first, and reads their bodies: one request while fewer than 100 alerts are
// open. Then a new alert costs one write (create) and a repeated one two (comment, edit).
// GitHub's search API could find the fingerprint in one request, but it is eventually
// consistent (an issue filed a moment ago is not found yet, so a burst of alerts would
// file duplicates) and has its own limit of 30 requests a minute; a label per
// fingerprint would also be one request, at the cost of a label per alert.
//
// The comment comes before the count's edit: a retry after a failed edit repeats the
// comment with the same count rather than skipping one. Two workers opening the same new
// fingerprint at the same moment can file two issues; later calls use the older one.
func (c *Connection) OpenIssue(ctx context.Context, fingerprint, title, body string) (string, error) {
	if !fingerprintRule.MatchString(fingerprint) {
		return "", fault.Permanentf(Vendor, "fingerprint %q: want 1 to 200 letters, digits or ._:/@+=-", fingerprint)
	}
	issue, err := c.findAlert(ctx, fingerprint)
	if err != nil {
		return "", fmt.Errorf("%s: open issue: %w", Vendor, err)
	}
	if issue == nil {
		text := strings.TrimRight(body, "\n") + "\n\n" + Marker(fingerprint) + "\n" + countComment(1) + "\n"
		created, _, err := c.Client.Issues.Create(ctx, c.owner, c.repo, &gh.IssueRequest{
			Title: gh.String(title), Body: gh.String(text), Labels: &[]string{AlertLabel},
		})
		if err != nil {
			return "", fmt.Errorf("%s: file issue in %s/%s: %w", Vendor, c.owner, c.repo, err)
		}
		return c.ref(created.GetNumber()), nil
	}
	n := issue.GetNumber()
	count := seen(issue.GetBody()) + 1
	note := fmt.Sprintf("再発しました（%d 回目）。 Seen again: %d times in all.\n\n%s", count, count, body)
	if _, _, err := c.Client.Issues.CreateComment(ctx, c.owner, c.repo, n, &gh.IssueComment{Body: gh.String(note)}); err != nil {
		return "", fmt.Errorf("%s: comment on %s: %w", Vendor, c.ref(n), err)
	}
	if _, _, err := c.Client.Issues.Edit(ctx, c.owner, c.repo, n, &gh.IssueRequest{Body: gh.String(withCount(issue.GetBody(), count))}); err != nil {
		return "", fmt.Errorf("%s: count on %s: %w", Vendor, c.ref(n), err)
	}
	return c.ref(n), nil
}

// CloseIssue closes the open alert issue carrying the fingerprint, with comment (when not
// empty) and the reason "completed". Without one it does nothing. Cost: the search of
// OpenIssue, then two writes.
func (c *Connection) CloseIssue(ctx context.Context, fingerprint, comment string) error {
	if !fingerprintRule.MatchString(fingerprint) {
		return fault.Permanentf(Vendor, "fingerprint %q: want 1 to 200 letters, digits or ._:/@+=-", fingerprint)
	}
	issue, err := c.findAlert(ctx, fingerprint)
	if err != nil || issue == nil {
		if err != nil {
			return fmt.Errorf("%s: close issue: %w", Vendor, err)
		}
		return nil
	}
	n := issue.GetNumber()
	if strings.TrimSpace(comment) != "" {
		if _, _, err := c.Client.Issues.CreateComment(ctx, c.owner, c.repo, n, &gh.IssueComment{Body: gh.String(comment)}); err != nil {
			return fmt.Errorf("%s: comment on %s: %w", Vendor, c.ref(n), err)
		}
	}
	_, _, err = c.Client.Issues.Edit(ctx, c.owner, c.repo, n, &gh.IssueRequest{State: gh.String("closed"), StateReason: gh.String("completed")})
	if err != nil {
		return fmt.Errorf("%s: close %s: %w", Vendor, c.ref(n), err)
	}
	return nil
}

// Issue reads an issue of the connection's repository by the reference OpenIssue
// returned, e.g. to show whether an alert is still open.
func (c *Connection) Issue(ctx context.Context, ref string) (*gh.Issue, error) {
	num, ok := strings.CutPrefix(ref, c.owner+"/"+c.repo+"#")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 {
		return nil, fault.Permanentf(Vendor, "issue reference %q is not one of %s/%s (owner/repo#number)", ref, c.owner, c.repo)
	}
	issue, _, err := c.Client.Issues.Get(ctx, c.owner, c.repo, n)
	if err != nil {
		return nil, fmt.Errorf("%s: read %s: %w", Vendor, ref, err)
	}
	return issue, nil
}

// findAlert returns the oldest open issue (not pull request) labelled AlertLabel whose body
// carries the fingerprint, or nil.
func (c *Connection) findAlert(ctx context.Context, fingerprint string) (*gh.Issue, error) {
	marker := Marker(fingerprint)
	opts := &gh.IssueListByRepoOptions{
		State: "open", Labels: []string{AlertLabel}, Sort: "created", Direction: "asc",
		ListOptions: gh.ListOptions{PerPage: 100},
	}
	for issue, err := range c.Client.Issues.ListByRepoIter(ctx, c.owner, c.repo, opts) {
		if err != nil {
			return nil, fmt.Errorf("list open %s issues of %s/%s: %w", AlertLabel, c.owner, c.repo, err)
		}
		if !issue.IsPullRequest() && strings.Contains(issue.GetBody(), marker) {
			return issue, nil
		}
	}
	return nil, nil
}

func (c *Connection) ref(number int) string {
	return c.owner + "/" + c.repo + "#" + strconv.Itoa(number)
}

func countComment(n int) string { return "<!-- urakata:count=" + strconv.Itoa(n) + " -->" }

// seen is the count an issue body carries; 1 for a body without one (filed before counts
// were kept, or edited by hand).
func seen(body string) int {
	m := countMarker.FindStringSubmatch(body)
	if m == nil {
		return 1
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// withCount returns body with its count set to n, appending the marker when it has none.
func withCount(body string, n int) string {
	if countMarker.MatchString(body) {
		return countMarker.ReplaceAllLiteralString(body, countComment(n))
	}
	return strings.TrimRight(body, "\n") + "\n" + countComment(n) + "\n"
}
