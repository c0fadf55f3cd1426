package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/sqlitestore"
)

// fakeReceiver verifies like a vendor would: the header X-Signature must be "good"; the
// body "challenge" is a handshake; any other body must be JSON {"events":[...]}.
type fakeReceiver struct{}

func (fakeReceiver) VerifyWebhook(_ context.Context, h http.Header, body []byte) (hub.WebhookResult, error) {
	if h.Get("X-Signature") != "good" {
		return hub.WebhookResult{}, fmt.Errorf("fake: signature %q: %w", h.Get("X-Signature"), hub.ErrBadSignature)
	}
	if string(body) == "challenge" {
		return hub.WebhookResult{Reply: &hub.WebhookReply{ContentType: "text/plain", Body: []byte("challenge-accepted")}}, nil
	}
	var v struct {
		Events []hub.WebhookEvent `json:"events"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return hub.WebhookResult{}, fmt.Errorf("fake: event body: %w", err)
	}
	return hub.WebhookResult{Events: v.Events}, nil
}

func newIngress(t *testing.T) (*hub.Ingress, backend) {
	t.Helper()
	clk := newClock()
	b := newBackend(t, clk.Now)
	return &hub.Ingress{
		Queue:     b.queue,
		Receivers: map[string]hub.WebhookReceiver{"kot": fakeReceiver{}, "quiet": fakeReceiver{}},
		Routes:    map[string][]string{"kot": {"timeclock", "leave-sync"}},
		MaxBody:   256,
		Logger:    quiet,
		Now:       clk.Now,
	}, b
}

func post(in http.Handler, method, path, sig, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if sig != "" {
		req.Header.Set("X-Signature", sig)
	}
	rec := httptest.NewRecorder()
	in.ServeHTTP(rec, req)
	return rec
}

func TestIngress(t *testing.T) {
	t.Parallel()
	oneEvent := `{"events":[{"id":"ev-1","type":"attendance.updated","resource":"emp-4"}]}`
	for _, tc := range []struct {
		name       string
		method     string
		path       string
		sig        string
		body       string
		wantStatus int
		wantBody   string
		wantJobs   []string // flows of the jobs enqueued
	}{
		{"a good webhook is accepted and enqueues one job per routed flow",
			http.MethodPost, "/hooks/kot", "good", oneEvent, http.StatusAccepted, `"accepted":1,`, []string{"timeclock", "leave-sync"}},
		{"two events enqueue a job per event and flow",
			http.MethodPost, "/hooks/kot", "good", `{"events":[{"id":"a"},{"id":"b"}]}`, http.StatusAccepted, `"accepted":2,`,
			[]string{"timeclock", "leave-sync", "timeclock", "leave-sync"}},
		{"a webhook of a connection that triggers no flow is accepted and enqueues nothing",
			http.MethodPost, "/hooks/quiet", "good", oneEvent, http.StatusAccepted, `"accepted":1,`, nil},
		{"a bad signature is refused with 401 and nothing is enqueued",
			http.MethodPost, "/hooks/kot", "forged", oneEvent, http.StatusUnauthorized, "signature not valid", nil},
		{"a missing signature is refused with 401",
			http.MethodPost, "/hooks/kot", "", oneEvent, http.StatusUnauthorized, "signature not valid", nil},
		{"a body over the limit is refused with 413 and nothing is enqueued",
			http.MethodPost, "/hooks/kot", "good", `{"events":[{"id":"` + strings.Repeat("x", 300) + `"}]}`, http.StatusRequestEntityTooLarge, "too large", nil},
		{"a malformed body is refused with 400",
			http.MethodPost, "/hooks/kot", "good", `{"events":`, http.StatusBadRequest, "malformed", nil},
		{"an unknown connection is 404",
			http.MethodPost, "/hooks/slack", "good", oneEvent, http.StatusNotFound, "no webhook receiver for connection slack", nil},
		{"a path outside /hooks/ is 404", http.MethodPost, "/other/kot", "good", oneEvent, http.StatusNotFound, "not found", nil},
		{"a nested path is 404", http.MethodPost, "/hooks/kot/extra", "good", oneEvent, http.StatusNotFound, "not found", nil},
		{"a GET is 405", http.MethodGet, "/hooks/kot", "good", "", http.StatusMethodNotAllowed, "POST", nil},
		{"a handshake gets the receiver's reply as is",
			http.MethodPost, "/hooks/kot", "good", "challenge", http.StatusOK, "challenge-accepted", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in, b := newIngress(t)
			rec := post(in, tc.method, tc.path, tc.sig, tc.body)
			if rec.Code != tc.wantStatus {
				t.Errorf("status %d, want %d (body %q)", rec.Code, tc.wantStatus, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("body %q, want it to contain %q", rec.Body, tc.wantBody)
			}
			if tc.wantStatus == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow %q, want POST", rec.Header().Get("Allow"))
			}
			msgs := receiveAll(t, b.queue)
			var flows []string
			for i, env := range decodeAll(t, msgs) {
				if env.Kind != hub.KindJob {
					t.Fatalf("enqueued a %s, want jobs", env.Kind)
				}
				j := env.Job
				flows = append(flows, j.Flow)
				if j.Trigger != "webhook" || j.Event == nil || j.Event.ID == "" || !strings.HasPrefix(j.RunID, "wh-") || j.At.IsZero() {
					t.Errorf("job %+v: want a webhook job carrying its event and a run id", j)
				}
				if a := msgs[i].Attributes; a["kind"] != "job" || a["flow"] != j.Flow || a["run_id"] != j.RunID {
					t.Errorf("attributes %v do not match the job", a)
				}
			}
			if !slices.Equal(flows, tc.wantJobs) {
				t.Errorf("jobs for %v, want %v", flows, tc.wantJobs)
			}
		})
	}
}

func TestIngressHandshakeReplyIsPassedThrough(t *testing.T) {
	t.Parallel()
	in, _ := newIngress(t)
	rec := post(in, http.MethodPost, "/hooks/kot", "good", "challenge")
	if rec.Code != http.StatusOK || rec.Body.String() != "challenge-accepted" || rec.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("reply %d %q %q, want 200 text/plain challenge-accepted", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}

func TestIngressRedeliveredEventNamesTheSameRun(t *testing.T) {
	t.Parallel()
	in, b := newIngress(t)
	body := `{"events":[{"id":"ev-42","type":"attendance.updated"}]}`
	for range 2 {
		if rec := post(in, http.MethodPost, "/hooks/kot", "good", body); rec.Code != http.StatusAccepted {
			t.Fatalf("status %d", rec.Code)
		}
	}
	if rec := post(in, http.MethodPost, "/hooks/kot", "good", `{"events":[{"id":"ev-43"}]}`); rec.Code != http.StatusAccepted {
		t.Fatalf("status %d", rec.Code)
	}
	runs := map[string][]string{} // flow → run ids in order
	for _, env := range decodeAll(t, receiveAll(t, b.queue)) {
		runs[env.Job.Flow] = append(runs[env.Job.Flow], env.Job.RunID)
	}
	for flow, ids := range runs {
		if len(ids) != 3 {
			t.Fatalf("flow %s: %d jobs, want 3", flow, len(ids))
		}
		if ids[0] != ids[1] {
			t.Errorf("flow %s: the same event gave runs %s and %s", flow, ids[0], ids[1])
		}
		if ids[2] == ids[0] {
			t.Errorf("flow %s: another event gave the same run %s", flow, ids[2])
		}
	}
	if runs["timeclock"][0] == runs["leave-sync"][0] {
		t.Errorf("one event gave the same run id to two flows")
	}
}

// failingQueue refuses every send.
type failingQueue struct{ queue.Queue }

func (failingQueue) Send(context.Context, []queue.Outgoing) error { return errors.New("disk full") }

func TestIngressAnswers503WhenTheQueueFails(t *testing.T) {
	t.Parallel()
	in, b := newIngress(t)
	in.Queue = failingQueue{b.queue}
	rec := post(in, http.MethodPost, "/hooks/kot", "good", `{"events":[{"id":"ev-1"}]}`)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503 so that the vendor redelivers", rec.Code)
	}
}

// With the deliveries remembered, the vendor's retry or a captured request replayed is
// acknowledged with nothing enqueued again; a delivery whose enqueue failed is taken again
// when the vendor retries it.
func TestIngressAcknowledgesAReplayWithoutEnqueuingIt(t *testing.T) {
	t.Parallel()
	in, b := newIngress(t)
	in.Deliveries = b.store
	body := `{"events":[{"id":"ev-7","type":"attendance.updated"}]}`

	rec := post(in, http.MethodPost, "/hooks/kot", "good", body)
	if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), `"accepted":1`) {
		t.Fatalf("first delivery: %d %s", rec.Code, rec.Body)
	}
	rec = post(in, http.MethodPost, "/hooks/kot", "good", body)
	if rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), `"duplicates":1`) || !strings.Contains(rec.Body.String(), `"accepted":0`) {
		t.Fatalf("replayed delivery: %d %s; want 202 with the duplicate counted", rec.Code, rec.Body)
	}
	if n := len(receiveAll(t, b.queue)); n != 2 {
		t.Fatalf("%d jobs queued; want 2 (one per routed flow, for the first delivery only)", n)
	}

	in.Queue = failingQueue{b.queue}
	if rec := post(in, http.MethodPost, "/hooks/kot", "good", `{"events":[{"id":"ev-8"}]}`); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("enqueue failure: status %d; want 503", rec.Code)
	}
	in.Queue = b.queue
	if rec := post(in, http.MethodPost, "/hooks/kot", "good", `{"events":[{"id":"ev-8"}]}`); rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), `"accepted":1`) {
		t.Fatalf("the vendor's retry after a failed enqueue: %d %s; want it taken", rec.Code, rec.Body)
	}
}

// onceBackend records a delivery id and enqueues its jobs in one SQLite transaction, as
// the embedded runtime's ingress does.
type onceBackend struct {
	*sqlitequeue.Queue
	store *sqlitestore.Store
}

func (o onceBackend) SendOnce(ctx context.Context, key string, keep time.Duration, batch []queue.Outgoing) (bool, error) {
	return o.Queue.SendIf(ctx, func(ctx context.Context, tx sqlitedb.Tx) (bool, error) {
		return o.store.FirstSeenIn(ctx, tx, key, keep)
	}, batch)
}

func TestIngressRecordsTheDeliveryAndItsJobsInOneWrite(t *testing.T) {
	t.Parallel()
	in, b := newIngress(t)
	in.Queue, in.Deliveries = onceBackend{b.queue, b.store}, b.store
	body := `{"events":[{"id":"ev-9"},{"id":"ev-10"}]}`
	if rec := post(in, http.MethodPost, "/hooks/kot", "good", body); rec.Code != http.StatusAccepted || !strings.Contains(rec.Body.String(), `"accepted":2,`) {
		t.Fatalf("first delivery: %d %s", rec.Code, rec.Body)
	}
	if rec := post(in, http.MethodPost, "/hooks/kot", "good", `{"events":[{"id":"ev-10"},{"id":"ev-11"}]}`); rec.Code != http.StatusAccepted ||
		!strings.Contains(rec.Body.String(), `"accepted":1,`) || !strings.Contains(rec.Body.String(), `"duplicates":1`) {
		t.Fatalf("a delivery repeating one event: %d %s; want the new one taken and the repeat counted", rec.Code, rec.Body)
	}
	if n := len(receiveAll(t, b.queue)); n != 6 {
		t.Fatalf("%d jobs queued; want 6 (three events, two routed flows each)", n)
	}
}
