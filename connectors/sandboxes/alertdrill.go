package sandboxes

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urakata/urakata/connectors/github/githubtest"
	"github.com/urakata/urakata/shared/alerts"
)

// FlowRunner runs one flow of the hub now, as `urakata sync` does, and says whether nothing
// failed and which operations alerts the run sent.
type FlowRunner func(ctx context.Context, flow string) (ok bool, sent []alerts.Report, err error)

// AlertDrill is what became of the operations alert the demo raises and closes.
type AlertDrill struct {
	// Flow is the flow made to fail; Connection the connection whose sandbox refused the
	// app for one run.
	Flow       string `json:"flow"`
	Connection string `json:"connection"`
	// Fault says what the sandbox did.
	Fault  string       `json:"fault"`
	Raised *RaisedAlert `json:"raised,omitempty"`
	// Closed is true once the flow ran again with nothing failed, the issue was closed in
	// the GitHub sandbox (when hub.yaml files issues) and chat heard of the recovery.
	Closed bool `json:"closed"`
	// Error says which step did not happen.
	Error string `json:"error,omitempty"`
}

// RaisedAlert is the alert as the failed run raised it.
type RaisedAlert struct {
	Fingerprint string      `json:"fingerprint"`
	Kind        alerts.Kind `json:"kind"`
	Cause       string      `json:"cause,omitempty"`
	// ChatMessage is true when the alert is in the operations channel of the chat sandbox.
	ChatMessage bool `json:"chat_message"`
	// Issue is the number of the issue open in the GitHub sandbox (0 without issues), IssueRef
	// its reference (owner/repo#n).
	Issue    int    `json:"issue,omitempty"`
	IssueRef string `json:"issue_ref,omitempty"`
}

// DrillAlert raises an operations alert and closes it, through the hub's own alerting and
// the sandboxes: a flow whose source's sandbox can refuse the app (freee 人事労務) runs once
// while it refuses, as freee does when an administrator takes the app's permission away;
// the run fails, and the alert must reach the operations channel and open a GitHub issue.
// Then the sandbox serves the app again, the flow runs again with nothing failed, and the
// issue must be closed and chat told. Neither run delivers anything the flows' own run did
// not (the second finds every record settled in the ledger) and neither leaves a dead
// letter: a run that cannot read its source plans nothing.
//
// It returns nil when hub.yaml has no alerts section or no flow such a sandbox feeds, and
// an error naming the step that did not happen.
func (s *Set) DrillAlert(ctx context.Context, run FlowRunner) (*AlertDrill, error) {
	ops := s.Config.Alerts
	if ops == nil {
		return nil, nil
	}
	chat, ok, _ := s.chat(ops.Chat, "")
	if !ok {
		return nil, nil
	}
	d := &AlertDrill{}
	for _, f := range s.Config.Flows {
		if s.refusers[f.Source] != nil {
			d.Flow, d.Connection = f.Name, f.Source
			break
		}
	}
	if d.Flow == "" {
		return nil, nil
	}
	d.Fault = fmt.Sprintf("the %s sandbox refused the app for one run (403: the app's permission taken away)", d.Connection)
	fail := func(step string, err error) (*AlertDrill, error) {
		err = fmt.Errorf("alert drill on flow %s: %s: %w", d.Flow, step, err)
		d.Error = err.Error()
		return d, err
	}

	posts := chat.botPosts(ops.Channel, d.Flow)
	passed, sent, err := s.whileRefusing(d.Connection, func() (bool, []alerts.Report, error) { return run(ctx, d.Flow) })
	if err != nil {
		return fail("the run with the fault", err)
	}
	if passed {
		return fail("the run with the fault", errors.New("the flow did not fail"))
	}
	r, ok := report(sent, alerts.Opened, "")
	if !ok {
		return fail("raise", fmt.Errorf("the run sent no new alert (sent %d)", len(sent)))
	}
	d.Raised = &RaisedAlert{Fingerprint: r.Fingerprint, Kind: r.Kind, Cause: r.Cause, IssueRef: r.Issue}
	if r.Error != "" {
		return fail("raise", errors.New(r.Error))
	}
	d.Raised.ChatMessage = chat.botPosts(ops.Channel, d.Flow) > posts
	if !d.Raised.ChatMessage {
		return fail("raise", fmt.Errorf("no alert in the operations channel %s", ops.Channel))
	}
	gh, owner, repo := s.issues(ops.Issues)
	if gh != nil {
		n, err := issueNumber(r.Issue)
		if err != nil {
			return fail("raise", err)
		}
		if st := issueState(gh, owner, repo, n, r.Fingerprint); st != "open" {
			return fail("raise", fmt.Errorf("issue #%d is %q in the GitHub sandbox; want it open with the alert's fingerprint", n, st))
		}
		d.Raised.Issue = n
	}

	posts = chat.botPosts(ops.Channel, d.Flow)
	good, sent, err := run(ctx, d.Flow)
	if err != nil {
		return fail("the run after the fault was cleared", err)
	}
	if !good {
		return fail("the run after the fault was cleared", errors.New("the flow failed again"))
	}
	c, ok := report(sent, alerts.Closed, r.Fingerprint)
	switch {
	case !ok:
		return fail("close", errors.New("the good run closed no alert"))
	case c.Error != "":
		return fail("close", errors.New(c.Error))
	case chat.botPosts(ops.Channel, d.Flow) <= posts:
		return fail("close", fmt.Errorf("no recovery in the operations channel %s", ops.Channel))
	}
	if gh != nil {
		if st := issueState(gh, owner, repo, d.Raised.Issue, r.Fingerprint); st != "closed" {
			return fail("close", fmt.Errorf("issue #%d is %q in the GitHub sandbox; want it closed", d.Raised.Issue, st))
		}
	}
	d.Closed = true
	return d, nil
}

// whileRefusing calls do while connection's sandbox refuses the app.
func (s *Set) whileRefusing(connection string, do func() (bool, []alerts.Report, error)) (bool, []alerts.Report, error) {
	refuse := s.refusers[connection]
	refuse(true)
	defer refuse(false)
	return do()
}

// report finds the report of state (and fingerprint, unless "") among sent.
func report(sent []alerts.Report, state alerts.State, fingerprint string) (alerts.Report, bool) {
	for _, r := range sent {
		if r.State == state && (fingerprint == "" || r.Fingerprint == fingerprint) {
			return r, true
		}
	}
	return alerts.Report{}, false
}

// issues returns the GitHub sandbox of connection and the repository it files issues in;
// nil when hub.yaml files none.
func (s *Set) issues(connection string) (*githubtest.Server, string, string) {
	srv, ok := s.servers[connection].(*githubtest.Server)
	if !ok {
		return nil, "", ""
	}
	o := srv.Options()
	return srv, o.Owner, o.Repo
}

// issueNumber reads n from an issue reference owner/repo#n.
func issueNumber(ref string) (int, error) {
	_, num, ok := strings.Cut(ref, "#")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 {
		return 0, fmt.Errorf("the alert names no issue (%q)", ref)
	}
	return n, nil
}

// issueState is the state of issue n when it carries the alert's fingerprint, else "".
func issueState(gh *githubtest.Server, owner, repo string, n int, fingerprint string) string {
	for _, is := range gh.Issues(owner, repo) {
		if is.Number == n && strings.Contains(is.Body, "urakata:fingerprint="+fingerprint) {
			return is.State
		}
	}
	return ""
}
