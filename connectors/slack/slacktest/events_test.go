package slacktest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSignMatchesSlacksWorkedExample(t *testing.T) {
	t.Parallel()
	// From https://api.slack.com/authentication/verifying-requests-from-slack.
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := Sign("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", []byte(body))
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("Sign = %s; want %s", got, want)
	}
}

// receiver is an app's Request URL for the tests: it keeps every request and answers with
// the next of its answers (the last one again when they run out).
type receiver struct {
	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
	answers  []func(w http.ResponseWriter, r *http.Request, body []byte)
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.requests = append(rc.requests, r)
	rc.bodies = append(rc.bodies, body)
	answer := rc.answers[min(len(rc.requests), len(rc.answers))-1]
	rc.mu.Unlock()
	answer(w, r, body)
}

func status(code int) func(http.ResponseWriter, *http.Request, []byte) {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) { w.WriteHeader(code) }
}

func listen(t *testing.T, answers ...func(http.ResponseWriter, *http.Request, []byte)) (*receiver, string) {
	t.Helper()
	rc := &receiver{answers: answers}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv.URL + "/slack/events"
}

func fastRetries(o Options) Options {
	o.EventRetryWaits = []time.Duration{0, 0, 0}
	return o
}

func TestSendEventIsSignedAndWrappedAsSlackDoes(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	s, _ := start(t, Options{Now: clock.Now})
	rc, u := listen(t, status(http.StatusOK))
	person := s.Users()[3]
	general, _ := s.Channel(ChannelGeneral)
	d, err := s.SendEvent(t.Context(), u, s.Mention(person.ID, general.ID, "経費は？"))
	if err != nil || !d.Acked() || len(rc.requests) != 1 {
		t.Fatalf("delivery %+v, %v; want one acknowledged try", d, err)
	}
	r, body := rc.requests[0], rc.bodies[0]
	ts := strconv.FormatInt(clock.Now().Unix(), 10)
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
		!strings.HasPrefix(r.Header.Get("User-Agent"), "Slackbot 1.0") || r.Header.Get(TimestampHeader) != ts {
		t.Errorf("request %s %v", r.Method, r.Header)
	}
	if got, want := r.Header.Get(SignatureHeader), Sign(DefaultSigningSecret, ts, body); got != want {
		t.Errorf("signature %s; want %s", got, want)
	}
	if r.Header.Get(RetryNumHeader) != "" {
		t.Error("a first try carries X-Slack-Retry-Num")
	}
	var p struct {
		Token, TeamID, APIAppID, Type, EventID string
		EventTime                              int64
		AuthedUsers                            []string
		Authorizations                         []map[string]any
		Event                                  map[string]any
	}
	decode(t, body, map[string]any{"token": &p.Token, "team_id": &p.TeamID, "api_app_id": &p.APIAppID, "type": &p.Type,
		"event_id": &p.EventID, "event_time": &p.EventTime, "authed_users": &p.AuthedUsers, "authorizations": &p.Authorizations, "event": &p.Event})
	if p.Token != DefaultVerificationToken || p.TeamID != s.TeamID() || p.APIAppID != s.AppID() || p.Type != "event_callback" ||
		p.EventID != d.EventID || !strings.HasPrefix(p.EventID, "Ev") || p.EventTime != clock.Now().Unix() {
		t.Errorf("wrapper %+v", p)
	}
	if p.AuthedUsers != nil || len(p.Authorizations) != 1 || p.Authorizations[0]["user_id"] != s.BotUserID() {
		t.Errorf("authed_users %v, authorizations %v; want the modern authorizations only", p.AuthedUsers, p.Authorizations)
	}
	e := p.Event
	if e["type"] != "app_mention" || e["user"] != person.ID || e["channel"] != general.ID || e["ts"] != e["event_ts"] ||
		!strings.HasPrefix(e["text"].(string), "<@"+s.BotUserID()+">") {
		t.Errorf("event %v", e)
	}
	if msgs := s.Messages(general.ID); len(msgs) != 1 || msgs[0].User != person.ID || msgs[0].TS != e["ts"] {
		t.Errorf("the mention was not kept in the channel: %+v", msgs)
	}
	noViolations(t, s)
}

func decode(t *testing.T, body []byte, into map[string]any) {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for k, v := range into {
		if r, ok := raw[k]; ok {
			if err := json.Unmarshal(r, v); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
		}
	}
}

func TestAnEventNotAcknowledgedIsRetriedWithTheSameBody(t *testing.T) {
	t.Parallel()
	s, _ := start(t, fastRetries(Options{}))
	rc, u := listen(t, status(http.StatusInternalServerError), status(http.StatusServiceUnavailable), status(http.StatusOK))
	dm := s.DirectMessageFrom(s.Users()[0].ID, "hello")
	d, err := s.SendEvent(t.Context(), u, dm)
	if err != nil || !d.Acked() || len(d.Attempts) != 3 {
		t.Fatalf("attempts %+v, %v; want two failures and an acknowledged retry", d.Attempts, err)
	}
	for i, r := range rc.requests {
		wantNum, wantReason := "", ""
		if i > 0 {
			wantNum, wantReason = strconv.Itoa(i), "http_error"
		}
		if r.Header.Get(RetryNumHeader) != wantNum || r.Header.Get(RetryReasonHeader) != wantReason {
			t.Errorf("try %d: retry %q reason %q; want %q %q", i, r.Header.Get(RetryNumHeader), r.Header.Get(RetryReasonHeader), wantNum, wantReason)
		}
		if string(rc.bodies[i]) != string(rc.bodies[0]) {
			t.Errorf("try %d carried another body", i)
		}
		if r.Header.Get(SignatureHeader) != Sign(DefaultSigningSecret, r.Header.Get(TimestampHeader), rc.bodies[i]) {
			t.Errorf("try %d is not signed", i)
		}
	}
	noViolations(t, s)
}

func TestSlackGivesUpAfterThreeRetriesOrWhenAskedNotToRetry(t *testing.T) {
	t.Parallel()
	s, _ := start(t, fastRetries(Options{}))
	general, _ := s.Channel(ChannelGeneral)
	_, u := listen(t, status(http.StatusInternalServerError))
	d, err := s.SendEvent(t.Context(), u, s.Mention(s.Users()[0].ID, general.ID, "x"))
	if err != nil || d.Acked() || len(d.Attempts) != 4 || d.Last().Retry != 3 {
		t.Errorf("attempts %d, acked %v, %v; want 4 unacknowledged", len(d.Attempts), d.Acked(), err)
	}
	_, u = listen(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set(NoRetryHeader, "1")
		w.WriteHeader(http.StatusBadRequest)
	})
	d, err = s.SendEvent(t.Context(), u, s.Mention(s.Users()[0].ID, general.ID, "x"))
	if err != nil || len(d.Attempts) != 1 {
		t.Errorf("attempts %d, %v; want one: the app said X-Slack-No-Retry", len(d.Attempts), err)
	}
	noViolations(t, s)
}

func TestRetryReasonsSayWhatWentWrong(t *testing.T) {
	t.Parallel()
	s, _ := start(t, fastRetries(Options{EventTimeout: 100 * time.Millisecond}))
	general, _ := s.Channel(ChannelGeneral)
	t.Run("an app that does not answer in time is http_timeout", func(t *testing.T) {
		_, u := listen(t, func(_ http.ResponseWriter, r *http.Request, _ []byte) { <-r.Context().Done() }, status(http.StatusOK))
		d, err := s.SendEvent(t.Context(), u, s.Mention(s.Users()[0].ID, general.ID, "x"))
		if err != nil || len(d.Attempts) != 2 || d.Attempts[1].Reason != "http_timeout" || !d.Acked() {
			t.Errorf("attempts %+v, %v", d.Attempts, err)
		}
	})
	t.Run("an app that is not listening is connection_failed", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		d, err := s.SendEvent(t.Context(), "http://"+addr+"/slack/events", s.Mention(s.Users()[0].ID, general.ID, "x"))
		if err != nil || len(d.Attempts) != 4 || d.Attempts[1].Reason != "connection_failed" || d.Last().Status != 0 {
			t.Errorf("attempts %+v, %v", d.Attempts, err)
		}
	})
}

func TestSlacksRetryWaitsAreTheDefault(t *testing.T) {
	t.Parallel()
	got := New(Options{}).Options().EventRetryWaits
	if len(got) != 3 || got[0] != 0 || got[1] != time.Minute || got[2] != 5*time.Minute {
		t.Errorf("EventRetryWaits = %v; want at once, a minute, five minutes", got)
	}
	if got := New(Options{EventRetryWaits: []time.Duration{}}).Options().EventRetryWaits; len(got) != 0 {
		t.Errorf("an empty slice became %v; want no retries", got)
	}
}

func TestURLVerification(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{})
	echo := func(format string) func(http.ResponseWriter, *http.Request, []byte) {
		return func(w http.ResponseWriter, _ *http.Request, body []byte) {
			var v struct{ Challenge, Type, Token string }
			_ = json.Unmarshal(body, &v)
			switch format {
			case "json":
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]string{"challenge": v.Challenge})
			case "form":
				_, _ = w.Write([]byte(url.Values{"challenge": {v.Challenge}}.Encode()))
			default:
				_, _ = w.Write([]byte(v.Challenge))
			}
		}
	}
	for _, tc := range []struct {
		name   string
		answer func(http.ResponseWriter, *http.Request, []byte)
		ok     bool
	}{
		{"an app echoing the challenge as text passes", echo("text"), true},
		{"an app echoing it in JSON passes", echo("json"), true},
		{"an app echoing it form-encoded passes", echo("form"), true},
		{"an app answering something else fails", func(w http.ResponseWriter, _ *http.Request, _ []byte) { _, _ = w.Write([]byte("ok")) }, false},
		{"an app answering 401 fails", status(http.StatusUnauthorized), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, u := listen(t, tc.answer)
			_, err := s.SendURLVerification(t.Context(), u)
			if (err == nil) != tc.ok {
				t.Errorf("err = %v; want ok %v", err, tc.ok)
			}
			r := rc.requests[0]
			if r.Header.Get(SignatureHeader) != Sign(DefaultSigningSecret, r.Header.Get(TimestampHeader), rc.bodies[0]) {
				t.Error("the handshake is not signed")
			}
		})
	}
	noViolations(t, s)
}

func TestSendSlashCommand(t *testing.T) {
	t.Parallel()
	s, _ := start(t, fastRetries(Options{}))
	rc, u := listen(t, status(http.StatusInternalServerError))
	person := s.Users()[1]
	back, _ := s.Channel(ChannelBackOffice)
	d, err := s.SendSlashCommand(t.Context(), u, SlashCommand{Command: "/expense", Text: "status 2026-10", User: person.ID, Channel: back.ID})
	if err != nil || len(d.Attempts) != 1 {
		t.Fatalf("attempts %d, %v; want one: Slack does not retry commands", len(d.Attempts), err)
	}
	r, body := rc.requests[0], rc.bodies[0]
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
		r.Header.Get(SignatureHeader) != Sign(DefaultSigningSecret, r.Header.Get(TimestampHeader), body) {
		t.Errorf("headers %v", r.Header)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"command": "/expense", "text": "status 2026-10", "user_id": person.ID, "user_name": person.Name,
		"channel_id": back.ID, "channel_name": ChannelBackOffice, "team_id": s.TeamID(), "api_app_id": s.AppID(), "trigger_id": d.EventID}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("%s = %q; want %q", k, form.Get(k), v)
		}
	}
	res, err := http.Post(form.Get("response_url"), "application/json", strings.NewReader(`{"text":"今月の経費は 3 件です","response_type":"ephemeral"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := s.CommandResponses(d.EventID); res.StatusCode != http.StatusOK || len(got) != 1 || got[0].Text != "今月の経費は 3 件です" {
		t.Errorf("response_url: %d, responses %+v", res.StatusCode, got)
	}
	noViolations(t, s)
}

func TestAnEventThatBreaksTheWrapperIsRecorded(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{})
	_, u := listen(t, status(http.StatusOK))
	if _, err := s.SendEvent(t.Context(), u, Event{Type: "app_mention", User: s.Users()[0].ID, Extra: map[string]any{"event_ts": 1793500000}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendEvent(t.Context(), u, Event{Type: "no_such_event"}); err != nil {
		t.Fatal(err)
	}
	v := s.Violations()
	if len(v) != 2 || v[0].Side != EventSide || !strings.Contains(v[0].Err, "event_ts") || !strings.Contains(v[1].Err, "events_api_async_v1.json") {
		t.Errorf("violations %v; want a bad event_ts and an unknown event", v)
	}
}
