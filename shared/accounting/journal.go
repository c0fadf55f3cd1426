package accounting

import (
	"fmt"
	"strconv"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// Mapping is how a company books expenses: which account each expense category goes to,
// which tax code each consumption-tax rate takes, and where the employee's claim is owed.
type Mapping struct {
	// Accounts maps an expense category (as the expense source names it) to an account item
	// (勘定科目), e.g. 交通費 → 旅費交通費.
	Accounts map[string]string
	// DefaultAccount takes categories Accounts does not name; empty makes them an error, so
	// nothing lands in a catch-all account unnoticed.
	DefaultAccount string
	// CreditAccount is what the company owes the employee until it pays the claim: 未払金 by
	// default.
	CreditAccount string
	// TaxCodes maps a tax rate to the target's tax code, e.g. 10 → 課対仕入10%, 8 →
	// 課対仕入8%(軽). A rate with no code is an error.
	TaxCodes map[model.TaxRate]string
	// TaxCodesWithoutInvoice, if set, is used instead of TaxCodes for a line with no valid
	// registration number (input tax credit limited: e.g. 課対仕入10%(控80)).
	TaxCodesWithoutInvoice map[model.TaxRate]string
	// Department is the department (部門) every line is booked to; optional.
	Department string
}

// Note is something about a journal that an operator should know and that is not an error:
// a registration number that failed its check and was left out, for one.
type Note struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// DefaultCreditAccount is where an employee's claim is owed until paid.
const DefaultCreditAccount = "未払金"

// SourceRef is the reference a journal entry for an expense report carries, by which the
// target finds it again: the same report always gives the same reference.
func SourceRef(r model.ExpenseReport) string {
	return "urakata-expense-" + r.ID
}

// Journal books an approved expense report: one debit line per expense line (tax included,
// with the rate's tax code and the registration number carried when it is valid) and one
// credit line for the total owed to the employee, dated on the approval day in zone. Money
// stays integer yen: the debits add up to the credit exactly.
func Journal(r model.ExpenseReport, m Mapping, zone *time.Location) (model.JournalEntry, []Note, error) {
	if r.ApprovedAt.IsZero() {
		return model.JournalEntry{}, nil, fmt.Errorf("expense %s is not approved", r.ID)
	}
	if len(r.Lines) == 0 {
		return model.JournalEntry{}, nil, fmt.Errorf("expense %s has no lines", r.ID)
	}
	credit := m.CreditAccount
	if credit == "" {
		credit = DefaultCreditAccount
	}
	e := model.JournalEntry{Date: model.DateOf(r.ApprovedAt, zone), SourceRef: SourceRef(r)}
	var notes []Note
	var total int64
	currency := r.Lines[0].Amount.Currency
	for i, l := range r.Lines {
		n := i + 1
		if l.Amount.Currency != currency {
			return model.JournalEntry{}, nil, fmt.Errorf("expense %s line %d: currency %s, but line 1 is %s; one report is one currency", r.ID, n, l.Amount.Currency, currency)
		}
		if l.Amount.Amount <= 0 {
			return model.JournalEntry{}, nil, fmt.Errorf("expense %s line %d: amount %d; want more than 0", r.ID, n, l.Amount.Amount)
		}
		if l.TaxAmount.Amount < 0 || l.TaxAmount.Amount >= l.Amount.Amount {
			return model.JournalEntry{}, nil, fmt.Errorf("expense %s line %d: tax %d of an amount of %d; want 0 or more and less than the amount", r.ID, n, l.TaxAmount.Amount, l.Amount.Amount)
		}
		account, ok := m.Accounts[l.Category]
		if !ok {
			account = m.DefaultAccount
		}
		if account == "" {
			return model.JournalEntry{}, nil, fmt.Errorf("expense %s line %d: category %q has no account; add it under mapping.accounts (or set mapping.default_account)", r.ID, n, l.Category)
		}
		number := l.InvoiceRegistrationNumber
		codes := m.TaxCodes
		if number != "" {
			if err := CheckRegistrationNumber(number); err != nil {
				notes = append(notes, Note{Line: n, Message: err.Error() + "; booked without it"})
				number = ""
			}
		}
		if number == "" && m.TaxCodesWithoutInvoice != nil && l.TaxRate != 0 {
			codes = m.TaxCodesWithoutInvoice
		}
		code, ok := codes[l.TaxRate]
		if !ok {
			return model.JournalEntry{}, nil, fmt.Errorf("expense %s line %d: tax rate %d%% has no tax code; add it under mapping.tax_codes", r.ID, n, l.TaxRate)
		}
		e.Lines = append(e.Lines, model.JournalLine{
			Side: model.Debit, Account: account, Amount: l.Amount, TaxCode: code,
			Department: m.Department, Memo: l.Description, InvoiceRegistrationNumber: number,
		})
		total += l.Amount.Amount
	}
	e.Lines = append(e.Lines, model.JournalLine{
		Side: model.Credit, Account: credit, Amount: model.Money{Amount: total, Currency: currency},
		Department: m.Department, Memo: "経費精算 " + r.ID,
	})
	if !e.Balanced() {
		return model.JournalEntry{}, nil, fmt.Errorf("expense %s: the journal does not balance", r.ID)
	}
	return e, notes, nil
}

// ParseTaxCodes reads hub.yaml's tax_codes ("10": code, "8": code, "0": code).
func ParseTaxCodes(m map[string]string) (map[model.TaxRate]string, error) {
	if m == nil {
		return nil, nil
	}
	out := map[model.TaxRate]string{}
	for k, v := range m {
		rate, err := strconv.Atoi(k)
		if err != nil || (rate != 10 && rate != 8 && rate != 0) {
			return nil, fmt.Errorf("tax_codes: key %q; want 10, 8 or 0 (percent)", k)
		}
		out[model.TaxRate(rate)] = v
	}
	return out, nil
}
