package accounting_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/accounting"
	"github.com/urakata/urakata/shared/model"
)

func TestCheckRegistrationNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, number string
		ok           bool
	}{
		// 国税庁's own corporate number 7000012050002: the twelve digits from the right are
		// 2,0,0,0,5,0,2,1,0,0,0,0; weights 1,2,1,2,…: 2+5+2+2 = 11; 11 mod 9 = 2; 9−2 = 7.
		{"the National Tax Agency's number is valid", "T7000012050002", true},
		// 1180301018771: 1+14+7+16+1+0+1+0+3+0+8+2 = 53; 53 mod 9 = 8; 9−8 = 1.
		{"a listed company's number is valid", "T1180301018771", true},
		{"a mistyped check digit is refused", "T8000012050002", false},
		{"two swapped digits are refused", "T7000012500002", false},
		{"twelve digits are refused", "T700001205000", false},
		{"a missing T is refused", "7000012050002", false},
		{"a lowercase t is refused", "t7000012050002", false},
		{"full-width digits are refused", "T７000012050002", false},
		{"a hyphenated number is refused", "T7000-01205-0002", false},
	} {
		err := accounting.CheckRegistrationNumber(tc.number)
		if (err == nil) != tc.ok {
			t.Errorf("%s: CheckRegistrationNumber(%q) = %v; want ok %v", tc.name, tc.number, err, tc.ok)
		}
		if err != nil && !errors.Is(err, accounting.ErrRegistrationNumber) {
			t.Errorf("%s: %v does not wrap ErrRegistrationNumber", tc.name, err)
		}
	}
}

var jst = time.FixedZone("Asia/Tokyo", 9*3600)

var mapping = accounting.Mapping{
	Accounts: map[string]string{"交通費": "旅費交通費", "会議費": "会議費", "書籍": "新聞図書費"},
	TaxCodes: map[model.TaxRate]string{10: "課対仕入10%", 8: "課対仕入8%(軽)", 0: "対象外"},
}

func report(lines ...model.ExpenseLine) model.ExpenseReport {
	// Approved at 23:30 UTC on 31 October: 1 November in Tokyo.
	return model.ExpenseReport{ID: "4711", ApplicantID: "12", ApprovedAt: time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), Lines: lines}
}

func line(category string, yen, tax int64, rate model.TaxRate, number string) model.ExpenseLine {
	return model.ExpenseLine{Category: category, Amount: model.Yen(yen), TaxAmount: model.Yen(tax), TaxRate: model.TaxRate(rate), InvoiceRegistrationNumber: number}
}

func TestJournalBooksEachLineAndOwesTheTotal(t *testing.T) {
	t.Parallel()
	// A taxi at ¥3,300 (10 %, tax ¥300) and a meeting lunch at ¥2,160 (8 %, tax ¥160):
	// debits 3,300 + 2,160 = 5,460, one credit to 未払金 of 5,460.
	e, notes, err := accounting.Journal(report(
		line("交通費", 3300, 300, 10, "T7000012050002"),
		line("会議費", 2160, 160, 8, ""),
	), mapping, jst)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes = %v; want none", notes)
	}
	if e.Date != model.NewDate(2026, 11, 1) {
		t.Errorf("date = %s; want 2026-11-01, the approval day in Tokyo", e.Date)
	}
	if e.SourceRef != "urakata-expense-4711" || !e.Balanced() || len(e.Lines) != 3 {
		t.Fatalf("entry = %+v; want 3 balanced lines with ref urakata-expense-4711", e)
	}
	want := []struct {
		side    model.Side
		account string
		yen     int64
		code    string
		number  string
	}{
		{model.Debit, "旅費交通費", 3300, "課対仕入10%", "T7000012050002"},
		{model.Debit, "会議費", 2160, "課対仕入8%(軽)", ""},
		{model.Credit, "未払金", 5460, "", ""},
	}
	for i, w := range want {
		l := e.Lines[i]
		if l.Side != w.side || l.Account != w.account || l.Amount != model.Yen(w.yen) || l.TaxCode != w.code || l.InvoiceRegistrationNumber != w.number {
			t.Errorf("line %d = %+v; want %+v", i+1, l, w)
		}
	}
}

func TestJournalLeavesOutAMistypedRegistrationNumberAndSaysSo(t *testing.T) {
	t.Parallel()
	m := mapping
	m.TaxCodesWithoutInvoice = map[model.TaxRate]string{10: "課対仕入10%(控80)"}
	e, notes, err := accounting.Journal(report(line("書籍", 1980, 180, 10, "T8000012050002")), m, jst)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Line != 1 || !strings.Contains(notes[0].Message, "booked without it") {
		t.Errorf("notes = %v; want one about line 1", notes)
	}
	if l := e.Lines[0]; l.InvoiceRegistrationNumber != "" || l.TaxCode != "課対仕入10%(控80)" {
		t.Errorf("line = %+v; want no number and the code without a qualified invoice", l)
	}
}

func TestJournalRefusesWhatCannotBeBooked(t *testing.T) {
	t.Parallel()
	unapproved := report(line("交通費", 1000, 90, 10, ""))
	unapproved.ApprovedAt = time.Time{}
	for _, tc := range []struct {
		name string
		r    model.ExpenseReport
		want string
	}{
		{"a report not approved", unapproved, "not approved"},
		{"a report without lines", report(), "no lines"},
		{"a category with no account", report(line("接待", 5000, 454, 10, "")), `category "接待" has no account`},
		{"a rate with no tax code", report(line("交通費", 1000, 0, 5, "")), "tax rate 5% has no tax code"},
		{"an amount of zero", report(line("交通費", 0, 0, 10, "")), "want more than 0"},
		{"a tax as large as the amount", report(line("交通費", 100, 100, 10, "")), "less than the amount"},
		{"lines in two currencies", report(line("交通費", 100, 9, 10, ""), model.ExpenseLine{Category: "交通費", Amount: model.Money{Amount: 5, Currency: "USD"}, TaxRate: 10}), "one report is one currency"},
	} {
		_, _, err := accounting.Journal(tc.r, mapping, jst)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want it to say %q", tc.name, err, tc.want)
		}
	}
}

func TestJournalUsesTheDefaultAccountWhenSet(t *testing.T) {
	t.Parallel()
	m := mapping
	m.DefaultAccount = "雑費"
	m.CreditAccount = "未払費用"
	e, _, err := accounting.Journal(report(line("接待", 5000, 454, 10, "")), m, jst)
	if err != nil {
		t.Fatal(err)
	}
	if e.Lines[0].Account != "雑費" || e.Lines[1].Account != "未払費用" {
		t.Errorf("lines = %+v; want 雑費 and 未払費用", e.Lines)
	}
}

func TestParseTaxCodes(t *testing.T) {
	t.Parallel()
	got, err := accounting.ParseTaxCodes(map[string]string{"10": "a", "8": "b"})
	if err != nil || got[10] != "a" || got[8] != "b" {
		t.Errorf("ParseTaxCodes = %v, %v", got, err)
	}
	if _, err := accounting.ParseTaxCodes(map[string]string{"5": "x"}); err == nil {
		t.Error("a 5 % rate was accepted")
	}
}
