package chatworktest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/urakata/urakata/connectors/freee/freeetest"
)

func TestTheOrganisationIsTheDemoCompanysPeople(t *testing.T) {
	t.Parallel()
	for _, head := range []int{1, 20, 95} {
		t.Run(fmt.Sprintf("%d employees", head), func(t *testing.T) {
			t.Parallel()
			s := New(Options{Seed: 11, Employees: head})
			want := freeetest.New(freeetest.Options{Seed: 11, Employees: head, RateLimit: freeetest.NoRateLimit}).Employees()
			got := s.Accounts()
			if len(got) != head {
				t.Fatalf("%d accounts; want %d", len(got), head)
			}
			ids := map[int64]bool{}
			for i, a := range got {
				e := want[i]
				if a.Code != e.Num || a.Email != e.Email || a.Name != e.DisplayName || a.Department != e.Department.Name {
					t.Errorf("account %d = %+v; want freeetest's %s %s", i, a, e.Num, e.Email)
				}
				if ids[a.AccountID] || a.AccountID == BotAccountID {
					t.Errorf("account id %d repeats", a.AccountID)
				}
				ids[a.AccountID] = true
				if contact := i%10 != 9; contact != (a.DirectRoomID != 0) {
					t.Errorf("account %d: direct room %d; every tenth person is not a contact", i, a.DirectRoomID)
				}
			}
			if a, ok := s.AccountByCode("E00001"); !ok || a.AccountID != got[0].AccountID {
				t.Errorf("AccountByCode(E00001) = %+v, %v", a, ok)
			}
		})
	}
}

func TestMe(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	a := do(t, s, request{path: "/me"})
	var me meJSON
	a.decode(t, &me)
	if a.status != 200 || me.AccountID != BotAccountID || me.RoomID != MyRoomID || me.Mail != BotMail || me.OrganizationName != "デモ株式会社" {
		t.Errorf("%d %+v", a.status, me)
	}
}

func TestRoomsAndMembers(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	var rooms []roomJSON
	a := do(t, s, request{path: "/rooms"})
	a.decode(t, &rooms)
	byID := map[int64]roomJSON{}
	for _, r := range rooms {
		byID[r.RoomID] = r
	}
	accounts := s.Accounts()
	contacts := 0
	for _, acc := range accounts {
		if acc.DirectRoomID != 0 {
			contacts++
			if r := byID[acc.DirectRoomID]; r.Type != "direct" || r.Name != acc.Name {
				t.Errorf("direct room of %s = %+v", acc.Code, r)
			}
		}
	}
	if byID[MyRoomID].Type != "my" || byID[AllHandsRoomID].Role != "admin" || byID[ReadOnlyRoomID].Role != "readonly" {
		t.Errorf("rooms = %+v", rooms)
	}
	depts := 0
	for _, r := range rooms {
		if r.Type == "group" && r.RoomID >= firstDepartmentRoom && r.RoomID < firstDirectRoom {
			depts++
		}
	}
	if len(rooms) != 3+depts+contacts || depts == 0 {
		t.Errorf("%d rooms: 3 fixed, %d departments, %d direct", len(rooms), depts, contacts)
	}

	var room roomJSON
	a = do(t, s, request{path: "/rooms/" + strconv.FormatInt(AllHandsRoomID, 10)})
	a.decode(t, &room)
	if room.Description == nil || *room.Description != "全社員へのお知らせ" {
		t.Errorf("room = %+v", room)
	}

	var members []memberJSON
	a = do(t, s, request{path: fmt.Sprintf("/rooms/%d/members", AllHandsRoomID)})
	a.decode(t, &members)
	if len(members) != len(accounts)+1 || members[0].AccountID != BotAccountID || members[0].Role != "admin" ||
		members[1].AccountID != accounts[0].AccountID || members[1].Name != accounts[0].Name {
		t.Errorf("%d members, first %+v", len(members), members[:2])
	}
	if a := do(t, s, request{path: "/rooms/42/members"}); a.status != http.StatusNotFound {
		t.Errorf("members of a room that does not exist: %d", a.status)
	}
}

func TestContacts(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	var contacts []contactJSON
	do(t, s, request{path: "/contacts"}).decode(t, &contacts)
	for _, c := range contacts {
		acc, ok := s.org.byID[c.AccountID]
		if !ok || acc.DirectRoomID != c.RoomID {
			t.Errorf("contact %+v", c)
		}
	}
	if len(contacts) != 18 {
		t.Errorf("%d contacts of 20 people; want all but every tenth", len(contacts))
	}
}

func TestMessagesAreStatefulPerToken(t *testing.T) {
	t.Parallel()
	s := start(t, Options{Tokens: []string{"bot-a", "bot-b"}})
	room := fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID)
	if a := do(t, s, request{path: room, token: "bot-a"}); a.status != http.StatusNoContent || len(a.body) != 0 {
		t.Fatalf("an empty room: %d %q; want 204 with no body", a.status, a.body)
	}
	var posted struct {
		MessageID string `json:"message_id"`
	}
	do(t, s, request{method: http.MethodPost, path: room, token: "bot-a", form: url.Values{"body": {"一通目"}}}).decode(t, &posted)
	if _, _, err := s.Say(t.Context(), s.Accounts()[0].AccountID, AllHandsRoomID, "二通目"); err != nil {
		t.Fatal(err)
	}

	var msgs []messageJSON
	do(t, s, request{path: room, token: "bot-a"}).decode(t, &msgs)
	if len(msgs) != 2 || msgs[0].MessageID != posted.MessageID || msgs[0].Account.AccountID != BotAccountID ||
		msgs[1].Body != "二通目" || msgs[1].Account.Name != s.Accounts()[0].Name {
		t.Fatalf("first fetch = %+v", msgs)
	}
	if a := do(t, s, request{path: room, token: "bot-a"}); a.status != http.StatusNoContent {
		t.Errorf("a second fetch by the same token: %d; want 204, nothing new", a.status)
	}
	do(t, s, request{path: room, token: "bot-b"}).decode(t, &msgs)
	if len(msgs) != 2 {
		t.Errorf("another token still has %d unfetched; want 2", len(msgs))
	}
	do(t, s, request{path: room, token: "bot-a", query: url.Values{"force": {"1"}}}).decode(t, &msgs)
	if len(msgs) != 2 {
		t.Errorf("force=1 returns %d; want the latest 2", len(msgs))
	}
	if a := do(t, s, request{path: room, token: "bot-a", query: url.Values{"force": {"0"}}}); a.status != http.StatusNoContent {
		t.Errorf("force=0 after force=1: %d; force does not move the token back", a.status)
	}

	var one messageJSON
	do(t, s, request{path: room + "/" + posted.MessageID, token: "bot-b"}).decode(t, &one)
	if one.Body != "一通目" {
		t.Errorf("GET one message = %+v", one)
	}
	if a := do(t, s, request{path: fmt.Sprintf("/rooms/%d/messages/%s", MyRoomID, posted.MessageID), token: "bot-b"}); a.status != http.StatusNotFound {
		t.Errorf("a message asked for in another room: %d; want 404", a.status)
	}
}

func TestOnlyTheLatestHundredUnfetchedMessagesComeBack(t *testing.T) {
	t.Parallel()
	s := start(t, Options{RateLimit: NoRateLimit})
	from := s.Accounts()[0].AccountID
	for i := range 130 {
		if _, _, err := s.Say(t.Context(), from, AllHandsRoomID, "msg "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	var msgs []messageJSON
	do(t, s, request{path: fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID)}).decode(t, &msgs)
	if len(msgs) != 100 || msgs[0].Body != "msg 30" || msgs[99].Body != "msg 129" {
		t.Errorf("%d messages from %q; want the latest 100, oldest first", len(msgs), msgs[0].Body)
	}
}

func TestPostMessage(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	var posted struct {
		MessageID string `json:"message_id"`
	}
	a := do(t, s, request{method: http.MethodPost, path: fmt.Sprintf("/rooms/%d/messages", AllHandsRoomID),
		form: url.Values{"body": {"[info]経費精算[/info]"}, "self_unread": {"1"}}})
	a.decode(t, &posted)
	got := s.Posted()
	if a.status != 200 || len(got) != 1 || got[0].ID != posted.MessageID || got[0].Body != "[info]経費精算[/info]" ||
		!got[0].SelfUnread || got[0].RoomID != AllHandsRoomID {
		t.Errorf("%d %s; posted %+v", a.status, a.body, got)
	}
	a = do(t, s, request{method: http.MethodPost, path: fmt.Sprintf("/rooms/%d/messages", ReadOnlyRoomID), form: url.Values{"body": {"x"}}})
	if a.status != http.StatusForbidden {
		t.Errorf("a post to a read-only room: %d; want 403", a.status)
	}
	a = do(t, s, request{method: http.MethodPost, path: "/rooms/42/messages", form: url.Values{"body": {"x"}}})
	if a.status != http.StatusNotFound || len(s.Posted()) != 1 {
		t.Errorf("a post to a room that does not exist: %d", a.status)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	for _, token := range []string{"-", "wrong"} {
		a := do(t, s, request{path: "/me", token: token})
		var e struct{ Errors []string }
		a.decode(t, &e)
		if a.status != 401 || !slices.Equal(e.Errors, []string{"Invalid API token"}) || a.header.Get("X-RateLimit-Limit") != "" {
			t.Errorf("token %q: %d %+v %v", token, a.status, e, a.header)
		}
	}
	s.RevokeToken(DefaultToken)
	if a := do(t, s, request{path: "/me"}); a.status != 401 {
		t.Errorf("a revoked token: %d", a.status)
	}
}

func TestUnknownPathsAre404(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	if a := do(t, s, request{path: "/my/tasks"}); a.status != http.StatusNotFound {
		t.Errorf("%d", a.status)
	}
}
