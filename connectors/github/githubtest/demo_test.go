package githubtest

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// faq is the front matter every demo FAQ file carries.
type faq struct {
	Question    string   `yaml:"question"`
	Paraphrases []string `yaml:"paraphrases"`
	Tags        []string `yaml:"tags"`
	Owner       string   `yaml:"owner"`
}

func TestTheDemoKnowledgeBaseIsJapaneseFAQsWithFrontMatter(t *testing.T) {
	t.Parallel()
	for _, headcount := range []int{30, 2} {
		files := New(Options{Employees: headcount}).Files(owner, repo, "main")
		var faqs []string
		for path, b := range files {
			if !strings.HasPrefix(path, "faq/") || !strings.HasSuffix(path, ".md") {
				continue
			}
			faqs = append(faqs, path)
			front, answer, ok := bytes.Cut(bytes.TrimPrefix(b, []byte("---\n")), []byte("\n---\n"))
			if !ok || !bytes.HasPrefix(b, []byte("---\n")) {
				t.Errorf("%s: no front matter", path)
				continue
			}
			var f faq
			if err := yaml.Unmarshal(front, &f); err != nil {
				t.Errorf("%s: front matter: %v", path, err)
				continue
			}
			owners := make([]string, headcount)
			for i := range owners {
				owners[i] = Email(i + 1)
			}
			if f.Question == "" || len(f.Paraphrases) < 2 || len(f.Tags) == 0 || !slices.Contains(owners, f.Owner) ||
				len(bytes.TrimSpace(answer)) == 0 {
				t.Errorf("%s (head count %d): %+v; want a question, paraphrases, tags, an owner among the employees, and an answer", path, headcount, f)
			}
		}
		if len(faqs) < 5 || !slices.Contains(faqs, "faq/expenses/インボイス登録番号.md") {
			t.Errorf("head count %d: FAQ files %v; want several, one with a Japanese name", headcount, faqs)
		}
		if _, ok := files["faq/images/flow.png"]; !ok {
			t.Error("the demo should hold a file that is not Markdown beside the FAQs")
		}
	}
}
