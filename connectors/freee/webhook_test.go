package freee

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store/storetest"
)

// webhookHR builds a connection of company 1234 whose secret holds the given extra JSON
// members (e.g. a webhook_token).
func webhookHR(t *testing.T, extra string) *HR {
	t.Helper()
	v, err := Connector.New(t.Context(), hub.Env{
		Connection: connName,
		BaseURL:    "http://127.0.0.1:9/hr",
		Settings:   map[string]any{"company_id": 1234},
		Secret:     secrets.New(`{"client_id":"cid","client_secret":"cs","refresh_token":"rt-0"` + extra + `}`),
		Tokens:     &storetest.MemoryTokens{},
		Zone:       jst,
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.(*HR)
}

const employeeUpdated = `{"id":"5b1e7c1a-0f7e-4c55-9b1a-8f7f1d2e3a4b","application_id":42,"resource":"hr:employee","action":"updated","created_at":"2026-11-02T10:15:00+09:00","employee":{"id":771,"company_id":1234}}`

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	hr := webhookHR(t, `,"webhook_token":"tok-Zq81"`)
	withToken := func(tok string) http.Header {
		h := http.Header{}
		if tok != "" {
			h.Set("X-Freee-Token", tok)
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
		{name: "a notification with the right token is one event keyed by its id",
			header: withToken("tok-Zq81"), body: employeeUpdated,
			want: []hub.WebhookEvent{{ID: "5b1e7c1a-0f7e-4c55-9b1a-8f7f1d2e3a4b", Type: "hr:employee.updated", Resource: "employee/771"}}},
		{name: "a resource without its record still names the event",
			header: withToken("tok-Zq81"), body: `{"id":"e-2","resource":"hr:employee","action":"destroyed"}`,
			want: []hub.WebhookEvent{{ID: "e-2", Type: "hr:employee.destroyed"}}},
		{name: "a notification for another company of the app is accepted with no event",
			header: withToken("tok-Zq81"), body: strings.Replace(employeeUpdated, `"company_id":1234`, `"company_id":99`, 1)},
		{name: "a wrong token is a bad signature", header: withToken("tok-Zq82"), body: employeeUpdated, badSig: true},
		{name: "a longer token that starts with the right one is a bad signature", header: withToken("tok-Zq81x"), body: employeeUpdated, badSig: true},
		{name: "no token is a bad signature", header: withToken(""), body: employeeUpdated, badSig: true},
		{name: "a bad token is refused before the body is read", header: withToken("nope"), body: `{not json`, badSig: true},
		{name: "a body that is not JSON is malformed", header: withToken("tok-Zq81"), body: `{not json`, invalid: true},
		{name: "a notification without an id is malformed", header: withToken("tok-Zq81"), body: `{"resource":"hr:employee","action":"created"}`, invalid: true},
		{name: "a record that is not an object is malformed", header: withToken("tok-Zq81"), body: `{"id":"e-3","resource":"hr:employee","action":"created","employee":7}`, invalid: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := hr.VerifyWebhook(t.Context(), tc.header, []byte(tc.body))
			switch {
			case tc.badSig:
				if !errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want ErrBadSignature", err)
				}
				if strings.Contains(err.Error(), "tok-Zq81") {
					t.Fatalf("the error %q holds the token", err)
				}
				return
			case tc.invalid:
				if err == nil || errors.Is(err, hub.ErrBadSignature) {
					t.Fatalf("err = %v; want a malformed-notification error", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if res.Reply != nil {
				t.Fatalf("reply %+v; freee expects none", res.Reply)
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

func TestVerifyWebhookWithoutATokenRefusesEverything(t *testing.T) {
	t.Parallel()
	hr := webhookHR(t, "")
	h := http.Header{}
	for _, tok := range []string{"", "anything"} {
		h.Set("X-Freee-Token", tok)
		_, err := hr.VerifyWebhook(t.Context(), h, []byte(employeeUpdated))
		if !errors.Is(err, hub.ErrBadSignature) || !strings.Contains(err.Error(), "webhook_token") {
			t.Fatalf("token %q: err = %v; want ErrBadSignature naming the missing webhook_token", tok, err)
		}
	}
}

func TestAWebhookTokenThatIsNotAStringIsRefusedAtStart(t *testing.T) {
	t.Parallel()
	_, err := Connector.New(t.Context(), hub.Env{
		Connection: connName, Settings: map[string]any{"company_id": 1234},
		Secret: secrets.New(`{"client_id":"cid","client_secret":"cs","refresh_token":"rt-0","webhook_token":12}`),
		Tokens: &storetest.MemoryTokens{},
	})
	if err == nil || !strings.Contains(err.Error(), "webhook_token") {
		t.Fatalf("err = %v; want it to name webhook_token", err)
	}
}
