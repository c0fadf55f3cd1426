package sandboxes

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urakata/urakata/connectors/chatwork"
	"github.com/urakata/urakata/connectors/chatwork/chatworktest"
	"github.com/urakata/urakata/connectors/slack"
	"github.com/urakata/urakata/connectors/slack/slacktest"
)

// chatDriver acts for the people of one chat sandbox and reads what the bot posted there.
type chatDriver interface {
	// people is how many of the demo company's people the chat has.
	people() int
	// ask posts text from person asker (an index of the demo company), mentioning the bot
	// in the chat's all-hands channel, and has the sandbox send the event to the hub as the
	// vendor does; the hub must acknowledge it.
	ask(ctx context.Context, asker int, text string) (question, error)
	// botPosts counts the bot's messages in channel (a channel or room id) that contain text
	// ("" for every one).
	botPosts(channel, text string) int
	// directChat is the asker's direct chat with the bot; "" while there is none.
	directChat(asker int) string
	// isReply reports whether the bot's message ref (a reference PostMessage returned, as the
	// ledger keeps it) is a reply to q where q was asked.
	isReply(ref string, q question) bool
}

// question is a question as its chat sent it to the hub.
type question struct {
	// eventID is the chat event's id, which the helpdesk's natural key carries.
	eventID string
	// channel is where it was asked, ref its own reference there (Slack's ts, Chatwork's
	// room-message).
	channel, ref string
}

// chat returns the driver of connection's chat sandbox, sending its events to hook; ok is
// false when the connection's sandbox is not a chat.
func (s *Set) chat(connection, hook string) (chatDriver, bool, error) {
	switch srv := s.servers[connection].(type) {
	case *slacktest.Server:
		ch, ok := srv.Channel(slacktest.ChannelGeneral)
		if !ok {
			return nil, false, errors.New("the Slack sandbox has no #general")
		}
		return &slackChat{srv: srv, n: srv.Options().Employees, general: ch.ID, hook: hook}, true, nil
	case *chatworktest.Server:
		c := &chatworkChat{srv: srv, accounts: srv.Accounts()}
		if hook != "" {
			w, err := srv.AddWebhook(chatworktest.WebhookSetting{URL: hook, Event: chatworktest.EventMentionToMe})
			if err != nil {
				return nil, false, fmt.Errorf("set the Chatwork webhook up: %w", err)
			}
			c.setting = w.ID
		}
		return c, true, nil
	}
	return nil, false, nil
}

// slackChat drives the Slack sandbox: people mention the app in #general.
type slackChat struct {
	srv     *slacktest.Server
	n       int
	general string
	hook    string
}

func (c *slackChat) people() int { return c.n }

func (c *slackChat) user(i int) (string, error) {
	u, ok := c.srv.UserByEmail(slacktest.DemoPerson(i).Email)
	if !ok {
		return "", fmt.Errorf("the Slack sandbox has no employee %d", i+1)
	}
	return u.ID, nil
}

func (c *slackChat) ask(ctx context.Context, asker int, text string) (question, error) {
	user, err := c.user(asker)
	if err != nil {
		return question{}, err
	}
	ev := c.srv.Mention(user, c.general, text)
	d, err := c.srv.SendEvent(ctx, c.hook, ev)
	if err != nil {
		return question{}, err
	}
	if !d.Acked() {
		last := d.Last()
		if last.Err != nil {
			return question{}, fmt.Errorf("the hub did not answer Slack: %w", last.Err)
		}
		return question{}, fmt.Errorf("the hub answered Slack %d, not 2xx", last.Status)
	}
	msgs := c.srv.Messages(c.general)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].User == user && msgs[i].Text == ev.Text {
			return question{eventID: d.EventID, channel: c.general, ref: msgs[i].TS}, nil
		}
	}
	return question{}, errors.New("the Slack sandbox did not keep the message")
}

func (c *slackChat) botPosts(channel, text string) int {
	n := 0
	for _, m := range c.srv.Messages(channel) {
		if m.BotID != "" && strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

func (c *slackChat) directChat(asker int) string {
	user, err := c.user(asker)
	if err != nil {
		return ""
	}
	dm, ok := c.srv.DirectMessage(user)
	if !ok {
		return ""
	}
	return dm.ID
}

func (c *slackChat) isReply(ref string, q question) bool {
	channel, ts, ok := slack.ParseMessageRef(ref)
	if !ok || channel != q.channel {
		return false
	}
	for _, m := range c.srv.Messages(channel) {
		if m.TS == ts && m.BotID != "" && m.ThreadTS == q.ref {
			return true
		}
	}
	return false
}

// chatworkChat drives the Chatwork sandbox: people address the bot ([To:…]) in the
// all-hands room, and its account webhook (mention_to_me) posts to the hub.
type chatworkChat struct {
	srv      *chatworktest.Server
	accounts []chatworktest.Account
	setting  string
}

func (c *chatworkChat) people() int { return len(c.accounts) }

// botAddress addresses a message to the bot as Chatwork's To button writes it: [To:id],
// the display name and さん, on a line of its own.
var botAddress = chatwork.To(chatworktest.BotAccountID) + "urakata 経理botさん\n"

func (c *chatworkChat) ask(ctx context.Context, asker int, text string) (question, error) {
	if c.setting == "" {
		return question{}, errors.New("no webhook is set up to send the question")
	}
	m, sent, err := c.srv.Say(ctx, c.accounts[asker].AccountID, chatworktest.AllHandsRoomID, botAddress+text)
	if err != nil {
		return question{}, err
	}
	for _, d := range sent {
		if d.SettingID != c.setting {
			continue
		}
		if d.Status < 200 || d.Status > 299 {
			if d.Err != "" {
				return question{}, fmt.Errorf("the hub did not answer Chatwork: %s", d.Err)
			}
			return question{}, fmt.Errorf("the hub answered Chatwork %d, not 2xx", d.Status)
		}
		room := strconv.FormatInt(chatworktest.AllHandsRoomID, 10)
		ref := chatwork.MessageRef{RoomID: chatworktest.AllHandsRoomID, MessageID: m.ID}.String()
		return question{eventID: d.SettingID + ":" + m.ID, channel: room, ref: ref}, nil
	}
	return question{}, errors.New("Chatwork sent no webhook for the message")
}

func (c *chatworkChat) botPosts(channel, text string) int {
	room, err := strconv.ParseInt(channel, 10, 64)
	if err != nil {
		return 0
	}
	n := 0
	for _, m := range c.srv.Messages(room) {
		if m.AccountID == chatworktest.BotAccountID && strings.Contains(m.Body, text) {
			n++
		}
	}
	return n
}

func (c *chatworkChat) directChat(asker int) string {
	if asker >= len(c.accounts) || c.accounts[asker].DirectRoomID == 0 {
		return ""
	}
	return strconv.FormatInt(c.accounts[asker].DirectRoomID, 10)
}

func (c *chatworkChat) isReply(ref string, q question) bool {
	r, err := chatwork.ParseMessageRef(ref, 0)
	if err != nil || strconv.FormatInt(r.RoomID, 10) != q.channel {
		return false
	}
	for _, m := range c.srv.Messages(r.RoomID) {
		if m.ID == r.MessageID && m.AccountID == chatworktest.BotAccountID && strings.Contains(m.Body, "to="+q.ref+"]") {
			return true
		}
	}
	return false
}
