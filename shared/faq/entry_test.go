package faq

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const fullEntry = `---
id: paid-leave-balance
question: 有給の残日数はどこで見られますか？
paraphrases:
  - 有給はあと何日？
question_en: Where can I see my leave balance?
paraphrases_en: ["How many days of leave do I have left?"]
tags: [有給]
owner: jinji@example.co.jp
---
勤怠システムのトップ画面に表示されます。

<!-- en -->

It is on the attendance system's home screen.
`

func TestParseReadsFrontMatterAndBothAnswers(t *testing.T) {
	t.Parallel()
	e, err := Parse("leave/balance.md", []byte(fullEntry))
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{
		ID: "paid-leave-balance", Question: "有給の残日数はどこで見られますか？", Paraphrases: []string{"有給はあと何日？"},
		QuestionEN: "Where can I see my leave balance?", ParaphrasesEN: []string{"How many days of leave do I have left?"},
		Tags: []string{"有給"}, Owner: "jinji@example.co.jp",
		Answer: "勤怠システムのトップ画面に表示されます。", AnswerEN: "It is on the attendance system's home screen.",
		Path: "leave/balance.md",
	}
	if e.ID != want.ID || e.Question != want.Question || !slices.Equal(e.Paraphrases, want.Paraphrases) ||
		e.QuestionEN != want.QuestionEN || !slices.Equal(e.ParaphrasesEN, want.ParaphrasesEN) ||
		!slices.Equal(e.Tags, want.Tags) || e.Owner != want.Owner || e.Answer != want.Answer ||
		e.AnswerEN != want.AnswerEN || e.Path != want.Path {
		t.Errorf("got  %+v\nwant %+v", e, want)
	}
	if e.QuestionIn(English) != want.QuestionEN || e.AnswerIn(Japanese) != want.Answer || e.AnswerIn(English) != want.AnswerEN {
		t.Error("QuestionIn/AnswerIn do not pick the language asked")
	}
}

func TestParseAcceptsWhatPeopleWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, content string
		check               func(Entry) bool
	}{
		{"an entry without an id is named after its path", "expenses/インボイス.md",
			"---\nquestion: 質問\nowner: a@example.com\n---\n回答\n",
			func(e Entry) bool { return e.ID == "expenses/インボイス" }},
		{"an entry without English answers in Japanese in both languages", "a.md",
			"---\nquestion: 質問\nowner: a@example.com\n---\n回答\n",
			func(e Entry) bool { return e.AnswerIn(English) == "回答" && e.QuestionIn(English) == "質問" }},
		{"a list field may be a single string", "a.md",
			"---\nquestion: 質問\ntags: 給与\nparaphrases: 言い換え\nowner: a@example.com\n---\n回答\n",
			func(e Entry) bool {
				return slices.Equal(e.Tags, []string{"給与"}) && slices.Equal(e.Paraphrases, []string{"言い換え"})
			}},
		{"Windows line ends and a byte order mark are read", "a.md",
			"\ufeff---\r\nquestion: 質問\r\nquestion_en: Q\r\nowner: a@example.com\r\n---\r\n回答\r\n\r\n<!-- en -->\r\nAnswer\r\n",
			func(e Entry) bool { return e.Answer == "回答" && e.AnswerEN == "Answer" && e.QuestionEN == "Q" }},
		{"a file that ends right after the front matter has no answer, reported, not a crash", "a.md",
			"---\nquestion: 質問\nowner: a@example.com\n---",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.path, []byte(tt.content))
			if tt.check == nil {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(e) {
				t.Errorf("%+v", e)
			}
		})
	}
}

func TestParseNamesTheFileLineAndFieldOfEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content string
		want          []EntryError // Path is always "faq/x.md"
	}{
		{"no front matter", "質問\n", []EntryError{{Line: 1, Message: "no front matter"}}},
		{"front matter never closed", "---\nquestion: 質問\n", []EntryError{{Line: 1, Message: "not closed"}}},
		{"a YAML syntax error is placed on its line of the file", "---\nquestion: 質問\nowner: a: b\n---\n回答\n",
			[]EntryError{{Line: 3, Message: "not valid YAML"}}},
		{"an unknown key", "---\nquestion: 質問\nanswer: 回答\nowner: a@example.com\n---\n回答\n",
			[]EntryError{{Line: 3, Field: "answer", Message: "unknown key"}}},
		{"a missing question and owner, both at once", "---\ntags: [給与]\n---\n回答\n",
			[]EntryError{{Line: 2, Field: "question", Message: "missing"}, {Line: 2, Field: "owner", Message: "missing"}}},
		{"an owner that is not an address", "---\nquestion: 質問\nowner: 山田 太郎\n---\n回答\n",
			[]EntryError{{Line: 3, Field: "owner", Message: "not an email address"}}},
		{"an owner with a display name", "---\nquestion: 質問\nowner: Yamada <y@example.com>\n---\n回答\n",
			[]EntryError{{Line: 3, Field: "owner", Message: "not an email address"}}},
		{"an id with capitals and spaces", "---\nid: Paid Leave\nquestion: 質問\nowner: a@example.com\n---\n回答\n",
			[]EntryError{{Line: 2, Field: "id", Message: "lower-case"}}},
		{"a question that is a list", "---\nquestion: [a, b]\nowner: a@example.com\n---\n回答\n",
			[]EntryError{{Line: 2, Field: "question", Message: "want a string"}}},
		{"a paraphrase that is not a string", "---\nquestion: 質問\nparaphrases:\n  - a\n  - {b: c}\nowner: a@example.com\n---\n回答\n",
			[]EntryError{{Line: 3, Field: "paraphrases", Message: "item 2"}}},
		{"an empty paraphrase", "---\nquestion: 質問\nparaphrases: ['a', '']\nowner: a@example.com\n---\n回答\n",
			[]EntryError{{Line: 3, Field: "paraphrases", Message: "empty"}}},
		{"no answer", "---\nquestion: 質問\nowner: a@example.com\n---\n\n", []EntryError{{Line: 5, Message: "no answer"}}},
		{"an English answer without the English question", "---\nquestion: 質問\nowner: a@example.com\n---\n回答\n<!-- en -->\nAnswer\n",
			[]EntryError{{Line: 2, Field: "question_en", Message: "needs the English question"}}},
		{"an English question without an English answer", "---\nquestion: 質問\nquestion_en: Q\nowner: a@example.com\n---\n回答\n",
			[]EntryError{{Line: 3, Field: "question_en", Message: "no English answer"}}},
		{"nothing after the marker", "---\nquestion: 質問\nquestion_en: Q\nowner: a@example.com\n---\n回答\n<!-- en -->\n\n",
			[]EntryError{{Line: 7, Message: "nothing after"}}},
		{"a second marker is placed on its line", "---\nquestion: 質問\nquestion_en: Q\nowner: a@example.com\n---\n回答\n<!-- en -->\nA\n<!-- en -->\nB\n",
			[]EntryError{{Line: 9, Message: "a second <!-- en -->"}}},
		{"English paraphrases without the English question", "---\nquestion: 質問\nparaphrases_en: [Q]\nowner: a@example.com\n---\n回答\n",
			[]EntryError{{Line: 3, Field: "paraphrases_en", Message: "without question_en"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("faq/x.md", []byte(tt.content))
			var list EntryErrors
			if !errors.As(err, &list) {
				t.Fatalf("error %v; want EntryErrors", err)
			}
			if len(list) != len(tt.want) {
				t.Fatalf("errors:\n%v\nwant %d", err, len(tt.want))
			}
			for i, w := range tt.want {
				g := list[i]
				if g.Path != "faq/x.md" || g.Line != w.Line || g.Field != w.Field || !strings.Contains(g.Message, w.Message) {
					t.Errorf("error %d: %+v; want line %d, field %q, a message with %q", i, *g, w.Line, w.Field, w.Message)
				}
			}
			var one *EntryError
			if !errors.As(err, &one) || !strings.HasPrefix(err.Error(), "faq/x.md:") {
				t.Errorf("%q: errors.As finds no *EntryError, or the text does not start with the file", err)
			}
		})
	}
}

func TestParseErrorsDoNotRepeatTheOwner(t *testing.T) {
	t.Parallel()
	_, err := Parse("x.md", []byte("---\nquestion: 質問\nowner: 山田太郎 090-1234-5678\n---\n回答\n"))
	if err == nil || strings.Contains(err.Error(), "山田") || strings.Contains(err.Error(), "090") {
		t.Errorf("error %v: it must say the owner is wrong without printing it", err)
	}
}
