package slack

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// onSandbox starts a sandbox and returns a connection to it, built by the connector's own
// constructor, whose client backs off in milliseconds and returns throttles at once.
func onSandbox(t *testing.T, opts slacktest.Options) (*slacktest.Server, *Slack) {
	t.Helper()
	srv := slacktest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	s := connect(t, srv, slacktest.DefaultBotToken)
	t.Cleanup(func() {
		for _, v := range srv.Violations() {
			t.Errorf("violation: %s", v)
		}
	})
	return srv, s
}

func connect(t *testing.T, srv *slacktest.Server, token string) *Slack {
	t.Helper()
	v, err := Connector.New(t.Context(), envFor(srv, token))
	if err != nil {
		t.Fatal(err)
	}
	s := v.(*Slack)
	client, err := NewClient(srv.BaseURL(), secrets.New(token), WithPolicy(noThrottleSleep), WithConnection("chat"))
	if err != nil {
		t.Fatal(err)
	}
	client.pacer = newChannelPacer(time.Millisecond)
	s.Client = client
	return s
}

func TestSandboxUsersArePagedByCursorAndCarryTheDemoEmails(t *testing.T) {
	t.Parallel()
	srv, s := onSandbox(t, slacktest.Options{Seed: 3, Employees: 25})
	var emails []string
	n := 0
	for u, err := range s.Client.Users.ListIter(t.Context(), &ListOptions{Limit: 7}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if u.IsPerson() {
			emails = append(emails, u.Profile.Email)
		}
	}
	if n != len(srv.Users()) || len(emails) != 25 {
		t.Fatalf("%d members, %d people; want %d and 25", n, len(emails), len(srv.Users()))
	}
	for i := range 25 {
		if !slices.Contains(emails, slacktest.DemoPerson(i).Email) {
			t.Errorf("no member with %s", slacktest.DemoPerson(i).Email)
		}
	}
	if got := srv.Requests()["users.list"]; got != 4 {
		t.Errorf("%d pages; want 4 of 7 for 28 members", got)
	}
}

func TestSandboxConversations(t *testing.T) {
	t.Parallel()
	_, s := onSandbox(t, slacktest.Options{})
	var names []string
	for c, err := range s.Client.Conversations.ListIter(t.Context(), ConversationsListOptions{
		Types: []string{PublicChannel, PrivateChannel}, ExcludeArchived: true, ListOptions: ListOptions{Limit: 2}}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Name)
	}
	want := []string{slacktest.ChannelGeneral, slacktest.ChannelRandom, slacktest.ChannelBackOffice, slacktest.ChannelAccounting, slacktest.ChannelOperations}
	if !slices.Equal(names, want) {
		t.Errorf("channels %v; want %v", names, want)
	}
	id, _, err := s.Client.Auth.Test(t.Context())
	if err != nil || !strings.HasPrefix(id.BotID, "B") {
		t.Errorf("auth.test: %+v %v", id, err)
	}
}

func TestSandboxPostsAndThreads(t *testing.T) {
	t.Parallel()
	srv, s := onSandbox(t, slacktest.Options{})
	ch, _ := srv.Channel(slacktest.ChannelBackOffice)
	ref, err := s.PostMessage(t.Context(), model.ChatMessage{Channel: ch.ID, Text: "経費 EXP-1 を計上しました",
		Blocks: []byte(`[{"type":"section","text":{"type":"mrkdwn","text":"*経費 EXP-1* を計上しました"}}]`)})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := s.PostMessage(t.Context(), model.ChatMessage{Channel: ch.ID, Thread: ref, Text: "仕訳番号 J-1"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(ch.ID)
	if len(msgs) != 2 {
		t.Fatalf("messages %+v; want 2", msgs)
	}
	_, ts, _ := ParseMessageRef(ref)
	_, replyTS, _ := ParseMessageRef(reply)
	if msgs[0].TS != ts || msgs[0].User != srv.BotUserID() || msgs[0].BotID != srv.BotID() || len(msgs[0].Blocks) == 0 {
		t.Errorf("first message %+v", msgs[0])
	}
	if msgs[1].TS != replyTS || msgs[1].ThreadTS != ts {
		t.Errorf("reply %+v; want it in the thread of %s", msgs[1], ts)
	}
}

func TestSandboxUserByEmailOpensTheDMToTellThem(t *testing.T) {
	t.Parallel()
	srv, s := onSandbox(t, slacktest.Options{})
	person := slacktest.DemoPerson(4)
	user, channel, ok, err := s.UserByEmail(t.Context(), person.Email)
	if err != nil || !ok {
		t.Fatalf("UserByEmail: %v %v", ok, err)
	}
	want, _ := srv.UserByEmail(person.Email)
	dm, opened := srv.DirectMessage(want.ID)
	if user != want.ID || !opened || channel != dm.ID {
		t.Errorf("user %s channel %s; want %s and the DM %+v", user, channel, want.ID, dm)
	}
	ref, err := s.PostMessage(t.Context(), model.ChatMessage{Channel: channel, Text: "経費を計上しました"})
	if err != nil || !strings.HasPrefix(ref, channel+":") || len(srv.Messages(channel)) != 1 {
		t.Errorf("post to the DM: ref %q, err %v, messages %v", ref, err, srv.Messages(channel))
	}
	for _, email := range []string{"former.employee@demo-company.example", "nobody@demo-company.example"} {
		if _, _, ok, err := s.UserByEmail(t.Context(), email); ok || err != nil {
			t.Errorf("%s: ok %v err %v; want not found", email, ok, err)
		}
	}
}

func TestSandboxErrorsAreTyped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		arm   func(srv *slacktest.Server)
		to    string // channel name, or an id
		kind  fault.Kind
		code  string
		says  string
		retry time.Duration
	}{
		{name: "a channel the bot is not in is not_in_channel", to: slacktest.ChannelRandom, kind: fault.KindPermanent, code: "not_in_channel", says: "invite"},
		{name: "an archived channel is is_archived", to: slacktest.ChannelArchived, kind: fault.KindPermanent, code: "is_archived"},
		{name: "an unknown channel is channel_not_found", to: "C0000000000", kind: fault.KindPermanent, code: "channel_not_found", says: "C0000000000"},
		{name: "a revoked token asks to reconnect", arm: (*slacktest.Server).RevokeToken, to: slacktest.ChannelGeneral,
			kind: fault.KindPermanent, code: "token_revoked", says: "reconnect connection chat"},
		{name: "an expired token asks to reconnect", arm: func(s *slacktest.Server) { s.Fail(slacktest.FaultExpiredToken, 1) },
			to: slacktest.ChannelGeneral, kind: fault.KindPermanent, code: "token_expired", says: "reconnect"},
		{name: "invalid_auth asks to reconnect", arm: func(s *slacktest.Server) { s.FailWithError("invalid_auth", 1, "chat.postMessage") },
			to: slacktest.ChannelGeneral, kind: fault.KindPermanent, code: "invalid_auth", says: "reconnect"},
		{name: "a 429 is rate limited for its Retry-After", arm: func(s *slacktest.Server) { s.Fail(slacktest.FaultRateLimited, 1) },
			to: slacktest.ChannelGeneral, kind: fault.KindRateLimited, retry: 2 * time.Second},
		{name: "ratelimited in a 200 is rate limited too", arm: func(s *slacktest.Server) { s.Fail(slacktest.FaultThrottled, 1) },
			to: slacktest.ChannelGeneral, kind: fault.KindRateLimited, code: "ratelimited", retry: 2 * time.Second},
		{name: "a 500 to a post is transient", arm: func(s *slacktest.Server) { s.Fail(slacktest.FaultServerError, 1) },
			to: slacktest.ChannelGeneral, kind: fault.KindTransient},
		{name: "a malformed body is transient", arm: func(s *slacktest.Server) { s.Fail(slacktest.FaultMalformedBody, 1) },
			to: slacktest.ChannelGeneral, kind: fault.KindTransient},
		{name: "a reset connection is transient", arm: func(s *slacktest.Server) { s.Fail(slacktest.FaultConnectionReset, 1) },
			to: slacktest.ChannelGeneral, kind: fault.KindTransient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, s := onSandbox(t, slacktest.Options{RetryAfter: 2 * time.Second})
			if tc.arm != nil {
				tc.arm(srv)
			}
			channel := tc.to
			if ch, ok := srv.Channel(tc.to); ok {
				channel = ch.ID
			}
			_, err := s.PostMessage(t.Context(), model.ChatMessage{Channel: channel, Text: "給与明細のお知らせ"})
			if got := fault.Classify(err); got != tc.kind {
				t.Fatalf("kind %v; want %v (%v)", got, tc.kind, err)
			}
			if ErrorCode(err) != tc.code {
				t.Errorf("code %q; want %q (%v)", ErrorCode(err), tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "給与明細") {
				t.Errorf("error %q; want it to say %q and not the message", err, tc.says)
			}
			if tc.retry > 0 {
				if got, _ := fault.RetryAfter(err); got != tc.retry {
					t.Errorf("RetryAfter %v; want %v", got, tc.retry)
				}
			}
			if n := len(srv.Messages(channel)); n != 0 {
				t.Errorf("%d messages posted", n)
			}
		})
	}
}

func TestSandboxReadsRecoverFromTransientFaults(t *testing.T) {
	t.Parallel()
	for _, kind := range []slacktest.FaultKind{slacktest.FaultServerError, slacktest.FaultConnectionReset, slacktest.FaultMalformedBody} {
		t.Run("a read retries past one "+kind.String(), func(t *testing.T) {
			t.Parallel()
			srv, s := onSandbox(t, slacktest.Options{})
			srv.Fail(kind, 1, "users.lookupByEmail")
			user, _, ok, err := s.UserByEmail(t.Context(), slacktest.DemoPerson(0).Email)
			if err != nil || !ok || user == "" {
				t.Errorf("UserByEmail: %q %v %v", user, ok, err)
			}
			if n := srv.Requests()["users.lookupByEmail"]; n != 2 {
				t.Errorf("%d calls; want the fault and one retry", n)
			}
		})
	}
}

func TestSandboxHeldRequestEndsWithTheCallersDeadline(t *testing.T) {
	t.Parallel()
	srv, s := onSandbox(t, slacktest.Options{})
	srv.Fail(slacktest.FaultTimeout, 1, "chat.postMessage")
	ch, _ := srv.Channel(slacktest.ChannelGeneral)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := s.PostMessage(ctx, model.ChatMessage{Channel: ch.ID, Text: "x"})
	if err == nil || fault.Classify(err) == fault.KindPermanent {
		t.Errorf("err = %v; want a transient error", err)
	}
}

func TestSandboxTierLimitIsRateLimited(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	_, s := onSandbox(t, slacktest.Options{Now: func() time.Time { return clock }})
	var err error
	calls := 0
	for err == nil && calls < 30 {
		_, _, err = s.Client.Conversations.List(t.Context(), nil)
		calls++
	}
	if fault.Classify(err) != fault.KindRateLimited || calls != 21 {
		t.Errorf("after %d calls: %v; want the 21st (tier 2) rate limited", calls, err)
	}
	if _, _, err := s.Client.Users.LookupByEmail(t.Context(), slacktest.DemoPerson(0).Email); err != nil {
		t.Errorf("another method: %v", err)
	}
}

func envFor(srv *slacktest.Server, token string) hub.Env {
	return hub.Env{Connection: "chat", BaseURL: srv.BaseURL(),
		Secret: secrets.New(`{"bot_token":"` + token + `","signing_secret":"` + srv.Options().SigningSecret + `"}`)}
}
