package freeeaccountingtest

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// stateVersion is the version of the saved-state format.
const stateVersion = 1

// state is what the sandbox remembers beyond what its options make: the tokens it issued,
// the journals posted to it and the claims approved since. `urakata dev` saves it in the
// data folder so that a second run meets the same vendor (its refresh token still valid, its
// journals still there to be found).
type state struct {
	Version  int                  `json:"version"`
	Company  int64                `json:"company_id"`
	Access   map[string]time.Time `json:"access_tokens"`
	Refresh  map[string]time.Time `json:"refresh_tokens"`
	Journals []ManualJournal      `json:"manual_journals"`
	NextJID  int64                `json:"next_journal_id"`
	Claims   []savedClaim         `json:"claims"`
}

type savedClaim struct {
	ID         int64     `json:"id"`
	Status     string    `json:"status"`
	ApprovedAt time.Time `json:"approved_at"`
	DealID     int64     `json:"deal_id"`
}

// SaveState writes what the sandbox remembers to w as JSON.
func (s *Server) SaveState(w io.Writer) error {
	tokens := s.tokens.SaveState()
	s.mu.Lock()
	st := state{Version: stateVersion, Company: s.co.id, Access: tokens.Access, Refresh: sandboxkit.RefreshExpiries(tokens.Refresh),
		Journals: slices.Clone(s.journals), NextJID: s.nextJID}
	for _, a := range s.co.apps {
		st.Claims = append(st.Claims, savedClaim{ID: a.ID, Status: a.Status, ApprovedAt: a.ApprovedAt, DealID: a.DealID})
	}
	s.mu.Unlock()
	if err := json.NewEncoder(w).Encode(st); err != nil {
		return fmt.Errorf("freeeaccountingtest: save state: %w", err)
	}
	return nil
}

// LoadState restores what SaveState wrote, on a sandbox built with the same options (the
// same company and month). It adds the saved tokens to the ones the options grant, as the
// freee 人事労務 sandbox does: Options.RefreshToken works again after a restart, so a demo
// whose token store was lost (or whose run crashed before saving) can start over from the
// connection's secret.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("freeeaccountingtest: saved state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("freeeaccountingtest: saved state version %d; this sandbox reads %d", st.Version, stateVersion)
	}
	if st.Company != s.co.id {
		return fmt.Errorf("freeeaccountingtest: saved state is of company %d, this sandbox is company %d", st.Company, s.co.id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range st.Claims {
		if s.co.application(c.ID) == nil {
			return fmt.Errorf("freeeaccountingtest: saved state has expense application %d, which this sandbox does not", c.ID)
		}
	}
	s.tokens.LoadState(sandboxkit.TokenState{Access: st.Access, Refresh: sandboxkit.UnusedRefresh(st.Refresh)})
	s.journals = st.Journals
	s.nextJID = max(st.NextJID, 1)
	for _, c := range st.Claims {
		a := s.co.application(c.ID)
		a.Status, a.ApprovedAt, a.DealID = c.Status, c.ApprovedAt, c.DealID
	}
	return nil
}
