package xero

import (
	"context"
	"fmt"
	"strings"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// journalRef is the target reference of a manual journal.
func journalRef(id string) string { return Vendor + ":ManualJournals/" + id }

// PostJournal creates the entry as a manual journal (PUT /ManualJournals) and returns its
// reference. The Narration is the entry's SourceRef, which FindJournal searches; each
// line's description is its memo with the registration number, if any. Debits are positive
// and credits negative, in the organisation's currency; amounts include tax, so the journal
// is Inclusive when a line names a tax code. Accounts and tax codes may be given by code or
// by name: both are resolved against the organisation's chart and tax rates.
//
// The Idempotency-Key is derived from the SourceRef: a create that is sent again (a lost
// answer, a worker that died before settling) gets Xero's first answer, not a second
// journal.
func (x *Xero) PostJournal(ctx context.Context, e model.JournalEntry) (string, error) {
	op := Vendor + ": post journal " + e.SourceRef
	if e.SourceRef == "" {
		return "", fault.Permanentf(op, "the entry has no source reference to find it by")
	}
	if len(e.Lines) < 2 || !e.Balanced() {
		return "", fault.Permanentf(op, "the entry does not balance")
	}
	if err := x.ensureTenant(ctx); err != nil {
		return "", err
	}
	mj := ManualJournal{Narration: e.SourceRef, Date: DateOf(e.Date), Status: x.journalStatus, LineAmountTypes: NoTax}
	for i, l := range e.Lines {
		if !strings.EqualFold(l.Amount.Currency, x.currency) {
			return "", fault.Permanentf(op, "line %d is in %s; the organisation's currency is %s (settings.currency)", i+1, l.Amount.Currency, x.currency)
		}
		minor := l.Amount.Amount
		if l.Side == model.Credit {
			minor = -minor
		}
		code, err := x.accountCode(ctx, l.Account)
		if err != nil {
			return "", fault.Permanent(op, fmt.Errorf("line %d: %w", i+1, err))
		}
		line := ManualJournalLine{LineAmount: AmountOf(minor, x.digits), AccountCode: code, Description: lineDescription(l)}
		if l.TaxCode != "" {
			if line.TaxType, err = x.taxType(ctx, l.TaxCode); err != nil {
				return "", fault.Permanent(op, fmt.Errorf("line %d: %w", i+1, err))
			}
			mj.LineAmountTypes = Inclusive
		}
		if l.Department != "" && x.trackingCategory != "" {
			line.Tracking = []Tracking{{Name: x.trackingCategory, Option: l.Department}}
		}
		mj.JournalLines = append(mj.JournalLines, line)
	}
	got, _, err := x.Client.ManualJournals.Create(ctx, []ManualJournal{mj}, &WriteOptions{IdempotencyKey: idempotencyKey("journal", e.SourceRef)})
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	if len(got) != 1 || got[0].ManualJournalID == "" {
		return "", fmt.Errorf("%s: Xero's answer names no journal", op)
	}
	if errs := got[0].ValidationErrors; len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, v := range errs {
			msgs[i] = v.Message
		}
		return "", fault.Permanentf(op, "%s", strings.Join(msgs, "; "))
	}
	return journalRef(got[0].ManualJournalID), nil
}

// lineDescription is a line's memo with its qualified-invoice registration number, which
// Xero's journal lines have no field for.
func lineDescription(l model.JournalLine) string {
	switch {
	case l.InvoiceRegistrationNumber == "":
		return l.Memo
	case l.Memo == "":
		return l.InvoiceRegistrationNumber
	}
	return l.Memo + " (" + l.InvoiceRegistrationNumber + ")"
}

// FindJournal looks the entry up by its SourceRef, which PostJournal wrote as the
// Narration: GET /ManualJournals?where=Narration=="…". A deleted or voided journal does not
// count: the organisation no longer holds it.
func (x *Xero) FindJournal(ctx context.Context, sourceRef string) (string, bool, error) {
	if err := x.ensureTenant(ctx); err != nil {
		return "", false, err
	}
	opts := ManualJournalsListOptions{ListFilter: ListFilter{Where: "Narration==" + quote(sourceRef)}}
	for mj, err := range x.Client.ManualJournals.ListIter(ctx, opts) {
		if err != nil {
			return "", false, fmt.Errorf("%s: find journal %s: %w", Vendor, sourceRef, err)
		}
		if mj.Narration != sourceRef || mj.Status == "DELETED" || mj.Status == "VOIDED" {
			continue
		}
		return journalRef(mj.ManualJournalID), true, nil
	}
	return "", false, nil
}
