package freeeaccountingtest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// tokyo is Asia/Tokyo. Japan has kept +09:00 without daylight saving since 1951, so a fixed
// zone is exact and needs no tzdata on the machine.
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

// MaxEmployees bounds Options.Employees: GET /api/1/users returns at most 3,000 users.
const MaxEmployees = 2999

// Ids of the demo company's people: the same user ids as freee 人事労務's sandbox
// (connectors/freee/freeetest), since a freee user is one account across freee's products.
const (
	AdminUserID     = 40001
	firstEmployeeID = 50001
)

// Account items (勘定科目) of the demo company that the demo claims and journals use, named
// as freee names them in a new 法人 company.
const (
	AccountCash            = "現金"
	AccountBank            = "普通預金"
	AccountAdvances        = "立替金"
	AccountAccruedPayable  = "未払金"
	AccountAccruedExpenses = "未払費用"
	AccountTravel          = "旅費交通費"
	AccountMeetings        = "会議費"
	AccountEntertainment   = "交際費"
	AccountSupplies        = "消耗品費"
	AccountBooks           = "新聞図書費"
	AccountCommunication   = "通信費"
	AccountWelfare         = "福利厚生費"
	AccountTaxesDues       = "租税公課"
	AccountSales           = "売上高"
)

// Tax codes (税区分) of the demo company, with freee's codes. 136, 163, 189, 2 and 37 are
// the codes freee uses in every company; TaxPurchaseReduced8Exempt80's number is this
// sandbox's (resolve tax codes by name, as the connector does).
var (
	TaxNonTaxable               = Tax{Code: 2, Name: "non_taxable", NameJa: "対象外", Available: true}
	TaxSales10                  = Tax{Code: 129, Name: "sales_with_tax_10", NameJa: "課税売上10%", DisplayCategory: "tax_10", Available: true}
	TaxSalesReduced8            = Tax{Code: 156, Name: "sales_with_tax_reduced_8", NameJa: "課税売上8%（軽）", DisplayCategory: "tax_r8", Available: true}
	TaxPurchaseNoTax            = Tax{Code: 37, Name: "purchase_no_tax", NameJa: "非課仕入", Available: true}
	TaxPurchase8                = Tax{Code: 108, Name: "purchase_with_tax_8", NameJa: "課対仕入8%", DisplayCategory: "tax_8", Available: false}
	TaxPurchase10               = Tax{Code: 136, Name: "purchase_with_tax_10", NameJa: "課対仕入10%", DisplayCategory: "tax_10", Available: true}
	TaxPurchaseReduced8         = Tax{Code: 163, Name: "purchase_with_tax_reduced_8", NameJa: "課対仕入8%（軽）", DisplayCategory: "tax_r8", Available: true}
	TaxPurchase10Exempt80       = Tax{Code: 189, Name: "purchase_with_tax_10_exempt_80", NameJa: "課対仕入（控80）10%", DisplayCategory: "tax_10_e80", Available: true}
	TaxPurchaseReduced8Exempt80 = Tax{Code: 190, Name: "purchase_with_tax_reduced_8_exempt_80", NameJa: "課対仕入（控80）8%（軽）", DisplayCategory: "tax_r8_e80", Available: true}
)

// Tax is a tax code (税区分) of the company. DisplayCategory is "" for codes without a rate.
type Tax struct {
	Code            int64
	Name, NameJa    string
	DisplayCategory string
	Available       bool
}

// rate is the consumption-tax rate of the code in percent, 0 without one.
func (t Tax) rate() int64 {
	switch t.DisplayCategory {
	case "":
		return 0
	case "tax_5":
		return 5
	}
	if len(t.DisplayCategory) >= 6 && t.DisplayCategory[:6] == "tax_10" {
		return 10
	}
	return 8
}

// AccountItem is an account (勘定科目) of the company.
type AccountItem struct {
	ID             int64
	Name           string
	Category       string
	CategoryID     int64
	Categories     []string
	DefaultTaxCode int64
	Available      bool
}

// Section is a department (部門) of the company.
type Section struct {
	ID   int64
	Code string
	Name string
}

// Partner is a business partner (取引先): the shops and carriers of the demo receipts.
type Partner struct {
	ID   int64
	Name string
	// RegistrationNumber is its 適格請求書発行事業者登録番号, "" when it has none.
	RegistrationNumber string
}

// Template is an expense template (経費科目): what an applicant picks for a line.
type Template struct {
	ID            int64
	Name          string
	AccountItemID int64
	TaxCode       int64
}

// User is a member of the company. Code is the employee code the same person has in freee
// 人事労務 and the other sandboxes (freee 会計 does not serve it).
type User struct {
	ID          int64
	Code        string
	Email       string
	DisplayName string
	LastName    string
	FirstName   string
}

// Receipt is a file in the file box, with what freee read from it.
type Receipt struct {
	ID        int64
	Issuer    string
	IssueDate model.Date
	Amount    int64
	// RegistrationNumber is as freee holds it: T + 13 digits, the check digit not checked.
	RegistrationNumber string
	// Qualified is qualified, not_qualified or unselected.
	Qualified  string
	UploadedBy int64
	CreatedAt  time.Time
}

// Application is an expense claim (経費申請).
type Application struct {
	ID          int64
	Number      string
	Title       string
	ApplicantID int64
	SectionID   int64
	IssueDate   model.Date
	// Status is draft, in_progress, approved, rejected or feedback.
	Status string
	// AppliedAt, ApprovedAt and RejectedAt are the history (zero when not done).
	AppliedAt, ApprovedAt, RejectedAt time.Time
	// DealID is the deal (取引) freee books when it approves a claim; 0 before.
	DealID int64
	Lines  []PurchaseLine
}

// Total is the claim's amount, tax included.
func (a Application) Total() int64 {
	var t int64
	for _, pl := range a.Lines {
		for _, it := range pl.Items {
			t += it.Amount
		}
	}
	return t
}

// PurchaseLine is one receipt's worth of a claim.
type PurchaseLine struct {
	ID        int64
	Date      model.Date
	ReceiptID int64
	Items     []Item
}

// Item is one itemised line, tax included.
type Item struct {
	ID          int64
	Description string
	Amount      int64
	TemplateID  int64
}

// Expense templates (経費科目) of the demo company.
const (
	TemplateTrain        = 1
	TemplateTaxi         = 2
	TemplateHotel        = 3
	TemplateMeeting      = 4
	TemplateMeetingTakeA = 5
	TemplateEntertain    = 6
	TemplateBook         = 7
	TemplateNewspaper    = 8
	TemplateSupplies     = 9
	TemplateLodgingTax   = 10
)

// company is the demo company: built once by New, then its masters are read without locks
// (applications and journals change, under the server's lock).
type company struct {
	id       int64
	name     string
	first    model.Date
	last     model.Date
	users    []User
	admin    User
	accounts []AccountItem
	taxes    []Tax
	sections []Section
	partners []Partner
	tpls     []Template
	receipts map[int64]Receipt
	apps     []Application
}

var accountItems = []AccountItem{
	{ID: 101001, Name: AccountCash, Category: "現金・預金", CategoryID: 1, Categories: []string{"資産", "流動資産", "現金・預金"}, DefaultTaxCode: 2, Available: true},
	{ID: 101002, Name: AccountBank, Category: "現金・預金", CategoryID: 1, Categories: []string{"資産", "流動資産", "現金・預金"}, DefaultTaxCode: 2, Available: true},
	{ID: 101101, Name: AccountAdvances, Category: "他流動資産", CategoryID: 4, Categories: []string{"資産", "流動資産", "他流動資産"}, DefaultTaxCode: 2, Available: true},
	{ID: 102001, Name: AccountAccruedPayable, Category: "流動負債", CategoryID: 9, Categories: []string{"負債", "流動負債"}, DefaultTaxCode: 2, Available: true},
	{ID: 102002, Name: AccountAccruedExpenses, Category: "流動負債", CategoryID: 9, Categories: []string{"負債", "流動負債"}, DefaultTaxCode: 2, Available: true},
	{ID: 104001, Name: AccountSales, Category: "売上高", CategoryID: 14, Categories: []string{"損益", "売上高"}, DefaultTaxCode: 129, Available: true},
	{ID: 105001, Name: AccountTravel, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 136, Available: true},
	{ID: 105002, Name: AccountMeetings, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 136, Available: true},
	{ID: 105003, Name: AccountEntertainment, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 136, Available: true},
	{ID: 105004, Name: AccountSupplies, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 136, Available: true},
	{ID: 105005, Name: AccountBooks, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 136, Available: true},
	{ID: 105006, Name: AccountCommunication, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 136, Available: true},
	{ID: 105007, Name: AccountWelfare, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 136, Available: true},
	{ID: 105008, Name: AccountTaxesDues, Category: "経費", CategoryID: 17, Categories: []string{"損益", "経費", "販売管理費"}, DefaultTaxCode: 2, Available: true},
}

var taxes = []Tax{TaxNonTaxable, TaxSales10, TaxSalesReduced8, TaxPurchaseNoTax, TaxPurchase8, TaxPurchase10,
	TaxPurchaseReduced8, TaxPurchase10Exempt80, TaxPurchaseReduced8Exempt80}

var sections = []Section{
	{101, "SALES", "営業部"},
	{102, "DEV", "開発部"},
	{103, "ADMIN", "管理部"},
	{104, "CS", "カスタマーサクセス部"},
}

var templates = []Template{
	{TemplateTrain, "電車代", 105001, 136},
	{TemplateTaxi, "タクシー代", 105001, 136},
	{TemplateHotel, "宿泊費", 105001, 136},
	{TemplateMeeting, "会議費（飲食）", 105002, 136},
	{TemplateMeetingTakeA, "会議用飲食（テイクアウト）", 105002, 163},
	{TemplateEntertain, "接待交際費", 105003, 136},
	{TemplateBook, "書籍", 105005, 136},
	{TemplateNewspaper, "新聞購読料", 105005, 163},
	{TemplateSupplies, "消耗品", 105004, 136},
	{TemplateLodgingTax, "宿泊税", 105008, 2},
}

// issuer is who issued a demo receipt and how its registration number reads.
type issuer struct {
	partner int64
	name    string
	base    string // the 12 digits after the check digit
	number  numberKind
}

type numberKind int

const (
	numberValid   numberKind = iota // T + check digit + base
	numberInvalid                   // the check digit is wrong
	numberNone                      // the shop is not a qualified invoice issuer
)

var issuers = map[string]issuer{
	"rail":      {201, "東海デモ旅客鉄道株式会社", "180001088088", numberValid},
	"hotel":     {202, "株式会社ホテルデモ新大阪", "120001077501", numberValid},
	"taxi":      {203, "デモ交通株式会社", "011101012345", numberValid},
	"taxi-bad":  {204, "デモタクシー品川株式会社", "010701023456", numberInvalid},
	"cafe":      {205, "カフェ・デモ株式会社", "011001034567", numberValid},
	"bento":     {206, "デモ弁当株式会社", "013301045678", numberValid},
	"books":     {207, "デモ書店株式会社", "010401056789", numberValid},
	"ryotei":    {208, "料亭デモ有限会社", "010402067890", numberValid},
	"zakka":     {209, "デモ雑貨店", "", numberNone},
	"newspaper": {210, "デモ新聞販売店株式会社", "011001078901", numberValid},
	"hotel-fuk": {211, "株式会社ホテルデモ博多", "290001089012", numberValid},
}

// registrationNumber is T, the check digit and base. The check digit follows the 法人番号
// rule: 9 − (Σ digit × (1 for odd, 2 for even positions from the right) mod 9).
func registrationNumber(base string, valid bool) string {
	sum := 0
	for i := range len(base) {
		d := int(base[len(base)-1-i] - '0')
		w := 1
		if (i+1)%2 == 0 {
			w = 2
		}
		sum += d * w
	}
	check := 9 - sum%9
	if !valid {
		check = check%9 + 1
	}
	return "T" + strconv.Itoa(check) + base
}

// claim describes one demo claim.
type claim struct {
	title      string
	applicant  int // index into the employees, modulo the head count
	section    int64
	issueDay   int
	approveDay int // 0: not approved
	status     string
	lines      []purchase
}

type purchase struct {
	day     int
	receipt string // issuers key, "" for none
	items   []item
}

type item struct {
	template int64
	desc     string
	amount   int64
}

// claims are the demo month's expense claims: trips with train, hotel (and its lodging tax,
// outside consumption tax) and taxi; meetings at 10 % (eating in) and 8 % (take-away); a
// book; entertainment; supplies from a shop without a registration number; a newspaper
// subscription at 8 %; a taxi receipt whose registration number fails its check digit; one
// claim still waiting for approval, one rejected and one draft.
var claims = []claim{
	{"大阪出張", 0, 101, 5, 7, "approved", []purchase{
		{3, "rail", []item{{TemplateTrain, "新幹線 東京⇔新大阪 往復", 29440}}},
		{3, "hotel", []item{{TemplateHotel, "ホテル 1泊", 12800}, {TemplateLodgingTax, "宿泊税", 200}}},
		{4, "taxi", []item{{TemplateTaxi, "新大阪駅から客先", 1980}}},
	}},
	{"客先訪問 交通費", 1, 101, 9, 10, "approved", []purchase{
		{8, "", []item{{TemplateTrain, "渋谷⇔品川 往復（ICカード）", 420}}},
		{8, "taxi-bad", []item{{TemplateTaxi, "品川駅から客先", 2350}}},
	}},
	{"チーム定例 打ち合わせ", 2, 102, 12, 13, "approved", []purchase{
		{10, "cafe", []item{{TemplateMeeting, "打ち合わせ 飲食 4名", 4400}}},
		{11, "bento", []item{{TemplateMeetingTakeA, "会議用 弁当・お茶 6名分", 3240}}},
	}},
	{"技術書 購入", 3, 102, 14, 15, "approved", []purchase{
		{12, "books", []item{{TemplateBook, "技術書", 3520}}},
	}},
	{"取引先 会食", 4, 101, 16, 17, "approved", []purchase{
		{15, "ryotei", []item{{TemplateEntertain, "会食 取引先2名・当社2名", 33000}}},
	}},
	{"事務用品", 5, 103, 18, 20, "approved", []purchase{
		{17, "zakka", []item{{TemplateSupplies, "USBケーブル・電池", 1650}}},
	}},
	{"新聞 定期購読", 6, 103, 20, 22, "approved", []purchase{
		{1, "newspaper", []item{{TemplateNewspaper, "日刊紙 月極購読", 4400}}},
	}},
	{"福岡出張", 7, 104, 26, 0, "in_progress", []purchase{
		{24, "hotel-fuk", []item{{TemplateHotel, "ホテル 1泊", 9800}}},
		{25, "taxi", []item{{TemplateTaxi, "博多駅から客先", 3100}}},
	}},
	{"私物の購入", 8, 102, 21, 0, "rejected", []purchase{
		{21, "zakka", []item{{TemplateSupplies, "私物", 980}}},
	}},
	{"下書き 交通費", 9, 104, 27, 0, "draft", []purchase{
		{27, "", []item{{TemplateTrain, "社内研修 会場まで", 600}}},
	}},
}

// FirstApplicationID is the demo claims' first id; they are numbered in the order above.
const FirstApplicationID = 1001

func newCompany(o Options) *company {
	first := model.NewDate(o.Year, o.Month, 1)
	c := &company{
		id:       int64(o.CompanyID),
		name:     o.CompanyName,
		first:    first,
		last:     model.NewDate(o.Year, o.Month+1, 0),
		admin:    User{ID: AdminUserID, Code: "A00001", Email: "admin@demo-company.example", DisplayName: "経理 花子", LastName: "経理", FirstName: "花子"},
		accounts: accountItems,
		taxes:    taxes,
		sections: sections,
		tpls:     templates,
		receipts: map[int64]Receipt{},
	}
	for _, is := range issuers {
		p := Partner{ID: is.partner, Name: is.name}
		if is.number != numberNone {
			p.RegistrationNumber = registrationNumber(is.base, true)
		}
		c.partners = append(c.partners, p)
	}
	slices.SortFunc(c.partners, func(a, b Partner) int { return cmp.Compare(a.ID, b.ID) })
	for i := range o.Employees {
		c.users = append(c.users, newUser(uint64(o.Seed), i))
	}
	c.buildClaims(o.Employees)
	return c
}

var familyNames = []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"}
var givenNames = []string{"翔太", "大輔", "健太", "拓也", "直樹", "陽菜", "美咲", "結衣", "愛", "さくら", "葵", "蓮"}

// newUser is employee i (from 0): E00001 and e00001@demo-company.example as in every
// urakata sandbox, with a made-up name.
func newUser(seed uint64, i int) User {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	last, first := familyNames[r.IntN(len(familyNames))], givenNames[r.IntN(len(givenNames))]
	return User{
		ID:          int64(firstEmployeeID + i),
		Code:        fmt.Sprintf("E%05d", i+1),
		Email:       fmt.Sprintf("e%05d@demo-company.example", i+1),
		DisplayName: last + " " + first,
		LastName:    last,
		FirstName:   first,
	}
}

func (c *company) day(d int) model.Date {
	return model.NewDate(c.first.Year, c.first.Month, min(d, c.last.Day))
}

func (c *company) at(d, hour, minute int) time.Time {
	return c.day(d).In(tokyo).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

func (c *company) buildClaims(employees int) {
	receiptID := int64(7001)
	for k, cl := range claims {
		id := int64(FirstApplicationID + k)
		app := Application{
			ID:          id,
			Number:      strconv.Itoa(k + 1),
			Title:       cl.title,
			ApplicantID: c.users[cl.applicant%employees].ID,
			SectionID:   cl.section,
			IssueDate:   c.day(cl.issueDay),
			Status:      cl.status,
		}
		if cl.status != "draft" {
			app.AppliedAt = c.at(cl.issueDay, 10, k)
		}
		switch cl.status {
		case "approved":
			app.ApprovedAt = c.at(cl.approveDay, 15, k)
			app.DealID = 9000 + id
		case "rejected":
			app.RejectedAt = c.at(cl.issueDay+1, 11, k)
		}
		for j, p := range cl.lines {
			pl := PurchaseLine{ID: id*10 + int64(j+1), Date: c.day(p.day)}
			var total int64
			for n, it := range p.items {
				pl.Items = append(pl.Items, Item{ID: id*100 + int64(j*10+n+1), Description: it.desc, Amount: it.amount, TemplateID: it.template})
				total += it.amount
			}
			if p.receipt != "" {
				is := issuers[p.receipt]
				rc := Receipt{ID: receiptID, Issuer: is.name, IssueDate: pl.Date, Amount: total, Qualified: "qualified",
					UploadedBy: app.ApplicantID, CreatedAt: c.at(p.day, 20, j)}
				switch is.number {
				case numberValid:
					rc.RegistrationNumber = registrationNumber(is.base, true)
				case numberInvalid:
					rc.RegistrationNumber = registrationNumber(is.base, false)
				case numberNone:
					rc.Qualified = "not_qualified"
				}
				c.receipts[rc.ID] = rc
				pl.ReceiptID = rc.ID
				receiptID++
			}
			app.Lines = append(app.Lines, pl)
		}
		c.apps = append(c.apps, app)
	}
}

func (c *company) user(id int64) (User, bool) {
	if id == c.admin.ID {
		return c.admin, true
	}
	i := id - firstEmployeeID
	if i < 0 || i >= int64(len(c.users)) {
		return User{}, false
	}
	return c.users[i], true
}

func (c *company) account(id int64) (AccountItem, bool) {
	for _, a := range c.accounts {
		if a.ID == id {
			return a, true
		}
	}
	return AccountItem{}, false
}

func (c *company) tax(code int64) (Tax, bool) {
	for _, t := range c.taxes {
		if t.Code == code {
			return t, true
		}
	}
	return Tax{}, false
}

func (c *company) section(id int64) (Section, bool) {
	for _, s := range c.sections {
		if s.ID == id {
			return s, true
		}
	}
	return Section{}, false
}

func (c *company) partner(id int64) (Partner, bool) {
	for _, p := range c.partners {
		if p.ID == id {
			return p, true
		}
	}
	return Partner{}, false
}
