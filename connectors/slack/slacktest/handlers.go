package slacktest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// handlers are the methods the sandbox serves; every other method of the description is
// validated, then answered not_implemented.
var handlers = map[string]handler{
	"auth.test":           (*Server).authTest,
	"users.list":          (*Server).usersList,
	"users.lookupByEmail": (*Server).usersLookupByEmail,
	"users.info":          (*Server).usersInfo,
	"conversations.list":  (*Server).conversationsList,
	"conversations.open":  (*Server).conversationsOpen,
	"chat.postMessage":    (*Server).chatPostMessage,
}

// Slack's limits on a message: https://api.slack.com/methods/chat.postMessage ("truncating
// messages" and the Block Kit limits).
const (
	maxTextLength = 40000
	maxBlocks     = 50
)

func (s *Server) authTest(_ *call) reply {
	return okReply(map[string]any{
		"url": "https://" + s.ws.domain + ".slack.com/", "team": s.ws.name, "team_id": s.ws.teamID,
		"user": "urakata", "user_id": s.ws.botUser, "bot_id": s.ws.botID, "is_enterprise_install": false,
	})
}

func (s *Server) usersList(c *call) reply {
	start, ok := s.cursorIndex(c.str("cursor"), "user", func(id string) (int, bool) {
		i, ok := s.ws.byID[id]
		return i, ok
	})
	if !ok {
		return errReply("invalid_cursor")
	}
	end := pageEnd(start, len(s.ws.users), c.str("limit"), len(s.ws.users))
	members := make([]any, 0, end-start)
	for _, u := range s.ws.users[start:end] {
		members = append(members, s.userJSON(u))
	}
	next := ""
	if end < len(s.ws.users) {
		next = cursor("user", s.ws.users[end].ID)
	}
	return okReply(map[string]any{
		"members": members, "cache_ts": c.now.Unix(),
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

func (s *Server) usersLookupByEmail(c *call) reply {
	if !s.hasScope(ScopeUsersReadEmail) {
		return errReply("missing_scope")
	}
	u, ok := s.UserByEmail(c.str("email"))
	if !ok {
		return errReply("users_not_found")
	}
	return okReply(map[string]any{"user": s.userJSON(u)})
}

// usersInfo answers one member by id: bots and deactivated members too, as Slack does.
func (s *Server) usersInfo(c *call) reply {
	u, ok := s.ws.user(c.str("user"))
	if !ok {
		return errReply("user_not_found")
	}
	member := s.userJSON(u)
	if c.bool("include_locale") {
		member["locale"] = "ja-JP"
	}
	return okReply(map[string]any{"user": member})
}

// userJSON is a member as users.list, users.lookupByEmail and users.info return them. The
// email is left out when the token lacks users:read.email, as Slack leaves it out.
func (s *Server) userJSON(u User) map[string]any {
	first, last, _ := strings.Cut(u.RealName, " ")
	profile := map[string]any{
		"real_name": u.RealName, "real_name_normalized": u.RealName,
		"display_name": u.Name, "display_name_normalized": u.Name,
		"first_name": first, "last_name": last,
		"avatar_hash": "g" + strings.ToLower(u.ID[1:]), "title": "", "phone": "", "skype": "",
		"status_text": "", "status_emoji": "", "fields": nil, "team": s.ws.teamID,
	}
	if u.Email != "" && s.hasScope(ScopeUsersReadEmail) {
		profile["email"] = u.Email
	}
	if u.IsBot {
		profile["bot_id"] = s.ws.botID
		profile["api_app_id"] = s.ws.appID
		profile["always_active"] = true
	}
	return map[string]any{
		"id": u.ID, "team_id": s.ws.teamID, "name": u.Name, "deleted": u.Deleted,
		"real_name": u.RealName, "tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400,
		"is_admin": u.IsAdmin, "is_owner": u.IsAdmin, "is_primary_owner": u.IsAdmin,
		"is_restricted": false, "is_ultra_restricted": false,
		"is_bot": u.IsBot, "is_app_user": false, "updated": s.ws.created.Unix(),
		"profile": profile,
	}
}

func (s *Server) conversationsList(c *call) reply {
	types := map[string]bool{}
	for t := range strings.SplitSeq(c.str("types"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			types[t] = true
		}
	}
	if len(types) == 0 {
		types["public_channel"] = true
	}
	var list []Channel
	for _, ch := range s.Channels() {
		kind := "public_channel"
		switch {
		case ch.IM:
			kind = "im"
		case ch.Private:
			kind = "private_channel"
		}
		if types[kind] && !(ch.Archived && c.bool("exclude_archived")) {
			list = append(list, ch)
		}
	}
	start, ok := s.cursorIndex(c.str("cursor"), "channel", func(id string) (int, bool) {
		i := slices.IndexFunc(list, func(ch Channel) bool { return ch.ID == id })
		return i, i >= 0
	})
	if !ok {
		return errReply("invalid_cursor")
	}
	end := pageEnd(start, len(list), c.str("limit"), 100)
	channels := make([]any, 0, end-start)
	for _, ch := range list[start:end] {
		channels = append(channels, s.channelJSON(ch))
	}
	next := ""
	if end < len(list) {
		next = cursor("channel", list[end].ID)
	}
	return okReply(map[string]any{"channels": channels, "response_metadata": map[string]any{"next_cursor": next}})
}

// channelJSON is a conversation as conversations.list returns it.
func (s *Server) channelJSON(ch Channel) map[string]any {
	if ch.IM {
		return map[string]any{
			"id": ch.ID, "created": ch.Created.Unix(), "is_im": true, "is_org_shared": false,
			"user": ch.User, "is_user_deleted": false, "priority": 0,
		}
	}
	none := map[string]any{"value": "", "creator": "", "last_set": 0}
	return map[string]any{
		"id": ch.ID, "name": ch.Name, "name_normalized": ch.Name, "created": ch.Created.Unix(),
		"creator": s.ws.users[0].ID, "is_channel": true, "is_group": false, "is_im": false, "is_mpim": false,
		"is_private": ch.Private, "is_archived": ch.Archived, "is_general": ch.General,
		"is_shared": false, "is_org_shared": false, "is_ext_shared": false, "is_member": ch.BotMember,
		"num_members": len(s.ws.users), "topic": none, "purpose": none,
	}
}

func (s *Server) conversationsOpen(c *call) reply {
	if id := c.str("channel"); id != "" && c.str("users") == "" {
		ch, ok := s.dmByChannel(id)
		if !ok {
			return errReply("channel_not_found")
		}
		return s.openReply(c, ch, true)
	}
	var users []string
	for u := range strings.SplitSeq(c.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	switch {
	case len(users) == 0:
		return errReply("users_list_not_supplied")
	case len(users) > 1:
		rep := errReply("not_implemented", "slacktest: group direct messages are not modelled")
		rep.unchecked = true
		return rep
	}
	u, ok := s.ws.user(users[0])
	switch {
	case !ok:
		return errReply("user_not_found")
	case u.Deleted:
		return errReply("user_disabled")
	}
	ch, existed := s.openDM(u.ID, c.now.Unix())
	return s.openReply(c, ch, existed)
}

func (s *Server) openReply(c *call, ch Channel, existed bool) reply {
	members := map[string]any{"channel": map[string]any{"id": ch.ID}}
	if c.bool("return_im") {
		members["channel"] = s.channelJSON(ch)
	}
	if existed {
		members["no_op"], members["already_open"] = true, true
	}
	return okReply(members)
}

// openDM opens (or finds) the app's direct message with a user; existed says it was open.
func (s *Server) openDM(user string, now int64) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.dms[user]; ok {
		return ch, true
	}
	ch := Channel{ID: s.ws.dmID(user), User: user, IM: true, BotMember: true, Created: unixTime(now)}
	s.dms[user] = ch
	return ch, false
}

func (s *Server) dmByChannel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.dms {
		if ch.ID == id {
			return ch, true
		}
	}
	return Channel{}, false
}

func (s *Server) chatPostMessage(c *call) reply {
	ch, code := s.resolveChannel(c.str("channel"), c.now.Unix())
	if code != "" {
		return errReply(code)
	}
	text, blocks := c.str("text"), c.raw("blocks")
	if text == "" && len(blocks) == 0 && c.str("attachments") == "" {
		return errReply("no_text")
	}
	if utf8.RuneCountInString(text) > maxTextLength {
		return errReply("msg_too_long")
	}
	if len(blocks) > 0 {
		if msg := checkBlocks(blocks); msg != "" {
			return errReply("invalid_blocks", "[ERROR] "+msg)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if wait, ok := s.limits.takePost(ch.ID, c.now); !ok {
		return tooManyRequests(wait)
	}
	msg := Message{TS: s.nextTS(c.now.UnixMicro()), User: s.ws.botUser, BotID: s.ws.botID, Text: text, Blocks: blocks}
	if parent := c.str("thread_ts"); parent != "" {
		msg.ThreadTS = parent
		// Slack files a reply to a reply under the thread's parent.
		for _, m := range s.messages[ch.ID] {
			if m.TS == parent && m.ThreadTS != "" {
				msg.ThreadTS = m.ThreadTS
			}
		}
	}
	s.messages[ch.ID] = append(s.messages[ch.ID], msg)
	return okReply(map[string]any{"channel": ch.ID, "ts": msg.TS, "message": s.messageJSON(msg)})
}

// resolveChannel finds where a message goes: a channel by id or name, a DM by id, or a
// user's DM by their id (opened if need be). code is Slack's error when it cannot go there.
func (s *Server) resolveChannel(id string, now int64) (Channel, string) {
	if i, ok := s.ws.channelByID[id]; ok {
		return postable(s.ws.channels[i])
	}
	if i, ok := s.ws.byName[strings.TrimPrefix(id, "#")]; ok {
		return postable(s.ws.channels[i])
	}
	if ch, ok := s.dmByChannel(id); ok {
		return ch, ""
	}
	if u, ok := s.ws.user(id); ok && !u.Deleted {
		ch, _ := s.openDM(u.ID, now)
		return ch, ""
	}
	return Channel{}, "channel_not_found"
}

func postable(ch Channel) (Channel, string) {
	switch {
	case ch.Archived:
		return ch, "is_archived"
	case !ch.BotMember:
		return ch, "not_in_channel"
	}
	return ch, ""
}

// checkBlocks says what is wrong with a Block Kit array, or "".
func checkBlocks(raw json.RawMessage) string {
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return "blocks must be a JSON array of objects"
	}
	if len(blocks) > maxBlocks {
		return fmt.Sprintf("no more than %d blocks allowed", maxBlocks)
	}
	for i, b := range blocks {
		if t, _ := b["type"].(string); t == "" {
			return fmt.Sprintf("missing required field: type [json-pointer:/blocks/%d]", i)
		}
	}
	return ""
}

// messageJSON is a message as chat.postMessage returns it.
func (s *Server) messageJSON(m Message) map[string]any {
	out := map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "user": m.User, "team": s.ws.teamID}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	return out
}

// nextTS hands out a message ts: the time in microseconds, unique in the workspace, as
// Slack's are unique in a channel. Callers hold s.mu.
func (s *Server) nextTS(micros int64) string {
	if micros <= s.lastTS {
		micros = s.lastTS + 1
	}
	s.lastTS = micros
	return fmt.Sprintf("%d.%06d", micros/1e6, micros%1e6)
}

// cursor is an opaque page cursor as Slack writes them: base64 of "<kind>:<next id>".
func cursor(kind, id string) string {
	return base64.StdEncoding.EncodeToString([]byte(kind + ":" + id))
}

// cursorIndex reads a cursor back into the index it starts at; "" starts at 0.
func (s *Server) cursorIndex(cur, kind string, index func(id string) (int, bool)) (int, bool) {
	if cur == "" {
		return 0, true
	}
	b, err := base64.StdEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	id, ok := strings.CutPrefix(string(b), kind+":")
	if !ok {
		return 0, false
	}
	return index(id)
}

// pageEnd is where a page from start ends: limit items (def when none is asked, at most
// 1000, Slack's cap), or the end.
func pageEnd(start, n int, limit string, def int) int {
	size := def
	if v, err := strconv.Atoi(limit); err == nil && v > 0 {
		size = v
	}
	return min(start+min(size, 1000), n)
}
