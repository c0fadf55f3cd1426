package config_test

import (
	"maps"
	// The binaries embed the zone database; so do the tests, so they pass on hosts without one.
	_ "time/tzdata"

	"github.com/urakata/urakata/shared/config"
)

// testVocabulary stands in for the connector and flow registries, which this package must
// not import: vendor freee-hr and flow type timeclock-to-payroll. hub.schema.json at the
// module root is generated from it.
func testVocabulary() config.Vocabulary {
	return config.Vocabulary{
		Vendors: map[string][]config.Field{
			"freee-hr": {
				{Name: "company_id", Type: config.Int, Required: true, Description: "freee company (事業所) ID.", Example: 1},
				{Name: "token_url", Type: config.URL, Description: "OAuth token endpoint; freee's own when left out."},
				{Name: "client_id", Type: config.String, Secret: true, Description: "OAuth client ID."},
				{Name: "client_secret", Type: config.String, Secret: true, Description: "OAuth client secret."},
				{Name: "refresh_token", Type: config.String, Secret: true, Description: "OAuth refresh token."},
			},
		},
		FlowTypes: map[string]config.FlowTypeSpec{
			"timeclock-to-payroll": {
				Summary:     "Monthly time-clock totals into payroll.",
				Triggers:    []config.TriggerKind{config.TriggerSchedule},
				NeedsPeriod: true,
				Mapping: []config.Field{
					{Name: "match", Type: config.StringList, Enum: []string{"code", "email"},
						Description: "How employees are matched between source and target, in order."},
					{Name: "overrides", Type: config.StringMap,
						Description: "Source employee code to target employee code, where they differ."},
				},
			},
		},
	}
}

// richVocabulary adds what testVocabulary lacks to reach every rule: a flow type started by
// webhooks without a period, and a vendor with settings of every type.
func richVocabulary() config.Vocabulary {
	v := testVocabulary()
	v.Vendors = maps.Clone(v.Vendors)
	v.FlowTypes = maps.Clone(v.FlowTypes)
	v.Vendors["slack"] = []config.Field{
		{Name: "channel", Type: config.String, Required: true, Description: "Channel to post to."},
		{Name: "style", Type: config.String, Enum: []string{"plain", "blocks"}, Default: "blocks", Description: "Message style."},
		{Name: "timeout", Type: config.Duration, Default: "30s", Description: "Request timeout."},
		{Name: "dry_run", Type: config.Bool, Description: "Log instead of posting."},
		{Name: "bot_token", Type: config.String, Secret: true, Description: "Bot token."},
	}
	v.FlowTypes["expense-to-journal"] = config.FlowTypeSpec{
		Summary:  "Approved expenses into accounting journals.",
		Triggers: []config.TriggerKind{config.TriggerSchedule, config.TriggerWebhook},
	}
	return v
}
