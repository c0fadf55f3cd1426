// Package xerotest is a stateful fake of Xero on loopback, for tests, benchmarks and the
// `urakata dev` demo. It speaks only HTTP, so any client can be pointed at it: one host
// (BaseURL, as https://api.xero.com) serving the accounting API under /api.xro/2.0, payroll
// UK under /payroll.xro/2.0 and the identity connections at /Connections, and the OAuth token
// endpoint at TokenURL (as https://identity.xero.com/connect/token).
//
// It behaves like Xero where a client can get it wrong:
//
//   - every request and every response is validated against Xero's own descriptions
//     (testdata/xero/: xero_accounting.yaml, xero-payroll-uk.yaml, xero-identity.yaml, with
//     kin-openapi); a bad request gets 400 in the API's own error shape, and both kinds of
//     breach are kept for Violations. The accounting description declares 14 attachment
//     paths twice with different parameter names; requests to those are answered 501
//     without validation, since they cannot be routed to one of the two;
//   - requests need "Authorization: Bearer <token>" with a token the sandbox issued that has
//     not expired (30 minutes), and accounting and payroll calls an xero-tenant-id naming a
//     connected organisation (403 otherwise);
//   - refresh tokens rotate on every refresh, and the one used stays accepted for 30 minutes
//     after its first use (Xero's grace period for a lost answer), then invalid_grant;
//   - per-organisation limits: 5 calls in flight, 60 in a sliding minute, 5,000 a UTC day
//     (Xero's day is rolling), and 10,000 a minute for the app; a call over one gets 429 with
//     Retry-After and X-Rate-Limit-Problem naming it, and every answer carries
//     X-DayLimit-Remaining, X-MinLimit-Remaining and X-AppMinLimit-Remaining;
//   - an Idempotency-Key sent again with the same request gets the first answer without a
//     second write; sent with another request it is refused (400); keys over 128 characters
//     are refused;
//   - accounting PUT creates, POST updates or creates; a journal must balance, name the
//     organisation's accounts, tax types and tracking options; summarizeErrors=false writes
//     the valid journals of a batch and returns the others with their ValidationErrors;
//   - timesheets must be a pay period of the employee's payroll calendar (the demo's is
//     monthly: a calendar month), must not overlap another, and change only while Draft;
//   - lists page at 100; where filters are understood as Field=="value" (or !=) terms joined
//     by AND and OR, and anything else is refused rather than ignored.
//
// Operations it serves: Connections; Accounts, TaxRates, ManualJournals (list, get, PUT,
// POST), ExpenseClaims (list, get), Receipts (get); payroll Employees (list, get),
// EarningsRates, Timesheets (list, get, create) and their lines (create, update, delete).
// Every other operation of the descriptions is still validated, then answered 501.
//
// The demo organisation is generated from Options.Seed: employees with the codes and emails
// the other urakata sandboxes give the same people (DemoPerson), a monthly payroll calendar,
// earnings rates for ordinary, overtime, legal-holiday and late-night hours, a Japanese chart
// of accounts with consumption-tax rates named as freee names its tax codes (課対仕入10%,
// 課対仕入8%（軽）, the two 控80 rates for receipts without a qualified invoice, 対象外),
// a Department tracking category, and an expense claim for every fifth employee in the demo
// month: approved, paid or still submitted, with receipts at both tax rates, with, without
// and with a mistyped registration number.
//
// The sandbox signs webhooks as Xero does (Base64 HMAC-SHA256 of the body with the webhook
// key, in x-xero-signature); SendWebhook posts events, IntentToReceive runs Xero's
// validation of an endpoint, and every delivery with events is checked against
// xero-webhooks.yaml (OpenAPI 3.1, with kin-openapi's JSON Schema 2020-12 validator).
//
// Fail arms faults (500, 429 for the minute, the day or concurrency, timeouts, connection
// resets, malformed bodies, expired tokens, and answers lost after the request was served)
// for the next requests.
package xerotest
