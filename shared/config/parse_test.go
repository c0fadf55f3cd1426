package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/urakata/urakata/shared/config"
)

// examplePath is the example hub.yaml as it was when these tests were written: the config
// package tests parsing against its own fixture vocabulary, not the demo, which
// cmd/urakata checks against the real connectors.
const examplePath = "testdata/example.yaml"

func TestExampleFileParses(t *testing.T) {
	t.Parallel()
	f, err := config.Load(examplePath, testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != examplePath || f.Version != 1 {
		t.Fatalf("Name, Version = %q, %d", f.Name, f.Version)
	}
	if f.Company.Name != "デモ株式会社" || f.Company.Zone.String() != "Asia/Tokyo" {
		t.Fatalf("Company = %q, %v", f.Company.Name, f.Company.Zone)
	}
	wantRuntime := config.Runtime{DataDir: ".urakata", Workers: 4, Lease: 2 * time.Minute,
		Visibility: 2 * time.Minute, MaxReceives: 5, Listen: "127.0.0.1:8787"}
	if f.Runtime != wantRuntime {
		t.Fatalf("Runtime = %+v, want %+v", f.Runtime, wantRuntime)
	}
	wantConn := []config.Connection{{Name: "freee-hr", Vendor: "freee-hr", Secret: "FREEE_HR",
		Settings: map[string]any{"company_id": 1}}}
	if !reflect.DeepEqual(f.Connections, wantConn) {
		t.Fatalf("Connections = %+v, want %+v", f.Connections, wantConn)
	}
	if len(f.Flows) != 1 {
		t.Fatalf("%d flows, want 1", len(f.Flows))
	}
	fl := f.Flows[0]
	if fl.Name != "timeclock-to-payroll" || fl.Type != "timeclock-to-payroll" || fl.Source != "freee-hr" || fl.Target != "freee-hr" {
		t.Fatalf("Flow = %+v", fl)
	}
	if s := fl.Trigger.Schedule; s == nil || s.Cron != "0 6 1 * *" || s.Zone.String() != "Asia/Tokyo" || fl.Trigger.Webhook != nil {
		t.Fatalf("Trigger = %+v", fl.Trigger)
	}
	wantPeriod := &config.Period{
		ClosingDay: 0, PrescribedDailyMinutes: 480,
		PrescribedStart: &config.Clock{Hour: 9}, PrescribedEnd: &config.Clock{Hour: 18},
		WeekStart: time.Sunday,
		Rounding:  config.Rounding{Unit: 1, Mode: config.RoundFloor, Apply: config.RoundDaily},
	}
	if !reflect.DeepEqual(fl.Period, wantPeriod) {
		t.Fatalf("Period = %+v, want %+v", fl.Period, wantPeriod)
	}
	if len(fl.Mapping) != 0 {
		t.Fatalf("Mapping = %v, want none", fl.Mapping)
	}
}

// richFile uses every key, with values other than the defaults.
const richFile = `version: 1
company:
  name: Example KK
  zone: UTC
runtime:
  data_dir: /var/lib/urakata
  workers: 8
  lease: 90s
  visibility: 1h30m
  max_receives: 3
  listen: :9000
connections:
  slack:
    vendor: slack
    secret: SLACK_BOT
    settings:
      channel: "#payroll"
      timeout: 1m
      dry_run: true
  freee-hr:
    vendor: freee-hr
    base_url: http://127.0.0.1:9999/hr
    secret: freee/hr
    settings: {company_id: 42, token_url: "https://accounts.example.com/token"}
flows:
  tc:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger:
      schedule: {cron: "30 5 21 * *", zone: Asia/Tokyo}
    period:
      closing_day: 20
      prescribed_daily_minutes: 450
      prescribed_start: "22:00"
      prescribed_end: "07:30"
      week_start: monday
      rounding: {unit: 15, mode: half_up, apply: monthly}
    mapping:
      match: [email, code]
      overrides: {"E042": "E042-B", "007": "7"}
  expenses:
    type: expense-to-journal
    source: slack
    target: freee-hr
    trigger:
      schedule: {cron: "@daily"}
      webhook: {connection: slack}
alerts:
  chat: slack
  channel: C0123OPS
  issues: freee-hr
`

func TestEveryKeyIsRead(t *testing.T) {
	t.Parallel()
	f, err := config.Parse("hub.yaml", []byte(richFile), richVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	wantRuntime := config.Runtime{DataDir: "/var/lib/urakata", Workers: 8, Lease: 90 * time.Second,
		Visibility: 90 * time.Minute, MaxReceives: 3, Listen: ":9000"}
	if f.Runtime != wantRuntime || f.Company.Name != "Example KK" || f.Company.Zone != time.UTC {
		t.Fatalf("Company, Runtime = %+v, %+v", f.Company, f.Runtime)
	}
	wantConns := []config.Connection{
		{Name: "slack", Vendor: "slack", Secret: "SLACK_BOT", Settings: map[string]any{
			"channel": "#payroll", "style": "blocks", "timeout": time.Minute, "dry_run": true}},
		{Name: "freee-hr", Vendor: "freee-hr", BaseURL: "http://127.0.0.1:9999/hr", Secret: "freee/hr",
			Settings: map[string]any{"company_id": 42, "token_url": "https://accounts.example.com/token"}},
	}
	if !reflect.DeepEqual(f.Connections, wantConns) {
		t.Fatalf("Connections =\n%+v\nwant\n%+v", f.Connections, wantConns)
	}
	if got := f.FlowNames(); !reflect.DeepEqual(got, []string{"tc", "expenses"}) {
		t.Fatalf("FlowNames() = %q, want file order", got)
	}
	tc := f.Flows[0]
	wantPeriod := &config.Period{
		ClosingDay: 20, PrescribedDailyMinutes: 450,
		PrescribedStart: &config.Clock{Hour: 22}, PrescribedEnd: &config.Clock{Hour: 7, Minute: 30},
		WeekStart: time.Monday,
		Rounding:  config.Rounding{Unit: 15, Mode: config.RoundHalfUp, Apply: config.RoundMonthly},
	}
	if !reflect.DeepEqual(tc.Period, wantPeriod) {
		t.Fatalf("Period = %+v, want %+v", tc.Period, wantPeriod)
	}
	wantMapping := map[string]any{
		"match":     []string{"email", "code"},
		"overrides": map[string]string{"E042": "E042-B", "007": "7"},
	}
	if !reflect.DeepEqual(tc.Mapping, wantMapping) {
		t.Fatalf("Mapping = %#v, want %#v", tc.Mapping, wantMapping)
	}
	if tc.Trigger.Schedule.Zone.String() != "Asia/Tokyo" {
		t.Fatalf("schedule zone = %v, want its own, not the company's", tc.Trigger.Schedule.Zone)
	}
	ex := f.Flows[1]
	if ex.Period != nil || len(ex.Mapping) != 0 {
		t.Fatalf("expenses: Period = %v, Mapping = %v; want none", ex.Period, ex.Mapping)
	}
	if ex.Trigger.Schedule.Zone != time.UTC {
		t.Fatalf("schedule zone = %v, want the company's UTC", ex.Trigger.Schedule.Zone)
	}
	if wh := ex.Trigger.Webhook; wh == nil || *wh != (config.Webhook{Connection: "slack", Path: "/hooks/slack"}) {
		t.Fatalf("Webhook = %+v, want the default path /hooks/slack", wh)
	}
	if a := f.Alerts; a == nil || *a != (config.Alerts{Chat: "slack", Channel: "C0123OPS", Issues: "freee-hr"}) {
		t.Fatalf("Alerts = %+v, want chat slack to C0123OPS with issues by freee-hr", a)
	}
}

func TestDefaultsFillWhatTheFileLeavesOut(t *testing.T) {
	t.Parallel()
	f, err := config.Parse("hub.yaml", []byte(`version: 1
connections:
  slack: {vendor: slack, secret: SLACK_BOT, settings: {channel: general}}
flows:
  exp:
    type: expense-to-journal
    source: slack
    target: slack
    trigger: {webhook: {connection: slack, path: /in/slack}}
`), richVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if f.Company.Zone.String() != "Asia/Tokyo" || f.Company.Name != "" {
		t.Fatalf("Company = %+v, want zone Asia/Tokyo", f.Company)
	}
	wantRuntime := config.Runtime{DataDir: ".urakata", Workers: 4, Lease: 2 * time.Minute,
		Visibility: 2 * time.Minute, MaxReceives: 5, Listen: "127.0.0.1:8787"}
	if f.Runtime != wantRuntime {
		t.Fatalf("Runtime = %+v, want %+v", f.Runtime, wantRuntime)
	}
	wantSettings := map[string]any{"channel": "general", "style": "blocks", "timeout": 30 * time.Second}
	if !reflect.DeepEqual(f.Connections[0].Settings, wantSettings) {
		t.Fatalf("Settings = %#v, want %#v", f.Connections[0].Settings, wantSettings)
	}
	if wh := f.Flows[0].Trigger.Webhook; wh.Path != "/in/slack" {
		t.Fatalf("Webhook.Path = %q, want the one given", wh.Path)
	}
	if f.Alerts != nil {
		t.Fatalf("Alerts = %+v, want none when the file has no alerts section", f.Alerts)
	}

	f, err = config.Parse("hub.yaml", []byte(`version: 1
connections: {hr: {vendor: freee-hr, secret: HR, settings: {company_id: 1}}}
flows:
  tc:
    type: timeclock-to-payroll
    source: hr
    target: hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 15, prescribed_daily_minutes: 420}
`), testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	wantPeriod := &config.Period{ClosingDay: 15, PrescribedDailyMinutes: 420, WeekStart: time.Sunday,
		Rounding: config.Rounding{Unit: 1, Mode: config.RoundFloor, Apply: config.RoundDaily}}
	if !reflect.DeepEqual(f.Flows[0].Period, wantPeriod) {
		t.Fatalf("Period = %+v, want %+v", f.Flows[0].Period, wantPeriod)
	}
}

func TestAFileRoundTripsThroughYAML(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data string
	}{
		{"the example file", string(example)},
		{"a file using every key", richFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			first, err := config.Parse("hub.yaml", []byte(tc.data), richVocabulary())
			if err != nil {
				t.Fatal(err)
			}
			out, err := yaml.Marshal(first)
			if err != nil {
				t.Fatal(err)
			}
			second, err := config.Parse("again.yaml", out, richVocabulary())
			if err != nil {
				t.Fatalf("the written file does not parse: %v\n%s", err, out)
			}
			again, err := yaml.Marshal(second)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) {
				t.Fatalf("written twice, the file changed:\n%s\nthen\n%s", out, again)
			}
			if !reflect.DeepEqual(first.Connections, second.Connections) || first.Runtime != second.Runtime ||
				!reflect.DeepEqual(first.FlowNames(), second.FlowNames()) {
				t.Fatalf("the file read back differs:\n%s", out)
			}
			for i := range first.Flows {
				a, b := first.Flows[i], second.Flows[i]
				if !reflect.DeepEqual(a.Period, b.Period) || !reflect.DeepEqual(a.Mapping, b.Mapping) ||
					a.Source != b.Source || a.Target != b.Target || a.Type != b.Type {
					t.Fatalf("flow %s read back differs:\n%s", a.Name, out)
				}
			}
		})
	}
}

func TestLoadWrapsAnUnreadableFile(t *testing.T) {
	t.Parallel()
	_, err := config.Load(filepath.Join(t.TempDir(), "hub.yaml"), testVocabulary())
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want os.ErrNotExist wrapped", err)
	}
	if _, ok := errors.AsType[config.Errors](err); ok {
		t.Fatal("a missing file is not a validation error")
	}
}

func TestLookupsFindFlowsAndConnectionsByName(t *testing.T) {
	t.Parallel()
	f, err := config.Parse("hub.yaml", []byte(richFile), richVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if fl, err := f.Flow("expenses"); err != nil || fl.Type != "expense-to-journal" {
		t.Fatalf("Flow(expenses) = %+v, %v", fl, err)
	}
	if c, ok := f.Connection("freee-hr"); !ok || c.Secret != "freee/hr" {
		t.Fatalf("Connection(freee-hr) = %+v, %v", c, ok)
	}
	if _, ok := f.Connection("freee"); ok {
		t.Fatal("Connection(freee) found a connection")
	}
	_, err = f.Flow("expense")
	unknown, ok := errors.AsType[*config.UnknownFlowError](err)
	if !ok || unknown.Name != "expense" || !reflect.DeepEqual(unknown.Known, []string{"tc", "expenses"}) {
		t.Fatalf("Flow(expense) err = %#v, want *UnknownFlowError listing the flows", err)
	}
	if want := `unknown flow "expense" (did you mean "expenses"?); flows in hub.yaml: tc, expenses`; err.Error() != want {
		t.Fatalf("err = %q\nwant  %q", err, want)
	}
	err = &config.UnknownFlowError{Name: "payroll"}
	if want := `unknown flow "payroll"; hub.yaml declares no flows`; err.Error() != want {
		t.Fatalf("err = %q\nwant  %q", err, want)
	}
}

func TestErrorAtPlacesLaterChecksInTheFile(t *testing.T) {
	t.Parallel()
	f, err := config.Parse("hub.yaml", []byte(richFile), richVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	got := f.ErrorAt("flows.expenses.source", "connection %s cannot list expenses", "slack").Error()
	if want := "hub.yaml:44:5: flows.expenses.source: connection slack cannot list expenses"; got != want {
		t.Fatalf("ErrorAt = %q\nwant      %q", got, want)
	}
	got = f.ErrorAt("flows.nope", "no such place").Error()
	if want := "hub.yaml: flows.nope: no such place"; got != want {
		t.Fatalf("ErrorAt = %q\nwant      %q", got, want)
	}
}

func TestScheduleNextFiresInTheSchedulesZone(t *testing.T) {
	t.Parallel()
	f, err := config.Parse("hub.yaml", []byte(richFile), richVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		flow  string
		after time.Time
		want  time.Time
	}{
		{"a monthly cron in Tokyo fires at Tokyo's 05:30 on the 21st", "tc",
			time.Date(2026, 3, 20, 21, 0, 0, 0, time.UTC), // already 21 March 06:00 in Tokyo
			time.Date(2026, 4, 21, 5, 30, 0, 0, tokyo)},
		{"the same instant given in Tokyo time gives the same answer", "tc",
			time.Date(2026, 3, 21, 6, 0, 0, 0, tokyo),
			time.Date(2026, 4, 21, 5, 30, 0, 0, tokyo)},
		{"a fire time is strictly after the given time", "tc",
			time.Date(2026, 4, 21, 5, 30, 0, 0, tokyo),
			time.Date(2026, 5, 21, 5, 30, 0, 0, tokyo)},
		{"@daily fires at midnight in the company zone (UTC)", "expenses",
			time.Date(2026, 3, 20, 23, 0, 0, 0, tokyo),
			time.Date(2026, 3, 21, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fl, err := f.Flow(tc.flow)
			if err != nil {
				t.Fatal(err)
			}
			got := fl.Trigger.Schedule.Next(tc.after)
			if !got.Equal(tc.want) || got.Location() != fl.Trigger.Schedule.Zone {
				t.Fatalf("Next(%v) = %v, want %v in %v", tc.after, got, tc.want, fl.Trigger.Schedule.Zone)
			}
		})
	}
	if got := (config.Schedule{}).Next(time.Now()); !got.IsZero() {
		t.Fatalf("the zero Schedule fires at %v", got)
	}
}
