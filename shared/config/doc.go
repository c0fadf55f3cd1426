// Package config reads hub.yaml, the one file a company's IT staff edit: which systems the
// hub connects to and which flows run between them.
//
// Parse and Load check the whole file and report every problem at once, each placed as
// file:line:column with its key path and what is allowed:
//
//	hub.yaml:14:11: flows.timeclock-to-payroll.trigger.schedule.cron: "0 25 * * *": hour 25 is out of range 0-23; want 5 fields "minute hour day-of-month month day-of-week"
//
// What may be written is declared once, as data (hubspec.go), for the connectors and flow
// types a Vocabulary names. The validator and GenerateSchema, which writes the JSON Schema
// editors use, both read that declaration.
//
// hub.schema.json at the module root is generated for the test vocabulary (see
// schema_test.go) and checked by a test; to rewrite it:
//
//	go generate ./shared/config
package config

//go:generate go test -run TestSchemaFileIsCurrent -update .
