// Package chatwork connects urakata to Chatwork (vendor "chatwork" in hub.yaml): a client in
// the go-github shape (one Client, a service per API area: Me, Rooms, Messages, Contacts),
// the rate-limit policy (limits.go), the chat capabilities (connector.go): posting messages
// with mentions and replies, and webhook verification (webhook.go) with a parser of webhook
// events into model.ChatEvent (event.go).
//
// Chatwork publishes no machine-readable API description. The client is checked against
// the contract urakata wrote from the vendor's pages, testdata/chatwork/operations.json:
// every service method names its operation with a //meta:operation line, and a test checks
// each against it. The sandbox (package chatworktest) validates every request and response
// against the JSON Schemas beside it.
//
// # What Chatwork is like
//
//   - Base https://api.chatwork.com/v2; the API token goes in X-ChatWorkToken. It never
//     expires: a 401 means it was reissued or revoked, a Permanent error naming the secret.
//   - POST bodies are application/x-www-form-urlencoded, never JSON, and never the query
//     string (the archived RAML says otherwise; the API does not).
//   - No pagination: lists come whole. GET /rooms/{id}/messages is stateful per token (see
//     MessagesService.List); urakata posts and takes webhooks rather than polling it.
//   - X-RateLimit-Limit/Remaining/Reset (Unix seconds) on every answer, 429 when spent; the
//     client fails fast until Reset once Remaining is 0, and the runtime requeues.
//
// # People
//
// Chatwork gives no email address for anyone but the token's own account, so UserByEmail
// always answers ok = false: employees are mapped to Chatwork account ids in hub.yaml. With
// an account id, PostMessage{User: id} reaches the person in the direct chat the token's
// account shares with them (a contact), or else in settings.room_id with a [To:id] mention.
//
// # Webhooks
//
// A webhook setting in Chatwork has its own token; the signature is
// Base64(HMAC-SHA256(key = Base64-decoded token, message = raw body)), compared in constant
// time. An event older than WebhookMaxAge (five minutes: Chatwork delivers as it records and
// documents no redelivery) or a minute ahead of our clock is refused, and so is an event id
// this process saw within the window. The id (setting:message[:edit time]) is also the
// natural dedupe key of the run it starts, so a replay that reaches another process runs
// into the ledger. One caveat of refusing repeats: if the queue refused a verified event
// (ingress answers 503) and Chatwork were to redeliver it, this process would refuse the
// redelivery; Chatwork documents none.
//
// # Request cost
//
// Posting a message costs one request. A message to a person without a room reads the
// contacts once (then every ten minutes on a miss); a reply without an author reads /me
// once. At the default 100 requests per five minutes, one connection posts about 100
// notices per five minutes, with bursts of 10.
package chatwork
