// Package faqgithub reads a knowledge base (package faq) from a folder of a GitHub
// repository, the one the back office edits by pull request, through a GitHub connection
// (connectors/github).
package faqgithub

import (
	"context"
	"iter"
	"strings"

	"github.com/urakata/urakata/connectors/github"
	"github.com/urakata/urakata/shared/faq"
)

// Lister is what of a GitHub connection the knowledge base needs; *github.Connection
// has it.
type Lister interface {
	ListMarkdown(ctx context.Context, owner, repo, dir, ref string) iter.Seq2[github.File, error]
}

var _ Lister = (*github.Connection)(nil)

// Source is the knowledge base under dir of owner/repo at ref (a branch, tag or commit;
// the default branch when empty), read through c. Paths are relative to dir, as they
// would be in a local copy of the folder, so an entry without an id gets the same id
// from both; each entry's URL is its file's page on GitHub.
//
// A reload costs one request per folder and one per file (see ListMarkdown): call it on
// the repository's push webhook, or on a schedule, not per question.
func Source(c Lister, owner, repo, dir, ref string) faq.Source {
	prefix := strings.Trim(dir, "/")
	if prefix != "" {
		prefix += "/"
	}
	return faq.SourceFunc(func(ctx context.Context) iter.Seq2[faq.File, error] {
		return func(yield func(faq.File, error) bool) {
			for f, err := range c.ListMarkdown(ctx, owner, repo, dir, ref) {
				if err != nil {
					yield(faq.File{}, err)
					return
				}
				if !yield(faq.File{Path: strings.TrimPrefix(f.Path, prefix), URL: f.URL, Content: f.Content}, nil) {
					return
				}
			}
		}
	})
}
