package helpdesk

import (
	"context"
	"iter"
	"path/filepath"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/faq"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// everything is a source of every live answer, for telling questions apart.
type everything struct{}

func (everything) Employees(context.Context, model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(func(model.Employee, error) bool) {}
}
func (everything) Attendance(context.Context, model.Employee, model.PayPeriod) ([]model.AttendanceDay, error) {
	return nil, nil
}
func (everything) PaidLeave(context.Context, model.Employee, model.Date) (model.LeaveBalance, error) {
	return model.LeaveBalance{}, nil
}
func (everything) ExpensesOf(context.Context, model.Employee, time.Time, int) ([]hub.ExpenseStatus, error) {
	return nil, nil
}

func TestLiveQuestions(t *testing.T) {
	t.Parallel()
	kb, err := faq.Load(t.Context(), faq.Dir(filepath.Join("..", "..", "..", "testdata", "faq")))
	if err != nil {
		t.Fatal(err)
	}
	f := &Flow{attendance: everything{}, leave: everything{}, expenses: everything{}}
	for _, tc := range []struct {
		name, text string
		live       string // the intent's name; "" for the FAQ
		someone    bool
	}{
		{name: "a mention asking for this month's overtime is the asker's own", text: "<@U0BOTBOT01> 今月の残業時間は？", live: "overtime"},
		{name: "a Chatwork To asking for overtime is the asker's own", text: "[To:9000001]ヘルプデスクさん\n今月の残業は？", live: "overtime"},
		{name: "a Chatwork To with a spaced name asking for overtime is the asker's own", text: "[To:9000001]urakata 経理botさん\n今月の残業は？", live: "overtime"},
		{name: "a Chatwork To on the same line is the asker's own", text: "[To:9000001]urakata 経理botさん 有給は何日残ってる？", live: "paid leave"},
		{name: "a Chatwork reply to the bot is the asker's own", text: "[rp aid=9000001 to=300000010-1234]urakata 経理botさん\n経費精算はどうなった？", live: "expense claims"},
		{name: "English with this month's is the asker's own", text: "What's this month's overtime?", live: "overtime"},
		{name: "my overtime is the asker's own", text: "How much overtime have I done? my overtime please", live: "overtime"},
		{name: "a colleague named with an honorific is someone else", text: "田中さんの残業", live: "overtime", someone: true},
		{name: "an employee code is someone else", text: "overtime of E00002", live: "overtime", someone: true},
		{name: "a possessive name is someone else", text: "Tanaka’s overtime this month", live: "overtime", someone: true},
		{name: "a manager is someone else", text: "my manager's overtime", live: "overtime", someone: true},
		{name: "a boss in Japanese is someone else", text: "部長の残業時間", live: "overtime", someone: true},
		{name: "how to request overtime is the FAQ's", text: "残業するときの申請方法は？"},
		{name: "how to request overtime in English is the FAQ's", text: "How do I request overtime?"},
		{name: "paid leave left is live", text: "有給は何日残ってる？", live: "paid leave"},
		{name: "有休 left is live", text: "有休あと何日ある？", live: "paid leave"},
		{name: "annual leave left in English is live", text: "How many days of annual leave do I have left?", live: "paid leave"},
		{name: "a colleague's leave is someone else", text: "佐藤さんの有給の残りは？", live: "paid leave", someone: true},
		{name: "how to request paid leave is the FAQ's", text: "有給の申請方法を教えて"},
		{name: "when paid leave expires is the FAQ's", text: "有給の残りはいつ失効しますか"},
		{name: "where an expense claim stands is live", text: "経費精算はどうなった？", live: "expense claims"},
		{name: "whether a claim was posted is live", text: "立替えた交通費、もう計上された？", live: "expense claims"},
		{name: "English expense status is live", text: "Has my expense claim been posted?", live: "expense claims"},
		{name: "an amount is not an employee code", text: "3,300円の経費精算はどうなった？", live: "expense claims"},
		{name: "a yen sign is not an employee code", text: "Was my ¥12000 expense claim posted?", live: "expense claims"},
		{name: "a year is not an employee code", text: "2026年の有給はあと何日？", live: "paid leave"},
		{name: "an employee code beside an amount is still someone else", text: "E00002の3300円の経費精算はどうなった？", live: "expense claims", someone: true},
		{name: "the expense deadline is the FAQ's", text: "経費精算の締め切りはいつ？"},
		{name: "how to claim a taxi fare is the FAQ's", text: "How do I claim a taxi fare?"},
		{name: "a question without a live topic is for the FAQ", text: "給料日はいつ？"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := stripMentions(tc.text)
			got := ""
			if in := f.liveIntent(q); in != nil {
				got = in.name
			}
			if got != tc.live {
				t.Fatalf("live intent = %q; want %q", got, tc.live)
			}
			if tc.live == "" {
				return
			}
			if got := aboutSomeoneElse(kb, q); got != tc.someone {
				t.Errorf("aboutSomeoneElse = %v; want %v", got, tc.someone)
			}
		})
	}

	// A topic whose source hub.yaml does not name goes to the FAQ.
	if in := (&Flow{}).liveIntent("有給は何日残ってる？"); in != nil {
		t.Errorf("a bot without a leave connection took %q live", in.name)
	}
}
