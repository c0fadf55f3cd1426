package alerts_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/alerts"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/queue"
)

func TestClassKeepsTheCauseAndDropsTheRecord(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, msg, want string
	}{
		{"an operation, a status and the vendor's message are kept",
			"freee-hr: put work record summary: 400: month is closed",
			"freee-hr: put work record summary: 400: month is closed"},
		{"ids and periods become #",
			"freee-hr: put work record summary for employee 4711 2026-10: 400: month is closed",
			"freee-hr: put work record summary for employee # #-#: 400: month is closed"},
		{"a quoted name is dropped",
			`xero: employee "山田 太郎" has no pay template`,
			`xero: employee "…" has no pay template`},
		{"an email address is dropped",
			"slack: users.lookupByEmail taro.yamada@example.co.jp: users_not_found",
			"slack: users.lookupByEmail (email): users_not_found"},
		{"an amount is dropped",
			"freee-accounting: deal amount 123456 exceeds the limit",
			"freee-accounting: deal amount # exceeds the limit"},
		{"a URL with its query is dropped",
			"Get https://api.example.com/hr/api/v1/employees/42?company_id=1&year=2026: dial tcp 127.0.0.1:54321: connection refused",
			"Get (url): dial tcp #.#.#.#:#: connection refused"},
		{"a URL path keeps its shape without its ids",
			"freee-hr: PUT /hr/api/v1/employees/4711/work_record_summaries/2026/10: 400: month is closed",
			"freee-hr: PUT /hr/api/v#/employees/#/work_record_summaries/#/#: 400: month is closed"},
		{"a bearer token is dropped",
			"request refused: Authorization: Bearer abcDEF123ghi; retry",
			"request refused: Authorization: Bearer (redacted); retry"},
		{"a secret after its name is dropped",
			"token endpoint: refresh_token=rt-1a2b3c; client_secret: s3cr3t",
			"token endpoint: refresh_token=(redacted); client_secret: (redacted)"},
		{"a long opaque string is dropped",
			"token endpoint answered for client Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA",
			"token endpoint answered for client (redacted)"},
		{"a uuid becomes one #",
			"xero: manual journal 3f2a9c1b-0d4e-4f5a-9b8c-7d6e5f4a3b2c: validation failed",
			"xero: manual journal #: validation failed"},
		{"markup that chat services act on is neutralised",
			"vendor said <!channel> [toall] `rm` a|b & c",
			"vendor said (!channel) (toall) 'rm' a/b + c"},
		{"whitespace and newlines fold to one space",
			"  line one\n\tline   two  ",
			"line one line two"},
		{"a Japanese message is kept",
			"freee-hr: put work record summary: 400: 締め済みの月です",
			"freee-hr: put work record summary: 400: 締め済みの月です"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := alerts.Class(tc.msg); got != tc.want {
				t.Errorf("Class(%q)\n got %q\nwant %q", tc.msg, got, tc.want)
			}
		})
	}
}

func TestClassIsTheSameForTwoRecordsFailingTheSameWay(t *testing.T) {
	t.Parallel()
	a := alerts.Class(`freee-hr: put work record summary for employee 101 (E0101, "佐藤 花子"): 400: month is closed`)
	b := alerts.Class(`freee-hr: put work record summary for employee 2042 (E2042, "鈴木 一郎"): 400: month is closed`)
	if a != b {
		t.Fatalf("classes differ:\n%q\n%q", a, b)
	}
}

func TestClassIsCut(t *testing.T) {
	t.Parallel()
	got := alerts.Class(strings.Repeat("vendor says no ", 40))
	if n := len([]rune(got)); n != 160 || !strings.HasSuffix(got, "…") {
		t.Fatalf("class of %d characters ending %q; want 160 ending with …", n, got[len(got)-8:])
	}
}

// githubFingerprint is the GitHub connector's rule for fingerprints.
var githubFingerprint = regexp.MustCompile(`^[A-Za-z0-9._:/@+=-]{1,200}$`)

func TestFingerprint(t *testing.T) {
	t.Parallel()
	base := alerts.Alert{Kind: alerts.DeadLetter, Flow: "timeclock-to-payroll", Connection: "freee-hr", Cause: "freee-hr: 400: month is closed", RunID: "r1"}
	fp := base.Fingerprint()
	if !strings.HasPrefix(fp, "dead-letter/timeclock-to-payroll/freee-hr/") || !githubFingerprint.MatchString(fp) {
		t.Fatalf("fingerprint %q; want kind/flow/connection/hash within GitHub's rule", fp)
	}
	other := base
	other.RunID = "r2"
	if other.Fingerprint() != fp {
		t.Error("the run changed the fingerprint; the same failure in another run must match")
	}
	for _, change := range []func(*alerts.Alert){
		func(a *alerts.Alert) { a.Kind = alerts.FlowFailed },
		func(a *alerts.Alert) { a.Flow = "expense-to-accounting" },
		func(a *alerts.Alert) { a.Connection = "xero" },
		func(a *alerts.Alert) { a.Cause = "freee-hr: 400: employee is retired" },
	} {
		a := base
		change(&a)
		if a.Fingerprint() == fp {
			t.Errorf("%+v has the fingerprint of %+v", a, base)
		}
	}
	if fp := (alerts.Alert{Kind: alerts.DeadLetter}).Fingerprint(); !githubFingerprint.MatchString(fp) || !strings.HasPrefix(fp, "dead-letter/-/-/") {
		t.Errorf("fingerprint without flow or connection %q; want placeholders", fp)
	}
}

func TestFromError(t *testing.T) {
	t.Parallel()
	reconnect := &fault.PermanentError{Op: "freee-hr", Status: 401, Message: "reconnect freee-hr: authorise again", Err: &fault.ReconnectError{Connection: "freee-hr"}}
	for _, tc := range []struct {
		name string
		err  error
		want alerts.Alert
	}{
		{"a reconnect error raises a reconnect alert for its connection, whatever was asked",
			fmt.Errorf("flow payroll: list employees: %w", reconnect),
			alerts.Alert{Kind: alerts.Reconnect, Flow: "payroll", Connection: "freee-hr", Cause: "invalid_grant", RunID: "r"}},
		{"the bare sentinel falls back to the connection given",
			fmt.Errorf("xero: %w", fault.ErrReconnect),
			alerts.Alert{Kind: alerts.Reconnect, Flow: "payroll", Connection: "target", Cause: "invalid_grant", RunID: "r"}},
		{"a permanent error is classed by the vendor's refusal, not the wrapping that names the record",
			fmt.Errorf("put work summary employee/4711/2026-10: %w", fault.Permanentf("freee-hr: put summary", "month is closed")),
			alerts.Alert{Kind: alerts.DeadLetter, Flow: "payroll", Connection: "target", Cause: "freee-hr: put summary: month is closed", RunID: "r"}},
		{"a transient error keeps its whole message",
			fmt.Errorf("put work summary employee/4711/2026-10: %w", errors.New("connection reset")),
			alerts.Alert{Kind: alerts.DeadLetter, Flow: "payroll", Connection: "target", Cause: "put work summary employee/#/#-#: connection reset", RunID: "r"}},
		{"any other error keeps the kind asked, with its class",
			fault.Permanentf("freee-hr: put summary", "employee 12 is retired"),
			alerts.Alert{Kind: alerts.DeadLetter, Flow: "payroll", Connection: "target", Cause: "freee-hr: put summary: employee # is retired", RunID: "r"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := alerts.FromError(alerts.DeadLetter, "payroll", "target", "r", tc.err); got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestForOutcome(t *testing.T) {
	t.Parallel()
	refused := fault.Permanentf("freee-hr: put summary", "month is closed")
	for _, tc := range []struct {
		name  string
		o     hub.Outcome
		raise bool
		want  alerts.Alert
	}{
		{"a delivered record raises nothing", hub.Outcome{Flow: "f", Key: "k", Status: hub.StatusDelivered}, false, alerts.Alert{}},
		{"a retry raises nothing yet", hub.Outcome{Flow: "f", Key: "k", Status: hub.StatusRetry, Err: errors.New("reset")}, false, alerts.Alert{}},
		{"a dead delivery is a dead letter of the flow's target",
			hub.Outcome{RunID: "r", Flow: "f", Key: "k", NaturalKey: "employee/1/2026-10", Status: hub.StatusDead, Err: refused}, true,
			alerts.Alert{Kind: alerts.DeadLetter, Flow: "f", Connection: "target", Cause: "freee-hr: put summary: month is closed", RunID: "r"}},
		{"a dead job is a failed run of the flow",
			hub.Outcome{RunID: "r", Flow: "f", Status: hub.StatusDead, Err: refused}, true,
			alerts.Alert{Kind: alerts.FlowFailed, Flow: "f", Cause: "freee-hr: put summary: month is closed", RunID: "r"}},
		{"a dead delivery that must reconnect is a reconnect alert",
			hub.Outcome{RunID: "r", Flow: "f", Key: "k", NaturalKey: "n", Status: hub.StatusDead, Err: &fault.PermanentError{Message: "reconnect xero", Err: &fault.ReconnectError{Connection: "xero"}}}, true,
			alerts.Alert{Kind: alerts.Reconnect, Flow: "f", Connection: "xero", Cause: "invalid_grant", RunID: "r"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := alerts.ForOutcome(tc.o, "target")
			if ok != tc.raise || got != tc.want {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tc.want, tc.raise)
			}
		})
	}
}

func TestForDeadLetter(t *testing.T) {
	t.Parallel()
	delivery := queue.DeadLetter{Message: queue.Message{Attributes: map[string]string{"kind": "delivery", "flow": "f", "run_id": "r", "key": "k"}}, LastError: "dial tcp 10.0.0.1:443: i/o timeout"}
	if got, want := alerts.ForDeadLetter(delivery, "target"), (alerts.Alert{Kind: alerts.DeadLetter, Flow: "f", Connection: "target", Cause: "dial tcp #.#.#.#:#: i/o timeout", RunID: "r"}); got != want {
		t.Errorf("delivery: got %+v; want %+v", got, want)
	}
	job := queue.DeadLetter{Message: queue.Message{Attributes: map[string]string{"kind": "job", "flow": "f", "run_id": "r"}}, LastError: "source down"}
	if got, want := alerts.ForDeadLetter(job, "target"), (alerts.Alert{Kind: alerts.FlowFailed, Flow: "f", Cause: "source down", RunID: "r"}); got != want {
		t.Errorf("job: got %+v; want %+v", got, want)
	}
}
