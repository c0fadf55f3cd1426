package githubtest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// stateVersion is the version of the saved-state format.
const stateVersion = 1

// state is what the sandbox remembers: its repositories as they now stand (issues filed,
// comments, labels, files changed) and the id sequence. `urakata dev` saves it in the
// data folder so that a second run meets the same GitHub, with the alerts it filed.
type state struct {
	Version int           `json:"version"`
	Seed    int64         `json:"seed"`
	LastID  int64         `json:"last_id"`
	Repos   []*repository `json:"repositories"`
}

// SaveState writes what the sandbox holds to w as JSON.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	st := state{Version: stateVersion, Seed: s.opts.Seed, LastID: s.ids.last}
	for _, r := range s.repos {
		st.Repos = append(st.Repos, r)
	}
	err := json.NewEncoder(w).Encode(st)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("githubtest: save state: %w", err)
	}
	return nil
}

// LoadState restores what SaveState wrote, on a sandbox built with the same seed; the
// repositories saved replace the demo's.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("githubtest: saved state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("githubtest: saved state version %d; this sandbox reads %d", st.Version, stateVersion)
	}
	if st.Seed != s.opts.Seed {
		return fmt.Errorf("githubtest: saved state is of seed %d, this sandbox is seed %d", st.Seed, s.opts.Seed)
	}
	for _, repo := range st.Repos {
		if repo == nil || repo.Owner == "" || repo.Name == "" || repo.Branches[repo.DefaultBranch] == nil {
			return fmt.Errorf("githubtest: saved state holds a repository without name or default branch")
		}
		for i, is := range repo.Issues {
			if is == nil || is.Number != i+1 {
				return fmt.Errorf("githubtest: saved state: %s has issue numbers out of order", repo.fullName())
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, repo := range st.Repos {
		s.repos[strings.ToLower(repo.fullName())] = repo
	}
	s.ids.last = max(s.ids.last, st.LastID)
	return nil
}
