package xerotest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// stateVersion is the version of the saved-state format.
const stateVersion = 1

// state is what the sandbox remembers beyond what its seed makes: the tokens it issued, the
// journals and timesheets written to it and the Idempotency-Keys it answered. `urakata dev`
// saves it in the data folder so that a second run meets the same Xero: the refresh token
// it holds still works, and the journals it wrote are still there to be found.
type state struct {
	Version     int                                `json:"version"`
	Tenant      string                             `json:"tenant_id"`
	Access      map[string]time.Time               `json:"access_tokens"`
	Refresh     map[string]sandboxkit.RefreshToken `json:"refresh_tokens"`
	Journals    []*ManualJournal                   `json:"manual_journals"`
	Timesheets  []*Timesheet                       `json:"timesheets"`
	Idempotency map[string]*idemRecord             `json:"idempotency_keys"`
}

// SaveState writes what the sandbox remembers (tokens issued, journals and timesheets
// written, Idempotency-Keys answered) to w as JSON.
func (s *Server) SaveState(w io.Writer) error {
	tokens := s.tokens.SaveState()
	s.mu.Lock()
	st := state{Version: stateVersion, Tenant: s.co.tenantID, Access: tokens.Access, Refresh: tokens.Refresh,
		Journals: s.journals, Timesheets: s.timesheets, Idempotency: s.idem}
	b, err := json.Marshal(st)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("xerotest: save state: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// LoadState restores what SaveState wrote, on a sandbox built with the same options (the
// same seed, so the same organisation). It adds to the tokens the options already grant.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("xerotest: saved state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("xerotest: saved state version %d; this sandbox reads %d", st.Version, stateVersion)
	}
	if st.Tenant != s.co.tenantID {
		return fmt.Errorf("xerotest: saved state is of organisation %s, this sandbox is %s (another seed)", st.Tenant, s.co.tenantID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens.LoadState(sandboxkit.TokenState{Access: st.Access, Refresh: st.Refresh})
	s.journals = append(s.journals, st.Journals...)
	s.timesheets = append(s.timesheets, st.Timesheets...)
	maps.Copy(s.idem, st.Idempotency)
	return nil
}
