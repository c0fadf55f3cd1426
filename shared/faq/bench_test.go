package faq

import "testing"

// BenchmarkAsk answers one question against the demo knowledge base (51 entries).
func BenchmarkAsk(b *testing.B) {
	kb := loadDemo(b)
	for _, bc := range []struct{ name, question string }{
		{"japanese", "有給の残りって何日あるか確認したいんですけど"},
		{"english", "How many vacation days do I have left?"},
		{"kana", "ゆうきゅう しんせい"},
		{"declined", "今日の天気は？"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				kb.Ask(bc.question)
			}
		})
	}
}

// BenchmarkLoad reads and indexes testdata/faq from disk; the dictionary is already
// loaded (that happens once per process).
func BenchmarkLoad(b *testing.B) {
	loadDemo(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(b.Context(), Dir(demoDir)); err != nil {
			b.Fatal(err)
		}
	}
}
