package slacktest

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// MaxEmployees bounds the demo company's head count.
const MaxEmployees = 50000

// Person is who an employee is across systems: the employee code and email that other
// systems' demo companies use too, so the hub can match the same people. Slack has no
// employee code; the sandbox keeps it so tests can find a person.
type Person struct {
	Code  string
	Email string
}

// DemoPerson is employee i's (from 0) code and email in every urakata sandbox: E00001,
// e00001@demo-company.example, …, as freeetest and kingoftimetest make them for the same
// head count.
func DemoPerson(i int) Person {
	return Person{Code: fmt.Sprintf("E%05d", i+1), Email: fmt.Sprintf("e%05d@demo-company.example", i+1)}
}

// User is a member of the demo workspace. Names are made up; emails are under the reserved
// .example domain.
type User struct {
	ID string
	// Code is the employee code of the person (empty for bots and the former employee).
	Code  string
	Email string
	// Name is the handle, e.g. shota.sato; RealName the full name, e.g. Shota Sato.
	Name     string
	RealName string
	IsBot    bool
	IsAdmin  bool
	// Deleted marks a deactivated member.
	Deleted bool
}

// Channel is a conversation of the demo workspace: a channel, a private channel, or a
// direct message with the app.
type Channel struct {
	ID   string
	Name string
	// User is the other member of a direct message.
	User      string
	IM        bool
	Private   bool
	Archived  bool
	General   bool
	BotMember bool
	Created   time.Time
}

// The channels of the demo workspace. The app's bot is a member of all but #random, so a
// post there answers not_in_channel; #old-project is archived (is_archived). Channel ids
// follow each channel's place in the list, so a channel is only ever added at its end.
const (
	ChannelGeneral    = "general"
	ChannelRandom     = "random"
	ChannelBackOffice = "back-office"
	ChannelAccounting = "accounting"
	ChannelArchived   = "old-project"
	// ChannelOperations is where the people who run urakata (情シス) read its alerts.
	ChannelOperations = "operations"
)

var familyNames = []string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Ito", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida", "Yamada"}

var givenNames = []string{"Shota", "Daisuke", "Kenta", "Takuya", "Ren", "Hina", "Misaki", "Yui", "Sakura", "Aoi"}

// workspace is the demo workspace: fixed once New has run, so it is read without locks.
// Direct messages, which open on demand, live in the Server under its lock.
type workspace struct {
	seed                  uint64
	teamID, name, domain  string
	appID, botUser, botID string
	created               time.Time
	users                 []User
	byID, byEmail         map[string]int
	channels              []Channel
	channelByID, byName   map[string]int
	formerEmployee        string
}

// slackbotID is Slackbot's fixed id, in every workspace.
const slackbotID = "USLACKBOT"

func newWorkspace(o Options) *workspace {
	seed := uint64(o.Seed)
	w := &workspace{
		seed:        seed,
		teamID:      slackID("T", seed, "team", 0),
		name:        o.TeamName,
		domain:      o.TeamDomain,
		appID:       slackID("A", seed, "app", 0),
		botUser:     slackID("U", seed, "bot-user", 0),
		botID:       slackID("B", seed, "bot", 0),
		created:     time.Date(2019, time.April, 1, 9, 0, 0, 0, tokyo),
		byID:        map[string]int{},
		byEmail:     map[string]int{},
		channelByID: map[string]int{},
		byName:      map[string]int{},
	}
	people := o.People
	if len(people) == 0 {
		people = make([]Person, o.Employees)
		for i := range people {
			people[i] = DemoPerson(i)
		}
	}
	for i, p := range people {
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		family, given := familyNames[r.IntN(len(familyNames))], givenNames[r.IntN(len(givenNames))]
		w.add(User{
			ID: slackID("U", seed, "user", i), Code: p.Code, Email: p.Email,
			Name:     strings.ToLower(given + "." + family + fmt.Sprint(i+1)),
			RealName: given + " " + family,
			IsAdmin:  i == 0,
		})
	}
	// Someone who left: deactivated, with an email no current employee has.
	w.formerEmployee = slackID("U", seed, "former", 0)
	w.add(User{ID: w.formerEmployee, Email: "former.employee@demo-company.example", Name: "former.employee", RealName: "Former Employee", Deleted: true})
	w.add(User{ID: slackbotID, Name: "slackbot", RealName: "Slackbot"})
	w.add(User{ID: w.botUser, Name: "urakata", RealName: "urakata", IsBot: true})

	for i, c := range []Channel{
		{Name: ChannelGeneral, General: true, BotMember: true},
		{Name: ChannelRandom},
		{Name: ChannelBackOffice, BotMember: true},
		{Name: ChannelAccounting, Private: true, BotMember: true},
		{Name: ChannelArchived, Archived: true, BotMember: true},
		{Name: ChannelOperations, BotMember: true},
	} {
		prefix := "C"
		if c.Private {
			prefix = "G"
		}
		c.ID = slackID(prefix, seed, "channel", i)
		c.Created = w.created.AddDate(0, 0, i)
		w.channelByID[c.ID] = len(w.channels)
		w.byName[c.Name] = len(w.channels)
		w.channels = append(w.channels, c)
	}
	return w
}

func (w *workspace) add(u User) {
	w.byID[u.ID] = len(w.users)
	if u.Email != "" {
		w.byEmail[strings.ToLower(u.Email)] = len(w.users)
	}
	w.users = append(w.users, u)
}

func (w *workspace) user(id string) (User, bool) {
	i, ok := w.byID[id]
	if !ok {
		return User{}, false
	}
	return w.users[i], true
}

// dmID is the id of the app's direct message with a user: stable, so a second run of the
// sandbox opens the same one.
func (w *workspace) dmID(user string) string { return slackID("D", w.seed, "dm:"+user, 0) }

// slackID makes an id as Slack writes them: a type letter and ten characters of [A-Z2-7],
// derived from (seed, kind, n) so that the same seed gives the same ids everywhere.
func slackID(prefix string, seed uint64, kind string, n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "slacktest %s %d %d", kind, seed, n))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:10]
}

// tokyo is the demo company's zone. Japan has kept +09:00 without daylight saving since
// 1951, so a fixed zone is exact.
var tokyo = time.FixedZone("Asia/Tokyo", 9*60*60)
