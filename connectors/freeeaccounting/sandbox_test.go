package freeeaccounting_test

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freeeaccounting"
	"github.com/urakata/urakata/connectors/freeeaccounting/freeeaccountingtest"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store/storetest"
)

var jst = time.FixedZone("JST", 9*60*60)

// demoMonth is the sandbox's demo month in these tests.
const demoYear, demoMonth = 2026, time.October

// sandbox starts a demo company for October 2026 and checks, when the test ends, that
// neither the connector nor the sandbox broke accounting.json.
func sandbox(t *testing.T, opts freeeaccountingtest.Options) *freeeaccountingtest.Server {
	t.Helper()
	if opts.Year == 0 {
		opts.Year, opts.Month = demoYear, demoMonth
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2026, 11, 2, 12, 0, 0, 0, jst) }
	}
	srv := freeeaccountingtest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("accounting.json violation: %s", v)
		}
	})
	return srv
}

// connect builds a connection to srv as the hub would, with extra settings.
func connect(t *testing.T, srv *freeeaccountingtest.Server, settings map[string]any) *freeeaccounting.Accounting {
	t.Helper()
	s := map[string]any{"company_id": srv.CompanyID(), "token_url": srv.TokenURL(), "requests_per_day": 100000}
	for k, v := range settings {
		s[k] = v
	}
	v, err := freeeaccounting.Connector.New(t.Context(), hub.Env{
		Connection: "freee-acc",
		BaseURL:    srv.BaseURL(),
		Settings:   s,
		// Each connection gets its own grant: refresh tokens are single-use.
		Secret: secrets.New(`{"client_id":"` + freeeaccountingtest.DefaultClientID + `","client_secret":"` + freeeaccountingtest.DefaultClientSecret +
			`","refresh_token":"` + srv.IssueToken().RefreshToken + `","webhook_token":"` + freeeaccountingtest.DefaultWebhookToken + `"}`),
		Tokens: &storetest.MemoryTokens{},
		Zone:   jst,
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.(*freeeaccounting.Accounting)
}

func collect(t *testing.T, seq func(func(model.ExpenseReport, error) bool)) []model.ExpenseReport {
	t.Helper()
	var out []model.ExpenseReport
	for r, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestApprovedExpensesFromTheDemoCompany(t *testing.T) {
	t.Parallel()
	srv := sandbox(t, freeeaccountingtest.Options{})
	acc := connect(t, srv, nil)
	reports := collect(t, acc.ApprovedExpenses(t.Context(), time.Date(2026, 10, 1, 0, 0, 0, 0, jst)))
	var titles []string
	for _, r := range reports {
		titles = append(titles, r.Title)
	}
	want := []string{"大阪出張", "客先訪問 交通費", "チーム定例 打ち合わせ", "技術書 購入", "取引先 会食", "事務用品", "新聞 定期購読"}
	if !slices.Equal(titles, want) {
		t.Fatalf("titles = %v; want %v (oldest approval first)", titles, want)
	}
	for i := 1; i < len(reports); i++ {
		if reports[i].ApprovedAt.Before(reports[i-1].ApprovedAt) {
			t.Errorf("report %d approved before report %d", i, i-1)
		}
	}
	trip := reports[0]
	if trip.ID != "1001" || trip.ApplicantID != "50001" || trip.ApplicantEmail != "e00001@demo-company.example" || trip.Source != "freee-acc" {
		t.Errorf("trip = %+v", trip)
	}
	if want := time.Date(2026, 10, 7, 15, 0, 0, 0, jst); !trip.ApprovedAt.Equal(want) {
		t.Errorf("approved at %s; want %s", trip.ApprovedAt, want)
	}
	if len(trip.Lines) != 4 || trip.Total() != model.Yen(29440+12800+200+1980) {
		t.Fatalf("trip lines = %+v", trip.Lines)
	}
	train, hotel, lodgingTax := trip.Lines[0], trip.Lines[1], trip.Lines[2]
	if train.Category != "電車代" || train.TaxRate != 10 || train.TaxAmount != model.Yen(2676) || train.Date != model.NewDate(2026, 10, 3) {
		t.Errorf("train = %+v", train)
	}
	if !strings.HasPrefix(train.InvoiceRegistrationNumber, "T") || len(train.InvoiceRegistrationNumber) != 14 || train.ReceiptRef == "" {
		t.Errorf("train receipt: %q %q", train.InvoiceRegistrationNumber, train.ReceiptRef)
	}
	if hotel.Category != "宿泊費" || lodgingTax.Category != "宿泊税" || lodgingTax.TaxRate != 0 || lodgingTax.TaxAmount.Amount != 0 ||
		hotel.ReceiptRef != lodgingTax.ReceiptRef {
		t.Errorf("hotel %+v, lodging tax %+v", hotel, lodgingTax)
	}
	takeAway := reports[2].Lines[1]
	if takeAway.TaxRate != 8 || takeAway.TaxAmount != model.Yen(240) {
		t.Errorf("take-away = %+v; want 8 %% with 240 yen of tax", takeAway)
	}
}

func errorAs(err error, target any) bool { return errors.As(err, target) }

func secretsOf(s string) secrets.Secret { return secrets.New(s) }

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
