package chatworktest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestStateSurvivesARestart(t *testing.T) {
	t.Parallel()
	first := start(t, Options{Tokens: []string{"a", "old"}})
	room := fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID)
	do(t, first, request{method: http.MethodPost, path: room, token: "a", form: url.Values{"body": {"一"}, "self_unread": {"1"}}})
	if _, _, err := first.Say(t.Context(), first.Accounts()[1].AccountID, AllHandsRoomID, "二"); err != nil {
		t.Fatal(err)
	}
	do(t, first, request{path: room, token: "a"}) // token a has now fetched both
	first.RevokeToken("old")
	var saved bytes.Buffer
	if err := first.SaveState(&saved); err != nil {
		t.Fatal(err)
	}

	second := start(t, Options{Tokens: []string{"a", "old"}})
	if err := second.LoadState(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	got := second.Messages(AllHandsRoomID)
	if len(got) != 2 || got[0].Body != "一" || !got[0].SelfUnread || got[1].Body != "二" || got[1].AccountID != first.Accounts()[1].AccountID {
		t.Fatalf("messages after loading = %+v", got)
	}
	if a := do(t, second, request{path: room, token: "a"}); a.status != http.StatusNoContent {
		t.Errorf("token a fetched everything before the restart; now %d", a.status)
	}
	if a := do(t, second, request{path: "/me", token: "old"}); a.status != http.StatusUnauthorized {
		t.Errorf("a token revoked before the restart: %d", a.status)
	}
	var posted struct {
		MessageID string `json:"message_id"`
	}
	do(t, second, request{method: http.MethodPost, path: room, token: "a", form: url.Values{"body": {"三"}}}).decode(t, &posted)
	if posted.MessageID <= got[1].ID {
		t.Errorf("a new message id %s after %s; ids keep growing across restarts", posted.MessageID, got[1].ID)
	}
}

func TestLoadStateRefusesAnotherCompany(t *testing.T) {
	t.Parallel()
	var saved bytes.Buffer
	if err := New(Options{Seed: 1, Employees: 5}).SaveState(&saved); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*Server{
		"another seed":       New(Options{Seed: 2, Employees: 5}),
		"another head count": New(Options{Seed: 1, Employees: 6}),
	} {
		if err := s.LoadState(bytes.NewReader(saved.Bytes())); err == nil || !strings.Contains(err.Error(), "seed") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	s := New(Options{Seed: 1, Employees: 5})
	for name, text := range map[string]string{
		"not JSON":          `{`,
		"another version":   `{"version":9,"seed":1,"employees":5}`,
		"an unknown room":   `{"version":1,"seed":1,"employees":5,"messages":[{"id":"1500000000000000001","room_id":42,"account_id":1,"body":"x","send_time":1}]}`,
		"a foreign message": `{"version":1,"seed":1,"employees":5,"messages":[{"id":"abc","room_id":300000010,"account_id":1,"body":"x","send_time":1}]}`,
	} {
		if err := s.LoadState(strings.NewReader(text)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
