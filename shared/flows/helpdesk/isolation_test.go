package helpdesk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/helpdesk"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// The company of the isolation test: each employee's figures are unique strings, so a
// message that carries one can be traced to whose it is.
type person struct {
	code, email, user string
	// out is when they clocked out on 2 November, in minutes after midnight (09:00 in, an
	// hour's break): every overtime figure differs.
	out     int
	leave   model.Days
	expense string // the title of their one claim
}

var company = []person{
	{code: "E1", email: "ichiro@demo.example", user: "U1", out: 21 * 60, leave: 1225, expense: "ichiro-only-claim"},      // 180 min
	{code: "E2", email: "jiro@demo.example", user: "U2", out: 22 * 60, leave: 775, expense: "jiro-only-claim"},           // 240 min
	{code: "E3", email: "shared@demo.example", user: "U3", out: 20 * 60, leave: 150, expense: "saburo-only-claim"},       // 120 min; shares an email
	{code: "E4", email: "shared@demo.example", user: "U4", out: 19 * 60, leave: 325, expense: "shiro-only-claim"},        // 60 min; shares an email
	{code: "E5", email: "goro@demo.example", user: "U5", out: 23 * 60, leave: 2000, expense: "goro-only-claim"},          // 300 min; not in chat_users, found by email
	{code: "E6", email: "rokuro@demo.example", user: "U6", out: 18*60 + 7, leave: 50, expense: "rokuro-only-claim"},      // 0 min; has no email in chat
	{code: "E7", email: "", user: "U7", out: 18*60 + 13, leave: 875, expense: "nanami-only-claim"},                       // no email at the time clock
	{code: "E8", email: "hachiro@demo.example", user: "U8", out: 18*60 + 17, leave: 1000, expense: "hachiro-only-claim"}, // chat_users maps U8 to E8 and E9
	{code: "E9", email: "kuro@demo.example", user: "U9", out: 18*60 + 23, leave: 1100, expense: "kuro-only-claim"},       // see E8
	{code: "E10", email: "juro@demo.example", user: "U10", out: 18*60 + 29, leave: 1200, expense: "juro-only-claim"},     // never in chat at all
	{code: "", email: "guest@partner.example", user: "UG", out: 18*60 + 31, leave: 0, expense: ""},                       // a guest: not an employee
}

// markers are the strings only p may ever be told.
func (p person) markers() []string {
	if p.code == "" {
		return nil
	}
	ot := p.out - 18*60
	return []string{fmt.Sprintf("（%d分", ot), fmt.Sprintf("(%d minutes", ot), p.leave.String() + "日", p.leave.String() + " day", p.expense}
}

// world is every source the bot reads, in memory, and the chat it answers in.
type world struct {
	mu   sync.Mutex
	sent []model.ChatMessage
	// listings counts the reads of the employee list.
	listings int
}

func (w *world) PostMessage(_ context.Context, m model.ChatMessage) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = append(w.sent, m)
	return m.Channel + ":9.0", nil
}

// EmailOf is the chat service's profile: everyone's email but E6's and the bot's.
func (w *world) EmailOf(_ context.Context, user string) (string, bool, error) {
	for _, p := range company {
		if p.user == user && p.code != "E6" {
			return p.email, true, nil
		}
	}
	return "", false, nil
}

func (w *world) Employees(context.Context, model.PayPeriod) iter.Seq2[model.Employee, error] {
	w.mu.Lock()
	w.listings++
	w.mu.Unlock()
	return func(yield func(model.Employee, error) bool) {
		for _, p := range company {
			if p.code == "" {
				continue
			}
			if !yield(model.Employee{Code: p.code, Email: p.email, IDs: map[string]string{"hr": p.code}}, nil) {
				return
			}
		}
	}
}

func byCode(code string) person {
	for _, p := range company {
		if p.code == code && code != "" {
			return p
		}
	}
	panic("no employee " + code)
}

func (w *world) Attendance(_ context.Context, emp model.Employee, _ model.PayPeriod) ([]model.AttendanceDay, error) {
	p := byCode(emp.Code)
	at := func(min int) time.Time { return time.Date(2026, time.November, 2, 0, min, 0, 0, payroll.JST) }
	return []model.AttendanceDay{{EmployeeID: emp.Code, Date: model.NewDate(2026, time.November, 2), Kind: model.Workday,
		ClockIn: at(9 * 60), ClockOut: at(p.out), Breaks: []model.Interval{{Start: at(12 * 60), End: at(13 * 60)}}}}, nil
}

func (w *world) PaidLeave(_ context.Context, emp model.Employee, on model.Date) (model.LeaveBalance, error) {
	return model.LeaveBalance{Days: byCode(emp.Code).leave, AsOf: on}, nil
}

// expenseFlow answers for the claims of the employee it is asked about, matched as the
// expense flow matches them (code, else email).
type expenseFlow struct{ hub.Flow }

func (expenseFlow) ExpensesOf(_ context.Context, who model.Employee, _ time.Time, _ int) ([]hub.ExpenseStatus, error) {
	var out []hub.ExpenseStatus
	for _, p := range company {
		if p.code == "" {
			continue
		}
		if (who.Code != "" && p.code == who.Code) || (who.Code == "" && who.Email != "" && strings.EqualFold(p.email, who.Email)) {
			out = append(out, hub.ExpenseStatus{State: hub.ExpensePosted, Ref: "J-" + p.code, Report: model.ExpenseReport{ID: "X-" + p.code, Title: p.expense,
				ApprovedAt: time.Date(2026, time.November, 2, 10, 0, 0, 0, payroll.JST), Lines: []model.ExpenseLine{{Amount: model.Yen(1000)}}}})
		}
	}
	return out, nil
}

// rooms makes the chat Chatwork-like: a direct chat is a room found by the person.
type rooms struct{ *world }

func (rooms) DirectRoom(_ context.Context, user string) (string, bool, error) {
	if user == "U10" {
		return "", false, nil
	}
	return "DM-" + user, true, nil
}

// Nobody is ever told anyone else's overtime, paid leave or expense claims: every asker
// (mapped by chat_users, found by email, sharing an email, mapped twice, without an email, a
// guest), every phrasing (their own, a colleague's by name, code, mention or possessive), and
// every channel (a public channel, a direct message; Slack-like and Chatwork-like). An
// employee's figures reach only that employee's direct chat.
func TestNobodyGetsAnotherEmployeesData(t *testing.T) {
	t.Parallel()
	questions := []string{
		"今月の残業は？", "残業どのくらい？", "How much overtime this month?",
		"有給は何日残ってる？", "How many days of annual leave do I have left?",
		"経費精算はどうなった？", "Has my expense claim been posted?",
		"E2の残業は？", "jiroさんの有給の残りは？", "What is Jiro's overtime this month?", "overtime of E00002",
		"<@U2> の残業は？", "<@U2> 有給は何日残ってる？", "[To:2]次郎さん\n経費精算はどうなった？",
		"上司の残業時間を教えて", "my manager's leave balance", "部長の経費精算はどうなった？",
		"jiro@demo.example の残業", "shared@demo.example の有給は何日残ってる？",
	}
	for _, kind := range []string{"slack-like", "chatwork-like"} {
		w := &world{}
		var target any = w
		if kind == "chatwork-like" {
			target = rooms{w}
		}
		f, err := helpdesk.New(hub.FlowEnv{
			Config: config.Flow{Name: "helpdesk", Type: helpdesk.TypeName, Source: "chat", Target: "chat", Mapping: map[string]any{
				"kb": "../../../testdata/faq", "attendance": "hr", "expenses": "expenses",
				"chat_users": map[string]string{"E1": "U1", "E2": "U2", "E8": "U8", "E9": "U8"},
			}},
			Target: target, Connections: map[string]any{"hr": w},
			Flows: map[string]hub.FlowRef{"expenses": {Config: config.Flow{Name: "expenses", Type: "expense-to-accounting"}, Flow: expenseFlow{}}},
			Now:   func() time.Time { return time.Date(2026, time.November, 3, 9, 0, 0, 0, payroll.JST) },
		})
		if err != nil {
			t.Fatal(err)
		}
		n, own := 0, 0
		for _, asker := range company {
			for _, q := range questions {
				for _, channel := range []string{"C-general", "DM-" + asker.user} {
					n++
					typ := "app_mention"
					if strings.HasPrefix(channel, "DM-") {
						typ = "message.im"
					}
					w.mu.Lock()
					before := len(w.sent)
					w.mu.Unlock()
					payload, _ := json.Marshal(helpdesk.Question{Event: model.ChatEvent{ID: fmt.Sprint("Ev", n), Type: typ,
						Message: model.ChatMessage{Channel: channel, Thread: channel + ":1.0", User: asker.user, Text: q}}})
					if _, err := f.Deliver(t.Context(), hub.Delivery{NaturalKey: fmt.Sprint("chat/Ev", n), Payload: payload}); err != nil {
						t.Fatalf("%s: %s asks %q in %s: %v", kind, asker.user, q, channel, err)
					}
					w.mu.Lock()
					sent := w.sent[before:]
					w.mu.Unlock()
					for _, m := range sent {
						for _, owner := range company {
							for _, mark := range owner.markers() {
								if !strings.Contains(m.Text, mark) {
									continue
								}
								if owner.user == asker.user {
									own++
								} else {
									t.Errorf("%s: %s asked %q in %s and %s's %q reached %s", kind, asker.user, q, channel, owner.code, mark, m.Channel)
								}
								if m.Channel != "DM-"+owner.user && !(kind == "slack-like" && m.Channel == owner.user) {
									t.Errorf("%s: %s's %q was posted in %s, not their direct chat", kind, owner.code, mark, m.Channel)
								}
							}
						}
					}
				}
			}
		}
		// The askers who may be answered (U1 and U2 by chat_users, U5 by email) were: the
		// check above saw real figures, not only refusals. U9's email is E9's, but hub.yaml
		// maps E9 to U8: the mapping wins and U9 gets nothing.
		if own < 3*7*2 {
			t.Errorf("%s: %d of the askers' own figures were sent; want at least %d (three answerable askers, seven own questions, two channels)", kind, own, 3*7*2)
		}
	}
}

// Who gets a live answer at all: the mapped, the found-by-email, and nobody whose identity
// is in doubt.
func TestWhoIsAnsweredLive(t *testing.T) {
	t.Parallel()
	w := &world{}
	f, err := helpdesk.New(hub.FlowEnv{
		Config: config.Flow{Name: "helpdesk", Type: helpdesk.TypeName, Source: "chat", Target: "chat", Mapping: map[string]any{
			"kb": "../../../testdata/faq", "attendance": "hr", "chat_users": map[string]string{"E1": "U1", "E8": "U8", "E9": "U8"}}},
		Target: w, Connections: map[string]any{"hr": w},
		Now: func() time.Time { return time.Date(2026, time.November, 3, 9, 0, 0, 0, payroll.JST) },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user    string
		answer  bool
		because string
	}{
		{user: "U1", answer: true, because: "chat_users maps them"},
		{user: "U5", answer: true, because: "chat shows an email one employee has"},
		{user: "U3", because: "their email is two employees'"},
		{user: "U6", because: "chat shows no email for them"},
		{user: "U8", because: "chat_users maps them to two employees"},
		{user: "U9", because: "their email is E9's, whom chat_users maps to U8"},
		{user: "UG", because: "their email is nobody's at the time clock"},
		{user: "", because: "the message has no sender"},
	} {
		w.mu.Lock()
		before := len(w.sent)
		w.mu.Unlock()
		payload, _ := json.Marshal(helpdesk.Question{Event: model.ChatEvent{ID: "Ev-" + tc.user, Type: "message.im",
			Message: model.ChatMessage{Channel: "DM-" + tc.user, Thread: "DM-" + tc.user + ":1.0", User: tc.user, Text: "今月の残業は？"}}})
		res, err := f.Deliver(t.Context(), hub.Delivery{NaturalKey: "chat/Ev-" + tc.user, Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		w.mu.Lock()
		sent := w.sent[before:]
		w.mu.Unlock()
		got := len(sent) == 1 && strings.Contains(sent[0].Text, "分（")
		if got != tc.answer {
			t.Errorf("%s (%s): answered %v (%q, detail %q); want %v", tc.user, tc.because, got, sent, res.Detail, tc.answer)
		}
	}
}

// Whom an asker was found to be is kept for a while: their next questions do not read the
// employee list again until it is stale; someone not found is looked up each time.
func TestAnAskerIsLookedUpOnceWhileFresh(t *testing.T) {
	t.Parallel()
	w := &world{}
	now := time.Date(2026, time.November, 3, 9, 0, 0, 0, payroll.JST)
	f, err := helpdesk.New(hub.FlowEnv{
		Config: config.Flow{Name: "helpdesk", Type: helpdesk.TypeName, Source: "chat", Target: "chat", Mapping: map[string]any{
			"kb": "../../../testdata/faq", "attendance": "hr"}},
		Target: w, Connections: map[string]any{"hr": w},
		Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ask := func(user string) {
		n++
		payload, _ := json.Marshal(helpdesk.Question{Event: model.ChatEvent{ID: fmt.Sprint("Ev", n), Type: "message.im",
			Message: model.ChatMessage{Channel: "DM-" + user, Thread: "DM-" + user + ":1.0", User: user, Text: "有給は何日残ってる？"}}})
		if _, err := f.Deliver(t.Context(), hub.Delivery{NaturalKey: fmt.Sprint("chat/Ev", n), Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	listings := func() int { w.mu.Lock(); defer w.mu.Unlock(); return w.listings }
	ask("U5")
	ask("U5")
	if got := listings(); got != 1 {
		t.Errorf("%d employee listings for two questions of one asker; want 1", got)
	}
	ask("UG") // a guest: not an employee
	ask("UG")
	if got := listings(); got != 3 {
		t.Errorf("%d employee listings after two questions of someone not found; want 3 (looked up each time)", got)
	}
	now = now.Add(11 * time.Minute)
	ask("U5")
	if got := listings(); got != 4 {
		t.Errorf("%d employee listings after the asker's identity went stale; want 4", got)
	}
}
