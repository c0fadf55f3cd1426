package faq

import (
	"slices"
	"testing"
)

func TestDetectLang(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]Lang{
		"When is payday?": English, "給料日は？": Japanese, "VPNにつながらない": Japanese,
		"ﾊﾟｽﾜｰﾄﾞ": Japanese, "": English, "123": English,
	} {
		if got := DetectLang(q); got != want {
			t.Errorf("DetectLang(%q) = %s; want %s", q, got, want)
		}
	}
}

func TestStemBringsInflectionsTogether(t *testing.T) {
	t.Parallel()
	for _, words := range [][]string{
		{"claim", "claims", "claimed", "claiming"},
		{"expense", "expenses"},
		{"move", "moved", "moving"},
		{"apply", "applied", "applies"},
		{"policy", "policies"},
		{"stop", "stopped"},
		{"tax", "taxes"},
	} {
		var stems []string
		for _, w := range words {
			stems = append(stems, stem(w))
		}
		if len(slices.Compact(slices.Clone(stems))) != 1 {
			t.Errorf("%v stem to %v; want one stem", words, stems)
		}
	}
	for _, w := range []string{"bus", "pass", "day", "pc"} {
		if got := stem(w); got != w {
			t.Errorf("stem(%q) = %q; short words and -ss/-us stay", w, got)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"payslip", "payslip", 1, 0},
		{"paysilp", "payslip", 1, 1}, // a swap of neighbours is one edit
		{"recipt", "receipt", 1, 1},
		{"expenc", "expens", 1, 1},
		{"salary", "weather", 1, 2}, // beyond max: max+1
		{"a", "abcdef", 2, 3},
	}
	for _, tt := range tests {
		if got := editDistance([]byte(tt.a), []byte(tt.b), tt.max); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d; want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

func TestStemOfMakesTheNounOfAVerb(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ reading, conjugation, want string }{
		{"やすむ", "五段・マ行", "やすみ"},
		{"わすれる", "一段", "わすれ"},
		{"もうしこむ", "五段・マ行", "もうしこみ"},
		{"かえる", "五段・ラ行", "かえり"},
		{"くる", "カ変・来ル", "くる"},
	} {
		if got := stemOf(tt.reading, tt.conjugation); got != tt.want {
			t.Errorf("stemOf(%s, %s) = %s; want %s", tt.reading, tt.conjugation, got, tt.want)
		}
	}
}

func TestTermsNormaliseJapanese(t *testing.T) {
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
		return out
	}
	tests := []struct {
		name string
		a, b string
	}{
		{"kanji and kana spell the same word", "パソコンを忘れた", "ぱそこんをわすれた"},
		{"a verb meets its noun", "休みたい", "休み"},
		{"synonyms of several words become one", "年次有給休暇", "有休"},
		{"a polite prefix adds nothing", "お葬式", "葬式"},
		{"width and case are folded", "ＶＰＮ", "vpn"},
	}
	for _, tt := range tests {
		if a, b := texts(tt.a), texts(tt.b); !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: %q → %v, %q → %v", tt.name, tt.a, a, tt.b, b)
		}
	}
	if got := texts("何を教えてくださいますか？"); len(got) != 0 {
		t.Errorf("a question of stop words and punctuation gave terms %v", got)
	}
}

func TestAboutSomeoneElse(t *testing.T) {
	t.Parallel()
	kb := loadDemo(t)
	for q, want := range map[string]bool{
		"隣の人の給料は？":                                      true,
		"田中さんの有給は何日残ってる？":                               true,
		"部長のボーナスはいくら？":                                  true,
		"同僚の住所を教えて":                                     true,
		"What is my coworker's salary?":                 true,
		"How much does the CEO earn?":                   true,
		"残業申請は上司の承認が必要ですか":                              false,
		"妻を扶養に入れたい":                                     false,
		"上長は部下の勤怠をいつまでに承認しますか":                          false,
		"有給の残日数を知りたい":                                   false,
		"When do managers approve attendance?":          false,
		"My manager asked me to work late, do I apply?": false,
	} {
		if got := kb.AboutSomeoneElse(q); got != want {
			t.Errorf("AboutSomeoneElse(%q) = %v; want %v", q, got, want)
		}
		if got := kb.Ask(q).Reason == SomeoneElse; got != want {
			t.Errorf("Ask(%q) declines as someone else's: %v; want %v, as AboutSomeoneElse says", q, got, want)
		}
	}
}
