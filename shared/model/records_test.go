package model_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestIntervalMinutes(t *testing.T) {
	t.Parallel()
	at := func(h, m, s int) time.Time { return time.Date(2026, 10, 1, h, m, s, 0, tokyo) }
	for _, tc := range []struct {
		name string
		iv   model.Interval
		want int
	}{
		{"an hour's lunch is 60 minutes", model.Interval{Start: at(12, 0, 0), End: at(13, 0, 0)}, 60},
		{"a part minute is not counted", model.Interval{Start: at(12, 0, 0), End: at(12, 44, 59)}, 44},
		{"an end before the start is 0", model.Interval{Start: at(13, 0, 0), End: at(12, 0, 0)}, 0},
		{"an end equal to the start is 0", model.Interval{Start: at(13, 0, 0), End: at(13, 0, 0)}, 0},
		{"a zero interval is 0", model.Interval{}, 0},
		{"the same instants in two zones measure the same",
			model.Interval{Start: at(23, 0, 0), End: at(23, 30, 0).UTC()}, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.iv.Minutes(); got != tc.want {
				t.Errorf("Minutes() = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestJournalEntryBalanced(t *testing.T) {
	t.Parallel()
	line := func(side model.Side, yen int64) model.JournalLine {
		return model.JournalLine{Side: side, Account: "旅費交通費", Amount: model.Yen(yen)}
	}
	for _, tc := range []struct {
		name  string
		lines []model.JournalLine
		want  bool
	}{
		{"one debit against one equal credit balances",
			[]model.JournalLine{line(model.Debit, 1100), line(model.Credit, 1100)}, true},
		{"two debits against one credit of their sum balances",
			[]model.JournalLine{line(model.Debit, 1000), line(model.Debit, 100), line(model.Credit, 1100)}, true},
		{"a credit short by one yen does not balance",
			[]model.JournalLine{line(model.Debit, 1100), line(model.Credit, 1099)}, false},
		{"a debit alone does not balance",
			[]model.JournalLine{line(model.Debit, 1100)}, false},
		{"a line that is neither debit nor credit does not balance, whatever its amount",
			[]model.JournalLine{line(model.Debit, 1100), line("", 1100)}, false},
		{"a misspelt side does not pass as a credit",
			[]model.JournalLine{line(model.Debit, 500), line("credti", 500)}, false},
		{"a debit in yen against a credit of the same number in dollars does not balance",
			[]model.JournalLine{line(model.Debit, 1100), {Side: model.Credit, Amount: model.Money{Amount: 1100, Currency: "USD"}}}, false},
		{"an entry without lines balances trivially", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := model.JournalEntry{Date: model.NewDate(2026, 10, 1), SourceRef: "exp-1", Lines: tc.lines}
			if got := j.Balanced(); got != tc.want {
				t.Errorf("Balanced() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestExpenseReportTotal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		lines []model.ExpenseLine
		want  model.Money
	}{
		{"the total adds the lines with tax included", []model.ExpenseLine{
			{Amount: model.Yen(1100), TaxRate: 10, TaxAmount: model.Yen(100)},
			{Amount: model.Yen(540), TaxRate: 8, TaxAmount: model.Yen(40)},
		}, model.Yen(1640)},
		{"one line is its own total", []model.ExpenseLine{{Amount: model.Yen(330)}}, model.Yen(330)},
		{"a report without lines is zero with no currency", nil, model.Money{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := model.ExpenseReport{ID: "r1", Lines: tc.lines}
			if got := r.Total(); got != tc.want {
				t.Errorf("Total() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLogValueHidesPersonalData(t *testing.T) {
	t.Parallel()
	emp := model.Employee{
		IDs:  map[string]string{"freee-hr": "4711"},
		Code: "E042", Name: "山田 太郎", Email: "taro.yamada@example.co.jp", Department: "経理",
	}
	msg := model.ChatMessage{Channel: "C123", Thread: "1700000000.0001", User: "U9", Text: "給与明細が届きません 山田"}
	for _, tc := range []struct {
		name    string
		value   any
		shown   []string
		private []string
	}{
		{"an employee shows ids, code and department, never name or email", emp,
			[]string{"4711", "E042", "経理"}, []string{"山田", "taro.yamada", "example.co.jp"}},
		{"a pointer to an employee hides the same", &emp,
			[]string{"4711", "E042"}, []string{"山田", "taro.yamada"}},
		{"a chat message shows channel, thread and text length, never the text", msg,
			[]string{"C123", "1700000000.0001", `"text_len":` + itoa(len(msg.Text))}, []string{"給与明細", "山田"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("test", "record", tc.value)
			out := buf.String()
			if !json.Valid(bytes.TrimSpace(buf.Bytes())) {
				t.Fatalf("log line is not JSON: %s", out)
			}
			for _, s := range tc.shown {
				if !strings.Contains(out, s) {
					t.Errorf("log line %s: want it to show %q", out, s)
				}
			}
			for _, s := range tc.private {
				if strings.Contains(out, s) {
					t.Errorf("log line %s: shows %q, which is personal", out, s)
				}
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestEmployeeID(t *testing.T) {
	t.Parallel()
	e := model.Employee{IDs: map[string]string{"freee-hr": "4711"}}
	if got := e.ID("freee-hr"); got != "4711" {
		t.Errorf("ID(freee-hr) = %q", got)
	}
	if got := e.ID("kot"); got != "" {
		t.Errorf("ID(kot) = %q, want empty for a system that does not know the person", got)
	}
}
