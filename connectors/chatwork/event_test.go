package chatwork_test

import (
	"errors"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/chatwork"
	"github.com/urakata/urakata/shared/model"
)

func TestParseEvent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body string
		want model.ChatEvent
	}{
		{"a mention is from its author, in its room, and answered by replying to it",
			`{"webhook_setting_id":"12345","webhook_event_type":"mention_to_me","webhook_event_time":1790000010,
			  "webhook_event":{"from_account_id":123456,"to_account_id":1484814,"room_id":567890123,"message_id":"789012345",
			  "body":"[To:1484814]おかずは?","send_time":1790000005,"update_time":0}}`,
			model.ChatEvent{ID: "12345:789012345", Type: "mention_to_me", At: time.Unix(1790000005, 0).UTC(),
				Message: model.ChatMessage{Channel: "567890123", Thread: "567890123-789012345", User: "123456", Text: "[To:1484814]おかずは?"}}},
		{"a new room message is from account_id",
			`{"webhook_setting_id":"9","webhook_event_type":"message_created","webhook_event_time":1790000010,
			  "webhook_event":{"message_id":"55","room_id":77,"account_id":88,"body":"hi","send_time":1790000009,"update_time":0}}`,
			model.ChatEvent{ID: "9:55", Type: "message_created", At: time.Unix(1790000009, 0).UTC(),
				Message: model.ChatMessage{Channel: "77", Thread: "77-55", User: "88", Text: "hi"}}},
		{"an edit is its own event, at the time of the edit",
			`{"webhook_setting_id":"9","webhook_event_type":"message_updated","webhook_event_time":1790000100,
			  "webhook_event":{"message_id":"55","room_id":77,"account_id":88,"body":"hi!","send_time":1790000009,"update_time":1790000099}}`,
			model.ChatEvent{ID: "9:55:1790000099", Type: "message_updated", At: time.Unix(1790000099, 0).UTC(),
				Message: model.ChatMessage{Channel: "77", Thread: "77-55", User: "88", Text: "hi!"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := chatwork.ParseEvent([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tc.want.ID || got.Type != tc.want.Type || !got.At.Equal(tc.want.At) ||
				got.Message.Channel != tc.want.Message.Channel || got.Message.Thread != tc.want.Message.Thread ||
				got.Message.User != tc.want.Message.User || got.Message.Text != tc.want.Message.Text {
				t.Errorf("event = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestParseEventRefusals(t *testing.T) {
	t.Parallel()
	_, err := chatwork.ParseEvent([]byte(`{"webhook_setting_id":"9","webhook_event_type":"task_added","webhook_event_time":1790000010,"webhook_event":{}}`))
	if !errors.Is(err, chatwork.ErrUnsupportedEvent) {
		t.Errorf("an unknown type: err = %v; want ErrUnsupportedEvent", err)
	}
	for name, body := range map[string]string{
		"not JSON":             `[`,
		"no setting":           `{"webhook_event_type":"message_created","webhook_event_time":1,"webhook_event":{"message_id":"1","room_id":2,"account_id":3}}`,
		"a message id of text": `{"webhook_setting_id":"9","webhook_event_type":"message_created","webhook_event_time":1,"webhook_event":{"message_id":"x","room_id":2,"account_id":3}}`,
		"a mention without its author": `{"webhook_setting_id":"9","webhook_event_type":"mention_to_me","webhook_event_time":1,` +
			`"webhook_event":{"message_id":"1","room_id":2,"to_account_id":3}}`,
	} {
		if _, err := chatwork.ParseEvent([]byte(body)); err == nil || errors.Is(err, chatwork.ErrUnsupportedEvent) {
			t.Errorf("%s: err = %v; want a malformed-body error", name, err)
		}
	}
}
