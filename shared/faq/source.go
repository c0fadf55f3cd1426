package faq

import (
	"context"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"strings"
)

// File is one file of a knowledge base, as a Source yields it.
type File struct {
	// Path is the file's path relative to the knowledge base's root, slash-separated
	// (e.g. "leave/paid-leave-balance.md"); an entry without an id is named after it.
	Path string
	// URL is the file's page at its source, to cite; empty when there is none.
	URL string
	// Content is the file as stored: front matter, then the answer.
	Content []byte
}

// Source yields the files of a knowledge base: a local folder (Dir), any fs.FS (FS), or a
// GitHub repository (package faqgithub).
type Source interface {
	// Files yields every Markdown file of the knowledge base. Files that are not entries
	// (README.md, anything not .md or .markdown) may be yielded too; Load skips them. An
	// error ends the iteration, and Load then keeps nothing of it.
	Files(ctx context.Context) iter.Seq2[File, error]
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context) iter.Seq2[File, error]

// Files calls f.
func (f SourceFunc) Files(ctx context.Context) iter.Seq2[File, error] { return f(ctx) }

// Dir is the knowledge base in a local folder, subfolders included: what `urakata dev`
// and `urakata faq ask` read (testdata/faq by default).
func Dir(dir string) Source {
	return SourceFunc(func(ctx context.Context) iter.Seq2[File, error] {
		return func(yield func(File, error) bool) {
			info, err := os.Stat(dir)
			if err == nil && !info.IsDir() {
				err = fmt.Errorf("not a folder")
			}
			if err != nil {
				yield(File{}, fmt.Errorf("faq: knowledge base %s: %w", dir, err))
				return
			}
			for f, err := range FS(os.DirFS(dir)).Files(ctx) {
				if err != nil {
					err = fmt.Errorf("faq: knowledge base %s: %w", dir, err)
				}
				if !yield(f, err) || err != nil {
					return
				}
			}
		}
	})
}

// FS is the knowledge base at the root of fsys, subfolders included, in name order: for
// a knowledge base embedded in a binary, or a test's fstest.MapFS.
func FS(fsys fs.FS) Source {
	return SourceFunc(func(ctx context.Context) iter.Seq2[File, error] {
		return func(yield func(File, error) bool) {
			stop := false
			err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if d.IsDir() || !isEntryFile(p) {
					return nil
				}
				b, err := fs.ReadFile(fsys, p)
				if err != nil {
					return err
				}
				if !yield(File{Path: p, Content: b}, nil) {
					stop = true
					return fs.SkipAll
				}
				return nil
			})
			if err != nil && !stop {
				yield(File{}, fmt.Errorf("read files: %w", err))
			}
		}
	})
}

// isEntryFile says whether a file holds an entry: Markdown, and not a folder's README
// (which explains the format to the people who edit the knowledge base).
func isEntryFile(p string) bool {
	name := path.Base(p)
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
	default:
		return false
	}
	return !strings.EqualFold(strings.TrimSuffix(name, path.Ext(name)), "readme")
}
