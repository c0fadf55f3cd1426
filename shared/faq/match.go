package faq

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// params are the matcher's knobs, tuned on testdata/faq/train.yaml (TestTrainingSplit)
// and never on the evaluation set.
type params struct {
	// k1 and b are BM25's term saturation and length normalisation.
	k1, b float64
	// tagWeight is what a tag counts for against a word of a question.
	tagWeight float64
	// answerWeight is what a word of the answer counts for against a word of a question:
	// an answer says more than its questions, so a question in other words finds it, but
	// it says it less directly.
	answerWeight float64
	// unknownWeight scales the weight a word no entry has counts against the score,
	// against that of a word one entry has. At 1 an off-topic word weighs a little more
	// than the rarest known word.
	unknownWeight float64
	// threshold is the score below which the knowledge base declines to answer.
	threshold float64
}

// DefaultThreshold is the score below which Ask declines, tuned on the training split:
// see params.
const DefaultThreshold = 0.25

var defaultParams = params{k1: 1.2, b: 0.5, tagWeight: 0.3, answerWeight: 0.5, unknownWeight: 1, threshold: DefaultThreshold}

// weakWeight is what a word of time or degree counts for (see term.weak).
const weakWeight = 0.5

// document is one entry as the index sees it: the frequency of each term in its
// questions (tags counted at their weight) and in its answer.
type document struct {
	questions, answer map[string]float64
}

// index is a BM25 index over the entries: one document per entry.
type index struct {
	docs     int
	avgLen   float64
	lens     []float64
	postings map[string][]posting
	p        params
}

type posting struct {
	doc int
	// inQuestions and inAnswer are the term's frequency in each part of the entry.
	inQuestions, inAnswer float64
}

func newIndex(docs []document, p params) *index {
	ix := &index{docs: len(docs), lens: make([]float64, len(docs)), postings: map[string][]posting{}, p: p}
	total := 0.0
	for d, doc := range docs {
		for t, f := range doc.questions {
			ix.postings[t] = append(ix.postings[t], posting{doc: d, inQuestions: f, inAnswer: doc.answer[t]})
			ix.lens[d] += f
		}
		for t, f := range doc.answer {
			if _, ok := doc.questions[t]; !ok {
				ix.postings[t] = append(ix.postings[t], posting{doc: d, inAnswer: f})
			}
			ix.lens[d] += p.answerWeight * f
		}
		total += ix.lens[d]
	}
	for t := range ix.postings {
		slices.SortFunc(ix.postings[t], func(a, b posting) int { return cmp.Compare(a.doc, b.doc) })
	}
	if len(docs) > 0 {
		ix.avgLen = total / float64(len(docs))
	}
	return ix
}

func (ix *index) idf(df int) float64 {
	n := float64(ix.docs)
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// docScore is how well one document answers a question.
type docScore struct {
	// cover is the share of the question the document holds: each term of the question
	// weighted by its idf, a term held only as a tag or in the answer counting for the
	// weight of those. In [0, 1]; the threshold applies to it.
	cover float64
	// bm25 is the document's BM25 score for the question, which also rewards a term held
	// many times: it orders documents that cover a question equally.
	bm25 float64
}

// better orders scores best first.
func (s docScore) better(o docScore) int {
	const same = 1e-9
	if d := s.cover - o.cover; d > same || d < -same {
		return cmp.Compare(o.cover, s.cover)
	}
	return cmp.Compare(o.bm25, s.bm25)
}

// score scores every document for the question's terms. cover is divided by the weight
// of the whole question (the sum of its terms' idf), so that a threshold means the same
// for a short question and a long one. A word no document has adds to that weight and to
// no score: the more of a question the knowledge base has never seen, the lower every
// score. A free term no document has adds nothing (see term).
func (ix *index) score(terms []term, scores []docScore) {
	clear(scores)
	if ix.docs == 0 {
		return
	}
	seen := map[string]bool{}
	ideal := 0.0
	for _, t := range terms {
		if seen[t.text] {
			continue
		}
		seen[t.text] = true
		ps := ix.postings[t.text]
		weight := 1.0
		if t.weak {
			weight = weakWeight
		}
		if len(ps) == 0 {
			if !t.free {
				ideal += weight * ix.p.unknownWeight * ix.idf(0)
			}
			continue
		}
		idf := weight * ix.idf(len(ps))
		ideal += idf
		k1, b, aw := ix.p.k1, ix.p.b, ix.p.answerWeight
		for _, p := range ps {
			tf := p.inQuestions + aw*p.inAnswer
			norm := k1 * (1 - b + b*ix.lens[p.doc]/ix.avgLen)
			scores[p.doc].bm25 += idf * tf * (k1 + 1) / (tf + norm)
			scores[p.doc].cover += idf * max(min(p.inQuestions, 1), aw*min(p.inAnswer, 1))
		}
	}
	if ideal > 0 {
		for d := range scores {
			scores[d].cover /= ideal
		}
	}
}

// vocabulary is the English stems the knowledge base knows, to correct the spelling of
// a question's words (paysilp → payslip).
type vocabulary struct {
	known  map[string]bool
	sorted []string
}

func newVocabulary(texts []string) vocabulary {
	v := vocabulary{known: map[string]bool{}}
	add := func(s string) {
		if !v.known[s] {
			v.known[s] = true
			v.sorted = append(v.sorted, s)
		}
	}
	for _, t := range texts {
		for _, w := range englishWords(normalize(t)) {
			if !enStopwords[w] {
				add(stem(w))
			}
		}
	}
	for s := range enSynonyms {
		add(s)
	}
	slices.Sort(v.sorted)
	return v
}

// fix returns the known stem nearest to s: s itself when known or too short to guess
// safely, else the first known stem one edit away (two for long words), else s.
func (v vocabulary) fix(s string) string {
	n := len(s)
	if v.known[s] || n < 5 || strings.Trim(s, "0123456789") == "" {
		return s
	}
	maxEdits := 1
	if n >= 9 {
		maxEdits = 2
	}
	best, bestD := s, maxEdits+1
	for _, k := range v.sorted {
		if d := editDistance([]byte(s), []byte(k), maxEdits); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
