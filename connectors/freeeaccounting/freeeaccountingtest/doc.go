// Package freeeaccountingtest is a stateful fake of the freee 会計 (accounting) API on
// loopback, for tests, benchmarks and the `urakata dev` demo. It speaks only HTTP, so any
// client can be pointed at it: the API at BaseURL() (paths /api/1/…, as
// https://api.freee.co.jp) and the OAuth token endpoint at TokenURL().
//
// It behaves like freee where a client can get it wrong:
//
//   - every request and every response is validated against freee's own API description
//     (testdata/freee/accounting.json, 2 MB, loaded once per process in about 0.3 s, with
//     kin-openapi; each request then validates only its own operation); a bad request gets
//     400 in freee's shape, and both kinds of breach are kept for Violations;
//   - requests need "Authorization: Bearer <token>" with a token the sandbox issued and that
//     has not expired (6 h); refresh tokens are single-use and rotate on every refresh;
//   - a daily cap per company and app (3,000 by default, reset at midnight in Japan): then
//     429 with x-ratelimit-* headers and accounting.json's tooManyRequestsError;
//   - lists page by offset and limit with each list's own largest page, newest claims first,
//     with meta.total_count; the manual journals' ref_number filter matches by prefix;
//   - POST /api/1/manual_journals refuses unknown ids, tax codes the company does not use and
//     entries that do not balance, and computes each line's tax from its code;
//   - approved claims carry the deal (取引) freee books on approval (deal_id, unsettled).
//
// Operations it serves: users/me, users, account_items, taxes/companies/{id}, sections,
// partners, expense_application_line_templates, expense_applications (list and one),
// receipts/{id}, manual_journals (list, one, create). Every other operation of
// accounting.json is still validated, then answered 501.
//
// The demo company (company 1 unless Options say otherwise) has the people of every urakata
// sandbox (E00001, e00001@demo-company.example, …; user ids as in freee 人事労務's sandbox),
// a chart of accounts and tax codes as a new freee company has them, four departments, and
// in the demo month ten expense claims (see the claims table in company.go): seven approved
// (trips with train, hotel, lodging tax and taxi; a meeting at 10 % and a take-away at 8 %; a
// book; entertainment; supplies from a shop without a registration number; a newspaper at
// 8 %; a taxi receipt whose registration number fails its check digit), one waiting for
// approval, one rejected, one draft.
//
// Approve approves the waiting claim and NotifyApproved sends its webhook as freee does
// (x-freee-token). Fail arms faults (500, 429, the 403 throttle, timeouts, connection
// resets, malformed bodies, expired tokens) for the next requests. SaveState and LoadState
// keep tokens, journals and approvals between runs.
package freeeaccountingtest
