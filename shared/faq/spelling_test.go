package faq

import (
	"slices"
	"testing"
)

func TestKatakanaIsTheInverseOfHiragana(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"タクシー", "パスワード", "ヴァ"} {
		if got := katakana(hiragana(s)); got != s {
			t.Errorf("katakana(hiragana(%q)) = %q", s, got)
		}
	}
	if got := katakana("たくしー代"); got != "タクシー代" {
		t.Errorf("katakana(たくしー代) = %q; kanji and the long-vowel mark stay", got)
	}
}

func TestLoanwordsInHiraganaAreReadInKatakana(t *testing.T) {
	t.Parallel()
	an, err := sharedAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text, want string
	}{
		{"a loanword before a kanji suffix", "たくしー代", "タクシー代"},
		{"a loanword before the particles and verbs of the sentence", "ぱすわーどがわからない", "パスワードがわからない"},
		{"a run without a long-vowel mark is native", "げつようび", "げつようび"},
		{"a drawn-out native word is no loanword", "すごーい", "すごーい"},
		{"katakana is left alone", "タクシー", "タクシー"},
	}
	for _, tt := range tests {
		if got := an.loanwords(tt.text); got != tt.want {
			t.Errorf("%s: loanwords(%q) = %q; want %q", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestKanjiSlipsAreCorrectedToTheKnownWord(t *testing.T) {
	t.Parallel()
	an, err := sharedAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	k := newKanjiSpelling(an, []string{"給与明細はどこ？", "有給の残日数", "退勤時刻を直す", "源泉徴収票", "保険証", "天気"})
	tests := []struct {
		name, text, want string
	}{
		{"one kanji off in a compound", "給与名細を見たい", "給与明細を見たい"},
		{"a homophone of a two-kanji word", "有級の残日数", "有給の残日数"},
		{"a homophone in a three-kanji word", "保健証", "保険証"},
		{"two kanji off in a long word that reads one kana apart", "源泉聴取票", "源泉徴収票"},
		{"another real word that reads otherwise stays", "出勤時刻", "出勤時刻"},
		{"a known word stays", "退勤時刻", "退勤時刻"},
		{"a word like no known one stays", "会議室", "会議室"},
		{"a two-kanji word that reads otherwise stays", "元気", "元気"},
	}
	for _, tt := range tests {
		if got := k.correct(tt.text); got != tt.want {
			t.Errorf("%s: correct(%q) = %q; want %q", tt.name, tt.text, got, tt.want)
		}
	}
	if got := (kanjiSpelling{}).correct("給与名細"); got != "給与名細" {
		t.Errorf("an empty knowledge base corrected 給与名細 to %q", got)
	}
}

func TestEditDistanceCountsKanaAsOne(t *testing.T) {
	t.Parallel()
	if got := editDistance([]rune("げんせんちょうしゅひょう"), []rune("げんせんちょうしゅうひょう"), 1); got != 1 {
		t.Errorf("a kana left out is %d edits; want 1", got)
	}
}

func TestTermsMeetAcrossFormsAndLanguagesOfLifeEvents(t *testing.T) {
	t.Parallel()
	an, err := sharedAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	texts := func(q string) []string {
		var out []string
		for _, t := range an.terms(q, nil) {
			out = append(out, t.text)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	tests := []struct {
		name string
		// every term of want is among those of q.
		q, want string
	}{
		{"a verb meets the noun of a mistake", "打刻を間違えた", "打刻の間違い"},
		{"訂正する meets 修正", "訂正したい", "修正"},
		{"申し込む meets 申請", "有給を申し込む", "有給の申請"},
		{"a loanword in hiragana meets its katakana", "たくしー代", "タクシー代"},
		{"a loanword in half-width katakana meets its katakana", "ﾀｸｼｰ代", "タクシー代"},
		{"gave birth is being born", "my wife gave birth", "born"},
		{"had a baby is being born", "we had a baby", "born"},
		{"got married is a marriage", "I got married", "marriage"},
		{"moved house is a move", "we moved house", "move"},
		{"a new hire joins", "I'm a new hire", "join"},
		{"quitting is resigning", "I'm quitting", "resign"},
	}
	for _, tt := range tests {
		got, want := texts(tt.q), texts(tt.want)
		if len(want) == 0 {
			t.Fatalf("%s: %q gave no terms", tt.name, tt.want)
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %q → %v; want %v among them", tt.name, tt.q, got, want)
				break
			}
		}
	}
}
