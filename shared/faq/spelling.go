package faq

import (
	"regexp"
	"slices"
	"strings"

	"github.com/ikawaha/kagome/v2/tokenizer"
)

// katakana turns hiragana into katakana, the inverse of hiragana.
func katakana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ぁ' && r <= 'ゖ' {
			return r - 'ぁ' + 'ァ'
		}
		return r
	}, s)
}

// kanaRun is a run of hiragana, with the long-vowel mark loanwords are written with.
var kanaRun = regexp.MustCompile(`[ぁ-ゖー]+`)

// loanwords rewrites in katakana the loanwords a question types in hiragana (たくしー代,
// ぱすわーどがわからない), which the dictionary knows only in katakana and otherwise cuts
// into nonsense. A hiragana run with a long-vowel mark ー, which native words rarely
// have, is read in katakana; the words the dictionary then knows at its start, up to
// and including the one with the mark, are kept in katakana, the rest stays as typed.
func (a *analyzer) loanwords(text string) string {
	return kanaRun.ReplaceAllStringFunc(text, func(run string) string {
		if !strings.ContainsRune(run, 'ー') {
			return run
		}
		kata := katakana(run)
		end, marked := 0, 0
		for _, t := range a.tok.Analyze(kata, tokenizer.Search) {
			if t.Class != tokenizer.KNOWN || t.POS()[0] != "名詞" {
				break
			}
			end += len(t.Surface)
			if strings.ContainsRune(t.Surface, 'ー') {
				marked = end
			}
		}
		return kata[:marked] + run[marked:]
	})
}

// hanRun is a run of kanji: a word or a compound, as typed.
var hanRun = regexp.MustCompile(`\p{Han}{2,}`)

// kanjiSpelling is the kanji words and compounds the knowledge base is written with, to
// correct the one-kanji slips of a Japanese input method (給与名細 for 給与明細, 有級 for
// 有給), which the reading alone cannot meet when the slip reads differently.
type kanjiSpelling struct {
	known map[string]bool
	// byLen holds the known runs by their length in runes, in order.
	byLen map[int][]string
	an    *analyzer
}

func newKanjiSpelling(an *analyzer, texts []string) kanjiSpelling {
	k := kanjiSpelling{known: map[string]bool{}, byLen: map[int][]string{}, an: an}
	for _, t := range texts {
		for _, w := range hanRun.FindAllString(normalize(t), -1) {
			if !k.known[w] {
				k.known[w] = true
				n := len([]rune(w))
				k.byLen[n] = append(k.byLen[n], w)
			}
		}
	}
	for _, ws := range k.byLen {
		slices.Sort(ws)
	}
	return k
}

// correct replaces each kanji run of text the knowledge base does not know with the
// known run of its length it is most likely a slip of: at most one kanji in two off, and
// read alike (see slip). When two known runs are equally likely, the run stays as typed.
func (k kanjiSpelling) correct(text string) string {
	if len(k.known) == 0 {
		return text
	}
	return hanRun.ReplaceAllStringFunc(text, func(run string) string {
		if k.known[run] {
			return run
		}
		rs := []rune(run)
		reading := []rune(k.an.readingOf(run))
		best, bestD, tie := run, maxReadingEdits(len(rs))+1, false
		for _, w := range k.byLen[len(rs)] {
			if subs := substitutions(rs, []rune(w)); subs == 0 || 2*subs > len(rs) {
				continue
			}
			d := editDistance(reading, []rune(k.an.readingOf(w)), maxReadingEdits(len(rs)))
			switch {
			case d < bestD:
				best, bestD, tie = w, d, false
			case d == bestD && synonym(w) != synonym(best):
				tie = true
			}
		}
		if tie {
			return run
		}
		return best
	})
}

// synonym is the canonical word of w in the synonym table, or w: two slips of one word
// (有給 and 有休 for 有級) are no ambiguity.
func synonym(w string) string {
	if c, ok := jaSynonyms[hiragana(w)]; ok {
		return c
	}
	return w
}

// maxReadingEdits is how far, in kana, the reading of an n-kanji slip may be from that
// of the word meant. An input method slip reads the same (保健証 for 保険証), but the
// dictionary may read a kanji out of its word otherwise (名細 as めいほそ, not めいさい);
// another real word does not read alike (出勤 for 退勤 is three kana off).
func maxReadingEdits(n int) int { return min(n-2, 2) }

// substitutions counts the positions where two runs of one length differ.
func substitutions(a, b []rune) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}
