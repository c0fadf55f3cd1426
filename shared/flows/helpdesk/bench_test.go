package helpdesk_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/helpdesk"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

// BenchmarkAnswer is the bot's own cost of one reply, the vendors in memory: matching a
// question against the demo knowledge base, or composing a live answer (finding the asker,
// reading and computing their figure). The knowledge base is loaded before the clock starts.
//
//	go test -run '^$' -bench BenchmarkAnswer ./shared/flows/helpdesk/
func BenchmarkAnswer(b *testing.B) {
	w := &world{}
	f, err := helpdesk.New(hub.FlowEnv{
		Config: config.Flow{Name: "helpdesk", Type: helpdesk.TypeName, Source: "chat", Target: "chat", Mapping: map[string]any{
			"kb": "../../../testdata/faq", "attendance": "hr", "expenses": "expenses", "chat_users": map[string]string{"E1": "U1"}}},
		Target: w, Connections: map[string]any{"hr": w},
		Flows: map[string]hub.FlowRef{"expenses": {Config: config.Flow{Name: "expenses", Type: "expense-to-accounting"}, Flow: expenseFlow{}}},
		Now:   func() time.Time { return time.Date(2026, time.November, 3, 9, 0, 0, 0, payroll.JST) },
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"給料日はいつですか？", "How do I claim a taxi fare?", "株価はいくら？", "今月の残業は？", "有給は何日残ってる？", "経費精算はどうなった？"} {
		b.Run(q, func(b *testing.B) {
			payload, _ := json.Marshal(helpdesk.Question{Event: model.ChatEvent{ID: "Ev", Type: "message.im",
				Message: model.ChatMessage{Channel: "DM-U1", Thread: "DM-U1:1.0", User: "U1", Text: q}}})
			d := hub.Delivery{NaturalKey: "chat/Ev", Payload: payload}
			if _, err := f.Deliver(b.Context(), d); err != nil { // loads the knowledge base
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := f.Deliver(b.Context(), d); err != nil {
					b.Fatal(err)
				}
				if i%1000 == 0 {
					w.mu.Lock()
					w.sent = w.sent[:0]
					w.mu.Unlock()
				}
			}
		})
	}
}
