package helpdesk

import (
	"path/filepath"
	"testing"

	"github.com/urakata/urakata/shared/faq"
)

func TestOvertimeQuestions(t *testing.T) {
	t.Parallel()
	kb, err := faq.Load(t.Context(), faq.Dir(filepath.Join("..", "..", "..", "testdata", "faq")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, text    string
		live, someone bool
	}{
		{name: "a mention asking for this month's overtime is the asker's own", text: "<@U0BOTBOT01> 今月の残業時間は？", live: true},
		{name: "a Chatwork To asking for overtime is the asker's own", text: "[To:9000001]ヘルプデスクさん\n今月の残業は？", live: true},
		{name: "English with this month's is the asker's own", text: "What's this month's overtime?", live: true},
		{name: "my overtime is the asker's own", text: "How much overtime have I done? my overtime please", live: true},
		{name: "a colleague named with an honorific is someone else", text: "田中さんの残業", live: true, someone: true},
		{name: "an employee code is someone else", text: "overtime of E00002", live: true, someone: true},
		{name: "a possessive name is someone else", text: "Tanaka’s overtime this month", live: true, someone: true},
		{name: "a manager is someone else", text: "my manager's overtime", live: true, someone: true},
		{name: "a boss in Japanese is someone else", text: "部長の残業時間", live: true, someone: true},
		{name: "a question without overtime is for the FAQ", text: "給料日はいつ？"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := asksOvertime(tc.text); got != tc.live {
				t.Errorf("asksOvertime = %v; want %v", got, tc.live)
			}
			if !tc.live {
				return
			}
			if got := aboutSomeoneElse(kb, stripMentions(tc.text)); got != tc.someone {
				t.Errorf("aboutSomeoneElse = %v; want %v", got, tc.someone)
			}
		})
	}
}
