package freeeaccounting

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// ManualJournalsService creates and searches journal entries (振替伝票).
type ManualJournalsService service

// ManualJournalsPageLimit is the largest page of GET /api/1/manual_journals.
const ManualJournalsPageLimit = 500

// MaxManualJournalLines is how many lines (debits and credits together) one entry may have.
const MaxManualJournalLines = 100

// MaxRefNumber is the longest reference number (管理番号) freee keeps, in characters.
const MaxRefNumber = 20

// Entry sides (貸借).
const (
	Debit  = "debit"
	Credit = "credit"
)

// ManualJournal is a journal entry (振替伝票) as freee holds it.
type ManualJournal struct {
	ID         int64      `json:"id"`
	CompanyID  int64      `json:"company_id"`
	IssueDate  model.Date `json:"issue_date"`
	Adjustment bool       `json:"adjustment"`
	// TxnNumber (仕訳番号) is set only when the company numbers its entries.
	TxnNumber string `json:"txn_number"`
	// RefNumber (管理番号) is the reference a search can find.
	RefNumber string                `json:"ref_number"`
	Details   []ManualJournalDetail `json:"details"`
}

// ManualJournalDetail is one line of an entry.
type ManualJournalDetail struct {
	ID            int64  `json:"id"`
	EntrySide     string `json:"entry_side"`
	AccountItemID int64  `json:"account_item_id"`
	TaxCode       int64  `json:"tax_code"`
	PartnerID     int64  `json:"partner_id"`
	SectionID     int64  `json:"section_id"`
	// Amount includes tax; Vat is the tax in it.
	Amount      int64  `json:"amount"`
	Vat         int64  `json:"vat"`
	Description string `json:"description"`
}

// ManualJournalCreate is the body of POST /api/1/manual_journals.
type ManualJournalCreate struct {
	CompanyID  int64      `json:"company_id"`
	IssueDate  model.Date `json:"issue_date"`
	Adjustment bool       `json:"adjustment,omitempty"`
	// RefNumber is at most MaxRefNumber characters.
	RefNumber  string                      `json:"ref_number,omitempty"`
	Details    []ManualJournalCreateDetail `json:"details"`
	ReceiptIDs []int64                     `json:"receipt_ids,omitempty"`
}

// ManualJournalCreateDetail is one line to create. TaxCode is always sent: 0 is a code too.
type ManualJournalCreateDetail struct {
	EntrySide     string `json:"entry_side"`
	TaxCode       int64  `json:"tax_code"`
	AccountItemID int64  `json:"account_item_id"`
	// Amount includes tax and is at least 1.
	Amount int64 `json:"amount"`
	// Vat is the tax in Amount; nil lets freee compute it from the tax code.
	Vat         *int64 `json:"vat,omitempty"`
	PartnerID   int64  `json:"partner_id,omitempty"`
	SectionID   int64  `json:"section_id,omitempty"`
	Description string `json:"description,omitempty"`
}

// Create posts a journal entry. It is not idempotent: look for the entry by its RefNumber
// (List) before posting again after an error whose outcome is unknown.
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (create_manual_journal)
//
//meta:operation POST /api/1/manual_journals
func (s *ManualJournalsService) Create(ctx context.Context, body *ManualJournalCreate) (*ManualJournal, *Response, error) {
	req, err := s.client.NewRequest(http.MethodPost, "api/1/manual_journals", body)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		ManualJournal ManualJournal `json:"manual_journal"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("create manual journal: %w", err)
	}
	return &out.ManualJournal, resp, nil
}

// ManualJournalsListOptions selects journal entries.
type ManualJournalsListOptions struct {
	CompanyID int64
	// RefNumber matches entries whose reference number starts with it (freee's filter is a
	// prefix match: compare the results for equality).
	RefNumber string
	// StartIssueDate and EndIssueDate bound the entry date; zero is open.
	StartIssueDate, EndIssueDate model.Date
	ListOptions
}

// List returns one page of the company's journal entries (at most 500).
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_manual_journals)
//
//meta:operation GET /api/1/manual_journals
func (s *ManualJournalsService) List(ctx context.Context, opts *ManualJournalsListOptions) ([]ManualJournal, *Response, error) {
	if opts == nil || opts.CompanyID <= 0 {
		return nil, nil, fmt.Errorf("%s: list manual journals: company_id is required", Vendor)
	}
	q := url.Values{"company_id": {strconv.FormatInt(opts.CompanyID, 10)}}
	if opts.RefNumber != "" {
		q.Set("ref_number", opts.RefNumber)
	}
	if !opts.StartIssueDate.IsZero() {
		q.Set("start_issue_date", opts.StartIssueDate.String())
	}
	if !opts.EndIssueDate.IsZero() {
		q.Set("end_issue_date", opts.EndIssueDate.String())
	}
	opts.ListOptions.values(q, ManualJournalsPageLimit)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/manual_journals"), nil)
	if err != nil {
		return nil, nil, err
	}
	var page struct {
		ManualJournals []ManualJournal `json:"manual_journals"`
		Meta           *Meta           `json:"meta"`
	}
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list manual journals: %w", err)
	}
	resp.NextOffset = nextOffset(&opts.ListOptions, ManualJournalsPageLimit, len(page.ManualJournals), page.Meta)
	return page.ManualJournals, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *ManualJournalsService) ListIter(ctx context.Context, opts ManualJournalsListOptions) iter.Seq2[ManualJournal, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]ManualJournal, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}
