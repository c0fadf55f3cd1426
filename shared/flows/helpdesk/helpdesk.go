// Package helpdesk is the back-office chat bot (社内ヘルプデスク), flow type "chat-helpdesk":
// an employee mentions the bot or writes to it directly, and the worker answers in the same
// thread.
//
// The webhook's job carries the message (hub.WebhookEvent.Chat). Plan turns it into one
// delivery, the reply, keyed by the chat event's id; its payload is the question, not the
// answer, so a retried webhook plans the same delivery and is answered once, and no personal
// figure waits in the queue. Deliver composes the answer and posts it:
//
//   - live answers, for the asker alone (live.go): "今月の残業は?" (overtime so far this pay
//     period, computed by package payroll from the attendance connection under the payroll
//     flow's rules), "有給は何日残ってる?" (the paid-leave balance the leave connection
//     keeps) and "経費精算はどうなった?" (the asker's approved claims and whether each was
//     posted, from what the expense flow recorded in the ledger). The asker is the employee
//     hub.yaml's chat_users names for their chat id, else the one whose email the chat
//     service shows for them (Slack's users.info); anyone found neither way, or found twice,
//     gets no personal answer. A question that names someone else is declined. In a public
//     channel the answer goes by direct message and the thread only says so.
//   - anything else: the FAQ. Above the threshold, the entry's answer in the asker's
//     language; below it, a polite "I don't know" with the closest entries, and the question
//     is forwarded to the back-office channel (its text and the thread to answer in, nothing
//     else about the asker).
//
// The knowledge base is read from a local folder or a GitHub repository (kb_repo) on first
// use, again by the first question after kb_refresh, and at once by a run without a chat
// message (the flow's schedule trigger, `urakata sync <flow>`) or by the repository's push
// webhook (the GitHub connection's webhooks start the flow too: hub.FlowType.AlsoTriggeredBy).
//
// A reply may take two posts (the direct message or the forward, then the thread's answer).
// The ledger makes the delivery once in effect, but a worker that dies between the two
// posts, or a thread post that fails, repeats the first on the retry: a duplicate direct
// message or forward, never a message to anyone else.
package helpdesk

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/cache"
	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// PrescribedDailyMinutes is the prescribed working day the live overtime figure assumes
// when the mapping names no payroll flow.
const PrescribedDailyMinutes = 480

var (
	payrollZone = payroll.JST
	timeNow     = time.Now
	noLogger    = slog.New(slog.DiscardHandler)
)

// Flow is one configured chat-helpdesk flow.
type Flow struct {
	name   string
	target string
	chat   hub.ChatPoster
	// rooms finds a person's direct chat where the service needs one (Chatwork); without it
	// a message to the user's id reaches them alone (Slack).
	rooms directRooms
	// profiles tells a chat user's email, to find the asker among the employees.
	profiles   hub.ChatProfiles
	backoffice string

	kb        *faq.Live
	kbRefresh time.Duration
	kbMu      sync.Mutex
	kbAt      time.Time

	// Live answers: the time clock and its rules, the paid-leave balances, the expense flow.
	attendance      hub.AttendanceSource
	attendanceConn  string
	rules           payroll.Rules
	leave           hub.LeaveSource
	leaveConn       string
	expenses        hub.ExpenseTracker
	expenseLookback time.Duration
	// employees maps a chat user id to the employee code it may see the data of; ambiguous
	// holds the users hub.yaml maps to two employees, who get no personal answer.
	employees map[string]string
	ambiguous map[string]bool
	// askers keeps whom each recent asker was found to be.
	askers *cache.Recent[model.Employee]
	// mappedCodes are the employees chat_users names: found by their mapping alone, never
	// by another chat user's email.
	mappedCodes map[string]bool

	zone   *time.Location
	now    func() time.Time
	logger *slog.Logger
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

// pushEvent is the type of a repository's push webhook (connectors/github).
const pushEvent = "push"

// Plan emits the reply to the job's chat message. A job without one (the schedule, `urakata
// sync`) or a push to the knowledge base's repository reads the knowledge base again
// instead.
func (f *Flow) Plan(ctx context.Context, run hub.Run, emit func(hub.Item) error) (string, error) {
	ev := run.Job.Event
	if ev == nil || ev.Chat == nil {
		if ev != nil && ev.Type != pushEvent {
			return "", nil // another webhook of the chat connection: nothing to answer
		}
		return "", f.reload(ctx)
	}
	if strings.TrimSpace(ev.Chat.Message.Text) == "" {
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
	kb, err := f.knowledge(ctx)
	if err != nil {
		return hub.Result{}, err
	}
	question := stripMentions(msg.Text)
	lang := faq.DetectLang(question)
	var (
		r      reply
		detail string
	)
	if intent := f.liveIntent(question); intent != nil {
		r, detail, err = f.live(ctx, kb, q.Event, question, lang, intent)
	} else {
		r, detail = f.fromFAQ(kb, msg, question, lang)
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
func (f *Flow) fromFAQ(kb *faq.KB, msg model.ChatMessage, question string, lang faq.Lang) (reply, string) {
	ans := kb.Ask(question)
	switch {
	case !ans.Declined:
		return reply{thread: ans.Match.Entry.AnswerIn(lang)}, "faq " + ans.Match.Entry.ID
	case ans.Reason == faq.SomeoneElse:
		return reply{thread: say(lang, someoneElseJA, someoneElseEN)}, "declined: someone else's data"
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
	if f.backoffice == "" {
		b.WriteString("\n" + say(lang, askBackofficeJA, askBackofficeEN))
		r.thread = b.String()
		return r, "declined"
	}
	b.WriteString("\n" + say(lang, forwardedJA, forwardedEN))
	r.before = append(r.before, model.ChatMessage{Channel: f.backoffice,
		Text: "ヘルプデスクが答えられなかった質問です / A question the helpdesk could not answer (thread " + msg.Thread + "):\n> " + question})
	r.thread = b.String()
	return r, "declined and forwarded"
}

// knowledge returns the knowledge base, reading it on first use and again once it is older
// than kb_refresh. A knowledge base that does not load the first time is a configuration
// mistake the next attempt will not fix; a later refresh that fails keeps the one in use.
func (f *Flow) knowledge(ctx context.Context) (*faq.KB, error) {
	f.kbMu.Lock()
	stale := f.now().Sub(f.kbAt) >= f.kbRefresh
	f.kbMu.Unlock()
	kb := f.kb.KB()
	if kb != nil && !stale {
		return kb, nil
	}
	if err := f.reload(ctx); err != nil {
		if kb != nil {
			f.logger.Warn("knowledge base: refresh failed; answering from the one in use", "error", err)
			return kb, nil
		}
		return nil, fault.Permanent("chat-helpdesk: load the knowledge base", err)
	}
	return f.kb.KB(), nil
}

// reload reads the knowledge base now.
func (f *Flow) reload(ctx context.Context) error {
	changed, err := f.kb.Reload(ctx)
	if err != nil {
		return err
	}
	f.kbMu.Lock()
	f.kbAt = f.now()
	f.kbMu.Unlock()
	if changed {
		f.logger.Info("knowledge base loaded", "entries", f.kb.KB().Len())
	}
	return nil
}

func say(lang faq.Lang, ja, en string) string {
	if lang == faq.English {
		return en
	}
	return ja
}
