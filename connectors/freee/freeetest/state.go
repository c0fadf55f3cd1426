package freeetest

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/urakata/urakata/connectors/internal/sandboxkit"
)

// stateVersion is the version of the saved-state format.
const stateVersion = 1

// state is what the sandbox remembers beyond what its seed makes: the tokens it issued,
// the summaries written to it, the days changed, the paid-leave grants set and the
// departments changed. `urakata
// dev` saves it in the data folder so that a second run meets the same vendor, as it would
// in real life (the refresh token it holds is still valid, and the summaries it wrote are
// still there).
type state struct {
	Version   int                  `json:"version"`
	Company   int                  `json:"company_id"`
	Access    map[string]time.Time `json:"access_tokens"`
	Refresh   map[string]time.Time `json:"refresh_tokens"`
	Summaries []savedSummary       `json:"summaries"`
	Days      []savedDay           `json:"days"`
	Grants    []savedGrant         `json:"paid_leave_grants,omitempty"`
	// Departments are SetDepartment's changes; a zero Department is none.
	Departments []savedDepartment `json:"departments,omitempty"`
}

type savedSummary struct {
	Employee int        `json:"employee"`
	Year     int        `json:"year"`
	Month    time.Month `json:"month"`
	Puts     int        `json:"puts"`
	Summary  Summary    `json:"summary"`
}

type savedGrant struct {
	Employee int          `json:"employee"`
	Grant    LeaveBalance `json:"grant"`
}

type savedDepartment struct {
	Employee   int        `json:"employee"`
	Department Department `json:"department"`
}

type savedDay struct {
	Employee int `json:"employee"`
	Day      Day `json:"day"`
}

// SaveState writes what the sandbox remembers (tokens issued, summaries written, days
// changed, paid-leave grants set, departments changed) to w as JSON.
func (s *Server) SaveState(w io.Writer) error {
	tokens := s.tokens.SaveState()
	s.mu.Lock()
	st := state{Version: stateVersion, Company: s.opts.CompanyID, Access: tokens.Access, Refresh: sandboxkit.RefreshExpiries(tokens.Refresh)}
	for k, sum := range s.summaries {
		st.Summaries = append(st.Summaries, savedSummary{Employee: k.employee, Year: k.year, Month: k.month, Puts: s.puts[k], Summary: sum})
	}
	for k, d := range s.overrides {
		st.Days = append(st.Days, savedDay{Employee: k.employee, Day: d})
	}
	for id, g := range s.grants {
		st.Grants = append(st.Grants, savedGrant{Employee: id, Grant: g})
	}
	for id, d := range s.departments {
		st.Departments = append(st.Departments, savedDepartment{Employee: id, Department: d})
	}
	s.mu.Unlock()
	enc := json.NewEncoder(w)
	return enc.Encode(st)
}

// LoadState restores what SaveState wrote, on a sandbox built with the same options (the
// same seed and company). It adds to the tokens the options already grant.
func (s *Server) LoadState(r io.Reader) error {
	var st state
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return fmt.Errorf("freeetest: saved state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("freeetest: saved state version %d; this sandbox reads %d", st.Version, stateVersion)
	}
	if st.Company != s.opts.CompanyID {
		return fmt.Errorf("freeetest: saved state is of company %d, this sandbox is company %d", st.Company, s.opts.CompanyID)
	}
	for _, d := range st.Departments {
		if _, ok := s.co.employee(d.Employee); !ok {
			return fmt.Errorf("freeetest: saved state changes the department of employee %d, whom this sandbox does not have", d.Employee)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens.LoadState(sandboxkit.TokenState{Access: st.Access, Refresh: sandboxkit.UnusedRefresh(st.Refresh)})
	for _, sum := range st.Summaries {
		k := monthKey{sum.Employee, sum.Year, sum.Month}
		s.summaries[k] = sum.Summary
		s.puts[k] = sum.Puts
	}
	for _, d := range st.Days {
		s.overrides[dayKey{d.Employee, d.Day.Date}] = d.Day
	}
	for _, g := range st.Grants {
		s.grants[g.Employee] = g.Grant
	}
	for _, d := range st.Departments {
		s.departments[d.Employee] = d.Department
	}
	return nil
}
