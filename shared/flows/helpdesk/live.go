package helpdesk

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// askerTTL is how long the bot trusts whom it found an asker to be, and askerCacheSize how
// many askers it remembers.
const (
	askerTTL       = 10 * time.Minute
	askerCacheSize = 1024
)

// maxExpenses is how many of the asker's claims one answer lists, newest first.
const maxExpenses = 5

// intent is one kind of live answer: a figure of the asker's own, read when asked.
type intent struct {
	// name says what was answered, in the delivery's detail ("overtime", "paid leave").
	name string
	// answer composes the text for who, the asker.
	answer func(ctx context.Context, who model.Employee, today model.Date, lang faq.Lang) (string, error)
}

// Live-answer questions: a topic, and no sign that it asks how something works (which the
// FAQ answers). "残業の申請方法は?" is the FAQ's; "今月の残業は?" is a live figure.
var (
	overtimeWords = regexp.MustCompile(`(?i)残業|時間外|overtime`)
	overtimeHowTo = regexp.MustCompile(`(?i)申請|方法|手続|やり方|とは|割増|上限|ルール|規定|how (do|to|can|is .* paid)|request|apply|approv|what is overtime|\brate\b|\brules?\b|\blimit\b`)

	leaveWords = regexp.MustCompile(`(?i)有給|有休|年休|年次休暇|paid (leave|time off|holidays?)|\bPTO\b|annual leave|leave (days|balance)|vacation days`)
	leaveLeft  = regexp.MustCompile(`(?i)残|何日|あと|いくつ|どのくらい|どれくらい|balance|left|remaining|how many|how much`)
	leaveHowTo = regexp.MustCompile(`(?i)申請|取り方|取得方法|付与|失効|繰越|繰り越|時効|時間単位|半日|半休|request|apply|grant|expire|carr(y|ied)|hourly|half`)

	expenseWords  = regexp.MustCompile(`(?i)経費|精算|立替|立て替え|expense|reimburse|\bclaims?\b`)
	expenseStatus = regexp.MustCompile(`(?i)どうなった|どうなって|反映|計上|処理|状況|ステータス|まだ|済み|された|届い|振込|振り込|入金|posted|status|processed|went through|gone through|where is|what happened|been paid|paid yet|(has|have|did|was|were) my`)
	expenseHowTo  = regexp.MustCompile(`(?i)締め切り|締切|期限|方法|やり方|how (do|to|can)|deadline|what (is|are) the`)
)

// liveIntent returns the live answer a question asks for, or nil for the FAQ. A topic whose
// source hub.yaml does not name is the FAQ's too.
func (f *Flow) liveIntent(question string) *intent {
	switch {
	case f.expenses != nil && expenseWords.MatchString(question) && expenseStatus.MatchString(question) && !expenseHowTo.MatchString(question):
		return &intent{name: "expense claims", answer: f.expenseAnswer}
	case f.leave != nil && leaveWords.MatchString(question) && leaveLeft.MatchString(question) && !leaveHowTo.MatchString(question):
		return &intent{name: "paid leave", answer: f.leaveAnswer}
	case f.attendance != nil && overtimeWords.MatchString(question) && !overtimeHowTo.MatchString(question):
		return &intent{name: "overtime", answer: f.overtimeAnswer}
	}
	return nil
}

// live answers the asker's own figure, privately, or tells them why not. question is the
// message's text without its addressing of the bot.
func (f *Flow) live(ctx context.Context, kb *faq.KB, ev model.ChatEvent, question string, lang faq.Lang, in *intent) (reply, string, error) {
	msg := ev.Message
	if aboutSomeoneElse(kb, question) || mentionsSomeone(msg.Text, ev.Type == directMessage) {
		return reply{thread: say(lang, someoneElseJA, someoneElseEN)}, "declined: someone else's " + in.name, nil
	}
	today := model.DateOf(f.now(), f.zone)
	who, found, why, err := f.asker(ctx, msg.User, today)
	if err != nil {
		return reply{}, "", err
	}
	if !found {
		return reply{thread: say(lang, unknownJA, unknownEN)}, "declined: " + why, nil
	}
	// Where the answer goes is settled before it is read: nothing personal is read for an
	// asker the bot cannot reach alone.
	dm, private := msg.User, ev.Type == directMessage
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
	text, err := in.answer(ctx, who, today, lang)
	if err != nil {
		return reply{}, "", err
	}
	if private {
		return reply{thread: text}, in.name + " answered", nil
	}
	return reply{
		before: []model.ChatMessage{{Channel: dm, User: msg.User, Text: text}},
		thread: say(lang, sentPrivatelyJA, sentPrivatelyEN),
	}, in.name + " sent by direct message", nil
}

// asker finds the employee a chat user is: the code hub.yaml's chat_users gives for them,
// else the email the chat service shows for them, looked up among the attendance
// connection's employees. why says, without personal data, why nobody was found.
//
// Cost: one listing of the attendance connection's employees (paged; about two requests per
// 100 employees at freee) the first time someone asks within askerTTL, plus Slack's
// users.info; whom an asker is found to be is kept askerTTL, so their next questions cost
// only the answer's own reads. Someone not found is looked up again each time.
func (f *Flow) asker(ctx context.Context, user string, today model.Date) (who model.Employee, found bool, why string, err error) {
	if user == "" {
		return model.Employee{}, false, "the message has no sender", nil
	}
	if emp, ok := f.askers.Get(user); ok {
		return emp, true, "", nil
	}
	who, found, why, err = f.findAsker(ctx, user, today)
	if found {
		f.askers.Put(user, who)
	}
	return who, found, why, err
}

// findAsker is asker without the cache.
func (f *Flow) findAsker(ctx context.Context, user string, today model.Date) (who model.Employee, found bool, why string, err error) {
	if f.ambiguous[user] {
		return model.Employee{}, false, "asker mapped to two employees", nil
	}
	code, mapped := f.employees[user]
	var email string
	if !mapped {
		if f.profiles == nil {
			return model.Employee{}, false, "asker not mapped", nil
		}
		e, ok, err := f.profiles.EmailOf(ctx, user)
		if err != nil {
			return model.Employee{}, false, "", fmt.Errorf("chat-helpdesk: find the asker's email: %w", err)
		}
		if !ok || strings.TrimSpace(e) == "" {
			return model.Employee{}, false, "asker has no email in chat", nil
		}
		email = strings.TrimSpace(e)
	}
	if f.attendance == nil {
		// Only the expense flow answers, and it matches claims by code or email itself.
		return model.Employee{Code: code, Email: email}, true, "", nil
	}
	period, err := payroll.PeriodContaining(f.rules.ClosingDay, today)
	if err != nil {
		return model.Employee{}, false, "", fault.Permanent("chat-helpdesk: this pay period", err)
	}
	var matches int
	for emp, err := range f.attendance.Employees(ctx, period) {
		if err != nil {
			return model.Employee{}, false, "", fmt.Errorf("chat-helpdesk: list employees of %s: %w", f.attendanceConn, err)
		}
		if (mapped && emp.Code == code) || (!mapped && emp.Email != "" && strings.EqualFold(emp.Email, email)) {
			who = emp
			matches++
		}
	}
	switch {
	case !mapped && matches == 1 && f.mappedCodes[who.Code]:
		// hub.yaml gives this employee another chat account: trust the mapping, not the email.
		return model.Employee{}, false, "employee mapped to another chat user", nil
	case matches == 0:
		return model.Employee{}, false, "employee not at the attendance connection", nil
	case matches > 1:
		// Two employees with one code or one email: answering for either could be the
		// other's data.
		return model.Employee{}, false, "two employees match the asker", nil
	}
	return who, true, "", nil
}

// overtimeAnswer is the asker's overtime so far this pay period, computed by package
// payroll under the payroll flow's rules.
func (f *Flow) overtimeAnswer(ctx context.Context, emp model.Employee, today model.Date, lang faq.Lang) (string, error) {
	period, err := payroll.PeriodContaining(f.rules.ClosingDay, today)
	if err != nil {
		return "", fault.Permanent("chat-helpdesk: this pay period", err)
	}
	// The weekly 40 hours count from the week's first day, which may lie before the period.
	fetch := model.PayPeriod{Year: period.Year, Month: period.Month, Start: payroll.FirstDayNeeded(f.rules, period), End: today}
	days, err := f.attendance.Attendance(ctx, emp, fetch)
	if err != nil {
		return "", fmt.Errorf("chat-helpdesk: read the asker's time clocks at %s: %w", f.attendanceConn, err)
	}
	sum, issues, err := payroll.Summarize(f.rules, period, emp.ID(f.attendanceConn), days)
	if err != nil {
		return "", fault.Permanent("chat-helpdesk: compute the asker's overtime", err)
	}
	return overtimeText(lang, period.Start, today, sum.OvertimeMinutes, len(issues)), nil
}

// leaveAnswer is the asker's paid-leave balance as the leave connection keeps it.
func (f *Flow) leaveAnswer(ctx context.Context, emp model.Employee, today model.Date, lang faq.Lang) (string, error) {
	b, err := f.leave.PaidLeave(ctx, emp, today)
	if err != nil {
		return "", fmt.Errorf("chat-helpdesk: read the asker's paid leave at %s: %w", f.leaveConn, err)
	}
	return leaveText(lang, b), nil
}

// expenseAnswer lists the asker's recent approved claims and where each stands.
func (f *Flow) expenseAnswer(ctx context.Context, emp model.Employee, today model.Date, lang faq.Lang) (string, error) {
	since := f.now().Add(-f.expenseLookback)
	claims, err := f.expenses.ExpensesOf(ctx, emp, since, maxExpenses)
	if err != nil {
		return "", fmt.Errorf("chat-helpdesk: the asker's expense claims: %w", err)
	}
	return expenseText(lang, claims, model.DateOf(since, f.zone), f.zone), nil
}

var (
	// mentionTag is how a message addresses someone: Slack's <@U…>, and Chatwork's [To:…] and
	// [rp …] tags followed by the name Chatwork writes after them ("[To:123]urakata 経理botさん"),
	// up to the さん that ends it, or up to the line's end or the first space when there is none.
	mentionTag = regexp.MustCompile(`<@[A-Z0-9]+>|(?:\[To:\d+\]|\[rp [^\]]*\])(?:[^\n]*?さん|\S*)`)
	// otherPerson is how a question names someone: an honorific (田中さん, 佐藤様), an
	// employee code (E00002), or a possessive name (Tanaka's).
	otherPerson = regexp.MustCompile(`(?i)(さん|様|さま|君|くん|氏|ちゃん)|\b[a-z]{0,3}\d{3,}\b|\b[a-z]+['’]s\b|\b(of|for) (?:mr|ms|mrs|employee|user)\b`)
	// figures are amounts, years and dates, which an employee-code check would mistake for
	// a code: "3,300円の経費精算", "2026年の有給", "11/20".
	figures = regexp.MustCompile(`(?i)[¥￥]\s*\d[\d,]*|\d[\d,]*\s*(円|yen|jpy)|\d{4}\s*年|\d{4}[-/]\d{1,2}([-/]\d{1,2})?`)
	// ownWords are possessives that are not another person: this month's overtime.
	ownWords = regexp.MustCompile(`(?i)\b(month|week|year|today|it|that|what|who|let|here|there)['’]s\b|\b(my|me|i)\b`)
)

// mentionedID finds who a message addresses: Slack's <@U…>, Chatwork's [To:…] and the
// author of the message a Chatwork reply quotes ([rp aid=…]).
var mentionedID = regexp.MustCompile(`<@([A-Z0-9]+)>|\[To:(\d+)\]|\[rp aid=(\d+)`)

// mentionsSomeone says whether a message addresses someone besides the bot: two people
// addressed (the bot and a colleague), or anyone in a direct chat with the bot, where the
// bot needs no addressing. "<@U2> の残業は?" asks about U2, not about the asker.
func mentionsSomeone(text string, direct bool) bool {
	ids := map[string]bool{}
	for _, m := range mentionedID.FindAllStringSubmatch(text, -1) {
		ids[m[1]+m[2]+m[3]] = true
	}
	return len(ids) > 1 || (direct && len(ids) > 0)
}

// stripMentions removes the addressing of the bot ("<@U…>", "[To:…]") from a message.
func stripMentions(text string) string {
	return strings.TrimSpace(mentionTag.ReplaceAllString(text+" ", " "))
}

// aboutSomeoneElse says whether a live question names a person: the bot answers only the
// asker's own, so any name, honorific or code makes it decline. Erring towards declining
// costs a rephrase; erring the other way would be a leak (though even then the figure would
// be the asker's own). The knowledge base's own detector adds 上司の残業, my manager's
// overtime and the like.
func aboutSomeoneElse(kb *faq.KB, question string) bool {
	q := ownWords.ReplaceAllString(figures.ReplaceAllString(question, " "), " ")
	return otherPerson.MatchString(q) || kb.AboutSomeoneElse(question)
}
