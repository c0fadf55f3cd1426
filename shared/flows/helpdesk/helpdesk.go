// Package helpdesk is the back-office chat bot (社内ヘルプデスク), flow type "chat-helpdesk":
// an employee mentions the bot or writes to it directly, and the worker answers in the same
// thread.
//
// The webhook's job carries the message (hub.WebhookEvent.Chat). Plan turns it into one
// delivery, the reply, keyed by the chat event's id; its payload is the question, not the
// answer, so a retried webhook plans the same delivery and is answered once, and no personal
// figure waits in the queue. Deliver composes the answer and posts it:
//
//   - "今月の残業は?" / "overtime this month": the asker's own overtime so far this month, read
//     from the attendance connection for the employee hub.yaml maps the chat user to
//     (mapping.chat_users) and computed by package payroll. In a public channel the figure
//     goes by direct message and the thread only says so. An asker the mapping does not name
//     is told, politely, that the bot cannot tell who they are; a question about someone
//     else's overtime is declined. Nobody is ever told anyone's figures but their own.
//   - anything else: the FAQ. Above the threshold, the entry's answer in the asker's
//     language; below it, a polite "I don't know" with the closest entries, and the question
//     is forwarded to the back-office channel (its text and the thread to answer in, nothing
//     else about the asker).
//
// A reply may take two posts (the direct message or the forward, then the thread's answer).
// The ledger makes the delivery once in effect, but a worker that dies between the two
// posts, or a thread post that fails, repeats the first on the retry: a duplicate direct
// message or forward, never a message to anyone else.
//
// hub.yaml has no pay-period rules for this flow type, so the live figure uses 末締め (the
// calendar month) and a prescribed day of 480 minutes, which makes overtime the time beyond
// 8 hours a day or 40 hours a week (法定外). Slack's users.info is not used: the asker is
// mapped by mapping.chat_users alone.
package helpdesk

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// TypeName is the flow type's name in hub.yaml.
const TypeName = "chat-helpdesk"

// PrescribedDailyMinutes is the prescribed working day the live overtime figure assumes.
const PrescribedDailyMinutes = 480

var (
	payrollZone = payroll.JST
	timeNow     = time.Now
)

// Flow is one configured chat-helpdesk flow.
type Flow struct {
	name   string
	target string
	chat   hub.ChatPoster
	// rooms finds a person's direct chat where the service needs one (Chatwork); without it
	// a message to the user's id reaches them alone (Slack).
	rooms      directRooms
	kb         *faq.Live
	backoffice string

	attendance     hub.AttendanceSource
	attendanceConn string
	// employees maps a chat user id to the employee code it may see the data of.
	employees map[string]string
	zone      *time.Location
	now       func() time.Time
}

// directRooms is the chat connection's ability to find the direct chat with a person.
type directRooms interface {
	DirectRoom(ctx context.Context, user string) (room string, ok bool, err error)
}

var _ hub.Flow = (*Flow)(nil)

// Question is what a reply delivery carries: the chat event to answer.
type Question struct {
	Event model.ChatEvent `json:"event"`
}

// directMessage is the Slack event type of a message in the bot's direct chat.
const directMessage = "message.im"

// Plan emits the reply to the job's chat message; a job without one plans nothing.
func (f *Flow) Plan(_ context.Context, run hub.Run, emit func(hub.Item) error) (string, error) {
	ev := run.Job.Event
	if ev == nil || ev.Chat == nil || strings.TrimSpace(ev.Chat.Message.Text) == "" {
		return "", nil
	}
	return "", emit(hub.Item{NaturalKey: "chat/" + ev.Chat.ID, Payload: Question{Event: *ev.Chat}})
}

// Deliver answers the question in its thread.
func (f *Flow) Deliver(ctx context.Context, d hub.Delivery) (hub.Result, error) {
	var q Question
	if err := hub.DecodePayload(d, &q); err != nil {
		return hub.Result{}, err
	}
	msg := q.Event.Message
	if msg.Channel == "" {
		return hub.Result{}, fault.Permanentf("chat-helpdesk: delivery "+d.NaturalKey, "the question has no channel")
	}
	lang := faq.DetectLang(stripMentions(msg.Text))
	var (
		r      reply
		detail string
		err    error
	)
	if f.attendance != nil && asksOvertime(msg.Text) {
		r, detail, err = f.overtime(ctx, q.Event, lang)
	} else {
		r, detail, err = f.fromFAQ(ctx, msg, lang)
	}
	if err != nil {
		return hub.Result{}, err
	}
	for _, m := range r.before {
		if _, err := f.chat.PostMessage(ctx, m); err != nil {
			return hub.Result{}, fmt.Errorf("chat-helpdesk: %s: %w", detail, err)
		}
	}
	ref, err := f.chat.PostMessage(ctx, model.ChatMessage{Channel: msg.Channel, Thread: msg.Thread, Text: r.thread})
	if err != nil {
		return hub.Result{}, fmt.Errorf("chat-helpdesk: answer in the thread: %w", err)
	}
	return hub.Result{Ref: ref, Detail: detail}, nil
}

// reply is what one question gets: messages posted before the thread's answer (a direct
// message, a forward to the back office), then the answer in the thread.
type reply struct {
	before []model.ChatMessage
	thread string
}

// fromFAQ answers from the knowledge base, or declines and forwards the question.
func (f *Flow) fromFAQ(ctx context.Context, msg model.ChatMessage, lang faq.Lang) (reply, string, error) {
	kb, err := f.knowledge(ctx)
	if err != nil {
		return reply{}, "", err
	}
	question := stripMentions(msg.Text)
	ans := kb.Ask(question)
	switch {
	case !ans.Declined:
		return reply{thread: ans.Match.Entry.AnswerIn(lang)}, "faq " + ans.Match.Entry.ID, nil
	case ans.Reason == faq.SomeoneElse:
		return reply{thread: say(lang, someoneElseJA, someoneElseEN)}, "declined: someone else's data", nil
	}
	var b strings.Builder
	b.WriteString(say(lang, declineJA, declineEN))
	if len(ans.Closest) > 0 {
		b.WriteString("\n" + say(lang, closestJA, closestEN))
		for _, m := range ans.Closest {
			b.WriteString("\n• " + m.Entry.QuestionIn(lang))
		}
	}
	r := reply{}
	if f.backoffice != "" {
		b.WriteString("\n" + say(lang, forwardedJA, forwardedEN))
		r.before = append(r.before, model.ChatMessage{Channel: f.backoffice,
			Text: "ヘルプデスクが答えられなかった質問です / A question the helpdesk could not answer (thread " + msg.Thread + "):\n> " + question})
	} else {
		b.WriteString("\n" + say(lang, askBackofficeJA, askBackofficeEN))
	}
	r.thread = b.String()
	return r, "declined and forwarded", nil
}

// overtime answers the asker's own overtime this month, privately, or tells them why not.
func (f *Flow) overtime(ctx context.Context, ev model.ChatEvent, lang faq.Lang) (reply, string, error) {
	msg := ev.Message
	kb, err := f.knowledge(ctx)
	if err != nil {
		return reply{}, "", err
	}
	if aboutSomeoneElse(kb, stripMentions(msg.Text)) {
		return reply{thread: say(lang, someoneElseJA, someoneElseEN)}, "declined: someone else's overtime", nil
	}
	code, ok := f.employees[msg.User]
	if !ok || msg.User == "" {
		return reply{thread: say(lang, unknownJA, unknownEN)}, "declined: asker not mapped", nil
	}
	today := model.DateOf(f.now(), f.zone)
	rules := payroll.Rules{ClosingDay: 0, PrescribedDailyMinutes: PrescribedDailyMinutes, Zone: f.zone}
	period, err := payroll.PeriodFor(rules.ClosingDay, today.Year, today.Month)
	if err != nil {
		return reply{}, "", fault.Permanent("chat-helpdesk: this month", err)
	}
	emp, found, err := f.employee(ctx, code, period)
	if err != nil {
		return reply{}, "", err
	}
	if !found {
		return reply{thread: say(lang, unknownJA, unknownEN)}, "declined: employee not at the attendance connection", nil
	}
	// The weekly 40 hours count from the week's first day, which may lie before the month.
	fetch := model.PayPeriod{Year: period.Year, Month: period.Month, Start: payroll.FirstDayNeeded(rules, period), End: today}
	days, err := f.attendance.Attendance(ctx, emp, fetch)
	if err != nil {
		return reply{}, "", fmt.Errorf("chat-helpdesk: read the asker's time clocks at %s: %w", f.attendanceConn, err)
	}
	sum, issues, err := payroll.Summarize(rules, period, emp.ID(f.attendanceConn), days)
	if err != nil {
		return reply{}, "", fault.Permanent("chat-helpdesk: compute the asker's overtime", err)
	}
	text := overtimeText(lang, today, sum.OvertimeMinutes, len(issues))

	private := ev.Type == directMessage
	dm := msg.User
	if f.rooms != nil {
		room, ok, err := f.rooms.DirectRoom(ctx, msg.User)
		if err != nil {
			return reply{}, "", fmt.Errorf("chat-helpdesk: find the asker's direct chat: %w", err)
		}
		if !ok {
			return reply{thread: say(lang, noDirectJA, noDirectEN)}, "declined: no direct chat with the asker", nil
		}
		dm, private = room, private || room == msg.Channel
	}
	if private {
		return reply{thread: text}, "overtime answered", nil
	}
	return reply{
		before: []model.ChatMessage{{Channel: dm, User: msg.User, Text: text}},
		thread: say(lang, sentPrivatelyJA, sentPrivatelyEN),
	}, "overtime sent by direct message", nil
}

// knowledge returns the knowledge base, reading it on first use. A folder that does not
// load is a configuration mistake the next attempt will not fix.
func (f *Flow) knowledge(ctx context.Context) (*faq.KB, error) {
	if kb := f.kb.KB(); kb != nil {
		return kb, nil
	}
	if _, err := f.kb.Reload(ctx); err != nil {
		return nil, fault.Permanent("chat-helpdesk: load the knowledge base", err)
	}
	return f.kb.KB(), nil
}

// employee finds the employee with code at the attendance connection.
func (f *Flow) employee(ctx context.Context, code string, period model.PayPeriod) (model.Employee, bool, error) {
	for emp, err := range f.attendance.Employees(ctx, period) {
		if err != nil {
			return model.Employee{}, false, fmt.Errorf("chat-helpdesk: list employees of %s: %w", f.attendanceConn, err)
		}
		if emp.Code == code {
			return emp, true, nil
		}
	}
	return model.Employee{}, false, nil
}

var (
	overtimeWords = regexp.MustCompile(`(?i)残業|時間外|overtime`)
	mentionTag    = regexp.MustCompile(`<@[A-Z0-9]+>|\[To:\d+\][^\n]*?(さん)?\s|\[rp [^\]]*\][^\n]*?(さん)?\s`)
	// otherPerson is how a question names someone: an honorific (田中さん, 佐藤様), an
	// employee code (E00002), or a possessive name (Tanaka's).
	otherPerson = regexp.MustCompile(`(?i)(さん|様|さま|君|くん|氏|ちゃん)|\b[a-z]{0,3}\d{3,}\b|\b[a-z]+['’]s\b|\b(of|for) (?:mr|ms|mrs|employee|user)\b`)
	// ownWords are possessives that are not another person: this month's overtime.
	ownWords = regexp.MustCompile(`(?i)\b(month|week|year|today|it|that|what|who|let|here|there)['’]s\b|\b(my|me|i)\b`)
)

// stripMentions removes the addressing of the bot ("<@U…>", "[To:…]") from a message.
func stripMentions(text string) string {
	return strings.TrimSpace(mentionTag.ReplaceAllString(text+" ", " "))
}

func asksOvertime(text string) bool { return overtimeWords.MatchString(stripMentions(text)) }

// aboutSomeoneElse says whether an overtime question names a person: the bot answers only
// the asker's own, so any name, honorific or code makes it decline. Erring towards declining
// costs a rephrase; erring the other way would be a leak (though even then the figure would
// be the asker's own).
// The knowledge base's own detector adds 上司の残業, my manager's overtime and the like.
func aboutSomeoneElse(kb *faq.KB, question string) bool {
	q := ownWords.ReplaceAllString(question, " ")
	return otherPerson.MatchString(q) || kb.Ask(question).Reason == faq.SomeoneElse
}

// overtimeText is the live answer.
func overtimeText(lang faq.Lang, today model.Date, minutes, issues int) string {
	h, m := minutes/60, minutes%60
	if lang == faq.English {
		s := fmt.Sprintf("Your overtime this month (to %s): %d h %02d min (%d minutes beyond 8 hours a day or 40 a week).", today, h, m, minutes)
		if issues > 0 {
			s += fmt.Sprintf(" The time clock has %d problem(s) (a missing punch, say) not counted yet: please fix them there.", issues)
		}
		return s
	}
	s := fmt.Sprintf("今月（%d月1日〜%d日）のあなたの残業時間は %d時間%02d分（%d分、1日8時間・週40時間を超えた時間）です。", today.Month, today.Day, h, m, minutes)
	if issues > 0 {
		s += fmt.Sprintf("打刻漏れなど %d 件の問題があり、その分はまだ数えていません。勤怠システムで修正してください。", issues)
	}
	return s
}

func say(lang faq.Lang, ja, en string) string {
	if lang == faq.English {
		return en
	}
	return ja
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
