// Package github connects urakata to GitHub (vendor "github" in hub.yaml), on go-github
// (github.com/google/go-github/v60): go-github builds the requests and decodes the
// answers; its transport is the connection's httpx.Client, so the connection's limiter,
// retries and typed errors apply (github.go, limits.go). The services name the
// operations used with //meta:operation lines, checked against the JSON Schemas in
// testdata/github/ that the sandbox (package githubtest) validates with.
//
// What the hub uses:
//
//   - ListMarkdown (markdown.go) reads a folder of Markdown files, subfolders included:
//     the chat bot's knowledge base.
//   - OpenIssue and CloseIssue (alerts.go) implement hub.IssueTracker: alerts become issues
//     labelled urakata-alert, found again by a fingerprint kept in the body as an HTML
//     comment.
//   - VerifyWebhook (webhook.go) implements hub.WebhookReceiver with go-github's signature
//     validation: pushes become events, pings are answered.
//
// # Request cost
//
// GitHub allows 5,000 requests an hour per token, and asks for requests one at a time
// and a second's pause between writes (secondary limits: 900 points a minute, a write
// counting 5; 80 writes a minute).
//
//   - ListMarkdown: one request per folder and one per Markdown file. A knowledge base of
//     50 files in 5 folders costs 56 requests.
//   - OpenIssue: one request to find an open alert with the fingerprint (per 100 open
//     alerts), then one write for a new alert or two (comment, edit) for a repeated one.
//   - CloseIssue: the same search, then two writes (comment, close).
//
// The connection's limiter spreads its requests at requests_per_hour/3600 a second with a
// burst of a fiftieth of the hour; once GitHub's X-RateLimit-Remaining says 0, calls fail
// fast with fault.RateLimitedError until X-RateLimit-Reset, without a request.
package github
