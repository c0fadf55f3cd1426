package xerotest

import (
	"reflect"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/shared/accounting"
)

// TestDemoPeopleAreFreeesPeople: the same head count gives the same codes and emails as
// freee 人事労務's demo company, so the hub matches Xero's employees to freee's and KING OF
// TIME's.
func TestDemoPeopleAreFreeesPeople(t *testing.T) {
	t.Parallel()
	const n = 25
	freee := freeetest.New(freeetest.Options{Seed: 1, Employees: n, Year: 2026, Month: time.October})
	xero := New(Options{Seed: 1, Employees: n, Year: 2026, Month: time.October})
	for i, f := range freee.Employees() {
		x := xero.Employees()[i]
		if x.Code != f.Num || x.Email != f.Email {
			t.Fatalf("employee %d: xero %s %s, freee %s %s", i, x.Code, x.Email, f.Num, f.Email)
		}
	}
}

func TestCompanyIsDeterministic(t *testing.T) {
	t.Parallel()
	a := New(Options{Seed: 7, Year: 2026, Month: time.October})
	b := New(Options{Seed: 7, Year: 2026, Month: time.October})
	c := New(Options{Seed: 8, Year: 2026, Month: time.October})
	if !reflect.DeepEqual(a.Employees(), b.Employees()) || !reflect.DeepEqual(a.ExpenseClaims(), b.ExpenseClaims()) || a.TenantID() != b.TenantID() || a.EarningsRates() != b.EarningsRates() {
		t.Fatal("the same seed made another organisation")
	}
	if a.TenantID() == c.TenantID() || a.Employees()[0].ID == c.Employees()[0].ID {
		t.Fatal("another seed made the same ids")
	}
	for _, id := range []string{a.TenantID(), a.Employees()[0].ID, a.Employees()[0].UserID, a.EarningsRates().Overtime, a.ExpenseClaims()[0].ID} {
		if !isUUID(id) || id[14] != '4' {
			t.Errorf("%q is not a version-4 UUID", id)
		}
	}
}

func TestDemoClaims(t *testing.T) {
	t.Parallel()
	s := New(Options{Seed: 1, Employees: 200, Year: 2026, Month: time.October})
	first, last := s.Month()
	statuses := map[string]int{}
	valid, missing, mistyped := 0, 0, 0
	for _, c := range s.ExpenseClaims() {
		statuses[c.Status]++
		if c.Employee%5 != 0 {
			t.Errorf("claim of employee %d; want every fifth", c.Employee)
		}
		for _, r := range c.Receipts {
			if r.Date.Before(first) || r.Date.After(last) {
				t.Errorf("receipt dated %s outside the demo month", r.Date)
			}
			for _, l := range r.Lines {
				rate := map[string]int64{"TAX001": 10, "TAX002": 8}[l.TaxType]
				if l.Tax != l.Amount*rate/(100+rate) {
					t.Errorf("line %+v: tax is not the included %d%%", l, rate)
				}
			}
			switch {
			case r.TaxNumber == "":
				missing++
			case accounting.CheckRegistrationNumber(r.TaxNumber) == nil:
				valid++
			default:
				mistyped++
			}
		}
	}
	if statuses["AUTHORISED"] == 0 || statuses["PAID"] == 0 || statuses["SUBMITTED"] == 0 {
		t.Errorf("statuses %v; want approved, paid and submitted claims", statuses)
	}
	if valid == 0 || missing == 0 || mistyped == 0 {
		t.Errorf("registration numbers: %d valid, %d missing, %d mistyped; want each", valid, missing, mistyped)
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	o := New(Options{}).Options()
	if o.Employees != 30 || o.MinuteLimit != 60 || o.DayLimit != 5000 || o.ConcurrentLimit != 5 || o.AccessTokenTTL != 30*time.Minute || o.RefreshGrace != 30*time.Minute {
		t.Fatalf("defaults %+v", o)
	}
	for _, bad := range []Options{{Employees: -1}, {Year: 2026, Month: 13}, {Year: 1999, Month: 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", bad)
				}
			}()
			New(bad)
		}()
	}
}
