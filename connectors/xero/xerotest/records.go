package xerotest

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// ManualJournal is a manual journal the sandbox holds, as it was written.
type ManualJournal struct {
	ID        string     `json:"id"`
	Narration string     `json:"narration"`
	Date      model.Date `json:"date"`
	// Status is DRAFT or POSTED as written, or as SetJournalStatus changed it.
	Status          string        `json:"status"`
	LineAmountTypes string        `json:"line_amount_types"`
	Lines           []JournalLine `json:"lines"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// JournalLine is one line of a manual journal.
type JournalLine struct {
	// Amount is the decimal line amount as Xero keeps it (two decimals): debits positive,
	// credits negative.
	Amount      string     `json:"amount"`
	AccountCode string     `json:"account_code"`
	AccountID   string     `json:"account_id"`
	Description string     `json:"description,omitempty"`
	TaxType     string     `json:"tax_type,omitempty"`
	TaxAmount   string     `json:"tax_amount,omitempty"`
	Tracking    []Tracking `json:"tracking,omitempty"`
}

// Tracking is a line's tracking category and option.
type Tracking struct {
	Name   string `json:"name"`
	Option string `json:"option"`
}

// Timesheet is a payroll timesheet the sandbox holds.
type Timesheet struct {
	ID                string          `json:"id"`
	EmployeeID        string          `json:"employee_id"`
	PayrollCalendarID string          `json:"payroll_calendar_id"`
	Start             model.Date      `json:"start"`
	End               model.Date      `json:"end"`
	Status            string          `json:"status"`
	Lines             []TimesheetLine `json:"lines"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// TimesheetLine is one line of a timesheet.
type TimesheetLine struct {
	ID             string     `json:"id"`
	Date           model.Date `json:"date"`
	EarningsRateID string     `json:"earnings_rate_id"`
	// Units is the number of hours as written, a decimal.
	Units string `json:"units"`
}

// Minutes is the line's hours in whole minutes, rounded to the nearest.
func (l TimesheetLine) Minutes() int {
	r, ok := new(big.Rat).SetString(l.Units)
	if !ok {
		return 0
	}
	n, _ := strconv.Atoi(r.Mul(r, big.NewRat(60, 1)).FloatString(0))
	return n
}

// TotalHours is the sum of the lines' units.
func (t Timesheet) TotalHours() string {
	sum := new(big.Rat)
	for _, l := range t.Lines {
		if r, ok := new(big.Rat).SetString(l.Units); ok {
			sum.Add(sum, r)
		}
	}
	return sum.FloatString(4)
}

func (t *Timesheet) clone() Timesheet {
	c := *t
	c.Lines = slices.Clone(t.Lines)
	return c
}

func (j *ManualJournal) clone() ManualJournal {
	c := *j
	c.Lines = slices.Clone(j.Lines)
	for i := range c.Lines {
		c.Lines[i].Tracking = slices.Clone(c.Lines[i].Tracking)
	}
	return c
}

// ManualJournals returns the manual journals written to the sandbox, oldest first.
func (s *Server) ManualJournals() []ManualJournal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ManualJournal, len(s.journals))
	for i, j := range s.journals {
		out[i] = j.clone()
	}
	return out
}

// SetJournalStatus changes a journal's status, as an accountant would in Xero (e.g. to
// VOIDED or DELETED).
func (s *Server) SetJournalStatus(id, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.journals {
		if j.ID == id {
			j.Status, j.UpdatedAt = status, s.opts.Now().UTC()
			return nil
		}
	}
	return fmt.Errorf("xerotest: no manual journal %s", id)
}

// Timesheets returns the timesheets written to the sandbox, oldest first.
func (s *Server) Timesheets() []Timesheet {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Timesheet, len(s.timesheets))
	for i, t := range s.timesheets {
		out[i] = t.clone()
	}
	return out
}

// ApproveTimesheet approves a timesheet, as a payroll administrator would in Xero: it can
// no longer be changed through the API.
func (s *Server) ApproveTimesheet(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.timesheets {
		if t.ID == id {
			t.Status, t.UpdatedAt = "Approved", s.opts.Now().UTC()
			return nil
		}
	}
	return fmt.Errorf("xerotest: no timesheet %s", id)
}
