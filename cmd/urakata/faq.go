package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"

	"github.com/urakata/urakata/shared/faq"
)

// defaultKB is the demo company's knowledge base in the source tree, which `urakata dev`
// uses too; run from the repository's root, or pass --kb.
const defaultKB = "testdata/faq"

// faqResult is what `urakata faq ask --json` prints.
type faqResult struct {
	OK       bool       `json:"ok"`
	Question string     `json:"question"`
	Lang     faq.Lang   `json:"lang"`
	Entry    *faqEntry  `json:"entry"`
	Declined bool       `json:"declined"`
	Reason   faq.Reason `json:"reason,omitempty"`
	// Closest are the entries offered when declined ("did you mean"); empty otherwise.
	Closest   []faqEntry `json:"closest"`
	Threshold float64    `json:"threshold"`
}

type faqEntry struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Score    float64 `json:"score"`
	Answer   string  `json:"answer,omitempty"`
	URL      string  `json:"url,omitempty"`
}

func cmdFAQ(ctx context.Context, a *app, args []string) error {
	flags := a.flags("faq", "hub.yaml")
	dir := flags.String("kb", defaultKB, "the folder of the knowledge base (Markdown files with front matter)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || pos[0] != "ask" {
		return usageErr(`faq takes a subcommand: urakata faq ask "QUESTION" [--kb DIR] [--json]`)
	}
	question := strings.TrimSpace(strings.Join(pos[1:], " "))
	if question == "" {
		return usageErr(`faq ask takes the question: urakata faq ask "給料日はいつですか？"`)
	}
	kb, err := a.loadKB(ctx, *dir)
	if err != nil {
		return err
	}
	ans := kb.Ask(question)
	res := faqResult{OK: !ans.Declined, Question: question, Lang: ans.Lang, Declined: ans.Declined, Reason: ans.Reason,
		Closest: []faqEntry{}, Threshold: kb.Threshold()}
	if m := ans.Match; m != nil {
		res.Entry = &faqEntry{ID: m.Entry.ID, Question: m.Entry.QuestionIn(ans.Lang), Score: round(m.Score),
			Answer: m.Entry.AnswerIn(ans.Lang), URL: m.Entry.URL}
	}
	for _, m := range ans.Closest {
		res.Closest = append(res.Closest, faqEntry{ID: m.Entry.ID, Question: m.Entry.QuestionIn(ans.Lang), Score: round(m.Score), URL: m.Entry.URL})
	}
	if a.json {
		a.printJSON(res)
	} else {
		printAnswer(a, res)
	}
	if ans.Declined {
		return failedErr
	}
	return nil
}

// loadKB reads the knowledge base; a folder that is not there or an entry that does not
// parse is bad usage, like an invalid hub.yaml.
func (a *app) loadKB(ctx context.Context, dir string) (*faq.KB, error) {
	kb, err := faq.Load(ctx, faq.Dir(dir))
	var list faq.EntryErrors
	switch {
	case err == nil:
		return kb, nil
	case errors.As(err, &list):
		if a.json {
			a.printJSON(map[string]any{"ok": false, "error": fmt.Sprintf("knowledge base %s has %d errors", dir, len(list)), "errors": list, "exit_code": exitUsage})
			return nil, &exitError{code: exitUsage, err: err, reported: true}
		}
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("knowledge base %s:\n%w", dir, err)}
	case errors.Is(err, fs.ErrNotExist) && dir == defaultKB:
		return nil, usageErr("--kb %s: no such folder; the default is the demo knowledge base in the source tree (run from its root) — pass --kb DIR", dir)
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageErr("--kb %s: no such folder", dir)
	case ctx.Err() != nil:
		return nil, err
	}
	return nil, &exitError{code: exitUsage, err: err}
}

func printAnswer(a *app, res faqResult) {
	w := a.stdout
	if e := res.Entry; e != nil {
		fmt.Fprintf(w, "%s  (score %.2f)\nQ: %s\n\n%s\n", e.ID, e.Score, e.Question, e.Answer)
		if e.URL != "" {
			fmt.Fprintf(w, "\n%s\n", e.URL)
		}
		return
	}
	if res.Reason == faq.SomeoneElse {
		fmt.Fprintln(w, "declined: the question asks about another person's data, which is never answered")
	} else {
		best := 0.0
		if len(res.Closest) > 0 {
			best = res.Closest[0].Score
		}
		fmt.Fprintf(w, "declined: no entry answers it with confidence (best score %.2f, threshold %.2f)\n", best, res.Threshold)
	}
	if len(res.Closest) > 0 {
		fmt.Fprintln(w, "closest entries:")
		for _, c := range res.Closest {
			fmt.Fprintf(w, "  %-24s %.2f  %s\n", c.ID, c.Score, c.Question)
		}
	}
}

// round keeps three decimals of a score, which is all it means.
func round(x float64) float64 { return math.Round(x*1000) / 1000 }
