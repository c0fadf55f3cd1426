package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/urakata/urakata/shared/config"
)

func TestAMappingFieldCanNameAnotherConnection(t *testing.T) {
	t.Parallel()
	v := config.Vocabulary{
		Vendors: map[string][]config.Field{"books": nil, "chat": nil},
		FlowTypes: map[string]config.FlowTypeSpec{"post": {
			Triggers: []config.TriggerKind{config.TriggerSchedule},
			Mapping:  []config.Field{{Name: "notify", Type: config.ConnectionRef, Description: "where to tell people"}},
		}},
	}
	doc := func(notify string) string {
		return `version: 1
connections:
  books: {vendor: books}
  team-chat: {vendor: chat}
flows:
  post:
    type: post
    source: books
    target: books
    trigger: {schedule: {cron: "0 * * * *"}}
    mapping: {notify: ` + notify + `}
`
	}
	cfg, err := config.Parse("hub.yaml", []byte(doc("team-chat")), v)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Flows[0].Mapping["notify"]; got != "team-chat" {
		t.Errorf("mapping.notify = %v; want team-chat", got)
	}
	_, err = config.Parse("hub.yaml", []byte(doc("teamchat")), v)
	var list config.Errors
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("naming no connection: %v; want one error", err)
	}
	e := list[0]
	if e.Line != 11 || e.Path != "flows.post.mapping.notify" || !strings.Contains(e.Message, "team-chat") {
		t.Errorf("error = %s; want line 11, flows.post.mapping.notify, and the known connections listed", e)
	}
}
