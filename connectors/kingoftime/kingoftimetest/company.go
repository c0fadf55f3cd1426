package kingoftimetest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/urakata/urakata/shared/model"
)

// jst is Japan time, the only zone KOT works in. Japan has kept +09:00 without daylight
// saving since 1951, so a fixed zone is exact.
var jst = time.FixedZone("Asia/Tokyo", 9*60*60)

// MaxEmployees bounds the demo company's head count.
const MaxEmployees = 50000

// Person is who an employee is across systems: the employee code and email that other
// systems' demo companies use too, so the hub can match the same people.
type Person struct {
	Code  string
	Email string
}

// DemoPerson is employee i's (from 0) code and email in every urakata sandbox: E00001,
// e00001@demo-company.example, … so that the demo companies of KING OF TIME and freee 人事労務
// hold the same people.
func DemoPerson(i int) Person {
	return Person{Code: fmt.Sprintf("E%05d", i+1), Email: fmt.Sprintf("e%05d@demo-company.example", i+1)}
}

// Profile is the kind of month an employee of the demo company has. Employee i gets
// profiles[i%10], so every ten employees hold one of each scenario.
type Profile string

const (
	// ProfileNormal works every weekday 9:00–18:00 with a 12:00–13:00 break.
	ProfileNormal Profile = "normal"
	// ProfileOvertime works 9:00–21:00 every Tuesday and Thursday.
	ProfileOvertime Profile = "overtime"
	// ProfileLateNight works 9:00–23:30 on the 2nd Tuesday and 9:00–01:30 the next morning
	// on the 3rd Thursday (the clock-out is filed under the Thursday), with a 12:00–13:00 and
	// an 18:00–18:30 break.
	ProfileLateNight Profile = "late_night"
	// ProfileWeekendWork works 9:00–13:00 on the 1st Saturday (法定外休日) and 10:00–16:00 on
	// the 2nd Sunday (法定休日) with a 45-minute break.
	ProfileWeekendWork Profile = "weekend_work"
	// ProfilePaidLeave takes a full day of paid leave (有休) on the 2nd Monday and the
	// morning off (AM休, working 14:00–18:00) on the 3rd Wednesday.
	ProfilePaidLeave Profile = "paid_leave"
	// ProfileAbsence is absent (欠勤, a company leave type) on the 3rd Friday and takes
	// special leave (特別休暇) on the 1st Monday.
	ProfileAbsence Profile = "absence"
	// ProfileVaried clocks in between 8:45 and 9:10 and out between 18:00 and 19:30,
	// leaving at 20:00–21:00 on about one weekday in five, and goes out (外出) for an
	// errand 15:00–15:30 on Fridays.
	ProfileVaried Profile = "varied"
)

var profiles = [10]Profile{
	ProfileNormal, ProfileOvertime, ProfileLateNight, ProfileWeekendWork, ProfilePaidLeave,
	ProfileAbsence, ProfileNormal, ProfileVaried, ProfileVaried, ProfileVaried,
}

// Leave types (休暇区分) of the demo company: KOT's defaults 1 and 2, and two of its own.
var (
	LeavePaid          = LeaveType{Code: 1, Name: "有休"}
	LeaveCompensatory  = LeaveType{Code: 2, Name: "代休"}
	LeaveSpecial       = LeaveType{Code: 3, Name: "特別休暇"}
	LeaveAbsence       = LeaveType{Code: 5, Name: "欠勤"}
	workingTypeRegular = WorkingType{Code: "1", Name: "正社員"}
	workingTypeFixed   = WorkingType{Code: "2", Name: "契約社員"}
)

// LeaveType is a 休暇区分.
type LeaveType struct {
	Code int
	Name string
}

// WorkingType is a 雇用区分.
type WorkingType struct {
	Code, Name string
}

// Division is a 所属.
type Division struct {
	Code, Name string
	// DayBorder is the day-change time (HH:MM).
	DayBorder string
}

var divisions = []Division{{"1000", "本社", "00:00"}, {"2000", "大阪支社", "00:00"}}

// Employee is one person of the demo company. Names are made up; emails are under the
// reserved .example domain.
type Employee struct {
	// Key is KOT's stable id: 64 hex digits derived from the seed.
	Key                 string
	Code                string
	Email               string
	LastName, FirstName string
	LastKana, FirstKana string
	Gender              string // male, female
	BirthDate           model.Date
	HiredDate           model.Date
	// ResignationDate is zero while employed.
	ResignationDate model.Date
	Division        Division
	Type            WorkingType
	Profile         Profile
	// PaidLeaveGranted is the paid leave granted each 1 April.
	PaidLeaveGranted model.Days

	index int
}

type name struct{ kanji, kana, gender string }

var familyNames = []name{
	{"佐藤", "サトウ", ""}, {"鈴木", "スズキ", ""}, {"高橋", "タカハシ", ""}, {"田中", "タナカ", ""},
	{"伊藤", "イトウ", ""}, {"渡辺", "ワタナベ", ""}, {"山本", "ヤマモト", ""}, {"中村", "ナカムラ", ""},
	{"小林", "コバヤシ", ""}, {"加藤", "カトウ", ""}, {"吉田", "ヨシダ", ""}, {"山田", "ヤマダ", ""},
}

var givenNames = []name{
	{"翔太", "ショウタ", "male"}, {"大輔", "ダイスケ", "male"}, {"健太", "ケンタ", "male"},
	{"拓也", "タクヤ", "male"}, {"蓮", "レン", "male"}, {"陽菜", "ヒナ", "female"},
	{"美咲", "ミサキ", "female"}, {"結衣", "ユイ", "female"}, {"さくら", "サクラ", "female"},
	{"葵", "アオイ", "female"},
}

// company is the demo company: fixed once New has run, so it is read without locks.
type company struct {
	seed uint64
	// first and last are the demo month's first and last days: no punch exists after last.
	first, last model.Date
	employees   []Employee
	byKey       map[string]*Employee
	byCode      map[string]*Employee
}

func newCompany(o Options) *company {
	people := o.People
	if len(people) == 0 {
		people = make([]Person, o.Employees)
		for i := range people {
			people[i] = DemoPerson(i)
		}
	}
	first := model.NewDate(o.Year, o.Month, 1)
	c := &company{
		seed:      uint64(o.Seed),
		first:     first,
		last:      model.NewDate(o.Year, o.Month+1, 0),
		employees: make([]Employee, len(people)),
		byKey:     make(map[string]*Employee, len(people)),
		byCode:    make(map[string]*Employee, len(people)),
	}
	for i, p := range people {
		c.employees[i] = c.newEmployee(i, p)
		c.byKey[c.employees[i].Key] = &c.employees[i]
		c.byCode[c.employees[i].Code] = &c.employees[i]
	}
	return c
}

func (c *company) newEmployee(i int, p Person) Employee {
	r := rand.New(rand.NewPCG(c.seed, uint64(i)))
	family := familyNames[r.IntN(len(familyNames))]
	given := givenNames[r.IntN(len(givenNames))]
	hired := c.first.AddDays(-(31 + r.IntN(3650)))
	typ := workingTypeRegular
	if r.IntN(10) >= 8 {
		typ = workingTypeFixed
	}
	var seed [16]byte
	binary.BigEndian.PutUint64(seed[:8], c.seed)
	binary.BigEndian.PutUint64(seed[8:], uint64(i))
	key := sha256.Sum256(append([]byte("kingoftimetest employee "), seed[:]...))
	return Employee{
		Key:              hex.EncodeToString(key[:]),
		Code:             p.Code,
		Email:            p.Email,
		LastName:         family.kanji,
		FirstName:        given.kanji,
		LastKana:         family.kana,
		FirstKana:        given.kana,
		Gender:           given.gender,
		BirthDate:        model.NewDate(hired.Year-22-r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
		HiredDate:        hired,
		Division:         divisions[r.IntN(len(divisions))],
		Type:             typ,
		Profile:          profiles[i%len(profiles)],
		PaidLeaveGranted: model.Day * model.Days(10+i%11),
		index:            i,
	}
}

// hash is a deterministic 64-bit value for (seed, employee, date, salt), so that a day can
// be generated alone, in any order, the same every time.
func (c *company) hash(emp int, d model.Date, salt uint64) uint64 {
	day := uint64(model.NewDate(2000, time.January, 1).DaysUntil(d))
	x := c.seed + 0x9e3779b97f4a7c15*(uint64(emp)+1) + 0xd1b54a32d192ed03*day + 0x8cb92ba72f3d8dd7*salt
	// splitmix64's finaliser
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
