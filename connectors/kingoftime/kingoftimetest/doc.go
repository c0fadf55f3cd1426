// Package kingoftimetest is a stateful fake of the KING OF TIME WebAPI on loopback, for
// tests, benchmarks and the `urakata dev` demo. It speaks only HTTP, so any client can be
// pointed at it: the API under BaseURL() (URL()+"/v1.0", as https://api.kingtime.jp/v1.0).
//
// It behaves like KOT where a client can get it wrong:
//
//   - every request and every response is validated against testdata/kingoftime/
//     kot-openapi.yml, the third-party transcription of KOT's reference corrected where
//     the vendor's own pages say otherwise (CORRECTIONS.md beside it), with kin-openapi; a
//     bad request gets 400 in KOT's error shape, and both kinds of breach are kept for
//     Violations;
//   - requests need "Authorization: Bearer <token>" with a token the sandbox accepts; any
//     other gets 403 with code 100 (認証に失敗しました), as KOT answers a wrong or suspended
//     token or a client IP the token does not permit;
//   - the restricted hours: every day 08:30–10:00 and 17:30–18:30 JST (on Options.Now)
//     everything but the token APIs and punching in answers 403 with code 104;
//   - start–end ranges of at most 62 days, both ends counted, given together, no more than
//     three years back or one year ahead; employeeKeys and division never together;
//     monthly paths take YYYY-MM;
//   - a throttle over a rolling five minutes (500 by default), answered as KOT documents
//     it: {"code":"303","message":"Too Many Requests"}, status 429 unless told otherwise;
//   - no pagination: lists come whole; fields with no value are left out, not null;
//   - punches carry seconds and +09:00; other date-times none; the daily attendance lists
//     every employee every day, the time records only those who punched.
//
// Operations it serves: tokens (available, refresh, suspend), company, divisions, working
// types, employees (list and by code), daily workings (range and date), time records (range,
// date, and registering a punch) and remaining leave by month. Every other operation of the
// description is still validated, then answered 501.
//
// The demo company comes from Options.Seed: employee i has the code and email of
// DemoPerson(i) (E00001, e00001@demo-company.example…), as the freee 人事労務 sandbox's demo
// company does, so a flow from one to the other matches everyone; Options.People sets other
// pairs. Its month of punches holds overtime, late nights, work past midnight, a worked
// Saturday (法定外休日) and Sunday (法定休日), paid leave (a full day and a morning), special
// leave, an absence, going out, and perfectly normal months (see Profile). An absence is a
// company leave type named 欠勤 (code 5), as KOT companies set one up; KOT's own notion of an
// unpunched scheduled day is not modelled. Days are computed on demand from (seed, employee,
// date); only what is changed (SetDay, punches) is stored.
//
// Remaining leave (残休暇) lists each employee's 有休 (code 1) as of the month's last day, the
// company closing at month end: the grant of each 1 April (Employee.PaidLeaveGranted) less
// the paid leave the demo data has taken since, and 代休 (code 2) at zero. PaidLeaveLeft and
// PaidLeaveMinutesLeft say the figures; SetPaidLeaveGrant sets another grant, hours of
// hourly leave (時間単位年休) included.
//
// Fail arms faults (500, 429, the 303 throttle, the restricted hours, timeouts, connection
// resets, malformed bodies, refused tokens) for the next requests.
package kingoftimetest
