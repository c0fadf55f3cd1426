package github

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
)

var _ hub.IssueTracker = (*Connection)(nil)

// alerts returns the sandbox's issues labelled urakata-alert that carry the fingerprint.
func alerts(s *githubtest.Server, fingerprint string) []githubtest.Issue {
	var out []githubtest.Issue
	for _, is := range s.Issues(demoOwner, demoRepo) {
		if slices.Contains(is.Labels, AlertLabel) && strings.Contains(is.Body, Marker(fingerprint)) {
			out = append(out, is)
		}
	}
	return out
}

func TestOpenIssueFilesThenCommentsWithTheCount(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	c := connect(t, s)
	ctx := t.Context()
	const fp = "expense-to-accounting/dead-letters"

	ref, err := c.OpenIssue(ctx, fp, "[urakata] 経費の仕訳が登録できません", "3 件が dead letters に入りました。")
	if err != nil {
		t.Fatal(err)
	}
	if ref != "demo-company/back-office#4" {
		t.Errorf("ref %q; want owner/repo#number of the new issue", ref)
	}
	filed := alerts(s, fp)
	if len(filed) != 1 || filed[0].Title != "[urakata] 経費の仕訳が登録できません" || filed[0].State != "open" ||
		!strings.HasPrefix(filed[0].Body, "3 件が dead letters に入りました。\n\n<!-- urakata:fingerprint="+fp+" -->") ||
		!strings.Contains(filed[0].Body, "<!-- urakata:count=1 -->") {
		t.Fatalf("filed %+v", filed)
	}
	requests := s.Requests()
	if requests["issues/list-for-repo"] != 1 || requests["issues/create"] != 1 {
		t.Errorf("requests %v; want one search and one create", requests)
	}

	for n := 2; n <= 3; n++ {
		again, err := c.OpenIssue(ctx, fp, "[urakata] 経費の仕訳が登録できません", "まだ失敗しています。")
		if err != nil {
			t.Fatal(err)
		}
		if again != ref {
			t.Errorf("occurrence %d: ref %q; want the same issue %q", n, again, ref)
		}
	}
	filed = alerts(s, fp)
	if len(filed) != 1 || len(filed[0].Comments) != 2 || !strings.Contains(filed[0].Body, "<!-- urakata:count=3 -->") ||
		strings.Contains(filed[0].Body, "count=1") {
		t.Fatalf("after two repeats: %+v; want one issue, two comments, count 3", filed)
	}
	if !strings.Contains(filed[0].Comments[1], "3 回目") || !strings.Contains(filed[0].Comments[1], "まだ失敗しています。") {
		t.Errorf("comment %q; want the count and the new body", filed[0].Comments[1])
	}
}

func TestOpenIssueIgnoresClosedIssuesPullRequestsAndOtherFingerprints(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	c := connect(t, s)
	for _, tc := range []struct{ name, fingerprint string }{
		{"a fingerprint whose issue was closed files a new one", "demo-resolved"},
		{"a fingerprint carried by a pull request files an issue", "demo-pull-request"},
		{"a fingerprint that is a prefix of another is not the other", "demo"},
	} {
		before := len(s.Issues(demoOwner, demoRepo))
		ref, err := c.OpenIssue(t.Context(), tc.fingerprint, "t", "b")
		if err != nil {
			t.Fatal(err)
		}
		if ref != "demo-company/back-office#"+strconv.Itoa(before+1) {
			t.Errorf("%s: ref %q; want a new issue", tc.name, ref)
		}
	}
}

func TestOpenIssueFindsAnAlertOnALaterPage(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{WritesPerMinute: githubtest.NoRateLimit})
	c := connect(t, s)
	first, err := c.OpenIssue(t.Context(), "oldest", "t", "b")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := c.OpenIssue(t.Context(), "other-"+strconv.Itoa(i), "t", "b"); err != nil {
			t.Fatal(err)
		}
	}
	// Oldest first: the first alert is on page 1 and found without page 2.
	before := s.Requests()["issues/list-for-repo"]
	if ref, err := c.OpenIssue(t.Context(), "oldest", "t", "b"); err != nil || ref != first {
		t.Fatalf("ref %q, %v; want %q", ref, err, first)
	}
	if got := s.Requests()["issues/list-for-repo"] - before; got != 1 {
		t.Errorf("%d pages read for the oldest alert; want 1", got)
	}
	before = s.Requests()["issues/list-for-repo"]
	if _, err := c.OpenIssue(t.Context(), "other-99", "t", "b"); err != nil {
		t.Fatal(err)
	}
	if got := s.Requests()["issues/list-for-repo"] - before; got != 2 {
		t.Errorf("%d pages read for the 101st open alert; want 2", got)
	}
	if len(alerts(s, "other-99")) != 1 {
		t.Error("the alert on page 2 was filed again")
	}
}

func TestCloseIssue(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	c := connect(t, s)
	ctx := t.Context()
	ref, err := c.OpenIssue(ctx, "timeclock/failed", "t", "b")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CloseIssue(ctx, "timeclock/failed", "次の実行で解消しました。"); err != nil {
		t.Fatal(err)
	}
	is := alerts(s, "timeclock/failed")[0]
	if is.State != "closed" || is.StateReason != "completed" || !slices.Equal(is.Comments, []string{"次の実行で解消しました。"}) {
		t.Errorf("closed issue %+v", is)
	}
	got, err := c.Issue(ctx, ref)
	if err != nil || got.GetState() != "closed" || got.ClosedAt == nil {
		t.Errorf("Issue(%s) = %+v, %v; want it closed", ref, got, err)
	}

	// Nothing open with the fingerprint any more: closing again searches and does nothing.
	before := s.Requests()
	if err := c.CloseIssue(ctx, "timeclock/failed", "again"); err != nil {
		t.Fatal(err)
	}
	after := s.Requests()
	if after["issues/list-for-repo"] != before["issues/list-for-repo"]+1 || after["issues/create-comment"] != before["issues/create-comment"] ||
		after["issues/update"] != before["issues/update"] {
		t.Errorf("requests %v → %v; want one search and no write", before, after)
	}
	// Opening it again files a new issue: the closed one stays closed.
	if again, err := c.OpenIssue(ctx, "timeclock/failed", "t", "b"); err != nil || again == ref {
		t.Errorf("reopening the alert: %q %v; want a new issue", again, err)
	}
	// An empty comment closes without commenting.
	if err := c.CloseIssue(ctx, "timeclock/failed", ""); err != nil {
		t.Fatal(err)
	}
	if last := alerts(s, "timeclock/failed")[1]; last.State != "closed" || len(last.Comments) != 0 {
		t.Errorf("closed without a comment: %+v", last)
	}
}

func TestIssueTrackerErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		arm  func(s *githubtest.Server)
		call func(c *Connection) error
		kind fault.Kind
		want string
	}{
		{name: "a fingerprint that could end the HTML comment is refused without a request",
			call: func(c *Connection) error { _, err := c.OpenIssue(t.Context(), "a -->b", "t", "b"); return err },
			kind: fault.KindPermanent, want: "fingerprint"},
		{name: "an empty fingerprint is refused when closing too",
			call: func(c *Connection) error { return c.CloseIssue(t.Context(), "", "c") },
			kind: fault.KindPermanent, want: "fingerprint"},
		{name: "issues disabled in the repository are permanent",
			arm:  func(s *githubtest.Server) { _ = s.SetIssuesEnabled(demoOwner, demoRepo, false) },
			call: func(c *Connection) error { _, err := c.OpenIssue(t.Context(), "x", "t", "b"); return err },
			kind: fault.KindPermanent, want: "Issues are disabled"},
		{name: "a server error on the create is transient, and not retried",
			arm:  func(s *githubtest.Server) { s.Fail(githubtest.FaultServerError, 1, "issues/create") },
			call: func(c *Connection) error { _, err := c.OpenIssue(t.Context(), "x", "t", "b"); return err },
			kind: fault.KindTransient, want: "file issue"},
		{name: "the secondary limit on a comment is rate limited",
			arm: func(s *githubtest.Server) {
				s.Fail(githubtest.FaultSecondaryRateLimit, 1, "issues/create-comment")
			},
			call: func(c *Connection) error {
				_, err := c.OpenIssue(t.Context(), "demo-resolved-open", "t", "b")
				return err
			},
			kind: fault.KindRateLimited},
		{name: "a failed close after the comment is transient",
			arm:  func(s *githubtest.Server) { s.Fail(githubtest.FaultServerError, 5, "issues/update") },
			call: func(c *Connection) error { return c.CloseIssue(t.Context(), "demo-resolved-open", "c") },
			kind: fault.KindTransient, want: "close demo-company/back-office#4"},
		{name: "a reference of another repository is refused",
			call: func(c *Connection) error { _, err := c.Issue(t.Context(), "someone/else#1"); return err },
			kind: fault.KindPermanent, want: "issue reference"},
		{name: "a missing issue is permanent",
			call: func(c *Connection) error { _, err := c.Issue(t.Context(), "demo-company/back-office#99"); return err },
			kind: fault.KindPermanent, want: "Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := sandbox(t, githubtest.Options{RetryAfter: 2 * time.Minute})
			c := connect(t, s)
			// An open alert for the cases that comment on or close one.
			if _, err := c.OpenIssue(t.Context(), "demo-resolved-open", "t", "b"); err != nil {
				t.Fatal(err)
			}
			if tc.arm != nil {
				tc.arm(s)
			}
			before := s.Requests()
			err := tc.call(c)
			if fault.Classify(err) != tc.kind || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (%v); want %v naming %q", err, fault.Classify(err), tc.kind, tc.want)
			}
			if tc.want == "fingerprint" && len(s.Requests()) != len(before) {
				t.Error("a refused fingerprint made a request")
			}
			if tc.kind == fault.KindTransient && strings.Contains(tc.name, "create") && s.Requests()["issues/create"] != before["issues/create"]+1 {
				t.Error("a create that may have been applied was sent again")
			}
		})
	}
}

func TestMarkerAndCount(t *testing.T) {
	t.Parallel()
	if got := Marker("abc"); got != "<!-- urakata:fingerprint=abc -->" {
		t.Errorf("Marker = %q", got)
	}
	for _, tc := range []struct {
		body string
		seen int
	}{
		{"no count", 1},
		{"x <!-- urakata:count=7 --> y", 7},
		{"<!-- urakata:count=0 -->", 1},
	} {
		if got := seen(tc.body); got != tc.seen {
			t.Errorf("seen(%q) = %d; want %d", tc.body, got, tc.seen)
		}
	}
	if got := withCount("body\n", 2); got != "body\n<!-- urakata:count=2 -->\n" {
		t.Errorf("withCount appends: %q", got)
	}
	if got := withCount("a <!-- urakata:count=2 --> b", 3); got != "a <!-- urakata:count=3 --> b" {
		t.Errorf("withCount replaces: %q", got)
	}
}
