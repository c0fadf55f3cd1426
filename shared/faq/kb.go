package faq

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// KB is a knowledge base ready to answer: its entries and the index over their questions.
// It never changes once built, so any number of goroutines may ask it at once; a reload
// builds a new one (see Live).
type KB struct {
	entries []Entry
	byID    map[string]int
	an      *analyzer
	words   *index
	kana    *index
	vocab   vocabulary
	kanji   kanjiSpelling
	p       params
	version string
}

// Option changes how a KB answers.
type Option func(*params)

// WithThreshold sets the score below which the KB declines to answer (DefaultThreshold
// otherwise): higher declines more and answers wrongly less.
func WithThreshold(t float64) Option { return func(p *params) { p.threshold = t } }

// Load reads every entry src yields and builds a KB of them. Problems with the entries
// are all reported at once, as EntryErrors with the file and line of each; an error of
// the source itself (a folder that is not there, GitHub unreachable) is returned as is.
// Either way, no KB is returned.
func Load(ctx context.Context, src Source, opts ...Option) (*KB, error) {
	var entries []Entry
	var errs EntryErrors
	for f, err := range src.Files(ctx) {
		if err != nil {
			return nil, err
		}
		if !isEntryFile(f.Path) {
			continue
		}
		e, err := Parse(f.Path, f.Content)
		if err != nil {
			var list EntryErrors
			if !errors.As(err, &list) {
				return nil, err
			}
			errs = append(errs, list...)
			continue
		}
		e.URL = f.URL
		entries = append(entries, e)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("faq: load the knowledge base: %w", err)
	}
	kb, err := New(entries, opts...)
	if err != nil {
		var list EntryErrors
		if !errors.As(err, &list) {
			return nil, err
		}
		errs = append(errs, list...)
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *EntryError) int { return cmp.Compare(a.Path, b.Path) })
		return nil, errs
	}
	return kb, nil
}

// New builds a KB of entries, in their order (which breaks ties between equal scores).
// Two entries with one id are an error (EntryErrors naming the second).
func New(entries []Entry, opts ...Option) (*KB, error) {
	an, err := sharedAnalyzer()
	if err != nil {
		return nil, err
	}
	p := defaultParams
	for _, o := range opts {
		o(&p)
	}
	kb := &KB{entries: slices.Clone(entries), byID: make(map[string]int, len(entries)), an: an, p: p}
	var errs EntryErrors
	for i, e := range kb.entries {
		if j, dup := kb.byID[e.ID]; dup {
			errs = append(errs, &EntryError{Path: e.Path, Field: "id", Message: fmt.Sprintf("%q is also the id of %s", e.ID, kb.entries[j].Path)})
			continue
		}
		kb.byID[e.ID] = i
	}
	if len(errs) > 0 {
		return nil, errs
	}
	kb.build()
	b, _ := json.Marshal(kb.entries)
	sum := sha256.Sum256(b)
	kb.version = hex.EncodeToString(sum[:8])
	return kb, nil
}

// build indexes the entries: the words of every question and paraphrase in both
// languages, the tags and the answers lightly; and, for questions typed in kana, the
// readings of the Japanese questions.
func (kb *KB) build() {
	words := make([]document, len(kb.entries))
	kana := make([]document, len(kb.entries))
	var english, japanese []string
	for i, e := range kb.entries {
		words[i] = document{questions: map[string]float64{}, answer: map[string]float64{}}
		kana[i] = document{questions: map[string]float64{}}
		ja := slices.Concat([]string{e.Question}, e.Paraphrases)
		en := slices.Concat([]string{e.QuestionEN}, e.ParaphrasesEN)
		english = append(english, en...)
		english = append(english, e.AnswerEN)
		japanese = append(japanese, ja...)
		japanese = append(japanese, e.Answer)
		japanese = append(japanese, e.Tags...)
		for _, text := range slices.Concat(ja, en) {
			for _, t := range kb.an.terms(text, nil) {
				words[i].questions[t.text]++
			}
		}
		for _, tag := range e.Tags {
			for _, t := range kb.an.terms(tag, nil) {
				words[i].questions[t.text] += kb.p.tagWeight
			}
		}
		for _, text := range []string{e.Answer, e.AnswerEN} {
			for _, t := range kb.an.terms(text, nil) {
				words[i].answer[t.text]++
			}
		}
		for _, text := range ja {
			for _, t := range kb.an.kanaTerms(text, false) {
				kana[i].questions[t.text]++
			}
		}
	}
	kb.words = newIndex(words, kb.p)
	kb.kana = newIndex(kana, kb.p)
	kb.vocab = newVocabulary(english)
	kb.kanji = newKanjiSpelling(kb.an, japanese)
}

// Len is the number of entries.
func (kb *KB) Len() int { return len(kb.entries) }

// Entries returns the entries, in the order the KB was built with. The list is a copy;
// the entries' own lists (Paraphrases, Tags) are the KB's and must not be changed.
func (kb *KB) Entries() []Entry { return slices.Clone(kb.entries) }

// Entry returns the entry with that id.
func (kb *KB) Entry(id string) (Entry, bool) {
	i, ok := kb.byID[id]
	if !ok {
		return Entry{}, false
	}
	return kb.entries[i], true
}

// Version identifies the content: two KBs of the same entries have the same version, so
// a reload can tell whether anything changed.
func (kb *KB) Version() string { return kb.version }

// Threshold is the score below which Ask declines.
func (kb *KB) Threshold() float64 { return kb.p.threshold }

// Match is an entry and how well it answers a question.
type Match struct {
	Entry Entry
	// Score is between 0 and 1: the share of the question's words the entry holds in its
	// questions (a word only in its tags or its answer counts less), each word weighted
	// by how rare it is in the knowledge base (its idf). 1 means every word is there;
	// words the knowledge base has never seen count against it.
	Score float64
}

// Answer is what the knowledge base says to a question.
type Answer struct {
	// Question is the question as asked.
	Question string
	// Lang is the language it was asked in: answer in it (Entry.AnswerIn).
	Lang Lang
	// Match is the chosen entry; nil when Declined.
	Match *Match
	// Declined says the knowledge base will not answer: say so politely, offer Closest,
	// and pass the question to a person.
	Declined bool
	// Reason says why it declined; empty when it answered.
	Reason Reason
	// Closest are, when Declined, the best entries (at most three) that scored above zero.
	Closest []Match
}

// Reason is why a question was declined.
type Reason string

// The reasons to decline.
const (
	// NoMatch: no entry scored the threshold.
	NoMatch Reason = "no_match"
	// SomeoneElse: the question asks for another person's data (隣の人の給料), which the bot
	// never tells, whatever entry its words match.
	SomeoneElse Reason = "someone_else"
)

// maxQuestion is the most characters of a question that are matched: a question is a
// sentence or two, and a pasted page would only cost time.
const maxQuestion = 1000

// closestShown is how many entries a declined answer offers.
const closestShown = 3

// Ask answers a question in Japanese or English with the entry that scores best, or
// declines when none reaches the threshold.
func (kb *KB) Ask(question string) Answer {
	ans := Answer{Question: question, Lang: DetectLang(question)}
	scores, someoneElse := kb.scores(question)
	ranked := kb.rank(scores, closestShown)
	switch {
	case someoneElse:
		ans.Reason = SomeoneElse
	case len(ranked) == 0 || ranked[0].Score < kb.p.threshold:
		ans.Reason = NoMatch
	default:
		ans.Match = &ranked[0]
		return ans
	}
	ans.Declined = true
	for _, m := range ranked {
		if m.Score > 0 {
			ans.Closest = append(ans.Closest, m)
		}
	}
	return ans
}

// Rank returns the n entries that score best for the question, best first, whatever
// their scores.
func (kb *KB) Rank(question string, n int) []Match {
	scores, _ := kb.scores(question)
	return kb.rank(scores, n)
}

func (kb *KB) rank(scores []docScore, n int) []Match {
	n = max(0, min(n, len(scores)))
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return scores[a].better(scores[b]) })
	out := make([]Match, 0, n)
	for _, i := range order[:n] {
		out = append(out, Match{Entry: kb.entries[i], Score: scores[i].cover})
	}
	return out
}

// scores gives each entry's score: by the words of the question, or, for a question in
// kana alone, by the better of its words and its reading. someoneElse says the question
// asks for another person's data.
func (kb *KB) scores(question string) (scores []docScore, someoneElse bool) {
	scores = make([]docScore, len(kb.entries))
	question = clip(question)
	if question == "" {
		return scores, false
	}
	terms, someoneElse := kb.an.analyze(kb.kanji.correct(normalize(question)), kb.vocab.fix)
	kb.words.score(terms, scores)
	if kanaOnly(normalize(question)) {
		byReading := make([]docScore, len(kb.entries))
		kb.kana.score(kb.an.kanaTerms(question, true), byReading)
		for i, s := range byReading {
			if s.better(scores[i]) < 0 {
				scores[i] = s
			}
		}
	}
	return scores, someoneElse
}

// AboutSomeoneElse says whether a question asks for another person's data (隣の人の給料は？,
// my manager's salary), as Ask does when it declines with SomeoneElse, without scoring the
// entries: for a caller that answers the question from elsewhere (the chat bot's live
// answers).
func (kb *KB) AboutSomeoneElse(question string) bool {
	question = clip(question)
	if question == "" {
		return false
	}
	// The spelling of English words changes terms only, not who a question is about.
	_, someoneElse := kb.an.analyze(kb.kanji.correct(normalize(question)), nil)
	return someoneElse
}

// clip trims a question and cuts it at maxQuestion characters.
func clip(question string) string {
	question = strings.TrimSpace(question)
	if rs := []rune(question); len(rs) > maxQuestion {
		question = string(rs[:maxQuestion])
	}
	return question
}

// Live is the knowledge base in use, replaced whole on each reload (on a schedule, or
// when the repository's push webhook arrives): readers never see half a reload, and a
// reload that fails leaves the one in use.
type Live struct {
	src  Source
	opts []Option
	mu   sync.Mutex // one reload at a time, so an older read never replaces a newer one
	kb   atomic.Pointer[KB]
}

// NewLive returns a Live that loads from src; it holds nothing until the first Reload.
func NewLive(src Source, opts ...Option) *Live { return &Live{src: src, opts: opts} }

// KB returns the knowledge base in use; nil until a Reload has succeeded.
func (l *Live) KB() *KB { return l.kb.Load() }

// Reload reads the source again and, when it loads and its content differs, puts it in
// use; changed says whether it did. On error the knowledge base in use stays.
func (l *Live) Reload(ctx context.Context) (changed bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kb, err := Load(ctx, l.src, l.opts...)
	if err != nil {
		return false, err
	}
	if cur := l.kb.Load(); cur != nil && cur.version == kb.version && cur.p == kb.p {
		return false, nil
	}
	l.kb.Store(kb)
	return true, nil
}
