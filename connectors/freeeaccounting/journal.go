package freeeaccounting

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// PostJournal creates e as a manual journal (振替伝票) and returns its reference,
// "freee-accounting:manual_journals/<id>".
//
// A manual journal rather than a deal (取引): the canonical entry is a balanced list of
// debit and credit lines, which is exactly a manual journal's details, while a deal has one
// implicit counter-account; and freee can search manual journals by reference number
// (GET /api/1/manual_journals?ref_number=…), which it cannot do for deals, so FindJournal
// costs one request. The cost: freee's 買掛 (payables) reports leave manual journals out,
// so the 未払金 owed to the employee is settled against the account, not against a deal.
//
// Each line's Account is an account item (勘定科目) name or code; TaxCode a tax code's
// number, system name (purchase_with_tax_10) or display name (課対仕入10%), empty for the
// account's default; Department a section (部門) name or code. freee computes the tax in
// each amount from its tax code. Memo becomes the line's description (備考), with the
// registration number after it when the line carries one that the memo does not already
// name. e.SourceRef becomes the reference number (管理番号; see RefNumber).
//
// Errors: an entry freee would refuse (unbalanced, no lines or more than 100, an amount
// below 1 yen or not in yen, no date or SourceRef, a name not in the masters or switched
// off) is Permanent without a request. Names are resolved with the masters of this run
// (account items, tax codes, departments: one request each, kept for MasterTTL). The
// create itself is one request, never retried after a lost answer (the worker asks
// FindJournal instead).
func (a *Accounting) PostJournal(ctx context.Context, e model.JournalEntry) (string, error) {
	const op = Vendor + ": post journal"
	body, err := a.journalBody(ctx, e)
	if err != nil {
		return "", err
	}
	mj, _, err := a.Client.ManualJournals.Create(ctx, body)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	return journalRef(mj.ID), nil
}

// FindJournal looks the entry posted for sourceRef up by its reference number: one request
// (freee matches reference numbers by prefix, so more than one page only when hundreds of
// entries share it), and the results are compared whole.
func (a *Accounting) FindJournal(ctx context.Context, sourceRef string) (string, bool, error) {
	if sourceRef == "" {
		return "", false, fault.Permanentf(Vendor+": find journal", "the entry has no source reference to look up")
	}
	ref := RefNumber(sourceRef)
	opts := ManualJournalsListOptions{CompanyID: a.companyID, RefNumber: ref}
	for mj, err := range a.Client.ManualJournals.ListIter(ctx, opts) {
		if err != nil {
			return "", false, fmt.Errorf("%s: find journal: %w", Vendor, err)
		}
		if mj.RefNumber == ref {
			return journalRef(mj.ID), true, nil
		}
	}
	return "", false, nil
}

// RefNumber is the reference number (管理番号) an entry with sourceRef is stored under:
// sourceRef itself when it fits freee's 20 characters, otherwise "u" and the first 19 hex
// digits of its SHA-256, the same every time, so FindJournal finds it. Keep source
// references to 20 characters for a reference people can read in freee.
func RefNumber(sourceRef string) string {
	if utf8.RuneCountInString(sourceRef) <= MaxRefNumber {
		return sourceRef
	}
	sum := sha256.Sum256([]byte(sourceRef))
	return "u" + hex.EncodeToString(sum[:])[:MaxRefNumber-1]
}

func journalRef(id int64) string {
	return Vendor + ":manual_journals/" + strconv.FormatInt(id, 10)
}

// journalBody checks e and resolves its names into a request body.
func (a *Accounting) journalBody(ctx context.Context, e model.JournalEntry) (*ManualJournalCreate, error) {
	const op = Vendor + ": post journal"
	switch {
	case e.SourceRef == "":
		return nil, fault.Permanentf(op, "the entry has no source reference: FindJournal could not find it again")
	case e.Date.IsZero():
		return nil, fault.Permanentf(op, "entry %s has no date", e.SourceRef)
	case len(e.Lines) == 0:
		return nil, fault.Permanentf(op, "entry %s has no lines", e.SourceRef)
	case len(e.Lines) > MaxManualJournalLines:
		return nil, fault.Permanentf(op, "entry %s has %d lines; freee takes at most %d", e.SourceRef, len(e.Lines), MaxManualJournalLines)
	case !e.Balanced():
		return nil, fault.Permanentf(op, "entry %s does not balance: debits and credits differ, or a line is neither", e.SourceRef)
	}
	body := &ManualJournalCreate{CompanyID: a.companyID, IssueDate: e.Date, RefNumber: RefNumber(e.SourceRef)}
	now := a.now()
	for i, l := range e.Lines {
		where := fmt.Sprintf("entry %s line %d", e.SourceRef, i+1)
		if l.Amount.Currency != "" && l.Amount.Currency != "JPY" {
			return nil, fault.Permanentf(op, "%s is in %s; freee 会計 books yen", where, l.Amount.Currency)
		}
		if l.Amount.Amount < 1 {
			return nil, fault.Permanentf(op, "%s: amount %d; freee takes 1 yen or more", where, l.Amount.Amount)
		}
		acct, ok, err := a.masters.accounts.find(ctx, now, func(it AccountItem) bool {
			return it.Name == l.Account || (it.Code != "" && it.Code == l.Account)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		if !ok {
			return nil, fault.Permanentf(op, "%s: account %q is not an account item (勘定科目) of company %d", where, l.Account, a.companyID)
		}
		if !acct.Available {
			return nil, fault.Permanentf(op, "%s: account %q is switched off in company %d", where, l.Account, a.companyID)
		}
		tax, err := a.taxCode(ctx, now, l.TaxCode, acct)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		d := ManualJournalCreateDetail{
			EntrySide:     string(l.Side),
			TaxCode:       tax,
			AccountItemID: acct.ID,
			Amount:        l.Amount.Amount,
			Description:   description(l),
		}
		if l.Department != "" {
			sec, ok, err := a.masters.sections.find(ctx, now, func(s Section) bool {
				return s.Name == l.Department || (s.Code != "" && s.Code == l.Department)
			})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			if !ok {
				return nil, fault.Permanentf(op, "%s: department %q is not a section (部門) of company %d", where, l.Department, a.companyID)
			}
			d.SectionID = sec.ID
		}
		body.Details = append(body.Details, d)
	}
	return body, nil
}

// taxCode resolves a line's tax code: its number, system name or display name, or the
// account's default when empty.
func (a *Accounting) taxCode(ctx context.Context, now time.Time, name string, acct AccountItem) (int64, error) {
	const op = Vendor + ": post journal"
	name = strings.TrimSpace(name)
	code, numErr := strconv.ParseInt(name, 10, 64)
	if name == "" {
		code, numErr = acct.DefaultTaxCode, nil
	}
	tax, ok, err := a.masters.taxes.find(ctx, now, func(t Tax) bool {
		if numErr == nil {
			return t.Code == code
		}
		return t.Name == name || t.NameJa == name
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if !ok {
		return 0, fault.Permanentf(op, "tax code %q is not a tax code (税区分) of company %d", cmp.Or(name, strconv.FormatInt(code, 10)), a.companyID)
	}
	if !tax.Available {
		return 0, fault.Permanentf(op, "tax code %q (%s) is switched off in company %d; turn it on in freee's tax settings", tax.NameJa, tax.Name, a.companyID)
	}
	return tax.Code, nil
}

// description is a line's 備考: its memo and its registration number.
func description(l model.JournalLine) string {
	d := strings.TrimSpace(l.Memo)
	if n := l.InvoiceRegistrationNumber; n != "" && !strings.Contains(d, n) {
		d = strings.TrimSpace(d + " " + n)
	}
	return d
}
