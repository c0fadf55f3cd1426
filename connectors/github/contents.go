package github

import (
	"context"

	gh "github.com/google/go-github/v60/github"
)

// RepositoriesService reads repository contents. Its methods are go-github's, with errors
// typed by Typed.
type RepositoriesService service

// GetContents reads path at opts.Ref (the default branch when empty): a file comes back as
// file, with its content Base64-encoded (GetContent decodes it; files over 1 MB come back
// without content), a folder as dir, its entries without content (at most 1,000 of them).
//
// GitHub API docs: https://docs.github.com/rest/repos/contents#get-repository-content
//
//meta:operation GET /repos/{owner}/{repo}/contents/{path}
func (s *RepositoriesService) GetContents(ctx context.Context, owner, repo, path string, opts *gh.RepositoryContentGetOptions) (file *gh.RepositoryContent, dir []*gh.RepositoryContent, resp *gh.Response, err error) {
	file, dir, resp, err = s.client.GitHub.Repositories.GetContents(ctx, owner, repo, path, opts)
	return file, dir, resp, Typed(err)
}
