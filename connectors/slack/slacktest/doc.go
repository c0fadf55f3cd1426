// Package slacktest is a stateful fake of Slack on loopback, for tests, benchmarks and the
// `urakata dev` demo: the Web API under BaseURL() (URL()+"/api", as https://slack.com/api),
// and Slack's side of the Events API and slash commands, sending signed requests to an
// app's Request URL. It speaks only HTTP, so any client can be pointed at it.
//
// It behaves like Slack where a client can get it wrong:
//
//   - every call and every response is validated against Slack's own Web API description
//     (testdata/slack/web_openapi_v2.json, Swagger 2.0, converted at load time with
//     kin-openapi's openapi2conv and corrected where testdata/slack/CORRECTIONS.md says);
//     a call that breaks it is answered "ok": false, "error": "invalid_arguments" with the
//     reason in response_metadata.messages, and both kinds of breach are kept for
//     Violations;
//   - failures are HTTP 200 with "ok": false and Slack's error code (not_authed,
//     invalid_auth, token_revoked, channel_not_found, not_in_channel, is_archived, no_text,
//     users_not_found…), so a client that reads the status alone takes them for successes;
//   - the token is taken as "Authorization: Bearer" (or a form field token), never from the
//     query; write methods take a form or a JSON body, with blocks as a JSON string or array;
//   - every answer to the token names its scopes in X-OAuth-Scopes (Options.Scopes); without
//     users:read.email no profile shows an email and users.lookupByEmail is missing_scope;
//   - each method is rate limited at its tier (users.list and conversations.list 20 a
//     minute, users.lookupByEmail and conversations.open 50, auth.test and users.info 100) and
//     chat.postMessage at one message a second per channel after a short burst, answered
//     with 429, Retry-After and "error": "ratelimited";
//   - cursor pagination (users.list, conversations.list) with opaque cursors in
//     response_metadata.next_cursor, "" on the last page;
//   - posting to a user id opens the app's direct message with them; conversations.open is
//     idempotent (already_open).
//
// Methods it serves: auth.test, users.list, users.lookupByEmail, users.info,
// conversations.list, conversations.open, chat.postMessage. Every other method of the
// description is still validated, then answered not_implemented.
//
// The demo workspace comes from Options.Seed: employee i has the email of DemoPerson(i)
// (e00001@demo-company.example…), as the freee 人事労務 and KING OF TIME sandboxes' demo
// companies do, so a flow can find everyone by email; plus a deactivated former employee,
// Slackbot and the app's bot user. Channels: #general, #random (the bot is not a member),
// #back-office, the private #accounting and the archived #old-project. Messages posted are
// kept (Messages); SaveState and LoadState carry them, and the direct messages opened,
// across runs.
//
// SendEvent, SendURLVerification and SendSlashCommand deliver requests exactly as Slack
// does: v0-signed with the signing secret and the current time, event payloads in the
// event_callback wrapper (checked against the wrapper schema, corrected as CORRECTIONS.md
// says), retried with X-Slack-Retry-Num and X-Slack-Retry-Reason while the app does not
// answer 2xx within three seconds.
//
// Fail and FailWithError arm faults (500, 429, ratelimited in a 200, timeouts, connection
// resets, malformed bodies, expired tokens, any "ok": false) for the next calls.
package slacktest
