package freeeaccounting

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// ApprovedExpenses yields the claims finally approved at or after since, oldest approval
// first (ties by id).
//
// freee cannot filter claims by approval time, only by application date (申請日), which
// comes first: it lists the approved claims filed from approval_lookback_days before since's
// date on (every approved claim when since is zero), reads each one's approval time from its
// details, and keeps those approved at or after since. A claim filed longer before since
// than the lookback and approved after it is not found here (its webhook still brings it).
// The approval times need the whole window before the first report can be yielded, so memory
// holds the window's approved claims: a month's claims, not the company's history.
//
// Cost: one request per 500 approved claims in the window, plus, for each claim this process
// has not converted before (or whose list entry changed), one for its details and one per
// receipt (see Expense). Claims seen before cost nothing more, so a long-running process
// pays the details once; a fresh one (a Lambda cold start) pays them for the whole window.
func (a *Accounting) ApprovedExpenses(ctx context.Context, since time.Time) iter.Seq2[model.ExpenseReport, error] {
	return func(yield func(model.ExpenseReport, error) bool) {
		opts := ExpenseApplicationsListOptions{CompanyID: a.companyID, Status: StatusApproved}
		if !since.IsZero() {
			opts.StartIssueDate = model.DateOf(since, a.zone).AddDays(-a.lookbackDays)
		}
		var reports []model.ExpenseReport
		seen := map[int64]bool{}
		for app, err := range a.Client.ExpenseApplications.ListIter(ctx, opts) {
			if err != nil {
				yield(model.ExpenseReport{}, fmt.Errorf("%s: approved expenses since %s: %w", Vendor, since.Format(time.RFC3339), err))
				return
			}
			seen[app.ID] = true
			rep, ok, err := a.approvedReport(ctx, app)
			if err != nil {
				yield(model.ExpenseReport{}, err)
				return
			}
			if ok && !rep.ApprovedAt.Before(since) {
				reports = append(reports, rep)
			}
		}
		a.forgetAllBut(seen)
		slices.SortFunc(reports, func(x, y model.ExpenseReport) int {
			if c := x.ApprovedAt.Compare(y.ApprovedAt); c != 0 {
				return c
			}
			return cmp.Compare(idOrder(x.ID), idOrder(y.ID))
		})
		for _, r := range reports {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// approvedReport converts a listed claim, from memory when its list entry is unchanged.
// ok is false for a claim that is gone or no longer approved by the time its details are
// read.
func (a *Accounting) approvedReport(ctx context.Context, listed ExpenseApplication) (model.ExpenseReport, bool, error) {
	entry, err := json.Marshal(listed)
	if err != nil {
		return model.ExpenseReport{}, false, fmt.Errorf("%s: expense application %d: %w", Vendor, listed.ID, err)
	}
	a.mu.Lock()
	m, hit := a.reports[listed.ID]
	a.mu.Unlock()
	if hit && m.entry == string(entry) {
		return m.report, true, nil
	}
	app, _, err := a.Client.ExpenseApplications.Get(ctx, a.companyID, listed.ID)
	if rest.NotFound(err) {
		return model.ExpenseReport{}, false, nil
	}
	if err != nil {
		return model.ExpenseReport{}, false, fmt.Errorf("%s: %w", Vendor, err)
	}
	rep, err := a.report(ctx, app)
	if err != nil {
		return model.ExpenseReport{}, false, err
	}
	if rep.ApprovedAt.IsZero() {
		return model.ExpenseReport{}, false, nil
	}
	a.mu.Lock()
	a.reports[listed.ID] = memo{entry: string(entry), report: rep}
	a.mu.Unlock()
	return rep, true, nil
}

// forgetAllBut drops the remembered claims that have left the polling window.
func (a *Accounting) forgetAllBut(keep map[int64]bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id := range a.reports {
		if !keep[id] {
			delete(a.reports, id)
		}
	}
}

// Expense returns one claim by its freee id, as it is now: ApprovedAt is zero when it is not
// (or not yet finally) approved, which is how the caller tells.
//
// Cost: one request for the claim, one per receipt attached to its lines (for the
// registration number; none with read_receipts off), and the masters once per run: expense
// templates (one per 100), tax codes (one) and users (one).
func (a *Accounting) Expense(ctx context.Context, id string) (model.ExpenseReport, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return model.ExpenseReport{}, fault.Permanentf(Vendor+": expense", "%q is not a freee expense application id", id)
	}
	app, _, err := a.Client.ExpenseApplications.Get(ctx, a.companyID, n)
	if err != nil {
		return model.ExpenseReport{}, fmt.Errorf("%s: %w", Vendor, err)
	}
	return a.report(ctx, app)
}

// report converts a claim read with its details. Each itemised line (明細行) is one
// ExpenseLine: its date is its purchase line's (the application date when that has none),
// its category the expense template's name (or its account item's, by expense_category),
// its tax rate the template's tax code's, and its tax the amount's share at that rate,
// rounded down as freee rounds by default. The registration number is the receipt's, as
// freee holds it: freee checks its form, not its check digit, so the caller must.
func (a *Accounting) report(ctx context.Context, app *ExpenseApplication) (model.ExpenseReport, error) {
	fail := func(err error) (model.ExpenseReport, error) {
		return model.ExpenseReport{}, fmt.Errorf("%s: expense application %d: %w", Vendor, app.ID, err)
	}
	rep := model.ExpenseReport{
		ID:          strconv.FormatInt(app.ID, 10),
		Source:      a.connection,
		ApplicantID: strconv.FormatInt(app.ApplicantID, 10),
		ApprovedAt:  app.ApprovedAt(),
		Title:       app.Title,
	}
	if !rep.ApprovedAt.IsZero() {
		rep.ApprovedAt = rep.ApprovedAt.In(a.zone)
	}
	now := a.now()
	user, ok, err := a.masters.users.find(ctx, now, func(u User) bool { return u.ID == app.ApplicantID })
	if err != nil {
		return fail(err)
	}
	if ok {
		rep.ApplicantEmail = user.Email
	}
	for _, pl := range app.PurchaseLines {
		date := pl.TransactionDate
		if date.IsZero() {
			date = app.IssueDate
		}
		var registration, receiptRef string
		if pl.ReceiptID > 0 {
			receiptRef = "receipts/" + strconv.FormatInt(pl.ReceiptID, 10)
			if a.readReceipts {
				rc, _, err := a.Client.Receipts.Get(ctx, a.companyID, pl.ReceiptID)
				switch {
				case rest.NotFound(err):
				case err != nil:
					return fail(err)
				default:
					registration = rc.InvoiceRegistrationNumber
				}
			}
		}
		for _, l := range pl.Lines {
			line := model.ExpenseLine{
				Date:                      date,
				Amount:                    model.Yen(l.Amount),
				TaxAmount:                 model.Yen(0),
				Description:               l.Description,
				InvoiceRegistrationNumber: registration,
				ReceiptRef:                receiptRef,
			}
			if l.TemplateID > 0 {
				tpl, ok, err := a.masters.templates.find(ctx, now, func(t ExpenseTemplate) bool { return t.ID == l.TemplateID })
				if err != nil {
					return fail(err)
				}
				if ok {
					line.Category = tpl.Name
					if a.category == CategoryAccountItem {
						line.Category = tpl.AccountItemName
					}
					tax, ok, err := a.masters.taxes.find(ctx, now, func(t Tax) bool { return t.Code == tpl.TaxCode })
					if err != nil {
						return fail(err)
					}
					if ok {
						line.TaxRate = tax.Rate()
						line.TaxAmount = model.Yen(taxIncluded(l.Amount, line.TaxRate))
					}
				}
			}
			rep.Lines = append(rep.Lines, line)
		}
	}
	return rep, nil
}

// taxIncluded is the consumption tax inside a tax-included amount, rounded down (freee's
// default 端数処理 for 内税).
func taxIncluded(amount int64, rate model.TaxRate) int64 {
	if rate <= 0 {
		return 0
	}
	return amount * int64(rate) / int64(100+rate)
}

// idOrder sorts numeric ids numerically.
func idOrder(id string) int64 {
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}
