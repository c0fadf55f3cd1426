package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// documentSpec declares hub.yaml for the connectors and flow types in v.
func documentSpec(v Vocabulary) *spec {
	return &spec{
		kind: kindObject,
		doc:  "urakata hub configuration: the company, the connections to its back-office systems, and the flows between them.",
		props: []prop{
			{name: "version", required: true, spec: &spec{kind: kindInt, enum: []any{1},
				doc: "Format version of this file; this urakata reads version 1."}},
			{name: "company", spec: companySpec},
			{name: "runtime", spec: runtimeSpec},
			{name: "connections", required: true, spec: &spec{
				kind: kindMap, keys: nameFormat, names: "connection", elem: connectionSpec(v),
				doc: "The systems urakata talks to, by a name of your choosing (lowercase letters, digits and '-'). Flows name them as source and target.",
			}},
			{name: "flows", required: true, spec: &spec{
				kind: kindMap, keys: nameFormat, names: "flow", elem: flowSpec(v),
				doc: "What urakata does, by a name of your choosing (lowercase letters, digits and '-'): each flow moves records from a source connection to a target connection.",
			}},
			{name: "alerts", spec: alertsSpec},
		},
	}
}

var alertsSpec = &spec{
	kind: kindObject,
	doc:  "Operations alerts: a delivery that lands in the dead letters, a connection that must be authorised again (invalid_grant) and a flow whose run failed each post one message to a chat channel and, with issues, file one GitHub issue, deduplicated by a fingerprint; urakata closes them once what failed works again (on one machine, when the flow next runs with nothing failed; in AWS, when a later scheduled run plans cleanly or a later delivery lands). They carry no personal data and no secret.",
	props: []prop{
		{name: "chat", required: true, spec: &spec{kind: kindString, ref: "connection", example: "slack",
			doc: "The connection that posts the alerts: a chat connector (slack, chatwork). Its kind is checked when the hub is built."}},
		{name: "channel", required: true, spec: &spec{kind: kindString, format: channelFormat, example: "C0123OPS",
			doc: "Where operations alerts go: a Slack channel id, or a Chatwork room id (quoted)."}},
		{name: "issues", spec: &spec{kind: kindString, ref: "connection", example: "github",
			doc: "A connection that files issues (github): each alert becomes an issue in its repository, commented with the count when it happens again and closed on recovery. Leave it out for chat alone."}},
	},
}

var companySpec = &spec{
	kind: kindObject,
	doc:  "The company whose back office this hub runs.",
	props: []prop{
		{name: "name", spec: &spec{kind: kindString, doc: "The company's name, for reports and messages.", example: "デモ株式会社"}},
		{name: "zone", spec: &spec{kind: kindString, format: zoneFormat, def: "Asia/Tokyo",
			doc: "IANA time zone of the company: business dates (work days, pay periods) are dates in this zone."}},
	},
}

var runtimeSpec = &spec{
	kind: kindObject,
	doc:  "How urakata runs on one machine (urakata run / urakata dev). In AWS, infra/ derives the same settings.",
	props: []prop{
		{name: "data_dir", spec: &spec{kind: kindString, def: ".urakata",
			doc: "Folder for the embedded runtime's SQLite database and state, relative to the working directory."}},
		{name: "workers", spec: &spec{kind: kindInt, limits: &limits{1, 256}, def: 4,
			doc: "How many deliveries are worked on at once."}},
		{name: "lease", spec: &spec{kind: kindString, format: durationFormat, def: "2m",
			doc: "How long a worker holds a delivery's claim in the ledger before another may take it over."}},
		{name: "visibility", spec: &spec{kind: kindString, format: durationFormat, def: "2m",
			doc: "How long a received message stays hidden from other workers before it is delivered again."}},
		{name: "max_receives", spec: &spec{kind: kindInt, limits: &limits{1, 1000}, def: 5,
			doc: "How many times a message is tried before it goes to the dead letters (urakata dlq)."}},
		{name: "listen", spec: &spec{kind: kindString, format: listenFormat, def: "127.0.0.1:8787",
			doc: "Address of the webhook server."}},
	},
}

func connectionSpec(v Vocabulary) *spec {
	vendors := slices.Sorted(maps.Keys(v.Vendors))
	s := &spec{
		kind: kindObject,
		doc:  "One system urakata connects to.",
		props: []prop{
			{name: "vendor", required: true, spec: &spec{kind: kindString, what: "vendor", enum: anys(vendors),
				doc: "Which connector talks to this system (urakata connectors lists them)."}},
			{name: "base_url", spec: &spec{kind: kindString, format: urlFormat,
				doc: "The vendor API's base URL; leave it out for the vendor's own. Set it to point the connector at another server (a proxy, a sandbox)."}},
			{name: "secret", spec: secretSpec},
			{name: "settings", spec: &spec{kind: kindMap, elem: &spec{kind: kindAny},
				doc: "Connector-specific settings; what each vendor takes is checked against its connector."}},
		},
		variants: &variants{key: "vendor"},
	}
	for _, vendor := range vendors {
		fields := v.Vendors[vendor]
		settings := fieldsSpec("Settings of the "+vendor+" connector.", fields,
			`the secret named by this connection's "secret" key`)
		// A vendor with secret fields cannot work without a secret to read them from.
		needsSecret := slices.ContainsFunc(fields, func(f Field) bool { return f.Secret })
		s.variants.cases = append(s.variants.cases, variant{value: vendor, props: []prop{
			{name: "secret", spec: secretSpec, required: needsSecret},
			{name: "settings", spec: settings, required: settings.mustHaveKeys()},
		}})
	}
	return s
}

var secretSpec = &spec{kind: kindString, format: secretNameFormat, example: "FREEE_HR",
	doc: "Name of the secret holding this connection's credentials: the environment variable URAKATA_SECRET_<NAME>, an entry of the secrets file, or a Secrets Manager secret in AWS. Credentials never go in hub.yaml."}

var allTriggers = []TriggerKind{TriggerSchedule, TriggerWebhook}

func flowSpec(v Vocabulary) *spec {
	types := slices.Sorted(maps.Keys(v.FlowTypes))
	s := &spec{
		kind: kindObject,
		doc:  "One flow: what it does (type), where it reads (source), where it writes (target) and when it runs (trigger).",
		props: []prop{
			{name: "type", required: true, spec: &spec{kind: kindString, what: "flow type", enum: anys(types),
				doc: "What the flow does (urakata flows lists the types)."}},
			{name: "source", required: true, spec: &spec{kind: kindString, ref: "connection",
				doc: "The connection the flow reads from."}},
			{name: "target", required: true, spec: &spec{kind: kindString, ref: "connection",
				doc: "The connection the flow writes to."}},
			{name: "trigger", required: true, spec: triggerSpec(allTriggers, "")},
			{name: "period", spec: periodSpec},
			{name: "mapping", spec: &spec{kind: kindMap, elem: &spec{kind: kindAny},
				doc: "Flow-type-specific rules for matching and translating records."}},
		},
		variants: &variants{key: "type"},
	}
	for _, name := range types {
		ft := v.FlowTypes[name]
		period := prop{name: "period", spec: periodSpec, required: true}
		if !ft.NeedsPeriod {
			period = prop{name: "period", forbidden: fmt.Sprintf("flow type %s has no pay period; remove period", name)}
		}
		doc := "Mapping rules of flow type " + name + "."
		if ft.Summary != "" {
			doc = "Mapping rules of flow type " + name + " (" + strings.TrimSuffix(ft.Summary, ".") + ")."
		}
		mapping := fieldsSpec(doc, ft.Mapping, "a connection's secret")
		s.variants.cases = append(s.variants.cases, variant{value: name, props: []prop{
			{name: "trigger", required: true, spec: triggerSpec(ft.Triggers, name)},
			period,
			{name: "mapping", spec: mapping, required: mapping.mustHaveKeys()},
		}})
	}
	return s
}

// triggerSpec declares the triggers a flow type accepts; flowType is empty for the base
// spec, which accepts every trigger.
func triggerSpec(accepted []TriggerKind, flowType string) *spec {
	s := &spec{kind: kindObject, minKeys: 1,
		doc: "What starts the flow: a schedule, a webhook, or both."}
	for _, kind := range allTriggers {
		if !slices.Contains(accepted, kind) {
			s.props = append(s.props, prop{name: string(kind), forbidden: fmt.Sprintf(
				"flow type %s cannot be started by a %s; it takes: %s", flowType, kind, joinKinds(accepted))})
			continue
		}
		switch kind {
		case TriggerSchedule:
			s.props = append(s.props, prop{name: string(kind), spec: scheduleSpec})
		case TriggerWebhook:
			s.props = append(s.props, prop{name: string(kind), spec: webhookSpec})
		}
	}
	return s
}

func joinKinds(kinds []TriggerKind) string {
	if len(kinds) == 0 {
		return "no trigger (it runs only on demand)"
	}
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

var scheduleSpec = &spec{
	kind: kindObject,
	doc:  "Run the flow on a cron schedule.",
	props: []prop{
		{name: "cron", required: true, spec: &spec{kind: kindString, format: cronFormat, example: "0 6 1 * *",
			doc: `When to run: 5 fields "minute hour day-of-month month day-of-week" (e.g. "0 6 1 * *" is 06:00 on the 1st of each month), or @hourly, @daily, @weekly, @monthly, @yearly. Field ranges are checked by urakata validate.`}},
		{name: "zone", spec: &spec{kind: kindString, format: zoneFormat,
			doc: "IANA time zone the cron is read in; company.zone when left out. Checked to exist by urakata validate."}},
	},
}

var webhookSpec = &spec{
	kind: kindObject,
	doc:  "Run the flow when the vendor sends an event to urakata's webhook endpoint.",
	props: []prop{
		{name: "connection", required: true, spec: &spec{kind: kindString, ref: "connection",
			doc: "The connection whose vendor sends the events (it verifies their signatures)."}},
		{name: "path", spec: &spec{kind: kindString, format: webhookPathFormat,
			doc: "URL path the vendor posts to; /hooks/<connection> when left out."}},
	},
}

var periodSpec = &spec{
	kind: kindObject,
	doc:  "Pay period rules (給与計算期間) for time-clock flows.",
	props: []prop{
		{name: "closing_day", required: true, spec: &spec{kind: kindInt, limits: &limits{0, 28},
			hint: "0 is the end of the month (末締め); 1-28 close on that day (15日締め, 20日締め)",
			doc:  "Closing day (締め日) of the pay period: 0 for the end of the month (末締め), or 1-28 (15 and 20 are common)."}},
		{name: "prescribed_daily_minutes", required: true, spec: &spec{kind: kindInt, limits: &limits{1, 480},
			hint: "the legal daily limit is 480 (8 hours)",
			doc:  "Prescribed working minutes per day (所定労働時間), e.g. 480 for 8 hours; at most the legal 480."}},
		{name: "prescribed_start", spec: &spec{kind: kindString, format: clockFormat,
			doc: "Prescribed start of the work day (始業時刻), with prescribed_end; lateness is measured from it."}},
		{name: "prescribed_end", spec: &spec{kind: kindString, format: clockFormat,
			doc: "Prescribed end of the work day (終業時刻), with prescribed_start; leaving early is measured to it."}},
		{name: "week_start", spec: &spec{kind: kindString, enum: anys(weekdayNames), def: "sunday",
			doc: "First day of the week for weekly overtime (週40時間) and legal holidays (法定休日)."}},
		{name: "rounding", spec: roundingSpec},
	},
	needs: []dependency{
		{key: "prescribed_start", needs: []string{"prescribed_end"}},
		{key: "prescribed_end", needs: []string{"prescribed_start"}},
	},
}

var weekdayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

var roundingSpec = &spec{
	kind: kindObject,
	doc:  "Rounding of worked time (端数処理). unit 1 means none; rounding daily time down is generally not allowed under the Labour Standards Act.",
	props: []prop{
		{name: "unit", spec: &spec{kind: kindInt, enum: []any{1, 5, 10, 15, 30}, def: 1,
			doc: "Rounding unit in minutes; 1 means no rounding."}},
		{name: "mode", spec: &spec{kind: kindString, enum: anys([]string{string(RoundFloor), string(RoundCeil), string(RoundHalfUp)}), def: string(RoundFloor),
			doc: "floor (切り捨て), ceil (切り上げ) or half_up (四捨五入)."}},
		{name: "apply", spec: &spec{kind: kindString, enum: anys([]string{string(RoundDaily), string(RoundMonthly)}), def: string(RoundDaily),
			doc: "Round each day's time (daily) or the month's totals (monthly)."}},
	},
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
