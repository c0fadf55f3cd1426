package chatwork

import (
	"fmt"
	"strconv"
	"strings"
)

// MessageRef names one message: the room it is in and its id. Its text form, "room-message"
// (e.g. "12345-678901234"), is what Chatwork's reply notation points at, and what PostMessage
// returns and takes as a thread.
type MessageRef struct {
	RoomID    int64
	MessageID string
}

// String is "room-message".
func (r MessageRef) String() string { return strconv.FormatInt(r.RoomID, 10) + "-" + r.MessageID }

// ParseMessageRef reads "room-message", or a bare message id, which is taken to be in room
// (0 when there is none to assume).
func ParseMessageRef(s string, room int64) (MessageRef, error) {
	roomText, msg, found := strings.Cut(strings.TrimSpace(s), "-")
	if found {
		id, err := strconv.ParseInt(roomText, 10, 64)
		if err != nil || id <= 0 {
			return MessageRef{}, fmt.Errorf("message reference %q: the room before '-' is not a room id", s)
		}
		room = id
	} else {
		msg = roomText
	}
	if !isDigits(msg) {
		return MessageRef{}, fmt.Errorf("message reference %q: want room-message, e.g. 12345-678901234", s)
	}
	if room <= 0 {
		return MessageRef{}, fmt.Errorf("message reference %q names no room, and there is no room to assume", s)
	}
	return MessageRef{RoomID: room, MessageID: msg}, nil
}

// To is the mention notation [To:id]: the account is notified of the message.
func To(accountID int64) string { return "[To:" + strconv.FormatInt(accountID, 10) + "]" }

// Reply is the reply notation [rp aid=id to=room-message]: the message answers ref, whose
// author is accountID and is notified of it. Chatwork has no threads; a reply is how a
// message points at another.
func Reply(accountID int64, ref MessageRef) string {
	return "[rp aid=" + strconv.FormatInt(accountID, 10) + " to=" + ref.String() + "]"
}
