// Package chatworktest is a stateful fake of the Chatwork API on loopback, for tests,
// benchmarks and the `urakata dev` demo. It speaks only HTTP, so any client can be pointed at
// it: the API under BaseURL() (URL()+"/v2", as https://api.chatwork.com/v2).
//
// Chatwork publishes no API description with a licence, so the sandbox validates against a
// contract urakata wrote from the vendor's pages: testdata/chatwork/ (operations.json, and
// the JSON Schemas requests.json, responses.json and webhook.json, each citing its page).
// It behaves like Chatwork where a client can get it wrong:
//
//   - every request, every response and every webhook it sends is validated against the
//     contract with a JSON Schema validator (santhosh-tekuri/jsonschema); a bad request gets
//     400 in Chatwork's error shape {"errors": [...]}, and every breach is kept for
//     Violations;
//   - requests need the API token in X-ChatWorkToken; any other gets 401 "Invalid API token"
//     (tokens never expire, RevokeToken and FaultRevokedToken refuse one);
//   - POST bodies must be application/x-www-form-urlencoded, with nothing in the query (the
//     archived RAML's queryParameters are a trap this catches);
//   - a rate limit per token over fixed five-minute windows (DefaultRateLimit), reported in
//     X-RateLimit-Limit, -Remaining and -Reset (Unix seconds) on every authenticated answer,
//     429 once spent;
//   - no pagination; GET /rooms/{id}/messages is stateful per token: only what that token has
//     not fetched yet (the latest 100 of it), force=1 for the latest 100, 204 with no body
//     when there is nothing;
//   - the bot cannot post in a room where it is read-only (403).
//
// Operations it serves: GET /me, /rooms, /rooms/{id}, /rooms/{id}/members,
// /rooms/{id}/messages, /rooms/{id}/messages/{message_id}, /contacts and POST
// /rooms/{id}/messages. Other paths are 404.
//
// The organisation: every API token belongs to the bot (BotAccountID). The people are the
// demo company's employees as connectors/freee/freeetest makes them for the same seed and
// head count; Account keeps each one's employee code and email, which Chatwork never serves,
// for tests and the demo to build the hub.yaml mapping. Rooms: the bot's my chat, the
// all-hands group (AllHandsRoomID, the bot an admin), a read-only announcement room
// (ReadOnlyRoomID), a group per department, and a direct chat with each contact (every
// employee but every tenth).
//
// Webhooks: AddWebhook sets up account (mention_to_me) and room (message_created /
// message_updated) webhooks; Say and Edit act as an employee writing, and the API's posts
// set off room events too, signed exactly as Chatwork signs (Sign, NewWebhookRequest,
// SendWebhook send one by hand).
//
// Fail arms faults (500, 429 with Retry-After, Chatwork's throttle by headers, timeouts,
// connection resets, malformed bodies, a revoked token) for the next requests.
package chatworktest
