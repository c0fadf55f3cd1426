package xero

import (
	"context"
	"fmt"
	"strings"
)

// The chart of accounts and the tax rates are read once per connection, when a journal or
// an expense first needs them, and read again once when a name is not found (the chart may
// have changed since).

// accountCode resolves what a journal line names (an account code, or an account name as
// hub.yaml's mapping may give it) to the code Xero's journals take.
func (x *Xero) accountCode(ctx context.Context, name string) (string, error) {
	find := func(accounts []Account) (string, bool) {
		for _, a := range accounts {
			if a.Code != "" && a.Code == name {
				return a.Code, true
			}
		}
		for _, a := range accounts {
			if a.Code != "" && strings.EqualFold(a.Name, name) {
				return a.Code, true
			}
		}
		return "", false
	}
	for reload := range 2 {
		accounts, err := x.chart(ctx, reload == 1)
		if err != nil {
			return "", err
		}
		if code, ok := find(accounts); ok {
			return code, nil
		}
	}
	return "", fmt.Errorf("account %q is neither a code nor a name in the organisation's chart of accounts", name)
}

// taxType resolves what a journal line names (a tax type, or a tax rate's name) to Xero's
// tax type.
func (x *Xero) taxType(ctx context.Context, name string) (string, error) {
	for reload := range 2 {
		rates, err := x.rates(ctx, reload == 1)
		if err != nil {
			return "", err
		}
		for _, r := range rates {
			if r.TaxType == name {
				return r.TaxType, nil
			}
		}
		for _, r := range rates {
			if strings.EqualFold(r.Name, name) {
				return r.TaxType, nil
			}
		}
	}
	return "", fmt.Errorf("tax code %q is neither a tax type nor a tax rate's name in the organisation", name)
}

// taxRate returns the organisation's rate of a tax type.
func (x *Xero) taxRate(ctx context.Context, taxType string) (TaxRate, bool, error) {
	for reload := range 2 {
		rates, err := x.rates(ctx, reload == 1)
		if err != nil {
			return TaxRate{}, false, err
		}
		for _, r := range rates {
			if r.TaxType == taxType {
				return r, true, nil
			}
		}
	}
	return TaxRate{}, false, nil
}

func (x *Xero) chart(ctx context.Context, reload bool) ([]Account, error) {
	x.mu.Lock()
	cached := x.accounts
	x.mu.Unlock()
	if cached != nil && !reload {
		return cached, nil
	}
	accounts, _, err := x.Client.Accounts.List(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	if accounts == nil {
		accounts = []Account{}
	}
	x.mu.Lock()
	x.accounts = accounts
	x.mu.Unlock()
	return accounts, nil
}

func (x *Xero) rates(ctx context.Context, reload bool) ([]TaxRate, error) {
	x.mu.Lock()
	cached := x.taxRates
	x.mu.Unlock()
	if cached != nil && !reload {
		return cached, nil
	}
	rates, _, err := x.Client.TaxRates.List(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Vendor, err)
	}
	if rates == nil {
		rates = []TaxRate{}
	}
	x.mu.Lock()
	x.taxRates = rates
	x.mu.Unlock()
	return rates, nil
}
