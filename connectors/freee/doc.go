// Package freee connects urakata to freee 人事労務 (freee HR, vendor "freee-hr" in hub.yaml):
// a client in the go-github shape (one Client, a service per API area, pagination on
// Response), OAuth2 with rotating refresh tokens (auth.go, on shared/oauth), the vendor's
// rate-limit policy (limits.go), the capability adapters (connector.go, leave.go):
// employees with their departments, attendance, work-summary-target and paid-leave
// balances, and webhook verification (webhook.go).
//
// The API description is testdata/freee/hr.json (OpenAPI 3.0.1, base
// https://api.freee.co.jp/hr). Every service method names the operation it calls with a
// //meta:operation line, and a test checks each against hr.json.
//
// # Request cost
//
// freee HR allows 10,000 requests an hour per app and company. One flow run costs:
//
//   - Employees: two requests per 100 employees: the page (GET
//     /api/v1/companies/{id}/employees) and the departments of those on it who are on the
//     payroll (GET /api/v1/employee_group_memberships), plus one per further date when some
//     of them retired within the period.
//   - Attendance, per employee: one request per 100 time clocks (a month of four punches a
//     working day is about 90, so usually 1–2), plus one work record summary for the day
//     kinds and leave, plus one more when the period starts before that summary's first
//     date (the caller reaching back to the week start): 2–4 requests.
//   - PutWorkSummary: one request per employee; GetWorkSummary one more, only when a
//     worker must reconcile after a crash.
//   - PaidLeave (the chat bot's "how much paid leave is left?"): one work record summary
//     per question, two when the company's pay month is not the month worked (a closing
//     day before month end, or pay the next month).
//   - A token refresh: one request per six hours per connection.
//
// So a monthly attendance → payroll run costs about 3–5 requests per employee: at the
// default limit a run of about 2,000 employees fits in one hour. Each connection's limiter
// spreads its requests at requests_per_hour/3600 a second (burst 10), so one process stays
// under the hourly limit and a larger company simply takes longer. Several processes (Lambda
// workers) each have their own limiter and share freee's quota: set requests_per_hour to
// the share each may use, and the X-Ratelimit-* headers make all of them fail fast, without
// a request, once freee says the hour is spent.
package freee
