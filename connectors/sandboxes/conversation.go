package sandboxes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urakata/urakata/connectors/chatwork"
	"github.com/urakata/urakata/connectors/slack"
	"github.com/urakata/urakata/shared/flows/helpdesktype"
	"github.com/urakata/urakata/shared/store"
)

// Kind is the kind of answer a scripted question should get.
type Kind string

// The kinds of answer the script checks for.
const (
	// FAQAnswer: the FAQ answers in the question's thread.
	FAQAnswer Kind = "faq"
	// Forwarded: the FAQ declines, says so in the thread and forwards the question to the
	// back-office channel.
	Forwarded Kind = "declined and forwarded"
	// LiveByDM: the asker's own figure, sent to them alone by direct message; the thread
	// only says so.
	LiveByDM Kind = "live answer by direct message"
)

// Line is one question of the demo conversation.
type Line struct {
	// Chat is the vendor of the chat it is asked in (slack, chatwork).
	Chat string
	// Asker is the demo employee who asks, by index: 0 is E00001, whom hub.example.yaml
	// maps to their chat accounts for live answers.
	Asker int
	// Text is the question, asked by mentioning the bot in the chat's all-hands channel.
	Text string
	// Want is the kind of answer it should get.
	Want Kind
}

// Script is the demo conversation: in each chat a question the FAQ answers in Japanese and
// one in English, one it must decline (forwarded to the back office), and live answers to
// the asker alone: "今月の残業は?" in Slack from E00002, whom Slack finds by email and whose
// month in progress has the demo's heaviest overtime, and in Chatwork from the employee
// hub.yaml maps; "有給は何日残ってる?" in Slack from that mapped employee and from one Slack
// finds by email; "経費精算はどうなった?" in Chatwork.
var Script = []Line{
	{Chat: slack.Vendor, Asker: 1, Text: "給料日はいつですか？", Want: FAQAnswer},
	{Chat: slack.Vendor, Asker: 2, Text: "How do I reset my password?", Want: FAQAnswer},
	{Chat: slack.Vendor, Asker: 2, Text: "株価はいくら？", Want: Forwarded},
	{Chat: slack.Vendor, Asker: 1, Text: "今月の残業は？", Want: LiveByDM},
	{Chat: slack.Vendor, Asker: 0, Text: "有給は何日残ってる？", Want: LiveByDM},
	{Chat: slack.Vendor, Asker: 3, Text: "How many days of annual leave do I have left?", Want: LiveByDM},
	{Chat: chatwork.Vendor, Asker: 2, Text: "年末調整の書類はいつまでに出せばいい？", Want: FAQAnswer},
	{Chat: chatwork.Vendor, Asker: 1, Text: "When is payday?", Want: FAQAnswer},
	{Chat: chatwork.Vendor, Asker: 1, Text: "社員旅行の行き先は？", Want: Forwarded},
	{Chat: chatwork.Vendor, Asker: 0, Text: "今月の残業は？", Want: LiveByDM},
	{Chat: chatwork.Vendor, Asker: 0, Text: "経費精算はどうなった？", Want: LiveByDM},
}

// Where an answer was posted, as Exchange.Posted says it: kinds of channel, never who.
const (
	PostedThread     = "thread"
	PostedDirect     = "direct message"
	PostedBackOffice = "back-office forward"
)

// Exchange is what became of one question.
type Exchange struct {
	// Chat is the chat's vendor; Connection and Flow the hub.yaml connection that received
	// it and the chat-helpdesk flow that answered.
	Chat       string `json:"chat"`
	Connection string `json:"connection"`
	Flow       string `json:"flow"`
	Question   string `json:"question"`
	Want       Kind   `json:"want"`
	// Answer is what the hub's worker recorded for the reply in the ledger: "faq <entry>",
	// "declined and forwarded", "overtime sent by direct message", ….
	Answer string `json:"answer,omitempty"`
	// Posted are the places the bot posted to for it, in the chat's sandbox.
	Posted []string `json:"posted,omitempty"`
	// Error says which step did not happen; empty when the question got what it should.
	Error string `json:"error,omitempty"`
}

// Hub is what the script asks of the hub it talks to.
type Hub interface {
	// Settled returns the ledger's record of flow's delivery with naturalKey once a worker
	// of the hub has settled it; ok is false until then.
	Settled(ctx context.Context, flow, naturalKey string) (entry store.Entry, ok bool, err error)
}

// Converse has the demo company's people ask the chat bot the Script's questions, in each
// chat whose sandbox a chat-helpdesk flow answers. Each question is posted in the chat and
// sent by its sandbox, signed as the vendor signs, to the hub's webhook listener at hooks
// (e.g. http://127.0.0.1:8787/hooks/); the script then waits, at most wait, until the hub's
// worker has settled the reply, and checks in the sandbox where the bot posted. It returns
// what became of each question, and an error naming every question that did not get the
// answer it should.
func (s *Set) Converse(ctx context.Context, hooks string, h Hub, wait time.Duration) ([]Exchange, error) {
	var out []Exchange
	var errs []error
	for _, f := range s.Config.Flows {
		if f.Type != helpdesktype.TypeName || f.Trigger.Webhook == nil {
			continue
		}
		conn := f.Trigger.Webhook.Connection
		c, ok := s.Config.Connection(conn)
		if !ok {
			continue
		}
		d, ok, err := s.chat(conn, hooks+conn)
		if err != nil {
			return out, fmt.Errorf("conversation on %s: %w", conn, err)
		}
		if !ok {
			continue
		}
		backoffice, _ := f.Mapping["backoffice_channel"].(string)
		for i, l := range Script {
			if l.Chat != c.Vendor {
				continue
			}
			ex := Exchange{Chat: l.Chat, Connection: conn, Flow: f.Name, Question: l.Text, Want: l.Want}
			if err := ask(ctx, d, h, f.Name, backoffice, l, wait, &ex); err != nil {
				ex.Error = err.Error()
				errs = append(errs, fmt.Errorf("question %d on %s (%s): %w", i+1, conn, l.Text, err))
			}
			out = append(out, ex)
			if ctx.Err() != nil {
				return out, errors.Join(append(errs, ctx.Err())...)
			}
		}
	}
	return out, errors.Join(errs...)
}

// ask asks one question of flow and fills ex with what became of it.
func ask(ctx context.Context, d chatDriver, h Hub, flow, backoffice string, l Line, wait time.Duration, ex *Exchange) error {
	asker := min(l.Asker, d.people()-1)
	dmBefore, fwdBefore := 0, 0
	if dm := d.directChat(asker); dm != "" {
		dmBefore = d.botPosts(dm, "")
	}
	if backoffice != "" {
		fwdBefore = d.botPosts(backoffice, l.Text)
	}
	// A hub that does not answer would have the vendor retry for minutes.
	sendCtx, cancel := context.WithTimeout(ctx, wait)
	q, err := d.ask(sendCtx, asker, l.Text)
	cancel()
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("not acknowledged by the hub within %s", wait)
		}
		return fmt.Errorf("not sent: %w", err)
	}
	entry, err := settled(ctx, h, flow, "chat/"+q.eventID, wait)
	if err != nil {
		return err
	}
	ex.Answer = entry.Detail
	if entry.Outcome == store.Failed {
		ex.Answer = ""
		return errors.New("the reply failed and went to the dead letters (urakata dlq list)")
	}
	if backoffice != "" && d.botPosts(backoffice, l.Text) > fwdBefore {
		ex.Posted = append(ex.Posted, PostedBackOffice)
	}
	if dm := d.directChat(asker); dm != "" && d.botPosts(dm, "") > dmBefore {
		ex.Posted = append(ex.Posted, PostedDirect)
	}
	if !d.isReply(entry.TargetRef, q) {
		return errors.New("the ledger says the reply was posted, but the chat holds no reply to the question")
	}
	ex.Posted = append(ex.Posted, PostedThread)
	if !l.Want.fits(entry.Detail, ex.Posted) {
		return fmt.Errorf("want %s; the bot gave %q, posted to %s", l.Want, entry.Detail, strings.Join(ex.Posted, ", "))
	}
	return nil
}

// fits reports whether a reply recorded as detail and posted where posted is of kind k.
func (k Kind) fits(detail string, posted []string) bool {
	switch k {
	case FAQAnswer:
		return strings.HasPrefix(detail, "faq ")
	case Forwarded:
		return detail == "declined and forwarded" && slices.Contains(posted, PostedBackOffice)
	case LiveByDM:
		return strings.HasSuffix(detail, " sent by direct message") && slices.Contains(posted, PostedDirect)
	}
	return false
}

// settled waits, at most wait, until the hub has settled flow's delivery naturalKey.
func settled(ctx context.Context, h Hub, flow, naturalKey string, wait time.Duration) (store.Entry, error) {
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		e, ok, err := h.Settled(ctx, flow, naturalKey)
		if err != nil {
			return store.Entry{}, err
		}
		if ok {
			return e, nil
		}
		if time.Now().After(deadline) {
			return store.Entry{}, fmt.Errorf("no reply settled within %s", wait)
		}
		select {
		case <-ctx.Done():
			return store.Entry{}, ctx.Err()
		case <-tick.C:
		}
	}
}
