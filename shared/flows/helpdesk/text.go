package helpdesk

import (
	"fmt"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// overtimeText is the live overtime answer: the time beyond 8 hours a day or 40 a week
// (法定外) from the period's first day to today.
func overtimeText(lang faq.Lang, from, today model.Date, minutes, issues int) string {
	h, m := minutes/60, minutes%60
	if lang == faq.English {
		s := fmt.Sprintf("Your overtime this pay period (%s to %s): %d h %02d min (%d minutes beyond 8 hours a day or 40 a week).", from, today, h, m, minutes)
		if issues > 0 {
			s += fmt.Sprintf(" The time clock has %d problem(s) (a missing punch, say) not counted yet: please fix them there.", issues)
		}
		return s
	}
	s := fmt.Sprintf("今期（%d月%d日〜%d月%d日）のあなたの残業時間は %d時間%02d分（%d分、1日8時間・週40時間を超えた時間）です。", from.Month, from.Day, today.Month, today.Day, h, m, minutes)
	if issues > 0 {
		s += fmt.Sprintf("打刻漏れなど %d 件の問題があり、その分はまだ数えていません。勤怠システムで修正してください。", issues)
	}
	return s
}

// leaveText is the live paid-leave answer.
func leaveText(lang faq.Lang, b model.LeaveBalance) string {
	h, m := b.Minutes/60, b.Minutes%60
	if lang == faq.English {
		s := fmt.Sprintf("You have %s day(s) of paid leave left", b.Days)
		if b.Minutes > 0 {
			s += fmt.Sprintf(" and %d h %02d min of hourly leave", h, m)
		}
		return s + fmt.Sprintf(" (as of %s, as the attendance system keeps it). Leave awaiting approval is deducted once approved.", b.AsOf)
	}
	s := fmt.Sprintf("あなたの有給休暇の残りは %s日", b.Days)
	if b.Minutes > 0 {
		s += fmt.Sprintf("と %d時間%02d分", h, m)
	}
	return s + fmt.Sprintf("です（%d年%d月%d日時点、勤怠システムの記録）。申請中の休暇は承認後に差し引かれます。", b.AsOf.Year, b.AsOf.Month, b.AsOf.Day)
}

// expenseText lists the asker's claims approved since since, newest first.
func expenseText(lang faq.Lang, claims []hub.ExpenseStatus, since model.Date, zone *time.Location) string {
	var b strings.Builder
	if len(claims) == 0 {
		if lang == faq.English {
			fmt.Fprintf(&b, "I find no approved expense claim of yours since %s. A claim still awaiting approval is not listed here: see the expense system.", since)
		} else {
			fmt.Fprintf(&b, "%d月%d日以降に承認されたあなたの経費精算は見つかりませんでした。承認待ちの申請は経費精算システムでご確認ください。", since.Month, since.Day)
		}
		return b.String()
	}
	if lang == faq.English {
		b.WriteString("Your approved expense claims, newest first:")
	} else {
		b.WriteString("承認済みのあなたの経費精算（新しい順）:")
	}
	for _, c := range claims {
		r := c.Report
		title := r.Title
		if title == "" {
			title = r.ID
		}
		d := model.DateOf(r.ApprovedAt, zone)
		if lang == faq.English {
			fmt.Fprintf(&b, "\n• %s \"%s\" ¥%d: %s", d, title, r.Total().Amount, stateEN(c))
		} else {
			fmt.Fprintf(&b, "\n• %d/%d 承認「%s」%d円: %s", d.Month, d.Day, title, r.Total().Amount, stateJA(c))
		}
	}
	return b.String()
}

func stateJA(c hub.ExpenseStatus) string {
	switch c.State {
	case hub.ExpensePosted:
		return "会計に計上済み（仕訳 " + c.Ref + "）"
	case hub.ExpensePosting:
		return "計上処理中"
	case hub.ExpenseStuck:
		return "計上できていません（バックオフィスが確認します）"
	}
	return "計上待ち（次の連携で計上されます）"
}

func stateEN(c hub.ExpenseStatus) string {
	switch c.State {
	case hub.ExpensePosted:
		return "posted to accounting (journal " + c.Ref + ")"
	case hub.ExpensePosting:
		return "being posted"
	case hub.ExpenseStuck:
		return "not posted: the back office will look into it"
	}
	return "waiting to be posted (the next sync posts it)"
}

const (
	declineJA       = "すみません、その質問にはまだお答えできません。"
	declineEN       = "Sorry, I can't answer that one yet."
	closestJA       = "近いと思われる質問:"
	closestEN       = "These may be close:"
	forwardedJA     = "バックオフィスの担当者に質問を転送しました。このスレッドで回答します。"
	forwardedEN     = "I've passed your question to the back office; they will answer in this thread."
	askBackofficeJA = "バックオフィスに直接お問い合わせください。"
	askBackofficeEN = "Please ask the back office directly."
	someoneElseJA   = "ほかの方の情報はお答えできません。ご自身のことならお答えします。"
	someoneElseEN   = "I can't share anyone else's information, only your own."
	unknownJA       = "すみません、あなたがどの社員の方か確認できないため、個人の情報はお答えできません。バックオフィスにチャットの登録をご依頼ください。"
	unknownEN       = "Sorry, I can't tell who you are, so I can't share personal information. Please ask the back office to register your chat account."
	noDirectJA      = "個人の情報はダイレクトメッセージでのみお伝えしています。ボットにダイレクトメッセージで質問してください。"
	noDirectEN      = "I only share personal information by direct message: please ask me there."
	sentPrivatelyJA = "ご本人にだけダイレクトメッセージでお送りしました。"
	sentPrivatelyEN = "I've sent the answer to you privately by direct message."
)
