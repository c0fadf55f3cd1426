// Package githubtest is a stateful fake of GitHub's REST API and webhooks on loopback, for
// tests, benchmarks and the `urakata dev` demo. It serves the API as a GitHub Enterprise
// Server does, under BaseURL() (URL()+"/api/v3/"), so go-github's WithEnterpriseURLs (the
// connection's base_url) points any client at it.
//
// It behaves like GitHub where a client can get it wrong:
//
//   - every request and every answer is validated against the JSON Schemas of
//     testdata/github/, written from GitHub's reference pages (each cites its page); a
//     request they refuse is answered 422 "Invalid request." (400 for a body that is not
//     JSON), and every answer is also decoded with go-github's own types: what breaks
//     either is kept for Violations;
//   - requests need "Authorization: Bearer <token>" (or "token <token>") with
//     Options.Token: 401 "Requires authentication" or "Bad credentials" otherwise;
//   - the primary rate limit (5,000 an hour from the first request) in X-RateLimit-* on
//     every answer, answered 403 with Remaining 0 once spent; the secondary limit of 80
//     writes a minute, answered 403 with Retry-After; TripSecondaryLimit to block for a
//     while as GitHub does after abuse;
//   - issues and pull requests share numbers, and the issues list returns both (pull
//     requests carry pull_request); labels filter with every label required; pages of
//     per_page (30, at most 100) with a Link header; a label given to a new issue is
//     created; closing records closed_at, closed_by and state_reason;
//   - contents: a folder answers its entries (at most 1,000), a file its Base64 content in
//     lines of 60 characters, empty with encoding "none" over 1 MB; blob ids are git's;
//     names outside ASCII travel percent-encoded; ref is a branch or a head commit, and
//     an unknown one is 404 "No commit found for the ref …";
//   - webhooks (PushDelivery, PingDelivery, Send) carry GitHub's delivery headers and are
//     signed as GitHub signs them: X-Hub-Signature-256 "sha256=" HMAC-SHA256 and
//     X-Hub-Signature "sha1=" HMAC-SHA1 of the raw body with the webhook secret; push
//     payloads keep GitHub's quirk of Unix seconds in repository.created_at.
//
// The demo is the repository demo-company/back-office: a knowledge base of Japanese FAQ
// files under faq/ on main (front matter with question, paraphrases, tags and owner — an
// employee's email as freeetest makes it — and the answer as the body; one file name is
// Japanese; a PNG sits beside them), a documentation issue, a closed alert issue, and a
// pull request labelled urakata-alert that a client must not take for an issue.
//
// Fail arms faults (500, 429, the secondary and primary rate limits, timeouts, connection
// resets, malformed bodies, expired tokens) for the next requests.
package githubtest
