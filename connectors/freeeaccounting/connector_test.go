package freeeaccounting_test

import (
	"strings"
	"testing"

	"github.com/urakata/urakata/connectors/freee"
	"github.com/urakata/urakata/connectors/freeeaccounting"
	"github.com/urakata/urakata/connectors/freeeaccounting/freeeaccountingtest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/store/storetest"
)

func TestConnectorIsRegisteredWithItsCapabilitiesAndSecrets(t *testing.T) {
	t.Parallel()
	c, ok := hub.Connectors.Lookup("freee-accounting")
	if !ok {
		t.Fatal("freee-accounting is not registered")
	}
	for _, cp := range []hub.Capability{hub.CapExpenseSource, hub.CapJournalTarget, hub.CapWebhook} {
		if !c.Has(cp) {
			t.Errorf("missing capability %s", cp)
		}
	}
	fields := map[string]config.Field{}
	for _, f := range c.Fields {
		fields[f.Name] = f
	}
	for name, secret := range map[string]bool{
		"company_id": false, "token_url": false, "token_connection": false, "requests_per_day": false,
		"approval_lookback_days": false, "expense_category": false, "read_receipts": false,
		"client_id": true, "client_secret": true, "refresh_token": true, "webhook_token": true,
	} {
		f, ok := fields[name]
		if !ok {
			t.Errorf("no field %s", name)
			continue
		}
		if f.Secret != secret {
			t.Errorf("field %s: secret = %v; want %v", name, f.Secret, secret)
		}
	}
	if !fields["company_id"].Required || fields["requests_per_day"].Default != freeeaccounting.DefaultRequestsPerDay {
		t.Errorf("company_id must be required and requests_per_day default to 3,000")
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	t.Parallel()
	good := `{"client_id":"c","client_secret":"s","refresh_token":"r"}`
	for _, tc := range []struct {
		name     string
		settings map[string]any
		secret   string
		says     string
	}{
		{"no company", map[string]any{}, good, "company_id"},
		{"a company that is not a number", map[string]any{"company_id": "one"}, good, "company_id"},
		{"no daily requests", map[string]any{"company_id": 1, "requests_per_day": 0}, good, "requests_per_day"},
		{"a negative lookback", map[string]any{"company_id": 1, "approval_lookback_days": -1}, good, "approval_lookback_days"},
		{"an unknown category", map[string]any{"company_id": 1, "expense_category": "勘定科目"}, good, "expense_category"},
		{"read_receipts that is not a bool", map[string]any{"company_id": 1, "read_receipts": "yes"}, good, "read_receipts"},
		{"a secret that is not JSON", map[string]any{"company_id": 1}, "rt-only", "client_id"},
		{"a secret without a refresh token", map[string]any{"company_id": 1}, `{"client_id":"c","client_secret":"s"}`, "refresh_token"},
		{"a webhook token that is not a string", map[string]any{"company_id": 1}, `{"client_id":"c","client_secret":"s","refresh_token":"r","webhook_token":12}`, "webhook_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := freeeaccounting.Connector.New(t.Context(), hub.Env{Connection: "freee-acc", Settings: tc.settings,
				Secret: secretsOf(tc.secret), Tokens: &storetest.MemoryTokens{}})
			if fault.Classify(err) != fault.KindPermanent || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %v; want Permanent naming %s", err, tc.says)
			}
			if strings.Contains(err.Error(), `"s"`) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
	if _, err := freeeaccounting.Connector.New(t.Context(), hub.Env{Connection: "freee-acc", Settings: map[string]any{"company_id": 1},
		Secret: secretsOf(good)}); err == nil {
		t.Error("a connection without a token store was built")
	}
}

// TestTokenConnectionSharesTheRotatingTokens authorises one freee app once and uses it from
// a freee 人事労務 connection and a freee 会計 connection: the accounting connection keeps its
// tokens under the HR connection's name, so neither spends a refresh token the other holds.
func TestTokenConnectionSharesTheRotatingTokens(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	tokens := &storetest.MemoryTokens{}
	secret := secretsOf(`{"client_id":"` + freeeaccountingtest.DefaultClientID + `","client_secret":"` + freeeaccountingtest.DefaultClientSecret +
		`","refresh_token":"` + freeeaccountingtest.DefaultRefreshToken + `"}`)
	v, err := freeeaccounting.Connector.New(t.Context(), hub.Env{Connection: "freee-acc", BaseURL: srv.BaseURL(), Secret: secret, Tokens: tokens,
		Settings: map[string]any{"company_id": 1, "token_url": srv.TokenURL(), "token_connection": "freee-hr"}})
	if err != nil {
		t.Fatal(err)
	}
	acc := v.(*freeeaccounting.Accounting)
	if _, err := acc.Expense(t.Context(), "1004"); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.GetToken(t.Context(), "freee-acc"); err == nil {
		t.Error("the accounting connection kept tokens of its own")
	}
	shared, err := tokens.GetToken(t.Context(), "freee-hr")
	if err != nil || shared.Version != 1 {
		t.Fatalf("shared token %+v, %v; want version 1 under freee-hr", shared, err)
	}
	// The HR connection reads the same entry: its token source uses the rotated pair.
	ts, err := freee.NewTokenSource(freee.TokenSourceConfig{Connection: "freee-hr", Store: tokens, TokenURL: srv.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	access, err := ts.AccessToken(t.Context())
	if err != nil || access.Reveal() != shared.Access.Reveal() {
		t.Errorf("the HR side got %v; want the accounting side's token", err)
	}
	if n := srv.Requests()[freeeaccountingtest.OAuthOp]; n != 1 {
		t.Errorf("%d refreshes; want one for both connections", n)
	}
}

// A refresh token freee refuses is a permanent error that names the connection to reconnect,
// as every connector's is (fault.ReconnectError), so operations alerts find it.
func TestARefusedRefreshTokenNamesTheConnectionToReconnect(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	secret := secretsOf(`{"client_id":"` + freeeaccountingtest.DefaultClientID + `","client_secret":"` + freeeaccountingtest.DefaultClientSecret +
		`","refresh_token":"revoked-refresh-token"}`)
	v, err := freeeaccounting.Connector.New(t.Context(), hub.Env{Connection: "freee-acc", BaseURL: srv.BaseURL(), Secret: secret, Tokens: &storetest.MemoryTokens{},
		Settings: map[string]any{"company_id": 1, "token_url": srv.TokenURL()}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.(*freeeaccounting.Accounting).Expense(t.Context(), "1004")
	if conn, ok := fault.ReconnectConnection(err); !ok || conn != "freee-acc" || !fault.IsPermanent(err) {
		t.Fatalf("err = %v; want a permanent reconnect of freee-acc", err)
	}
	if strings.Contains(err.Error(), "revoked-refresh-token") {
		t.Fatalf("the error %q holds the refresh token", err)
	}
}
