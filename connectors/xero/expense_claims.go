package xero

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
)

// ExpenseClaimsService reads expense claims (経費精算).
type ExpenseClaimsService service

// Expense-claim statuses: AUTHORISED and PAID claims were approved.
const (
	ClaimSubmitted  = "SUBMITTED"
	ClaimAuthorised = "AUTHORISED"
	ClaimPaid       = "PAID"
	ClaimVoided     = "VOIDED"
)

// ExpenseClaim is a user's claim of one or more receipts.
type ExpenseClaim struct {
	ExpenseClaimID string    `json:"ExpenseClaimID"`
	Status         string    `json:"Status"`
	User           User      `json:"User"`
	Receipts       []Receipt `json:"Receipts"`
	Total          Amount    `json:"Total"`
	AmountDue      Amount    `json:"AmountDue"`
	AmountPaid     Amount    `json:"AmountPaid"`
	ReportingDate  Date      `json:"ReportingDate"`
	// UpdatedDateUTC is the claim's last change: its approval, or a later payment.
	UpdatedDateUTC Time `json:"UpdatedDateUTC"`
}

// User is a user of the organisation: the one who claims.
type User struct {
	UserID string `json:"UserID"`
	// EmailAddress is personal data: never log it.
	EmailAddress string `json:"EmailAddress"`
	FirstName    string `json:"FirstName"`
	LastName     string `json:"LastName"`
}

// ExpenseClaimsListOptions filter a list of expense claims. Xero does not page this list.
type ExpenseClaimsListOptions struct {
	ListFilter
	// ModifiedSince asks for claims created or changed at or after it (If-Modified-Since).
	ModifiedSince time.Time
}

type expenseClaims struct {
	ExpenseClaims []ExpenseClaim `json:"ExpenseClaims"`
}

// List returns the expense claims that match opts. A claim's receipts come as summaries:
// Receipts.Get reads their lines.
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/expenseclaims
//
//meta:operation GET /api.xro/2.0/ExpenseClaims
func (s *ExpenseClaimsService) List(ctx context.Context, opts *ExpenseClaimsListOptions) ([]ExpenseClaim, *Response, error) {
	if opts == nil {
		opts = &ExpenseClaimsListOptions{}
	}
	q := url.Values{}
	opts.ListFilter.values(q)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, accountingAPI+"ExpenseClaims"), nil)
	if err != nil {
		return nil, nil, err
	}
	if !opts.ModifiedSince.IsZero() {
		req.Header.Set("If-Modified-Since", opts.ModifiedSince.UTC().Format(time.RFC3339))
	}
	var out expenseClaims
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list expense claims: %w", err)
	}
	return out.ExpenseClaims, resp, nil
}

// Get returns one expense claim by id.
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/expenseclaims
//
//meta:operation GET /api.xro/2.0/ExpenseClaims/{ExpenseClaimID}
func (s *ExpenseClaimsService) Get(ctx context.Context, id string) (*ExpenseClaim, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, accountingAPI+"ExpenseClaims/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, nil, err
	}
	var out expenseClaims
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get expense claim: %w", err)
	}
	if len(out.ExpenseClaims) == 0 {
		return nil, resp, fmt.Errorf("get expense claim: the answer holds no claim")
	}
	return &out.ExpenseClaims[0], resp, nil
}

// ReceiptsService reads the receipts of expense claims.
type ReceiptsService service

// Receipt is one receipt of an expense claim.
type Receipt struct {
	ReceiptID     string     `json:"ReceiptID"`
	ReceiptNumber string     `json:"ReceiptNumber"`
	Status        string     `json:"Status"`
	Date          Date       `json:"Date"`
	Contact       Contact    `json:"Contact"`
	User          User       `json:"User"`
	Reference     string     `json:"Reference"`
	LineItems     []LineItem `json:"LineItems"`
	// LineAmountTypes says whether the lines' amounts include tax.
	LineAmountTypes string `json:"LineAmountTypes"`
	SubTotal        Amount `json:"SubTotal"`
	TotalTax        Amount `json:"TotalTax"`
	Total           Amount `json:"Total"`
	UpdatedDateUTC  Time   `json:"UpdatedDateUTC"`
}

// Contact is who a receipt is from.
type Contact struct {
	ContactID string `json:"ContactID"`
	Name      string `json:"Name"`
	// TaxNumber is the supplier's tax registration (for a Japanese supplier, its
	// qualified-invoice registration number, T + 13 digits).
	TaxNumber string `json:"TaxNumber"`
}

// LineItem is one line of a receipt.
type LineItem struct {
	LineItemID  string `json:"LineItemID"`
	Description string `json:"Description"`
	Quantity    Amount `json:"Quantity"`
	UnitAmount  Amount `json:"UnitAmount"`
	AccountCode string `json:"AccountCode"`
	TaxType     string `json:"TaxType"`
	TaxAmount   Amount `json:"TaxAmount"`
	LineAmount  Amount `json:"LineAmount"`
}

// Line amount types: whether amounts include tax.
const (
	Inclusive = "Inclusive"
	Exclusive = "Exclusive"
	NoTax     = "NoTax"
)

// Get returns one receipt by id, with its lines.
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/receipts
//
//meta:operation GET /api.xro/2.0/Receipts/{ReceiptID}
func (s *ReceiptsService) Get(ctx context.Context, id string) (*Receipt, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, accountingAPI+"Receipts/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Receipts []Receipt `json:"Receipts"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get receipt: %w", err)
	}
	if len(out.Receipts) == 0 {
		return nil, resp, fmt.Errorf("get receipt: the answer holds no receipt")
	}
	return &out.Receipts[0], resp, nil
}
