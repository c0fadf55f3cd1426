package chatworktest

import (
	"fmt"
	"slices"

	"github.com/urakata/urakata/connectors/freee/freeetest"
)

// The demo organisation's fixed ids. Chatwork's ids are plain integers; these are in the
// ranges real ones fall in, and far apart so a mix-up shows.
const (
	// BotAccountID is the account every API token of the sandbox belongs to: the bot that
	// posts the back office's notices.
	BotAccountID   int64 = 9000001
	firstAccountID int64 = 9100001
	organizationID int64 = 5001

	// MyRoomID is the bot's own notes room (マイチャット).
	MyRoomID int64 = 300000001
	// AllHandsRoomID is the group chat of everyone (全社連絡), where the bot is an admin: the
	// room for notices that name no room.
	AllHandsRoomID int64 = 300000010
	// ReadOnlyRoomID is an announcement room in which the bot may only read: a post there
	// is refused with 403.
	ReadOnlyRoomID      int64 = 300000011
	firstDepartmentRoom int64 = 300000020
	firstDirectRoom     int64 = 310000001

	botName = "urakata 経理bot"
)

// Account is one person of the demo organisation as the sandbox knows them. Chatwork serves
// the account id, name, Chatwork ID and department; Code and Email are the person's in the
// demo company (employee code and email, as freeetest makes them for the same seed and head
// count) and are never served, as Chatwork gives no email for members or contacts: they are
// what a test or the demo needs to build the hub.yaml mapping.
type Account struct {
	AccountID  int64
	Name       string
	ChatworkID string
	Department string
	Code       string
	Email      string
	// DirectRoomID is the direct chat the bot shares with the person, 0 when they are not
	// a contact of the bot (every tenth employee: not everyone is).
	DirectRoomID int64
}

// room is a room of the demo organisation. Its members and kind are fixed by the seed; its
// messages are state.
type room struct {
	id          int64
	name        string
	typ         string
	description string
	icon        string
	// members in order; the bot's role is botRole.
	members []member
	botRole string
}

type member struct {
	accountID int64
	role      string
}

// org is the demo organisation: fixed once New has run, so it is read without locks.
type org struct {
	name     string
	accounts []Account
	byID     map[int64]*Account
	rooms    []*room
	roomByID map[int64]*room
}

// newOrg builds the organisation of the demo company's employees: the bot, everyone as a
// member of the all-hands room and of their department's room, and a direct chat with each
// contact.
func newOrg(o Options) *org {
	people := freeetest.New(freeetest.Options{Seed: o.Seed, Employees: o.Employees, RateLimit: freeetest.NoRateLimit}).Employees()
	g := &org{name: o.OrganizationName, byID: map[int64]*Account{}, roomByID: map[int64]*room{}}
	g.accounts = make([]Account, len(people))
	for i, p := range people {
		a := Account{
			AccountID:  firstAccountID + int64(i),
			Name:       p.DisplayName,
			ChatworkID: fmt.Sprintf("demo-%s", p.Num),
			Department: p.Department.Name,
			Code:       p.Num,
			Email:      p.Email,
		}
		if i%10 != 9 {
			a.DirectRoomID = firstDirectRoom + int64(i)
		}
		g.accounts[i] = a
	}
	for i := range g.accounts {
		g.byID[g.accounts[i].AccountID] = &g.accounts[i]
	}

	g.add(&room{id: MyRoomID, name: "マイチャット", typ: "my", botRole: "admin"})
	all := &room{id: AllHandsRoomID, name: "全社連絡", typ: "group", description: "全社員へのお知らせ", icon: "group", botRole: "admin"}
	ro := &room{id: ReadOnlyRoomID, name: "社長室からのお知らせ", typ: "group", description: "閲覧のみ", icon: "star", botRole: "readonly"}
	var depts []string
	byDept := map[string]*room{}
	for _, a := range g.accounts {
		all.members = append(all.members, member{a.AccountID, "member"})
		ro.members = append(ro.members, member{a.AccountID, "member"})
		if _, ok := byDept[a.Department]; !ok {
			depts = append(depts, a.Department)
			byDept[a.Department] = &room{name: a.Department, typ: "group", description: a.Department + "の連絡", icon: "business", botRole: "admin"}
		}
		d := byDept[a.Department]
		d.members = append(d.members, member{a.AccountID, "member"})
	}
	if len(ro.members) > 0 {
		// Someone must be able to post in an announcement room.
		ro.members[0].role = "admin"
	}
	g.add(all)
	g.add(ro)
	slices.Sort(depts)
	for i, name := range depts {
		d := byDept[name]
		d.id = firstDepartmentRoom + int64(i)
		g.add(d)
	}
	for _, a := range g.accounts {
		if a.DirectRoomID != 0 {
			g.add(&room{id: a.DirectRoomID, name: a.Name, typ: "direct", botRole: "member",
				members: []member{{a.AccountID, "member"}}})
		}
	}
	return g
}

func (g *org) add(r *room) {
	r.members = append([]member{{BotAccountID, r.botRole}}, r.members...)
	g.rooms = append(g.rooms, r)
	g.roomByID[r.id] = r
}

// nameOf is an account's display name, the bot's included.
func (g *org) nameOf(id int64) string {
	if id == BotAccountID {
		return botName
	}
	if a, ok := g.byID[id]; ok {
		return a.Name
	}
	return ""
}

// role reports the account's role in the room, and whether it is in it at all.
func (r *room) role(accountID int64) (string, bool) {
	for _, m := range r.members {
		if m.accountID == accountID {
			return m.role, true
		}
	}
	return "", false
}

func avatar(id int64) string {
	return fmt.Sprintf("https://appdata.chatwork.example/avatar/%d.png", id)
}
