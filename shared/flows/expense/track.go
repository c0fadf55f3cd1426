package expense

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/store"
)

// ExpensesOf tells an employee what became of their approved claims (the chat bot asks it):
// it reads the claims approved since since from the source, keeps who's, and looks each
// journal's delivery up in the ledger. The delivery key is found again from the report
// itself (the same report makes the same payload), so the answer is what the worker
// recorded, not a guess; a claim edited since it was posted shows as waiting for its new
// version. Cost: one listing of the source's approved claims since since (paged), and one
// ledger read per claim of who's; nothing is written.
//
// who is matched by employee code when both sides have one, else by email
// (case-insensitive); an employee with neither matches nothing.
func (f *Flow) ExpensesOf(ctx context.Context, who model.Employee, since time.Time, limit int) ([]hub.ExpenseStatus, error) {
	if f.ledger == nil {
		return nil, errors.New("expense status: this runtime lends the flow no ledger")
	}
	if who.Code == "" && who.Email == "" {
		return nil, nil
	}
	var out []hub.ExpenseStatus
	for r, err := range f.source.ApprovedExpenses(ctx, since) {
		if err != nil {
			return nil, fmt.Errorf("list approved expenses of %s: %w", f.sourceConn, err)
		}
		if !applicantIs(r, who) {
			continue
		}
		st, err := f.status(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	slices.SortStableFunc(out, func(a, b hub.ExpenseStatus) int { return b.Report.ApprovedAt.Compare(a.Report.ApprovedAt) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// applicantIs matches a report's applicant to who: by code when both have one (a code that
// differs is another person, whatever the email says), else by email.
func applicantIs(r model.ExpenseReport, who model.Employee) bool {
	if r.ApplicantCode != "" && who.Code != "" {
		return r.ApplicantCode == who.Code
	}
	return r.ApplicantEmail != "" && who.Email != "" &&
		strings.EqualFold(strings.TrimSpace(r.ApplicantEmail), strings.TrimSpace(who.Email))
}

// status finds the ledger entry of r's journal delivery.
func (f *Flow) status(ctx context.Context, r model.ExpenseReport) (hub.ExpenseStatus, error) {
	st := hub.ExpenseStatus{Report: r, State: hub.ExpenseWaiting}
	p, err := f.journalPayload(r)
	if err != nil {
		// The run reports it as an item error: it cannot be booked as the mapping stands.
		st.State = hub.ExpenseStuck
		return st, nil
	}
	d, err := hub.NewDelivery(f.name, f.targetConn, journalKey(r), "", p, time.Time{})
	if err != nil {
		return st, err
	}
	e, err := f.ledger.Lookup(ctx, d.Key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return st, nil
	case err != nil:
		return st, fmt.Errorf("expense status: read the ledger: %w", err)
	}
	switch {
	case e.Outcome.Done():
		st.State, st.Ref = hub.ExpensePosted, e.TargetRef
	case e.Outcome == store.Failed:
		st.State = hub.ExpenseStuck
	default:
		st.State = hub.ExpensePosting
	}
	return st, nil
}
