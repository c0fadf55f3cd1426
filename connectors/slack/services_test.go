package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/secrets"
)

func TestAuthTest(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/auth.test", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testHeader(t, r, "Accept", "application/json")
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "url": "https://demo.slack.com/", "team": "Demo",
			"user": "urakata", "team_id": "T0123456789", "user_id": "U0123456789", "bot_id": "B0123456789"})
	})
	id, _, err := client.Auth.Test(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &Identity{URL: "https://demo.slack.com/", Team: "Demo", TeamID: "T0123456789", User: "urakata", UserID: "U0123456789", BotID: "B0123456789"}
	if !reflect.DeepEqual(id, want) {
		t.Errorf("identity = %+v; want %+v", id, want)
	}
}

func TestUsersListPagesByCursor(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	pages := map[string]struct {
		ids  []string
		next string
	}{
		"":             {[]string{"U01", "U02"}, "dXNlcjpVMDM="},
		"dXNlcjpVMDM=": {[]string{"U03"}, ""},
	}
	calls := 0
	mux.HandleFunc("/users.list", func(w http.ResponseWriter, r *http.Request) {
		calls++
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		cur := r.URL.Query().Get("cursor")
		want := url.Values{"limit": {"2"}}
		if cur != "" {
			want.Set("cursor", cur)
		}
		testQuery(t, r, want)
		p := pages[cur]
		var members []any
		for _, id := range p.ids {
			members = append(members, map[string]any{"id": id, "name": "n" + id, "profile": map[string]any{"email": id + "@example.com"}})
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "members": members, "cache_ts": 1, "response_metadata": map[string]any{"next_cursor": p.next}})
	})
	var got []string
	for u, err := range client.Users.ListIter(t.Context(), &ListOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, u.ID+" "+u.Profile.Email)
	}
	want := []string{"U01 U01@example.com", "U02 U02@example.com", "U03 U03@example.com"}
	if !reflect.DeepEqual(got, want) || calls != 2 {
		t.Errorf("users %v in %d calls; want %v in 2", got, calls, want)
	}
}

func TestUsersListAsksForSlacksRecommendedPageByDefault(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/users.list", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"limit": {fmt.Sprint(PageLimit)}})
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "members": []any{}, "cache_ts": 1})
	})
	_, resp, err := client.Users.List(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.NextCursor != "" {
		t.Errorf("next cursor %q on a response without response_metadata", resp.NextCursor)
	}
}

func TestAnIteratorStopsOnAnErrorAndYieldsIt(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/users.list", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "" {
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "members": []any{map[string]any{"id": "U01"}}, "cache_ts": 1,
				"response_metadata": map[string]any{"next_cursor": "next"}})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_cursor"})
	})
	var ids []string
	var last error
	for u, err := range client.Users.ListIter(t.Context(), nil) {
		if err != nil {
			last = err
			continue
		}
		ids = append(ids, u.ID)
	}
	if len(ids) != 1 || ErrorCode(last) != "invalid_cursor" {
		t.Errorf("ids %v, err %v; want U01 then invalid_cursor", ids, last)
	}
}

func TestAnIteratorStopsWhenTheCallerDoes(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	calls := 0
	mux.HandleFunc("/users.list", func(w http.ResponseWriter, r *http.Request) {
		calls++
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "members": []any{map[string]any{"id": "U01"}, map[string]any{"id": "U02"}}, "cache_ts": 1,
			"response_metadata": map[string]any{"next_cursor": "more"}})
	})
	for range client.Users.ListIter(t.Context(), nil) {
		break
	}
	if calls != 1 {
		t.Errorf("%d calls; want 1: the next page was fetched though nobody wanted it", calls)
	}
}

func TestAnIteratorStopsWhenSlackRepeatsTheCursor(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	calls := 0
	mux.HandleFunc("/users.list", func(w http.ResponseWriter, r *http.Request) {
		calls++
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "members": []any{map[string]any{"id": "U01"}}, "cache_ts": 1,
			"response_metadata": map[string]any{"next_cursor": "same"}})
	})
	n := 0
	for _, err := range client.Users.ListIter(t.Context(), &ListOptions{Cursor: "same"}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if calls != 1 || n != 1 {
		t.Errorf("%d calls, %d users; a repeated cursor must end the walk", calls, n)
	}
}

func TestLookupByEmail(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/users.lookupByEmail", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"email": {"e00001@demo-company.example"}})
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": map[string]any{"id": "U01", "deleted": false,
			"profile": map[string]any{"email": "e00001@demo-company.example", "real_name": "Shota Sato"}}})
	})
	u, _, err := client.Users.LookupByEmail(t.Context(), "e00001@demo-company.example")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "U01" || u.Profile.RealName != "Shota Sato" || !u.IsPerson() {
		t.Errorf("user %+v", u)
	}
}

func TestLookupByEmailKeepsTheEmailOutOfItsError(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/users.lookupByEmail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "users_not_found"})
	})
	_, _, err := client.Users.LookupByEmail(t.Context(), "secret.person@demo-company.example")
	if ErrorCode(err) != "users_not_found" {
		t.Fatalf("err = %v; want users_not_found", err)
	}
	if strings.Contains(err.Error(), "secret.person") {
		t.Errorf("the error %q holds the email", err)
	}
}

func TestIsPerson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		u    User
		want bool
	}{
		{"an active member is a person", User{ID: "U01"}, true},
		{"a deactivated member is not", User{ID: "U01", Deleted: true}, false},
		{"a bot user is not", User{ID: "U01", IsBot: true}, false},
		{"an app user is not", User{ID: "U01", IsAppUser: true}, false},
		{"Slackbot, which Slack marks neither bot nor app, is not", User{ID: "USLACKBOT"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.u.IsPerson(); got != tc.want {
				t.Errorf("IsPerson = %v; want %v", got, tc.want)
			}
		})
	}
}

func TestConversationsList(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/conversations.list", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		want := url.Values{"types": {"public_channel,private_channel"}, "exclude_archived": {"true"}, "limit": {"200"}}
		if cur := r.URL.Query().Get("cursor"); cur != "" {
			want.Set("cursor", cur)
			testQuery(t, r, want)
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channels": []any{map[string]any{"id": "G0123456789", "name": "accounting", "is_private": true}},
				"response_metadata": map[string]any{"next_cursor": ""}})
			return
		}
		testQuery(t, r, want)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channels": []any{map[string]any{"id": "C0123456789", "name": "general", "is_channel": true, "is_member": true}},
			"response_metadata": map[string]any{"next_cursor": "Y2hhbm5lbDpHMDEyMzQ1Njc4OQ=="}})
	})
	var got []Conversation
	for c, err := range client.Conversations.ListIter(t.Context(), ConversationsListOptions{Types: []string{PublicChannel, PrivateChannel}, ExcludeArchived: true}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	want := []Conversation{{ID: "C0123456789", Name: "general", IsChannel: true, IsMember: true}, {ID: "G0123456789", Name: "accounting", IsPrivate: true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("conversations %+v; want %+v", got, want)
	}
}

func TestConversationsOpen(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/conversations.open", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testAuthorized(t, r)
		if body := testJSONBody(t, r); !reflect.DeepEqual(body, map[string]any{"users": "U01"}) {
			t.Errorf("body %v", body)
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": map[string]any{"id": "D0123456789"}, "already_open": true})
	})
	c, _, err := client.Conversations.Open(t.Context(), "U01")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "D0123456789" {
		t.Errorf("channel %q", c.ID)
	}
	if _, _, err := client.Conversations.Open(t.Context()); err == nil {
		t.Error("opening a conversation with nobody passed")
	}
}

func TestPostMessage(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testAuthorized(t, r)
		body := testJSONBody(t, r)
		want := map[string]any{"channel": "C0123456789", "text": "精算しました", "thread_ts": "1700000000.000100",
			"blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "*精算*"}}}}
		if !reflect.DeepEqual(body, want) {
			t.Errorf("body %v; want %v", body, want)
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": "C0123456789", "ts": "1700000001.000200",
			"message": map[string]any{"type": "message", "text": "精算しました", "ts": "1700000001.000200", "bot_id": "B0123456789", "thread_ts": "1700000000.000100"}})
	})
	posted, _, err := client.Chat.PostMessage(t.Context(), &PostMessageOptions{
		Channel: "C0123456789", Text: "精算しました", ThreadTS: "1700000000.000100",
		Blocks: json.RawMessage(`[{"type":"section","text":{"type":"mrkdwn","text":"*精算*"}}]`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if posted.Channel != "C0123456789" || posted.TS != "1700000001.000200" || posted.Message.ThreadTS != "1700000000.000100" {
		t.Errorf("posted %+v", posted)
	}
}

func TestPostMessageNeedsAChannel(t *testing.T) {
	t.Parallel()
	client, _ := setup(t)
	for _, m := range []*PostMessageOptions{nil, {Text: "x"}} {
		if _, _, err := client.Chat.PostMessage(t.Context(), m); err == nil {
			t.Errorf("PostMessage(%+v) passed", m)
		}
	}
}

func TestARequestBuiltWithAMalformedPathFails(t *testing.T) {
	t.Parallel()
	client, _ := setup(t)
	if _, err := client.NewRequest(http.MethodGet, "%zz", nil); err == nil {
		t.Error("a malformed path built a request")
	}
	if _, err := client.NewRequest(http.MethodPost, "chat.postMessage", func() {}); err == nil {
		t.Error("a body that is not JSON built a request")
	}
}

func TestNewClientRefusesABaseURLThatIsNotAbsolute(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"slack.com/api", "/api", "::"} {
		if _, err := NewClient(u, testSecret()); err == nil {
			t.Errorf("NewClient(%q) passed", u)
		}
	}
	c, err := NewClient("", testSecret())
	if err != nil || c.BaseURL.String() != DefaultBaseURL+"/" {
		t.Errorf("default base URL = %v, %v", c.BaseURL, err)
	}
}

func testSecret() secrets.Secret { return secrets.New(testToken) }
