// Package freeetest is a stateful fake of the freee 人事労務 (HR) API on loopback, for
// tests, benchmarks and the `urakata dev` demo. It speaks only HTTP, so any client can be
// pointed at it: the HR API under BaseURL() (URL()+"/hr", as https://api.freee.co.jp/hr)
// and the OAuth token endpoint at TokenURL() (as accounts.secure.freee.co.jp/public_api/token).
//
// It behaves like freee where a client can get it wrong:
//
//   - every request and every response is validated against freee's own API description
//     (testdata/freee/hr.json, with kin-openapi); a bad request gets 400 in freee's problem
//     shape, and both kinds of breach are kept for Violations;
//   - requests need "Authorization: Bearer <token>" with a token the sandbox issued and that
//     has not expired (6 h); refresh tokens are single-use and rotate on every refresh;
//   - an hourly rate limit (10,000 by default) with X-Ratelimit-* headers and 429;
//   - PUT work_record_summaries replaces the whole summary: fields left out become 0;
//   - time_clocks and companies/{id}/employees are bare arrays paged by offset and limit
//     (at most 100); GET /api/v1/employees is {employees, total_count};
//   - instants are sent in Asia/Tokyo (+09:00) with milliseconds.
//
// Operations it serves: users/me, employees, companies/{id}/employees,
// employee_group_memberships (departments), time_clocks, work_records/{date},
// work_record_summaries GET and PUT. Every other operation of hr.json is still validated,
// then answered 501.
//
// The demo company is generated from Options.Seed: employees with codes, emails and
// departments, and a month of punches that holds overtime, late nights, work past midnight,
// a worked Saturday (所定休日) and Sunday (法定休日), paid leave (full and half day), an
// absence and perfectly normal months (see Profile). Days are computed on demand from
// (seed, employee, date), so 10,000 employees cost a few megabytes; only what is written
// (summaries) or set (SetDay) is stored.
//
// Options.Through extends the time clocks past the demo month up to a date (`urakata dev`
// passes yesterday), so that the month in progress has them too, served by time_clocks,
// work_records and work_record_summaries as the demo month is. Its days come from the same
// generator, except that two overtime employees work a crunch there, past the 36協定's 40
// and 45 hours by late in the month (see ProfileOvertime).
//
// The company closes its months at month end and pays on the 25th of the same month, so the
// year/month of a work-record summary (freee's pay month) is the month worked.
//
// Every summary carries the employee's paid leave left (num_paid_holidays_left and
// num_paid_holidays_and_hours_left): the grant of each 1 April (ten days plus one per year
// of service, at most twenty) less the paid leave taken since, up to the period's end (see
// leave.go). PaidLeaveLeft says the figure; SetPaidLeaveGrant changes an employee's grant,
// hours of hourly leave included.
//
// Every employee belongs to one department (営業部, 開発部, 管理部 or カスタマーサクセス部),
// served by employee_group_memberships as their main duty (主務). SetDepartment moves one
// to another department, or out of every group.
//
// Fail arms faults (500, 429, the 403 throttle, timeouts, connection resets, malformed
// bodies, expired tokens) for the next requests.
package freeetest
