// Package faq is the back office's knowledge base for the chat bot (社内ヘルプデスク):
// FAQ entries read from Markdown files, and a matcher that picks the entry answering an
// employee's question, in Japanese or English, or declines when none does.
//
// # Entries
//
// One Markdown file is one entry: YAML front matter between two --- lines, then the
// answer in Markdown; the English answer follows a line <!-- en -->, so that a
// translation is reviewed in the same pull request as the text it translates.
//
//	---
//	id: paid-leave-balance            # optional: the file's path without .md otherwise
//	question: 有給休暇の残日数はどこで確認できますか？
//	paraphrases:                      # other ways people ask it
//	  - 有給があと何日残っているか知りたい
//	question_en: Where can I check how many paid leave days I have left?
//	paraphrases_en:
//	  - How many days of annual leave do I have left?
//	tags: [有給, 休暇]
//	owner: jinji@example.co.jp        # who answers for the content
//	---
//	勤怠システムのトップ画面の「休暇残数」に表示されます。…
//
//	<!-- en -->
//
//	Your remaining paid leave is shown under "Leave balance" …
//
// question, owner and the Japanese answer are required; the English version is optional
// (questions in English then get the Japanese answer). A README.md in any folder is not
// an entry. Parse and Load report every problem with its file and line (EntryErrors).
//
// # Sources and reloads
//
// A knowledge base is read from a Source: Dir (a local folder: `urakata dev` and
// `urakata faq ask` use testdata/faq), FS, or a GitHub repository through package
// faqgithub. Live holds the KB in use and swaps it whole on Reload, keeping the old one
// when the new one does not load.
//
// # Matching
//
// A question is normalised (NFKC width folding, lower case), split into words by the
// kagome morphological analyser with the IPA dictionary, and reduced to the base forms of
// its nouns, verbs and adjectives, each taken by its reading in hiragana: kanji and kana
// spellings meet, and so do the homophones an input method picks by mistake (経費清算 for
// 経費精算). A loanword typed in hiragana (たくしー代) is read in katakana first, and a
// run of kanji the knowledge base does not know is corrected to the known run of its
// length that is a kanji or two off and reads alike (給与名細 → 給与明細, 有級 → 有給).
// Adjacent nouns also count joined (給与+明細). A synonym table maps the
// back office's words to one (有休 = 年休 = 年次有給休暇 → 有給); English words are
// stemmed lightly, corrected when one letter away from a word the knowledge base knows,
// and mapped through their own synonyms and phrases, which include the life events as
// employees put them (had a baby, got married, moved house, new hire). A question typed in kana alone is also matched
// by three-kana pieces of its reading.
//
// Each entry is scored over its questions and paraphrases (tags and the answer count
// less): the Score is the share of the question's words the entry holds, each weighted by
// its idf, so 1 means the entry holds every word and words the knowledge base has never
// seen count against every entry. BM25 orders entries that cover a question equally.
// Below the threshold (DefaultThreshold, tuned on testdata/faq/train.yaml) Ask declines
// and offers the closest entries; it also declines a question for another person's data
// (隣の人の給料は？), whatever it matches.
//
// The Japanese dictionary is large: it adds about 13 MB to the urakata binary (32 → 45 MB),
// and loading it takes about 0.7 s and 90 MB of heap, once per process, when the first KB
// is built. Then a question takes about 50 µs (Japanese) or 10 µs (English), and
// indexing the demo knowledge base about 70 ms.
package faq
