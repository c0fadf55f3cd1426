// Package xero connects urakata to Xero (vendor "xero" in hub.yaml): a client in the
// go-github shape (one Client, a service per API area, pagination on Response), OAuth2 with
// rotating refresh tokens and Xero's grace period (auth.go, on shared/oauth), the
// per-tenant rate-limit policy (limits.go), the capability adapters (connector.go and the
// files it names) and webhook verification (webhook.go).
//
// One connection is one organisation (tenant). Every accounting and payroll call carries
// the xero-tenant-id header: settings.tenant_id, or the single organisation GET /Connections
// lists.
//
// The API descriptions are testdata/xero/: xero_accounting.yaml (api.xro/2.0),
// xero-payroll-uk.yaml (payroll.xro/2.0), xero-identity.yaml (/Connections) and
// xero-webhooks.yaml. Every service method names the operation it calls with a
// //meta:operation line holding the full path under https://api.xero.com, and a test checks
// each against the description its prefix names.
//
// # Capabilities
//
//   - employees: payroll (UK) employees; the employee number is the code.
//   - expense-source: expense claims approved (AUTHORISED or PAID), with their receipts'
//     lines. Xero records no approval time, so the claim's last change stands for it.
//   - journal-target: manual journals, created with PUT and an Idempotency-Key derived from
//     the entry's source reference, which is also the Narration that FindJournal searches.
//   - timesheet-target: payroll (UK) timesheets, one line per date and earnings rate
//     (ordinary, overtime, and optionally legal-holiday and late-night rates from settings).
//   - webhook: x-xero-signature verification and the intent-to-receive handshake. Xero's
//     webhooks cover contacts, invoices, credit notes and subscriptions, not expense claims:
//     a flow that reads Xero's expenses polls on a schedule.
//
// A create is never sent without an Idempotency-Key: httpx resends a PUT whose answer was
// lost (PUT is idempotent by HTTP's rules, but Xero's accounting PUT creates), and the key
// makes Xero answer the resend with the record the first one made.
//
// # Request cost
//
// Xero allows 60 requests a minute, 5 at once and 5,000 a day per organisation. The client
// spreads requests at one a second and holds at most five in flight. One flow run costs:
//
//   - Employees: one request per 100 employees.
//   - An approved-expense poll: one request, plus one per receipt of each claim found;
//     accounts and tax rates once per process.
//   - A journal: one search (FindJournal, before every write) and one create; the chart of
//     accounts and the tax rates once per process.
//   - A timesheet: a list and a read of the period's timesheet, then one create, or one
//     request per changed line (none when nothing changed); one more to read the employee's
//     payroll calendar when the employees were not listed in this process.
//
// So a monthly timesheet run for 100 employees takes about 200–300 requests: four to five
// minutes at one a second, well within the day. A larger organisation simply takes longer;
// several processes share the tenant's minute, so set requests_per_minute to each one's share.
package xero
