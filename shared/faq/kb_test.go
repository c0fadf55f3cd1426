package faq

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAskAnswersInTheLanguageAsked(t *testing.T) {
	t.Parallel()
	kb := loadDemo(t)
	tests := []struct {
		name, question, want string
		lang                 Lang
	}{
		{"a Japanese question gets the Japanese answer", "給料日はいつですか", "payday", Japanese},
		{"an English question gets the English answer", "When is payday?", "payday", English},
		{"full-width letters are folded", "ＶＰＮにつながらない", "vpn", Japanese},
		{"half-width kana are folded", "ﾊﾟｽﾜｰﾄﾞを忘れた", "password-reset", Japanese},
		{"a question in kana alone is read", "ねんまつちょうせい の しょるい", "year-end-adjustment", Japanese},
		{"an input method's homophone still finds the entry", "経費清算の締め日", "expense-deadline", Japanese},
		{"an English word one letter off is corrected", "paysilp", "payslip", English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := kb.Ask(tt.question)
			if a.Declined || a.Match == nil || a.Match.Entry.ID != tt.want || a.Lang != tt.lang {
				t.Fatalf("%+v; want %s in %s", a, tt.want, tt.lang)
			}
			if a.Match.Score < kb.Threshold() || a.Match.Score > 1 || a.Question != tt.question {
				t.Errorf("score %.2f (threshold %.2f), question %q", a.Match.Score, kb.Threshold(), a.Question)
			}
			answer := a.Match.Entry.AnswerIn(a.Lang)
			if english := DetectLang(answer) == English; english != (tt.lang == English) {
				t.Errorf("answer in the wrong language: %.40q", answer)
			}
		})
	}
}

func TestSynonymsFindTheSameEntry(t *testing.T) {
	t.Parallel()
	kb := loadDemo(t)
	groups := [][]string{
		{"有給の残りを確認したい", "有休の残りを確認したい", "年休の残りを確認したい", "年次有給休暇の残りを確認したい"},
		{"交通費の精算方法", "旅費の精算方法"},
		{"給与の振込口座を変えたい", "給料の振込口座を変えたい"},
		{"年末調整の書類", "年調の書類"},
		{"How do I reset my password?", "I forgot my password", "forgot password"},
	}
	for _, g := range groups {
		var got []string
		for _, q := range g {
			a := kb.Ask(q)
			if a.Match == nil {
				got = append(got, "declined")
				continue
			}
			got = append(got, a.Match.Entry.ID)
		}
		if got[0] == "declined" || len(slices.Compact(slices.Clone(got))) != 1 {
			t.Errorf("%v found %v; want one entry for all", g, got)
		}
	}
}

func TestAskDeclinesWhatNoEntryAnswersAndOffersTheClosest(t *testing.T) {
	t.Parallel()
	kb := loadDemo(t)
	tests := []struct {
		name, question string
		reason         Reason
	}{
		{"an off-topic question", "株価はいくら？", NoMatch},
		{"an off-topic question in English", "Who won the baseball game?", NoMatch},
		{"an empty question", "  ", NoMatch},
		{"punctuation only", "？？？", NoMatch},
		{"a neighbour's pay", "隣の人の給料は？", SomeoneElse},
		{"a named colleague's leave, though it matches an entry well", "田中さんの有給の残日数を確認したい", SomeoneElse},
		{"a manager's pay in English", "What is my manager's salary?", SomeoneElse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := kb.Ask(tt.question)
			if !a.Declined || a.Match != nil || a.Reason != tt.reason {
				t.Fatalf("%+v; want declined for %s", a, tt.reason)
			}
			if len(a.Closest) > 3 || !slices.IsSortedFunc(a.Closest, func(x, y Match) int { return -cmpFloat(x.Score, y.Score) }) {
				t.Errorf("closest %v: want at most 3, best first", a.Closest)
			}
			for _, m := range a.Closest {
				if m.Score <= 0 {
					t.Errorf("closest %s scored 0: it is no suggestion", m.Entry.ID)
				}
			}
		})
	}
	if a := kb.Ask("給与明細の見方とボーナスの時期"); a.Declined {
		t.Errorf("a question that matches well was declined: %+v", a)
	}
	if a := kb.Ask("田中さんの有給の残日数を確認したい"); len(a.Closest) == 0 || a.Closest[0].Entry.ID != "paid-leave-balance" {
		t.Errorf("the decline for another person should still offer how to see one's own: %+v", a.Closest)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestTheThresholdDecides(t *testing.T) {
	t.Parallel()
	entries := loadDemo(t).Entries()
	never, err := New(entries, WithThreshold(1.01))
	if err != nil {
		t.Fatal(err)
	}
	if a := never.Ask("給料日はいつですか"); !a.Declined || len(a.Closest) == 0 || a.Closest[0].Entry.ID != "payday" {
		t.Errorf("a threshold above 1 must decline everything, offering the best: %+v", a)
	}
	always, _ := New(entries, WithThreshold(0))
	if a := always.Ask("株価はいくら？"); a.Declined {
		t.Errorf("a threshold of 0 answers anything: %+v", a)
	}
}

func TestRankReturnsEveryEntryBestFirst(t *testing.T) {
	t.Parallel()
	kb := loadDemo(t)
	all := kb.Rank("有給", 1000)
	if len(all) != kb.Len() {
		t.Fatalf("%d ranked; want all %d", len(all), kb.Len())
	}
	if !slices.IsSortedFunc(all, func(x, y Match) int { return -cmpFloat(x.Score, y.Score) }) || !strings.HasPrefix(all[0].Entry.ID, "paid-leave") {
		t.Errorf("ranking starts with %s %.2f", all[0].Entry.ID, all[0].Score)
	}
	for _, n := range []int{0, -1} {
		if got := kb.Rank("有給", n); len(got) != 0 {
			t.Errorf("Rank(…, %d) = %v", n, got)
		}
	}
	long := strings.Repeat("給料日はいつですか", 500)
	if a := kb.Ask(long); a.Match == nil || a.Match.Entry.ID != "payday" {
		t.Errorf("a pasted page of one question: %+v", a.Match)
	}
}

func TestAnEmptyKnowledgeBaseDeclinesEverything(t *testing.T) {
	t.Parallel()
	kb, err := Load(t.Context(), FS(fstest.MapFS{}))
	if err != nil {
		t.Fatal(err)
	}
	if a := kb.Ask("給料日"); !a.Declined || len(a.Closest) != 0 || kb.Len() != 0 {
		t.Errorf("%+v", a)
	}
}
