package githubtest

import (
	"strings"
	"time"
)

// Issue is an issue (or pull request) as the sandbox holds it, for tests to check what a
// client did.
type Issue struct {
	Number      int
	Title       string
	Body        string
	State       string
	StateReason string
	Labels      []string
	// Comments are the comments' bodies, oldest first.
	Comments    []string
	PullRequest bool
	CreatedAt   time.Time
	ClosedAt    time.Time
}

// Issues returns the issues and pull requests of a repository, by number.
func (s *Server) Issues(owner, repo string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.repos[strings.ToLower(owner+"/"+repo)]
	if !ok {
		return nil
	}
	out := make([]Issue, 0, len(r.Issues))
	for _, is := range r.Issues {
		v := Issue{
			Number: is.Number, Title: is.Title, State: is.State, StateReason: is.StateReason,
			Labels: append([]string(nil), is.Labels...), PullRequest: is.PullRequest,
			CreatedAt: is.CreatedAt, ClosedAt: is.ClosedAt,
		}
		if is.Body != nil {
			v.Body = *is.Body
		}
		for _, c := range is.Comments {
			v.Comments = append(v.Comments, c.Body)
		}
		out = append(out, v)
	}
	return out
}

// SetIssuesEnabled turns a repository's issues on or off; with them off, the issues API
// answers 410 Gone as GitHub does.
func (s *Server) SetIssuesEnabled(owner, repo string, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.repos[strings.ToLower(owner+"/"+repo)]
	if !ok {
		return errNoRepo(owner, repo)
	}
	r.HasIssues = on
	return nil
}
