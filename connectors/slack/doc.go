// Package slack connects urakata to Slack (vendor "slack" in hub.yaml): a Web API client in
// the go-github shape (one Client, a service per API area, cursor pagination on Response),
// the per-method rate limits (limits.go), Slack's "ok": false turned into typed errors
// (errors.go), the capability adapters (connector.go): a chat poster, a directory that
// finds an employee's direct message by email, and a reader of a member's email (who
// asked the chat bot), and Events API and slash command verification (webhook.go).
//
// The API description is testdata/slack/web_openapi_v2.json (Swagger 2.0, converted with
// kin-openapi's openapi2conv by the sandbox, slacktest). Every service method names the
// operation it calls with a //meta:operation line, and a test checks each against it.
//
// # Errors
//
// Slack answers most failures with HTTP 200 and {"ok": false, "error": "<code>"}: the client
// reads "ok", never the status alone. ratelimited (in a body, or a 429 with Retry-After) is a
// fault.RateLimitedError; invalid_auth, not_authed, account_inactive, token_revoked and
// their kin are permanent and ask to reconnect the connection; channel_not_found,
// not_in_channel and is_archived are permanent and name the channel id; internal_error and
// fatal_error are transient. Error wraps Slack's code; ErrorCode reads it.
//
// # Request cost
//
// Slack limits each method per workspace and app (https://api.slack.com/docs/rate-limits):
// users.list and conversations.list are tier 2 (20 a minute), users.lookupByEmail and
// conversations.open tier 3 (50), users.info tier 4 (100), auth.test tier 4 or better, and
// chat.postMessage about one message a second per channel. Each method has its own limiter
// at its tier's pace, and a 429 stops only that method until its Retry-After. UserByEmail
// costs one lookup and one conversations.open per person, once per process (the answer is
// kept, for up to 1,024 people); EmailOf one users.info per asker every ten minutes (kept
// for up to 256); PostMessage one call per message.
package slack
