package xerotest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// The accounting API's wire types: PascalCase, dates as /Date(ms+0000)/, amounts as
// numbers, every answer wrapped with Id, Status, ProviderName and DateTimeUTC.

type envelope struct {
	ID           string `json:"Id"`
	Status       string `json:"Status"`
	ProviderName string `json:"ProviderName"`
	DateTimeUTC  string `json:"DateTimeUTC"`
}

func (s *Server) envelope() envelope {
	return envelope{ID: newID(), Status: "OK", ProviderName: "urakata", DateTimeUTC: msDate(s.opts.Now())}
}

type wireAccount struct {
	AccountID               string `json:"AccountID"`
	Code                    string `json:"Code"`
	Name                    string `json:"Name"`
	Type                    string `json:"Type"`
	Status                  string `json:"Status"`
	TaxType                 string `json:"TaxType"`
	Class                   string `json:"Class"`
	EnablePaymentsToAccount bool   `json:"EnablePaymentsToAccount"`
	ShowInExpenseClaims     bool   `json:"ShowInExpenseClaims"`
	UpdatedDateUTC          string `json:"UpdatedDateUTC"`
}

func (s *Server) accounts(c *call) reply {
	w, err := parseWhere(c.query("where"))
	if err == nil {
		err = w.fields("Code", "Name", "Type", "Status", "TaxType")
	}
	if err != nil {
		return accountingInvalid(err.Error())
	}
	out := struct {
		envelope
		Accounts []wireAccount `json:"Accounts"`
	}{envelope: s.envelope(), Accounts: []wireAccount{}}
	for _, a := range s.co.accounts {
		class := "EXPENSE"
		if a.Type == "CURRLIAB" {
			class = "LIABILITY"
		}
		if !w.match(lower(map[string]string{"code": a.Code, "name": a.Name, "type": a.Type, "status": "ACTIVE", "taxtype": a.TaxType})) {
			continue
		}
		out.Accounts = append(out.Accounts, wireAccount{AccountID: a.ID, Code: a.Code, Name: a.Name, Type: a.Type, Status: "ACTIVE",
			TaxType: a.TaxType, Class: class, ShowInExpenseClaims: class == "EXPENSE", UpdatedDateUTC: msDate(s.co.created)})
	}
	return jsonReply(http.StatusOK, out)
}

type wireTaxRate struct {
	Name               string         `json:"Name"`
	TaxType            string         `json:"TaxType"`
	TaxComponents      []taxComponent `json:"TaxComponents"`
	Status             string         `json:"Status"`
	ReportTaxType      string         `json:"ReportTaxType"`
	CanApplyToExpenses bool           `json:"CanApplyToExpenses"`
	DisplayTaxRate     json.Number    `json:"DisplayTaxRate"`
	EffectiveRate      json.Number    `json:"EffectiveRate"`
}

type taxComponent struct {
	Name             string      `json:"Name"`
	Rate             json.Number `json:"Rate"`
	IsCompound       bool        `json:"IsCompound"`
	IsNonRecoverable bool        `json:"IsNonRecoverable"`
}

func (s *Server) taxRates(c *call) reply {
	w, err := parseWhere(c.query("where"))
	if err == nil {
		err = w.fields("TaxType", "Name", "Status")
	}
	if err != nil {
		return accountingInvalid(err.Error())
	}
	out := struct {
		envelope
		TaxRates []wireTaxRate `json:"TaxRates"`
	}{envelope: s.envelope(), TaxRates: []wireTaxRate{}}
	for _, t := range s.co.taxRates {
		if !w.match(lower(map[string]string{"taxtype": t.TaxType, "name": t.Name, "status": "ACTIVE"})) {
			continue
		}
		rate := json.Number(strconv.Itoa(t.Rate) + ".0000")
		report := "INPUT"
		if t.Rate == 0 {
			report = "NONE"
		}
		out.TaxRates = append(out.TaxRates, wireTaxRate{Name: t.Name, TaxType: t.TaxType, Status: "ACTIVE", ReportTaxType: report,
			CanApplyToExpenses: true, DisplayTaxRate: rate, EffectiveRate: rate,
			TaxComponents: []taxComponent{{Name: "消費税", Rate: rate}}})
	}
	return jsonReply(http.StatusOK, out)
}

// Manual journals.

type wireJournal struct {
	ManualJournalID        string            `json:"ManualJournalID,omitempty"`
	Narration              string            `json:"Narration"`
	Date                   string            `json:"Date,omitempty"`
	Status                 string            `json:"Status,omitempty"`
	LineAmountTypes        string            `json:"LineAmountTypes,omitempty"`
	UpdatedDateUTC         string            `json:"UpdatedDateUTC,omitempty"`
	ShowOnCashBasisReports bool              `json:"ShowOnCashBasisReports"`
	HasAttachments         bool              `json:"HasAttachments"`
	JournalLines           []wireJournalLine `json:"JournalLines"`
	ValidationErrors       []validationError `json:"ValidationErrors,omitempty"`
}

type wireJournalLine struct {
	LineAmount  json.Number    `json:"LineAmount"`
	AccountCode string         `json:"AccountCode,omitempty"`
	AccountID   string         `json:"AccountID,omitempty"`
	Description string         `json:"Description,omitempty"`
	TaxType     string         `json:"TaxType,omitempty"`
	TaxAmount   json.Number    `json:"TaxAmount,omitempty"`
	Tracking    []wireTracking `json:"Tracking"`
	IsBlank     bool           `json:"IsBlank"`
}

type wireTracking struct {
	TrackingCategoryID string `json:"TrackingCategoryID,omitempty"`
	TrackingOptionID   string `json:"TrackingOptionID,omitempty"`
	Name               string `json:"Name"`
	Option             string `json:"Option"`
}

// journalRequest is what PUT and POST /ManualJournals take.
type journalRequest struct {
	ManualJournals []struct {
		ManualJournalID string `json:"ManualJournalID"`
		Narration       string `json:"Narration"`
		Date            string `json:"Date"`
		Status          string `json:"Status"`
		LineAmountTypes string `json:"LineAmountTypes"`
		JournalLines    []struct {
			LineAmount  json.Number `json:"LineAmount"`
			AccountCode string      `json:"AccountCode"`
			AccountID   string      `json:"AccountID"`
			Description string      `json:"Description"`
			TaxType     string      `json:"TaxType"`
			Tracking    []struct {
				Name   string `json:"Name"`
				Option string `json:"Option"`
			} `json:"Tracking"`
		} `json:"JournalLines"`
	} `json:"ManualJournals"`
}

func (s *Server) wireJournal(j *ManualJournal) wireJournal {
	w := wireJournal{ManualJournalID: j.ID, Narration: j.Narration, Date: msDate(j.Date.In(time.UTC)), Status: j.Status,
		LineAmountTypes: j.LineAmountTypes, UpdatedDateUTC: msDate(j.UpdatedAt), ShowOnCashBasisReports: true, JournalLines: []wireJournalLine{}}
	for _, l := range j.Lines {
		wl := wireJournalLine{LineAmount: json.Number(l.Amount), AccountCode: l.AccountCode, AccountID: l.AccountID,
			Description: l.Description, TaxType: l.TaxType, TaxAmount: json.Number(l.TaxAmount), Tracking: []wireTracking{}}
		for _, t := range l.Tracking {
			wl.Tracking = append(wl.Tracking, wireTracking{TrackingCategoryID: uuidOf(s.co.seed, "tracking", t.Name),
				TrackingOptionID: uuidOf(s.co.seed, "tracking", t.Name, t.Option), Name: t.Name, Option: t.Option})
		}
		w.JournalLines = append(w.JournalLines, wl)
	}
	return w
}

func (s *Server) journalsReply(status int, journals []wireJournal, p *pagination) reply {
	return jsonReply(status, struct {
		envelope
		Pagination     *pagination   `json:"pagination,omitempty"`
		ManualJournals []wireJournal `json:"ManualJournals"`
	}{s.envelope(), p, journals})
}

// manualJournals serves GET /ManualJournals: where on Narration and Status, If-Modified-Since,
// 100 a page (pageSize may ask for fewer or up to 1,000), oldest first.
func (s *Server) manualJournals(c *call) reply {
	w, err := parseWhere(c.query("where"))
	if err == nil {
		err = w.fields("Narration", "Status", "ManualJournalID")
	}
	if err != nil {
		return accountingInvalid(err.Error())
	}
	since, err := modifiedSince(c.r)
	if err != nil {
		return accountingInvalid(err.Error())
	}
	size := 100
	if n, err := strconv.Atoi(c.query("pageSize")); err == nil && n > 0 {
		size = min(n, 1000)
	}
	s.mu.Lock()
	var matched []wireJournal
	for _, j := range s.journals {
		if j.UpdatedAt.Before(since) || !w.match(lower(map[string]string{"narration": j.Narration, "status": j.Status, "manualjournalid": j.ID})) {
			continue
		}
		matched = append(matched, s.wireJournal(j))
	}
	s.mu.Unlock()
	page, p := paginate(matched, c.page(), size)
	return s.journalsReply(http.StatusOK, page, &p)
}

func (s *Server) manualJournal(c *call) reply {
	id := c.r.PathValue("ManualJournalID")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.journals {
		if strings.EqualFold(j.ID, id) {
			return s.journalsReply(http.StatusOK, []wireJournal{s.wireJournal(j)}, nil)
		}
	}
	return notFound("The resource you're looking for cannot be found")
}

func (s *Server) createManualJournals(c *call) reply { return s.writeJournals(c, false) }

func (s *Server) updateOrCreateManualJournals(c *call) reply { return s.writeJournals(c, true) }

// writeJournals creates the journals of a PUT, or updates-or-creates those of a POST. With
// summarizeErrors (Xero's default is true in practice, whatever the description says) one
// invalid journal refuses the batch with 400; with summarizeErrors=false the valid ones are
// written and the invalid ones come back with their ValidationErrors.
func (s *Server) writeJournals(c *call, update bool) reply {
	var req journalRequest
	if err := c.decode(&req); err != nil {
		return accountingInvalid("the body is not a ManualJournals object: " + err.Error())
	}
	summarize := c.query("summarizeErrors") != "false"
	now := s.opts.Now().UTC()
	type result struct {
		j      *ManualJournal
		errors []string
	}
	results := make([]result, len(req.ManualJournals))
	var all []string
	for i, in := range req.ManualJournals {
		j := &ManualJournal{ID: in.ManualJournalID, Narration: in.Narration, Status: strings.ToUpper(in.Status), LineAmountTypes: in.LineAmountTypes, UpdatedAt: now}
		var errs []string
		fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
		if strings.TrimSpace(j.Narration) == "" {
			fail("Narration is required")
		}
		switch j.Status {
		case "":
			j.Status = "DRAFT"
		case "DRAFT", "POSTED":
		default:
			fail("Status %q cannot be set through the API; use DRAFT or POSTED", in.Status)
		}
		switch j.LineAmountTypes {
		case "":
			j.LineAmountTypes = "NoTax"
		case "Inclusive", "Exclusive", "NoTax":
		default:
			fail("LineAmountTypes %q is not Inclusive, Exclusive or NoTax", in.LineAmountTypes)
		}
		if in.Date == "" {
			j.Date = model.DateOf(now, tokyo)
		} else if d, err := model.ParseDate(in.Date); err == nil {
			j.Date = d
		} else {
			fail("Date %q is not a date (YYYY-MM-DD)", in.Date)
		}
		if len(in.JournalLines) < 2 {
			fail("A manual journal needs at least two lines")
		}
		sum := new(big.Rat)
		debits, credits := new(big.Rat), new(big.Rat)
		for n, l := range in.JournalLines {
			amount, ok := new(big.Rat).SetString(l.LineAmount.String())
			if !ok {
				fail("Line %d: LineAmount %q is not a number", n+1, l.LineAmount)
				continue
			}
			sum.Add(sum, amount)
			if amount.Sign() > 0 {
				debits.Add(debits, amount)
			} else {
				credits.Add(credits, amount)
			}
			acct, ok := s.co.account(l.AccountCode)
			if !ok && l.AccountID != "" {
				for _, a := range s.co.accounts {
					if strings.EqualFold(a.ID, l.AccountID) {
						acct, ok = a, true
					}
				}
			}
			if !ok {
				fail("Account code '%s' is not a valid code for this document.", l.AccountCode)
				continue
			}
			line := JournalLine{Amount: amount.FloatString(2), AccountCode: acct.Code, AccountID: acct.ID, Description: l.Description, TaxType: l.TaxType}
			if l.TaxType == "" {
				line.TaxType = acct.TaxType
			}
			rate, ok := s.co.taxRate(line.TaxType)
			if !ok {
				fail("Line %d: TaxType %q is not a tax rate of the organisation", n+1, l.TaxType)
				continue
			}
			if j.LineAmountTypes == "NoTax" {
				line.TaxType, rate.Rate = "NONE", 0
			}
			line.TaxAmount = taxOf(amount, rate.Rate, j.LineAmountTypes)
			for _, t := range l.Tracking {
				if t.Name != DepartmentCategory || !slices.Contains(Departments, t.Option) {
					fail("Line %d: tracking %q / %q is not a tracking category option of the organisation", n+1, t.Name, t.Option)
					continue
				}
				line.Tracking = append(line.Tracking, Tracking{Name: t.Name, Option: t.Option})
			}
			j.Lines = append(j.Lines, line)
		}
		if sum.Sign() != 0 {
			fail("The total debits (%s) must equal total credits (%s)", debits.FloatString(2), new(big.Rat).Neg(credits).FloatString(2))
		}
		results[i] = result{j, errs}
		all = append(all, errs...)
	}
	if summarize && len(all) > 0 {
		return accountingInvalid(all...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]wireJournal, 0, len(results))
	for _, r := range results {
		if len(r.errors) > 0 {
			w := s.wireJournal(r.j)
			w.ManualJournalID = ""
			for _, e := range r.errors {
				w.ValidationErrors = append(w.ValidationErrors, validationError{e})
			}
			out = append(out, w)
			continue
		}
		if existing := s.journalByID(r.j.ID); update && existing != nil {
			*existing = *r.j
			out = append(out, s.wireJournal(existing))
			continue
		}
		r.j.ID = newID()
		s.journals = append(s.journals, r.j)
		out = append(out, s.wireJournal(r.j))
	}
	return s.journalsReply(http.StatusOK, out, nil)
}

// journalByID finds a stored journal. Callers hold s.mu.
func (s *Server) journalByID(id string) *ManualJournal {
	if id == "" {
		return nil
	}
	for _, j := range s.journals {
		if strings.EqualFold(j.ID, id) {
			return j
		}
	}
	return nil
}

// taxOf is the tax in a line amount at rate: included in it (Inclusive) or on top of it
// (Exclusive), rounded to two decimals.
func taxOf(amount *big.Rat, rate int, types string) string {
	if rate == 0 {
		return "0.00"
	}
	tax := new(big.Rat).Mul(amount, big.NewRat(int64(rate), 100))
	if types == "Inclusive" {
		tax = new(big.Rat).Mul(amount, big.NewRat(int64(rate), int64(100+rate)))
	}
	return tax.FloatString(2)
}

// modifiedSince reads If-Modified-Since: RFC 3339 as the description says, or an HTTP date.
func modifiedSince(r *http.Request) (time.Time, error) {
	v := r.Header.Get("If-Modified-Since")
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := http.ParseTime(v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("If-Modified-Since %q is not a date-time", v)
}

// Expense claims and receipts.

type wireUser struct {
	UserID           string `json:"UserID"`
	EmailAddress     string `json:"EmailAddress"`
	FirstName        string `json:"FirstName"`
	LastName         string `json:"LastName"`
	UpdatedDateUTC   string `json:"UpdatedDateUTC"`
	IsSubscriber     bool   `json:"IsSubscriber"`
	OrganisationRole string `json:"OrganisationRole"`
}

type wireContact struct {
	ContactID string `json:"ContactID"`
	Name      string `json:"Name"`
	TaxNumber string `json:"TaxNumber,omitempty"`
}

type wireLineItem struct {
	LineItemID  string      `json:"LineItemID"`
	Description string      `json:"Description"`
	Quantity    json.Number `json:"Quantity"`
	UnitAmount  json.Number `json:"UnitAmount"`
	AccountCode string      `json:"AccountCode"`
	TaxType     string      `json:"TaxType"`
	TaxAmount   json.Number `json:"TaxAmount"`
	LineAmount  json.Number `json:"LineAmount"`
}

type wireReceipt struct {
	ReceiptID       string         `json:"ReceiptID"`
	ReceiptNumber   string         `json:"ReceiptNumber"`
	Status          string         `json:"Status"`
	Date            string         `json:"Date"`
	Contact         *wireContact   `json:"Contact,omitempty"`
	User            *wireUser      `json:"User,omitempty"`
	Reference       string         `json:"Reference"`
	LineAmountTypes string         `json:"LineAmountTypes,omitempty"`
	LineItems       []wireLineItem `json:"LineItems,omitempty"`
	SubTotal        json.Number    `json:"SubTotal"`
	TotalTax        json.Number    `json:"TotalTax"`
	Total           json.Number    `json:"Total"`
	UpdatedDateUTC  string         `json:"UpdatedDateUTC"`
	HasAttachments  bool           `json:"HasAttachments"`
}

type wireClaim struct {
	ExpenseClaimID string        `json:"ExpenseClaimID"`
	Status         string        `json:"Status"`
	User           wireUser      `json:"User"`
	Receipts       []wireReceipt `json:"Receipts"`
	Payments       []struct{}    `json:"Payments"`
	UpdatedDateUTC string        `json:"UpdatedDateUTC"`
	Total          json.Number   `json:"Total"`
	AmountDue      json.Number   `json:"AmountDue"`
	AmountPaid     json.Number   `json:"AmountPaid"`
	ReportingDate  string        `json:"ReportingDate"`
}

func yen(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10) + ".00") }

func (s *Server) wireUser(i int) wireUser {
	e := s.co.employees[i]
	return wireUser{UserID: e.UserID, EmailAddress: e.Email, FirstName: e.FirstName, LastName: e.LastName,
		UpdatedDateUTC: msDate(s.co.created), OrganisationRole: "STANDARD"}
}

func receiptStatus(claim string) string {
	if claim == "SUBMITTED" {
		return "SUBMITTED"
	}
	return "AUTHORISED"
}

// wireReceipt writes a receipt: in full (GET /Receipts/{id}), or as the summary a claim
// carries.
func (s *Server) wireReceipt(c ExpenseClaim, r Receipt, full bool) wireReceipt {
	var total, tax int64
	for _, l := range r.Lines {
		total += l.Amount
		tax += l.Tax
	}
	w := wireReceipt{ReceiptID: r.ID, ReceiptNumber: r.Number, Status: receiptStatus(c.Status), Date: msDate(r.Date.In(time.UTC)),
		SubTotal: yen(total - tax), TotalTax: yen(tax), Total: yen(total), UpdatedDateUTC: msDate(c.UpdatedAt)}
	if !full {
		return w
	}
	user := s.wireUser(c.Employee)
	w.User, w.LineAmountTypes = &user, "Inclusive"
	w.Contact = &wireContact{ContactID: r.ContactID, Name: r.Contact, TaxNumber: r.TaxNumber}
	for n, l := range r.Lines {
		w.LineItems = append(w.LineItems, wireLineItem{LineItemID: uuidOf(s.co.seed, "line", r.ID, strconv.Itoa(n)), Description: l.Description,
			Quantity: "1.0000", UnitAmount: yen(l.Amount), AccountCode: l.AccountCode, TaxType: l.TaxType, TaxAmount: yen(l.Tax), LineAmount: yen(l.Amount)})
	}
	return w
}

func (s *Server) wireClaim(c ExpenseClaim) wireClaim {
	total := c.Total()
	due, paid := total, int64(0)
	if c.Status == "PAID" {
		due, paid = 0, total
	}
	w := wireClaim{ExpenseClaimID: c.ID, Status: c.Status, User: s.wireUser(c.Employee), Payments: []struct{}{},
		UpdatedDateUTC: msDate(c.UpdatedAt), Total: yen(total), AmountDue: yen(due), AmountPaid: yen(paid),
		ReportingDate: msDate(model.DateOf(c.UpdatedAt, tokyo).In(time.UTC))}
	for _, r := range c.Receipts {
		w.Receipts = append(w.Receipts, s.wireReceipt(c, r, false))
	}
	return w
}

func (s *Server) claimsReply(claims []wireClaim) reply {
	return jsonReply(http.StatusOK, struct {
		envelope
		ExpenseClaims []wireClaim `json:"ExpenseClaims"`
	}{s.envelope(), claims})
}

// expenseClaims serves GET /ExpenseClaims: where on Status, If-Modified-Since, and order by
// UpdatedDateUTC (ASC or DESC); Xero does not page this list.
func (s *Server) expenseClaims(c *call) reply {
	w, err := parseWhere(c.query("where"))
	if err == nil {
		err = w.fields("Status", "ExpenseClaimID")
	}
	if err != nil {
		return accountingInvalid(err.Error())
	}
	since, err := modifiedSince(c.r)
	if err != nil {
		return accountingInvalid(err.Error())
	}
	claims := slices.Clone(s.co.claims)
	switch order := strings.ToUpper(strings.Join(strings.Fields(c.query("order")), " ")); order {
	case "", "UPDATEDDATEUTC", "UPDATEDDATEUTC ASC":
		slices.SortStableFunc(claims, func(a, b ExpenseClaim) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	case "UPDATEDDATEUTC DESC":
		slices.SortStableFunc(claims, func(a, b ExpenseClaim) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	default:
		return accountingInvalid(fmt.Sprintf("xerotest: order %q: the sandbox orders expense claims by UpdatedDateUTC only", c.query("order")))
	}
	out := []wireClaim{}
	for _, cl := range claims {
		if cl.UpdatedAt.Before(since) || !w.match(lower(map[string]string{"status": cl.Status, "expenseclaimid": cl.ID})) {
			continue
		}
		out = append(out, s.wireClaim(cl))
	}
	return s.claimsReply(out)
}

func (s *Server) expenseClaim(c *call) reply {
	id := c.r.PathValue("ExpenseClaimID")
	for _, cl := range s.co.claims {
		if strings.EqualFold(cl.ID, id) {
			return s.claimsReply([]wireClaim{s.wireClaim(cl)})
		}
	}
	return notFound("The resource you're looking for cannot be found")
}

func (s *Server) receipt(c *call) reply {
	id := c.r.PathValue("ReceiptID")
	for _, cl := range s.co.claims {
		for _, r := range cl.Receipts {
			if strings.EqualFold(r.ID, id) {
				return jsonReply(http.StatusOK, struct {
					envelope
					Receipts []wireReceipt `json:"Receipts"`
				}{s.envelope(), []wireReceipt{s.wireReceipt(cl, r, true)}})
			}
		}
	}
	return notFound("The resource you're looking for cannot be found")
}
