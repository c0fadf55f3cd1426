package chatwork

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/secrets"
)

func TestMeGet(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, nil)
		writeJSON(w, 200, map[string]any{"account_id": 9000001, "room_id": 300000001, "name": "bot", "chatwork_id": "bot",
			"organization_id": 5001, "organization_name": "デモ", "department": "管理部", "title": "", "mail": "bot@example.com",
			"login_mail": "bot@example.com", "avatar_image_url": "https://example.com/a.png"})
	})
	me, _, err := client.Me.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if me.AccountID != 9000001 || me.RoomID != 300000001 || me.Mail != "bot@example.com" {
		t.Errorf("me = %+v", me)
	}
}

func TestRooms(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("GET /rooms", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		writeJSON(w, 200, []map[string]any{
			{"room_id": 11, "name": "全社", "type": "group", "role": "admin", "sticky": true, "unread_num": 2, "mention_num": 0,
				"mytask_num": 0, "message_num": 5, "file_num": 0, "task_num": 0, "icon_path": "x", "last_update_time": 1790000000},
			{"room_id": 12, "name": "田中", "type": "direct", "role": "member", "sticky": false, "unread_num": 0, "mention_num": 0,
				"mytask_num": 0, "message_num": 0, "file_num": 0, "task_num": 0, "icon_path": "y", "last_update_time": 0},
		})
	})
	mux.HandleFunc("GET /rooms/11", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		writeJSON(w, 200, map[string]any{"room_id": 11, "name": "全社", "type": "group", "role": "admin", "description": "お知らせ",
			"last_update_time": 1790000000})
	})
	mux.HandleFunc("GET /rooms/11/members", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		writeJSON(w, 200, []map[string]any{{"account_id": 9100001, "role": "member", "name": "田中 大輔", "chatwork_id": "",
			"organization_id": 5001, "organization_name": "デモ", "department": "営業部", "avatar_image_url": "z"}})
	})

	rooms, _, err := client.Rooms.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rooms) != 2 || rooms[0].RoomID != 11 || rooms[0].Type != RoomGroup || !rooms[0].Sticky ||
		!rooms[0].LastUpdateTime.Equal(time.Unix(1790000000, 0)) || !rooms[1].LastUpdateTime.IsZero() {
		t.Errorf("rooms = %+v", rooms)
	}
	room, _, err := client.Rooms.Get(t.Context(), 11)
	if err != nil {
		t.Fatal(err)
	}
	if room.Description != "お知らせ" {
		t.Errorf("room = %+v", room)
	}
	members, _, err := client.Rooms.Members(t.Context(), 11)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].AccountID != 9100001 || members[0].Department != "営業部" {
		t.Errorf("members = %+v", members)
	}
}

func TestContactsList(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var empty atomic.Bool
	mux.HandleFunc("GET /contacts", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		if empty.Load() {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, 200, []map[string]any{{"account_id": 9100001, "room_id": 310000001, "name": "田中 大輔"}})
	})
	contacts, _, err := client.Contacts.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(contacts) != 1 || contacts[0].RoomID != 310000001 {
		t.Errorf("contacts = %+v", contacts)
	}
	empty.Store(true)
	contacts, resp, err := client.Contacts.List(t.Context())
	if err != nil || len(contacts) != 0 || resp.StatusCode != http.StatusNoContent {
		t.Errorf("an empty list answered 204: contacts %v, err %v", contacts, err)
	}
}

func TestMessagesList(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("GET /rooms/11/messages", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		switch calls.Add(1) {
		case 1:
			testQuery(t, r, nil)
			writeJSON(w, 200, []map[string]any{{"message_id": "1500000000000000001",
				"account": map[string]any{"account_id": 9100001, "name": "田中", "avatar_image_url": "a"},
				"body":    "[To:9000001] 確認お願いします", "send_time": 1790000000, "update_time": 0}})
		case 2:
			testQuery(t, r, nil)
			w.WriteHeader(http.StatusNoContent)
		default:
			testQuery(t, r, url.Values{"force": {"1"}})
			writeJSON(w, 200, []map[string]any{{"message_id": "1500000000000000001",
				"account": map[string]any{"account_id": 9100001}, "body": "x", "send_time": 1790000000, "update_time": 1790000100}})
		}
	})
	msgs, _, err := client.Messages.List(t.Context(), 11, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Account.AccountID != 9100001 || !msgs[0].UpdateTime.IsZero() ||
		!msgs[0].SendTime.Equal(time.Unix(1790000000, 0)) {
		t.Errorf("first list = %+v", msgs)
	}
	msgs, _, err = client.Messages.List(t.Context(), 11, &MessageListOptions{})
	if err != nil || len(msgs) != 0 {
		t.Errorf("second list: %v, %v; want nothing new (204)", msgs, err)
	}
	msgs, _, err = client.Messages.List(t.Context(), 11, &MessageListOptions{Force: true})
	if err != nil || len(msgs) != 1 || msgs[0].UpdateTime.Unix() != 1790000100 {
		t.Errorf("forced list: %+v, %v", msgs, err)
	}
}

func TestMessagesGet(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("GET /rooms/11/messages/1500000000000000007", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		writeJSON(w, 200, map[string]any{"message_id": "1500000000000000007", "account": map[string]any{"account_id": 9000001},
			"body": "done", "send_time": 1790000000, "update_time": 0})
	})
	msg, _, err := client.Messages.Get(t.Context(), 11, "1500000000000000007")
	if err != nil || msg.Body != "done" {
		t.Fatalf("msg %+v, err %v", msg, err)
	}
	if _, _, err := client.Messages.Get(t.Context(), 11, "../me"); !fault.IsPermanent(err) {
		t.Errorf("a message id that is not digits: err = %v; want Permanent without a request", err)
	}
}

func TestMessagesPostSendsAFormBody(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var selfUnread atomic.Bool
	mux.HandleFunc("POST /rooms/11/messages", func(w http.ResponseWriter, r *http.Request) {
		testAuthorized(t, r)
		want := url.Values{"body": {"[To:9100001]\n経費が承認されました & 仕訳 #42"}}
		if selfUnread.Load() {
			want.Set("self_unread", "1")
		}
		testForm(t, r, want)
		writeJSON(w, 200, map[string]string{"message_id": "1500000000000000009"})
	})
	posted, _, err := client.Messages.Post(t.Context(), 11, "[To:9100001]\n経費が承認されました & 仕訳 #42", nil)
	if err != nil {
		t.Fatal(err)
	}
	if posted.MessageID != "1500000000000000009" {
		t.Errorf("posted = %+v", posted)
	}
	selfUnread.Store(true)
	if _, _, err := client.Messages.Post(t.Context(), 11, "[To:9100001]\n経費が承認されました & 仕訳 #42", &PostOptions{SelfUnread: true}); err != nil {
		t.Fatal(err)
	}
}

func TestMessagesPostRefusesWhatChatworkWouldWithoutARequest(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	for _, tc := range []struct {
		name string
		room int64
		body string
	}{
		{"an empty body", 11, ""},
		{"a body longer than 65,535 characters", 11, strings.Repeat("あ", MaxMessageLength+1)},
		{"a room id that is not positive", 0, "hi"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := client.Messages.Post(t.Context(), tc.room, tc.body, nil)
			if !fault.IsPermanent(err) {
				t.Errorf("err = %v; want Permanent", err)
			}
		})
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached Chatwork", hits.Load())
	}
	if _, _, err := client.Messages.Post(t.Context(), 11, strings.Repeat("あ", MaxMessageLength), nil); err == nil {
		t.Error("the catch-all handler answers no message id; want an error")
	}
	if hits.Load() != 1 {
		t.Errorf("a body of exactly 65,535 characters must be sent; hits = %d", hits.Load())
	}
}

// TestErrors runs every service method against each way Chatwork fails.
func TestErrors(t *testing.T) {
	t.Parallel()
	calls := map[string]func(context.Context, *Client) error{
		"Me.Get":        func(ctx context.Context, c *Client) error { _, _, err := c.Me.Get(ctx); return err },
		"Rooms.List":    func(ctx context.Context, c *Client) error { _, _, err := c.Rooms.List(ctx); return err },
		"Rooms.Get":     func(ctx context.Context, c *Client) error { _, _, err := c.Rooms.Get(ctx, 11); return err },
		"Rooms.Members": func(ctx context.Context, c *Client) error { _, _, err := c.Rooms.Members(ctx, 11); return err },
		"Messages.List": func(ctx context.Context, c *Client) error { _, _, err := c.Messages.List(ctx, 11, nil); return err },
		"Messages.Get":  func(ctx context.Context, c *Client) error { _, _, err := c.Messages.Get(ctx, 11, "15"); return err },
		"Messages.Post": func(ctx context.Context, c *Client) error {
			_, _, err := c.Messages.Post(ctx, 11, "hi", nil)
			return err
		},
		"Contacts.List": func(ctx context.Context, c *Client) error { _, _, err := c.Contacts.List(ctx); return err },
	}
	failures := []struct {
		name  string
		serve func(w http.ResponseWriter)
		check func(t *testing.T, err error)
	}{
		{"a refused token is Permanent and names the secret, never the token",
			func(w http.ResponseWriter) { writeErrors(w, 401, "Invalid API token") },
			func(t *testing.T, err error) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 401 || !strings.Contains(pe.Message, "Invalid API token") ||
					!strings.Contains(pe.Message, "secret CHATWORK") || strings.Contains(err.Error(), testToken) {
					t.Errorf("err = %v; want Permanent 401 naming the secret", err)
				}
			}},
		{"a forbidden room is Permanent with Chatwork's message",
			func(w http.ResponseWriter) { writeErrors(w, 403, "You don't have permission") },
			func(t *testing.T, err error) {
				var pe *fault.PermanentError
				if !errors.As(err, &pe) || pe.Status != 403 || pe.Message != "You don't have permission" {
					t.Errorf("err = %v; want Permanent 403", err)
				}
			}},
		{"a missing room is Permanent", func(w http.ResponseWriter) { writeErrors(w, 404, "not found") },
			func(t *testing.T, err error) {
				if !fault.IsPermanent(err) {
					t.Errorf("err = %v; want Permanent", err)
				}
			}},
		{"a 429 with the window spent waits until X-RateLimit-Reset",
			func(w http.ResponseWriter) {
				w.Header().Set("X-RateLimit-Limit", "100")
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(4*time.Minute).Unix(), 10))
				writeErrors(w, 429, "rate limit")
			},
			func(t *testing.T, err error) {
				wait, ok := fault.RetryAfter(err)
				if !ok || wait < 3*time.Minute || wait > 4*time.Minute {
					t.Errorf("err = %v; want RateLimited until the reset, about 4m", err)
				}
			}},
		{"a 500 is transient", func(w http.ResponseWriter) { writeErrors(w, 500, "boom") },
			func(t *testing.T, err error) {
				var se *httpx.StatusError
				if !errors.As(err, &se) || se.Status != 500 || fault.Classify(err) != fault.KindTransient {
					t.Errorf("err = %v; want a transient StatusError 500", err)
				}
			}},
		{"a body that is not JSON is transient", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"message_id": "15`)
		},
			func(t *testing.T, err error) {
				if err == nil || fault.Classify(err) != fault.KindTransient || !strings.Contains(err.Error(), "decode") {
					t.Errorf("err = %v; want a transient decode error", err)
				}
			}},
	}
	for name, call := range calls {
		for _, f := range failures {
			t.Run(name+": "+f.name, func(t *testing.T) {
				t.Parallel()
				client, mux := setup(t)
				mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { f.serve(w) })
				err := call(t.Context(), client)
				f.check(t, err)
				if err != nil && !strings.Contains(err.Error(), "chatwork") {
					t.Errorf("err = %v; want it to name the vendor", err)
				}
			})
		}
	}
}

func TestAPostIsNotRetriedAfterA500ButIsAfterA429(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var posts atomic.Int32
	mux.HandleFunc("POST /rooms/11/messages", func(w http.ResponseWriter, r *http.Request) {
		switch posts.Add(1) {
		case 1:
			writeErrors(w, 500, "boom")
		case 2:
			w.Header().Set("Retry-After", "0")
			writeErrors(w, 429, "slow down")
		default:
			testForm(t, r, url.Values{"body": {"hi"}})
			writeJSON(w, 200, map[string]string{"message_id": "77"})
		}
	})
	if _, _, err := client.Messages.Post(t.Context(), 11, "hi", nil); fault.Classify(err) != fault.KindTransient {
		t.Fatalf("first post: %v; want a transient error after one attempt", err)
	}
	if posts.Load() != 1 {
		t.Fatalf("a post answered 500 was sent %d times; it may have been applied, so once", posts.Load())
	}
	posted, _, err := client.Messages.Post(t.Context(), 11, "hi", nil)
	if err != nil || posted.MessageID != "77" || posts.Load() != 3 {
		t.Errorf("second post: %+v, %v after %d attempts; a throttled post is retried with its body", posted, err, posts.Load())
	}
}

func TestTheClientFailsFastOnceTheWindowIsSpent(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var hits atomic.Int32
	reset := time.Now().Add(2 * time.Minute).Unix()
	mux.HandleFunc("GET /rooms", func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("X-RateLimit-Limit", "100")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		writeJSON(w, 200, []any{})
	})
	_, resp, err := client.Rooms.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rate.Limit != 100 || resp.Rate.Remaining != 0 || resp.Rate.Reset.Unix() != reset {
		t.Errorf("rate = %+v; want the X-RateLimit-* values, Reset read as Unix seconds", resp.Rate)
	}
	_, _, err = client.Rooms.List(t.Context())
	if wait, ok := fault.RetryAfter(err); !ok || wait < time.Minute {
		t.Errorf("second call: %v; want RateLimited until the reset", err)
	}
	if hits.Load() != 1 {
		t.Errorf("hits = %d; the second call must not reach Chatwork", hits.Load())
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	p := Policy(0)
	if p.Burst != 10 || p.Rate*300 < 99.9 || p.Rate*300 > 100.1 {
		t.Errorf("default policy: rate %v/s burst %d; want 100 per five minutes with bursts of 10", p.Rate, p.Burst)
	}
	if p.RateHeaders.ResetIn || p.RateHeaders.Reset != "X-RateLimit-Reset" {
		t.Errorf("rate headers %+v; Reset is an instant in Unix seconds", p.RateHeaders)
	}
	if p := Policy(3); p.Burst != 1 {
		t.Errorf("a tiny limit keeps a burst of 1, got %d", p.Burst)
	}
}

func TestNewClientRefusesARelativeBaseURL(t *testing.T) {
	t.Parallel()
	if _, err := NewClient(httpx.New(testPolicy()), secrets.New(""), "/v2"); err == nil {
		t.Error("want an error")
	}
}
