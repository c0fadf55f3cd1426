package freeetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// tokyo is Asia/Tokyo. Japan has kept +09:00 without daylight saving since 1951, so a fixed
// zone is exact and needs no tzdata on the machine (Lambda images have none).
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)

// MaxEmployees bounds Options.Employees so that time-clock ids stay within freee's int32.
const MaxEmployees = 50000

const (
	firstEmployeeID = 1001
	firstUserID     = 50001
	adminUserID     = 40001
)

// Profile is the kind of month an employee of the demo company has. Employee i gets
// profiles[i%10], so every ten employees hold one of each scenario.
type Profile string

const (
	// ProfileNormal works every weekday 9:00–18:00 with a 12:00–13:00 break: a perfectly
	// normal month, nothing to pay beyond the prescribed hours.
	ProfileNormal Profile = "normal"
	// ProfileOvertime works 9:00–21:00 every Tuesday and Thursday (3 h overtime a day). In
	// the days after the demo month (Options.Through), the first two of them are in a crunch:
	// E00002 works 9:00–21:00 every weekday and E00012 also stays until 20:00 on Monday,
	// Wednesday and Friday, so that the month in progress has overtime past the 36協定's
	// 40 and 45 hours late in the month.
	ProfileOvertime Profile = "overtime"
	// ProfileLateNight works 9:00–23:30 on the 2nd Tuesday (late night past 22:00) and
	// 9:00–01:30 the next morning on the 3rd Thursday (past midnight), with a 12:00–13:00
	// and an 18:00–18:30 break.
	ProfileLateNight Profile = "late_night"
	// ProfileWeekendWork works 9:00–13:00 on the 1st Saturday (a prescribed holiday) and
	// 10:00–16:00 on the 2nd Sunday (the legal holiday).
	ProfileWeekendWork Profile = "weekend_work"
	// ProfilePaidLeave takes a full day of paid leave on the 2nd Monday and a half day
	// (morning off, working 14:00–18:00) on the 3rd Wednesday.
	ProfilePaidLeave Profile = "paid_leave"
	// ProfileAbsence is absent (欠勤) on the 3rd Friday.
	ProfileAbsence Profile = "absence"
	// ProfileVaried clocks in between 8:45 and 9:10 (so sometimes late) and out between
	// 18:00 and 19:30, leaving at 20:00–21:00 on about one weekday in five.
	ProfileVaried Profile = "varied"
)

var profiles = [10]Profile{
	ProfileNormal, ProfileOvertime, ProfileLateNight, ProfileWeekendWork, ProfilePaidLeave,
	ProfileAbsence, ProfileNormal, ProfileVaried, ProfileVaried, ProfileVaried,
}

// Department is a group (部門) of the demo company. The zero Department is none.
type Department struct {
	ID   int    `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

var departments = []Department{
	{101, "SALES", "営業部"},
	{102, "DEV", "開発部"},
	{103, "ADMIN", "管理部"},
	{104, "CS", "カスタマーサクセス部"},
}

// Employee is one person of the demo company. Names are made up from common Japanese
// names; emails are under the reserved .example domain.
type Employee struct {
	ID int
	// Num is the employee code (従業員番号), e.g. E00001.
	Num            string
	DisplayName    string
	LastName       string
	FirstName      string
	LastNameKana   string
	FirstNameKana  string
	Email          string
	Gender         string // freee's: male, female
	BirthDate      model.Date
	EntryDate      model.Date
	EmploymentType string // freee's: regular, fixed-term
	Department     Department
	UserID         int
	// BasicPay is the monthly basic pay in yen.
	BasicPay int64
	Profile  Profile

	index int
}

type name struct{ kanji, kana, gender string }

var familyNames = []name{
	{"佐藤", "サトウ", ""}, {"鈴木", "スズキ", ""}, {"高橋", "タカハシ", ""}, {"田中", "タナカ", ""},
	{"伊藤", "イトウ", ""}, {"渡辺", "ワタナベ", ""}, {"山本", "ヤマモト", ""}, {"中村", "ナカムラ", ""},
	{"小林", "コバヤシ", ""}, {"加藤", "カトウ", ""}, {"吉田", "ヨシダ", ""}, {"山田", "ヤマダ", ""},
	{"佐々木", "ササキ", ""}, {"山口", "ヤマグチ", ""}, {"松本", "マツモト", ""}, {"井上", "イノウエ", ""},
}

var givenNames = []name{
	{"翔太", "ショウタ", "male"}, {"大輔", "ダイスケ", "male"}, {"健太", "ケンタ", "male"},
	{"拓也", "タクヤ", "male"}, {"直樹", "ナオキ", "male"}, {"蓮", "レン", "male"},
	{"陽菜", "ヒナ", "female"}, {"美咲", "ミサキ", "female"}, {"結衣", "ユイ", "female"},
	{"愛", "アイ", "female"}, {"さくら", "サクラ", "female"}, {"葵", "アオイ", "female"},
}

// company is the demo company: fixed once New has run, so it is read without locks.
type company struct {
	id   int
	name string
	seed uint64
	// first and last are the demo month's first and last days.
	first, last model.Date
	// through is the last day attendance exists: last, or Options.Through when later.
	through model.Date
	// clockBase is day zero for time-clock ids; every entry date is after it.
	clockBase model.Date
	employees []Employee
}

func newCompany(o Options) *company {
	first := model.NewDate(o.Year, o.Month, 1)
	last := model.NewDate(o.Year, o.Month+1, 0)
	c := &company{
		id:        o.CompanyID,
		name:      o.CompanyName,
		seed:      uint64(o.Seed),
		first:     first,
		last:      last,
		through:   last,
		clockBase: clockBase(o),
		employees: make([]Employee, o.Employees),
	}
	if o.Through.After(last) {
		c.through = o.Through
	}
	for i := range c.employees {
		c.employees[i] = c.newEmployee(i)
	}
	return c
}

func (c *company) newEmployee(i int) Employee {
	r := rand.New(rand.NewPCG(c.seed, uint64(i)))
	family := familyNames[r.IntN(len(familyNames))]
	given := givenNames[r.IntN(len(givenNames))]
	entry := c.first.AddDays(-(31 + r.IntN(3650)))
	typ := "regular"
	if r.IntN(10) >= 8 {
		typ = "fixed-term"
	}
	return Employee{
		ID:             firstEmployeeID + i,
		Num:            fmt.Sprintf("E%05d", i+1),
		DisplayName:    family.kanji + " " + given.kanji,
		LastName:       family.kanji,
		FirstName:      given.kanji,
		LastNameKana:   family.kana,
		FirstNameKana:  given.kana,
		Email:          fmt.Sprintf("e%05d@demo-company.example", i+1),
		Gender:         given.gender,
		BirthDate:      model.NewDate(entry.Year-22-r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
		EntryDate:      entry,
		EmploymentType: typ,
		Department:     departments[r.IntN(len(departments))],
		UserID:         firstUserID + i,
		BasicPay:       int64(220000 + 10000*r.IntN(30)),
		Profile:        profiles[i%len(profiles)],
		index:          i,
	}
}

// clockBase is day zero for the time-clock ids of a company with options o: twelve years
// before the demo month, before anyone joined.
func clockBase(o Options) model.Date { return model.NewDate(o.Year-12, time.January, 1) }

// lastClockDate is the last date whose time clocks get ids within freee's int32 (see
// clockID), for a company with options o.
func lastClockDate(o Options) model.Date {
	perDay := max(o.Employees, 1) * maxClocksPerDay
	return clockBase(o).AddDays(math.MaxInt32/perDay - 1)
}

// employee finds an employee by freee id.
func (c *company) employee(id int) (*Employee, bool) {
	i := id - firstEmployeeID
	if i < 0 || i >= len(c.employees) {
		return nil, false
	}
	return &c.employees[i], true
}

// hash is a deterministic 64-bit value for (seed, employee, date, salt): the sandbox's
// randomness, so a day can be generated alone, in any order, the same every time.
func (c *company) hash(emp int, d model.Date, salt uint64) uint64 {
	day := uint64(c.clockBase.DaysUntil(d))
	x := c.seed + 0x9e3779b97f4a7c15*(uint64(emp)+1) + 0xd1b54a32d192ed03*day + 0x8cb92ba72f3d8dd7*salt
	// splitmix64's finaliser
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
