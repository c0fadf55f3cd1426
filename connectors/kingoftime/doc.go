// Package kingoftime connects urakata to KING OF TIME 勤怠管理 (vendor "kingoftime" in
// hub.yaml): a client in the go-github shape (one Client, a service per API area), the
// vendor's limits (limits.go: restricted hours, 62-day ranges, pace and throttle) and the
// capability adapters (connector.go): employees, attendance and paid-leave balances.
//
// KOT publishes no machine-readable API description. The client follows the facts collected
// in the project's vendor notes and a third-party OpenAPI transcription, corrected where the
// vendor's own pages disagree (testdata/kingoftime/kot-openapi.yml and CORRECTIONS.md
// beside it). Every service method names the operation it calls with a //meta:operation
// line, and a test checks each against that file.
//
// # What KOT imposes
//
//   - Restricted hours: every day 08:30–10:00 and 17:30–18:30 Japan time KOT refuses every
//     call but the token APIs and punching in (403, code 104). The windows are declared on
//     the Connector (hub.Window), so `urakata validate` warns of schedules inside them; the
//     client does not call inside one and returns a *fault.RateLimitedError whose RetryAfter
//     is the time to the window's end, and the adapters wait that out when the caller's
//     deadline leaves room (a run on one machine), or hand the error to the runtime, which
//     requeues the work (a Lambda).
//   - Ranges of at most 62 days: the Iter methods and the adapters split longer ones.
//   - No pagination, and no filter by employee on the daily attendance: the daily
//     attendance is read for the whole company (or the configured division).
//   - Throttling: code 303 "Too Many Requests" (status undocumented), with no published
//     numbers; requests_per_minute paces a connection (default 100, a third-party guide's
//     500 per five minutes).
//   - The access token is made in KOT's admin screens and only works from the IP addresses
//     it permits; a refused token is a Permanent error that says what to check.
//
// # Request cost
//
// One timeclock-to-payroll run over a pay period (about 37 days with the week start) costs:
// one request for the employees, one daily-attendance request per 15,000 employee-days
// (one for a company of up to 400), and one time-record request per employee. At the
// default pace a company of 1,000 takes about ten minutes to read.
//
// A paid-leave balance (PaidLeave, the chat bot's question) costs two requests: the
// employee by code, for their working type, and that working type's remaining leave for
// the month; three or four when the code no longer leads to them or KOT's closing puts the
// date in the next month.
package kingoftime
