package chatwork

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Connector declares Chatwork to the hub: its settings, capabilities and constructor.
var Connector = hub.Connector{
	Vendor:         Vendor,
	Summary:        "Chatwork: room messages out (mentions, replies, direct chats), mentions and room messages in by webhook",
	DefaultBaseURL: DefaultBaseURL,
	Capabilities:   []hub.Capability{hub.CapChat, hub.CapWebhook},
	Fields: []config.Field{
		{Name: "room_id", Type: config.Int, Example: 123456789,
			Description: "the room (group chat) a message goes to when it names none; a message for one person goes to the direct chat with them when they are a contact of the token's account, else here with a [To:] mention"},
		{Name: "requests_per_5min", Type: config.Int, Default: DefaultRequestsPer5Min,
			Description: "requests this API token may make per five minutes; the X-RateLimit-* headers Chatwork sends are obeyed whatever this says"},
		{Name: "api_token", Type: config.String, Secret: true, Required: true,
			Description: "the API token of the Chatwork account that posts (a dedicated bot account is best): Chatwork → サービス連携 → API Token; it never expires and has full access to that account"},
		{Name: "webhook_token", Type: config.String, Secret: true,
			Description: "the token (Base64, as Chatwork shows it) of the webhook setting that calls this connection; needed only by flows with a webhook trigger. Each webhook setting has its own token: a second setting needs a second connection"},
	},
	New: func(ctx context.Context, env hub.Env) (any, error) { return New(ctx, env) },
}

func init() { hub.Register(Connector) }

// Chat is one Chatwork connection as the hub uses it: a poster of messages, a (limited)
// directory, and a webhook receiver.
type Chat struct {
	// Client is the API client, for calls the capabilities do not cover.
	Client      *Client
	connection  string
	defaultRoom int64
	logger      *slog.Logger
	now         func() time.Time

	// webhookKey is the Base64-decoded webhook token: the HMAC key (nil: webhooks refused).
	webhookKey []byte
	// maxAge is how old a webhook event may be (WebhookMaxAge).
	maxAge time.Duration
	seen   replayGuard

	mu       sync.Mutex
	self     int64
	direct   map[int64]int64
	directAt time.Time
	fetch    singleflight.Group
}

var (
	_ hub.ChatPoster      = (*Chat)(nil)
	_ hub.ChatDirectory   = (*Chat)(nil)
	_ hub.WebhookReceiver = (*Chat)(nil)
)

// contactsTTL is how long the contacts (who has a direct chat) are trusted before a miss
// reads them again: people are added as contacts rarely, and a long `urakata run` should
// still see them.
const contactsTTL = 10 * time.Minute

// New builds the connection env describes.
func New(_ context.Context, env hub.Env) (*Chat, error) {
	op := Vendor + ": connection " + env.Connection
	creds, err := ParseSecret(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	var key []byte
	if !creds.WebhookToken.IsZero() {
		if key, err = DecodeWebhookToken(creds.WebhookToken); err != nil {
			return nil, fault.Permanent(op, err)
		}
	}
	room, err := config.IntSetting(env.Settings, "room_id", 0)
	if err != nil || room < 0 {
		return nil, fault.Permanentf(op, "settings.room_id must be a Chatwork room id (a positive integer)")
	}
	per5, err := config.IntSetting(env.Settings, "requests_per_5min", DefaultRequestsPer5Min)
	if err != nil || per5 <= 0 || per5 > math.MaxInt32 {
		return nil, fault.Permanentf(op, "settings.requests_per_5min must be a positive integer")
	}
	logger := env.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	hc := httpx.New(Policy(int(per5)), httpx.WithLogger(logger))
	client, err := NewClient(hc, creds.APIToken, cmp.Or(env.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	client.SecretName = "secret " + cmp.Or(env.SecretName, env.Connection)
	return &Chat{
		Client: client, connection: env.Connection, defaultRoom: room, logger: logger, now: time.Now,
		webhookKey: key, maxAge: WebhookMaxAge,
	}, nil
}

// Credentials are the secret parts of a connection.
type Credentials struct {
	APIToken secrets.Secret
	// WebhookToken is the webhook setting's token as Chatwork shows it (Base64); zero when
	// the connection takes no webhooks.
	WebhookToken secrets.Secret
}

// ParseSecret reads a connection's secret: the API token alone, or a JSON object with
// api_token and, optionally, webhook_token.
func ParseSecret(s secrets.Secret) (Credentials, error) {
	raw := strings.TrimSpace(s.Reveal())
	if !strings.HasPrefix(raw, "{") {
		if raw == "" {
			return Credentials{}, fmt.Errorf("the secret holds no API token")
		}
		return Credentials{APIToken: secrets.New(raw)}, nil
	}
	fields, err := secrets.DecodeFields(s)
	if err != nil {
		return Credentials{}, fmt.Errorf("the secret: %w; give the API token alone, or {\"api_token\": …, \"webhook_token\": …}", err)
	}
	c := Credentials{APIToken: fields["api_token"], WebhookToken: fields["webhook_token"]}
	if strings.TrimSpace(c.APIToken.Reveal()) == "" {
		return Credentials{}, fmt.Errorf("the secret has no api_token")
	}
	return c, nil
}

// PostMessage posts m.Text (in Chatwork's message notation, sent as it is) and returns the
// new message's reference, "room-message" (see MessageRef), which a later message can name
// as its Thread. m.Blocks has no Chatwork equivalent and is ignored.
//
//   - Channel is a room id. Left empty, the message goes to the direct chat with User when
//     User is a contact of the token's account, else to settings.room_id.
//   - Thread, a reference PostMessage returned (or a ChatEvent's Message.Thread), makes the
//     message a reply to that message: [rp aid=… to=room-message] names its author, User
//     when set, else the token's own account. Chatwork has no threads; a reply notifies the
//     author and shows the message it answers.
//   - User without Thread mentions the person with [To:id], unless the message goes to the
//     direct chat with them.
//
// A message that names no room when settings.room_id is unset, or whose ids are not
// Chatwork ids, is a Permanent error.
func (c *Chat) PostMessage(ctx context.Context, m model.ChatMessage) (string, error) {
	op := Vendor + ": post message"
	if strings.TrimSpace(m.Text) == "" {
		return "", fault.Permanentf(op, "the message has no text")
	}
	room, err := optionalID(m.Channel, "channel (room id)")
	if err != nil {
		return "", fault.Permanent(op, err)
	}
	user, err := optionalID(m.User, "user (account id)")
	if err != nil {
		return "", fault.Permanent(op, err)
	}
	var prefix string
	switch {
	case m.Thread != "":
		ref, err := ParseMessageRef(m.Thread, room)
		if err != nil {
			return "", fault.Permanent(op, err)
		}
		if room == 0 {
			room = ref.RoomID
		}
		author := user
		if author == 0 {
			if author, err = c.selfID(ctx); err != nil {
				return "", fmt.Errorf("%s: %w", op, err)
			}
		}
		prefix = Reply(author, ref)
	case user != 0:
		if room == 0 {
			direct, ok, err := c.directRoom(ctx, user)
			if err != nil {
				return "", fmt.Errorf("%s: %w", op, err)
			}
			if ok {
				room = direct
				break
			}
		}
		prefix = To(user)
	}
	if room == 0 {
		room = c.defaultRoom
	}
	if room == 0 {
		return "", fault.Permanentf(op, "the message names no room (channel), and connection %s sets no settings.room_id", c.connection)
	}
	body := m.Text
	if prefix != "" {
		body = prefix + "\n" + m.Text
	}
	posted, _, err := c.Client.Messages.Post(ctx, room, body, nil)
	if err != nil {
		return "", fmt.Errorf("%s: %w", Vendor, err)
	}
	return MessageRef{RoomID: room, MessageID: posted.MessageID}.String(), nil
}

// UserByEmail always answers ok = false: Chatwork gives an email address for no account but
// the token's own (GET /me), not for room members or contacts. Employees are mapped to
// Chatwork account ids in hub.yaml instead; with an account id, PostMessage{User: id} reaches
// the person (their direct chat when they are a contact), and DirectRoom finds that chat.
func (c *Chat) UserByEmail(context.Context, string) (string, string, bool, error) {
	return "", "", false, nil
}

// DirectRoom returns the direct chat the token's account shares with accountID (a contact);
// ok is false when the person is not a contact.
func (c *Chat) DirectRoom(ctx context.Context, accountID string) (room string, ok bool, err error) {
	id, err := strconv.ParseInt(strings.TrimSpace(accountID), 10, 64)
	if err != nil || id <= 0 {
		return "", false, fault.Permanentf(Vendor, "%q is not a Chatwork account id", accountID)
	}
	r, ok, err := c.directRoom(ctx, id)
	if err != nil || !ok {
		return "", false, err
	}
	return strconv.FormatInt(r, 10), true, nil
}

// directRoom looks the contact up, reading the contacts once and again on a miss when they
// are older than contactsTTL.
func (c *Chat) directRoom(ctx context.Context, accountID int64) (int64, bool, error) {
	c.mu.Lock()
	room, ok := c.direct[accountID]
	fresh := c.direct != nil && c.now().Sub(c.directAt) < contactsTTL
	c.mu.Unlock()
	if ok || fresh {
		return room, ok, nil
	}
	_, err, _ := c.fetch.Do("contacts", func() (any, error) {
		contacts, _, err := c.Client.Contacts.List(ctx)
		if err != nil {
			return nil, err
		}
		m := make(map[int64]int64, len(contacts))
		for _, ct := range contacts {
			m[ct.AccountID] = ct.RoomID
		}
		c.mu.Lock()
		c.direct, c.directAt = m, c.now()
		c.mu.Unlock()
		return nil, nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("find the direct chat: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	room, ok = c.direct[accountID]
	return room, ok, nil
}

// selfID is the token's own account id, read once.
func (c *Chat) selfID(ctx context.Context) (int64, error) {
	c.mu.Lock()
	id := c.self
	c.mu.Unlock()
	if id != 0 {
		return id, nil
	}
	v, err, _ := c.fetch.Do("me", func() (any, error) {
		me, _, err := c.Client.Me.Get(ctx)
		if err != nil {
			return int64(0), err
		}
		c.mu.Lock()
		c.self = me.AccountID
		c.mu.Unlock()
		return me.AccountID, nil
	})
	if err != nil {
		return 0, fmt.Errorf("read the token's own account: %w", err)
	}
	return v.(int64), nil
}

// optionalID reads an id that may be absent ("" is 0).
func optionalID(s, what string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q is not a Chatwork id", what, s)
	}
	return id, nil
}
