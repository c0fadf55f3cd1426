// Package expense is the expense-to-accounting flow: an approved expense report becomes one
// journal entry in accounting — once and only once — and the employee is told in chat that it
// was posted, with the journal's reference.
//
// A report arrives by webhook (the source's approval notice names it) or by polling on a
// cursor (approved since the last run, with an overlap); both paths produce the same
// deliveries and the ledger absorbs the duplicates. Each report makes two deliveries: the
// journal, to the accounting target, and the notice, to the chat connection. The journal is a
// create, not an upsert, so before every write the target is searched by the journal's
// reference: a target that already holds it is never written twice. The notice waits until
// the journal is there.
package expense

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urakata/urakata/shared/accounting"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/store"
)

// TypeName is the flow type's name in hub.yaml.
const TypeName = "expense-to-accounting"

// Flow is one configured expense-to-accounting flow.
type Flow struct {
	name       string
	sourceConn string
	targetConn string
	source     hub.ExpenseSource
	target     hub.JournalTarget
	mapping    accounting.Mapping
	zone       *time.Location

	// Chat notices: the connection, its poster and directory, overrides by employee code,
	// and a channel for people chat cannot find (empty: such a notice is an item error).
	notifyConn string
	chat       hub.ChatPoster
	directory  hub.ChatDirectory
	chatUsers  map[string]string
	fallback   string

	// Polling: how far back the first run looks, and the overlap of later runs.
	firstLookback, overlap time.Duration
	now                    func() time.Time
	logger                 *slog.Logger
	// ledger answers ExpensesOf; nil where the runtime lends none.
	ledger store.Ledger
}

var (
	_ hub.Flow           = (*Flow)(nil)
	_ hub.Recoverer      = (*Flow)(nil)
	_ hub.Reconciler     = (*Flow)(nil)
	_ hub.ExpenseTracker = (*Flow)(nil)
)

// JournalPayload is what a journal delivery carries.
type JournalPayload struct {
	ExpenseID string             `json:"expense_id"`
	Journal   model.JournalEntry `json:"journal"`
	// Notes are things the operator should know (a mistyped registration number left out).
	Notes []accounting.Note `json:"notes,omitempty"`
}

// NoticePayload is what a chat-notice delivery carries: where to say it, and what.
type NoticePayload struct {
	ExpenseID string `json:"expense_id"`
	SourceRef string `json:"source_ref"`
	Channel   string `json:"channel"`
	// Direct is true when Channel reaches the employee alone.
	Direct bool   `json:"direct"`
	Title  string `json:"title,omitempty"`
	Total  int64  `json:"total"`
	// Code names the employee in a shared fallback channel (never a name or an email).
	Code string `json:"code,omitempty"`
}

// Plan emits the journal and the notice for each approved report: the one a webhook names,
// or every report approved since the cursor.
func (f *Flow) Plan(ctx context.Context, run hub.Run, emit func(hub.Item) error) (string, error) {
	if ev := run.Job.Event; ev != nil && ev.Resource != "" {
		r, err := f.source.Expense(ctx, ev.Resource)
		if err != nil {
			return "", fmt.Errorf("read expense %s from %s: %w", ev.Resource, f.sourceConn, err)
		}
		if r.ApprovedAt.IsZero() {
			f.logger.Info("webhook for an expense that is not approved: nothing to post", "expense", r.ID)
			return "", nil
		}
		// A webhook does not move the polling cursor: polling still sweeps what it missed.
		return "", f.emitReport(ctx, r, emit)
	}

	// latest is the newest approval seen, the next cursor: the stored one until a newer comes.
	since, latest := f.now().Add(-f.firstLookback), time.Time{}
	if run.Cursor != "" {
		c, err := time.Parse(time.RFC3339Nano, run.Cursor)
		if err != nil {
			return "", fault.Permanent("expense cursor", fmt.Errorf("stored cursor %q is not an RFC 3339 time", run.Cursor))
		}
		since, latest = c.Add(-f.overlap), c
	}
	for r, err := range f.source.ApprovedExpenses(ctx, since) {
		if err != nil {
			return "", fmt.Errorf("list approved expenses of %s: %w", f.sourceConn, err)
		}
		if err := f.emitReport(ctx, r, emit); err != nil {
			return "", err
		}
		if r.ApprovedAt.After(latest) {
			latest = r.ApprovedAt
		}
	}
	if latest.IsZero() {
		return "", nil
	}
	return latest.UTC().Format(time.RFC3339Nano), nil
}

// journalKey is the natural key of a report's journal delivery.
func journalKey(r model.ExpenseReport) string { return "expense/" + r.ID }

// journalPayload is what the journal delivery of r carries: the same report always makes
// the same payload, so its delivery key can be found again (ExpensesOf).
func (f *Flow) journalPayload(r model.ExpenseReport) (JournalPayload, error) {
	journal, notes, err := accounting.Journal(r, f.mapping, f.zone)
	if err != nil {
		return JournalPayload{}, err
	}
	return JournalPayload{ExpenseID: r.ID, Journal: journal, Notes: notes}, nil
}

func (f *Flow) emitReport(ctx context.Context, r model.ExpenseReport, emit func(hub.Item) error) error {
	key := journalKey(r)
	p, err := f.journalPayload(r)
	if err != nil {
		return emit(hub.Item{NaturalKey: key, Err: fault.Permanent("book expense", err)})
	}
	journal := p.Journal
	for _, n := range p.Notes {
		f.logger.Warn("expense booked with a note", "expense", r.ID, "line", n.Line, "note", n.Message)
	}
	if err := emit(hub.Item{NaturalKey: key, Payload: p}); err != nil {
		return err
	}
	if f.chat == nil {
		return nil
	}
	notice, err := f.notice(ctx, r, journal)
	if err != nil {
		return emit(hub.Item{NaturalKey: "notice/" + r.ID, Target: f.notifyConn, Follows: true, Err: err})
	}
	return emit(hub.Item{NaturalKey: "notice/" + r.ID, Target: f.notifyConn, Follows: true, Payload: notice})
}

// notice finds where to tell the applicant: an override by employee code, else the chat
// account with the applicant's email (a direct channel), else the fallback channel.
func (f *Flow) notice(ctx context.Context, r model.ExpenseReport, j model.JournalEntry) (NoticePayload, error) {
	n := NoticePayload{ExpenseID: r.ID, SourceRef: j.SourceRef, Title: r.Title, Total: r.Total().Amount}
	if ch, ok := f.chatUsers[r.ApplicantCode]; ok && r.ApplicantCode != "" {
		n.Channel, n.Direct = ch, true
		return n, nil
	}
	if f.directory != nil && r.ApplicantEmail != "" {
		_, ch, ok, err := f.directory.UserByEmail(ctx, r.ApplicantEmail)
		if err != nil {
			return n, fmt.Errorf("find the applicant of expense %s at %s: %w", r.ID, f.notifyConn, err)
		}
		if ok {
			n.Channel, n.Direct = ch, true
			return n, nil
		}
	}
	if f.fallback != "" {
		n.Channel, n.Code = f.fallback, r.ApplicantCode
		return n, nil
	}
	return n, fmt.Errorf("employee %s (applicant of expense %s) has no account at %s by email; add them under mapping.chat_users or set mapping.notify_fallback",
		orUnknown(r.ApplicantCode), r.ID, f.notifyConn)
}

func orUnknown(code string) string {
	if code == "" {
		return "with no code"
	}
	return code
}

// Deliver posts the journal (unless the target already holds it) or the notice.
func (f *Flow) Deliver(ctx context.Context, d hub.Delivery) (hub.Result, error) {
	if d.Target == f.notifyConn && f.chat != nil && d.Target != f.targetConn {
		return f.deliverNotice(ctx, d)
	}
	var p JournalPayload
	if err := hub.DecodePayload(d, &p); err != nil {
		return hub.Result{}, err
	}
	ref, found, err := f.target.FindJournal(ctx, p.Journal.SourceRef)
	if err != nil {
		return hub.Result{}, fmt.Errorf("look up journal %s: %w", p.Journal.SourceRef, err)
	}
	if found {
		return hub.Result{Ref: ref, Unchanged: true, Detail: "the target already holds this journal"}, nil
	}
	ref, err = f.target.PostJournal(ctx, p.Journal)
	if err != nil {
		return hub.Result{}, fmt.Errorf("post journal %s: %w", p.Journal.SourceRef, err)
	}
	detail := ""
	if len(p.Notes) > 0 {
		detail = fmt.Sprintf("%d note(s): %s", len(p.Notes), p.Notes[0].Message)
	}
	return hub.Result{Ref: ref, Detail: detail}, nil
}

// errNotPostedYet keeps a notice waiting for its journal.
var errNotPostedYet = errors.New("the journal is not posted yet")

func (f *Flow) deliverNotice(ctx context.Context, d hub.Delivery) (hub.Result, error) {
	var p NoticePayload
	if err := hub.DecodePayload(d, &p); err != nil {
		return hub.Result{}, err
	}
	ref, found, err := f.target.FindJournal(ctx, p.SourceRef)
	if err != nil {
		return hub.Result{}, fmt.Errorf("look up journal %s: %w", p.SourceRef, err)
	}
	if !found {
		// Transient: the journal delivery is queued beside this one.
		return hub.Result{}, fmt.Errorf("notice for expense %s: %w", p.ExpenseID, errNotPostedYet)
	}
	msgRef, err := f.chat.PostMessage(ctx, model.ChatMessage{Channel: p.Channel, Text: noticeText(p, ref)})
	if err != nil {
		return hub.Result{}, fmt.Errorf("notice for expense %s: %w", p.ExpenseID, err)
	}
	return hub.Result{Ref: msgRef}, nil
}

// noticeText is the chat message, in Japanese and English. Amounts and titles go only to a
// direct channel; a shared fallback channel sees the employee code and the reference.
func noticeText(p NoticePayload, ref string) string {
	if !p.Direct {
		return fmt.Sprintf("社員番号 %s さんの経費精算 %s を会計に計上しました (仕訳 %s)。ご本人へお知らせください。\nExpense claim %s of employee %s was posted to accounting (journal %s); please let them know.",
			orUnknown(p.Code), p.ExpenseID, ref, p.ExpenseID, orUnknown(p.Code), ref)
	}
	title := p.Title
	if title == "" {
		title = p.ExpenseID
	}
	return fmt.Sprintf("経費精算「%s」(%d円) を会計に計上しました。仕訳: %s\nYour expense claim \"%s\" (¥%d) was posted to accounting. Journal: %s",
		title, p.Total, ref, title, p.Total, ref)
}

// Recover reports whether the journal is already in the target; a notice cannot be read
// back from chat, so it is posted again.
func (f *Flow) Recover(ctx context.Context, d hub.Delivery) (hub.Result, bool, error) {
	if d.Target != f.targetConn {
		return hub.Result{}, false, nil
	}
	var p JournalPayload
	if err := hub.DecodePayload(d, &p); err != nil {
		return hub.Result{}, false, err
	}
	ref, found, err := f.target.FindJournal(ctx, p.Journal.SourceRef)
	if err != nil {
		return hub.Result{}, false, err
	}
	return hub.Result{Ref: ref, Detail: "the target already held this journal"}, found, nil
}

// Reconcile checks that the target holds the journal; notices are not read back.
func (f *Flow) Reconcile(ctx context.Context, d hub.Delivery) (hub.Reconciliation, error) {
	r := hub.Reconciliation{NaturalKey: d.NaturalKey, Match: true}
	if d.Target != f.targetConn {
		return r, nil
	}
	var p JournalPayload
	if err := hub.DecodePayload(d, &p); err != nil {
		return hub.Reconciliation{}, err
	}
	_, found, err := f.target.FindJournal(ctx, p.Journal.SourceRef)
	if err != nil {
		return hub.Reconciliation{}, err
	}
	if !found {
		r.Match, r.Differences = false, []string{"target holds no journal with reference " + p.Journal.SourceRef}
	}
	return r, nil
}

var noLogger = slog.New(slog.DiscardHandler)
