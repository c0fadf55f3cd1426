package slacktest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestTheTokenIsChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		token string
		query bool
		want  string
	}{
		{"no token is not_authed", "", false, "not_authed"},
		{"a token the workspace did not issue is invalid_auth", "xoxb-someone-else", false, "invalid_auth"},
		{"a token in the query only is not_authed", DefaultBotToken, true, "not_authed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := start(t, Options{})
			c.token = tc.token
			q := url.Values{}
			if tc.query {
				c.token = ""
				q.Set("token", tc.token)
			}
			wantError(t, c.get("auth.test", q), tc.want)
			noViolations(t, s)
		})
	}
	t.Run("a revoked token is token_revoked", func(t *testing.T) {
		t.Parallel()
		s, c := start(t, Options{})
		mustOK(t, c.get("auth.test", nil))
		s.RevokeToken()
		wantError(t, c.get("auth.test", nil), "token_revoked")
		noViolations(t, s)
	})
	t.Run("a token as a form field is taken", func(t *testing.T) {
		t.Parallel()
		s, c := start(t, Options{})
		ch, _ := s.Channel(ChannelGeneral)
		c.token = ""
		mustOK(t, c.postForm("chat.postMessage", url.Values{"token": {DefaultBotToken}, "channel": {ch.ID}, "text": {"hi"}}))
		noViolations(t, s)
	})
}

func TestAuthTestNamesTheWorkspaceAndTheBot(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 9})
	res := mustOK(t, c.get("auth.test", nil))
	if res.doc["team_id"] != s.TeamID() || res.doc["user_id"] != s.BotUserID() || res.doc["bot_id"] != s.BotID() {
		t.Errorf("auth.test %s", res.body)
	}
	other := New(Options{Seed: 10})
	if other.TeamID() == s.TeamID() || New(Options{Seed: 9}).TeamID() != s.TeamID() {
		t.Error("the workspace id does not follow the seed")
	}
	noViolations(t, s)
}

func TestUsersListPagesThroughEveryMember(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Employees: 30})
	var ids []string
	cursor, pages := "", 0
	for {
		q := url.Values{"limit": {"10"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		res := mustOK(t, c.get("users.list", q))
		pages++
		for _, m := range res.doc["members"].([]any) {
			ids = append(ids, m.(map[string]any)["id"].(string))
		}
		cursor = res.doc["response_metadata"].(map[string]any)["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if len(ids) != 33 || pages != 4 {
		t.Errorf("%d members in %d pages; want 33 (30 people, a former employee, Slackbot, the bot) in 4", len(ids), pages)
	}
	all := mustOK(t, c.get("users.list", nil)).doc["members"].([]any)
	if len(all) != 33 {
		t.Errorf("without a limit: %d members; want all 33", len(all))
	}
	wantError(t, c.get("users.list", url.Values{"cursor": {"bm90IGEgY3Vyc29y"}}), "invalid_cursor")
	noViolations(t, s)
}

func TestTheDemoPeopleAreEveryonesDemoPeople(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Employees: 12})
	for i := range 12 {
		p := DemoPerson(i)
		u, ok := s.UserByEmail(p.Email)
		if !ok || u.Code != p.Code || u.Deleted || u.IsBot {
			t.Errorf("employee %d: %+v", i, u)
		}
	}
	if p := DemoPerson(0); p.Code != "E00001" || p.Email != "e00001@demo-company.example" {
		t.Errorf("DemoPerson(0) = %+v", p)
	}
	res := mustOK(t, c.get("users.lookupByEmail", url.Values{"email": {"E00003@DEMO-COMPANY.example"}}))
	profile := res.doc["user"].(map[string]any)["profile"].(map[string]any)
	if profile["email"] != "e00003@demo-company.example" {
		t.Errorf("lookup by an upper-case email found %v", profile["email"])
	}
	wantError(t, c.get("users.lookupByEmail", url.Values{"email": {"nobody@demo-company.example"}}), "users_not_found")
	noViolations(t, s)
}

func TestConversationsList(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	names := func(q url.Values) []string {
		t.Helper()
		var out []string
		for _, ch := range mustOK(t, c.get("conversations.list", q)).doc["channels"].([]any) {
			m := ch.(map[string]any)
			if n, ok := m["name"].(string); ok {
				out = append(out, n)
			} else {
				out = append(out, "dm:"+m["user"].(string))
			}
		}
		return out
	}
	if got := names(nil); !slices.Equal(got, []string{ChannelGeneral, ChannelRandom, ChannelBackOffice, ChannelArchived, ChannelOperations}) {
		t.Errorf("default: %v; want the public channels", got)
	}
	if got := names(url.Values{"types": {"private_channel"}}); !slices.Equal(got, []string{ChannelAccounting}) {
		t.Errorf("private: %v", got)
	}
	if got := names(url.Values{"exclude_archived": {"true"}}); slices.Contains(got, ChannelArchived) {
		t.Errorf("exclude_archived: %v", got)
	}
	u := s.Users()[2]
	mustOK(t, c.postJSON("conversations.open", map[string]any{"users": u.ID}))
	if got := names(url.Values{"types": {"im"}}); !slices.Equal(got, []string{"dm:" + u.ID}) {
		t.Errorf("im: %v", got)
	}
	page := mustOK(t, c.get("conversations.list", url.Values{"limit": {"3"}}))
	next := page.doc["response_metadata"].(map[string]any)["next_cursor"].(string)
	rest := mustOK(t, c.get("conversations.list", url.Values{"limit": {"3"}, "cursor": {next}}))
	if len(page.doc["channels"].([]any)) != 3 || len(rest.doc["channels"].([]any)) != 2 ||
		rest.doc["response_metadata"].(map[string]any)["next_cursor"] != "" {
		t.Errorf("pages %s / %s", page.body, rest.body)
	}
	noViolations(t, s)
}

func TestConversationsOpen(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	u := s.Users()[1]
	first := mustOK(t, c.postJSON("conversations.open", map[string]any{"users": u.ID}))
	again := mustOK(t, c.postForm("conversations.open", url.Values{"users": {u.ID}, "return_im": {"true"}}))
	id := first.doc["channel"].(map[string]any)["id"].(string)
	if !strings.HasPrefix(id, "D") || first.doc["already_open"] != nil {
		t.Errorf("first open %s", first.body)
	}
	full := again.doc["channel"].(map[string]any)
	if full["id"] != id || full["is_im"] != true || full["user"] != u.ID || again.doc["already_open"] != true {
		t.Errorf("second open %s; want the same DM, already open, in full", again.body)
	}
	mustOK(t, c.postJSON("conversations.open", map[string]any{"channel": id}))
	former, _ := s.UserByEmail("former.employee@demo-company.example")
	for _, tc := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"users": "U0NOBODY000"}, "user_not_found"},
		{map[string]any{"users": former.ID}, "user_disabled"},
		{map[string]any{}, "users_list_not_supplied"},
		{map[string]any{"channel": "D0NOTOPEN00"}, "channel_not_found"},
	} {
		wantError(t, c.postJSON("conversations.open", tc.body), tc.want)
	}
	noViolations(t, s)
}

func TestChatPostMessage(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	general, _ := s.Channel(ChannelGeneral)
	back, _ := s.Channel(ChannelBackOffice)
	blocks := []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "*経費*"}}}

	first := mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": general.ID, "text": "経費", "blocks": blocks}))
	ts := first.doc["ts"].(string)
	msg := first.doc["message"].(map[string]any)
	if first.doc["channel"] != general.ID || msg["bot_id"] != s.BotID() || msg["user"] != s.BotUserID() || msg["blocks"] == nil {
		t.Errorf("post %s", first.body)
	}
	reply := mustOK(t, c.postForm("chat.postMessage", url.Values{"channel": {"#" + ChannelGeneral}, "text": {"返信"}, "thread_ts": {ts},
		"blocks": {`[{"type":"divider"}]`}}))
	replyTS := reply.doc["ts"].(string)
	mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": back.ID, "text": "返信の返信", "thread_ts": replyTS}))
	mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": back.ID, "text": "別件"}))
	msgs := s.Messages(general.ID)
	if len(msgs) != 2 || msgs[0].TS != ts || msgs[1].ThreadTS != ts || string(msgs[1].Blocks) != `[{"type":"divider"}]` || !(replyTS > ts) {
		t.Errorf("general %+v", msgs)
	}

	u := s.Users()[4]
	dm := mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": u.ID, "text": "DM"}))
	ch, ok := s.DirectMessage(u.ID)
	if !ok || dm.doc["channel"] != ch.ID || len(s.Messages(ch.ID)) != 1 {
		t.Errorf("a post to a user id went to %v; DM %+v %v", dm.doc["channel"], ch, ok)
	}

	random, _ := s.Channel(ChannelRandom)
	archived, _ := s.Channel(ChannelArchived)
	manyBlocks := make([]any, 51)
	for i := range manyBlocks {
		manyBlocks[i] = map[string]any{"type": "divider"}
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"a channel the bot is not in", map[string]any{"channel": random.ID, "text": "x"}, "not_in_channel"},
		{"an archived channel", map[string]any{"channel": archived.ID, "text": "x"}, "is_archived"},
		{"an unknown channel", map[string]any{"channel": "C0NOWHERE00", "text": "x"}, "channel_not_found"},
		{"a deactivated member", map[string]any{"channel": s.Users()[len(s.Users())-3].ID, "text": "x"}, "channel_not_found"},
		{"nothing to say", map[string]any{"channel": general.ID}, "no_text"},
		{"too long", map[string]any{"channel": general.ID, "text": strings.Repeat("あ", 40001)}, "msg_too_long"},
		{"a block without a type", map[string]any{"channel": general.ID, "text": "x", "blocks": []any{map[string]any{"text": "x"}}}, "invalid_blocks"},
		{"too many blocks", map[string]any{"channel": general.ID, "text": "x", "blocks": manyBlocks}, "invalid_blocks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, c.postJSON("chat.postMessage", tc.body), tc.want)
		})
	}
	if n := len(s.Messages(general.ID)); n != 2 {
		t.Errorf("%d messages in #general after refused posts; want 2", n)
	}
	noViolations(t, s)
}

func TestMethodsNotServed(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	res := c.get("no.suchMethod", nil)
	if res.status != http.StatusNotFound || res.errCode() != "unknown_method" {
		t.Errorf("unknown method: %d %s", res.status, res.body)
	}
	general, _ := s.Channel(ChannelGeneral)
	wantError(t, c.get("conversations.info", url.Values{"channel": {general.ID}}), "not_implemented")
	if n := s.Requests()["conversations.info"]; n != 1 {
		t.Errorf("conversations.info counted %d times", n)
	}
	noViolations(t, s)
}

func TestOnRequestSeesEveryCall(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	s, c := start(t, Options{OnRequest: func(m string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, m)
	}})
	c.get("auth.test", nil)
	c.get("users.list", url.Values{"limit": {"1"}})
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(seen) != "[auth.test users.list]" {
		t.Errorf("seen %v", seen)
	}
	noViolations(t, s)
}
