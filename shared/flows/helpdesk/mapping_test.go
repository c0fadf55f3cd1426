package helpdesk_test

import (
	"context"
	"encoding/json"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/flows/helpdesk"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// recorder is a chat service in memory.
type recorder struct {
	mu   sync.Mutex
	sent []model.ChatMessage
}

func (r *recorder) PostMessage(_ context.Context, m model.ChatMessage) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return m.Channel + ":1.0", nil
}

// clocks is a time clock in memory where everyone worked 09:00–21:00 on 2 November.
type clocks struct {
	mu   sync.Mutex
	read []string
}

var _ hub.AttendanceSource = (*clocks)(nil)

func (c *clocks) Employees(context.Context, model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(yield func(model.Employee, error) bool) {
		for _, code := range []string{"E1", "E2"} {
			if !yield(model.Employee{Code: code, IDs: map[string]string{"hr": code}}, nil) {
				return
			}
		}
	}
}

func (c *clocks) Attendance(_ context.Context, emp model.Employee, _ model.PayPeriod) ([]model.AttendanceDay, error) {
	c.mu.Lock()
	c.read = append(c.read, emp.Code)
	c.mu.Unlock()
	at := func(h int) time.Time { return time.Date(2026, time.November, 2, h, 0, 0, 0, payroll.JST) }
	return []model.AttendanceDay{{EmployeeID: emp.Code, Date: model.NewDate(2026, time.November, 2), Kind: model.Workday,
		ClockIn: at(9), ClockOut: at(21), Breaks: []model.Interval{{Start: at(12), End: at(13)}}}}, nil
}

func TestAChatUserMappedToTwoEmployeesGetsNoFigure(t *testing.T) {
	t.Parallel()
	chat, src := &recorder{}, &clocks{}
	f, err := helpdesk.New(hub.FlowEnv{
		Config: flowConfig(map[string]any{"attendance": "hr", "kb": "../../../testdata/faq",
			"chat_users": map[string]string{"E1": "U1", "E2": "U1"}}),
		Target: chat, Connections: map[string]any{"hr": src},
		Now: func() time.Time { return time.Date(2026, time.November, 3, 9, 0, 0, 0, payroll.JST) },
	})
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(helpdesk.Question{Event: model.ChatEvent{ID: "Ev1", Type: "message.im",
		Message: model.ChatMessage{Channel: "D1", Thread: "D1:1.0", User: "U1", Text: "今月の残業は？"}}})
	if _, err := f.Deliver(t.Context(), hub.Delivery{NaturalKey: "chat/Ev1", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if len(chat.sent) != 1 || strings.Contains(chat.sent[0].Text, "分") || chat.sent[0].Thread != "D1:1.0" {
		t.Errorf("sent %+v; want one reply in the thread, with no figure", chat.sent)
	}
	if len(src.read) != 0 {
		t.Errorf("time clocks read for %v; want none read", src.read)
	}
}

func TestAMappedAskerInADirectMessageGetsTheirFigureThere(t *testing.T) {
	t.Parallel()
	chat, src := &recorder{}, &clocks{}
	f, err := helpdesk.New(hub.FlowEnv{
		Config: flowConfig(map[string]any{"attendance": "hr", "kb": "../../../testdata/faq",
			"chat_users": map[string]string{"E1": "U1", "E2": "U2"}}),
		Target: chat, Connections: map[string]any{"hr": src},
		Now: func() time.Time { return time.Date(2026, time.November, 3, 9, 0, 0, 0, payroll.JST) },
	})
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(helpdesk.Question{Event: model.ChatEvent{ID: "Ev2", Type: "message.im",
		Message: model.ChatMessage{Channel: "D2", Thread: "D2:1.0", User: "U2", Text: "今月の残業は？"}}})
	if _, err := f.Deliver(t.Context(), hub.Delivery{NaturalKey: "chat/Ev2", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	// 09:00–21:00 less an hour's break is 660 minutes: 180 beyond 8 hours.
	if len(chat.sent) != 1 || chat.sent[0].Channel != "D2" || !strings.Contains(chat.sent[0].Text, "（180分") {
		t.Errorf("sent %+v; want 180 minutes in the direct message's thread", chat.sent)
	}
	if len(src.read) != 1 || src.read[0] != "E2" {
		t.Errorf("time clocks read for %v; want E2's alone", src.read)
	}
}
