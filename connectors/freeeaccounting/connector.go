package freeeaccounting

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// Category sources: what an expense line's Category is named after.
const (
	// CategoryTemplate names a line after its expense template (経費科目, e.g. タクシー代).
	CategoryTemplate = "template"
	// CategoryAccountItem names a line after the template's account item (e.g. 旅費交通費).
	CategoryAccountItem = "account_item"
)

// DefaultApprovalLookbackDays is how long before the cursor a claim may have been filed
// and still be found by ApprovedExpenses.
const DefaultApprovalLookbackDays = 31

// Connector declares freee 会計 to the hub: its settings, capabilities and constructor.
var Connector = hub.Connector{
	Vendor:         Vendor,
	Summary:        "freee 会計 (freee Accounting): approved expense claims in, journal entries (振替伝票) out",
	DefaultBaseURL: DefaultBaseURL,
	Capabilities:   []hub.Capability{hub.CapExpenseSource, hub.CapJournalTarget, hub.CapWebhook},
	Fields: slices.Concat([]config.Field{
		{Name: "company_id", Type: config.Int, Required: true, Example: 1234567,
			Description: "freee company (事業所) id; GET /api/1/users/me?companies=true lists the ones the authorising user belongs to"},
		{Name: "token_url", Type: config.URL, Default: freee.DefaultTokenURL,
			Description: "OAuth2 token endpoint (point it at the sandbox to test)"},
		{Name: "token_connection", Type: config.String, Example: "freee-hr",
			Description: "the freee connection whose OAuth tokens this one shares, when one freee app is authorised once for both 会計 and 人事労務 (its refresh tokens rotate, so two connections holding the same one must keep it in one place); default: this connection's own"},
		{Name: "requests_per_day", Type: config.Int, Default: DefaultRequestsPerDay,
			Description: "requests this connection may make a day; freee allows 3,000 per company and app (5,000 on 法人アドバンス, 10,000 on 法人エンタープライズ)"},
		{Name: "approval_lookback_days", Type: config.Int, Default: DefaultApprovalLookbackDays,
			Description: "how many days before the polling cursor a claim may have been filed (申請日) and still be found approved; freee cannot filter by approval time"},
		{Name: "expense_category", Type: config.String, Default: CategoryTemplate, Enum: []string{CategoryTemplate, CategoryAccountItem},
			Description: "what an expense line's category is: its expense template (経費科目, e.g. タクシー代) or the template's account item (勘定科目, e.g. 旅費交通費)"},
		{Name: "read_receipts", Type: config.Bool, Default: true,
			Description: "read each claim line's receipt for the qualified-invoice registration number (one request per receipt)"},
	}, freee.SecretFields),
	New: func(ctx context.Context, env hub.Env) (any, error) { return New(ctx, env) },
}

func init() { hub.Register(Connector) }

// Accounting is one freee 会計 connection as the hub uses it: an expense source (approved
// claims), a journal target (振替伝票) and a webhook receiver.
type Accounting struct {
	// Client is the API client, for calls the capabilities do not cover.
	Client       *Client
	connection   string
	companyID    int64
	zone         *time.Location
	webhookToken secrets.Secret
	lookbackDays int
	category     string
	readReceipts bool
	masters      *masters
	now          func() time.Time

	// reports keeps each approved claim already converted, so that polling reads the details
	// and receipts of a claim once per process, not once per poll.
	mu      sync.Mutex
	reports map[int64]memo
}

// memo is a converted claim and the list entry it was converted from: a claim whose entry
// has not changed needs no second look.
type memo struct {
	entry  string
	report model.ExpenseReport
}

var (
	_ hub.ExpenseSource   = (*Accounting)(nil)
	_ hub.JournalTarget   = (*Accounting)(nil)
	_ hub.WebhookReceiver = (*Accounting)(nil)
)

// New builds the connection env describes.
func New(_ context.Context, env hub.Env) (*Accounting, error) {
	op := Vendor + ": connection " + env.Connection
	companyID, err := config.IntSetting(env.Settings, "company_id", 0)
	if err != nil || companyID <= 0 {
		return nil, fault.Permanentf(op, "settings.company_id must be a positive integer")
	}
	perDay, err := config.IntSetting(env.Settings, "requests_per_day", DefaultRequestsPerDay)
	if err != nil || perDay <= 0 {
		return nil, fault.Permanentf(op, "settings.requests_per_day must be a positive integer")
	}
	lookback, err := config.IntSetting(env.Settings, "approval_lookback_days", DefaultApprovalLookbackDays)
	if err != nil || lookback < 0 || lookback > 3660 {
		return nil, fault.Permanentf(op, "settings.approval_lookback_days must be an integer from 0 to 3660")
	}
	category := CategoryTemplate
	if v, ok := env.Settings["expense_category"]; ok {
		s, _ := v.(string)
		if s != CategoryTemplate && s != CategoryAccountItem {
			return nil, fault.Permanentf(op, "settings.expense_category must be %s or %s", CategoryTemplate, CategoryAccountItem)
		}
		category = s
	}
	readReceipts := true
	if v, ok := env.Settings["read_receipts"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return nil, fault.Permanentf(op, "settings.read_receipts must be true or false")
		}
		readReceipts = b
	}
	tokenURL, _ := env.Settings["token_url"].(string)
	tokenConn, _ := env.Settings["token_connection"].(string)
	creds, err := freee.ParseCredentials(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	webhookToken, err := freee.ParseWebhookToken(env.Secret)
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	if env.Tokens == nil {
		return nil, fmt.Errorf("%s: no token store", op)
	}
	tokens, err := freee.NewTokenSource(freee.TokenSourceConfig{
		Vendor:      Vendor,
		Connection:  cmp.Or(tokenConn, env.Connection),
		SecretName:  cmp.Or(env.SecretName, env.Connection),
		Credentials: creds,
		TokenURL:    tokenURL,
		Store:       env.Tokens,
		Logger:      env.Logger,
	})
	if err != nil {
		return nil, err
	}
	hc := httpx.New(Policy(int(perDay)), httpx.WithLogger(env.Logger))
	client, err := NewClient(hc, tokens, cmp.Or(env.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, fault.Permanent(op, err)
	}
	zone := env.Zone
	if zone == nil {
		zone = tokyo
	}
	return &Accounting{
		Client:       client,
		connection:   env.Connection,
		companyID:    companyID,
		zone:         zone,
		webhookToken: webhookToken,
		lookbackDays: int(lookback),
		category:     category,
		readReceipts: readReceipts,
		masters:      newMasters(client, companyID),
		now:          time.Now,
		reports:      map[int64]memo{},
	}, nil
}

// CompanyID is the freee company (事業所) the connection works in.
func (a *Accounting) CompanyID() int64 { return a.companyID }
