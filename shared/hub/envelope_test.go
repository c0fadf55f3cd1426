package hub_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/hub"
)

type summary struct {
	Minutes int      `json:"minutes"`
	Days    float64  `json:"days"`
	Tags    []string `json:"tags,omitempty"`
}

func TestNewDeliveryKey(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	base := func() (flow, target, key, run string, payload any, now time.Time) {
		return "timeclock", "freee-hr", "employee/1/2026-10", "run-1", summary{Minutes: 480, Days: 1}, at
	}
	ref, err := hub.NewDelivery(base())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		change   func(flow, target, key, run *string, payload *any, now *time.Time)
		sameKey  bool
		sameVers bool
	}{
		{"the same flow, target, natural key and payload give the same key",
			func(*string, *string, *string, *string, *any, *time.Time) {}, true, true},
		{"another run of the same content keeps the key",
			func(_, _, _, run *string, _ *any, _ *time.Time) { *run = "run-2" }, true, true},
		{"planning it later keeps the key",
			func(_, _, _, _ *string, _ *any, now *time.Time) { *now = now.Add(72 * time.Hour) }, true, true},
		{"planning it at the same instant in another zone keeps the key",
			func(_, _, _, _ *string, _ *any, now *time.Time) { *now = now.In(time.FixedZone("JST", 9*3600)) }, true, true},
		{"an equal payload of another Go type with the same JSON keeps the key",
			func(_, _, _, _ *string, p *any, _ *time.Time) {
				*p = struct {
					M int `json:"minutes"`
					D int `json:"days"`
				}{480, 1}
			}, true, true},
		{"a changed payload changes the key and the version",
			func(_, _, _, _ *string, p *any, _ *time.Time) { *p = summary{Minutes: 481, Days: 1} }, false, false},
		{"another natural key changes the key, not the version",
			func(_, _, key, _ *string, _ *any, _ *time.Time) { *key = "employee/2/2026-10" }, false, true},
		{"another target changes the key",
			func(_, target, _, _ *string, _ *any, _ *time.Time) { *target = "smarthr" }, false, true},
		{"another flow changes the key",
			func(flow, _, _, _ *string, _ *any, _ *time.Time) { *flow = "timeclock-b" }, false, true},
		{"moving a separator between flow and target changes the key",
			func(flow, target, _, _ *string, _ *any, _ *time.Time) { *flow, *target = "timeclockf", "reee-hr" }, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			flow, target, key, run, payload, now := base()
			tc.change(&flow, &target, &key, &run, &payload, &now)
			d, err := hub.NewDelivery(flow, target, key, run, payload, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Key == ref.Key; got != tc.sameKey {
				t.Errorf("key %s vs %s: same = %v, want %v", d.Key, ref.Key, got, tc.sameKey)
			}
			if got := d.Version == ref.Version; got != tc.sameVers {
				t.Errorf("version %s vs %s: same = %v, want %v", d.Version, ref.Version, got, tc.sameVers)
			}
			if want := hub.DeliveryKey(flow, target, key, d.Version); d.Key != want {
				t.Errorf("NewDelivery key %s, DeliveryKey gives %s", d.Key, want)
			}
			if d.RunID != run || !d.PlannedAt.Equal(now) || d.PlannedAt.Location() != time.UTC {
				t.Errorf("RunID %q PlannedAt %v: want %q and %v in UTC", d.RunID, d.PlannedAt, run, now)
			}
		})
	}
}

func TestDeliveryKeyShape(t *testing.T) {
	t.Parallel()
	k := hub.DeliveryKey("f", "t", "n", "v")
	if !strings.HasPrefix(k, "d1-") || len(k) != 43 {
		t.Errorf("DeliveryKey = %q, want d1- and 40 hex digits", k)
	}
	if k != hub.DeliveryKey("f", "t", "n", "v") {
		t.Errorf("DeliveryKey is not deterministic")
	}
	if strings.Contains(hub.DeliveryKey("f", "t", "employee/4711/2026-10", "v"), "4711") {
		t.Errorf("DeliveryKey shows the natural key; it should be a digest")
	}
}

func TestNewDeliveryRefusesAPayloadThatIsNotJSON(t *testing.T) {
	t.Parallel()
	_, err := hub.NewDelivery("f", "t", "employee/1/2026-10", "r", func() {}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "employee/1/2026-10") {
		t.Errorf("NewDelivery(func) error = %v, want one naming the natural key", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		body string
		want []string
	}{
		{"a body that is not JSON says so", `hello`, []string{"not JSON"}},
		{"a truncated body says it is not JSON", `{"v":1,"kind":"job"`, []string{"not JSON"}},
		{"an older version names both versions", `{"v":0,"kind":"job","job":{"flow":"f"}}`, []string{"version 0", "reads version 1"}},
		{"a newer version names both versions", `{"v":2,"kind":"job","job":{"flow":"f"}}`, []string{"version 2", "reads version 1"}},
		{"a delivery without its body names the kind", `{"v":1,"kind":"delivery"}`, []string{`kind "delivery" without its body`}},
		{"a job without its body names the kind", `{"v":1,"kind":"job"}`, []string{`kind "job" without its body`}},
		{"a kind with the other kind's body is refused", `{"v":1,"kind":"job","delivery":{"key":"k"}}`, []string{`kind "job" without its body`}},
		{"an unknown kind names what it wants", `{"v":1,"kind":"poke","job":{}}`, []string{`kind "poke"`, `"delivery"`, `"job"`}},
		{"a JSON null is no envelope", `null`, []string{"version 0"}},
		{"a delivery without its key is refused, since it cannot be claimed",
			`{"v":1,"kind":"delivery","delivery":{"flow":"f","natural_key":"employee/1/2026-10"}}`, []string{"employee/1/2026-10", "without its idempotency key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := hub.Decode([]byte(tc.body))
			if err == nil {
				t.Fatalf("Decode(%s) gave no error", tc.body)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Decode(%s) error %q: want it to contain %q", tc.body, err, w)
				}
			}
		})
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	t.Parallel()
	d, err := hub.NewDelivery("timeclock", "freee-hr", "employee/1/2026-10", "run-1",
		summary{Minutes: 480, Days: 0.5, Tags: []string{"a"}}, time.Date(2026, 11, 1, 0, 30, 0, 0, time.FixedZone("JST", 9*3600)))
	if err != nil {
		t.Fatal(err)
	}
	job := hub.Job{Flow: "timeclock", RunID: "wh-1", Period: "2026-10", Trigger: "webhook",
		At: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Event: &hub.WebhookEvent{ID: "ev-1", Type: "attendance.updated", Resource: "42"}}
	for _, tc := range []struct {
		name string
		env  hub.Envelope
	}{
		{"a delivery comes back as it was sent", hub.Envelope{Kind: hub.KindDelivery, Delivery: &d}},
		{"a job comes back as it was sent", hub.Envelope{Kind: hub.KindJob, Job: &job}},
		{"an envelope built without a version is sent at the current one", hub.Envelope{V: 0, Kind: hub.KindJob, Job: &job}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := tc.env.Encode()
			if err != nil {
				t.Fatal(err)
			}
			got, err := hub.Decode(b)
			if err != nil {
				t.Fatalf("Decode(Encode()) = %v\n%s", err, b)
			}
			want := tc.env
			want.V = hub.EnvelopeVersion
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
			}
			if got.Delivery != nil && !bytes.Equal(got.Delivery.Payload, d.Payload) {
				t.Errorf("payload %s, want %s byte for byte (its digest is the version)", got.Delivery.Payload, d.Payload)
			}
		})
	}
}

func TestDecodePayload(t *testing.T) {
	t.Parallel()
	d, err := hub.NewDelivery("f", "t", "employee/1/2026-10", "r", summary{Minutes: 7}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var s summary
	if err := hub.DecodePayload(d, &s); err != nil || s.Minutes != 7 {
		t.Fatalf("DecodePayload = %+v, %v", s, err)
	}
	d.Payload = json.RawMessage(`{"minutes":"seven"}`)
	err = hub.DecodePayload(d, &s)
	if err == nil || !strings.Contains(err.Error(), "employee/1/2026-10") {
		t.Fatalf("DecodePayload of a wrong payload = %v, want an error naming the record", err)
	}
	if !isPermanent(err) {
		t.Errorf("DecodePayload error %v is not permanent; a payload that does not fit never will", err)
	}
}

// A job and a delivery travel as their envelope, with the attributes the queue's consumers
// route by: the Lambda router sends by "flow", the worker logs by "run_id" and "key".
func TestMessagesCarryTheirEnvelopeAndRoutingAttributes(t *testing.T) {
	t.Parallel()
	job := hub.Job{Flow: "bot", RunID: "r1", Trigger: "webhook"}
	m, err := job.Message()
	if err != nil {
		t.Fatal(err)
	}
	env, err := hub.Decode(m.Body)
	if err != nil || env.Kind != hub.KindJob || env.Job == nil || env.Job.Flow != "bot" {
		t.Fatalf("job body decodes to %+v, %v", env, err)
	}
	if a := m.Attributes; a["kind"] != string(hub.KindJob) || a["flow"] != "bot" || a["run_id"] != "r1" || len(a) != 3 {
		t.Errorf("job attributes %v", a)
	}
	d, err := hub.NewDelivery("payroll", "freee-hr", "employee/1/2026-10", "r2", map[string]int{"x": 1}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m, err = d.Message()
	if err != nil {
		t.Fatal(err)
	}
	env, err = hub.Decode(m.Body)
	if err != nil || env.Kind != hub.KindDelivery || env.Delivery == nil || env.Delivery.Key != d.Key {
		t.Fatalf("delivery body decodes to %+v, %v", env, err)
	}
	if a := m.Attributes; a["kind"] != string(hub.KindDelivery) || a["flow"] != "payroll" || a["run_id"] != "r2" || a["key"] != d.Key || len(a) != 4 {
		t.Errorf("delivery attributes %v", a)
	}
}
