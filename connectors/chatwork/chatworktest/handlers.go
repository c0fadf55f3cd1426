package chatworktest

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

var handlers = map[string]handler{
	"getMe":           (*Server).getMe,
	"getRooms":        (*Server).getRooms,
	"getRoom":         (*Server).getRoom,
	"getRoomMembers":  (*Server).getRoomMembers,
	"getRoomMessages": (*Server).getRoomMessages,
	"postRoomMessage": (*Server).postRoomMessage,
	"getRoomMessage":  (*Server).getRoomMessage,
	"getContacts":     (*Server).getContacts,
}

// Message is a message of a room, as the sandbox keeps it.
type Message struct {
	ID     string
	RoomID int64
	// AccountID is the author: BotAccountID for what the API posted.
	AccountID int64
	Body      string
	SendTime  time.Time
	// UpdateTime is zero until Edit changes the message.
	UpdateTime time.Time
	// SelfUnread is what the post asked for (self_unread=1).
	SelfUnread bool
	n          int64
}

func parseForm(body []byte) (url.Values, error) { return url.ParseQuery(string(body)) }

// Wire types: every field the contract lists, in Chatwork's names.

type meJSON struct {
	AccountID        int64  `json:"account_id"`
	RoomID           int64  `json:"room_id"`
	Name             string `json:"name"`
	ChatworkID       string `json:"chatwork_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Department       string `json:"department"`
	Title            string `json:"title"`
	URL              string `json:"url"`
	Introduction     string `json:"introduction"`
	Mail             string `json:"mail"`
	TelOrganization  string `json:"tel_organization"`
	TelExtension     string `json:"tel_extension"`
	TelMobile        string `json:"tel_mobile"`
	Skype            string `json:"skype"`
	Facebook         string `json:"facebook"`
	Twitter          string `json:"twitter"`
	AvatarImageURL   string `json:"avatar_image_url"`
	LoginMail        string `json:"login_mail"`
}

// BotMail is the bot account's email: the only address the API ever gives (GET /me).
const BotMail = "chatwork-bot@demo-company.example"

func (s *Server) getMe(*call) reply {
	return jsonReply(http.StatusOK, meJSON{
		AccountID: BotAccountID, RoomID: MyRoomID, Name: botName, ChatworkID: "urakata-bot",
		OrganizationID: organizationID, OrganizationName: s.org.name, Department: "管理部", Title: "bot",
		Introduction: "経費精算・勤怠の通知をお送りします", Mail: BotMail,
		AvatarImageURL: avatar(BotAccountID), LoginMail: BotMail,
	})
}

type roomJSON struct {
	RoomID         int64   `json:"room_id"`
	Name           string  `json:"name"`
	Type           string  `json:"type"`
	Role           string  `json:"role"`
	Sticky         bool    `json:"sticky"`
	UnreadNum      int     `json:"unread_num"`
	MentionNum     int     `json:"mention_num"`
	MytaskNum      int     `json:"mytask_num"`
	MessageNum     int     `json:"message_num"`
	FileNum        int     `json:"file_num"`
	TaskNum        int     `json:"task_num"`
	IconPath       string  `json:"icon_path"`
	LastUpdateTime int64   `json:"last_update_time"`
	Description    *string `json:"description,omitempty"`
}

// roomJSON summarises r; the caller holds s.mu.
func (s *Server) roomJSON(r *room, detail bool) roomJSON {
	msgs := s.messages[r.id]
	j := roomJSON{
		RoomID: r.id, Name: r.name, Type: r.typ, Role: r.botRole, Sticky: r.id == AllHandsRoomID,
		MessageNum: len(msgs), IconPath: "https://appdata.chatwork.example/icon/" + cmp.Or(r.icon, r.typ) + ".png",
	}
	for _, m := range msgs {
		if m.AccountID != BotAccountID {
			j.UnreadNum++
		}
		j.LastUpdateTime = max(j.LastUpdateTime, m.SendTime.Unix(), unix(m.UpdateTime))
	}
	if detail {
		j.Description = &r.description
	}
	return j
}

func (s *Server) getRooms(*call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]roomJSON, len(s.org.rooms))
	for i, r := range s.org.rooms {
		out[i] = s.roomJSON(r, false)
	}
	return jsonReply(http.StatusOK, out)
}

// room finds the room of the request's path; the bot is in every room there is.
func (s *Server) room(c *call) (*room, reply, bool) {
	id, _ := strconv.ParseInt(c.r.PathValue("room_id"), 10, 64)
	r, ok := s.org.roomByID[id]
	if !ok {
		return nil, notFound("The room does not exist or you are not a member of it"), false
	}
	return r, reply{}, true
}

func (s *Server) getRoom(c *call) reply {
	r, rep, ok := s.room(c)
	if !ok {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return jsonReply(http.StatusOK, s.roomJSON(r, true))
}

type memberJSON struct {
	AccountID        int64  `json:"account_id"`
	Role             string `json:"role"`
	Name             string `json:"name"`
	ChatworkID       string `json:"chatwork_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Department       string `json:"department"`
	AvatarImageURL   string `json:"avatar_image_url"`
}

func (s *Server) getRoomMembers(c *call) reply {
	r, rep, ok := s.room(c)
	if !ok {
		return rep
	}
	out := make([]memberJSON, len(r.members))
	for i, m := range r.members {
		j := memberJSON{AccountID: m.accountID, Role: m.role, Name: s.org.nameOf(m.accountID),
			OrganizationID: organizationID, OrganizationName: s.org.name, AvatarImageURL: avatar(m.accountID)}
		if a, ok := s.org.byID[m.accountID]; ok {
			j.ChatworkID, j.Department = a.ChatworkID, a.Department
		} else {
			j.ChatworkID, j.Department = "urakata-bot", "管理部"
		}
		out[i] = j
	}
	return jsonReply(http.StatusOK, out)
}

type accountJSON struct {
	AccountID      int64  `json:"account_id"`
	Name           string `json:"name"`
	AvatarImageURL string `json:"avatar_image_url"`
}

type messageJSON struct {
	MessageID  string      `json:"message_id"`
	Account    accountJSON `json:"account"`
	Body       string      `json:"body"`
	SendTime   int64       `json:"send_time"`
	UpdateTime int64       `json:"update_time"`
}

func (s *Server) messageJSON(m Message) messageJSON {
	return messageJSON{
		MessageID: m.ID,
		Account:   accountJSON{AccountID: m.AccountID, Name: s.org.nameOf(m.AccountID), AvatarImageURL: avatar(m.AccountID)},
		Body:      m.Body, SendTime: m.SendTime.Unix(), UpdateTime: unix(m.UpdateTime),
	}
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// maxListed is the most messages one GET returns.
const maxListed = 100

// getRoomMessages is stateful per token, as Chatwork's: without force it returns what this
// token has not fetched yet (the latest 100 of them when there are more: the older ones
// are lost to it) and moves the token past them; with force=1 the latest 100, leaving the
// token where it was. Nothing to return is 204 with no body.
func (s *Server) getRoomMessages(c *call) reply {
	r, rep, ok := s.room(c)
	if !ok {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	msgs := s.messages[r.id]
	key := cursorKey{c.token, r.id}
	if c.r.URL.Query().Get("force") != "1" {
		from := s.cursors[key]
		s.cursors[key] = len(msgs)
		msgs = msgs[min(from, len(msgs)):]
	}
	if len(msgs) == 0 {
		return noContent()
	}
	msgs = msgs[max(len(msgs)-maxListed, 0):]
	out := make([]messageJSON, len(msgs))
	for i, m := range msgs {
		out[i] = s.messageJSON(m)
	}
	return jsonReply(http.StatusOK, out)
}

func (s *Server) getRoomMessage(c *call) reply {
	r, rep, ok := s.room(c)
	if !ok {
		return rep
	}
	id := c.r.PathValue("message_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roomOf[id] != r.id {
		return notFound("The message does not exist in this room")
	}
	for _, m := range s.messages[r.id] {
		if m.ID == id {
			return jsonReply(http.StatusOK, s.messageJSON(m))
		}
	}
	return notFound("The message does not exist in this room")
}

func (s *Server) postRoomMessage(c *call) reply {
	r, rep, ok := s.room(c)
	if !ok {
		return rep
	}
	if r.botRole == "readonly" {
		return errorReply(http.StatusForbidden, "You don't have permission to send messages in this room")
	}
	m := s.store(r.id, BotAccountID, c.form["body"], c.form["self_unread"] == "1", c.now)
	s.notifyAsync(EventMessageCreated, m)
	return jsonReply(http.StatusOK, struct {
		MessageID string `json:"message_id"`
	}{m.ID})
}

// store adds a message to a room and returns it.
func (s *Server) store(roomID, author int64, body string, selfUnread bool, now time.Time) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nextID
	s.nextID++
	m := Message{ID: strconv.FormatInt(n, 10), RoomID: roomID, AccountID: author, Body: body, SendTime: now.Truncate(time.Second), SelfUnread: selfUnread, n: n}
	s.messages[roomID] = append(s.messages[roomID], m)
	s.roomOf[m.ID] = roomID
	return m
}

type contactJSON struct {
	AccountID        int64  `json:"account_id"`
	RoomID           int64  `json:"room_id"`
	Name             string `json:"name"`
	ChatworkID       string `json:"chatwork_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Department       string `json:"department"`
	AvatarImageURL   string `json:"avatar_image_url"`
}

func (s *Server) getContacts(*call) reply {
	var out []contactJSON
	for _, a := range s.org.accounts {
		if a.DirectRoomID == 0 {
			continue
		}
		out = append(out, contactJSON{AccountID: a.AccountID, RoomID: a.DirectRoomID, Name: a.Name, ChatworkID: a.ChatworkID,
			OrganizationID: organizationID, OrganizationName: s.org.name, Department: a.Department, AvatarImageURL: avatar(a.AccountID)})
	}
	if len(out) == 0 {
		return noContent()
	}
	return jsonReply(http.StatusOK, out)
}
