package faq

import "strings"

// The synonym tables say which words of the back office mean the same thing, so that
// 有休, 年休 and 年次有給休暇 all find an entry written with 有給. Each group lists its
// canonical word first. Keep them to words that really are interchangeable here: a
// synonym that is only related (退職 and 離職票) merges entries that should stay apart.

// jaSynonymGroups are matched on the spelling of one or more adjacent words (年次+有給+休暇),
// or on a single word's base form (辞めた → 辞める). A canonical word in Latin letters
// ("pc", "mfa") meets the English questions too.
var jaSynonymGroups = [][]string{
	{"有給", "有休", "有給休暇", "年休", "年次有給休暇", "年次休暇", "年次有休"},
	{"半休", "半日休暇", "半日有給", "午前半休", "午後半休", "半日休"},
	{"時間休", "時間単位", "時間単位有給", "時間有給", "時間単位年休"},
	{"給与", "給料", "賃金", "お給料", "サラリー"},
	{"給料日", "給与日", "ペイデー"},
	{"給与明細", "給料明細", "給与明細書", "明細書", "明細", "ペイスリップ"},
	{"賞与", "ボーナス"},
	{"源泉徴収票", "源泉票", "源泉"},
	{"口座", "銀行口座", "振込口座", "振込先", "受取口座", "給与受取口座", "振込先口座"},
	{"振込", "振り込み", "振込み", "振り込む", "入金"},
	{"交通費", "旅費", "旅費交通費"},
	{"通勤手当", "通勤費", "通勤交通費", "定期代", "定期券代"},
	{"日当", "出張手当"},
	{"宿泊費", "ホテル代", "宿泊代"},
	{"交際費", "接待", "接待交際費", "接待費", "会食"},
	{"領収書", "領収証", "レシート"},
	{"インボイス", "適格請求書", "インボイス制度"},
	{"登録番号", "t番号", "インボイス番号"},
	{"立替", "立て替え", "立替え", "立て替える", "立替える", "立替金"},
	{"紛失", "なくす", "無くす", "失くす"},
	{"期限", "締め切り", "締切", "〆切", "しめきり", "期日"},
	{"締め日", "締日", "〆日"},
	{"土日", "土曜", "日曜", "土曜日", "日曜日", "週末"},
	{"上限", "限度", "予算", "限度額"},
	{"入社日", "初日", "初出社"},
	{"有効期限", "時効"},
	{"申請", "申込", "申し込み", "申込み", "申し込む", "申込む"},
	// A verb and the noun made of it: 間違えた and 間違い, 訂正する and 直す.
	{"間違い", "間違え", "間違える", "間違う", "誤り", "誤る", "ミス"},
	{"修正", "訂正", "直す", "修整"},
	{"年末調整", "年調"},
	{"扶養控除等申告書", "扶養控除申告書", "扶養控除等異動申告書", "マル扶", "まるふ"},
	{"残業", "時間外労働", "時間外勤務", "超過勤務", "時間外"},
	{"在宅勤務", "テレワーク", "リモートワーク", "リモート勤務", "リモート", "在宅"},
	{"休日出勤", "休出", "休日労働"},
	{"打刻", "タイムカード"},
	{"残日数", "残り日数", "残数", "残高", "残り"},
	{"繰越", "繰り越し", "繰越し", "繰り越す", "持ち越す", "持ち越し"},
	{"病気", "体調不良", "病欠", "体調", "風邪", "発熱"},
	{"慶弔", "慶弔休暇", "忌引", "忌引き", "忌引休暇", "葬式", "葬儀", "通夜", "告別式", "亡くなる", "死亡", "不幸"},
	{"育休", "育児休業", "育児休暇", "パパ育休", "産後パパ育休"},
	{"産休", "産前産後休業", "産前休暇", "産後休暇"},
	{"保険証", "健康保険証", "被保険者証"},
	{"社会保険", "社保"},
	{"引っ越し", "引越し", "引越", "引っ越す", "引越す", "転居"},
	{"名字", "苗字"},
	{"結婚", "入籍"},
	{"配偶者", "妻", "夫", "旦那", "嫁", "奥さん"},
	{"子ども", "子供", "こども", "子", "お子さん", "息子", "娘", "赤ちゃん", "赤ん坊"},
	{"出産", "生まれる", "産まれる", "誕生"},
	{"退職", "辞める", "辞職"},
	{"pc", "パソコン", "ノートパソコン", "ノートpc"},
	{"mfa", "二段階認証", "2段階認証", "二要素認証", "多要素認証", "2要素認証"},
	{"スマホ", "スマートフォン", "携帯", "携帯電話"},
	{"機種変更", "機種変"},
	{"ソフト", "ソフトウェア", "ツール"},
	{"社員証", "入館証"},
	{"ログイン", "サインイン", "ログオン"},
}

// jaStopwords are base forms that carry no subject: the verbs and nouns every question
// is built with (教えてください, 方法, どこ).
var jaStopwords = set(
	"する", "いる", "ある", "なる", "できる", "出来る", "れる", "られる", "せる", "させる",
	"いう", "言う", "思う", "考える", "教える", "知る", "わかる", "分かる", "欲しい", "ほしい",
	"いい", "良い", "よい", "よろしい", "宜しい", "いただける", "いただく", "頂く", "頂ける",
	"くださる", "下さる", "くれる", "ない", "無い", "お願い", "願う", "方法", "方", "やり方", "仕方", "件",
	"こと", "事", "もの", "物", "とき", "時", "ところ", "ため", "よう", "場合", "何", "なに",
	"なん", "いつ", "どこ", "どう", "どの", "どれ", "誰", "今", "私", "僕", "自分", "様",
	"さん", "可能", "大丈夫", "質問", "問い合わせ", "ご教示", "教示", "出す",
)

// enPhrases are English phrases that stand for one word; they are matched on stems
// before stop words are dropped ("day off" would otherwise lose "off").
var enPhrases = map[string]string{}

var enPhraseGroups = [][]string{
	{"leave", "day off", "days off", "time off", "annual leave", "paid leave", "paid time off"},
	{"payday", "pay day", "salary day"},
	{"payslip", "pay slip", "pay stub", "pay statement", "paystub"},
	{"punch", "clock in", "clock out", "punch in", "punch out"},
	{"overtime", "work late", "extra hours"},
	{"remote", "work from home", "remote work", "working from home"},
	{"perdiem", "per diem", "daily allowance"},
	{"mortgage", "housing loan", "home loan"},
	{"mfa", "two factor", "multi factor", "2 factor"},
	{"yearend", "year end"},
	{"mynumber", "my number"},
	{"withholding", "gensen choshu hyo", "gensen choshu"},
	{"login", "log in", "sign in"},
	{"bereavement", "pass away", "passed away"},
	{"attendance", "time sheet"},
	// Life events as employees put them casually, on the words their entries use.
	{"born", "give birth", "gave birth", "giving birth", "had a baby", "have a baby", "having a baby", "new baby"},
	{"married", "get married", "got married", "getting married", "tie the knot", "tied the knot"},
	{"move", "moved house", "move house", "moving house", "new apartment", "new flat", "new house", "new address", "moved out"},
	{"join", "new hire", "new joiner", "new employee", "new starter", "day one", "first day", "start work", "starting work"},
	{"resign", "leave the company", "leaving the company", "hand in notice", "give notice", "put in notice", "last day"},
}

// enSynonyms map an English stem to its canonical stem.
var enSynonyms = map[string]string{}

var enSynonymGroups = [][]string{
	{"pay", "salary", "wage", "paid", "paycheck"},
	{"leave", "vacation", "pto"},
	{"taxi", "cab"},
	{"pc", "laptop", "computer", "notebook"},
	{"resign", "quit", "resignation"},
	{"spouse", "wife", "husband"},
	{"child", "baby", "newborn", "kid", "children"},
	{"born", "childbirth"},
	{"married", "marry", "marriage", "wedding"},
	{"join", "joiner", "onboarding", "onboard"},
	{"sick", "ill", "illness", "sickness"},
	{"bereavement", "funeral", "died", "death"},
	{"hour", "hourly"},
	{"weekend", "saturday", "sunday"},
	{"claim", "reimburse", "reimbursement", "refund"},
	{"limit", "budget", "maximum", "cap"},
	{"parental", "paternity", "maternity", "childcare"},
	{"move", "relocate", "relocation"},
	{"attendance", "timesheet"},
	{"login", "signin", "logon"},
	{"commute", "commuter", "commuting"},
	{"remote", "remotely", "telework", "wfh"},
	{"mfa", "2fa", "authenticator", "authentication"},
	{"separation", "rishokuhyo"},
	{"procedure", "process"},
	{"submit", "file"},
}

// enStopwords are the words every English question is built with.
var enStopwords = set(
	"a", "an", "the", "i", "me", "my", "mine", "myself", "we", "our", "us", "you", "your",
	"it", "its", "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did",
	"doing", "done", "have", "has", "had", "having", "can", "cannot", "could", "would",
	"should", "will", "shall", "may", "might", "must", "what", "when", "where", "which", "who",
	"whom", "why", "how", "this", "that", "these", "those", "there", "here", "to", "of", "in",
	"on", "at", "for", "from", "by", "with", "about", "as", "into", "out", "up", "down", "and",
	"or", "but", "if", "so", "not", "than", "then", "too", "very", "just", "please", "tell",
	"know", "want", "need", "get", "got", "any", "some", "all", "still", "yet", "anymore",
	"also", "again", "really", "let", "like", "one", "im", "go", "many", "much", "per",
	"anything", "something",
)

// enTimeWords are the English words of time, which count as the Japanese ones of the
// dictionary's adverbial nouns (今日, 来週) do: half, and free when unknown.
var enTimeWords = set(
	"today", "tomorrow", "yesterday", "tonight", "now", "soon", "later", "week", "weeks",
	"month", "months", "year", "years", "day", "days", "morning", "afternoon", "evening",
	"night", "last", "next", "this", "monday", "tuesday", "wednesday", "thursday", "friday",
	"minute", "minutes", "hours", "ago", "always", "sometimes",
)

// jaSynonyms maps each spelling of jaSynonymGroups, normalised and in hiragana (so that
// パソコン and ぱそこん both match), to its canonical word.
var jaSynonyms = map[string]string{}

func init() {
	for _, g := range jaSynonymGroups {
		for _, w := range g {
			jaSynonyms[hiragana(normalize(w))] = normalize(g[0])
		}
	}
	for _, g := range enSynonymGroups {
		for _, w := range g {
			enSynonyms[stem(w)] = stem(g[0])
		}
	}
	for _, g := range enPhraseGroups {
		for _, p := range g[1:] {
			enPhrases[stemPhrase(p)] = canonicalStem(stem(g[0]))
		}
	}
}

// stemPhrase stems each word of an English phrase, as englishTerms matches phrases.
func stemPhrase(p string) string {
	words := englishWords(normalize(p))
	for i, w := range words {
		words[i] = stem(w)
	}
	return strings.Join(words, " ")
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
