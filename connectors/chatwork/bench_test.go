package chatwork_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/chatwork"
	"github.com/urakata/urakata/connectors/chatwork/chatworktest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/secrets"
)

// BenchmarkVerifyWebhook measures what ingress spends per Chatwork delivery: the HMAC over
// the raw body, parsing, the time window and the replay guard.
func BenchmarkVerifyWebhook(b *testing.B) {
	v, err := chatwork.Connector.New(b.Context(), hub.Env{Connection: "cw", BaseURL: "http://127.0.0.1:9/v2",
		Secret: secrets.New(`{"api_token":"t","webhook_token":"` + webhookToken + `"}`)})
	if err != nil {
		b.Fatal(err)
	}
	chat := v.(*chatwork.Chat)
	now := time.Now().Unix()
	bodies := make([][]byte, 4096)
	headers := make([]http.Header, len(bodies))
	for i := range bodies {
		bodies[i] = []byte(fmt.Sprintf(`{"webhook_setting_id":"7001","webhook_event_type":"mention_to_me","webhook_event_time":%d,`+
			`"webhook_event":{"from_account_id":9100001,"to_account_id":9000001,"room_id":300000010,"message_id":"%d",`+
			`"body":"[To:9000001] 経費の件でご相談です","send_time":%d,"update_time":0}}`, now, 1500000000000000000+i, now))
		sig, err := chatworktest.Sign(webhookToken, bodies[i])
		if err != nil {
			b.Fatal(err)
		}
		headers[i] = http.Header{"X-Chatworkwebhooksignature": {sig}}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// Each id is new until the bodies wrap around; the replays after that are refused,
		// which costs the same checks.
		_, _ = chat.VerifyWebhook(b.Context(), headers[i%len(bodies)], bodies[i%len(bodies)])
		i++
	}
}
