package lambdahub_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	_ "github.com/urakata/urakata/connectors/all"
	"github.com/urakata/urakata/functions/internal/lambdahub"
	"github.com/urakata/urakata/shared/config"
	_ "github.com/urakata/urakata/shared/flows/all"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store/sqlitestore"
)

// fixture reads testdata/events/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The webhook token of the fixtures' freee connection.
const fixtureToken = "tok-demo-Zq81"

// hubText is the hub.yaml the functions' tests deploy: one freee-hr connection at baseURL
// whose flow runs on a schedule and on the connection's webhooks. dataDir, when set, is
// the embedded runtime's data folder.
func hubText(baseURL, tokenURL, dataDir string) string {
	runtime := "workers: 4, lease: 30s, visibility: 30s, max_receives: 5"
	if dataDir != "" {
		runtime = "data_dir: " + strconv.Quote(dataDir) + ", " + runtime
	}
	return `version: 1
company: {zone: Asia/Tokyo}
runtime: {` + runtime + `}
connections:
  freee-hr:
    vendor: freee-hr
    base_url: ` + baseURL + `
    secret: FREEE_HR
    settings: {company_id: 1, token_url: ` + tokenURL + `}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger:
      schedule: {cron: "0 6 1 * *", zone: Asia/Tokyo}
      webhook: {connection: freee-hr}
    period: {closing_day: 0, prescribed_daily_minutes: 450, prescribed_start: "09:00", prescribed_end: "17:30", week_start: sunday}
`
}

// writeHub writes hub.yaml text to a folder of its own and returns its path.
func writeHub(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// hubYAML is hubText without a data folder, loaded as the functions load it.
func hubYAML(t *testing.T, baseURL, tokenURL string) *config.File {
	t.Helper()
	return mustLoad(t, writeHub(t, hubText(baseURL, tokenURL, "")))
}

// withSlackAlerts adds to hub.yaml text (connections before flows) a Slack connection at
// slackURL, with the secret SLACK, and an alerts section posting to its channel.
func withSlackAlerts(text, slackURL, channel string) string {
	slack := "  slack:\n    vendor: slack\n    base_url: " + slackURL + "\n    secret: SLACK\n"
	return strings.Replace(text, "\nflows:\n", "\n"+slack+"flows:\n", 1) + "alerts: {chat: slack, channel: " + channel + "}\n"
}

// sandboxSecret is the freee sandbox's OAuth client, its first refresh token, and the
// fixtures' webhook token.
func sandboxSecret() string {
	b, _ := json.Marshal(map[string]string{
		"client_id": "freeetest-client", "client_secret": "freeetest-secret",
		"refresh_token": "freeetest-refresh-token", "webhook_token": fixtureToken,
	})
	return string(b)
}

// embeddedHub assembles the Lambda hub on the SQLite adapters, for handler tests that need
// no AWS.
func embeddedHub(t *testing.T, baseURL, tokenURL string, now func() time.Time) (*lambdahub.Hub, *sqlitequeue.Queue) {
	t.Helper()
	db, err := sqlitedb.Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	q, err := sqlitequeue.New(db, sqlitequeue.Options{Name: "work", MaxReceives: 5, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	st, err := sqlitestore.New(db, sqlitestore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	h, err := lambdahub.Assemble(t.Context(), hubYAML(t, baseURL, tokenURL), lambdahub.Ports{
		Queue: q, Store: st, Secrets: secrets.Static{"FREEE_HR": sandboxSecret()},
		MaxReceives: 5, Logger: quietLogger(), Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, q
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// invoke runs payload through the handler as the Lambda runtime does: decode, call, encode.
func invoke[TIn, TOut any](t *testing.T, handler func(ctx context.Context, in TIn) (TOut, error), payload []byte, opts ...lambda.Option) (TOut, error) {
	t.Helper()
	var out TOut
	raw, err := lambda.NewHandlerWithOptions(handler, opts...).Invoke(t.Context(), payload)
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("handler answer %s: %v", raw, err)
	}
	return out, nil
}

func received(t *testing.T, q queue.Queue) []queue.Message {
	t.Helper()
	msgs, err := q.Receive(t.Context(), queue.ReceiveOptions{Max: 10, Visibility: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestWebhookEnqueuesAJobPerVerifiedEvent(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"apigw-v2-webhook.json", "apigw-v2-webhook-base64.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, q := embeddedHub(t, "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", nil)
			res, err := invoke(t, h.WebhookHandler().Handle, fixture(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusAccepted || !strings.Contains(res.Body, `"accepted":1`) {
				t.Fatalf("answer %d %q; want 202 accepting one event", res.StatusCode, res.Body)
			}
			msgs := received(t, q)
			if len(msgs) != 1 {
				t.Fatalf("%d messages queued; want one job", len(msgs))
			}
			env, err := hub.Decode(msgs[0].Body)
			if err != nil {
				t.Fatal(err)
			}
			j := env.Job
			if env.Kind != hub.KindJob || j.Flow != "timeclock-to-payroll" || j.Trigger != "webhook" || j.Event == nil ||
				j.Event.ID != "5b1e7c1a-0f7e-4c55-9b1a-8f7f1d2e3a4b" || j.Event.Resource != "employee/771" {
				t.Fatalf("queued %+v; want the flow's job for the freee event", env)
			}
		})
	}
}

func TestWebhookRefusals(t *testing.T) {
	t.Parallel()
	var good events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(fixture(t, "apigw-v2-webhook.json"), &good); err != nil {
		t.Fatal(err)
	}
	edit := func(change func(r *events.APIGatewayV2HTTPRequest)) events.APIGatewayV2HTTPRequest {
		r := good
		r.Headers = map[string]string{}
		for k, v := range good.Headers {
			r.Headers[k] = v
		}
		r.PathParameters = map[string]string{"connection": "freee-hr"}
		change(&r)
		return r
	}
	for _, tc := range []struct {
		name string
		req  events.APIGatewayV2HTTPRequest
		want int
	}{
		{"a wrong token is 401", edit(func(r *events.APIGatewayV2HTTPRequest) { r.Headers["x-freee-token"] = "tok-demo-Zq82" }), http.StatusUnauthorized},
		{"no token is 401", edit(func(r *events.APIGatewayV2HTTPRequest) { delete(r.Headers, "x-freee-token") }), http.StatusUnauthorized},
		{"a body that is not base64 as announced is 400", edit(func(r *events.APIGatewayV2HTTPRequest) { r.IsBase64Encoded = true; r.Body = "%%%" }), http.StatusBadRequest},
		{"a verified body that is not a notification is 400", edit(func(r *events.APIGatewayV2HTTPRequest) { r.Body = "{}" }), http.StatusBadRequest},
		{"a connection without a webhook receiver is 404", edit(func(r *events.APIGatewayV2HTTPRequest) { r.PathParameters["connection"] = "slack" }), http.StatusNotFound},
		{"a GET is 405", edit(func(r *events.APIGatewayV2HTTPRequest) { r.RequestContext.HTTP.Method = http.MethodGet }), http.StatusMethodNotAllowed},
		{"a body over a mebibyte is 413", edit(func(r *events.APIGatewayV2HTTPRequest) { r.Body = `{"id":"` + strings.Repeat("x", 1<<20) + `"}` }), http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, q := embeddedHub(t, "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", nil)
			res, err := h.WebhookHandler().Handle(t.Context(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.want {
				t.Fatalf("status %d %q; want %d", res.StatusCode, res.Body, tc.want)
			}
			if msgs := received(t, q); len(msgs) != 0 {
				t.Fatalf("%d messages queued; want nothing", len(msgs))
			}
		})
	}
}

func TestWebhookFindsTheConnectionInThePath(t *testing.T) {
	t.Parallel()
	var good events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(fixture(t, "apigw-v2-webhook.json"), &good); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, rawPath, stage string
	}{
		{"on the default stage the raw path is the route", "/hooks/freee-hr", "$default"},
		{"on a named stage the stage is taken off the raw path", "/prod/hooks/freee-hr", "prod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, q := embeddedHub(t, "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", nil)
			req := good
			req.PathParameters, req.RawPath, req.RequestContext.Stage = nil, tc.rawPath, tc.stage
			res, err := h.WebhookHandler().Handle(t.Context(), req)
			if err != nil || res.StatusCode != http.StatusAccepted {
				t.Fatalf("status %d %q, err %v; want 202", res.StatusCode, res.Body, err)
			}
			if msgs := received(t, q); len(msgs) != 1 {
				t.Fatalf("%d messages queued; want one", len(msgs))
			}
		})
	}
}

func TestWebhookAnswersBinaryInBase64(t *testing.T) {
	t.Parallel()
	wh := &lambdahub.Webhook{Ingress: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Seen", r.Header.Get("X-Freee-Token"))
		w.Header().Add("X-Seen", "twice")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte{0xff, 0x00, 0x01})
	})}
	res, err := wh.Handle(t.Context(), events.APIGatewayV2HTTPRequest{
		RawPath: "/hooks/x", Headers: map[string]string{"x-freee-token": "t"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := base64.StdEncoding.DecodeString(res.Body)
	if !res.IsBase64Encoded || string(got) != "\xff\x00\x01" || res.Headers["X-Seen"] != "t,twice" {
		t.Fatalf("answer %+v; want the bytes in base64 and the header values joined", res)
	}
}
