package faq

// The bot answers for the asker alone: a question for another person's pay, leave or
// address (隣の人の給料は？, 田中さんの有給は何日？, my manager's salary) is declined, whatever
// entry its words match, so that no answer reads as if the bot would tell.

// otherPeopleJA are words for someone other than the asker; a person's name (a proper
// noun the dictionary knows as one) counts too. Family is not here: 妻の扶養 is the
// asker's own business.
var otherPeopleJA = set(
	"上司", "部長", "課長", "係長", "社長", "役員", "専務", "常務", "取締役", "店長", "主任",
	"同僚", "先輩", "後輩", "部下", "他人", "彼", "彼女", "みんな", "皆", "全員", "誰か", "他の人",
	"隣の人", "あの人", "その人",
)

// personalDataJA are the canonical words (after synonyms) of data about a person.
var personalDataJA = set(
	"給与", "年収", "月収", "賞与", "住所", "電話番号", "連絡先", "有給", "残日数", "残業",
	"評価", "口座", "マイナンバー", "年齢", "誕生日", "給与明細", "源泉徴収票", "手取り", "ボーナス",
)

var otherPeopleEN = set(
	"manager", "boss", "coworker", "co-worker", "colleague", "ceo", "president", "supervisor",
	"someone", "somebody", "everyone", "everybody", "neighbor",
	"neighbour", "teammate", "director", "others",
)

var personalDataEN = set(
	"salary", "pay", "wage", "income", "bonus", "address", "leave", "overtime", "balance",
	"payslip", "review", "evaluation", "phone", "bank", "earn", "make", "makes", "earns",
)

// someoneElseEN and someoneElseJA say whether a question asks for another person's data:
// a person (a name, 上司, my manager's) owning (の, 's) a kind of personal data within the
// next few words.
func someoneElseEN(words []string) bool {
	for i, w := range words {
		if !otherPeopleEN[w] {
			continue
		}
		for _, next := range words[i+1 : min(len(words), i+3)] {
			if personalDataEN[next] {
				return true
			}
		}
	}
	return false
}

func someoneElseJA(ms []morph) bool {
	for i := 0; i < len(ms); i++ {
		person := ms[i].name || otherPeopleJA[ms[i].base]
		// 隣の人, 他の人: two words and a particle.
		if i+2 < len(ms) && ms[i+1].surface == "の" && ms[i+2].surface == "人" && otherPeopleJA[ms[i].surface+"の人"] {
			person, i = true, i+2
		}
		if !person {
			continue
		}
		j := i + 1
		for j < len(ms) && ms[j].kind == affix { // さん, 様
			j++
		}
		if j >= len(ms) || ms[j].surface != "の" {
			continue
		}
		for _, m := range ms[j+1 : min(len(ms), j+5)] {
			if personalDataJA[m.canonical] || personalDataJA[m.base] {
				return true
			}
		}
	}
	return false
}
