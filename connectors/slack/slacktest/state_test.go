package slacktest

import (
	"bytes"
	"strings"
	"testing"
)

func TestStateCarriesMessagesAndDirectMessagesAcrossRuns(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{Seed: 4})
	general, _ := s.Channel(ChannelGeneral)
	u := s.Users()[2]
	first := mustOK(t, c.postJSON("chat.postMessage", map[string]any{"channel": general.ID, "text": "一回目"}))
	mustOK(t, c.postJSON("conversations.open", map[string]any{"users": u.ID}))
	var buf bytes.Buffer
	if err := s.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.String()

	next, c2 := start(t, Options{Seed: 4})
	if err := next.LoadState(strings.NewReader(saved)); err != nil {
		t.Fatal(err)
	}
	dm, ok := next.DirectMessage(u.ID)
	if msgs := next.Messages(general.ID); len(msgs) != 1 || msgs[0].Text != "一回目" || !ok {
		t.Fatalf("after loading: messages %+v, DM %v", msgs, ok)
	}
	again := mustOK(t, c2.postJSON("conversations.open", map[string]any{"users": u.ID}))
	if again.doc["already_open"] != true || again.doc["channel"].(map[string]any)["id"] != dm.ID {
		t.Errorf("reopening after a restart: %s", again.body)
	}
	second := mustOK(t, c2.postJSON("chat.postMessage", map[string]any{"channel": general.ID, "text": "二回目"}))
	if !(second.doc["ts"].(string) > first.doc["ts"].(string)) {
		t.Errorf("ts went back: %v then %v", first.doc["ts"], second.doc["ts"])
	}
	noViolations(t, next)

	for _, tc := range []struct {
		name, state string
	}{
		{"another seed's workspace", strings.Replace(saved, `"team_id":"`+s.TeamID(), `"team_id":"T0OTHER0000`, 1)},
		{"another version", strings.Replace(saved, `"version":1`, `"version":9`, 1)},
		{"no JSON", "{"},
	} {
		if err := New(Options{Seed: 4}).LoadState(strings.NewReader(tc.state)); err == nil {
			t.Errorf("%s loaded", tc.name)
		}
	}
}

func TestARevokedTokenStaysRevoked(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.RevokeToken()
	var buf bytes.Buffer
	if err := s.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	next, c := start(t, Options{})
	if err := next.LoadState(&buf); err != nil {
		t.Fatal(err)
	}
	wantError(t, c.get("auth.test", nil), "token_revoked")
}
