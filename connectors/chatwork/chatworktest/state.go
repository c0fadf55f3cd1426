package chatworktest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"
)

// stateVersion is the version of the saved-state format.
const stateVersion = 1

// state is what the sandbox remembers beyond what its seed makes: the messages posted (by the
// API or Say), where each token stands in each room's messages, and the tokens revoked.
// `urakata dev` saves it in the data folder so that a second run meets the same Chatwork.
type state struct {
	Version  int            `json:"version"`
	Seed     int64          `json:"seed"`
	Head     int            `json:"employees"`
	Messages []savedMessage `json:"messages"`
	Cursors  []savedCursor  `json:"cursors"`
	Revoked  []string       `json:"revoked,omitempty"`
}

type savedMessage struct {
	ID         string `json:"id"`
	RoomID     int64  `json:"room_id"`
	AccountID  int64  `json:"account_id"`
	Body       string `json:"body"`
	SendTime   int64  `json:"send_time"`
	UpdateTime int64  `json:"update_time,omitempty"`
	SelfUnread bool   `json:"self_unread,omitempty"`
}

type savedCursor struct {
	Token  string `json:"token"`
	RoomID int64  `json:"room_id"`
	Next   int    `json:"next"`
}

// SaveState writes what the sandbox remembers to w as JSON.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	st := state{Version: stateVersion, Seed: s.opts.Seed, Head: len(s.org.accounts)}
	for _, room := range slices.Sorted(maps.Keys(s.messages)) {
		for _, m := range s.messages[room] {
			st.Messages = append(st.Messages, savedMessage{ID: m.ID, RoomID: m.RoomID, AccountID: m.AccountID, Body: m.Body,
				SendTime: m.SendTime.Unix(), UpdateTime: unix(m.UpdateTime), SelfUnread: m.SelfUnread})
		}
	}
	for k, next := range s.cursors {
		st.Cursors = append(st.Cursors, savedCursor{Token: k.token, RoomID: k.room, Next: next})
	}
	for _, t := range s.opts.Tokens {
		if !s.tokens[t] {
			st.Revoked = append(st.Revoked, t)
		}
	}
	s.mu.Unlock()
	return json.NewEncoder(w).Encode(st)
}

// LoadState restores what SaveState wrote, on a sandbox built with the same seed and head
// count, replacing the messages and cursors it holds.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("chatworktest: saved state: %w", err)
	}
	switch {
	case st.Version != stateVersion:
		return fmt.Errorf("chatworktest: saved state version %d; this sandbox reads %d", st.Version, stateVersion)
	case st.Seed != s.opts.Seed || st.Head != len(s.org.accounts):
		return fmt.Errorf("chatworktest: saved state is of seed %d with %d employees, this sandbox is seed %d with %d",
			st.Seed, st.Head, s.opts.Seed, len(s.org.accounts))
	}
	messages := map[int64][]Message{}
	roomOf := map[string]int64{}
	next := firstMessageID
	for _, m := range st.Messages {
		n, err := strconv.ParseInt(m.ID, 10, 64)
		if err != nil || n < firstMessageID {
			return fmt.Errorf("chatworktest: saved state: message id %q is not one this sandbox makes", m.ID)
		}
		if _, ok := s.org.roomByID[m.RoomID]; !ok {
			return fmt.Errorf("chatworktest: saved state: room %d does not exist in this sandbox", m.RoomID)
		}
		msg := Message{ID: m.ID, RoomID: m.RoomID, AccountID: m.AccountID, Body: m.Body, SendTime: time.Unix(m.SendTime, 0),
			SelfUnread: m.SelfUnread, n: n}
		if m.UpdateTime > 0 {
			msg.UpdateTime = time.Unix(m.UpdateTime, 0)
		}
		messages[m.RoomID] = append(messages[m.RoomID], msg)
		roomOf[m.ID] = m.RoomID
		next = max(next, n+1)
	}
	cursors := map[cursorKey]int{}
	for _, c := range st.Cursors {
		cursors[cursorKey{c.Token, c.RoomID}] = min(max(c.Next, 0), len(messages[c.RoomID]))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages, s.roomOf, s.cursors, s.nextID = messages, roomOf, cursors, next
	for _, t := range st.Revoked {
		delete(s.tokens, t)
	}
	return nil
}
