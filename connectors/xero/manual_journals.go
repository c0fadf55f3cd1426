package xero

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
)

// ManualJournalsService creates and finds manual journals (仕訳).
type ManualJournalsService service

// ManualJournal is a journal entry: its lines' amounts add up to zero, debits positive and
// credits negative.
type ManualJournal struct {
	ManualJournalID string `json:"ManualJournalID,omitempty"`
	// Narration describes the journal; urakata puts the entry's source reference here so
	// that a where filter finds it again.
	Narration    string              `json:"Narration"`
	JournalLines []ManualJournalLine `json:"JournalLines"`
	Date         Date                `json:"Date,omitzero"`
	// LineAmountTypes says whether line amounts include tax: Inclusive, Exclusive or NoTax.
	LineAmountTypes string `json:"LineAmountTypes,omitempty"`
	// Status is DRAFT or POSTED on a write; DELETED, VOIDED or ARCHIVED may come back.
	Status           string            `json:"Status,omitempty"`
	UpdatedDateUTC   *Time             `json:"UpdatedDateUTC,omitempty"`
	ValidationErrors []ValidationError `json:"ValidationErrors,omitempty"`
	Warnings         []ValidationError `json:"Warnings,omitempty"`
}

// ManualJournalLine is one line of a manual journal.
type ManualJournalLine struct {
	// LineAmount is positive for a debit, negative for a credit.
	LineAmount  Amount     `json:"LineAmount"`
	AccountCode string     `json:"AccountCode,omitempty"`
	AccountID   string     `json:"AccountID,omitempty"`
	Description string     `json:"Description,omitempty"`
	TaxType     string     `json:"TaxType,omitempty"`
	TaxAmount   Amount     `json:"TaxAmount,omitempty"`
	Tracking    []Tracking `json:"Tracking,omitempty"`
}

// Tracking puts a line in a tracking category's option (a department, a region).
type Tracking struct {
	Name   string `json:"Name"`
	Option string `json:"Option"`
}

// ValidationError is a message Xero attaches to a record it could not take as sent.
type ValidationError struct {
	Message string `json:"Message"`
}

// ManualJournalsListOptions filter and page a list of manual journals.
type ManualJournalsListOptions struct {
	ListFilter
	// ModifiedSince asks for journals created or changed at or after it (If-Modified-Since).
	ModifiedSince time.Time
	ListOptions
}

type manualJournals struct {
	Pagination     *Pagination     `json:"pagination,omitempty"`
	ManualJournals []ManualJournal `json:"ManualJournals"`
}

// List returns one page of manual journals (PageSize a page).
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/manualjournals
//
//meta:operation GET /api.xro/2.0/ManualJournals
func (s *ManualJournalsService) List(ctx context.Context, opts *ManualJournalsListOptions) ([]ManualJournal, *Response, error) {
	if opts == nil {
		opts = &ManualJournalsListOptions{}
	}
	q := url.Values{}
	opts.ListFilter.values(q)
	page := opts.ListOptions.page()
	q.Set("page", strconv.Itoa(page))
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, accountingAPI+"ManualJournals"), nil)
	if err != nil {
		return nil, nil, err
	}
	if !opts.ModifiedSince.IsZero() {
		req.Header.Set("If-Modified-Since", opts.ModifiedSince.UTC().Format(time.RFC3339))
	}
	var out manualJournals
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list manual journals: %w", err)
	}
	resp.NextPage = nextPage(out.Pagination, page, len(out.ManualJournals))
	return out.ManualJournals, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *ManualJournalsService) ListIter(ctx context.Context, opts ManualJournalsListOptions) iter.Seq2[ManualJournal, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]ManualJournal, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}

// Get returns one manual journal by id.
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/manualjournals
//
//meta:operation GET /api.xro/2.0/ManualJournals/{ManualJournalID}
func (s *ManualJournalsService) Get(ctx context.Context, id string) (*ManualJournal, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, accountingAPI+"ManualJournals/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, nil, err
	}
	var out manualJournals
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get manual journal: %w", err)
	}
	if len(out.ManualJournals) == 0 {
		return nil, resp, fmt.Errorf("get manual journal: the answer holds no journal")
	}
	return &out.ManualJournals[0], resp, nil
}

// Create creates journals (PUT is Xero's create; POST would update one that exists). It
// asks Xero to refuse the whole batch when one journal is invalid (summarizeErrors=true),
// so a bad journal is a 400 with Xero's messages rather than a 200 that carries them.
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/manualjournals
//
//meta:operation PUT /api.xro/2.0/ManualJournals
func (s *ManualJournalsService) Create(ctx context.Context, journals []ManualJournal, opts *WriteOptions) ([]ManualJournal, *Response, error) {
	q := url.Values{"summarizeErrors": {"true"}}
	req, err := s.client.NewRequest(http.MethodPut, rest.Path(q, accountingAPI+"ManualJournals"), manualJournals{ManualJournals: journals})
	if err != nil {
		return nil, nil, err
	}
	opts.apply(req)
	var out manualJournals
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("create manual journals: %w", err)
	}
	return out.ManualJournals, resp, nil
}
