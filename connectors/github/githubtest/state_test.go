package githubtest

import (
	"bytes"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"
)

func TestStateSurvivesASaveAndALoad(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Seed: 7})
	c := client(t, s)
	if _, _, err := c.Issues.Create(t.Context(), owner, repo, &gh.IssueRequest{Title: gh.String("保存される"), Labels: &[]string{"urakata-alert"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Issues.CreateComment(t.Context(), owner, repo, 4, &gh.IssueComment{Body: gh.String("コメント")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetFile(owner, repo, "main", "faq/new.md", []byte("新しい"), "add"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.SaveState(&buf); err != nil {
		t.Fatal(err)
	}

	again := start(t, Options{Seed: 7})
	if err := again.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	issues := again.Issues(owner, repo)
	if len(issues) != 4 || issues[3].Title != "保存される" || len(issues[3].Comments) != 1 {
		t.Fatalf("issues after load: %+v", issues)
	}
	if string(again.Files(owner, repo, "main")["faq/new.md"]) != "新しい" {
		t.Error("the file written is gone after load")
	}
	// New ids continue after the saved ones.
	is, _, err := client(t, again).Issues.Create(t.Context(), owner, repo, &gh.IssueRequest{Title: gh.String("次")})
	if err != nil || is.GetNumber() != 5 {
		t.Fatalf("the next issue: %v %v; want number 5", is.GetNumber(), err)
	}
	for _, old := range issues {
		if old.Number == 5 {
			t.Error("duplicate number")
		}
	}
	noViolations(t, again)
}

func TestLoadStateRefusesWhatItCannotTrust(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := New(Options{Seed: 1}).SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.String()
	for _, tc := range []struct{ name, state, want string }{
		{"another seed", saved, "seed"},
		{"another version", strings.Replace(saved, `"version":1`, `"version":9`, 1), "version"},
		{"not JSON", "{", "saved state"},
	} {
		seed := int64(2)
		if tc.name != "another seed" {
			seed = 1
		}
		err := New(Options{Seed: seed}).LoadState(strings.NewReader(tc.state))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want it to name %q", tc.name, err, tc.want)
		}
	}
}
