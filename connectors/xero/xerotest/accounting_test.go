package xerotest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

type journalsAnswer struct {
	Pagination     *pagination   `json:"pagination"`
	ManualJournals []wireJournal `json:"ManualJournals"`
}

func journalsOf(t *testing.T, res response) journalsAnswer {
	t.Helper()
	var a journalsAnswer
	if res.status != 200 || json.Unmarshal(res.body, &a) != nil {
		t.Fatalf("want journals, got %d %s", res.status, res.body)
	}
	return a
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	first := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("urakata-expense-1"), "Idempotency-Key", "k-1")
	again := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("urakata-expense-1"), "Idempotency-Key", "k-1")
	if first.status != 200 || again.status != 200 || !bytes.Equal(first.body, again.body) {
		t.Fatalf("first %d %s\nagain %d %s\nwant the same answer", first.status, first.body, again.status, again.body)
	}
	if n := len(s.ManualJournals()); n != 1 {
		t.Fatalf("%d journals; a replayed key must not write again", n)
	}
	// The same key with another request is refused.
	if res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("urakata-expense-2"), "Idempotency-Key", "k-1"); res.status != 400 ||
		!strings.Contains(strings.Join(accountingMessages(t, res), " "), "different request") {
		t.Fatalf("another request under a used key: %d %s; want 400", res.status, res.body)
	}
	// Keys belong to the request that succeeded: a refused request can be fixed and resent.
	bad := journal("urakata-expense-3")
	bad["ManualJournals"].([]map[string]any)[0]["JournalLines"].([]map[string]any)[1]["LineAmount"] = -1000
	if res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", bad, "Idempotency-Key", "k-3"); res.status != 400 {
		t.Fatalf("unbalanced: %d", res.status)
	}
	if res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("urakata-expense-3"), "Idempotency-Key", "k-3"); res.status != 200 {
		t.Fatalf("the fixed request under the same key: %d %s", res.status, res.body)
	}
	if res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal("x"), "Idempotency-Key", strings.Repeat("k", 129)); res.status != 400 {
		t.Fatalf("a 129-character key: %d; want 400", res.status)
	}
	if n := len(s.ManualJournals()); n != 2 {
		t.Fatalf("%d journals; want 2", n)
	}
	noViolations(t, s)
}

func TestManualJournals_validation(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	with := func(edit func(j map[string]any, lines []map[string]any)) map[string]any {
		body := journal("n")
		j := body["ManualJournals"].([]map[string]any)[0]
		edit(j, j["JournalLines"].([]map[string]any))
		return body
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"debits must equal credits", with(func(_ map[string]any, l []map[string]any) { l[1]["LineAmount"] = -1000 }), "must equal total credits (1000.00)"},
		{"the account must be in the chart", with(func(_ map[string]any, l []map[string]any) { l[0]["AccountCode"] = "9999" }), "'9999' is not a valid code"},
		{"the tax type must be the organisation's", with(func(_ map[string]any, l []map[string]any) { l[0]["TaxType"] = "OUTPUT2" }), "OUTPUT2"},
		{"the tracking option must be the organisation's", with(func(_ map[string]any, l []map[string]any) {
			l[0]["Tracking"] = []map[string]any{{"Name": "Department", "Option": "総務部"}}
		}), "総務部"},
		{"a journal needs two lines", with(func(j map[string]any, l []map[string]any) { j["JournalLines"] = l[:1] }), "two lines"},
		{"a voided status cannot be written", with(func(j map[string]any, _ []map[string]any) { j["Status"] = "VOIDED" }), "VOIDED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", tc.body)
			if res.status != 400 || !strings.Contains(strings.Join(accountingMessages(t, res), " | "), tc.want) {
				t.Fatalf("%d %s; want 400 saying %q", res.status, res.body, tc.want)
			}
		})
	}
	if n := len(s.ManualJournals()); n != 0 {
		t.Fatalf("%d journals written; want none", n)
	}
	noViolations(t, s)
}

func TestManualJournals_summarizeErrorsFalseWritesTheValidOnes(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	body := journal("good")
	bad := journal("bad")["ManualJournals"].([]map[string]any)[0]
	bad["JournalLines"].([]map[string]any)[0]["AccountCode"] = "9999"
	body["ManualJournals"] = append(body["ManualJournals"].([]map[string]any), bad)
	a := journalsOf(t, c.do(http.MethodPut, "/api.xro/2.0/ManualJournals?summarizeErrors=false", body))
	if len(a.ManualJournals) != 2 || a.ManualJournals[0].ManualJournalID == "" || a.ManualJournals[1].ManualJournalID != "" || len(a.ManualJournals[1].ValidationErrors) == 0 {
		t.Fatalf("answer %+v; want the first written and the second with its errors", a.ManualJournals)
	}
	if j := s.ManualJournals(); len(j) != 1 || j[0].Narration != "good" {
		t.Fatalf("journals %+v", j)
	}
	noViolations(t, s)
}

func TestManualJournals_listFindUpdate(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	opts := october2026()
	opts.Now, opts.AccessTokenTTL, opts.MinuteLimit = clock.Now, 24*time.Hour, NoLimit
	s, c := start(t, opts)
	for i := range 105 {
		if i == 104 {
			clock.Advance(time.Hour)
		}
		narration := "urakata-expense-" + strings.Repeat("x", i%3) + string(rune('a'+i%26))
		if res := c.do(http.MethodPut, "/api.xro/2.0/ManualJournals", journal(narration)); res.status != 200 {
			t.Fatalf("PUT %d: %d %s", i, res.status, res.body)
		}
	}
	page1 := journalsOf(t, c.do(http.MethodGet, "/api.xro/2.0/ManualJournals", nil))
	page2 := journalsOf(t, c.do(http.MethodGet, "/api.xro/2.0/ManualJournals?page=2", nil))
	if len(page1.ManualJournals) != 100 || len(page2.ManualJournals) != 5 || page1.Pagination.PageCount != 2 || page2.Pagination.ItemCount != 105 {
		t.Fatalf("pages of %d and %d, pagination %+v; want 100 and 5 of 105", len(page1.ManualJournals), len(page2.ManualJournals), page1.Pagination)
	}
	found := journalsOf(t, c.do(http.MethodGet, `/api.xro/2.0/ManualJournals?where=Narration%3D%3D%22urakata-expense-a%22`, nil))
	if len(found.ManualJournals) != 2 {
		t.Fatalf("%d journals named urakata-expense-a; want 2 (i = 0 and 78)", len(found.ManualJournals))
	}
	since := journalsOf(t, c.do(http.MethodGet, "/api.xro/2.0/ManualJournals", nil, "If-Modified-Since", "2026-11-02T09:30:00Z"))
	if len(since.ManualJournals) != 1 {
		t.Fatalf("%d journals changed since 09:30; want the last one", len(since.ManualJournals))
	}
	if res := c.do(http.MethodGet, `/api.xro/2.0/ManualJournals?where=Reference.Contains("x")`, nil); res.status != 400 {
		t.Fatalf("a filter the sandbox does not understand: %d; want 400, never ignored", res.status)
	}

	// POST updates the journal it names and creates one that names none.
	id := found.ManualJournals[0].ManualJournalID
	upd := journal("renamed")
	upd["ManualJournals"].([]map[string]any)[0]["ManualJournalID"] = id
	if res := c.do(http.MethodPost, "/api.xro/2.0/ManualJournals", upd); res.status != 200 {
		t.Fatalf("POST: %d %s", res.status, res.body)
	}
	one := journalsOf(t, c.do(http.MethodGet, "/api.xro/2.0/ManualJournals/"+id, nil))
	if one.ManualJournals[0].Narration != "renamed" || len(s.ManualJournals()) != 105 {
		t.Fatalf("journal %+v, %d in all; want it renamed and no new one", one.ManualJournals[0], len(s.ManualJournals()))
	}
	if res := c.do(http.MethodPost, "/api.xro/2.0/ManualJournals", journal("new")); res.status != 200 || len(s.ManualJournals()) != 106 {
		t.Fatalf("POST without an id: %d, %d journals; want a new one", res.status, len(s.ManualJournals()))
	}
	if res := c.do(http.MethodGet, "/api.xro/2.0/ManualJournals/00000000-0000-4000-8000-000000000000", nil); res.status != 404 {
		t.Fatalf("an unknown journal: %d; want 404", res.status)
	}
	noViolations(t, s)
}

func TestExpenseClaims(t *testing.T) {
	t.Parallel()
	s, c := start(t, october2026())
	var all struct{ ExpenseClaims []wireClaim }
	c.get("/api.xro/2.0/ExpenseClaims", &all)
	if len(all.ExpenseClaims) != len(s.ExpenseClaims()) || len(all.ExpenseClaims) != 6 {
		t.Fatalf("%d claims; want one per fifth employee (6)", len(all.ExpenseClaims))
	}
	var approved struct{ ExpenseClaims []wireClaim }
	c.get(`/api.xro/2.0/ExpenseClaims?where=Status%3D%3D%22AUTHORISED%22%20OR%20Status%3D%3D%22PAID%22&order=UpdatedDateUTC%20ASC`, &approved)
	prev := ""
	for _, cl := range approved.ExpenseClaims {
		if cl.Status == "SUBMITTED" {
			t.Errorf("claim %s is only submitted", cl.ExpenseClaimID)
		}
		if cl.UpdatedDateUTC < prev && len(cl.UpdatedDateUTC) == len(prev) {
			t.Errorf("claims out of order: %s after %s", cl.UpdatedDateUTC, prev)
		}
		prev = cl.UpdatedDateUTC
		if len(cl.Receipts) != 2 || len(cl.Receipts[0].LineItems) != 0 {
			t.Errorf("claim %s: receipts %+v; want two summaries without lines", cl.ExpenseClaimID, cl.Receipts)
		}
	}
	if len(approved.ExpenseClaims) == 0 || len(approved.ExpenseClaims) == len(all.ExpenseClaims) {
		t.Fatalf("%d approved of %d", len(approved.ExpenseClaims), len(all.ExpenseClaims))
	}
	late := s.ExpenseClaims()[5].UpdatedAt
	var since struct{ ExpenseClaims []wireClaim }
	res := c.do(http.MethodGet, "/api.xro/2.0/ExpenseClaims", nil, "If-Modified-Since", late.Format(time.RFC3339))
	if err := json.Unmarshal(res.body, &since); err != nil {
		t.Fatal(err)
	}
	if len(since.ExpenseClaims) == 0 || len(since.ExpenseClaims) == len(all.ExpenseClaims) {
		t.Fatalf("%d claims changed since %v of %d", len(since.ExpenseClaims), late, len(all.ExpenseClaims))
	}
	for _, cl := range since.ExpenseClaims {
		if cl.UpdatedDateUTC < msDate(late) {
			t.Errorf("claim changed %s before %s", cl.UpdatedDateUTC, msDate(late))
		}
	}
	var receipt struct{ Receipts []wireReceipt }
	rc := s.ExpenseClaims()[0].Receipts[0]
	c.get("/api.xro/2.0/Receipts/"+rc.ID, &receipt)
	if got := receipt.Receipts[0]; len(got.LineItems) != 1 || got.Contact.TaxNumber != rc.TaxNumber || got.LineItems[0].LineAmount != yen(rc.Lines[0].Amount) {
		t.Fatalf("receipt %+v; want %+v", got, rc)
	}
	if res := c.do(http.MethodGet, "/api.xro/2.0/Receipts/00000000-0000-4000-8000-000000000000", nil); res.status != 404 {
		t.Fatalf("an unknown receipt: %d", res.status)
	}
	if res := c.do(http.MethodGet, "/api.xro/2.0/ExpenseClaims?order=Total", nil); res.status != 400 {
		t.Fatalf("an order the sandbox does not model: %d; want 400", res.status)
	}
	noViolations(t, s)
}
