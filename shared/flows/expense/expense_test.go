package expense_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/expense"
	"github.com/urakata/urakata/shared/flows/internal/flowtest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// expenses is a fake expense source.
type expenses struct{ reports []model.ExpenseReport }

func (e *expenses) ApprovedExpenses(_ context.Context, since time.Time) iter.Seq2[model.ExpenseReport, error] {
	return func(yield func(model.ExpenseReport, error) bool) {
		for _, r := range e.reports {
			if !r.ApprovedAt.IsZero() && !r.ApprovedAt.Before(since) && !yield(r, nil) {
				return
			}
		}
	}
}

func (e *expenses) Expense(_ context.Context, id string) (model.ExpenseReport, error) {
	for _, r := range e.reports {
		if r.ID == id {
			return r, nil
		}
	}
	return model.ExpenseReport{}, errors.New("no such expense")
}

// books is a fake accounting target.
type books struct {
	mu       sync.Mutex
	journals map[string]model.JournalEntry
	posts    int
	// failNext makes the next posts fail with a transient error.
	failNext int
}

func (b *books) PostJournal(_ context.Context, e model.JournalEntry) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failNext > 0 {
		b.failNext--
		return "", errors.New("503 from the accounting API")
	}
	b.posts++
	b.journals[e.SourceRef] = e
	return "deal-" + e.SourceRef, nil
}

func (b *books) FindJournal(_ context.Context, ref string) (string, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.journals[ref]; ok {
		return "deal-" + ref, true, nil
	}
	return "", false, nil
}

// chat is a fake chat service that knows people by email.
type chat struct {
	mu       sync.Mutex
	byEmail  map[string]string
	messages map[string][]string
}

func (c *chat) PostMessage(_ context.Context, m model.ChatMessage) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages[m.Channel] = append(c.messages[m.Channel], m.Text)
	return fmt.Sprintf("%s:%d", m.Channel, len(c.messages[m.Channel])), nil
}

func (c *chat) UserByEmail(_ context.Context, email string) (string, string, bool, error) {
	ch, ok := c.byEmail[email]
	return "U-" + ch, ch, ok, nil
}

var tokyo = time.FixedZone("Asia/Tokyo", 9*3600)

func report(id, code, email string, approved time.Time, lines ...model.ExpenseLine) model.ExpenseReport {
	return model.ExpenseReport{ID: id, ApplicantID: "u" + id, ApplicantCode: code, ApplicantEmail: email, ApprovedAt: approved, Title: "出張 " + id, Lines: lines}
}

func taxi(yen int64) model.ExpenseLine {
	return model.ExpenseLine{Category: "交通費", Amount: model.Yen(yen), TaxAmount: model.Yen(yen / 11), TaxRate: 10, Description: "タクシー"}
}

type harness struct {
	*flowtest.Hub
	src   *expenses
	books *books
	chat  *chat
	flow  hub.Flow
	now   time.Time
}

func newHarness(t *testing.T, mapping map[string]any) *harness {
	t.Helper()
	h := &harness{Hub: flowtest.Open(t), src: &expenses{}, books: &books{journals: map[string]model.JournalEntry{}},
		chat: &chat{byEmail: map[string]string{"hanako@demo.example": "D-hanako"}, messages: map[string][]string{}},
		now:  time.Date(2026, 11, 27, 12, 0, 0, 0, tokyo)}
	m := map[string]any{
		"accounts":  map[string]string{"交通費": "旅費交通費"},
		"tax_codes": map[string]string{"10": "課対仕入10%", "8": "課対仕入8%(軽)"},
		"notify":    "slack",
	}
	for k, v := range mapping {
		m[k] = v
	}
	flow, err := expense.New(hub.FlowEnv{
		Config: config.Flow{Name: "expenses", Type: expense.TypeName, Source: "books", Target: "books", Mapping: m},
		Source: h.src, Target: h.books, Connections: map[string]any{"slack": h.chat},
		Ledger: h.Ledger, Zone: tokyo, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return h.now },
	})
	if err != nil {
		t.Fatal(err)
	}
	h.flow = flow
	h.Bind(hub.BoundFlow{Name: "expenses", Target: "books", Flow: flow})
	return h
}

func count(statuses []hub.Status, s hub.Status) int {
	n := 0
	for _, x := range statuses {
		if x == s {
			n++
		}
	}
	return n
}

func TestPollingPostsEachApprovedExpenseOnceAndTellsTheEmployee(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.src.reports = []model.ExpenseReport{
		report("E1", "E001", "hanako@demo.example", time.Date(2026, 11, 20, 10, 0, 0, 0, tokyo), taxi(3300)),
		report("E2", "E001", "hanako@demo.example", time.Date(2026, 11, 21, 10, 0, 0, 0, tokyo), taxi(1100), taxi(2200)),
		report("E3", "E002", "jiro@demo.example", time.Time{}, taxi(500)), // not approved
	}
	stats, statuses := h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	if stats.Read != 2 || stats.Queued != 4 || stats.Failed != 0 || count(statuses, hub.StatusDelivered) != 4 {
		t.Fatalf("first run: %+v %v; want 2 journals and 2 notices delivered", stats, statuses)
	}
	if h.books.posts != 2 {
		t.Errorf("%d journals posted; want 2", h.books.posts)
	}
	if j := h.books.journals["urakata-expense-E2"]; !j.Balanced() || len(j.Lines) != 3 || j.Lines[2].Amount != model.Yen(3300) {
		t.Errorf("journal of E2 = %+v; want two taxi debits and a credit of 3,300", j)
	}
	dm := h.chat.messages["D-hanako"]
	if len(dm) != 2 || !strings.Contains(dm[1], "deal-urakata-expense-E2") || !strings.Contains(dm[1], "3300円") {
		t.Errorf("direct messages = %q; want two notices naming the journal and the amount", dm)
	}

	// The next poll starts an hour (the overlap) before the cursor, the latest approval (E2):
	// it reads E2 again, and the ledger absorbs its journal and its notice.
	stats, statuses = h.Run(hub.Job{Flow: "expenses", RunID: "poll-2"})
	if stats.Read != 1 || stats.Queued != 0 || stats.Skipped != 2 || len(statuses) != 0 || h.books.posts != 2 {
		t.Fatalf("second run: %+v %v, %d posts; want E2 read again and skipped", stats, statuses, h.books.posts)
	}
}

func TestAWebhookAndAPollForOneExpensePostOneJournal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.src.reports = []model.ExpenseReport{report("E9", "E001", "hanako@demo.example", time.Date(2026, 11, 26, 9, 0, 0, 0, tokyo), taxi(4400))}
	h.Run(hub.Job{Flow: "expenses", RunID: "wh-1", Trigger: "webhook", Event: &hub.WebhookEvent{ID: "d-1", Resource: "E9"}})
	h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	if h.books.posts != 1 || len(h.chat.messages["D-hanako"]) != 1 {
		t.Errorf("%d posts, %d notices; want one of each", h.books.posts, len(h.chat.messages["D-hanako"]))
	}
}

func TestATargetThatAlreadyHoldsTheJournalIsNotWrittenAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	r := report("E5", "E001", "hanako@demo.example", time.Date(2026, 11, 26, 9, 0, 0, 0, tokyo), taxi(990))
	h.src.reports = []model.ExpenseReport{r}
	// Someone (or a worker that died before settling) already posted it.
	h.books.journals["urakata-expense-E5"] = model.JournalEntry{SourceRef: "urakata-expense-E5"}
	_, statuses := h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	if h.books.posts != 0 || count(statuses, hub.StatusSkipped) != 1 {
		t.Errorf("%d posts, statuses %v; want no post and the journal delivery skipped", h.books.posts, statuses)
	}
}

func TestPeopleChatCannotFindAreListedOrToldThroughTheFallback(t *testing.T) {
	t.Parallel()
	r := report("E7", "E777", "nobody@demo.example", time.Date(2026, 11, 26, 9, 0, 0, 0, tokyo), taxi(1200))

	h := newHarness(t, nil)
	h.src.reports = []model.ExpenseReport{r}
	stats, _ := h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	if stats.Failed != 1 || len(stats.ItemErrors) != 1 || !strings.Contains(stats.ItemErrors[0].Error, "E777") || strings.Contains(stats.ItemErrors[0].Error, "nobody@") {
		t.Fatalf("without a fallback: %+v; want one item error naming the code and not the email", stats)
	}
	if h.books.posts != 1 {
		t.Errorf("the journal was not posted because of the notice: %d posts", h.books.posts)
	}

	h = newHarness(t, map[string]any{"notify_fallback": "C-backoffice"})
	h.src.reports = []model.ExpenseReport{r}
	h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	msgs := h.chat.messages["C-backoffice"]
	if len(msgs) != 1 || !strings.Contains(msgs[0], "E777") || strings.Contains(msgs[0], "1200") || strings.Contains(msgs[0], "出張") {
		t.Errorf("fallback channel got %q; want the code and the reference, without amount or title", msgs)
	}

	h = newHarness(t, map[string]any{"chat_users": map[string]string{"E777": "D-override"}})
	h.src.reports = []model.ExpenseReport{r}
	h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	if len(h.chat.messages["D-override"]) != 1 {
		t.Errorf("override channel got %q; want the notice", h.chat.messages["D-override"])
	}
}

func TestAnExpenseThatCannotBeBookedIsAFailureAndNothingIsPosted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	bad := report("E4", "E001", "hanako@demo.example", time.Date(2026, 11, 26, 9, 0, 0, 0, tokyo),
		model.ExpenseLine{Category: "接待", Amount: model.Yen(5000), TaxAmount: model.Yen(454), TaxRate: 10})
	h.src.reports = []model.ExpenseReport{bad}
	stats, _ := h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	if stats.Failed != 1 || !strings.Contains(stats.ItemErrors[0].Error, "mapping.accounts") || h.books.posts != 0 {
		t.Errorf("%+v, %d posts; want one failure pointing at mapping.accounts and no post", stats, h.books.posts)
	}
}

func TestAWebhookForAnExpenseNotApprovedPostsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.src.reports = []model.ExpenseReport{report("E6", "E001", "hanako@demo.example", time.Time{}, taxi(100))}
	stats, _ := h.Run(hub.Job{Flow: "expenses", RunID: "wh-1", Event: &hub.WebhookEvent{ID: "d-6", Resource: "E6"}})
	if stats.Read != 0 || h.books.posts != 0 {
		t.Errorf("%+v, %d posts; want nothing read or posted", stats, h.books.posts)
	}
}

func TestANoticeWaitsForItsJournal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.src.reports = []model.ExpenseReport{report("E8", "E001", "hanako@demo.example", time.Date(2026, 11, 26, 9, 0, 0, 0, tokyo), taxi(2000))}
	h.books.failNext = 1
	_, statuses := h.Run(hub.Job{Flow: "expenses", RunID: "poll-1"})
	// The journal fails once; the notice, handled next, finds no journal and waits; then
	// both go through: two retries, two deliveries, one post, one notice.
	if count(statuses, hub.StatusRetry) != 2 || count(statuses, hub.StatusDelivered) != 2 || h.books.posts != 1 || len(h.chat.messages["D-hanako"]) != 1 {
		t.Errorf("statuses %v, %d posts, notices %q; want the notice to wait for the journal", statuses, h.books.posts, h.chat.messages["D-hanako"])
	}
}
