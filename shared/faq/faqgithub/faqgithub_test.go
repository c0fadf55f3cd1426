package faqgithub_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/github"
	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/faq/faqgithub"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

const (
	owner = "demo-company"
	repo  = "back-office"
)

// sandbox starts the GitHub sandbox and connects to it as the hub does, with
// millisecond backoff so that faults are retried without slowing the suite.
func sandbox(t *testing.T) (*githubtest.Server, *github.Connection) {
	t.Helper()
	s := githubtest.New(githubtest.Options{})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	v, err := github.Connector.New(t.Context(), hub.Env{
		Connection: "github", BaseURL: s.BaseURL(),
		Settings: map[string]any{"owner": owner, "repo": repo, "write_interval": time.Duration(0)},
		Secret:   secrets.New(githubtest.DefaultToken),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := v.(*github.Connection)
	p := github.Policy(github.DefaultRequestsPerHour)
	p.Rate, p.RetryWaitMin, p.RetryWaitMax = 0, time.Millisecond, 2*time.Millisecond
	if c.Client, err = github.NewClient(httpx.New(p), secrets.New(githubtest.DefaultToken), s.BaseURL(), github.WithWriteInterval(0)); err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestTheSandboxKnowledgeBaseLoadsFromGitHub(t *testing.T) {
	t.Parallel()
	_, c := sandbox(t)
	kb, err := faq.Load(t.Context(), faqgithub.Source(c, owner, repo, "faq", ""))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range kb.Entries() {
		ids = append(ids, e.ID)
		if !strings.Contains(e.URL, "/demo-company/back-office/blob/main/faq/") || strings.HasPrefix(e.Path, "faq/") {
			t.Errorf("%s: path %q url %q; want the path under faq/ and the GitHub page", e.ID, e.Path, e.URL)
		}
	}
	want := []string{"clock-missed", "expenses/commute", "expenses/deadline", "expenses/インボイス登録番号", "paid-leave", "payslip"}
	if !slices.Equal(ids, want) {
		t.Errorf("ids %v; want %v (named after their paths, as they carry none)", ids, want)
	}
	if a := kb.Ask("打刻を忘れました"); a.Match == nil || a.Match.Entry.ID != "clock-missed" {
		t.Errorf("%+v", a)
	}
}

// TestTheDemoKnowledgeBaseServedFromGitHubIsTheLocalOne pushes testdata/faq to a branch
// of the sandbox and reads it back: the same entries as from the local folder, so the
// back office can move its knowledge base to GitHub as it is.
func TestTheDemoKnowledgeBaseServedFromGitHubIsTheLocalOne(t *testing.T) {
	t.Parallel()
	s, c := sandbox(t)
	const local = "../../../testdata/faq"
	err := filepath.WalkDir(local, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(local, p)
		_, err = s.SetFile(owner, repo, "kb", "handbook/faq/"+filepath.ToSlash(rel), b, "FAQ を追加")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	fromGitHub, err := faq.Load(t.Context(), faqgithub.Source(c, owner, repo, "/handbook/faq/", "kb"))
	if err != nil {
		t.Fatal(err)
	}
	fromDisk, err := faq.Load(t.Context(), faq.Dir(local))
	if err != nil {
		t.Fatal(err)
	}
	a, b := fromGitHub.Entries(), fromDisk.Entries()
	if len(a) != len(b) || len(a) < 40 {
		t.Fatalf("%d entries from GitHub, %d from disk", len(a), len(b))
	}
	for i := range a {
		if a[i].URL == "" {
			t.Errorf("%s has no URL", a[i].ID)
		}
		a[i].URL = ""
	}
	if gh, _ := faq.New(a); gh.Version() != fromDisk.Version() {
		t.Error("the entries read from GitHub differ from those on disk")
	}
}

func TestGitHubErrorsReachTheCaller(t *testing.T) {
	t.Parallel()
	s, c := sandbox(t)
	t.Run("a folder that is not there is permanent", func(t *testing.T) {
		_, err := faq.Load(t.Context(), faqgithub.Source(c, owner, repo, "no-such-folder", ""))
		if fault.Classify(err) != fault.KindPermanent {
			t.Errorf("error %v (%v); want permanent", err, fault.Classify(err))
		}
	})
	t.Run("a bad entry in a pull request names its file and line", func(t *testing.T) {
		if _, err := s.SetFile(owner, repo, "bad", "faq/new.md", []byte("---\nquestion: 新しい質問\nowner: [\n---\n回答\n"), "FAQ を追加"); err != nil {
			t.Fatal(err)
		}
		_, err := faq.Load(t.Context(), faqgithub.Source(c, owner, repo, "faq", "bad"))
		var list faq.EntryErrors
		if !errors.As(err, &list) || len(list) != 1 || list[0].Path != "new.md" {
			t.Errorf("error %v; want one entry error for new.md", err)
		}
	})
	t.Run("a server failing on every retry is transient", func(t *testing.T) {
		s.Fail(githubtest.FaultServerError, 100, "GET /api/v3/repos/demo-company/back-office/contents/faq/expenses")
		_, err := faq.Load(t.Context(), faqgithub.Source(c, owner, repo, "faq", ""))
		if err == nil || fault.Classify(err) != fault.KindTransient {
			t.Errorf("error %v; want a transient error", err)
		}
	})
}
