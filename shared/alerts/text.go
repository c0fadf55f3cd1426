package alerts

import (
	"fmt"
	"strings"
	"time"
)

// Every text is in Japanese, then English: the back office reads the first, a vendor's
// support or an outside engineer the second. Texts hold the kind, the flow, the connection,
// the cause class, counts and the run id: nothing about a record or a person.

// headline names the failure in one line, in each language.
func headline(a Alert) (ja, en string) {
	switch a.Kind {
	case DeadLetter:
		return fmt.Sprintf("配信がデッドレターに入りました: フロー %s → %s", name(a.Flow), name(a.Connection)),
			fmt.Sprintf("A delivery went to the dead letters: flow %s → %s", name(a.Flow), name(a.Connection))
	case Reconnect:
		return fmt.Sprintf("接続 %s の再認可が必要です（invalid_grant）。フロー %s は止まっています", name(a.Connection), name(a.Flow)),
			fmt.Sprintf("reconnect %s: the vendor refused its refresh token (invalid_grant), so flow %s cannot run", name(a.Connection), name(a.Flow))
	}
	return fmt.Sprintf("フロー %s の実行が失敗しました", name(a.Flow)),
		fmt.Sprintf("Flow %s failed its run", name(a.Flow))
}

// remedy says what to do, in each language.
func remedy(a Alert) (ja, en string) {
	switch a.Kind {
	case DeadLetter:
		return "原因を直してから `urakata dlq list` で確認し、`urakata dlq replay` で再送してください（台帳があるので二重には書き込まれません）。",
			"Fix the cause, check with `urakata dlq list`, then resend with `urakata dlq replay` (the ledger keeps it from writing twice)."
	case Reconnect:
		return fmt.Sprintf("%s のアプリを認可し直し、新しいリフレッシュトークンを接続のシークレットに保存してください。", name(a.Connection)),
			fmt.Sprintf("Authorise the app of %s again and store the new refresh token in the connection's secret.", name(a.Connection))
	}
	return fmt.Sprintf("ログで run_id を確かめ、原因を直してから `urakata sync %s` で再実行してください。", name(a.Flow)),
		fmt.Sprintf("Look the run_id up in the logs, fix the cause, then run it again with `urakata sync %s`.", name(a.Flow))
}

// chatText is the message posted when an alert opens.
func chatText(a Alert, count int, issue string) string {
	ja, en := headline(a)
	fixJa, fixEn := remedy(a)
	var b strings.Builder
	fmt.Fprintf(&b, "%s urakata: %s（この実行で %d 件）\n", icon(a.Kind), ja, count)
	if a.Kind != Reconnect && a.Cause != "" {
		fmt.Fprintf(&b, "原因: %s\n", a.Cause)
	}
	fmt.Fprintf(&b, "対処: %s\n", fixJa)
	if issue != "" {
		fmt.Fprintf(&b, "Issue: %s\n", issue)
	}
	fmt.Fprintf(&b, "—\n%s (%d in this run).\n", en, count)
	if a.Kind != Reconnect && a.Cause != "" {
		fmt.Fprintf(&b, "Cause: %s\n", a.Cause)
	}
	b.WriteString(fixEn)
	return b.String()
}

// issueTitle is the issue's title: what failed, and the cause for telling issues apart,
// within GitHub's 256 characters.
func issueTitle(a Alert) string {
	switch a.Kind {
	case DeadLetter:
		return cut(fmt.Sprintf("[urakata] デッドレター / dead letters: %s → %s: %s", name(a.Flow), name(a.Connection), a.Cause), 200)
	case Reconnect:
		return fmt.Sprintf("[urakata] 再認可が必要 / reconnect %s (flow %s)", name(a.Connection), name(a.Flow))
	}
	return cut(fmt.Sprintf("[urakata] フロー失敗 / flow failed: %s: %s", name(a.Flow), a.Cause), 200)
}

// issueBody is the issue's body, and the note added each time the failure is seen again.
func issueBody(a Alert, count int, at time.Time) string {
	ja, en := headline(a)
	fixJa, fixEn := remedy(a)
	var b strings.Builder
	fmt.Fprintf(&b, "%s。\n%s.\n\n", ja, en)
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| 種類 / kind | %s |\n", a.Kind)
	fmt.Fprintf(&b, "| フロー / flow | `%s` |\n", name(a.Flow))
	if a.Connection != "" {
		fmt.Fprintf(&b, "| 接続 / connection | `%s` |\n", a.Connection)
	}
	if a.Cause != "" {
		fmt.Fprintf(&b, "| 原因 / cause | %s |\n", a.Cause)
	}
	if a.RunID != "" {
		fmt.Fprintf(&b, "| 実行 / run | `%s` |\n", a.RunID)
	}
	fmt.Fprintf(&b, "| この実行での件数 / times in this run | %d |\n", count)
	fmt.Fprintf(&b, "| 時刻 / at | %s |\n\n", at.Format("2006-01-02 15:04:05 -07:00"))
	fmt.Fprintf(&b, "**対処**: %s\n\n**What to do**: %s\n\n", fixJa, fixEn)
	b.WriteString("フローが次に何も失敗せずに実行されると、urakata がこの issue を閉じます。\n")
	b.WriteString("urakata closes this issue once what failed works again: the flow's next run with nothing failed, or a later delivery that lands.\n")
	return b.String()
}

// closeComment is left on an issue as it is closed.
func closeComment(flow, runID string) string {
	return fmt.Sprintf("✅ 復旧しました: フロー %s が何も失敗せずに実行されました（run `%s`）。\nResolved: flow %s ran with nothing failed (run `%s`).",
		name(flow), runID, name(flow), runID)
}

// recoveryText is the chat line that says a flow recovered, how it showed it (how, in
// English, and its Japanese), and which alerts closed.
func recoveryText(flow string, how howText, closed []Alert) string {
	var ja, en []string
	for _, a := range closed {
		switch a.Kind {
		case DeadLetter:
			ja = append(ja, "デッドレター → "+name(a.Connection))
			en = append(en, "dead letters → "+name(a.Connection))
		case Reconnect:
			ja = append(ja, "再認可 "+name(a.Connection))
			en = append(en, "reconnect "+name(a.Connection))
		default:
			ja = append(ja, "フロー失敗")
			en = append(en, "flow failed")
		}
	}
	return fmt.Sprintf("✅ urakata: 復旧しました — フロー %s %s、アラート %d 件を閉じました（%s）。\n—\nRecovered: flow %s %s; %d alert(s) closed (%s).",
		name(flow), how.ja, len(closed), strings.Join(ja, "、"), name(flow), how.en, len(closed), strings.Join(en, ", "))
}

// howText says, in both languages, what showed that a flow works again: ja runs on into
// the rest of a sentence, jaEnd ends one.
type howText struct{ ja, jaEnd, en string }

// ranClean is the embedded runtime's evidence: a whole run with nothing failed.
var ranClean = howText{ja: "が何も失敗せずに実行され", jaEnd: "が何も失敗せずに実行されました", en: "ran with nothing failed"}

func icon(k Kind) string {
	if k == Reconnect {
		return "🔑"
	}
	return "⚠️"
}

// name shows an empty flow or connection as such.
func name(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
