package freeeaccounting

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/shared/model"
)

// AccountItemsService reads the chart of accounts (勘定科目).
type AccountItemsService service

// AccountItem is an account (勘定科目).
type AccountItem struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Code is set only when the company uses account codes.
	Code            string `json:"code"`
	Shortcut        string `json:"shortcut"`
	ShortcutNum     string `json:"shortcut_num"`
	TaxCode         int64  `json:"tax_code"`
	DefaultTaxCode  int64  `json:"default_tax_code"`
	AccountCategory string `json:"account_category"`
	// Available is false for an account the company switched off.
	Available bool `json:"available"`
}

// AccountItemsListOptions selects account items.
type AccountItemsListOptions struct {
	// BaseDate is the date whose tax rates DefaultTaxCode follows (zero: today).
	BaseDate model.Date
}

// List returns every account item of the company (the list is not paged).
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_account_items)
//
//meta:operation GET /api/1/account_items
func (s *AccountItemsService) List(ctx context.Context, companyID int64, opts *AccountItemsListOptions) ([]AccountItem, *Response, error) {
	q := url.Values{"company_id": {strconv.FormatInt(companyID, 10)}}
	if opts != nil && !opts.BaseDate.IsZero() {
		q.Set("base_date", opts.BaseDate.String())
	}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/account_items"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		AccountItems []AccountItem `json:"account_items"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list account items: %w", err)
	}
	return out.AccountItems, resp, nil
}

// TaxesService reads tax codes (税区分).
type TaxesService service

// Tax is a tax code (税区分) as one company has it.
type Tax struct {
	// Code is what journal lines carry as tax_code.
	Code int64 `json:"code"`
	// Name is the system name, e.g. purchase_with_tax_10.
	Name string `json:"name"`
	// NameJa is the name freee shows, e.g. 課対仕入10%.
	NameJa string `json:"name_ja"`
	// DisplayCategory is the rate class: tax_10, tax_r8 (reduced 8 %), tax_10_e80 (the
	// invoice transition's 80 % deduction), …; "" for codes without a rate (対象外).
	DisplayCategory string `json:"display_category"`
	// Available is false for a code the company does not use.
	Available bool `json:"available"`
}

// Rate is the consumption-tax rate of the code: 10, 8 (standard before 2019 or reduced), 5,
// or 0 for codes without a rate.
func (t Tax) Rate() model.TaxRate {
	cat, _, _ := strings.Cut(t.DisplayCategory, "_e")
	switch cat {
	case "tax_10":
		return 10
	case "tax_8", "tax_r8":
		return 8
	case "tax_5":
		return 5
	}
	return 0
}

// Reduced reports whether the code is at the reduced 8 % rate (軽減税率).
func (t Tax) Reduced() bool { return strings.HasPrefix(t.DisplayCategory, "tax_r8") }

// ListCompany returns every tax code of the company, with its use setting.
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_taxes_companies)
//
//meta:operation GET /api/1/taxes/companies/{company_id}
func (s *TaxesService) ListCompany(ctx context.Context, companyID int64) ([]Tax, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("api/1/taxes/companies/%d", companyID), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Taxes []Tax `json:"taxes"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list tax codes: %w", err)
	}
	return out.Taxes, resp, nil
}

// SectionsService reads departments (部門).
type SectionsService service

// Section is a department (部門).
type Section struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	LongName  string `json:"long_name"`
	Code      string `json:"code"`
	Available bool   `json:"available"`
	ParentID  int64  `json:"parent_id"`
}

// List returns every department of the company (the list is not paged).
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_sections)
//
//meta:operation GET /api/1/sections
func (s *SectionsService) List(ctx context.Context, companyID int64) ([]Section, *Response, error) {
	q := url.Values{"company_id": {strconv.FormatInt(companyID, 10)}}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/sections"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Sections []Section `json:"sections"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list sections: %w", err)
	}
	return out.Sections, resp, nil
}

// PartnersService reads business partners (取引先).
type PartnersService service

// PartnersPageLimit is the largest page of GET /api/1/partners.
const PartnersPageLimit = 3000

// Partner is a business partner (取引先).
type Partner struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	LongName  string `json:"long_name"`
	Available bool   `json:"available"`
	// QualifiedInvoiceIssuer and InvoiceRegistrationNumber say whether the partner issues
	// qualified invoices (適格請求書発行事業者) and under which number.
	QualifiedInvoiceIssuer    bool   `json:"qualified_invoice_issuer"`
	InvoiceRegistrationNumber string `json:"invoice_registration_number"`
}

// PartnersListOptions selects partners.
type PartnersListOptions struct {
	CompanyID int64
	// Keyword matches code, name, long name, kana or shortcuts in part.
	Keyword string
	ListOptions
}

// List returns one page of the company's partners (at most 3,000), archived ones left out.
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_partners)
//
//meta:operation GET /api/1/partners
func (s *PartnersService) List(ctx context.Context, opts *PartnersListOptions) ([]Partner, *Response, error) {
	if opts == nil || opts.CompanyID <= 0 {
		return nil, nil, fmt.Errorf("%s: list partners: company_id is required", Vendor)
	}
	q := url.Values{"company_id": {strconv.FormatInt(opts.CompanyID, 10)}}
	if opts.Keyword != "" {
		q.Set("keyword", opts.Keyword)
	}
	opts.ListOptions.values(q, PartnersPageLimit)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/partners"), nil)
	if err != nil {
		return nil, nil, err
	}
	var page struct {
		Partners []Partner `json:"partners"`
		Meta     *Meta     `json:"meta"`
	}
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list partners: %w", err)
	}
	resp.NextOffset = nextOffset(&opts.ListOptions, PartnersPageLimit, len(page.Partners), page.Meta)
	return page.Partners, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *PartnersService) ListIter(ctx context.Context, opts PartnersListOptions) iter.Seq2[Partner, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]Partner, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}

// UsersService reads the company's users (members of the freee company, who file and
// approve claims).
type UsersService service

// UsersLimit is the most users GET /api/1/users returns; it has no offset, so a company with
// more users cannot be read in full.
const UsersLimit = 3000

// User is a member of the company. Email and the names are personal data.
type User struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
}

// List returns the company's users, at most limit (0 or more than UsersLimit: UsersLimit).
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_users)
//
//meta:operation GET /api/1/users
func (s *UsersService) List(ctx context.Context, companyID int64, limit int) ([]User, *Response, error) {
	if limit <= 0 || limit > UsersLimit {
		limit = UsersLimit
	}
	q := url.Values{"company_id": {strconv.FormatInt(companyID, 10)}, "limit": {strconv.Itoa(limit)}}
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, "api/1/users"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Users []User `json:"users"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list users: %w", err)
	}
	return out.Users, resp, nil
}

// Me is the authorising user and the companies they belong to.
type Me struct {
	User
	Companies []UserCompany `json:"companies"`
}

// UserCompany is one company the user belongs to, with their role in it.
type UserCompany struct {
	ID          int64  `json:"id"`
	DisplayName string `json:"display_name"`
	// Role is admin, simple_accounting, self_only, read_only, workflow or product_linkage;
	// reading every claim and posting journals needs admin or simple_accounting.
	Role string `json:"role"`
}

// Me returns the authorising user and the companies they belong to: the company_id every
// other call needs comes from here.
//
// freee API docs: https://developer.freee.co.jp/reference/accounting/reference (get_users_me)
//
//meta:operation GET /api/1/users/me
func (s *UsersService) Me(ctx context.Context) (*Me, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "api/1/users/me?companies=true", nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		User Me `json:"user"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get user: %w", err)
	}
	return &out.User, resp, nil
}
