package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoKB is the demo knowledge base, seen from this package's folder.
const demoKB = "../../testdata/faq"

// askFAQ runs `urakata faq …` in this process (the dictionary loads once for all tests).
func askFAQ(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(t.Context(), append([]string{"faq"}, args...), &out, &errb)
	return out.String(), errb.String(), code
}

func decodeFAQ(t *testing.T, stdout string) faqResult {
	t.Helper()
	var res faqResult
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil || dec.More() {
		t.Fatalf("stdout is not one JSON result: %v\n%s", err, stdout)
	}
	return res
}

func TestFAQAskAnswersWithTheEntryAndItsScore(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := askFAQ(t, "ask", "有給", "あと何日残ってる？", "--kb", demoKB)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"paid-leave-balance  (score ", "Q: 有給休暇の残日数はどこで確認できますか？", "勤怠システムのトップ画面"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestFAQAskJSON(t *testing.T) {
	t.Parallel()
	t.Run("an answer in English", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := askFAQ(t, "ask", "How do I reset my password?", "--json", "--kb", demoKB)
		if code != exitOK {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		res := decodeFAQ(t, stdout)
		if !res.OK || res.Declined || res.Entry == nil || res.Entry.ID != "password-reset" || res.Lang != "en" ||
			res.Entry.Score < res.Threshold || res.Entry.Score > 1 || !strings.Contains(res.Entry.Answer, "Forgot your password?") ||
			res.Question != "How do I reset my password?" || res.Closest == nil || len(res.Closest) != 0 {
			t.Errorf("result %s", stdout)
		}
	})
	t.Run("a decline exits 1 and offers the closest entries", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := askFAQ(t, "ask", "隣の人の給料は？", "--json", "--kb", demoKB)
		if code != exitFailed {
			t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitFailed, stderr)
		}
		res := decodeFAQ(t, stdout)
		if res.OK || !res.Declined || res.Entry != nil || res.Reason != "someone_else" || len(res.Closest) > 3 {
			t.Errorf("result %s", stdout)
		}
		for _, c := range res.Closest {
			if c.ID == "" || c.Question == "" || c.Answer != "" {
				t.Errorf("closest %+v: want id and question, no answer", c)
			}
		}
	})
	t.Run("an off-topic question is declined as no match", func(t *testing.T) {
		t.Parallel()
		stdout, _, code := askFAQ(t, "ask", "株価はいくら？", "--json", "--kb", demoKB)
		if res := decodeFAQ(t, stdout); code != exitFailed || res.Reason != "no_match" {
			t.Errorf("exit %d, result %s", code, stdout)
		}
	})
}

func TestFAQDeclineInTextSaysWhy(t *testing.T) {
	t.Parallel()
	stdout, _, code := askFAQ(t, "ask", "株価はいくら？", "--kb", demoKB)
	if code != exitFailed || !strings.Contains(stdout, "declined: no entry answers it") || !strings.Contains(stdout, "threshold 0.25") {
		t.Errorf("exit %d, stdout:\n%s", code, stdout)
	}
}

func TestFAQBadUsageExitsTwo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", nil, "faq takes a subcommand"},
		{"another subcommand", []string{"list"}, "faq takes a subcommand"},
		{"no question", []string{"ask", "--kb", demoKB}, "faq ask takes the question"},
		{"a blank question", []string{"ask", "  ", "--kb", demoKB}, "faq ask takes the question"},
		{"an unknown flag", []string{"ask", "x", "--top", "3"}, "flag provided but not defined: -top"},
		{"a folder that is not there", []string{"ask", "x", "--kb", "no/such/folder"}, "--kb no/such/folder: no such folder"},
		{"the default folder, from elsewhere than the repository root", []string{"ask", "x"}, "run from its root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := askFAQ(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want 2 and %q", code, stderr, stdout, tc.want)
			}
		})
	}
}

func TestFAQReportsABadKnowledgeBaseWithFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := "---\nquestion: 給料日は？\nowner: not an address\n---\n25日です。\n"
	if err := os.WriteFile(filepath.Join(dir, "payday.md"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := askFAQ(t, "ask", "給料日", "--kb", dir)
	if code != exitUsage || !strings.Contains(stderr, "payday.md:3: owner: not an email address") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	stdout, _, code := askFAQ(t, "ask", "給料日", "--kb", dir, "--json")
	var res struct {
		OK     bool `json:"ok"`
		Errors []struct {
			Path  string `json:"path"`
			Line  int    `json:"line"`
			Field string `json:"field"`
		} `json:"errors"`
		ExitCode int `json:"exit_code"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != exitUsage || res.OK || res.ExitCode != exitUsage ||
		len(res.Errors) != 1 || res.Errors[0].Path != "payday.md" || res.Errors[0].Line != 3 || res.Errors[0].Field != "owner" {
		t.Errorf("exit %d, stdout %s", code, stdout)
	}
}
