package github

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/shared/fault"
)

const (
	demoOwner = "demo-company"
	demoRepo  = "back-office"
)

// markdownPaths is the demo's Markdown under faq/, in the order ListMarkdown yields.
var markdownPaths = []string{
	"faq/clock-missed.md",
	"faq/expenses/commute.md",
	"faq/expenses/deadline.md",
	"faq/expenses/インボイス登録番号.md",
	"faq/paid-leave.md",
	"faq/payslip.md",
}

func collect(t *testing.T, c *Connection, dir, ref string) ([]File, error) {
	t.Helper()
	var out []File
	for f, err := range c.ListMarkdown(t.Context(), demoOwner, demoRepo, dir, ref) {
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

func TestListMarkdownReadsTheKnowledgeBase(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	c := connect(t, s)
	files, err := collect(t, c, "faq", "")
	if err != nil {
		t.Fatal(err)
	}
	want := s.Files(demoOwner, demoRepo, "main")
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
		if !bytes.Equal(f.Content, want[f.Path]) {
			t.Errorf("%s: content differs from the sandbox's", f.Path)
		}
		if len(f.SHA) != 40 || !strings.Contains(f.URL, "/demo-company/back-office/blob/main/faq/") {
			t.Errorf("%s: sha %q url %q", f.Path, f.SHA, f.URL)
		}
		if !bytes.HasPrefix(f.Content, []byte("---\nquestion: ")) {
			t.Errorf("%s does not start with its front matter", f.Path)
		}
	}
	if !slices.Equal(paths, markdownPaths) {
		t.Errorf("paths %v; want %v (subfolders included, the PNG skipped, name order)", paths, markdownPaths)
	}
	// One listing per folder (faq, expenses, images) and one request per Markdown file.
	if got := s.Requests()["repos/get-content"]; got != 3+len(markdownPaths) {
		t.Errorf("%d requests; want %d", got, 3+len(markdownPaths))
	}
}

func TestListMarkdownAtARefAndOfOneFile(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	c := connect(t, s)
	head, err := s.SetFile(demoOwner, demoRepo, "kb-update", "faq/new.md", []byte("---\nquestion: 新\n---\n"), "FAQ を追加")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"kb-update", head} {
		files, err := collect(t, c, "/faq/", ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(markdownPaths)+1 || !slices.ContainsFunc(files, func(f File) bool { return f.Path == "faq/new.md" }) {
			t.Errorf("ref %s: %d files; want the branch's new one too", ref, len(files))
		}
	}
	files, err := collect(t, c, "faq/expenses/インボイス登録番号.md", "")
	if err != nil || len(files) != 1 || files[0].Path != "faq/expenses/インボイス登録番号.md" {
		t.Errorf("one file: %v %v", files, err)
	}
	if _, err := collect(t, c, "", ""); err != nil {
		t.Errorf("the whole repository: %v", err)
	}
}

func TestListMarkdownStopsWhenTheCallerDoes(t *testing.T) {
	t.Parallel()
	s := sandbox(t, githubtest.Options{})
	c := connect(t, s)
	for range c.ListMarkdown(t.Context(), demoOwner, demoRepo, "faq", "") {
		break
	}
	if got := s.Requests()["repos/get-content"]; got != 2 {
		t.Errorf("%d requests; want the listing and the first file only", got)
	}
}

func TestListMarkdownErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		dir  string
		ref  string
		arm  func(s *githubtest.Server)
		kind fault.Kind
		want string
		// yielded is how many files come before the error.
		yielded int
	}{
		{name: "a folder that does not exist is permanent", dir: "wiki", kind: fault.KindPermanent, want: "Not Found"},
		{name: "an unknown ref is permanent", dir: "faq", ref: "no-such-branch", kind: fault.KindPermanent, want: "No commit found"},
		{name: "a file that is not Markdown is permanent", dir: "faq/images/flow.png", kind: fault.KindPermanent, want: "not Markdown"},
		{name: "a file over 1 MB is permanent", dir: "faq", kind: fault.KindPermanent, want: "up to 1 MB", yielded: 0,
			arm: func(s *githubtest.Server) {
				if _, err := s.SetFile(demoOwner, demoRepo, "main", "faq/a-big.md", bytes.Repeat([]byte("x"), 1<<20+1), "big"); err != nil {
					panic(err)
				}
			}},
		{name: "a server error while reading a file ends the walk, transient", dir: "faq", kind: fault.KindTransient, want: "500", yielded: 1,
			arm: func(s *githubtest.Server) {
				s.Fail(githubtest.FaultServerError, 5, "GET /api/v3/repos/demo-company/back-office/contents/faq/expenses/commute.md")
			}},
		{name: "a malformed answer ends the walk, transient", dir: "faq", kind: fault.KindTransient, yielded: 0,
			arm: func(s *githubtest.Server) {
				s.Fail(githubtest.FaultMalformedBody, 1, "GET /api/v3/repos/demo-company/back-office/contents/faq")
			}},
		{name: "a secondary limit on a subfolder is rate limited", dir: "faq", kind: fault.KindRateLimited, yielded: 1,
			arm: func(s *githubtest.Server) {
				s.Fail(githubtest.FaultSecondaryRateLimit, 1, "GET /api/v3/repos/demo-company/back-office/contents/faq/expenses")
			}},
		{name: "a revoked token is permanent", dir: "faq", kind: fault.KindPermanent, want: "Bad credentials",
			arm: func(s *githubtest.Server) { s.Fail(githubtest.FaultExpiredToken, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := sandbox(t, githubtest.Options{RetryAfter: time.Minute})
			if tc.arm != nil {
				tc.arm(s)
			}
			c := connect(t, s)
			files, err := collect(t, c, tc.dir, tc.ref)
			if err == nil || fault.Classify(err) != tc.kind || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (%v); want %v naming %q", err, fault.Classify(err), tc.kind, tc.want)
			}
			if len(files) != tc.yielded {
				t.Errorf("%d files before the error; want %d", len(files), tc.yielded)
			}
		})
	}
}

func TestListMarkdownRefusesAFolderGitHubCutsShort(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/repos/o/r/contents/big", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString("[")
		for i := range 1000 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"type":"file","name":"%04d.md","path":"big/%04d.md"}`, i, i)
		}
		b.WriteString("]")
		writeJSON(w, http.StatusOK, b.String())
	})
	conn := &Connection{Client: c, owner: "o", repo: "r"}
	n := 0
	for _, err := range conn.ListMarkdown(t.Context(), "o", "r", "big", "") {
		n++
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "first 1000") {
			t.Errorf("err = %v; want a permanent error about GitHub's 1,000-entry cut", err)
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times; want the one error", n)
	}
}
