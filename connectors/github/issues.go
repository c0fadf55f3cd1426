package github

import (
	"context"
	"iter"

	gh "github.com/google/go-github/v60/github"
)

// IssuesService files, lists, comments on and closes issues. Its methods are go-github's,
// with errors typed by Typed.
type IssuesService service

// Create files an issue.
//
// GitHub API docs: https://docs.github.com/rest/issues/issues#create-an-issue
//
//meta:operation POST /repos/{owner}/{repo}/issues
func (s *IssuesService) Create(ctx context.Context, owner, repo string, issue *gh.IssueRequest) (*gh.Issue, *gh.Response, error) {
	i, resp, err := s.client.GitHub.Issues.Create(ctx, owner, repo, issue)
	return i, resp, Typed(err)
}

// Get reads one issue (or pull request) by its number.
//
// GitHub API docs: https://docs.github.com/rest/issues/issues#get-an-issue
//
//meta:operation GET /repos/{owner}/{repo}/issues/{issue_number}
func (s *IssuesService) Get(ctx context.Context, owner, repo string, number int) (*gh.Issue, *gh.Response, error) {
	i, resp, err := s.client.GitHub.Issues.Get(ctx, owner, repo, number)
	return i, resp, Typed(err)
}

// ListByRepo lists one page of a repository's issues, pull requests included (they carry
// PullRequestLinks). Response.NextPage is the next page, 0 after the last.
//
// GitHub API docs: https://docs.github.com/rest/issues/issues#list-repository-issues
//
//meta:operation GET /repos/{owner}/{repo}/issues
func (s *IssuesService) ListByRepo(ctx context.Context, owner, repo string, opts *gh.IssueListByRepoOptions) ([]*gh.Issue, *gh.Response, error) {
	is, resp, err := s.client.GitHub.Issues.ListByRepo(ctx, owner, repo, opts)
	return is, resp, Typed(err)
}

// ListByRepoIter walks every page of ListByRepo, fetching the next only when the caller
// has consumed the previous one. The first error ends it.
func (s *IssuesService) ListByRepoIter(ctx context.Context, owner, repo string, opts *gh.IssueListByRepoOptions) iter.Seq2[*gh.Issue, error] {
	return func(yield func(*gh.Issue, error) bool) {
		page := gh.IssueListByRepoOptions{}
		if opts != nil {
			page = *opts
		}
		for {
			issues, resp, err := s.ListByRepo(ctx, owner, repo, &page)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, i := range issues {
				if !yield(i, nil) {
					return
				}
			}
			if resp == nil || resp.NextPage == 0 {
				return
			}
			page.Page = resp.NextPage
		}
	}
}

// CreateComment comments on an issue.
//
// GitHub API docs: https://docs.github.com/rest/issues/comments#create-an-issue-comment
//
//meta:operation POST /repos/{owner}/{repo}/issues/{issue_number}/comments
func (s *IssuesService) CreateComment(ctx context.Context, owner, repo string, number int, comment *gh.IssueComment) (*gh.IssueComment, *gh.Response, error) {
	c, resp, err := s.client.GitHub.Issues.CreateComment(ctx, owner, repo, number, comment)
	return c, resp, Typed(err)
}

// Edit changes an issue: here its state (closing it) and its body.
//
// GitHub API docs: https://docs.github.com/rest/issues/issues#update-an-issue
//
//meta:operation PATCH /repos/{owner}/{repo}/issues/{issue_number}
func (s *IssuesService) Edit(ctx context.Context, owner, repo string, number int, issue *gh.IssueRequest) (*gh.Issue, *gh.Response, error) {
	i, resp, err := s.client.GitHub.Issues.Edit(ctx, owner, repo, number, issue)
	return i, resp, Typed(err)
}
