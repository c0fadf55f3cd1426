package config

import (
	"maps"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MarshalYAML writes f back as hub.yaml, every default spelled out, so `urakata validate`
// can show the configuration as the hub will run it. Parsing the output gives f again.
func (f *File) MarshalYAML() (any, error) {
	company := ordered{{"name", f.Company.Name}, {"zone", f.Company.Zone.String()}}
	runtime := ordered{
		{"data_dir", f.Runtime.DataDir},
		{"workers", f.Runtime.Workers},
		{"lease", durationText(f.Runtime.Lease)},
		{"visibility", durationText(f.Runtime.Visibility)},
		{"max_receives", f.Runtime.MaxReceives},
		{"listen", f.Runtime.Listen},
	}
	var connections ordered
	for _, c := range f.Connections {
		connections = append(connections, member{c.Name, ordered{
			{"vendor", c.Vendor},
			{"base_url", c.BaseURL},
			{"secret", c.Secret},
			{"settings", yamlValues(c.Settings)},
		}})
	}
	var flows ordered
	for _, fl := range f.Flows {
		flows = append(flows, member{fl.Name, ordered{
			{"type", fl.Type},
			{"source", fl.Source},
			{"target", fl.Target},
			{"trigger", encodeTrigger(fl.Trigger)},
			{"period", encodePeriod(fl.Period)},
			{"mapping", yamlValues(fl.Mapping)},
		}})
	}
	var alerts ordered
	if a := f.Alerts; a != nil {
		alerts = ordered{{"chat", a.Chat}, {"channel", a.Channel}, {"issues", a.Issues}}
	}
	return ordered{
		{"version", f.Version},
		{"company", company},
		{"runtime", runtime},
		{"connections", connections},
		{"flows", flows},
		{"alerts", alerts},
	}.MarshalYAML()
}

func encodeTrigger(t Trigger) ordered {
	var out ordered
	if s := t.Schedule; s != nil {
		out = append(out, member{"schedule", ordered{{"cron", s.Cron}, {"zone", s.Zone.String()}}})
	}
	if h := t.Webhook; h != nil {
		out = append(out, member{"webhook", ordered{{"connection", h.Connection}, {"path", h.Path}}})
	}
	return out
}

func encodePeriod(p *Period) any {
	if p == nil {
		return nil
	}
	out := ordered{
		{"closing_day", p.ClosingDay},
		{"prescribed_daily_minutes", p.PrescribedDailyMinutes},
	}
	if p.PrescribedStart != nil && p.PrescribedEnd != nil {
		out = append(out, member{"prescribed_start", p.PrescribedStart.String()}, member{"prescribed_end", p.PrescribedEnd.String()})
	}
	return append(out,
		member{"week_start", weekdayNames[p.WeekStart]},
		member{"rounding", ordered{{"unit", p.Rounding.Unit}, {"mode", string(p.Rounding.Mode)}, {"apply", string(p.Rounding.Apply)}}},
	)
}

// yamlValues orders settings by key and writes durations in Go syntax.
func yamlValues(m map[string]any) ordered {
	var out ordered
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, member{k, yamlValue(m[k])})
	}
	return out
}

// durationText writes d as a person would: 2m rather than 2m0s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ordered is a YAML mapping that keeps its keys in order and leaves out empty values.
type ordered []member

type member struct {
	key   string
	value any
}

// MarshalYAML writes the mapping.
func (o ordered) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, m := range o {
		if isEmpty(m.value) {
			continue
		}
		var v yaml.Node
		if err := v.Encode(m.value); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: m.key}, &v)
	}
	return n, nil
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case ordered:
		return len(v) == 0
	}
	return false
}
