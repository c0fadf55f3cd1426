package overtime_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	"github.com/urakata/urakata/connectors/slack/slacktest"
	"github.com/urakata/urakata/shared/local"
)

// overtimeFlow is a flow of the tests' hub.yaml: weekday mornings, 末締め, 8 prescribed
// hours, with the mapping given.
func overtimeFlow(name, source, mapping string) string {
	return fmt.Sprintf(`  %s:
    type: overtime-watch
    source: %s
    target: slack
    trigger: {schedule: {cron: "0 7 * * 1-5"}}
    period: {closing_day: 0, prescribed_daily_minutes: 480}
    mapping: %s
`, name, source, mapping)
}

// TestEachLineReachedIsToldOncePerPeriod runs the flow on the embedded runtime with freee
// 人事労務 and Slack sandboxes, on 20 November and again on the 24th. The three employees
// belong to no department in freee, so every notice goes to the default channel (the back
// office's).
func TestEachLineReachedIsToldOncePerPeriod(t *testing.T) {
	t.Parallel()
	freee, slack := startFreee(t, 3), startSlack(t, 3)
	general, backOffice := channel(t, slack, slacktest.ChannelGeneral), channel(t, slack, slacktest.ChannelBackOffice)
	for _, e := range freee.Employees() {
		if err := freee.SetDepartment(e.ID, freeetest.Department{}); err != nil {
			t.Fatal(err)
		}
	}
	emps := freee.Employees()

	// The month to Friday 20 November. A day 9:00–22:00 is 4 hours of overtime; five such
	// days make a week of exactly 40 hours within the day limits, so no weekly excess.
	people := []struct {
		name   string
		shifts lateUntil
		want   func(code, name string) []string
	}{
		{name: "41 hours reach the warning line only",
			shifts: days("22:00", 2, 3, 4, 5, 6, 9, 10, 11, 12, 13).and(days("19:00", 16)),
			want:   func(c, n string) []string { return []string{warnText(c, n)} }},
		{name: "46 hours reach the warning line and the limit",
			shifts: days("22:00", 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16).and(days("20:00", 17)),
			want:   func(c, n string) []string { return []string{warnText(c, n), limitText(c, n)} }},
		{name: "39 hours reach no line",
			shifts: days("22:00", 2, 3, 4, 5, 6, 9, 10, 11, 12).and(days("21:00", 13)),
			want:   func(string, string) []string { return nil }},
	}
	for i, p := range people {
		setFreeeMonth(t, freee, emps[i].ID, p.shifts)
	}

	cfg, err := loadConfig(t, connections(freee, nil, slack),
		overtimeFlow("overtime", "freee-hr", fmt.Sprintf("{manager_channels: {営業部: %s}, default_channel: %s}", general, backOffice))+
			overtimeFlow("overtime-unrouted", "freee-hr", fmt.Sprintf("{manager_channels: {営業部: %s}}", general)))
	if err != nil {
		t.Fatal(err)
	}
	clk, logs := clockAt(noon(20)), &syncBuffer{}
	h := openHub(t, cfg, clk, logs)

	fr := run(t, h, "overtime")
	if fr.Read != 2 || fr.Delivered != 3 || fr.Failed != 0 || fr.Dead != 0 || fr.Period != "2026-11" {
		t.Fatalf("first run: %+v; want period 2026-11, two employees with notices and three notices delivered", fr)
	}
	posted := texts(slack, backOffice)
	for i, p := range people {
		t.Run(p.name, func(t *testing.T) {
			code := emps[i].Num
			var got []string
			for _, m := range posted {
				if strings.HasPrefix(m, "【36協定】"+code+" ") {
					got = append(got, m)
				}
			}
			want := p.want(code, emps[i].DisplayName)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("notices about %s:\n%q\nwant:\n%q", code, got, want)
			}
		})
	}
	if got := texts(slack, general); len(got) != 0 {
		t.Errorf("#general got %q; an employee without a department goes to the default channel", got)
	}

	t.Run("a second run the same day posts nothing", func(t *testing.T) {
		fr := run(t, h, "overtime")
		if fr.Queued != 0 || fr.Delivered != 0 || fr.Skipped != 3 || fr.Failed != 0 {
			t.Errorf("second run: %+v; want the three notices skipped by the ledger", fr)
		}
		if got := texts(slack, backOffice); !slices.Equal(got, posted) {
			t.Errorf("the back office now holds %q; want what the first run posted", got)
		}
	})

	t.Run("a line reached later in the month posts only the new notice", func(t *testing.T) {
		// Monday the 23rd adds 4 hours: the first employee is at exactly 45.
		setFreeeMonth(t, freee, emps[0].ID, people[0].shifts.and(days("22:00", 23)))
		clk.set(noon(24))
		fr := run(t, h, "overtime")
		if fr.Delivered != 1 || fr.Skipped != 3 || fr.Failed != 0 {
			t.Errorf("run on the 24th: %+v; want one new notice and the three earlier ones skipped", fr)
		}
		got := texts(slack, backOffice)
		want := append(slices.Clone(posted), limitText(emps[0].Num, emps[0].DisplayName))
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("the back office holds:\n%q\nwant the earlier notices and the first employee's limit:\n%q", got, want)
		}
	})

	t.Run("an employee with no channel to tell is a failure naming the code alone", func(t *testing.T) {
		before := len(slack.Messages(backOffice)) + len(slack.Messages(general))
		fr := run(t, h, "overtime-unrouted")
		if fr.Failed != 2 || fr.Delivered != 0 || len(fr.ItemErrors) != 2 {
			t.Fatalf("run: %+v; want the two employees over a line listed as failures", fr)
		}
		for i, e := range fr.ItemErrors {
			code := emps[i].Num
			if !strings.Contains(e.Error, "employee "+code+" ") || !strings.Contains(e.Error, "mapping.default_channel") {
				t.Errorf("item error %q; want it to name %s and say what to set", e.Error, code)
			}
			for _, emp := range emps {
				for _, name := range []string{emp.DisplayName, emp.LastName, emp.FirstName, emp.Email} {
					if strings.Contains(e.Error, name) {
						t.Errorf("item error %q holds %q", e.Error, name)
					}
				}
			}
		}
		if after := len(slack.Messages(backOffice)) + len(slack.Messages(general)); after != before {
			t.Errorf("%d messages posted; want none", after-before)
		}
	})

	t.Run("a period that has not started is refused", func(t *testing.T) {
		res, err := h.Run(t.Context(), local.RunRequest{Flows: []string{"overtime"}, Period: "2026-12"})
		if err != nil {
			t.Fatal(err)
		}
		if e := res.Flows[0].Error; !strings.Contains(e, "2026-12") || !strings.Contains(e, "after today") {
			t.Errorf("run for 2026-12: error %q; want a refusal naming the period", e)
		}
	})

	var names []string
	for _, e := range emps {
		names = append(names, e.DisplayName, e.LastName, e.FirstName, e.Email)
	}
	checkNoNames(t, logs, "overtime", names)
}

// TestNoticesGoToTheChannelOfTheEmployeesDepartment reads KING OF TIME, whose employees
// belong to divisions (所属), and sends each notice to the channel mapping.manager_channels
// names for the employee's division.
func TestNoticesGoToTheChannelOfTheEmployeesDepartment(t *testing.T) {
	t.Parallel()
	const headcount = 4
	kot := kingoftimetest.New(kingoftimetest.Options{Seed: 3, Employees: headcount, Year: year, Month: month, NoRestrictedHours: true})
	if err := kot.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		kot.Close()
		for _, v := range kot.Violations() {
			t.Errorf("KING OF TIME sandbox: %s", v)
		}
	})
	slack := startSlack(t, headcount)
	general, accounting, backOffice := channel(t, slack, slacktest.ChannelGeneral), channel(t, slack, slacktest.ChannelAccounting), channel(t, slack, slacktest.ChannelBackOffice)

	// One employee of each division works 41 hours of overtime; the others none.
	over := map[string]kingoftimetest.Employee{}
	var names []string
	for _, e := range kot.Employees() {
		shifts := lateUntil{}
		if _, taken := over[e.Division.Name]; !taken {
			over[e.Division.Name] = e
			shifts = days("22:00", 2, 3, 4, 5, 6, 9, 10, 11, 12, 13).and(days("19:00", 16))
		}
		setKOTMonth(t, kot, e.Key, shifts)
		names = append(names, e.LastName+" "+e.FirstName, e.LastName, e.FirstName, e.Email)
	}
	head, osaka := over["本社"], over["大阪支社"]
	if head.Key == "" || osaka.Key == "" {
		t.Fatalf("the sandbox's %d employees are not in both divisions: %v", headcount, over)
	}

	cfg, err := loadConfig(t, connections(nil, kot, slack), overtimeFlow("overtime", "kot",
		fmt.Sprintf("{manager_channels: {本社: %s, 大阪支社: %s}, default_channel: %s}", general, accounting, backOffice)))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	h := openHub(t, cfg, clockAt(noon(20)), logs)
	fr := run(t, h, "overtime")
	if fr.Delivered != 2 || fr.Failed != 0 || fr.Dead != 0 {
		t.Fatalf("run: %+v; want two notices delivered", fr)
	}
	for _, c := range []struct {
		name, channel string
		want          []string
	}{
		{"本社's manager channel", general, []string{warnText(head.Code, head.LastName+" "+head.FirstName)}},
		{"大阪支社's manager channel", accounting, []string{warnText(osaka.Code, osaka.LastName+" "+osaka.FirstName)}},
		{"the default channel", backOffice, nil},
	} {
		if got := texts(slack, c.channel); !slices.Equal(got, c.want) {
			t.Errorf("%s holds %q; want %q", c.name, got, c.want)
		}
	}
	checkNoNames(t, logs, "overtime", names)
}

// TestConfigurationMistakesAreRefused builds hubs whose overtime-watch flow is set up
// wrong: each is refused before any run, with an error that names the flow and the key.
func TestConfigurationMistakesAreRefused(t *testing.T) {
	t.Parallel()
	freee, slack := startFreee(t, 1), startSlack(t, 1)
	conns := connections(freee, nil, slack)
	for _, tc := range []struct {
		name, flow string
		want       []string
	}{
		{name: "a warning line at the default limit",
			flow: overtimeFlow("overtime", "freee-hr", "{warn_hours: 45, default_channel: C1}"),
			want: []string{"flow overtime: mapping.warn_hours is 45 and mapping.limit_hours 45; the warning line must be below the limit"}},
		{name: "a warning line above the limit",
			flow: overtimeFlow("overtime", "freee-hr", "{warn_hours: 50, limit_hours: 45}"),
			want: []string{"flow overtime: mapping.warn_hours is 50 and mapping.limit_hours 45; the warning line must be below the limit"}},
		{name: "a limit below the default warning line",
			flow: overtimeFlow("overtime", "freee-hr", "{limit_hours: 30}"),
			want: []string{"flow overtime: mapping.warn_hours is 40 and mapping.limit_hours 30; the warning line must be below the limit", "(left out, they are 40 and 45)"}},
		{name: "a limit of no hours",
			flow: overtimeFlow("overtime", "freee-hr", "{limit_hours: 0, warn_hours: 0}"),
			want: []string{"flow overtime: mapping.limit_hours is 0; want a whole number of hours, at least 1"}},
		{name: "a webhook trigger",
			flow: strings.Replace(overtimeFlow("overtime", "freee-hr", "{}"), `{schedule: {cron: "0 7 * * 1-5"}}`, "{webhook: {connection: slack}}", 1),
			want: []string{"flows.overtime.trigger.webhook: flow type overtime-watch cannot be started by a webhook"}},
		{name: "no pay period rules",
			flow: strings.Replace(overtimeFlow("overtime", "freee-hr", "{}"), "    period: {closing_day: 0, prescribed_daily_minutes: 480}\n", "", 1),
			want: []string{`flows.overtime: missing required key "period"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(t, conns, tc.flow)
			if err == nil {
				var h *local.Hub
				h, err = local.Open(t.Context(), cfg, local.Options{Secrets: sandboxSecrets(), DataDir: t.TempDir()})
				if err == nil {
					h.Close()
					t.Fatal("the hub was built; want it refused")
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q; want it to say %q", err, w)
				}
			}
		})
	}
}
