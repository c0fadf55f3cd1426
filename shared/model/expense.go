package model

import "time"

// TaxRate is a Japanese consumption-tax rate in percent: 10 (standard), 8 (reduced, food
// and newspapers) or 0 (exempt / not taxable).
type TaxRate int

// ExpenseReport is an approved expense claim (経費精算) from an expense source.
type ExpenseReport struct {
	// ID is the source system's id: the natural key for deduplication.
	ID string `json:"id"`
	// Source is the connection it came from.
	Source string `json:"source"`
	// ApplicantID is the source system's id of the applicant; ApplicantCode and
	// ApplicantEmail (personal data: never logged) find the same person in chat and payroll.
	ApplicantID    string        `json:"applicant_id"`
	ApplicantCode  string        `json:"applicant_code,omitempty"`
	ApplicantEmail string        `json:"applicant_email,omitempty"`
	ApprovedAt     time.Time     `json:"approved_at"`
	Title          string        `json:"title,omitempty"`
	Lines          []ExpenseLine `json:"lines"`
}

// Total returns the sum of the lines' amounts (tax included).
func (r ExpenseReport) Total() Money {
	var m Money
	for i, l := range r.Lines {
		if i == 0 {
			m.Currency = l.Amount.Currency
		}
		m.Amount += l.Amount.Amount
	}
	return m
}

// ExpenseLine is one receipt or item of an expense report.
type ExpenseLine struct {
	Date Date `json:"date"`
	// Amount includes tax.
	Amount    Money   `json:"amount"`
	TaxRate   TaxRate `json:"tax_rate"`
	TaxAmount Money   `json:"tax_amount"`
	Category  string  `json:"category"`
	// Description may name people or places: treat it as personal data in logs.
	Description string `json:"description,omitempty"`
	// InvoiceRegistrationNumber is the qualified-invoice number (T + 13 digits), if any.
	InvoiceRegistrationNumber string `json:"invoice_registration_number,omitempty"`
	ReceiptRef                string `json:"receipt_ref,omitempty"`
}

// Side says whether a journal line is a debit or a credit.
type Side string

const (
	// Debit is the left side (借方).
	Debit Side = "debit"
	// Credit is the right side (貸方).
	Credit Side = "credit"
)

// JournalEntry is a balanced accounting entry (仕訳) to post into an accounting target.
type JournalEntry struct {
	Date Date `json:"date"`
	// SourceRef is the reference the target stores and can be searched by (freee deal
	// ref_number, Xero Reference), so a retried write finds the entry instead of doubling it.
	SourceRef string        `json:"source_ref"`
	Lines     []JournalLine `json:"lines"`
}

// Balanced reports whether debits equal credits, in one currency. A line that is neither a
// debit nor a credit makes the entry unbalanced: counting it on either side would hide the
// mistake.
func (j JournalEntry) Balanced() bool {
	var sum int64
	for _, l := range j.Lines {
		if l.Amount.Currency != j.Lines[0].Amount.Currency {
			return false
		}
		switch l.Side {
		case Debit:
			sum += l.Amount.Amount
		case Credit:
			sum -= l.Amount.Amount
		default:
			return false
		}
	}
	return sum == 0
}

// JournalLine is one side of a journal entry.
type JournalLine struct {
	Side       Side   `json:"side"`
	Account    string `json:"account"`
	Amount     Money  `json:"amount"`
	TaxCode    string `json:"tax_code,omitempty"`
	Department string `json:"department,omitempty"`
	Memo       string `json:"memo,omitempty"`
	// InvoiceRegistrationNumber carries the qualified-invoice number to the target.
	InvoiceRegistrationNumber string `json:"invoice_registration_number,omitempty"`
}
