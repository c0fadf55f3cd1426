package xerotest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/urakata/urakata/shared/accounting"
	"github.com/urakata/urakata/shared/model"
)

// tokyo is Asia/Tokyo, the demo company's zone. Japan has kept +09:00 without daylight
// saving since 1951, so a fixed zone is exact.
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

// MaxEmployees bounds the demo company's head count.
const MaxEmployees = 50000

// DemoPerson is employee i's (from 0) code and email in every urakata sandbox: E00001,
// e00001@demo-company.example, … so that the demo companies of Xero, freee 人事労務 and
// KING OF TIME hold the same people.
func DemoPerson(i int) (code, email string) {
	return fmt.Sprintf("E%05d", i+1), fmt.Sprintf("e%05d@demo-company.example", i+1)
}

// Employee is one person on the demo organisation's payroll, and a user of it (who claims
// expenses). Names are made up; emails are under the reserved .example domain.
type Employee struct {
	// ID is the payroll employee id.
	ID string
	// Code is the employee number (社員番号), e.g. E00001.
	Code        string
	Email       string
	Title       string
	FirstName   string
	LastName    string
	Gender      string // Xero's: M, F
	DateOfBirth model.Date
	StartDate   model.Date
	// PayrollCalendarID is the demo's monthly calendar.
	PayrollCalendarID string
	// UserID is the same person as a user of the organisation.
	UserID string
}

// Account is one account of the demo chart.
type Account struct {
	ID, Code, Name, Type, TaxType string
}

// TaxRate is one tax rate of the demo organisation: Japanese consumption tax, named as
// freee names its tax codes, so that one hub.yaml mapping fits both.
type TaxRate struct {
	TaxType, Name string
	// Rate is the rate in percent.
	Rate int
}

// EarningsRates are the demo payroll's earnings rates, by what they pay.
type EarningsRates struct {
	// Ordinary is ordinary hours; Overtime is overtime at 1.25; Holiday is legal-holiday
	// work at 1.35; LateNight is the late-night premium of 0.25 on top.
	Ordinary, Overtime, Holiday, LateNight string
}

// ExpenseClaim is one of the demo organisation's expense claims.
type ExpenseClaim struct {
	ID string
	// Status is AUTHORISED, PAID or SUBMITTED.
	Status   string
	Employee int // index into Employees
	Receipts []Receipt
	// UpdatedAt is when the claim was last changed (its approval, or its payment).
	UpdatedAt time.Time
}

// Total is the claim's total in yen.
func (c ExpenseClaim) Total() int64 {
	var t int64
	for _, r := range c.Receipts {
		for _, l := range r.Lines {
			t += l.Amount
		}
	}
	return t
}

// Receipt is one receipt of a claim; amounts include tax.
type Receipt struct {
	ID, Number string
	Date       model.Date
	// Contact is the supplier; TaxNumber its registration number ("" when the receipt is
	// not a qualified invoice).
	ContactID, Contact, TaxNumber string
	Lines                         []ReceiptLine
}

// ReceiptLine is one line of a receipt.
type ReceiptLine struct {
	Description, AccountCode, TaxType string
	// Amount includes Tax, in yen.
	Amount, Tax int64
}

// Departments are the options of the demo organisation's "Department" tracking category.
var Departments = []string{"営業部", "開発部", "管理部", "カスタマーサクセス部"}

// DepartmentCategory is the demo organisation's tracking category for departments.
const DepartmentCategory = "Department"

var familyNames = []string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Ito", "Watanabe", "Yamamoto", "Nakamura",
	"Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue"}

var givenNames = []struct{ name, gender string }{
	{"Shota", "M"}, {"Daisuke", "M"}, {"Kenta", "M"}, {"Takuya", "M"}, {"Naoki", "M"}, {"Ren", "M"},
	{"Hina", "F"}, {"Misaki", "F"}, {"Yui", "F"}, {"Ai", "F"}, {"Sakura", "F"}, {"Aoi", "F"},
}

// company is the demo organisation: fixed once New has run, so it is read without locks.
type company struct {
	seed     uint64
	tenantID string
	name     string
	// others are the other organisations the app is connected to, by tenant id.
	others  map[string]string
	created time.Time
	first   model.Date
	last    model.Date
	// calendar is the monthly payroll calendar: every pay period is a calendar month.
	calendar  string
	employees []Employee
	byID      map[string]int
	accounts  []Account
	taxRates  []TaxRate
	earnings  EarningsRates
	claims    []ExpenseClaim
}

// uuidOf is a deterministic version-4-shaped UUID for (seed, parts).
func uuidOf(seed uint64, parts ...string) string {
	h := sha256.New()
	_ = binary.Write(h, binary.BigEndian, seed)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func newCompany(o Options) *company {
	seed := uint64(o.Seed)
	first := model.NewDate(o.Year, o.Month, 1)
	c := &company{
		seed:      seed,
		tenantID:  uuidOf(seed, "tenant", "0"),
		name:      o.OrganisationName,
		others:    map[string]string{},
		created:   first.AddDays(-400).In(time.UTC),
		first:     first,
		last:      model.NewDate(o.Year, o.Month+1, 0),
		calendar:  uuidOf(seed, "calendar"),
		employees: make([]Employee, o.Employees),
		earnings: EarningsRates{
			Ordinary:  uuidOf(seed, "earnings", "ordinary"),
			Overtime:  uuidOf(seed, "earnings", "overtime"),
			Holiday:   uuidOf(seed, "earnings", "holiday"),
			LateNight: uuidOf(seed, "earnings", "late-night"),
		},
	}
	for i, name := range o.OtherOrganisations {
		c.others[uuidOf(seed, "tenant", strconv.Itoa(i+1))] = name
	}
	for _, a := range []Account{
		{Code: "2110", Name: "未払金", Type: "CURRLIAB", TaxType: "NONE"},
		{Code: "2120", Name: "預り金", Type: "CURRLIAB", TaxType: "NONE"},
		{Code: "6110", Name: "旅費交通費", Type: "EXPENSE", TaxType: "TAX001"},
		{Code: "6120", Name: "通信費", Type: "EXPENSE", TaxType: "TAX001"},
		{Code: "6130", Name: "消耗品費", Type: "EXPENSE", TaxType: "TAX001"},
		{Code: "6140", Name: "会議費", Type: "EXPENSE", TaxType: "TAX001"},
		{Code: "6150", Name: "交際費", Type: "EXPENSE", TaxType: "TAX001"},
		{Code: "6160", Name: "新聞図書費", Type: "EXPENSE", TaxType: "TAX002"},
		{Code: "6170", Name: "給料手当", Type: "EXPENSE", TaxType: "NONE"},
		{Code: "6180", Name: "福利厚生費", Type: "EXPENSE", TaxType: "TAX001"},
	} {
		a.ID = uuidOf(seed, "account", a.Code)
		c.accounts = append(c.accounts, a)
	}
	c.taxRates = []TaxRate{
		{"TAX001", "課対仕入10%", 10},
		{"TAX002", "課対仕入8%（軽）", 8},
		{"TAX003", "課対仕入（控80）10%", 10},
		{"TAX004", "課対仕入（控80）8%（軽）", 8},
		{"NONE", "対象外", 0},
	}
	c.byID = make(map[string]int, len(c.employees))
	for i := range c.employees {
		c.employees[i] = c.newEmployee(i)
		c.byID[c.employees[i].ID] = i
	}
	for i := 0; i < len(c.employees); i += 5 {
		c.claims = append(c.claims, c.newClaim(i))
	}
	return c
}

func (c *company) newEmployee(i int) Employee {
	r := rand.New(rand.NewPCG(c.seed, uint64(i)))
	family := familyNames[r.IntN(len(familyNames))]
	given := givenNames[r.IntN(len(givenNames))]
	start := c.first.AddDays(-(31 + r.IntN(3650)))
	title := "Mr"
	if given.gender == "F" {
		title = "Ms"
	}
	code, email := DemoPerson(i)
	return Employee{
		ID:                uuidOf(c.seed, "employee", code),
		Code:              code,
		Email:             email,
		Title:             title,
		FirstName:         given.name,
		LastName:          family,
		Gender:            given.gender,
		DateOfBirth:       model.NewDate(start.Year-22-r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
		StartDate:         start,
		PayrollCalendarID: c.calendar,
		UserID:            uuidOf(c.seed, "user", code),
	}
}

// newClaim makes employee i's claim: a train fare at the standard rate from a supplier
// with a registration number, and meeting snacks at the reduced rate, with or without one
// (and, for one claim in eight, with a mistyped one). Claims are approved on the month's
// working days in turn; one in four is still SUBMITTED and one in four is PAID already.
func (c *company) newClaim(i int) ExpenseClaim {
	k := i / 5
	day := c.first.AddDays(4 + k%20)
	approved := day.In(tokyo).Add(17*time.Hour + time.Duration(k)*time.Minute)
	status := "AUTHORISED"
	switch k % 4 {
	case 2:
		status = "PAID"
		approved = approved.Add(time.Hour)
	case 3:
		status = "SUBMITTED"
	}
	code, _ := DemoPerson(i)
	fare := int64(1320 + 110*(k%5))
	snacks := int64(864 + 108*(k%3))
	snackNumber := ""
	switch k % 8 {
	case 0, 2, 4:
		snackNumber = registrationNumber(c.seed, "snacks-"+strconv.Itoa(k))
	case 6:
		// A digit mistyped on the receipt: the flow books it without the number.
		good := registrationNumber(c.seed, "snacks-"+strconv.Itoa(k))
		snackNumber = good[:13] + strconv.Itoa((int(good[13]-'0')+1)%10)
	}
	return ExpenseClaim{
		ID:        uuidOf(c.seed, "claim", code),
		Status:    status,
		Employee:  i,
		UpdatedAt: approved.UTC(),
		Receipts: []Receipt{
			{
				ID: uuidOf(c.seed, "receipt", code, "1"), Number: "1", Date: day.AddDays(-2),
				ContactID: uuidOf(c.seed, "contact", "rail"), Contact: "東日本旅客鉄道株式会社",
				TaxNumber: registrationNumber(c.seed, "rail"),
				Lines:     []ReceiptLine{{Description: "電車代（客先訪問）", AccountCode: "6110", TaxType: "TAX001", Amount: fare, Tax: fare * 10 / 110}},
			},
			{
				ID: uuidOf(c.seed, "receipt", code, "2"), Number: "2", Date: day.AddDays(-1),
				ContactID: uuidOf(c.seed, "contact", "bakery"), Contact: "デモ製菓株式会社", TaxNumber: snackNumber,
				Lines: []ReceiptLine{{Description: "打合せ用菓子", AccountCode: "6140", TaxType: "TAX002", Amount: snacks, Tax: snacks * 8 / 108}},
			},
		},
	}
}

// registrationNumber is a well-formed qualified-invoice registration number made from the
// seed: twelve digits and the check digit that makes them valid.
func registrationNumber(seed uint64, name string) string {
	sum := sha256.Sum256([]byte(strconv.FormatUint(seed, 10) + "/" + name))
	base := ""
	for _, b := range sum[:12] {
		base += strconv.Itoa(int(b) % 10)
	}
	for d := 1; d <= 9; d++ {
		if n := "T" + strconv.Itoa(d) + base; accounting.CheckRegistrationNumber(n) == nil {
			return n
		}
	}
	panic("xerotest: no check digit makes " + base + " valid")
}

func (c *company) employee(id string) (*Employee, bool) {
	i, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	return &c.employees[i], true
}

func (c *company) account(code string) (Account, bool) {
	for _, a := range c.accounts {
		if a.Code == code {
			return a, true
		}
	}
	return Account{}, false
}

func (c *company) taxRate(taxType string) (TaxRate, bool) {
	for _, t := range c.taxRates {
		if t.TaxType == taxType {
			return t, true
		}
	}
	return TaxRate{}, false
}

// period is the calendar's pay period holding d: the calendar month.
func (c *company) period(d model.Date) (start, end model.Date) {
	return model.NewDate(d.Year, d.Month, 1), model.NewDate(d.Year, d.Month+1, 0)
}
