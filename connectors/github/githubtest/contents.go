package githubtest

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// maxListing is the most entries GitHub lists of one folder.
const maxListing = 1000

// getContent serves a file (with its Base64 content, or without it over 1 MB) or a
// folder (its entries in name order, at most 1,000) at ref, the default branch when none
// is given.
func (s *Server) getContent(c *call) reply {
	r, rep, ok := s.repo(c)
	if !ok {
		return rep
	}
	ref := c.r.URL.Query().Get("ref")
	name, b, ok := r.resolve(ref)
	if !ok {
		return errorReply(http.StatusNotFound, "No commit found for the ref "+ref, c.op.Docs)
	}
	p := strings.Trim(c.path["path"], "/")
	if content, ok := b.Files[p]; ok && p != "" {
		return jsonReply(http.StatusOK, c.site.file(r, name, p, content, true))
	}
	prefix := ""
	if p != "" {
		prefix = p + "/"
	}
	subtrees := map[string]map[string][]byte{}
	var entries []wireContent
	for _, fp := range slices.Sorted(maps.Keys(b.Files)) {
		rest, ok := strings.CutPrefix(fp, prefix)
		if !ok {
			continue
		}
		if dir, _, nested := strings.Cut(rest, "/"); nested {
			if subtrees[dir] == nil {
				subtrees[dir] = map[string][]byte{}
			}
			subtrees[dir][fp] = b.Files[fp]
			continue
		}
		entries = append(entries, c.site.file(r, name, fp, b.Files[fp], false))
	}
	if len(entries) == 0 && len(subtrees) == 0 {
		return errorReply(http.StatusNotFound, "Not Found", c.op.Docs)
	}
	for dir, files := range subtrees {
		entries = append(entries, c.site.entry(r, name, "dir", prefix+dir, treeSHA(files), 0))
	}
	slices.SortFunc(entries, func(a, b wireContent) int { return strings.Compare(a.Name, b.Name) })
	if len(entries) > maxListing {
		entries = entries[:maxListing]
	}
	return jsonReply(http.StatusOK, entries)
}

// SetFile writes a file on a branch of the demo repository (or another the sandbox
// holds), as one commit pushed by the token's user; nil content deletes it. It returns the
// new head commit, which PushDelivery then describes. A branch that does not exist is
// created from the default branch.
func (s *Server) SetFile(owner, repo, branch, path string, content []byte, message string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.repos[strings.ToLower(owner+"/"+repo)]
	if !ok {
		return "", errNoRepo(owner, repo)
	}
	path = strings.Trim(path, "/")
	if path == "" {
		return "", errBadPath
	}
	base := r.Branches[branch]
	if base == nil {
		base = r.Branches[r.DefaultBranch]
	}
	files := maps.Clone(base.Files)
	if content == nil {
		delete(files, path)
	} else {
		files[path] = append([]byte(nil), content...)
	}
	r.setFiles(branch, files, message, botUser.Login, s.opts.Now())
	return r.Branches[branch].Head, nil
}

// Files returns a copy of the files of a branch: what a client should have read.
func (s *Server) Files(owner, repo, branch string) map[string][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.repos[strings.ToLower(owner+"/"+repo)]
	if !ok || r.Branches[branch] == nil {
		return nil
	}
	out := map[string][]byte{}
	for p, b := range r.Branches[branch].Files {
		out[p] = append([]byte(nil), b...)
	}
	return out
}
