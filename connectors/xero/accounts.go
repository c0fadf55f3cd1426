package xero

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/urakata/urakata/connectors/internal/rest"
)

// AccountsService reads the chart of accounts.
type AccountsService service

// Account is one account of the chart.
type Account struct {
	AccountID string `json:"AccountID"`
	// Code is what journals name the account by (at most 10 characters).
	Code   string `json:"Code"`
	Name   string `json:"Name"`
	Type   string `json:"Type"`
	Status string `json:"Status"`
	// TaxType is the account's default tax type.
	TaxType        string `json:"TaxType"`
	UpdatedDateUTC Time   `json:"UpdatedDateUTC"`
}

// ListFilter narrows an accounting list with Xero's where and order parameters.
type ListFilter struct {
	// Where is a filter in Xero's syntax, e.g. Status=="ACTIVE".
	Where string
	// Order is a field and direction, e.g. "Name ASC".
	Order string
}

func (f *ListFilter) values(q url.Values) {
	if f == nil {
		return
	}
	if f.Where != "" {
		q.Set("where", f.Where)
	}
	if f.Order != "" {
		q.Set("order", f.Order)
	}
}

// List returns the chart of accounts (the whole chart: Xero does not page it).
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/accounts
//
//meta:operation GET /api.xro/2.0/Accounts
func (s *AccountsService) List(ctx context.Context, filter *ListFilter) ([]Account, *Response, error) {
	q := url.Values{}
	filter.values(q)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, accountingAPI+"Accounts"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Accounts []Account `json:"Accounts"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list accounts: %w", err)
	}
	return out.Accounts, resp, nil
}

// TaxRatesService reads the organisation's tax rates.
type TaxRatesService service

// TaxRate is one tax rate: TaxType is what lines name it by.
type TaxRate struct {
	Name    string `json:"Name"`
	TaxType string `json:"TaxType"`
	Status  string `json:"Status"`
	// EffectiveRate is the rate in percent, e.g. 10.0000.
	EffectiveRate  Amount `json:"EffectiveRate"`
	DisplayTaxRate Amount `json:"DisplayTaxRate"`
}

// List returns the organisation's tax rates (all of them: Xero does not page them).
//
// Xero API docs: https://developer.xero.com/documentation/api/accounting/taxrates
//
//meta:operation GET /api.xro/2.0/TaxRates
func (s *TaxRatesService) List(ctx context.Context, filter *ListFilter) ([]TaxRate, *Response, error) {
	q := url.Values{}
	filter.values(q)
	req, err := s.client.NewRequest(http.MethodGet, rest.Path(q, accountingAPI+"TaxRates"), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		TaxRates []TaxRate `json:"TaxRates"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list tax rates: %w", err)
	}
	return out.TaxRates, resp, nil
}
