package github

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"path"
	"slices"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/urakata/urakata/shared/fault"
)

// File is one Markdown file of a repository, with its content: what the chat bot's
// knowledge base is read from.
type File struct {
	// Path is the file's path in the repository, e.g. "faq/expenses/commute.md".
	Path string
	// SHA is the git blob id of the content: it changes exactly when the content does, so
	// a reader can skip what it has already seen.
	SHA string
	// URL is the file's page on GitHub, to cite as the source of an answer.
	URL string
	// Content is the file as stored (UTF-8 Markdown, front matter included).
	Content []byte
}

// maxListing is the most entries GitHub lists of one folder; a folder with more is cut to
// this many without saying so.
const maxListing = 1000

// ListMarkdown yields the Markdown files (.md, .markdown) under dir of owner/repo at ref
// (a branch, tag or commit; the default branch when empty), subfolders included, depth
// first in name order. dir may also name one Markdown file. Symbolic links and submodules
// are skipped. The first error ends it.
//
// Cost: one request per folder and one per Markdown file, made as the caller consumes
// them, so memory holds one folder listing per level and one file. A folder of 1,000
// entries or more is an error, because GitHub lists only the first 1,000; a file over
// 1 MB is an error too, because the contents API does not return its content. A push
// between two requests can mix two commits when ref is a branch: pass a commit id to read
// one commit.
func (c *Connection) ListMarkdown(ctx context.Context, owner, repo, dir, ref string) iter.Seq2[File, error] {
	return func(yield func(File, error) bool) {
		opts := &gh.RepositoryContentGetOptions{Ref: ref}
		dir = strings.Trim(dir, "/")
		file, entries, _, err := c.Client.Repositories.GetContents(ctx, owner, repo, dir, opts)
		if err != nil {
			yield(File{}, fmt.Errorf("%s: list Markdown under %s/%s/%s: %w", Vendor, owner, repo, dir, err))
			return
		}
		if file != nil {
			if isMarkdown(file.GetName()) {
				f, err := markdownFile(file)
				yield(f, err)
				return
			}
			yield(File{}, fault.Permanentf(Vendor, "%s/%s/%s is a file, not Markdown nor a folder", owner, repo, dir))
			return
		}
		c.walk(ctx, owner, repo, dir, opts, entries, yield)
	}
}

// walk yields the Markdown files of one folder listing, descending into subfolders; it
// returns false when the caller stopped or an error was yielded.
func (c *Connection) walk(ctx context.Context, owner, repo, dir string, opts *gh.RepositoryContentGetOptions, entries []*gh.RepositoryContent, yield func(File, error) bool) bool {
	if len(entries) >= maxListing {
		yield(File{}, fault.Permanentf(Vendor, "%s/%s/%s holds %d entries or more, and GitHub lists only the first %d: split it into subfolders", owner, repo, dir, maxListing, maxListing))
		return false
	}
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b *gh.RepositoryContent) int { return cmp.Compare(a.GetPath(), b.GetPath()) })
	for _, e := range entries {
		switch e.GetType() {
		case "file":
			if !isMarkdown(e.GetName()) {
				continue
			}
			file, _, _, err := c.Client.Repositories.GetContents(ctx, owner, repo, e.GetPath(), opts)
			if err == nil && file == nil {
				err = fault.Permanentf(Vendor, "%s/%s/%s: GitHub answered a folder where it had listed a file", owner, repo, e.GetPath())
			}
			if err != nil {
				yield(File{}, fmt.Errorf("%s: read %s/%s/%s: %w", Vendor, owner, repo, e.GetPath(), err))
				return false
			}
			f, err := markdownFile(file)
			if !yield(f, err) || err != nil {
				return false
			}
		case "dir":
			_, sub, _, err := c.Client.Repositories.GetContents(ctx, owner, repo, e.GetPath(), opts)
			if err != nil {
				yield(File{}, fmt.Errorf("%s: list Markdown under %s/%s/%s: %w", Vendor, owner, repo, e.GetPath(), err))
				return false
			}
			if !c.walk(ctx, owner, repo, e.GetPath(), opts, sub, yield) {
				return false
			}
		}
	}
	return true
}

// markdownFile decodes a file GitHub returned with its content.
func markdownFile(rc *gh.RepositoryContent) (File, error) {
	if rc.GetEncoding() == "none" {
		return File{}, fault.Permanentf(Vendor, "%s is %d bytes; the contents API returns files up to 1 MB", rc.GetPath(), rc.GetSize())
	}
	text, err := rc.GetContent()
	if err != nil {
		return File{}, fmt.Errorf("%s: decode %s: %w", Vendor, rc.GetPath(), err)
	}
	return File{Path: rc.GetPath(), SHA: rc.GetSHA(), URL: rc.GetHTMLURL(), Content: []byte(text)}, nil
}

func isMarkdown(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
		return true
	}
	return false
}
