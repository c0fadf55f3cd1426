package kingoftimetest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
)

// stateVersion is the version of the saved-state format.
const stateVersion = 1

// state is what the sandbox remembers beyond what its seed makes: the tokens as refreshed or
// suspended, the days changed by SetDay or by punches, and the grants SetPaidLeaveGrant
// set. `urakata dev` saves it in the data folder so that a second run meets the same vendor.
type state struct {
	Version int             `json:"version"`
	Seed    int64           `json:"seed"`
	Head    int             `json:"employees"`
	Tokens  map[string]bool `json:"tokens"`
	Issued  int             `json:"issued"`
	Days    []savedDay      `json:"days"`
	Grants  []savedGrant    `json:"paid_leave_grants,omitempty"`
}

type savedGrant struct {
	Key   string `json:"employee_key"`
	Grant grant  `json:"grant"`
}

type savedDay struct {
	Key string `json:"employee_key"`
	Day Day    `json:"day"`
}

// SaveState writes what the sandbox remembers (tokens, changed days, paid-leave grants) to
// w as JSON.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	st := state{Version: stateVersion, Seed: s.opts.Seed, Head: len(s.co.employees), Tokens: maps.Clone(s.tokens), Issued: s.issued}
	for k, d := range s.overrides {
		st.Days = append(st.Days, savedDay{Key: k.key, Day: d})
	}
	for key, g := range s.grants {
		st.Grants = append(st.Grants, savedGrant{Key: key, Grant: g})
	}
	s.mu.Unlock()
	return json.NewEncoder(w).Encode(st)
}

// LoadState restores what SaveState wrote, on a sandbox built with the same seed and head
// count. Saved tokens replace the states of the same tokens.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("kingoftimetest: saved state: %w", err)
	}
	switch {
	case st.Version != stateVersion:
		return fmt.Errorf("kingoftimetest: saved state version %d; this sandbox reads %d", st.Version, stateVersion)
	case st.Seed != s.opts.Seed || st.Head != len(s.co.employees):
		return fmt.Errorf("kingoftimetest: saved state is of seed %d with %d employees, this sandbox is seed %d with %d",
			st.Seed, st.Head, s.opts.Seed, len(s.co.employees))
	}
	for _, d := range st.Days {
		if _, ok := s.co.byKey[d.Key]; !ok {
			return fmt.Errorf("kingoftimetest: saved state names an employee this sandbox does not have")
		}
	}
	for _, g := range st.Grants {
		if _, ok := s.co.byKey[g.Key]; !ok {
			return fmt.Errorf("kingoftimetest: saved state names an employee this sandbox does not have")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(s.tokens, st.Tokens)
	s.issued = max(s.issued, st.Issued)
	for _, d := range st.Days {
		s.overrides[dayKey{d.Key, d.Day.Date}] = d.Day
	}
	for _, g := range st.Grants {
		s.grants[g.Key] = g.Grant
	}
	return nil
}
