package xero

import (
	"context"
	"fmt"
	"iter"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// approvedClaims is the where filter of claims that were approved: a claim approved and
// paid between two polls is PAID by the second.
const approvedClaims = `Status=="AUTHORISED" OR Status=="PAID"`

// ApprovedExpenses yields the expense claims approved (AUTHORISED, or PAID since) and last
// changed at or after since, oldest change first.
//
// Xero records no approval time: ApprovedAt is the claim's UpdatedDateUTC, which a payment
// moves later. The same claim may so come twice; its id is the ledger's natural key, so the
// second is absorbed. Xero does not page expense claims: the If-Modified-Since header keeps
// each poll to what changed. Each claim costs one request per receipt for its lines.
func (x *Xero) ApprovedExpenses(ctx context.Context, since time.Time) iter.Seq2[model.ExpenseReport, error] {
	return func(yield func(model.ExpenseReport, error) bool) {
		if err := x.ensureTenant(ctx); err != nil {
			yield(model.ExpenseReport{}, err)
			return
		}
		claims, _, err := x.Client.ExpenseClaims.List(ctx, &ExpenseClaimsListOptions{
			ListFilter:    ListFilter{Where: approvedClaims, Order: "UpdatedDateUTC ASC"},
			ModifiedSince: since,
		})
		if err != nil {
			yield(model.ExpenseReport{}, fmt.Errorf("%s: approved expenses since %s: %w", Vendor, since.UTC().Format(time.RFC3339), err))
			return
		}
		slices.SortStableFunc(claims, func(a, b ExpenseClaim) int { return a.UpdatedDateUTC.Compare(b.UpdatedDateUTC.Time) })
		for _, c := range claims {
			if !approved(c.Status) || c.UpdatedDateUTC.Before(since) {
				continue
			}
			r, err := x.report(ctx, &c)
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// Expense returns one claim by its id, with every receipt's lines. A claim that is not
// approved comes back with a zero ApprovedAt.
func (x *Xero) Expense(ctx context.Context, id string) (model.ExpenseReport, error) {
	if err := x.ensureTenant(ctx); err != nil {
		return model.ExpenseReport{}, err
	}
	c, _, err := x.Client.ExpenseClaims.Get(ctx, id)
	if err != nil {
		return model.ExpenseReport{}, fmt.Errorf("%s: %w", Vendor, err)
	}
	return x.report(ctx, c)
}

func approved(status string) bool { return status == ClaimAuthorised || status == ClaimPaid }

// report maps a claim and its receipts (each read for its lines) to an expense report.
func (x *Xero) report(ctx context.Context, c *ExpenseClaim) (model.ExpenseReport, error) {
	r := model.ExpenseReport{
		ID:             c.ExpenseClaimID,
		Source:         x.connection,
		ApplicantID:    c.User.UserID,
		ApplicantEmail: c.User.EmailAddress,
	}
	if approved(c.Status) {
		r.ApprovedAt = c.UpdatedDateUTC.Time
	}
	for _, summary := range c.Receipts {
		rc, _, err := x.Client.Receipts.Get(ctx, summary.ReceiptID)
		if err != nil {
			return model.ExpenseReport{}, fmt.Errorf("%s: expense claim %s: %w", Vendor, c.ExpenseClaimID, err)
		}
		for i, li := range rc.LineItems {
			l, err := x.expenseLine(ctx, rc, li)
			if err != nil {
				return model.ExpenseReport{}, fmt.Errorf("%s: expense claim %s, receipt %s line %d: %w", Vendor, c.ExpenseClaimID, rc.ReceiptID, i+1, err)
			}
			r.Lines = append(r.Lines, l)
		}
	}
	return r, nil
}

// expenseLine maps a receipt line: the amount with tax included whatever the receipt's
// LineAmountTypes, the rate of its tax type in whole percent, its account code as the
// category, and the supplier's tax number as the registration number.
func (x *Xero) expenseLine(ctx context.Context, rc *Receipt, li LineItem) (model.ExpenseLine, error) {
	amount, err := li.LineAmount.MinorUnits(x.digits)
	if err != nil {
		return model.ExpenseLine{}, err
	}
	tax, err := li.TaxAmount.MinorUnits(x.digits)
	if err != nil {
		return model.ExpenseLine{}, err
	}
	switch rc.LineAmountTypes {
	case Exclusive:
		amount += tax
	case NoTax:
		tax = 0
	}
	rate, err := x.rateOf(ctx, li.TaxType)
	if err != nil {
		return model.ExpenseLine{}, err
	}
	if rate == 0 {
		tax = 0
	}
	number := strings.TrimSpace(rc.Contact.TaxNumber)
	if number == "" && isRegistrationNumber(strings.TrimSpace(rc.Reference)) {
		number = strings.TrimSpace(rc.Reference)
	}
	return model.ExpenseLine{
		Date:                      rc.Date.Date,
		Amount:                    model.Money{Amount: amount, Currency: x.currency},
		TaxRate:                   rate,
		TaxAmount:                 model.Money{Amount: tax, Currency: x.currency},
		Category:                  li.AccountCode,
		Description:               li.Description,
		InvoiceRegistrationNumber: number,
		ReceiptRef:                Vendor + ":Receipts/" + rc.ReceiptID,
	}, nil
}

// rateOf is the percent rate of a tax type, from the organisation's tax rates. A rate that
// is not a whole percent is rounded: the canonical rate is whole (10, 8, 0), and a flow
// finds no tax code for a rate it does not know.
func (x *Xero) rateOf(ctx context.Context, taxType string) (model.TaxRate, error) {
	if taxType == "" || taxType == "NONE" {
		return 0, nil
	}
	rate, ok, err := x.taxRate(ctx, taxType)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fault.Permanentf(Vendor, "tax type %q is not among the organisation's tax rates", taxType)
	}
	r, ok := new(big.Rat).SetString(string(cmpAmount(rate.EffectiveRate, rate.DisplayTaxRate)))
	if !ok {
		return 0, fault.Permanentf(Vendor, "tax type %q has no rate", taxType)
	}
	f, _ := r.Float64()
	return model.TaxRate(int(f + 0.5)), nil
}

func cmpAmount(a, b Amount) Amount {
	if a != "" {
		return a
	}
	return b
}

// isRegistrationNumber reports whether s looks like a qualified-invoice registration number
// (T and 13 digits); the flow checks its check digit.
func isRegistrationNumber(s string) bool {
	if len(s) != 14 || s[0] != 'T' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
