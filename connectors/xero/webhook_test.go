package xero

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/xero/xerotest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/storetest"
)

const (
	webhookKey = "Zq81-webhook-signing-key"
	orgTenant  = "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f"
)

// eventNow is when the test events happen.
var eventNow = time.Date(2026, 11, 2, 1, 15, 39, 902000000, time.UTC)

// webhookXero builds a connection whose secret holds the webhook key (or none), with the
// clock at eventNow.
func webhookXero(t *testing.T, key string, settings map[string]any) *Xero {
	t.Helper()
	secret := `{"client_id":"cid","client_secret":"cs","refresh_token":"rt-0"`
	if key != "" {
		secret += `,"webhook_key":"` + key + `"`
	}
	v, err := Connector.New(t.Context(), hub.Env{Connection: conn, BaseURL: "http://127.0.0.1:9", Settings: settings, Secret: secrets.New(secret + "}"), Tokens: &storetest.MemoryTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	x := v.(*Xero)
	x.now = func() time.Time { return eventNow }
	return x
}

const invoiceUpdated = `{"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777","resourceId":"717f2bfc-c6d4-41fd-b238-3f2f0c0cf777","eventDateUtc":"2026-11-02T01:15:39.902","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"` + orgTenant + `","tenantType":"ORGANISATION"}],"lastEventSequence":7,"firstEventSequence":7,"entropy":"S0m3r4Nd0mt3xt"}`

const intentToReceive = `{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"FXNGWLCCGVANWHKILRUB"}`

func signed(body string) http.Header {
	h := http.Header{}
	h.Set(SignatureHeader, Sign(secrets.New(webhookKey), []byte(body)))
	return h
}

func TestSign_isBase64HMACSHA256OfTheBody(t *testing.T) {
	t.Parallel()
	// The sandbox signs independently of the connector: both must agree.
	if got, want := Sign(secrets.New(webhookKey), []byte(invoiceUpdated)), xerotest.Sign(webhookKey, []byte(invoiceUpdated)); got != want {
		t.Fatalf("Sign = %s; the sandbox signs %s", got, want)
	}
	raw, err := base64.StdEncoding.DecodeString(Sign(secrets.New(webhookKey), nil))
	if err != nil || len(raw) != 32 {
		t.Fatalf("signature of the empty body: %d bytes, %v; want 32 Base64-encoded bytes", len(raw), err)
	}
}

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	x := webhookXero(t, webhookKey, nil)
	other := strings.Replace(invoiceUpdated, orgTenant, "99999999-9458-4c7d-93cc-f02b81b0594f", 1)
	twoEvents := strings.Replace(invoiceUpdated, `}],"last`, `},{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/6a68adde-f210-4465-b0a9-0d8cc6f50762","resourceId":"6a68adde-f210-4465-b0a9-0d8cc6f50762","eventDateUtc":"2026-11-02T01:15:40.001","eventType":"CREATE","eventCategory":"CONTACT","tenantId":"`+orgTenant+`","tenantType":"ORGANISATION"}],"last`, 1)
	stale := strings.Replace(invoiceUpdated, "2026-11-02T01:15:39.902", "2026-10-31T23:00:00.000", 1)
	yesterday := strings.Replace(invoiceUpdated, "2026-11-02T01:15:39.902", "2026-11-01T02:00:00.000", 1)
	withHeader := func(sig string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set(SignatureHeader, sig)
		}
		return h
	}
	for _, tc := range []struct {
		name    string
		header  http.Header
		body    string
		want    []hub.WebhookEvent
		badSig  bool
		invalid bool
	}{
		{name: "a correctly signed event is one event keyed by what it says",
			header: signed(invoiceUpdated), body: invoiceUpdated,
			want: []hub.WebhookEvent{{ID: orgTenant + "/INVOICE/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777/UPDATE/2026-11-02T01:15:39.902Z", Type: "INVOICE.UPDATE", Resource: "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777"}}},
		{name: "a delivery of two events is two events", header: signed(twoEvents), body: twoEvents,
			want: []hub.WebhookEvent{
				{ID: orgTenant + "/INVOICE/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777/UPDATE/2026-11-02T01:15:39.902Z", Type: "INVOICE.UPDATE", Resource: "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777"},
				{ID: orgTenant + "/CONTACT/6a68adde-f210-4465-b0a9-0d8cc6f50762/CREATE/2026-11-02T01:15:40.001Z", Type: "CONTACT.CREATE", Resource: "6a68adde-f210-4465-b0a9-0d8cc6f50762"},
			}},
		{name: "a correctly signed intent-to-receive delivery is answered 200 with no event", header: signed(intentToReceive), body: intentToReceive},
		{name: "an event of yesterday is still within Xero's retries", header: signed(yesterday), body: yesterday,
			want: []hub.WebhookEvent{{ID: orgTenant + "/INVOICE/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777/UPDATE/2026-11-01T02:00:00Z", Type: "INVOICE.UPDATE", Resource: "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777"}}},
		{name: "a wrongly signed intent-to-receive delivery is a bad signature", header: withHeader(Sign(secrets.New("other-key"), []byte(intentToReceive))), body: intentToReceive, badSig: true},
		{name: "a signature of another body is a bad signature", header: signed(intentToReceive), body: invoiceUpdated, badSig: true},
		{name: "a body changed after signing is a bad signature", header: signed(invoiceUpdated), body: strings.Replace(invoiceUpdated, "UPDATE", "CREATE", 1), badSig: true},
		{name: "no signature is a bad signature", header: withHeader(""), body: invoiceUpdated, badSig: true},
		{name: "a signature that is not Base64 is a bad signature", header: withHeader("not*base64"), body: invoiceUpdated, badSig: true},
		{name: "a hex signature of the right MAC is a bad signature", header: withHeader("deadbeef"), body: invoiceUpdated, badSig: true},
		{name: "a delivery whose events are older than Xero retries is refused as a replay", header: signed(stale), body: stale, badSig: true},
		{name: "a bad signature is refused before the body is read", header: withHeader("AAAA"), body: `{not json`, badSig: true},
		{name: "a signed body that is not JSON is malformed", header: signed(`{not json`), body: `{not json`, invalid: true},
		{name: "a signed delivery without events is malformed", header: signed(`{"entropy":"x"}`), body: `{"entropy":"x"}`, invalid: true},
		{name: "a signed event without a resource is malformed",
			header: signed(`{"events":[{"eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t","eventDateUtc":"2026-11-02T01:15:39"}]}`),
			body:   `{"events":[{"eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t","eventDateUtc":"2026-11-02T01:15:39"}]}`, invalid: true},
		{name: "a signed event without a time is malformed",
			header: signed(`{"events":[{"resourceId":"r","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t"}]}`),
			body:   `{"events":[{"resourceId":"r","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t"}]}`, invalid: true},
		{name: "without a tenant setting, every organisation's events are taken", header: signed(other), body: other,
			want: []hub.WebhookEvent{{ID: "99999999-9458-4c7d-93cc-f02b81b0594f/INVOICE/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777/UPDATE/2026-11-02T01:15:39.902Z", Type: "INVOICE.UPDATE", Resource: "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := x.VerifyWebhook(t.Context(), tc.header, []byte(tc.body))
			switch {
			case tc.badSig:
				if !errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want ErrBadSignature", err)
				}
				if strings.Contains(err.Error(), webhookKey) {
					t.Fatalf("the error %q holds the key", err)
				}
				return
			case tc.invalid:
				if err == nil || errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want a malformed-delivery error", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if res.Reply == nil || res.Reply.Status != http.StatusOK || len(res.Reply.Body) != 0 {
				t.Fatalf("reply %+v; Xero wants 200 with no body", res.Reply)
			}
			if len(res.Events) != len(tc.want) {
				t.Fatalf("events %+v; want %+v", res.Events, tc.want)
			}
			for i := range tc.want {
				if res.Events[i] != tc.want[i] {
					t.Fatalf("event %d = %+v; want %+v", i, res.Events[i], tc.want[i])
				}
			}
		})
	}
}

func TestVerifyWebhook_skipsOtherOrganisationsWithATenantSetting(t *testing.T) {
	t.Parallel()
	x := webhookXero(t, webhookKey, map[string]any{"tenant_id": "99999999-9458-4c7d-93cc-f02b81b0594f"})
	res, err := x.VerifyWebhook(t.Context(), signed(invoiceUpdated), []byte(invoiceUpdated))
	if err != nil || len(res.Events) != 0 || res.Reply == nil || res.Reply.Status != 200 {
		t.Fatalf("result %+v, %v; want 200 and no event for another organisation", res, err)
	}
}

func TestVerifyWebhook_withoutAKeyRefusesEverything(t *testing.T) {
	t.Parallel()
	x := webhookXero(t, "", nil)
	_, err := x.VerifyWebhook(t.Context(), signed(invoiceUpdated), []byte(invoiceUpdated))
	if !errors.Is(err, hub.ErrBadSignature) || !strings.Contains(err.Error(), "webhook_key") {
		t.Fatalf("err = %v; want ErrBadSignature naming the missing webhook_key", err)
	}
}

// ingress is hub.Ingress on the real embedded queue, with the connection's receiver
// routing to one flow.
func ingress(t *testing.T, x *Xero) (*hub.Ingress, *sqlitequeue.Queue) {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	return &hub.Ingress{Queue: q, Receivers: map[string]hub.WebhookReceiver{conn: x}, Routes: map[string][]string{conn: {"invoice-sync"}},
		Logger: slog.New(slog.DiscardHandler)}, q
}

func post(in http.Handler, header http.Header, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/hooks/"+conn, bytes.NewReader([]byte(body)))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	in.ServeHTTP(rec, req)
	return rec
}

func queued(t *testing.T, q *sqlitequeue.Queue) []queue.Message {
	t.Helper()
	var all []queue.Message
	for {
		msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return all
		}
		all = append(all, msgs...)
	}
}

// TestIngress_signatures goes through hub.Ingress and the SQLite queue: what Xero signed is
// enqueued and answered 200 with no body; everything refused is 401 with nothing enqueued.
func TestIngress_signatures(t *testing.T) {
	t.Parallel()
	x := webhookXero(t, webhookKey, nil)
	stale := strings.Replace(invoiceUpdated, "2026-11-02T01:15:39.902", "2026-10-30T01:15:39.902", 1)
	for _, tc := range []struct {
		name   string
		header http.Header
		body   string
		status int
		jobs   int
	}{
		{"a correct signature is enqueued and answered 200", signed(invoiceUpdated), invoiceUpdated, 200, 1},
		{"a correctly signed intent to receive is 200 with nothing enqueued", signed(intentToReceive), intentToReceive, 200, 0},
		{"a wrong signature is 401 with nothing enqueued", http.Header{SignatureHeader: {Sign(secrets.New("guess"), []byte(invoiceUpdated))}}, invoiceUpdated, 401, 0},
		{"a wrongly signed intent to receive is 401", http.Header{SignatureHeader: {Sign(secrets.New("guess"), []byte(intentToReceive))}}, intentToReceive, 401, 0},
		{"a stale replay is 401 with nothing enqueued", signed(stale), stale, 401, 0},
		{"a signed delivery that is not JSON is 400 with nothing enqueued", signed("{"), "{", 400, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in, q := ingress(t, x)
			rec := post(in, tc.header, tc.body)
			if rec.Code != tc.status {
				t.Fatalf("status %d; want %d", rec.Code, tc.status)
			}
			if tc.status == 200 && rec.Body.Len() != 0 {
				t.Errorf("body %q; Xero wants none", rec.Body.String())
			}
			if got := len(queued(t, q)); got != tc.jobs {
				t.Fatalf("%d jobs enqueued; want %d", got, tc.jobs)
			}
		})
	}
}

// TestIngress_replayWithinXerosRetriesNamesTheSameRun: Xero signs no time and sends no
// delivery id, so a delivery sent again within its 24 hours of retries cannot be told from
// a retry, and must not be refused (Xero would disable the webhook). It names the same run
// as the first, which the ledger absorbs.
func TestIngress_replayWithinXerosRetriesNamesTheSameRun(t *testing.T) {
	t.Parallel()
	x := webhookXero(t, webhookKey, nil)
	in, q := ingress(t, x)
	for range 2 {
		if rec := post(in, signed(invoiceUpdated), invoiceUpdated); rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
	}
	msgs := queued(t, q)
	if len(msgs) != 2 || msgs[0].Attributes["run_id"] != msgs[1].Attributes["run_id"] || msgs[0].Attributes["run_id"] == "" {
		t.Fatalf("jobs %+v; want two naming the same run", msgs)
	}
	// Re-batched by Xero with another entropy and sequence: still the same run.
	rebatched := strings.NewReplacer(`"entropy":"S0m3r4Nd0mt3xt"`, `"entropy":"OTHERRANDOMTEXT"`, `:7`, `:8`).Replace(invoiceUpdated)
	if rec := post(in, signed(rebatched), rebatched); rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if again := queued(t, q); len(again) != 1 || again[0].Attributes["run_id"] != msgs[0].Attributes["run_id"] {
		t.Fatalf("re-batched job %+v; want the same run %s", again, msgs[0].Attributes["run_id"])
	}
}

// TestSandboxWebhooks_throughIngress: the sandbox's intent-to-receive check passes against
// the real ingress, and its signed events are enqueued.
func TestSandboxWebhooks_throughIngress(t *testing.T) {
	t.Parallel()
	srv := xerotest.New(xerotest.Options{WebhookKey: webhookKey, Year: 2026, Month: time.October})
	t.Cleanup(func() {
		for _, v := range srv.Violations() {
			t.Errorf("sandbox: %s", v)
		}
	})
	x := webhookXero(t, webhookKey, map[string]any{"tenant_id": srv.TenantID()})
	x.now = time.Now
	in, q := ingress(t, x)
	hooks := httptest.NewServer(in)
	t.Cleanup(hooks.Close)
	url := hooks.URL + "/hooks/" + conn

	if err := srv.IntentToReceive(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	if n := len(queued(t, q)); n != 0 {
		t.Fatalf("the intent-to-receive check enqueued %d jobs", n)
	}
	status, err := srv.SendWebhook(t.Context(), url, srv.InvoiceEvent("717f2bfc-c6d4-41fd-b238-3f2f0c0cf777", "CREATE"), srv.ContactEvent("6a68adde-f210-4465-b0a9-0d8cc6f50762", "UPDATE"))
	if err != nil || status != 200 {
		t.Fatalf("send = %d, %v", status, err)
	}
	if n := len(queued(t, q)); n != 2 {
		t.Fatalf("%d jobs enqueued; want one per event", n)
	}
}

func TestIntentToReceive_failsAnEndpointThatAcceptsEverything(t *testing.T) {
	t.Parallel()
	srv := xerotest.New(xerotest.Options{Year: 2026, Month: time.October})
	lax := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	t.Cleanup(lax.Close)
	if err := srv.IntentToReceive(t.Context(), lax.URL); err == nil || !strings.Contains(err.Error(), "wrongly signed") {
		t.Fatalf("err = %v; want the check to fail on the wrongly signed delivery", err)
	}
}

// BenchmarkVerifyWebhook is the connector's share of a webhook's ingress: the HMAC over the
// body and reading the delivery.
func BenchmarkVerifyWebhook(b *testing.B) {
	x := &Xero{connection: conn, webhookKey: secrets.New(webhookKey), maxEventAge: DefaultMaxEventAge, now: func() time.Time { return eventNow }}
	header, body := signed(invoiceUpdated), []byte(invoiceUpdated)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.VerifyWebhook(context.Background(), header, body); err != nil {
			b.Fatal(err)
		}
	}
}
