package freeeaccountingtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// handlers are the operations the sandbox serves, by accounting.json's operationId. Every
// other operation is still validated, then answered 501.
var handlers = map[string]handler{
	"get_users_me":                           getUsersMe,
	"get_users":                              getUsers,
	"get_account_items":                      getAccountItems,
	"get_taxes_companies":                    getTaxesCompanies,
	"get_sections":                           getSections,
	"get_partners":                           getPartners,
	"get_expense_application_line_templates": getTemplates,
	"get_expense_applications":               getExpenseApplications,
	"get_expense_application":                getExpenseApplication,
	"get_receipt":                            getReceipt,
	"get_manual_journals":                    getManualJournals,
	"get_manual_journal":                     getManualJournal,
	"create_manual_journal":                  createManualJournal,
}

// call is one validated request.
type call struct {
	r *http.Request
	q url.Values
}

// int reads an integer query parameter, already checked against accounting.json.
func (c *call) int(name string) (int64, bool) {
	v := c.q.Get(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

func (c *call) pathInt(name string) int64 {
	n, _ := strconv.ParseInt(c.r.PathValue(name), 10, 64)
	return n
}

// date reads a yyyy-mm-dd query parameter: accounting.json types them as plain strings, so
// freee checks the form itself, with its own message.
func (c *call) date(name string) (model.Date, bool, *reply) {
	v := c.q.Get(name)
	if v == "" {
		return model.Date{}, false, nil
	}
	d, err := model.ParseDate(v)
	if err != nil {
		rep := badRequest(fmt.Sprintf("%s は不正な日付フォーマットです。入力例：2019-12-17", name))
		return model.Date{}, false, &rep
	}
	return d, true, nil
}

// page reads offset and limit (default def, at most max).
func (c *call) page(def, max int) (offset, limit int) {
	o, _ := c.int("offset")
	l, ok := c.int("limit")
	if !ok {
		l = int64(def)
	}
	return int(o), min(int(l), max)
}

func pageOf[T any](items []T, offset, limit int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(offset+limit, len(items))]
}

type meta struct {
	TotalCount int `json:"total_count"`
}

// company answers 400 unless the request is about the demo company.
func (s *Server) company(id int64) *reply {
	if id != s.co.id {
		rep := badRequest("存在しない事業所のidです。")
		return &rep
	}
	return nil
}

func (s *Server) queryCompany(c *call) *reply {
	id, _ := c.int("company_id")
	return s.company(id)
}

func ptr[T any](v T) *T { return &v }

// nonZero is v, or nil (null) when v is the zero value.
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func stamp(t time.Time) string { return t.In(tokyo).Format(time.RFC3339) }

// Users.

type userWire struct {
	ID            int64   `json:"id"`
	Email         string  `json:"email"`
	DisplayName   *string `json:"display_name"`
	FirstName     *string `json:"first_name"`
	LastName      *string `json:"last_name"`
	FirstNameKana *string `json:"first_name_kana"`
	LastNameKana  *string `json:"last_name_kana"`
}

func userOf(u User) userWire {
	return userWire{ID: u.ID, Email: u.Email, DisplayName: nonZero(u.DisplayName), FirstName: nonZero(u.FirstName), LastName: nonZero(u.LastName)}
}

func getUsersMe(s *Server, c *call) reply {
	type companyWire struct {
		ID            int64  `json:"id"`
		DisplayName   string `json:"display_name"`
		Role          string `json:"role"`
		UseCustomRole bool   `json:"use_custom_role"`
	}
	var me struct {
		userWire
		Companies []companyWire `json:"companies,omitempty"`
	}
	me.userWire = userOf(s.co.admin)
	if c.q.Has("companies") {
		me.Companies = []companyWire{{ID: s.co.id, DisplayName: s.co.name, Role: "admin"}}
	}
	return jsonReply(http.StatusOK, struct {
		User any `json:"user"`
	}{me})
}

func getUsers(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	limit := 50
	if l, ok := c.int("limit"); ok {
		limit = int(l)
	}
	all := append([]User{s.co.admin}, s.co.users...)
	out := []userWire{}
	for _, u := range all[:min(limit, len(all))] {
		out = append(out, userOf(u))
	}
	return jsonReply(http.StatusOK, struct {
		Users []userWire `json:"users"`
	}{out})
}

// Masters.

func (s *Server) updateDate() string { return s.co.first.AddDays(-40).String() }

func getAccountItems(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	if _, _, rep := c.date("base_date"); rep != nil {
		return *rep
	}
	type wire struct {
		ID                       int64    `json:"id"`
		Name                     string   `json:"name"`
		TaxCode                  int64    `json:"tax_code"`
		Shortcut                 *string  `json:"shortcut"`
		ShortcutNum              *string  `json:"shortcut_num"`
		DefaultTaxCode           int64    `json:"default_tax_code"`
		AccountCategory          string   `json:"account_category"`
		AccountCategoryID        int64    `json:"account_category_id"`
		Categories               []string `json:"categories"`
		Available                bool     `json:"available"`
		WalletableID             *int64   `json:"walletable_id"`
		GroupName                *string  `json:"group_name"`
		GroupID                  *int64   `json:"group_id"`
		CorrespondingIncomeName  *string  `json:"corresponding_income_name"`
		CorrespondingIncomeID    *int64   `json:"corresponding_income_id"`
		CorrespondingExpenseName *string  `json:"corresponding_expense_name"`
		CorrespondingExpenseID   *int64   `json:"corresponding_expense_id"`
		UpdateDate               string   `json:"update_date"`
	}
	out := []wire{}
	for _, a := range s.co.accounts {
		out = append(out, wire{ID: a.ID, Name: a.Name, TaxCode: a.DefaultTaxCode, DefaultTaxCode: a.DefaultTaxCode,
			AccountCategory: a.Category, AccountCategoryID: a.CategoryID, Categories: a.Categories,
			Available: a.Available, UpdateDate: s.updateDate()})
	}
	return jsonReply(http.StatusOK, struct {
		AccountItems []wire `json:"account_items"`
	}{out})
}

func getTaxesCompanies(s *Server, c *call) reply {
	if rep := s.company(c.pathInt("company_id")); rep != nil {
		return *rep
	}
	type wire struct {
		Code            int64   `json:"code"`
		Name            string  `json:"name"`
		NameJa          string  `json:"name_ja"`
		DisplayCategory *string `json:"display_category"`
		Available       bool    `json:"available"`
	}
	cat := c.q.Get("display_category")
	out := []wire{}
	for _, t := range s.co.taxes {
		if cat != "" && t.DisplayCategory != cat {
			continue
		}
		if c.q.Has("available") && strconv.FormatBool(t.Available) != c.q.Get("available") {
			continue
		}
		out = append(out, wire{Code: t.Code, Name: t.Name, NameJa: t.NameJa, DisplayCategory: nonZero(t.DisplayCategory), Available: t.Available})
	}
	return jsonReply(http.StatusOK, struct {
		Taxes []wire `json:"taxes"`
	}{out})
}

func getSections(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	type wire struct {
		ID          int64   `json:"id"`
		Name        string  `json:"name"`
		Available   bool    `json:"available"`
		LongName    *string `json:"long_name"`
		CompanyID   int64   `json:"company_id"`
		Shortcut1   *string `json:"shortcut1"`
		Shortcut2   *string `json:"shortcut2"`
		Code        *string `json:"code"`
		IndentCount int64   `json:"indent_count"`
		ParentID    *int64  `json:"parent_id"`
		UpdateDate  string  `json:"update_date"`
	}
	out := []wire{}
	for _, sec := range s.co.sections {
		out = append(out, wire{ID: sec.ID, Name: sec.Name, Available: true, LongName: ptr(sec.Name), CompanyID: s.co.id,
			Code: ptr(sec.Code), UpdateDate: s.updateDate()})
	}
	return jsonReply(http.StatusOK, struct {
		Sections []wire `json:"sections"`
	}{out})
}

func getPartners(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	type wire struct {
		ID                        int64   `json:"id"`
		Code                      *string `json:"code"`
		CompanyID                 int64   `json:"company_id"`
		Name                      string  `json:"name"`
		UpdateDate                string  `json:"update_date"`
		Available                 bool    `json:"available"`
		LongName                  *string `json:"long_name"`
		CountryCode               string  `json:"country_code"`
		QualifiedInvoiceIssuer    bool    `json:"qualified_invoice_issuer"`
		InvoiceRegistrationNumber *string `json:"invoice_registration_number"`
	}
	kw := strings.TrimSpace(c.q.Get("keyword"))
	var all []wire
	for _, p := range s.co.partners {
		if kw != "" && !strings.Contains(p.Name, kw) {
			continue
		}
		all = append(all, wire{ID: p.ID, CompanyID: s.co.id, Name: p.Name, UpdateDate: s.updateDate(), Available: true,
			LongName: ptr(p.Name), CountryCode: "JP", QualifiedInvoiceIssuer: p.RegistrationNumber != "",
			InvoiceRegistrationNumber: nonZero(p.RegistrationNumber)})
	}
	offset, limit := c.page(50, 3000)
	return jsonReply(http.StatusOK, struct {
		Partners []wire `json:"partners"`
		Meta     meta   `json:"meta"`
	}{pageOf(all, offset, limit), meta{len(all)}})
}

func getTemplates(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	type wire struct {
		ID                   int64   `json:"id"`
		SourceLineTemplateID int64   `json:"source_line_template_id"`
		Name                 string  `json:"name"`
		AccountItemID        int64   `json:"account_item_id"`
		AccountItemName      string  `json:"account_item_name"`
		TaxCode              int64   `json:"tax_code"`
		TaxName              string  `json:"tax_name"`
		Description          *string `json:"description"`
		LineDescription      *string `json:"line_description"`
		RequiredReceipt      bool    `json:"required_receipt"`
	}
	var all []wire
	for _, t := range s.co.tpls {
		acct, _ := s.co.account(t.AccountItemID)
		tax, _ := s.co.tax(t.TaxCode)
		all = append(all, wire{ID: t.ID, SourceLineTemplateID: t.ID, Name: t.Name, AccountItemID: t.AccountItemID,
			AccountItemName: acct.Name, TaxCode: t.TaxCode, TaxName: tax.NameJa, RequiredReceipt: t.ID != TemplateTrain})
	}
	offset, limit := c.page(20, 100)
	return jsonReply(http.StatusOK, struct {
		Templates []wire `json:"expense_application_line_templates"`
	}{pageOf(all, offset, limit)})
}

// Expense applications.

type purchaseWire struct {
	ID              int64      `json:"id"`
	TransactionDate *string    `json:"transaction_date"`
	ReceiptID       *int64     `json:"receipt_id"`
	SubReceiptIDs   []int64    `json:"sub_receipt_ids"`
	Lines           []lineWire `json:"expense_application_lines"`
}

type lineWire struct {
	ID          int64   `json:"id"`
	Description *string `json:"description"`
	Amount      int64   `json:"amount"`
	TemplateID  *int64  `json:"expense_application_line_template_id"`
}

type approverWire struct {
	StepID        int64  `json:"step_id"`
	UserID        *int64 `json:"user_id"`
	Status        string `json:"status"`
	IsForceAction bool   `json:"is_force_action"`
	ResourceType  string `json:"resource_type"`
}

type logWire struct {
	Action    string `json:"action"`
	UserID    int64  `json:"user_id"`
	UpdatedAt string `json:"updated_at"`
}

type applicationWire struct {
	ID                int64          `json:"id"`
	CompanyID         int64          `json:"company_id"`
	Title             string         `json:"title"`
	IssueDate         string         `json:"issue_date"`
	TotalAmount       int64          `json:"total_amount"`
	Status            string         `json:"status"`
	SectionID         *int64         `json:"section_id"`
	TagIDs            []int64        `json:"tag_ids"`
	PurchaseLines     []purchaseWire `json:"purchase_lines"`
	DealID            *int64         `json:"deal_id"`
	DealStatus        *string        `json:"deal_status"`
	ApplicantID       int64          `json:"applicant_id"`
	ProxyApplicantID  *int64         `json:"proxy_applicant_id"`
	ApplicationNumber string         `json:"application_number"`
	CurrentStepID     *int64         `json:"current_step_id"`
	CurrentRound      int64          `json:"current_round"`
}

// applicationDetail is what GET /api/1/expense_applications/{id} adds to the list's entry.
type applicationDetail struct {
	applicationWire
	Approvers           []approverWire `json:"approvers"`
	ApprovalFlowRouteID int64          `json:"approval_flow_route_id"`
	Comments            []struct{}     `json:"comments"`
	ApprovalFlowLogs    []logWire      `json:"approval_flow_logs"`
}

func (s *Server) applicationWire(a *Application) applicationWire {
	w := applicationWire{
		ID: a.ID, CompanyID: s.co.id, Title: a.Title, IssueDate: a.IssueDate.String(), TotalAmount: a.Total(),
		Status: a.Status, SectionID: nonZero(a.SectionID), TagIDs: []int64{}, ApplicantID: a.ApplicantID,
		ApplicationNumber: a.Number, DealID: nonZero(a.DealID),
	}
	if a.DealID != 0 {
		w.DealStatus = ptr("unsettled")
	}
	if a.Status == "in_progress" {
		w.CurrentStepID = ptr(int64(1))
	}
	for _, pl := range a.Lines {
		p := purchaseWire{ID: pl.ID, TransactionDate: nonZero(pl.Date.String()), ReceiptID: nonZero(pl.ReceiptID), SubReceiptIDs: []int64{}}
		for _, it := range pl.Items {
			p.Lines = append(p.Lines, lineWire{ID: it.ID, Description: nonZero(it.Description), Amount: it.Amount, TemplateID: nonZero(it.TemplateID)})
		}
		w.PurchaseLines = append(w.PurchaseLines, p)
	}
	return w
}

func (s *Server) applicationDetail(a *Application) applicationDetail {
	d := applicationDetail{applicationWire: s.applicationWire(a), ApprovalFlowRouteID: 1, Comments: []struct{}{}, ApprovalFlowLogs: []logWire{}}
	status := "initial"
	switch a.Status {
	case "approved":
		status = "approved"
	case "rejected":
		status = "rejected"
	}
	d.Approvers = []approverWire{{StepID: 1, UserID: ptr(int64(AdminUserID)), Status: status, ResourceType: "predefined_user"}}
	if !a.AppliedAt.IsZero() {
		d.ApprovalFlowLogs = append(d.ApprovalFlowLogs, logWire{"apply", a.ApplicantID, stamp(a.AppliedAt)})
	}
	if !a.ApprovedAt.IsZero() {
		d.ApprovalFlowLogs = append(d.ApprovalFlowLogs, logWire{"approve", AdminUserID, stamp(a.ApprovedAt)})
	}
	if !a.RejectedAt.IsZero() {
		d.ApprovalFlowLogs = append(d.ApprovalFlowLogs, logWire{"reject", AdminUserID, stamp(a.RejectedAt)})
	}
	return d
}

func (c *company) application(id int64) *Application {
	for i := range c.apps {
		if c.apps[i].ID == id {
			return &c.apps[i]
		}
	}
	return nil
}

func getExpenseApplications(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	var from, to, txFrom, txTo model.Date
	for _, p := range []struct {
		name string
		d    *model.Date
	}{{"start_issue_date", &from}, {"end_issue_date", &to}, {"start_transaction_date", &txFrom}, {"end_transaction_date", &txTo}} {
		d, _, rep := c.date(p.name)
		if rep != nil {
			return *rep
		}
		*p.d = d
	}
	status := c.q.Get("status")
	applicant, byApplicant := c.int("applicant_id")
	approver, byApprover := c.int("approver_id")
	number, byNumber := c.int("application_number")
	minAmount, byMin := c.int("min_amount")
	maxAmount, byMax := c.int("max_amount")
	title := c.q.Get("title")
	var all []applicationWire
	for i := len(s.co.apps) - 1; i >= 0; i-- { // newest first, as freee lists them
		a := &s.co.apps[i]
		switch status {
		case "":
		case "unsettled":
			if a.DealID == 0 {
				continue
			}
		case "settled":
			continue // the sandbox settles no deal
		default:
			if a.Status != status {
				continue
			}
		}
		total := a.Total()
		switch {
		case !from.IsZero() && a.IssueDate.Before(from), !to.IsZero() && a.IssueDate.After(to),
			byApplicant && a.ApplicantID != applicant,
			byApprover && (approver != AdminUserID || a.Status == "draft"),
			byNumber && a.Number != strconv.FormatInt(number, 10),
			byMin && total < minAmount, byMax && total > maxAmount,
			title != "" && !strings.Contains(a.Title, title),
			c.q.Get("payroll_attached") == "true",
			(!txFrom.IsZero() || !txTo.IsZero()) && !slices.ContainsFunc(a.Lines, func(pl PurchaseLine) bool {
				return (txFrom.IsZero() || !pl.Date.Before(txFrom)) && (txTo.IsZero() || !pl.Date.After(txTo))
			}):
			continue
		}
		all = append(all, s.applicationWire(a))
	}
	offset, limit := c.page(50, 500)
	return jsonReply(http.StatusOK, struct {
		ExpenseApplications []applicationWire `json:"expense_applications"`
		Meta                meta              `json:"meta"`
	}{pageOf(all, offset, limit), meta{len(all)}})
}

func getExpenseApplication(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	a := s.co.application(c.pathInt("id"))
	if a == nil {
		return notFound("経費申請が見つかりません。")
	}
	return jsonReply(http.StatusOK, struct {
		ExpenseApplication applicationDetail `json:"expense_application"`
	}{s.applicationDetail(a)})
}

func getReceipt(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	rc, ok := s.co.receipts[c.pathInt("id")]
	if !ok {
		return notFound("ファイルボックスが見つかりません。")
	}
	u, _ := s.co.user(rc.UploadedBy)
	type wire struct {
		ID        int64  `json:"id"`
		Status    string `json:"status"`
		MimeType  string `json:"mime_type"`
		Origin    string `json:"origin"`
		CreatedAt string `json:"created_at"`
		User      struct {
			ID          int64   `json:"id"`
			Email       string  `json:"email"`
			DisplayName *string `json:"display_name"`
		} `json:"user"`
		Description string `json:"description"`
		Metadatum   struct {
			PartnerName string `json:"partner_name"`
			IssueDate   string `json:"issue_date"`
			Amount      int64  `json:"amount"`
		} `json:"receipt_metadatum"`
		QualifiedInvoice          string  `json:"qualified_invoice"`
		InvoiceRegistrationNumber *string `json:"invoice_registration_number"`
		DocumentType              string  `json:"document_type"`
	}
	w := wire{ID: rc.ID, Status: "confirmed", MimeType: "image/jpeg", Origin: "mobile_camera", CreatedAt: stamp(rc.CreatedAt),
		QualifiedInvoice: rc.Qualified, InvoiceRegistrationNumber: nonZero(rc.RegistrationNumber), DocumentType: "receipt"}
	w.User.ID, w.User.Email, w.User.DisplayName = u.ID, u.Email, nonZero(u.DisplayName)
	w.Metadatum.PartnerName, w.Metadatum.IssueDate, w.Metadatum.Amount = rc.Issuer, rc.IssueDate.String(), rc.Amount
	return jsonReply(http.StatusOK, struct {
		Receipt wire `json:"receipt"`
	}{w})
}

// Manual journals.

// ManualJournal is a journal entry (振替伝票) posted to the sandbox.
type ManualJournal struct {
	ID         int64
	IssueDate  model.Date
	RefNumber  string
	Adjustment bool
	ReceiptIDs []int64
	Details    []JournalDetail
	CreatedAt  time.Time
}

// JournalDetail is one line of a posted entry. Vat is the tax freee computed (or was given).
type JournalDetail struct {
	ID            int64
	Side          string
	AccountItemID int64
	TaxCode       int64
	SectionID     int64
	PartnerID     int64
	Amount        int64
	Vat           int64
	Description   string
}

type journalDetailWire struct {
	ID              int64    `json:"id"`
	EntrySide       string   `json:"entry_side"`
	AccountItemID   int64    `json:"account_item_id"`
	TaxCode         int64    `json:"tax_code"`
	PartnerID       *int64   `json:"partner_id"`
	PartnerName     *string  `json:"partner_name"`
	PartnerLongName *string  `json:"partner_long_name"`
	ItemID          *int64   `json:"item_id"`
	ItemName        *string  `json:"item_name"`
	SectionID       *int64   `json:"section_id"`
	SectionName     *string  `json:"section_name"`
	TagIDs          []int64  `json:"tag_ids"`
	TagNames        []string `json:"tag_names"`
	Amount          int64    `json:"amount"`
	Vat             int64    `json:"vat"`
	Description     string   `json:"description"`
}

type journalWire struct {
	ID         int64               `json:"id"`
	CompanyID  int64               `json:"company_id"`
	IssueDate  string              `json:"issue_date"`
	Adjustment bool                `json:"adjustment"`
	TxnNumber  *string             `json:"txn_number"`
	RefNumber  *string             `json:"ref_number"`
	Details    []journalDetailWire `json:"details"`
	ReceiptIDs []int64             `json:"receipt_ids"`
}

func (s *Server) journalWire(j ManualJournal) journalWire {
	w := journalWire{ID: j.ID, CompanyID: s.co.id, IssueDate: j.IssueDate.String(), Adjustment: j.Adjustment,
		RefNumber: nonZero(j.RefNumber), ReceiptIDs: slices.Clone(j.ReceiptIDs)}
	if w.ReceiptIDs == nil {
		w.ReceiptIDs = []int64{}
	}
	for _, d := range j.Details {
		dw := journalDetailWire{ID: d.ID, EntrySide: d.Side, AccountItemID: d.AccountItemID, TaxCode: d.TaxCode,
			PartnerID: nonZero(d.PartnerID), SectionID: nonZero(d.SectionID), TagIDs: []int64{}, TagNames: []string{},
			Amount: d.Amount, Vat: d.Vat, Description: d.Description}
		if p, ok := s.co.partner(d.PartnerID); ok {
			dw.PartnerName, dw.PartnerLongName = ptr(p.Name), ptr(p.Name)
		}
		if sec, ok := s.co.section(d.SectionID); ok {
			dw.SectionName = ptr(sec.Name)
		}
		w.Details = append(w.Details, dw)
	}
	return w
}

func getManualJournals(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	from, _, rep := c.date("start_issue_date")
	if rep != nil {
		return *rep
	}
	to, _, rep := c.date("end_issue_date")
	if rep != nil {
		return *rep
	}
	ref := c.q.Get("ref_number")
	side := c.q.Get("entry_side")
	account, byAccount := c.int("account_item_id")
	section, bySection := c.int("section_id")
	var all []journalWire
	for _, j := range s.journals {
		switch {
		case ref != "" && !strings.HasPrefix(j.RefNumber, ref), // freee matches by prefix
			!from.IsZero() && j.IssueDate.Before(from), !to.IsZero() && j.IssueDate.After(to),
			side != "" && !slices.ContainsFunc(j.Details, func(d JournalDetail) bool { return d.Side == side }),
			byAccount && !slices.ContainsFunc(j.Details, func(d JournalDetail) bool { return d.AccountItemID == account }),
			bySection && !slices.ContainsFunc(j.Details, func(d JournalDetail) bool { return d.SectionID == section }):
			continue
		}
		all = append(all, s.journalWire(j))
	}
	offset, limit := c.page(20, 500)
	return jsonReply(http.StatusOK, struct {
		ManualJournals []journalWire `json:"manual_journals"`
		Meta           meta          `json:"meta"`
	}{pageOf(all, offset, limit), meta{len(all)}})
}

func getManualJournal(s *Server, c *call) reply {
	if rep := s.queryCompany(c); rep != nil {
		return *rep
	}
	id := c.pathInt("id")
	for _, j := range s.journals {
		if j.ID == id {
			return jsonReply(http.StatusOK, struct {
				ManualJournal journalWire `json:"manual_journal"`
			}{s.journalWire(j)})
		}
	}
	return notFound("振替伝票が見つかりません。")
}

// createBody is POST /api/1/manual_journals as the sandbox reads it.
type createBody struct {
	CompanyID  int64  `json:"company_id"`
	IssueDate  string `json:"issue_date"`
	Adjustment bool   `json:"adjustment"`
	RefNumber  string `json:"ref_number"`
	Details    []struct {
		EntrySide       string  `json:"entry_side"`
		TaxCode         int64   `json:"tax_code"`
		AccountItemID   int64   `json:"account_item_id"`
		AccountItemCode string  `json:"account_item_code"`
		Amount          int64   `json:"amount"`
		Vat             *int64  `json:"vat"`
		PartnerID       int64   `json:"partner_id"`
		SectionID       int64   `json:"section_id"`
		ItemID          int64   `json:"item_id"`
		TagIDs          []int64 `json:"tag_ids"`
		Description     string  `json:"description"`
	} `json:"details"`
	ReceiptIDs []int64 `json:"receipt_ids"`
}

// createManualJournal posts an entry as freee does: every id must exist in the company,
// every tax code be in use, and debits equal credits; freee computes each line's tax from
// its code when no vat is given.
func createManualJournal(s *Server, c *call) reply {
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt != contentJSON {
		return badRequest("freeeaccountingtest: send the body as application/json (freee also takes a form; the sandbox does not)")
	}
	var b createBody
	if err := json.NewDecoder(c.r.Body).Decode(&b); err != nil {
		return badRequest("リクエストボディが不正です。")
	}
	if rep := s.company(b.CompanyID); rep != nil {
		return *rep
	}
	date, err := model.ParseDate(b.IssueDate)
	if err != nil {
		return badRequest("issue_date は不正な日付フォーマットです。入力例：2019-12-17")
	}
	if len(b.Details) == 0 || len(b.Details) > 100 {
		return badRequest("貸借行は1行以上100行以内で指定してください。")
	}
	j := ManualJournal{IssueDate: date, RefNumber: b.RefNumber, Adjustment: b.Adjustment, ReceiptIDs: b.ReceiptIDs, CreatedAt: s.opts.Now()}
	var debit, credit int64
	for i, d := range b.Details {
		line := fmt.Sprintf("details[%d]", i)
		if d.AccountItemCode != "" || d.AccountItemID == 0 {
			return badRequest(line + ": account_item_id を指定してください（この事業所は勘定科目コードを使用していません）。")
		}
		if _, ok := s.co.account(d.AccountItemID); !ok {
			return badRequest(line + ": 勘定科目が存在しません。")
		}
		tax, ok := s.co.tax(d.TaxCode)
		if !ok || !tax.Available {
			return badRequest(line + ": 税区分コードが不正です。")
		}
		if _, ok := s.co.section(d.SectionID); d.SectionID != 0 && !ok {
			return badRequest(line + ": 部門が存在しません。")
		}
		if _, ok := s.co.partner(d.PartnerID); d.PartnerID != 0 && !ok {
			return badRequest(line + ": 取引先が存在しません。")
		}
		if d.ItemID != 0 || len(d.TagIDs) > 0 {
			return badRequest(line + ": 品目・メモタグはこの事業所に存在しません。")
		}
		vat := d.Amount * tax.rate() / (100 + tax.rate())
		if d.Vat != nil {
			vat = *d.Vat
		}
		if d.EntrySide == "debit" {
			debit += d.Amount
		} else {
			credit += d.Amount
		}
		j.Details = append(j.Details, JournalDetail{Side: d.EntrySide, AccountItemID: d.AccountItemID, TaxCode: d.TaxCode,
			SectionID: d.SectionID, PartnerID: d.PartnerID, Amount: d.Amount, Vat: vat, Description: d.Description})
	}
	if debit != credit {
		return badRequest("貸借の合計金額が一致しません。")
	}
	for _, id := range b.ReceiptIDs {
		if _, ok := s.co.receipts[id]; !ok {
			return badRequest("ファイルボックスが存在しません。")
		}
	}
	j.ID = s.nextJID
	s.nextJID++
	for i := range j.Details {
		j.Details[i].ID = j.ID*1000 + int64(i+1)
	}
	s.journals = append(s.journals, j)
	return jsonReply(http.StatusCreated, struct {
		ManualJournal journalWire `json:"manual_journal"`
	}{s.journalWire(j)})
}
