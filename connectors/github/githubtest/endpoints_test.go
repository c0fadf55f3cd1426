package githubtest

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	gh "github.com/google/go-github/v60/github"
)

const (
	owner = "demo-company"
	repo  = "back-office"
)

// statusOf is the HTTP status of a go-github error.
func statusOf(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

func TestIssuesRoundTripThroughGoGitHub(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	c := client(t, s)
	ctx := t.Context()

	created, resp, err := c.Issues.Create(ctx, owner, repo, &gh.IssueRequest{
		Title: gh.String("[urakata] 仕訳の登録に失敗"), Body: gh.String("本文"), Labels: &[]string{"urakata-alert", "新ラベル"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || !strings.HasSuffix(resp.Header.Get("Location"), "/issues/4") {
		t.Errorf("create: %d, Location %q; want 201 and the issue's URL", resp.StatusCode, resp.Header.Get("Location"))
	}
	if created.GetNumber() != 4 || created.GetState() != "open" || created.GetUser().GetLogin() != "urakata-bot" ||
		len(created.Labels) != 2 || created.Labels[1].GetName() != "新ラベル" || created.Labels[1].GetColor() != "ededed" {
		t.Errorf("created %+v: want number 4 (after the demo's 3), open, by the token's user, with a new label", created)
	}

	got, _, err := c.Issues.Get(ctx, owner, repo, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got.GetTitle() != "[urakata] 仕訳の登録に失敗" || got.GetBody() != "本文" || got.GetCreatedAt().IsZero() || got.ClosedAt != nil {
		t.Errorf("get %+v: want what was filed", got)
	}

	cm, _, err := c.Issues.CreateComment(ctx, owner, repo, 4, &gh.IssueComment{Body: gh.String("再発しました")})
	if err != nil {
		t.Fatal(err)
	}
	if cm.GetBody() != "再発しました" || !strings.Contains(cm.GetHTMLURL(), "/issues/4#issuecomment-") || !strings.HasSuffix(cm.GetIssueURL(), "/issues/4") {
		t.Errorf("comment %+v", cm)
	}

	closed, _, err := c.Issues.Edit(ctx, owner, repo, 4, &gh.IssueRequest{State: gh.String("closed"), StateReason: gh.String("completed")})
	if err != nil {
		t.Fatal(err)
	}
	if closed.GetState() != "closed" || closed.GetStateReason() != "completed" || closed.ClosedAt == nil ||
		closed.GetClosedBy().GetLogin() != "urakata-bot" || closed.GetComments() != 1 {
		t.Errorf("closed %+v: want closed, completed, closed_at and closed_by set, one comment", closed)
	}
	reopened, _, err := c.Issues.Edit(ctx, owner, repo, 4, &gh.IssueRequest{State: gh.String("open")})
	if err != nil {
		t.Fatal(err)
	}
	if reopened.GetState() != "open" || reopened.GetStateReason() != "reopened" || reopened.ClosedAt != nil {
		t.Errorf("reopened %+v", reopened)
	}

	held := s.Issues(owner, repo)[3]
	if held.Title != "[urakata] 仕訳の登録に失敗" || !slices.Equal(held.Comments, []string{"再発しました"}) || held.State != "open" {
		t.Errorf("the sandbox holds %+v", held)
	}
	noViolations(t, s)
}

func TestListIssuesFiltersByStateAndEveryLabel(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	c := client(t, s)
	numbers := func(opts *gh.IssueListByRepoOptions) []int {
		t.Helper()
		issues, _, err := c.Issues.ListByRepo(t.Context(), owner, repo, opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, i := range issues {
			out = append(out, i.GetNumber())
		}
		return out
	}
	for _, tc := range []struct {
		name string
		opts gh.IssueListByRepoOptions
		want []int
	}{
		{"open is the default, newest first, pull requests included", gh.IssueListByRepoOptions{}, []int{3, 1}},
		{"all states", gh.IssueListByRepoOptions{State: "all"}, []int{3, 2, 1}},
		{"one label", gh.IssueListByRepoOptions{Labels: []string{"urakata-alert"}}, []int{3}},
		{"every label named must be on the issue", gh.IssueListByRepoOptions{State: "all", Labels: []string{"urakata-alert", "documentation"}}, []int{3}},
		{"labels match without regard to case", gh.IssueListByRepoOptions{State: "closed", Labels: []string{"URAKATA-ALERT"}}, []int{2}},
		{"oldest first", gh.IssueListByRepoOptions{State: "all", Sort: "created", Direction: "asc"}, []int{1, 2, 3}},
		{"by creator", gh.IssueListByRepoOptions{State: "all", Creator: "urakata-bot"}, []int{2}},
	} {
		if got := numbers(&tc.opts); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	issues, _, err := c.Issues.ListByRepo(t.Context(), owner, repo, &gh.IssueListByRepoOptions{Labels: []string{"urakata-alert"}})
	if err != nil || len(issues) != 1 || !issues[0].IsPullRequest() {
		t.Errorf("the labelled pull request should come back marked as one: %v %v", issues, err)
	}
	noViolations(t, s)
}

func TestListIssuesPagesWithALinkHeader(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	c := client(t, s)
	var seen []int
	opts := &gh.IssueListByRepoOptions{State: "all", Direction: "asc", ListOptions: gh.ListOptions{PerPage: 2}}
	for pages := 0; ; pages++ {
		issues, resp, err := c.Issues.ListByRepo(t.Context(), owner, repo, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range issues {
			seen = append(seen, i.GetNumber())
		}
		if pages == 0 && (resp.NextPage != 2 || resp.LastPage != 2 || !strings.Contains(resp.Header.Get("Link"), `rel="next"`)) {
			t.Errorf("first page: next %d last %d, Link %q", resp.NextPage, resp.LastPage, resp.Header.Get("Link"))
		}
		if resp.NextPage == 0 {
			if resp.FirstPage != 1 || resp.PrevPage != 1 {
				t.Errorf("last page: first %d prev %d; want 1 and 1", resp.FirstPage, resp.PrevPage)
			}
			break
		}
		opts.Page = resp.NextPage
	}
	if !slices.Equal(seen, []int{1, 2, 3}) {
		t.Errorf("pages gave %v; want 1, 2, 3 once each", seen)
	}
	noViolations(t, s)
}

func TestIssueErrors(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	c := client(t, s)
	ctx := t.Context()
	if _, _, err := c.Issues.Get(ctx, owner, repo, 99); statusOf(err) != http.StatusNotFound {
		t.Errorf("a missing issue: %v; want 404", err)
	}
	if _, _, err := c.Issues.ListByRepo(ctx, owner, "no-such-repo", nil); statusOf(err) != http.StatusNotFound {
		t.Errorf("a missing repository: %v; want 404", err)
	}
	if _, _, err := c.Issues.CreateComment(ctx, owner, repo, 99, &gh.IssueComment{Body: gh.String("x")}); statusOf(err) != http.StatusNotFound {
		t.Errorf("a comment on a missing issue: %v; want 404", err)
	}
	if err := s.SetIssuesEnabled(owner, repo, false); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Issues.Create(ctx, owner, repo, &gh.IssueRequest{Title: gh.String("x")})
	var er *gh.ErrorResponse
	if statusOf(err) != http.StatusGone || !errors.As(err, &er) || er.Message != "Issues are disabled for this repo" {
		t.Errorf("issues disabled: %v; want 410 with GitHub's message", err)
	}
	bad, err := gh.NewClient(nil).WithAuthToken("wrong").WithEnterpriseURLs(s.URL(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := bad.Issues.Get(ctx, owner, repo, 1); statusOf(err) != http.StatusUnauthorized || !strings.Contains(err.Error(), "Bad credentials") {
		t.Errorf("a wrong token: %v; want 401 Bad credentials", err)
	}
	anon, _ := gh.NewClient(nil).WithEnterpriseURLs(s.URL(), s.URL())
	if _, _, err := anon.Issues.Get(ctx, owner, repo, 1); statusOf(err) != http.StatusUnauthorized || !strings.Contains(err.Error(), "Requires authentication") {
		t.Errorf("no token: %v; want 401 Requires authentication", err)
	}
	noViolations(t, s)
}

func TestContentsRoundTripThroughGoGitHub(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	c := client(t, s)
	ctx := t.Context()
	files := s.Files(owner, repo, "main")

	_, root, _, err := c.Repositories.GetContents(ctx, owner, repo, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range root {
		names = append(names, e.GetName()+":"+e.GetType())
	}
	if !slices.Equal(names, []string{"README.md:file", "faq:dir"}) {
		t.Errorf("root lists %v", names)
	}

	_, dir, _, err := c.Repositories.GetContents(ctx, owner, repo, "faq/expenses", &gh.RepositoryContentGetOptions{Ref: "main"})
	if err != nil {
		t.Fatal(err)
	}
	const japanese = "faq/expenses/インボイス登録番号.md"
	var found *gh.RepositoryContent
	for _, e := range dir {
		if e.Content != nil || e.DownloadURL == nil {
			t.Errorf("entry %s carries content or lacks download_url", e.GetPath())
		}
		if e.GetPath() == japanese {
			found = e
		}
	}
	if found == nil || found.GetSize() != len(files[japanese]) || found.GetSHA() != blobSHA(files[japanese]) {
		t.Fatalf("listing %v lacks %s with its size and git blob id", dir, japanese)
	}
	if !strings.Contains(found.GetHTMLURL(), "%E3%82%A4") {
		t.Errorf("html_url %q should carry the Japanese name percent-encoded", found.GetHTMLURL())
	}

	file, _, _, err := c.Repositories.GetContents(ctx, owner, repo, japanese, nil)
	if err != nil {
		t.Fatal(err)
	}
	text, err := file.GetContent()
	if err != nil || text != string(files[japanese]) || file.GetEncoding() != "base64" {
		t.Errorf("content %q (%v); want the file as stored, Base64-encoded", text, err)
	}
	if lines := strings.Split(strings.TrimSuffix(rawContent(file), "\n"), "\n"); len(lines) < 2 || len(lines[0]) != 60 {
		t.Errorf("Base64 should come in lines of 60 characters, got %d lines of %d", len(lines), len(lines[0]))
	}
	noViolations(t, s)
}

func TestContentsAtARef(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	c := client(t, s)
	ctx := t.Context()
	head, err := s.SetFile(owner, repo, "draft", "faq/new.md", []byte("---\nquestion: 新しい質問\n---\n回答"), "FAQ を追加")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path, ref string) error {
		_, _, _, err := c.Repositories.GetContents(ctx, owner, repo, path, &gh.RepositoryContentGetOptions{Ref: ref})
		return err
	}
	for _, tc := range []struct {
		name, path, ref string
		status          int
	}{
		{"a branch name reads that branch", "faq/new.md", "draft", 0},
		{"refs/heads/ reads the branch too", "faq/new.md", "refs/heads/draft", 0},
		{"a head commit id reads its branch", "faq/new.md", head, 0},
		{"the default branch does not have it", "faq/new.md", "", http.StatusNotFound},
		{"an unknown ref is 404", "faq", "no-such-branch", http.StatusNotFound},
		{"an unknown path is 404", "faq/none.md", "main", http.StatusNotFound},
	} {
		if err := get(tc.path, tc.ref); statusOf(err) != tc.status {
			t.Errorf("%s: %v; want status %d", tc.name, err, tc.status)
		}
	}
	err = get("faq", "no-such-branch")
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Message != "No commit found for the ref no-such-branch" {
		t.Errorf("unknown ref: %v; want GitHub's message", err)
	}
	noViolations(t, s)
}

func TestAFileOverOneMegabyteComesWithoutContent(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	big := bytes.Repeat([]byte("あ"), maxContentSize/3+1)
	if _, err := s.SetFile(owner, repo, "main", "faq/big.md", big, "big"); err != nil {
		t.Fatal(err)
	}
	file, _, _, err := client(t, s).Repositories.GetContents(t.Context(), owner, repo, "faq/big.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	if file.GetEncoding() != "none" || rawContent(file) != "" || file.GetSize() != len(big) {
		t.Errorf("encoding %q, %d bytes of content, size %d; want none, empty, %d", file.GetEncoding(), len(rawContent(file)), file.GetSize(), len(big))
	}
	if _, err := file.GetContent(); err == nil {
		t.Error("go-github should refuse to decode encoding none")
	}
	noViolations(t, s)
}

func TestAFolderListsAtMostAThousandEntries(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	files := s.Files(owner, repo, "main")
	for i := range 1001 {
		files["many/"+strings.Repeat("0", 4-len(itoa(i)))+itoa(i)+".md"] = []byte("x")
	}
	s.mu.Lock()
	s.repos[owner+"/"+repo].setFiles("main", files, "many", "urakata-bot", s.opts.Now())
	s.mu.Unlock()
	_, dir, _, err := client(t, s).Repositories.GetContents(t.Context(), owner, repo, "many", nil)
	if err != nil || len(dir) != 1000 || dir[999].GetName() != "0999.md" {
		t.Errorf("got %d entries (%v); want the first 1,000 by name", len(dir), err)
	}
	noViolations(t, s)
}

// rawContent is a file's content as sent, still encoded.
func rawContent(rc *gh.RepositoryContent) string {
	if rc.Content == nil {
		return ""
	}
	return *rc.Content
}

func TestUpdateIssueChangesTitleBodyAndLabels(t *testing.T) {
	t.Parallel()
	var ops []string
	var mu sync.Mutex
	s := start(t, Options{OnRequest: func(op string) { mu.Lock(); ops = append(ops, op); mu.Unlock() }})
	c := client(t, s)
	got, _, err := c.Issues.Edit(t.Context(), owner, repo, 1, &gh.IssueRequest{
		Title: gh.String("新しい題"), Body: gh.String("新しい本文"), Labels: &[]string{"BUG", "triage"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, l := range got.Labels {
		labels = append(labels, l.GetName())
	}
	if got.GetTitle() != "新しい題" || got.GetBody() != "新しい本文" || !slices.Equal(labels, []string{"bug", "triage"}) || got.GetState() != "open" {
		t.Errorf("edited %+v with labels %v; want the new title, body and labels (bug as the repository spells it)", got, labels)
	}
	if resp, body := raw(t, s, http.MethodPatch, "/api/v3/repos/demo-company/back-office/issues/1", `{"body":null,"title":7}`, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a null body and a numeric title: %d %s", resp.StatusCode, body)
	}
	if is := s.Issues(owner, repo)[0]; is.Body != "" || is.Title != "7" {
		t.Errorf("held %+v; want the body cleared and the title 7", is)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(ops, []string{"issues/update", "issues/update"}) {
		t.Errorf("OnRequest saw %v", ops)
	}
	noViolations(t, s)
}
