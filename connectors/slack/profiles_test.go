package slack

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/fault"
)

func TestUsersInfo(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/users.info", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"user": {"U0000000001"}})
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": map[string]any{"id": "U0000000001", "is_restricted": true,
			"profile": map[string]any{"email": "e00001@demo-company.example"}}})
	})
	u, _, err := client.Users.Info(t.Context(), "U0000000001")
	if err != nil || u.ID != "U0000000001" || u.Profile.Email != "e00001@demo-company.example" || !u.IsRestricted {
		t.Fatalf("Info = %+v, %v", u, err)
	}
	if _, _, err := client.Users.Info(t.Context(), ""); err == nil {
		t.Error("an empty user id made no error")
	}
}

// profilesOn serves users.info from members by id, counting the calls; scopes, when not
// empty, is the X-OAuth-Scopes header of every answer.
func profilesOn(t *testing.T, members map[string]map[string]any, scopes string) (*Slack, *atomic.Int32) {
	t.Helper()
	return profilesFrom(t, func(id string) (map[string]any, bool) { u, ok := members[id]; return u, ok }, scopes)
}

// profilesFrom is profilesOn with members looked up by member.
func profilesFrom(t *testing.T, member func(id string) (map[string]any, bool), scopes string) (*Slack, *atomic.Int32) {
	t.Helper()
	s, mux := connectorOn(t)
	var calls atomic.Int32
	mux.HandleFunc("/users.info", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if scopes != "" {
			w.Header().Set("X-OAuth-Scopes", scopes)
		}
		id := r.URL.Query().Get("user")
		u, ok := member(id)
		switch {
		case id == "UHIDDEN":
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "user_not_visible"})
		case !ok:
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "user_not_found"})
		default:
			writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": u})
		}
	})
	return s, &calls
}

func TestEmailOf(t *testing.T) {
	t.Parallel()
	members := map[string]map[string]any{
		"U0000000001": {"id": "U0000000001", "profile": map[string]any{"email": "e00001@demo-company.example"}},
		"U0000000002": {"id": "U0000000002", "deleted": true, "profile": map[string]any{"email": "former@demo-company.example"}},
		"U0000000003": {"id": "U0000000003", "is_bot": true, "profile": map[string]any{}},
		"U0000000004": {"id": "U0000000004", "profile": map[string]any{"email": ""}},
		"USLACKBOT":   {"id": "USLACKBOT", "profile": map[string]any{}},
	}
	s, calls := profilesOn(t, members, "chat:write,users:read,users:read.email")
	for _, tc := range []struct {
		name, user, email string
		ok                bool
	}{
		{"a member's email is read from their profile", "U0000000001", "e00001@demo-company.example", true},
		{"a deactivated member is not anyone's", "U0000000002", "", false},
		{"a bot is no person", "U0000000003", "", false},
		{"Slackbot is no person", "USLACKBOT", "", false},
		{"a profile without an email says nothing", "U0000000004", "", false},
		{"an id Slack does not have is not an error", "UNOSUCHUSER", "", false},
		{"an id Slack does not show the app is not an error", "UHIDDEN", "", false},
		{"no id is no call", " ", "", false},
	} {
		email, ok, err := s.EmailOf(t.Context(), tc.user)
		if err != nil || email != tc.email || ok != tc.ok {
			t.Errorf("%s: %q %v %v; want %q %v", tc.name, email, ok, err, tc.email, tc.ok)
		}
	}
	if calls.Load() != 7 {
		t.Errorf("%d calls; want one per id asked about", calls.Load())
	}
	// Answers are kept; misses are asked again.
	if email, ok, err := s.EmailOf(t.Context(), "U0000000001"); err != nil || !ok || email != "e00001@demo-company.example" {
		t.Errorf("again: %q %v %v", email, ok, err)
	}
	if _, ok, _ := s.EmailOf(t.Context(), "U0000000004"); ok || calls.Load() != 8 {
		t.Errorf("%d calls after asking again about a member found and one not; want only the miss asked again", calls.Load())
	}
}

func TestEmailOfIsReadAgainAfterItsTime(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	email := "old@demo-company.example"
	s, calls := profilesFrom(t, func(id string) (map[string]any, bool) {
		mu.Lock()
		defer mu.Unlock()
		return map[string]any{"id": id, "profile": map[string]any{"email": email}}, true
	}, "")
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	s.emails.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	if email, _, _ := s.EmailOf(t.Context(), "U0000000001"); email != "old@demo-company.example" {
		t.Fatalf("email %q", email)
	}
	mu.Lock()
	email = "new@demo-company.example"
	now = now.Add(emailTTL - time.Second)
	mu.Unlock()
	if email, _, _ := s.EmailOf(t.Context(), "U0000000001"); email != "old@demo-company.example" || calls.Load() != 1 {
		t.Errorf("within its time: %q after %d calls; want the kept answer", email, calls.Load())
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	if email, _, _ := s.EmailOf(t.Context(), "U0000000001"); email != "new@demo-company.example" || calls.Load() != 2 {
		t.Errorf("after its time: %q after %d calls; want the changed email, read again", email, calls.Load())
	}
}

func TestEmailOfWithoutTheEmailScopeSaysWhichScope(t *testing.T) {
	t.Parallel()
	members := map[string]map[string]any{"U0000000001": {"id": "U0000000001", "profile": map[string]any{"real_name": "Shota Sato"}}}
	s, _ := profilesOn(t, members, "chat:write,users:read")
	_, ok, err := s.EmailOf(t.Context(), "U0000000001")
	if ok || !fault.IsPermanent(err) || !strings.Contains(err.Error(), "users:read.email") {
		t.Errorf("ok %v err %v; want Permanent naming users:read.email", ok, err)
	}
}

func TestEmailOfErrorsAreTypedAndKeepTheEmailOut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code string
		kind fault.Kind
	}{
		{"invalid_auth", fault.KindPermanent},
		{"missing_scope", fault.KindPermanent},
		{"ratelimited", fault.KindRateLimited},
		{"internal_error", fault.KindTransient},
	} {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			s, mux := connectorOn(t)
			mux.HandleFunc("/users.info", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": tc.code, "needed": "users:read"})
			})
			_, ok, err := s.EmailOf(t.Context(), "U0000000001")
			if ok || err == nil || fault.Classify(err) != tc.kind || !strings.Contains(err.Error(), "U0000000001") {
				t.Errorf("ok %v err %v; want a %v error naming the user id", ok, err, tc.kind)
			}
		})
	}
}

func TestSandboxEmailOfIsWhatTheProfileSays(t *testing.T) {
	t.Parallel()
	people := []slacktest.Person{slacktest.DemoPerson(0), slacktest.DemoPerson(1), {Code: "E00003"}}
	srv, s := onSandbox(t, slacktest.Options{People: people})
	for _, u := range srv.Users() {
		email, ok, err := s.EmailOf(t.Context(), u.ID)
		person := !u.IsBot && !u.Deleted && u.ID != "USLACKBOT" && u.Email != ""
		if err != nil || ok != person || (ok && email != u.Email) {
			t.Errorf("%s (%s): %q %v %v; want %q %v", u.ID, u.Name, email, ok, err, u.Email, person)
		}
	}
	if _, ok, err := s.EmailOf(t.Context(), "UNOSUCHUSER"); ok || err != nil {
		t.Errorf("an unknown id: %v %v; want not found without an error", ok, err)
	}
	if n := srv.Requests()["users.info"]; n != len(srv.Users())+1 {
		t.Errorf("%d users.info calls for %d questions", n, len(srv.Users())+1)
	}
}

func TestSandboxEmailOfFailsAsSlackDoes(t *testing.T) {
	t.Parallel()
	t.Run("a token without users:read.email", func(t *testing.T) {
		t.Parallel()
		srv, s := onSandbox(t, slacktest.Options{Employees: 2, Scopes: []string{"chat:write", "users:read"}})
		_, ok, err := s.EmailOf(t.Context(), srv.Users()[0].ID)
		if ok || !fault.IsPermanent(err) || !strings.Contains(err.Error(), "users:read.email") {
			t.Errorf("ok %v err %v; want Permanent naming the scope", ok, err)
		}
	})
	t.Run("a revoked token asks to reconnect", func(t *testing.T) {
		t.Parallel()
		srv, s := onSandbox(t, slacktest.Options{Employees: 2})
		srv.RevokeToken()
		_, _, err := s.EmailOf(t.Context(), srv.Users()[0].ID)
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "reconnect") {
			t.Errorf("err %v; want Permanent asking to reconnect", err)
		}
	})
	t.Run("a 429 is a rate limit", func(t *testing.T) {
		t.Parallel()
		srv, s := onSandbox(t, slacktest.Options{Employees: 2})
		srv.Fail(slacktest.FaultRateLimited, 10, "users.info")
		_, _, err := s.EmailOf(t.Context(), srv.Users()[0].ID)
		var rl *fault.RateLimitedError
		if !errors.As(err, &rl) {
			t.Errorf("err %v; want RateLimited", err)
		}
	})
	t.Run("Slack's own failure is transient", func(t *testing.T) {
		t.Parallel()
		srv, s := onSandbox(t, slacktest.Options{Employees: 2})
		srv.FailWithError("internal_error", 10, "users.info")
		_, _, err := s.EmailOf(t.Context(), srv.Users()[0].ID)
		if err == nil || fault.Classify(err) != fault.KindTransient {
			t.Errorf("err %v; want transient", err)
		}
	})
}
