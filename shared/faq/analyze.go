package faq

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// Lang is the language a question is asked in, and the answer given in.
type Lang string

// The languages of the knowledge base.
const (
	Japanese Lang = "ja"
	English  Lang = "en"
)

// DetectLang says which language s is in: Japanese when it holds any kana or kanji,
// English otherwise.
func DetectLang(s string) Lang {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return Japanese
		}
	}
	return English
}

// term is one unit of matching: a Japanese word by its reading, an English stem, or a
// canonical synonym. free marks a term that is evidence when an entry has it and no
// penalty when none has: two adjacent nouns joined (給与+明細), whose parts already count,
// and the verbs, adjectives and time words (行く, 来週) that any question may bring.
type term struct {
	text string
	free bool
	// weak marks a word of time or degree (今日, 来月): it counts half.
	weak bool
}

// analyzer turns questions into terms. One is shared by every knowledge base: the
// dictionary takes about 0.7 s and 90 MB to load, once.
type analyzer struct {
	tok *tokenizer.Tokenizer
	// readings caches the hiragana reading of a base form or a synonym, which needs a
	// tokenizer pass of its own; it holds at most the dictionary's verbs and adjectives.
	readings sync.Map
}

var sharedAnalyzer = sync.OnceValues(func() (*analyzer, error) {
	t, err := tokenizer.New(ipa.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		return nil, fmt.Errorf("faq: load the Japanese dictionary: %w", err)
	}
	return &analyzer{tok: t}, nil
})

// normalize folds width (ＡＢＣ１２３ → ABC123, ｶﾅ → カナ) and case.
func normalize(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

// hiragana turns katakana into hiragana, so that パソコン and ぱそこん meet.
func hiragana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - 'ァ' + 'ぁ'
		}
		return r
	}, s)
}

// morphKind is what part a morpheme plays in matching.
type morphKind int

const (
	skip  morphKind = iota // particles, auxiliaries, symbols, numbers, pronouns: no term, ends a compound
	noun                   // a content noun: a term, and part of a compound
	affix                  // a prefix or suffix (打+刻, 交通+費): part of a compound only
	verb                   // a verb or adjective: its base form's reading is the term
	latin                  // a word in Latin letters inside Japanese text (VPN, PC)
)

type morph struct {
	surface string
	base    string
	reading string
	// conjugation is a verb's conjugation class (五段・マ行, 一段, …).
	conjugation string
	kind        morphKind
	// adverbial marks a noun of time or degree (今日, 来週, 少し), which says little.
	adverbial bool
	// name marks a person's name (田中, 佐藤).
	name bool
	// canonical is set when a synonym replaced the morphemes: the term as it stands.
	canonical string
}

// honorific are the polite prefixes, which add nothing to the word they precede.
var honorific = set("お", "ご", "御")

var latinWord = regexp.MustCompile(`^[a-z0-9][a-z0-9.'+-]*$`)

// morphs tokenizes normalised Japanese text and classifies each morpheme.
func (a *analyzer) morphs(text string) []morph {
	toks := a.tok.Analyze(text, tokenizer.Search)
	out := make([]morph, 0, len(toks))
	for _, t := range toks {
		m := morph{surface: t.Surface}
		m.base, _ = t.BaseForm()
		if m.base == "" || m.base == "*" {
			m.base = t.Surface
		}
		if r, ok := t.Reading(); ok && r != "*" && r != "" {
			m.reading = hiragana(r)
		}
		pos := t.POS()
		for len(pos) < 2 {
			pos = append(pos, "*")
		}
		switch {
		case !strings.ContainsFunc(t.Surface, isWordRune):
			m.kind = skip // punctuation, which the dictionary may call a noun (?)
		case latinWord.MatchString(t.Surface):
			m.kind = latin
		case pos[0] == "名詞":
			switch pos[1] {
			case "代名詞", "非自立", "数", "特殊":
				m.kind = skip
			case "接尾":
				m.kind = affix
			default:
				m.kind = noun
				m.adverbial = pos[1] == "副詞可能"
				m.name = len(pos) > 2 && pos[1] == "固有名詞" && pos[2] == "人名"
			}
		case pos[0] == "接頭詞" && honorific[t.Surface]:
			m.kind = skip // お葬式 is 葬式
		case pos[0] == "接頭詞":
			m.kind = affix
		case (pos[0] == "動詞" || pos[0] == "形容詞") && pos[1] == "自立":
			m.kind = verb
			if pos[0] == "動詞" {
				m.conjugation, _ = t.InflectionalType()
			}
		default:
			m.kind = skip
		}
		out = append(out, m)
	}
	return out
}

// maxPhrase is the most morphemes a synonym of the table spans (年次+有給+休暇).
const maxPhrase = 6

// applySynonyms replaces the longest runs of morphemes that spell a synonym with one
// morpheme carrying its canonical term; a single morpheme may also match by base form
// (辞める → 退職).
func (a *analyzer) applySynonyms(ms []morph) []morph {
	out := ms[:0:0]
	for i := 0; i < len(ms); {
		matched := false
		for j := min(len(ms), i+maxPhrase); j > i+1; j-- {
			var key strings.Builder
			for _, m := range ms[i:j] {
				key.WriteString(m.surface)
			}
			if c, ok := jaSynonyms[hiragana(key.String())]; ok {
				out = append(out, morph{surface: key.String(), base: key.String(), kind: noun, canonical: c})
				i, matched = j, true
				break
			}
		}
		if matched {
			continue
		}
		m := ms[i]
		if m.kind != skip {
			if c, ok := jaSynonyms[hiragana(m.surface)]; ok {
				m.canonical, m.kind = c, noun
			} else if c, ok := jaSynonyms[hiragana(m.base)]; ok {
				m.canonical, m.kind = c, noun
			}
		}
		out = append(out, m)
		i++
	}
	return out
}

// reading is the term of a Japanese word: its reading in hiragana, so that kanji and kana
// spellings meet and so do the homophones a Japanese input method picks by mistake
// (経費清算 for 経費精算). Words without a reading in the dictionary keep their spelling.
func (a *analyzer) reading(m morph) string {
	switch {
	case m.canonical != "":
		return a.readingOf(m.canonical)
	case m.kind == verb:
		return stemOf(a.readingOf(m.base), m.conjugation)
	case m.reading != "":
		return m.reading
	}
	return hiragana(m.surface)
}

// iRow maps the last kana of a 五段 verb to its 連用形 (休む → 休み).
var iRow = map[rune]rune{'う': 'い', 'く': 'き', 'ぐ': 'ぎ', 'す': 'し', 'つ': 'ち', 'ぬ': 'に', 'ぶ': 'び', 'む': 'み', 'る': 'り'}

// stemOf turns the reading of a verb's base form into its 連用形, the form Japanese
// makes nouns of (休む → 休み, 忘れる → 忘れ, 申し込む → 申し込み), so that a verb meets the
// noun made of it.
func stemOf(reading, conjugation string) string {
	rs := []rune(reading)
	if len(rs) < 2 {
		return reading
	}
	last := rs[len(rs)-1]
	switch {
	case strings.HasPrefix(conjugation, "五段"):
		if r, ok := iRow[last]; ok {
			rs[len(rs)-1] = r
		}
	case strings.HasPrefix(conjugation, "一段") && last == 'る':
		rs = rs[:len(rs)-1]
	}
	return string(rs)
}

// readingOf reads a word out of context, e.g. the base form of a verb.
func (a *analyzer) readingOf(word string) string {
	if r, ok := a.readings.Load(word); ok {
		return r.(string)
	}
	var b strings.Builder
	for _, t := range a.tok.Analyze(word, tokenizer.Normal) {
		if r, ok := t.Reading(); ok && r != "*" && r != "" {
			b.WriteString(hiragana(r))
		} else {
			b.WriteString(hiragana(t.Surface))
		}
	}
	r := b.String()
	a.readings.Store(word, r)
	return r
}

// terms turns text, in either language or both, into terms. fix, when not nil, corrects
// the spelling of an English stem the knowledge base does not know (see vocabulary.fix).
func (a *analyzer) terms(text string, fix func(string) string) []term {
	terms, _ := a.analyze(text, fix)
	return terms
}

// analyze reads a question once for all Ask needs: its terms, and whether it asks for
// another person's data (see someoneElseEN and someoneElseJA).
func (a *analyzer) analyze(text string, fix func(string) string) (terms []term, someoneElse bool) {
	text = normalize(text)
	if DetectLang(text) == English {
		words := englishWords(text)
		return englishTerms(words, fix), someoneElseEN(words)
	}
	ms := a.applySynonyms(a.morphs(a.loanwords(text)))
	return a.japaneseTerms(ms, fix), someoneElseJA(ms)
}

// japaneseTerms turns the morphemes of a Japanese text into terms.
func (a *analyzer) japaneseTerms(ms []morph, fix func(string) string) []term {
	var out []term
	var latinRun []string
	flushLatin := func() {
		out = append(out, englishTerms(latinRun, fix)...)
		latinRun = latinRun[:0]
	}
	for i, m := range ms {
		if m.kind == latin {
			latinRun = append(latinRun, m.surface)
			continue
		}
		if len(latinRun) > 0 {
			flushLatin()
		}
		plain := m.canonical == ""
		if (m.kind == noun || m.kind == verb) && !stopword(m) {
			out = append(out, term{text: a.reading(m), free: plain && (m.kind == verb || m.adverbial), weak: plain && m.adverbial})
		}
		// A prefix or suffix has no term of its own, so a pair with one that no entry has
		// (退職+金) is a word the knowledge base does not know, not a mere pairing; unless
		// the other half is a word of time (来月+末).
		if i > 0 && compound(ms[i-1]) && compound(m) && !stopword(ms[i-1]) && !stopword(m) {
			prev := ms[i-1]
			free := (prev.kind == noun && m.kind == noun) || prev.adverbial || m.adverbial
			out = append(out, term{text: a.reading(prev) + a.reading(m), free: free})
		}
	}
	if len(latinRun) > 0 {
		flushLatin()
	}
	return out
}

// stopword says whether a morpheme carries no subject; a pair with one carries no more
// than its other half (申請+方法 is 申請).
func stopword(m morph) bool { return m.canonical == "" && jaStopwords[m.base] }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func compound(m morph) bool { return m.kind == noun || m.kind == affix }

// kanaTerms turns text into overlapping three-character pieces of its reading, for the
// questions typed in kana alone (ゆうきゅう しんせい), which the dictionary cannot split
// into words reliably. With query set, text is the question and is read as typed;
// otherwise it is an entry's question and is read through the dictionary.
func (a *analyzer) kanaTerms(text string, query bool) []term {
	text = normalize(text)
	var reading strings.Builder
	if query {
		reading.WriteString(hiragana(text))
	} else {
		for _, t := range a.tok.Analyze(text, tokenizer.Normal) {
			if r, ok := t.Reading(); ok && r != "*" && r != "" {
				reading.WriteString(hiragana(r))
			} else {
				reading.WriteString(hiragana(t.Surface))
			}
		}
	}
	var out []term
	for _, seg := range strings.FieldsFunc(reading.String(), func(r rune) bool {
		return !unicode.Is(unicode.Hiragana, r) && r != 'ー'
	}) {
		rs := []rune(seg)
		if len(rs) < 3 {
			if len(rs) == 2 {
				out = append(out, term{text: seg})
			}
			continue
		}
		for i := 0; i+3 <= len(rs); i++ {
			out = append(out, term{text: string(rs[i : i+3])})
		}
	}
	return out
}

// kanaOnly says whether a question is written in kana alone (and digits or symbols),
// which the dictionary splits badly.
func kanaOnly(s string) bool {
	kana := false
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Han, unicode.Latin):
			return false
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			kana = true
		}
	}
	return kana
}

// number is a number or an ordinal (25th), which says nothing of the subject.
var number = regexp.MustCompile(`^[0-9]+(?:st|nd|rd|th|s)?$`)

var englishWord = regexp.MustCompile(`[a-z0-9]+(?:'[a-z]+)?`)

// englishWords splits normalised English text into words, dropping the clitics of
// contractions and possessives (I'm, can't, coworker's).
func englishWords(text string) []string {
	words := englishWord.FindAllString(text, -1)
	for i, w := range words {
		if j := strings.IndexByte(w, '\''); j >= 0 {
			words[i] = w[:j]
		}
	}
	return words
}

// maxEnglishPhrase is the most words an English synonym spans ("work from home").
const maxEnglishPhrase = 3

// englishTerms turns English words into terms: phrases of the synonym table first, then
// stop words dropped, then each word stemmed, its spelling fixed (when fix is not nil),
// and mapped to its synonym's canonical stem.
func englishTerms(words []string, fix func(string) string) []term {
	var out []term
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = stem(w)
	}
	for i := 0; i < len(words); {
		matched := false
		for j := min(len(words), i+maxEnglishPhrase); j > i+1; j-- {
			if c, ok := enPhrases[strings.Join(stems[i:j], " ")]; ok {
				out = append(out, term{text: c})
				i, matched = j, true
				break
			}
		}
		if matched {
			continue
		}
		w, st := words[i], stems[i]
		i++
		if enStopwords[w] || number.MatchString(w) {
			continue
		}
		if enTimeWords[w] {
			// As 今日 and 来週 in Japanese: half a word, and no penalty when unknown.
			out = append(out, term{text: st, free: true, weak: true})
			continue
		}
		if fix != nil {
			st = fix(st)
		}
		out = append(out, term{text: canonicalStem(st)})
	}
	return out
}

func canonicalStem(s string) string {
	if c, ok := enSynonyms[s]; ok {
		return c
	}
	return s
}

// stem strips English inflections lightly, so that claim, claims, claimed and claiming
// meet; it need not give a real word, only the same one each time.
func stem(w string) string {
	if utf8.RuneCountInString(w) <= 3 || !latinWord.MatchString(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		w = w[:len(w)-2]
	}
	if len(w) > 3 && strings.HasSuffix(w, "y") {
		w = w[:len(w)-1] + "i"
	}
	if len(w) > 3 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

// editDistance is the optimal string alignment distance of a and b (insertions,
// deletions, substitutions and swaps of neighbours), or max+1 when it exceeds max. It
// compares bytes for English stems and runes for kana readings.
func editDistance[T comparable](a, b []T, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
