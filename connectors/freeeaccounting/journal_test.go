package freeeaccounting_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/urakata/urakata/connectors/freeeaccounting"
	"github.com/urakata/urakata/connectors/freeeaccounting/freeeaccountingtest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

// tripEntry is the Osaka trip as an expense flow would book it: each receipt a debit, the
// taxi at the non-qualified rate (its registration number fails the check digit), one credit
// to the employee's payable.
func tripEntry(ref string) model.JournalEntry {
	return model.JournalEntry{
		Date:      model.NewDate(2026, 10, 7),
		SourceRef: ref,
		Lines: []model.JournalLine{
			{Side: model.Debit, Account: "旅費交通費", Amount: model.Yen(29440), TaxCode: "課対仕入10%", Department: "営業部", Memo: "新幹線", InvoiceRegistrationNumber: "T4180001088088"},
			{Side: model.Debit, Account: "旅費交通費", Amount: model.Yen(12800), TaxCode: "purchase_with_tax_10", Department: "SALES", Memo: "ホテル"},
			{Side: model.Debit, Account: "租税公課", Amount: model.Yen(200), TaxCode: "2", Memo: "宿泊税"},
			{Side: model.Debit, Account: "旅費交通費", Amount: model.Yen(1980), TaxCode: "課対仕入（控80）10%", Memo: "タクシー"},
			{Side: model.Credit, Account: "未払金", Amount: model.Yen(44420)},
		},
	}
}

func TestPostJournalThenFindJournal(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	ref, err := acc.PostJournal(t.Context(), tripEntry("EXP-1001"))
	if err != nil {
		t.Fatal(err)
	}
	if ref != "freee-accounting:manual_journals/1" {
		t.Errorf("ref = %q", ref)
	}
	posted := srv.ManualJournals()
	if len(posted) != 1 {
		t.Fatalf("%d journals posted", len(posted))
	}
	j := posted[0]
	if j.RefNumber != "EXP-1001" || j.IssueDate != model.NewDate(2026, 10, 7) || len(j.Details) != 5 {
		t.Fatalf("journal = %+v", j)
	}
	want := []struct {
		side    string
		account int64
		tax     int64
		section int64
		vat     int64
		desc    string
	}{
		{"debit", 105001, 136, 101, 2676, "新幹線 T4180001088088"},
		{"debit", 105001, 136, 101, 1163, "ホテル"},
		{"debit", 105008, 2, 0, 0, "宿泊税"},
		{"debit", 105001, 189, 0, 180, "タクシー"},
		{"credit", 102001, 2, 0, 0, ""},
	}
	for i, w := range want {
		d := j.Details[i]
		if d.Side != w.side || d.AccountItemID != w.account || d.TaxCode != w.tax || d.SectionID != w.section || d.Vat != w.vat || d.Description != w.desc {
			t.Errorf("line %d = %+v; want %+v", i+1, d, w)
		}
	}

	got, ok, err := acc.FindJournal(t.Context(), "EXP-1001")
	if err != nil || !ok || got != ref {
		t.Errorf("FindJournal = %q, %v, %v; want %q", got, ok, err, ref)
	}
	if _, ok, err := acc.FindJournal(t.Context(), "EXP-100"); ok || err != nil {
		t.Errorf("FindJournal(EXP-100) found %v, %v: freee's prefix match must not count", ok, err)
	}
	if _, ok, err := acc.FindJournal(t.Context(), "EXP-1002"); ok || err != nil {
		t.Errorf("FindJournal of an entry never posted: %v, %v", ok, err)
	}
	if n := srv.Requests()["get_manual_journals"]; n != 3 {
		t.Errorf("three lookups took %d requests; want one each", n)
	}
}

func TestALongSourceRefIsStoredUnderItsDigestAndFound(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	long := "expense-to-accounting/freee-acc/1001/v1"
	ref, err := acc.PostJournal(t.Context(), tripEntry(long))
	if err != nil {
		t.Fatal(err)
	}
	stored := srv.ManualJournals()[0].RefNumber
	if stored != freeeaccounting.RefNumber(long) || len([]rune(stored)) != 20 || strings.Contains(stored, "/") {
		t.Errorf("stored ref %q; want the 20-character digest", stored)
	}
	if got, ok, err := acc.FindJournal(t.Context(), long); !ok || err != nil || got != ref {
		t.Errorf("FindJournal = %q, %v, %v", got, ok, err)
	}
	if freeeaccounting.RefNumber("EXP-1001") != "EXP-1001" || freeeaccounting.RefNumber("経費精算-２０２６年十月分-第一〇〇一号の二") == "経費精算-２０２６年十月分-第一〇〇一号の二" {
		t.Error("a short ref must be kept as is and one over 20 characters hashed")
	}
}

func TestPostJournalRefusesWhatFreeeWouldRefuseWithoutWriting(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	change := func(f func(e *model.JournalEntry)) model.JournalEntry {
		e := tripEntry("EXP-9")
		e.Lines = append([]model.JournalLine(nil), e.Lines...)
		f(&e)
		return e
	}
	many := make([]model.JournalLine, 0, 102)
	for range 101 {
		many = append(many, model.JournalLine{Side: model.Debit, Account: "旅費交通費", Amount: model.Yen(1)})
	}
	many = append(many, model.JournalLine{Side: model.Credit, Account: "未払金", Amount: model.Yen(101)})
	for _, tc := range []struct {
		name  string
		entry model.JournalEntry
		says  string
	}{
		{"an entry without a source reference", change(func(e *model.JournalEntry) { e.SourceRef = "" }), "source reference"},
		{"an entry without a date", change(func(e *model.JournalEntry) { e.Date = model.Date{} }), "no date"},
		{"an entry without lines", change(func(e *model.JournalEntry) { e.Lines = nil }), "no lines"},
		{"an entry of more than 100 lines", change(func(e *model.JournalEntry) { e.Lines = many }), "at most 100"},
		{"an entry that does not balance", change(func(e *model.JournalEntry) { e.Lines[4].Amount = model.Yen(44419) }), "does not balance"},
		{"a line that is neither debit nor credit", change(func(e *model.JournalEntry) { e.Lines[0].Side = "" }), "does not balance"},
		{"a zero amount", change(func(e *model.JournalEntry) {
			e.Lines = []model.JournalLine{{Side: model.Debit, Account: "旅費交通費"}, {Side: model.Credit, Account: "未払金"}}
		}), "1 yen or more"},
		{"an amount in dollars", change(func(e *model.JournalEntry) {
			for i := range e.Lines {
				e.Lines[i].Amount.Currency = "USD"
			}
		}), "books yen"},
		{"an account freee does not have", change(func(e *model.JournalEntry) { e.Lines[0].Account = "出張費" }), `account "出張費"`},
		{"a tax code freee does not have", change(func(e *model.JournalEntry) { e.Lines[0].TaxCode = "課税仕入10%" }), `tax code "課税仕入10%"`},
		{"a tax code the company switched off", change(func(e *model.JournalEntry) { e.Lines[0].TaxCode = "課対仕入8%" }), "switched off"},
		{"a department freee does not have", change(func(e *model.JournalEntry) { e.Lines[0].Department = "経理部" }), `department "経理部"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := acc.PostJournal(t.Context(), tc.entry)
			if fault.Classify(err) != fault.KindPermanent || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %v; want Permanent saying %q", err, tc.says)
			}
		})
	}
	if n := srv.Requests()["create_manual_journal"]; n != 0 || len(srv.ManualJournals()) != 0 {
		t.Errorf("%d creates sent; want none", n)
	}
}

func TestPostJournalTakesTheAccountsDefaultTaxCodeAndItsCode(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	_, err := acc.PostJournal(t.Context(), model.JournalEntry{Date: model.NewDate(2026, 10, 20), SourceRef: "EXP-1006", Lines: []model.JournalLine{
		{Side: model.Debit, Account: "消耗品費", Amount: model.Yen(1650), TaxCode: "189"},
		{Side: model.Debit, Account: "新聞図書費", Amount: model.Yen(4400), TaxCode: "課対仕入8%（軽）"},
		{Side: model.Debit, Account: "会議費", Amount: model.Yen(3300)},
		{Side: model.Credit, Account: "未払金", Amount: model.Yen(9350)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	d := srv.ManualJournals()[0].Details
	if d[0].TaxCode != 189 || d[0].Vat != 150 || d[1].TaxCode != 163 || d[1].Vat != 325 || d[2].TaxCode != 136 || d[2].Vat != 300 || d[3].TaxCode != 2 {
		t.Errorf("details %+v", d)
	}
}

func TestPostJournalIsNotRetriedAfterALostAnswer(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	if _, _, err := acc.FindJournal(t.Context(), "warm-up"); err != nil { // token and masters
		t.Fatal(err)
	}
	if _, err := acc.PostJournal(t.Context(), tripEntry("EXP-warm")); err != nil {
		t.Fatal(err)
	}
	srv.Fail(freeeaccountingtest.FaultServerError, 1, "create_manual_journal")
	_, err := acc.PostJournal(t.Context(), tripEntry("EXP-1001"))
	if err == nil || fault.Classify(err) != fault.KindTransient {
		t.Fatalf("err = %v; want a transient error", err)
	}
	if n := srv.Requests()["create_manual_journal"]; n != 2 {
		t.Errorf("%d creates; a create that failed must not be retried by the client", n)
	}
	if _, ok, err := acc.FindJournal(t.Context(), "EXP-1001"); ok || err != nil {
		t.Errorf("FindJournal after the failure: %v, %v; want not found, so the worker posts again", ok, err)
	}
}

func TestPostingCostsOneRequestPerEntryAndTheMastersOnce(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	for _, ref := range []string{"EXP-1001", "EXP-1002", "EXP-1003"} {
		if _, err := acc.PostJournal(t.Context(), tripEntry(ref)); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.Requests()
	delete(got, freeeaccountingtest.OAuthOp)
	want := map[string]int{"create_manual_journal": 3, "get_account_items": 1, "get_taxes_companies": 1, "get_sections": 1}
	if !maps.Equal(got, want) {
		t.Errorf("requests %v; want %v", got, want)
	}
}
