package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
)

// stateVersion is the version of the saved-state format.
const stateVersion = 1

// state is what the sandbox remembers beyond what its seed makes: the direct messages
// opened, the messages posted and whether the token was revoked. `urakata dev` saves it in
// the data folder so that a second run meets the same workspace, as it would in real life.
type state struct {
	Version  int                  `json:"version"`
	TeamID   string               `json:"team_id"`
	Revoked  bool                 `json:"revoked,omitempty"`
	DMs      []Channel            `json:"direct_messages"`
	Messages map[string][]Message `json:"messages"`
	LastTS   int64                `json:"last_ts"`
	EventSeq int                  `json:"event_seq"`
}

// SaveState writes what the sandbox remembers (direct messages opened, messages posted, a
// revoked token) to w as JSON.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	st := state{Version: stateVersion, TeamID: s.ws.teamID, Revoked: s.revoked,
		Messages: s.messages, LastTS: s.lastTS, EventSeq: s.eventSeq}
	for _, user := range slices.Sorted(maps.Keys(s.dms)) {
		st.DMs = append(st.DMs, s.dms[user])
	}
	// Encoded under the lock: the messages are the live ones.
	b, err := json.Marshal(st)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("slacktest: save state: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("slacktest: save state: %w", err)
	}
	return nil
}

// LoadState restores what SaveState wrote, on a sandbox built with the same seed.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("slacktest: saved state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("slacktest: saved state version %d; this sandbox reads %d", st.Version, stateVersion)
	}
	if st.TeamID != s.ws.teamID {
		return fmt.Errorf("slacktest: saved state is of workspace %s, this sandbox is %s (another seed)", st.TeamID, s.ws.teamID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = s.revoked || st.Revoked
	for _, ch := range st.DMs {
		s.dms[ch.User] = ch
	}
	for ch, msgs := range st.Messages {
		s.messages[ch] = append(s.messages[ch], msgs...)
	}
	s.lastTS = max(s.lastTS, st.LastTS)
	s.eventSeq = max(s.eventSeq, st.EventSeq)
	return nil
}
