// Package freeeaccounting connects urakata to freee 会計 (freee Accounting, vendor
// "freee-accounting" in hub.yaml): a client in the go-github shape (one Client, a service
// per API area, pagination on Response), the vendor's daily cap and 403 throttle
// (limits.go), and the capability adapters: an expense source (expenses.go), a journal
// target (journal.go) and a webhook receiver (webhook.go).
//
// freee 会計 and freee 人事労務 are one vendor with one OAuth server: this package reuses
// package freee's TokenSource and ParseCredentials (rotating, single-use refresh tokens on
// the same token endpoint), its 403 throttle rule and its X-Freee-Token check. One freee
// app authorised once serves both: set token_connection so the two connections keep one
// token.
//
// The API description is testdata/freee/accounting.json (OpenAPI 3.0.1, base
// https://api.freee.co.jp). Every service method names the operation it calls with a
// //meta:operation line, and a test checks each against accounting.json.
//
// # What is read and written
//
//   - An approved claim (経費申請, GET /api/1/expense_applications[/{id}]) becomes one
//     model.ExpenseReport; each itemised line one ExpenseLine, named after its expense
//     template (経費科目) or that template's account item, taxed at the template's tax
//     code's rate, with the registration number of its receipt (GET /api/1/receipts/{id}).
//     The applicant's email comes from the company's users; freee 会計 has no employee code.
//   - A model.JournalEntry becomes one manual journal (振替伝票, POST /api/1/manual_journals)
//     whose reference number (管理番号) is the entry's SourceRef, which FindJournal searches
//     (GET /api/1/manual_journals?ref_number=). See PostJournal for why not a deal.
//
// freee books a deal (取引, unsettled) for every claim it approves (the claim's deal_id): a
// flow that reads claims from a freee company must not post them as journals into the same
// company, or they are booked twice.
//
// # Request cost against the daily cap
//
// freee allows 3,000 requests a day per company and app (5,000 on 法人アドバンス, 10,000 on
// 法人エンタープライズ). Per approved claim:
//
//   - Expense (the webhook path): 1, plus 1 per receipt (usually one per purchase line);
//   - PostJournal: 1; FindJournal: 1 (the worker asks only after a crash, a flow may ask
//     before every post);
//   - the masters, once an hour per process whatever the volume: expense templates (1 per
//     100), tax codes, users, account items, departments: 5.
//
// So a claim with one receipt costs 3 (4 with a FindJournal first), and a day's cap of 3,000
// books about 700–1,000 claims. Polling (ApprovedExpenses) adds one request per 500 approved
// claims in its window per poll, and the details and receipts of each claim once per
// process: a process that starts afresh for every poll (a Lambda cold start) pays them for
// the whole window every time, so poll a few times a day, as the webhook's fallback. A token
// refresh (every six hours) goes to the token endpoint, not the API.
//
// The connection's limiter spends the cap as a token bucket (a tenth at once, the rest
// spread over the day), and a 429 with x-ratelimit-reset makes every call fail fast
// (RateLimited) until freee's reset.
package freeeaccounting
