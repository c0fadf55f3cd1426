package config_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/config"
)

// base is a valid file; each bad file below changes it in one place, so the expected
// positions can be read off this listing (line 1 is "version: 1").
const base = `version: 1
connections:
  freee-hr:
    vendor: freee-hr
    secret: FREEE_HR
    settings:
      company_id: 1
flows:
  payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger:
      schedule:
        cron: "0 6 1 * *"
    period:
      closing_day: 0
      prescribed_daily_minutes: 480
`

// with returns base with old replaced by new; old must occur in base exactly once.
func with(t *testing.T, old, new string) string {
	t.Helper()
	if strings.Count(base, old) != 1 {
		t.Fatalf("%q does not occur exactly once in base", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestBaseFileIsValid(t *testing.T) {
	t.Parallel()
	if _, err := config.Parse("hub.yaml", []byte(base), richVocabulary()); err != nil {
		t.Fatal(err)
	}
}

func TestBadFilesAreRefusedWithPlaceAndReason(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		file func(t *testing.T) string
		want []string
	}{
		{
			name: "an unknown key is refused, naming the closest allowed key",
			file: func(t *testing.T) string { return with(t, "    secret: FREEE_HR\n", "    secrets: FREEE_HR\n") },
			want: []string{
				`hub.yaml:3:3: connections.freee-hr: missing required key "secret" (want a secret name of letters, digits and _ . / + = @ -, e.g. FREEE_HR)`,
				`hub.yaml:5:5: connections.freee-hr.secrets: unknown key "secrets" (did you mean "secret"?); allowed: vendor, base_url, secret, settings`,
			},
		},
		{
			name: "a connection to a vendor with secret fields needs a secret",
			file: func(t *testing.T) string { return with(t, "    secret: FREEE_HR\n", "") },
			want: []string{`hub.yaml:3:3: connections.freee-hr: missing required key "secret" (want a secret name of letters, digits and _ . / + = @ -, e.g. FREEE_HR)`},
		},
		{
			name: "a value of the wrong type is refused with what is allowed",
			file: func(t *testing.T) string { return with(t, "closing_day: 0", "closing_day: end") },
			want: []string{`hub.yaml:17:20: flows.payroll.period.closing_day: want an integer 0-28, got string "end"`},
		},
		{
			name: "an hour out of range in a cron is named with the field's range",
			file: func(t *testing.T) string { return with(t, `"0 6 1 * *"`, `"0 25 * * *"`) },
			want: []string{`hub.yaml:15:15: flows.payroll.trigger.schedule.cron: "0 25 * * *": hour 25 is out of range 0-23; want 5 fields "minute hour day-of-month month day-of-week"`},
		},
		{
			name: "a time zone that does not exist is refused",
			file: func(t *testing.T) string {
				return with(t, "        cron: \"0 6 1 * *\"\n", "        cron: \"0 6 1 * *\"\n        zone: Asia/Tokio\n")
			},
			want: []string{`hub.yaml:16:15: flows.payroll.trigger.schedule.zone: "Asia/Tokio": unknown time zone; want an IANA time zone name such as Asia/Tokyo or UTC`},
		},
		{
			name: "the machine's Local zone is refused",
			file: func(t *testing.T) string { return "company: {zone: Local}\n" + base },
			want: []string{`hub.yaml:1:17: company.zone: "Local": not a zone name; want an IANA time zone name such as Asia/Tokyo or UTC`},
		},
		{
			name: "a target that names no connection lists the connections",
			file: func(t *testing.T) string { return with(t, "target: freee-hr", "target: freee-payroll") },
			want: []string{`hub.yaml:12:13: flows.payroll.target: unknown connection "freee-payroll"; connections: freee-hr`},
		},
		{
			name: "a source close to a connection's name suggests it",
			file: func(t *testing.T) string { return with(t, "source: freee-hr", "source: free-hr") },
			want: []string{`hub.yaml:11:13: flows.payroll.source: unknown connection "free-hr" (did you mean "freee-hr"?); connections: freee-hr`},
		},
		{
			name: "a secret in settings is refused without repeating its value",
			file: func(t *testing.T) string {
				return with(t, "      company_id: 1\n", "      company_id: 1\n      client_secret: s3cr3t\n")
			},
			want: []string{`hub.yaml:8:7: connections.freee-hr.settings.client_secret: client_secret is secret and must not be in hub.yaml; it belongs in the secret named by this connection's "secret" key`},
		},
		{
			name: "a missing required setting is named with its type",
			file: func(t *testing.T) string {
				return with(t, "company_id: 1", "token_url: https://accounts.example.com/token")
			},
			want: []string{`hub.yaml:6:5: connections.freee-hr.settings: missing required key "company_id" (want an integer)`},
		},
		{
			name: "missing settings of a vendor that requires some are named",
			file: func(t *testing.T) string { return with(t, "    settings:\n      company_id: 1\n", "") },
			want: []string{`hub.yaml:3:3: connections.freee-hr: missing required key "settings" (want a mapping with keys company_id, token_url)`},
		},
		{
			name: "a setting of the wrong type is refused",
			file: func(t *testing.T) string { return with(t, "company_id: 1", `company_id: "1"`) },
			want: []string{`hub.yaml:7:19: connections.freee-hr.settings.company_id: want an integer, got string "1"`},
		},
		{
			name: "a duplicate key is refused, pointing at the first",
			file: func(t *testing.T) string {
				return with(t, "    target: freee-hr\n", "    target: freee-hr\n    target: freee-hr\n")
			},
			want: []string{`hub.yaml:13:5: flows.payroll.target: duplicate key "target" (first at line 12)`},
		},
		{
			name: "a duplicate connection name is refused",
			file: func(t *testing.T) string {
				return with(t, "flows:\n", "  freee-hr:\n    vendor: freee-hr\n    secret: X\n    settings: {company_id: 2}\nflows:\n")
			},
			want: []string{`hub.yaml:8:3: connections.freee-hr: duplicate key "freee-hr" (first at line 3)`},
		},
		{
			name: "closing day 31 is refused with what the days mean",
			file: func(t *testing.T) string { return with(t, "closing_day: 0", "closing_day: 31") },
			want: []string{`hub.yaml:17:20: flows.payroll.period.closing_day: 31 is out of range 0-28; 0 is the end of the month (末締め); 1-28 close on that day (15日締め, 20日締め)`},
		},
		{
			name: "a flow name with capitals and '_' is refused",
			file: func(t *testing.T) string { return with(t, "  payroll:\n", "  Payroll_1:\n") },
			want: []string{`hub.yaml:9:3: flows.Payroll_1: "Payroll_1": not a valid name; want lowercase letters, digits and '-', starting with a letter, e.g. freee-hr`},
		},
		{
			name: "a duration in words is refused with Go syntax examples",
			file: func(t *testing.T) string {
				return with(t, "version: 1\n", "version: 1\nruntime:\n  lease: 2 minutes\n")
			},
			want: []string{`hub.yaml:3:10: runtime.lease: "2 minutes": not a duration; want a duration above zero in Go syntax, e.g. 90s, 2m or 1h30m`},
		},
		{
			name: "a duration of zero is refused",
			file: func(t *testing.T) string { return "runtime: {visibility: 0s}\n" + base },
			want: []string{`hub.yaml:1:23: runtime.visibility: "0s": not above zero; want a duration above zero in Go syntax, e.g. 90s, 2m or 1h30m`},
		},
		{
			name: "an empty file is refused",
			file: func(*testing.T) string { return "" },
			want: []string{`hub.yaml:1:1: the file is empty; want a mapping with version: 1, connections and flows`},
		},
		{
			name: "a file of comments only is empty",
			file: func(*testing.T) string { return "# hub.yaml\n# nothing yet\n" },
			want: []string{`hub.yaml:1:1: the file is empty; want a mapping with version: 1, connections and flows`},
		},
		{
			name: "a list is not a mapping",
			file: func(*testing.T) string { return "- version: 1\n" },
			want: []string{`hub.yaml:1:1: want a mapping with keys version, company, runtime, connections, flows, alerts, got a list`},
		},
		{
			name: "a lone word is not a mapping",
			file: func(*testing.T) string { return "hub\n" },
			want: []string{`hub.yaml:1:1: want a mapping with keys version, company, runtime, connections, flows, alerts, got string "hub"`},
		},
		{
			name: "broken YAML is reported at the line the YAML parser gives",
			file: func(t *testing.T) string {
				return with(t, "    secret: FREEE_HR\n", "    secret: FREEE_HR\n      company_id: 1\n")
			},
			want: []string{`hub.yaml:6: not valid YAML: mapping values are not allowed in this context`},
		},
		{
			// yaml.v3 places an unclosed [ on the line before it (here line 10).
			name: "an unclosed list is reported near its line",
			file: func(t *testing.T) string {
				return with(t, "    type: timeclock-to-payroll\n", "    type: [timeclock-to-payroll\n")
			},
			want: []string{`hub.yaml:9: not valid YAML: did not find expected ',' or ']'`},
		},
		{
			name: "a second document is refused",
			file: func(*testing.T) string { return base + "---\nversion: 1\n" },
			want: []string{`hub.yaml:19:1: a second document; hub.yaml holds one, so remove the '---' line above this one`},
		},
		{
			name: "another version is refused",
			file: func(t *testing.T) string { return with(t, "version: 1", "version: 2") },
			want: []string{`hub.yaml:1:10: version: 2 is not allowed; want 1`},
		},
		{
			name: "an unregistered vendor lists the registered ones",
			file: func(t *testing.T) string { return with(t, "vendor: freee-hr", "vendor: freee-hrm") },
			want: []string{`hub.yaml:4:13: connections.freee-hr.vendor: unknown vendor "freee-hrm" (did you mean "freee-hr"?); known vendors: freee-hr, slack`},
		},
		{
			name: "an unregistered flow type lists the registered ones",
			file: func(t *testing.T) string { return with(t, "type: timeclock-to-payroll", "type: attendance-export") },
			want: []string{`hub.yaml:10:11: flows.payroll.type: unknown flow type "attendance-export"; known flow types: expense-to-journal, timeclock-to-payroll`},
		},
		{
			name: "a trigger the flow type does not take is refused",
			file: func(t *testing.T) string {
				return with(t, "    period:\n", "      webhook: {connection: freee-hr}\n    period:\n")
			},
			want: []string{`hub.yaml:16:7: flows.payroll.trigger.webhook: flow type timeclock-to-payroll cannot be started by a webhook; it takes: schedule`},
		},
		{
			name: "a trigger with nothing in it is refused",
			file: func(t *testing.T) string {
				return with(t, "    trigger:\n      schedule:\n        cron: \"0 6 1 * *\"\n", "    trigger: {}\n")
			},
			want: []string{`hub.yaml:13:5: flows.payroll.trigger: want at least 1 of schedule`},
		},
		{
			name: "a flow type that needs a period says so when it is missing",
			file: func(t *testing.T) string {
				return with(t, "    period:\n      closing_day: 0\n      prescribed_daily_minutes: 480\n", "")
			},
			want: []string{`hub.yaml:9:3: flows.payroll: missing required key "period" (want a mapping with keys closing_day, prescribed_daily_minutes, prescribed_start, prescribed_end, week_start, rounding)`},
		},
		{
			name: "a period on a flow type without one is refused",
			file: func(t *testing.T) string { return with(t, "type: timeclock-to-payroll", "type: expense-to-journal") },
			want: []string{`hub.yaml:16:5: flows.payroll.period: flow type expense-to-journal has no pay period; remove period`},
		},
		{
			name: "an empty period is not a mapping",
			file: func(t *testing.T) string {
				return with(t, "    period:\n      closing_day: 0\n      prescribed_daily_minutes: 480\n", "    period:\n")
			},
			want: []string{`hub.yaml:16:12: flows.payroll.period: want a mapping with keys closing_day, prescribed_daily_minutes, prescribed_start, prescribed_end, week_start, rounding, got nothing (null)`},
		},
		{
			name: "a prescribed start without an end is refused",
			file: func(t *testing.T) string {
				return with(t, "      closing_day: 0\n", "      closing_day: 0\n      prescribed_start: \"09:00\"\n")
			},
			want: []string{`hub.yaml:18:7: flows.payroll.period.prescribed_start: prescribed_start needs prescribed_end beside it`},
		},
		{
			name: "a time of day past 23:59 is refused",
			file: func(t *testing.T) string {
				return with(t, "      closing_day: 0\n", "      closing_day: 0\n      prescribed_start: \"09:00\"\n      prescribed_end: \"24:00\"\n")
			},
			want: []string{`hub.yaml:19:23: flows.payroll.period.prescribed_end: "24:00": not a time of day; want a time of day HH:MM (24-hour), e.g. "09:00"`},
		},
		{
			name: "a rounding unit not offered is refused",
			file: func(t *testing.T) string { return base + "      rounding: {unit: 7}\n" },
			want: []string{`hub.yaml:19:24: flows.payroll.period.rounding.unit: 7 is not allowed; want one of 1, 5, 10, 15, 30`},
		},
		{
			name: "a week start misspelt suggests the day",
			file: func(t *testing.T) string { return base + "      week_start: mondy\n" },
			want: []string{`hub.yaml:19:19: flows.payroll.period.week_start: "mondy" is not allowed (did you mean "monday"?); want one of sunday, monday, tuesday, wednesday, thursday, friday, saturday`},
		},
		{
			name: "a base URL with a password is refused without repeating the password",
			file: func(t *testing.T) string {
				return with(t, "    secret: FREEE_HR\n", "    secret: FREEE_HR\n    base_url: https://admin:hunter2@hr.example.com/api\n")
			},
			want: []string{`hub.yaml:6:15: connections.freee-hr.base_url: "https://%E2%80%A6@hr.example.com/api": carries a user or password; put credentials in the connection's secret; want an http or https URL without user or password, e.g. https://api.freee.co.jp/hr`},
		},
		{
			name: "a number where a string goes says to quote it",
			file: func(t *testing.T) string { return with(t, "secret: FREEE_HR", "secret: 1234") },
			want: []string{`hub.yaml:5:13: connections.freee-hr.secret: want a secret name of letters, digits and _ . / + = @ -, e.g. FREEE_HR, got integer 1234 (quote it to make it a string: "1234")`},
		},
		{
			name: "a string where a mapping goes is refused",
			file: func(t *testing.T) string {
				return with(t, "    settings:\n      company_id: 1\n", "    settings: company_id=1\n")
			},
			want: []string{`hub.yaml:6:15: connections.freee-hr.settings: want a mapping with keys company_id, token_url, got string "company_id=1"`},
		},
		{
			name: "a mapping value not in the flow type's list is refused",
			file: func(t *testing.T) string { return base + "    mapping: {match: [code, phone]}\n" },
			want: []string{`hub.yaml:19:29: flows.payroll.mapping.match[1]: "phone" is not allowed; want one of code, email`},
		},
		{
			name: "alerts that name an undeclared connection are refused with the ones there are",
			file: func(*testing.T) string { return base + "alerts: {chat: slakc, channel: C0123OPS, issues: github}\n" },
			want: []string{
				`hub.yaml:19:16: alerts.chat: unknown connection "slakc"; connections: freee-hr`,
				`hub.yaml:19:50: alerts.issues: unknown connection "github"; connections: freee-hr`,
			},
		},
		{
			name: "alerts without a channel are refused",
			file: func(*testing.T) string { return base + "alerts:\n  chat: freee-hr\n" },
			want: []string{`hub.yaml:19:1: alerts: missing required key "channel" (want a channel or room id without spaces, e.g. C0123OPS (Slack) or "123456789" (Chatwork))`},
		},
		{
			name: "an alerts channel with a space is refused",
			file: func(*testing.T) string { return base + "alerts: {chat: freee-hr, channel: \"ops room\"}\n" },
			want: []string{`hub.yaml:19:35: alerts.channel: "ops room": not a channel or room id; want a channel or room id without spaces, e.g. C0123OPS (Slack) or "123456789" (Chatwork)`},
		},
		{
			name: "a Chatwork room id written as a number is refused with the quoting that fixes it",
			file: func(*testing.T) string { return base + "alerts: {chat: freee-hr, channel: 123456789}\n" },
			want: []string{`hub.yaml:19:35: alerts.channel: want a channel or room id without spaces, e.g. C0123OPS (Slack) or "123456789" (Chatwork), got integer 123456789 (quote it to make it a string: "123456789")`},
		},
		{
			name: "every problem in a file is reported, in file order",
			file: func(t *testing.T) string {
				s := with(t, "closing_day: 0", "closing_day: 29")
				s = strings.Replace(s, "version: 1\n", "version: 1\nruntime: {workers: 0, listen: localhost}\n", 1)
				return strings.Replace(s, "source: freee-hr", "source: nobody", 1)
			},
			want: []string{
				`hub.yaml:2:20: runtime.workers: 0 is out of range 1-256`,
				`hub.yaml:2:31: runtime.listen: "localhost": not host:port; want host:port, e.g. 127.0.0.1:8787 (port 0-65535; an empty host listens on every interface)`,
				`hub.yaml:12:13: flows.payroll.source: unknown connection "nobody"; connections: freee-hr`,
				`hub.yaml:18:20: flows.payroll.period.closing_day: 29 is out of range 0-28; 0 is the end of the month (末締め); 1-28 close on that day (15日締め, 20日締め)`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Parse("hub.yaml", []byte(tc.file(t)), richVocabulary())
			list, ok := errors.AsType[config.Errors](err)
			if !ok {
				t.Fatalf("err = %v, want config.Errors", err)
			}
			got := strings.Split(list.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for _, secret := range []string{"s3cr3t", "hunter2"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("an error repeats a secret value: %v", err)
				}
			}
		})
	}
}

func TestCronExpressionsAreExplained(t *testing.T) {
	t.Parallel()
	const want = `; want 5 fields "minute hour day-of-month month day-of-week"`
	for _, tc := range []struct {
		name, cron, problem string
	}{
		{"four fields are too few", "0 6 1 *", "has 4 fields"},
		{"six fields (with seconds) are too many", "0 0 6 1 * *", "has 6 fields"},
		{"minute 60 is out of range", "60 * * * *", "minute 60 is out of range 0-59"},
		{"day-of-month 0 is out of range", "0 0 0 * *", "day-of-month 0 is out of range 1-31"},
		{"month 13 is out of range", "0 0 1 13 *", "month 13 is out of range 1-12"},
		{"day-of-week 7 is out of range", "0 0 * * 7", "day-of-week 7 is out of range 0-6"},
		{"the end of a range is checked too", "0 9-24 * * *", "hour 24 is out of range 0-23"},
		{"an item of a list is checked too", "0,15,75 * * * *", "minute 75 is out of range 0-59"},
		{"a step of zero is not valid", "*/0 * * * *", `minute "*/0" is not valid (use *, a number, a list 1,15, a range 1-5 or a step */10)`},
		{"an unknown day name is not valid", "0 9 * * MON-FRX", `day-of-week "MON-FRX" is not valid (use *, a number, a list 1,15, a range 1-5 or a step */10)`},
		{"an unknown descriptor is refused", "@fortnightly", "unknown descriptor (known: @yearly, @monthly, @weekly, @daily, @hourly)"},
		{"@every is refused", "@every 1h", "@every is not supported; write the interval as a cron, e.g. */15 * * * *"},
		{"a zone prefix is refused", "CRON_TZ=Asia/Tokyo 0 6 * * *", "a zone prefix is not allowed; set the schedule's zone key instead"},
		{"a zone prefix without a space is refused", "TZ=UTC", "a zone prefix is not allowed; set the schedule's zone key instead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := strings.Replace(base, `"0 6 1 * *"`, `"`+tc.cron+`"`, 1)
			_, err := config.Parse("hub.yaml", []byte(file), testVocabulary())
			wantErr := `hub.yaml:15:15: flows.payroll.trigger.schedule.cron: "` + tc.cron + `": ` + tc.problem + want
			if err == nil || err.Error() != wantErr {
				t.Fatalf("err = %v\nwant  %s", err, wantErr)
			}
		})
	}
	for _, cron := range []string{"@daily", "@monthly", "@hourly", "0 9 * * MON-FRI", "*/15 * * * *", "0 0 1,15 * *", "0 22 28-31 * *", "0 0 1 JAN,JUL *"} {
		file := strings.Replace(base, `"0 6 1 * *"`, `"`+cron+`"`, 1)
		if _, err := config.Parse("hub.yaml", []byte(file), testVocabulary()); err != nil {
			t.Errorf("cron %q: %v", cron, err)
		}
	}
}

func TestErrorsAreFoundWithErrorsAs(t *testing.T) {
	t.Parallel()
	_, err := config.Parse("hub.yaml", []byte(with(t, "closing_day: 0", "closing_day: 31")), testVocabulary())
	first, ok := errors.AsType[*config.Error](err)
	if !ok {
		t.Fatalf("err = %T, want an *Error inside", err)
	}
	want := config.Error{File: "hub.yaml", Line: 17, Column: 20, Path: "flows.payroll.period.closing_day",
		Message: "31 is out of range 0-28; 0 is the end of the month (末締め); 1-28 close on that day (15日締め, 20日締め)"}
	if *first != want {
		t.Fatalf("*Error = %+v\nwant     %+v", *first, want)
	}
}

func TestAliasesAreFollowedButCannotExplode(t *testing.T) {
	t.Parallel()
	shared := strings.Replace(base, "    period:\n", "    period: &rules\n", 1) + `  second:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: *rules
`
	f, err := config.Parse("hub.yaml", []byte(shared), testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if f.Flows[1].Period.PrescribedDailyMinutes != 480 {
		t.Fatalf("the aliased period was not read: %+v", f.Flows[1].Period)
	}

	// 200 aliases of a flow whose mapping has 1,000 entries: a 1,200-line file that would
	// walk 200,000 values.
	var b strings.Builder
	b.WriteString("version: 1\nconnections: {hr: {vendor: freee-hr, secret: HR, settings: {company_id: 1}}}\nflows:\n")
	b.WriteString("  f0: &f\n    type: timeclock-to-payroll\n    source: hr\n    target: hr\n")
	b.WriteString("    trigger: {schedule: {cron: \"0 6 1 * *\"}}\n    period: {closing_day: 0, prescribed_daily_minutes: 480}\n")
	b.WriteString("    mapping:\n      overrides:\n")
	for i := range 1000 {
		b.WriteString("        k" + strconv.Itoa(i) + ": v\n")
	}
	for i := 1; i < 200; i++ {
		b.WriteString("  f" + strconv.Itoa(i) + ": *f\n")
	}
	_, err = config.Parse("hub.yaml", []byte(b.String()), testVocabulary())
	list, ok := errors.AsType[config.Errors](err)
	if !ok || len(list) != 1 || !strings.HasPrefix(list[0].Message, "too many values (over 100000, counting aliases expanded)") {
		t.Fatalf("err = %v, want the one error that the file is too large", err)
	}
}

func TestAnEmptyVocabularySaysNothingIsRegistered(t *testing.T) {
	t.Parallel()
	_, err := config.Parse("hub.yaml", []byte(base), config.Vocabulary{})
	want := `hub.yaml:4:13: connections.freee-hr.vendor: unknown vendor "freee-hr"; no vendors are registered
hub.yaml:10:11: flows.payroll.type: unknown flow type "timeclock-to-payroll"; no flow types are registered`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant  %s", err, want)
	}
	if err := validateYAML(t, compile(t, config.Vocabulary{}), base); err == nil {
		t.Fatal("the schema of an empty vocabulary accepts a vendor")
	}
	_, err = config.Parse("hub.yaml", []byte(with(t, "vendor: freee-hr", "vendor: 7")), config.Vocabulary{})
	if err == nil || !strings.Contains(err.Error(), "connections.freee-hr.vendor: want a registered vendor (none are), got integer 7") {
		t.Fatalf("err = %v", err)
	}
}
