package chatwork_test

import (
	"testing"

	"github.com/urakata/urakata/connectors/chatwork"
)

func TestParseMessageRef(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		room int64
		want chatwork.MessageRef
		bad  bool
	}{
		{"room-message names both", "12345-678901234", 0, chatwork.MessageRef{RoomID: 12345, MessageID: "678901234"}, false},
		{"the room in the reference wins over the one assumed", "12345-678", 99, chatwork.MessageRef{RoomID: 12345, MessageID: "678"}, false},
		{"a bare message id is taken to be in the room assumed", " 678 ", 99, chatwork.MessageRef{RoomID: 99, MessageID: "678"}, false},
		{"a bare message id with no room to assume is refused", "678", 0, chatwork.MessageRef{}, true},
		{"a Slack timestamp is refused", "1700000000.000100", 5, chatwork.MessageRef{}, true},
		{"a room that is not a number is refused", "general-678", 0, chatwork.MessageRef{}, true},
		{"an empty message is refused", "12345-", 0, chatwork.MessageRef{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := chatwork.ParseMessageRef(tc.in, tc.room)
			if tc.bad {
				if err == nil {
					t.Fatalf("got %+v; want an error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
			if tc.in == "12345-678901234" && got.String() != tc.in {
				t.Errorf("String() = %q; want it to round-trip", got.String())
			}
		})
	}
}

func TestNotation(t *testing.T) {
	t.Parallel()
	if got := chatwork.To(9100001); got != "[To:9100001]" {
		t.Errorf("To = %q", got)
	}
	if got := chatwork.Reply(9100001, chatwork.MessageRef{RoomID: 300000010, MessageID: "15"}); got != "[rp aid=9100001 to=300000010-15]" {
		t.Errorf("Reply = %q", got)
	}
}
