package freeeaccounting

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// ExpenseApplicationsService reads expense claims (経費申請).
type ExpenseApplicationsService service

// ExpenseApplicationsPageLimit is the largest page of GET /api/1/expense_applications.
const ExpenseApplicationsPageLimit = 500

// Expense application statuses (申請ステータス).
const (
	StatusDraft      = "draft"
	StatusInProgress = "in_progress"
	StatusApproved   = "approved"
	StatusRejected   = "rejected"
	StatusFeedback   = "feedback"
)

// ExpenseApplication is an expense claim. The list returns everything but Approvers,
// ApprovalFlowRouteID and ApprovalFlowLogs, which only Get returns: the approval time is in
// the logs.
type ExpenseApplication struct {
	ID        int64      `json:"id"`
	CompanyID int64      `json:"company_id"`
	Title     string     `json:"title"`
	IssueDate model.Date `json:"issue_date"`
	// Description (備考) is free text the applicant wrote: personal data.
	Description string `json:"description"`
	TotalAmount int64  `json:"total_amount"`
	Status      string `json:"status"`
	// SectionID is the department (部門) claimed for, 0 when none.
	SectionID     int64          `json:"section_id"`
	TagIDs        []int64        `json:"tag_ids"`
	PurchaseLines []PurchaseLine `json:"purchase_lines"`
	// DealID is the deal (取引) freee books when it approves the claim; 0 when none.
	DealID int64 `json:"deal_id"`
	// DealStatus is unsettled (精算待ち) or settled (精算済み) once there is a deal.
	DealStatus        string `json:"deal_status"`
	ApplicantID       int64  `json:"applicant_id"`
	ProxyApplicantID  int64  `json:"proxy_applicant_id"`
	ApplicationNumber string `json:"application_number"`
	CurrentStepID     int64  `json:"current_step_id"`
	CurrentRound      int64  `json:"current_round"`

	Approvers           []Approver        `json:"approvers"`
	ApprovalFlowRouteID int64             `json:"approval_flow_route_id"`
	ApprovalFlowLogs    []ApprovalFlowLog `json:"approval_flow_logs"`
}

// PurchaseLine is one receipt's worth of a claim (申請行): a date, the receipt, and its
// itemised lines.
type PurchaseLine struct {
	ID              int64      `json:"id"`
	TransactionDate model.Date `json:"transaction_date"`
	// ReceiptID is the receipt in the file box (ファイルボックス), 0 when none is attached.
	ReceiptID     int64                    `json:"receipt_id"`
	SubReceiptIDs []int64                  `json:"sub_receipt_ids"`
	Lines         []ExpenseApplicationLine `json:"expense_application_lines"`
}

// ExpenseApplicationLine is one itemised line (明細行), tax included.
type ExpenseApplicationLine struct {
	ID int64 `json:"id"`
	// Description (内容) may name people or places: personal data.
	Description string `json:"description"`
	Amount      int64  `json:"amount"`
	// TemplateID is the expense template (経費科目) chosen, 0 when none: it carries the
	// account item and tax code.
	TemplateID int64 `json:"expense_application_line_template_id"`
}

// Approver is one approval step's approver.
type Approver struct {
	StepID        int64  `json:"step_id"`
	UserID        int64  `json:"user_id"`
	Status        string `json:"status"`
	IsForceAction bool   `json:"is_force_action"`
	ResourceType  string `json:"resource_type"`
}

// ApprovalFlowLog is one action in the claim's history (承認履歴).
type ApprovalFlowLog struct {
	// Action is apply, approve, force_approve, cancel, reject or feedback.
	Action    string    `json:"action"`
	UserID    int64     `json:"user_id"`
	UpdatedAt Timestamp `json:"updated_at"`
}

// ApprovedAt is when the claim was finally approved: the latest approve or force_approve in
// its history, or zero while it is not approved (or was read from the list, which has no
// history).
func (a *ExpenseApplication) ApprovedAt() time.Time {
	var at time.Time
	if a.Status != StatusApproved {
		return at
	}
	for _, l := range a.ApprovalFlowLogs {
		if (l.Action == "approve" || l.Action == "force_approve") && l.UpdatedAt.After(at) {
			at = l.UpdatedAt.Time
		}
	}
	return at
}

// ExpenseApplicationsListOptions selects claims.
type ExpenseApplicationsListOptions struct {
	CompanyID int64
	// Status filters by status ("" for all), e.g. StatusApproved.
	Status string
	// StartIssueDate and EndIssueDate bound the application date (申請日); zero is open.
	StartIssueDate, EndIssueDate model.Date
	// ApplicantID filters by applicant (0 for all).
	ApplicantID int64
	ListOptions
}

type expenseApplicationsPage struct {
	ExpenseApplications []ExpenseApplication `json:"expense_applications"`
	Meta                *Meta                `json:"meta"`
}

// List returns one page of the company's claims (at most 500).
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_expense_applications)
//
//meta:operation GET /api/1/expense_applications
func (s *ExpenseApplicationsService) List(ctx context.Context, opts *ExpenseApplicationsListOptions) ([]ExpenseApplication, *Response, error) {
	if opts == nil || opts.CompanyID <= 0 {
		return nil, nil, fmt.Errorf("%s: list expense applications: company_id is required", Vendor)
	}
	q := url.Values{}
	q.Set("company_id", strconv.FormatInt(opts.CompanyID, 10))
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	if !opts.StartIssueDate.IsZero() {
		q.Set("start_issue_date", opts.StartIssueDate.String())
	}
	if !opts.EndIssueDate.IsZero() {
		q.Set("end_issue_date", opts.EndIssueDate.String())
	}
	if opts.ApplicantID > 0 {
		q.Set("applicant_id", strconv.FormatInt(opts.ApplicantID, 10))
	}
	opts.ListOptions.values(q, ExpenseApplicationsPageLimit)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/expense_applications"), nil)
	if err != nil {
		return nil, nil, err
	}
	var page expenseApplicationsPage
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list expense applications: %w", err)
	}
	resp.NextOffset = nextOffset(&opts.ListOptions, ExpenseApplicationsPageLimit, len(page.ExpenseApplications), page.Meta)
	return page.ExpenseApplications, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *ExpenseApplicationsService) ListIter(ctx context.Context, opts ExpenseApplicationsListOptions) iter.Seq2[ExpenseApplication, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]ExpenseApplication, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}

// Get returns one claim with its approvers and approval history.
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_expense_application)
//
//meta:operation GET /api/1/expense_applications/{id}
func (s *ExpenseApplicationsService) Get(ctx context.Context, companyID, id int64) (*ExpenseApplication, *Response, error) {
	q := url.Values{"company_id": {strconv.FormatInt(companyID, 10)}}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/expense_applications/%d", id), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		ExpenseApplication ExpenseApplication `json:"expense_application"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get expense application %d: %w", id, err)
	}
	return &out.ExpenseApplication, resp, nil
}

// ExpenseTemplatesService reads expense templates (経費科目): what an applicant picks for a
// line, each bound to an account item and a tax code.
type ExpenseTemplatesService service

// ExpenseTemplatesPageLimit is the largest page of GET /api/1/expense_application_line_templates.
const ExpenseTemplatesPageLimit = 100

// ExpenseTemplate is an expense template (経費科目).
type ExpenseTemplate struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	AccountItemID   int64  `json:"account_item_id"`
	AccountItemName string `json:"account_item_name"`
	TaxCode         int64  `json:"tax_code"`
	TaxName         string `json:"tax_name"`
	Description     string `json:"description"`
	RequiredReceipt bool   `json:"required_receipt"`
}

// List returns one page of the company's expense templates (at most 100).
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_expense_application_line_templates)
//
//meta:operation GET /api/1/expense_application_line_templates
func (s *ExpenseTemplatesService) List(ctx context.Context, companyID int64, opts *ListOptions) ([]ExpenseTemplate, *Response, error) {
	q := url.Values{"company_id": {strconv.FormatInt(companyID, 10)}}
	opts.values(q, ExpenseTemplatesPageLimit)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/expense_application_line_templates"), nil)
	if err != nil {
		return nil, nil, err
	}
	var page struct {
		Templates []ExpenseTemplate `json:"expense_application_line_templates"`
		Meta      *Meta             `json:"meta"`
	}
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list expense templates: %w", err)
	}
	resp.NextOffset = nextOffset(opts, ExpenseTemplatesPageLimit, len(page.Templates), page.Meta)
	return page.Templates, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *ExpenseTemplatesService) ListIter(ctx context.Context, companyID int64, opts *ListOptions) iter.Seq2[ExpenseTemplate, error] {
	return all(opts, func(o *ListOptions) ([]ExpenseTemplate, *Response, error) {
		return s.List(ctx, companyID, o)
	})
}

// ReceiptsService reads receipt metadata (ファイルボックス).
type ReceiptsService service

// Receipt is a file in the file box, with what freee read or was told about it.
type Receipt struct {
	ID          int64  `json:"id"`
	Status      string `json:"status"`
	Description string `json:"description"`
	MimeType    string `json:"mime_type"`
	// QualifiedInvoice is qualified (適格請求書等), not_qualified, unselected or "".
	QualifiedInvoice string `json:"qualified_invoice"`
	// InvoiceRegistrationNumber is the issuer's 適格請求書発行事業者登録番号 (T + 13 digits)
	// as freee holds it ("" when none): freee checks its form, not its check digit.
	InvoiceRegistrationNumber string           `json:"invoice_registration_number"`
	DocumentType              string           `json:"document_type"`
	Metadatum                 *ReceiptMetadata `json:"receipt_metadatum"`
}

// ReceiptMetadata is what 電子帳簿保存法 requires to be searchable: issuer, date, amount.
type ReceiptMetadata struct {
	PartnerName string     `json:"partner_name"`
	IssueDate   model.Date `json:"issue_date"`
	Amount      int64      `json:"amount"`
}

// Get returns one receipt's metadata (not the file).
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_receipt)
//
//meta:operation GET /api/1/receipts/{id}
func (s *ReceiptsService) Get(ctx context.Context, companyID, id int64) (*Receipt, *Response, error) {
	q := url.Values{"company_id": {strconv.FormatInt(companyID, 10)}}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/receipts/%d", id), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Receipt Receipt `json:"receipt"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get receipt %d: %w", id, err)
	}
	return &out.Receipt, resp, nil
}
