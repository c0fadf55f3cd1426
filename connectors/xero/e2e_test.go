package xero_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/xero"
	"github.com/urakata/urakata/connectors/xero/xerotest"
	"github.com/urakata/urakata/shared/config"
	_ "github.com/urakata/urakata/shared/flows/expense"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/secrets"
)

// TestExpenseToAccountingInXero runs the expense-to-accounting flow on the embedded runtime
// with Xero as both the expense source and the journal target, chosen by hub.yaml alone:
// every approved claim becomes one balanced manual journal, found again by its reference,
// and a second run writes nothing.
func TestExpenseToAccountingInXero(t *testing.T) {
	t.Parallel()
	srv := xerotest.New(xerotest.Options{Seed: 1, Employees: 40, Year: 2026, Month: time.October, MinuteLimit: 6000})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("Xero sandbox: %s", v)
		}
	})
	approved := 0
	for _, c := range srv.ExpenseClaims() {
		if c.Status != "SUBMITTED" {
			approved++
		}
	}

	data := t.TempDir()
	// The claims are of October 2026: the first poll looks back far enough whatever today is.
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {data_dir: %q, workers: 4, lease: 30s, visibility: 30s, max_receives: 5}
connections:
  xero:
    vendor: xero
    base_url: %s
    secret: XERO
    settings: {token_url: %s, requests_per_minute: 6000, currency: JPY}
flows:
  expense-to-accounting:
    type: expense-to-accounting
    source: xero
    target: xero
    trigger: {schedule: {cron: "0 7 * * *"}}
    mapping:
      accounts: {"6110": 旅費交通費, "6140": 会議費}
      tax_codes: {"10": 課対仕入10%%, "8": 課対仕入8%%（軽）}
      tax_codes_without_invoice: {"10": 課対仕入（控80）10%%, "8": 課対仕入（控80）8%%（軽）}
      department: 管理部
      first_lookback: 87600h
`, data, srv.BaseURL(), srv.TokenURL())
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	o := srv.Options()
	creds, _ := json.Marshal(map[string]string{"client_id": o.ClientID, "client_secret": o.ClientSecret, "refresh_token": o.RefreshToken})
	h, err := local.Open(t.Context(), cfg, local.Options{
		Secrets: secrets.Static(map[string]string{"XERO": string(creds)}),
		Logger:  slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)

	res, err := h.Run(t.Context(), local.RunRequest{Trigger: "test", Reconcile: true})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Flows[0]
	if !res.OK || f.Delivered != approved || f.Failed != 0 || f.Dead != 0 || f.Error != "" || len(f.ItemErrors) != 0 {
		t.Fatalf("first run: %+v; want the %d approved claims delivered, nothing failed", f, approved)
	}
	journals := srv.ManualJournals()
	if len(journals) != approved {
		t.Fatalf("%d journals; want %d", len(journals), approved)
	}
	claims := map[string]bool{}
	for _, c := range srv.ExpenseClaims() {
		claims[c.ID] = c.Status != "SUBMITTED"
	}
	snackTaxes := map[string]int{}
	for _, j := range journals {
		id, ok := strings.CutPrefix(j.Narration, "urakata-expense-")
		if !ok || !claims[id] {
			t.Errorf("journal narration %q names no approved claim", j.Narration)
		}
		if len(j.Lines) != 3 || j.Lines[0].AccountCode != "6110" || j.Lines[1].AccountCode != "6140" || j.Lines[2].AccountCode != "2110" ||
			j.Lines[0].Tracking[0].Option != "管理部" || j.Status != xero.JournalPosted {
			t.Errorf("journal %+v; want travel and meetings debited, 未払金 credited, in 管理部", j)
		}
		snackTaxes[j.Lines[1].TaxType]++
	}
	// Snacks with a valid registration number take the reduced rate; without one (or with a
	// mistyped one) the rate without an invoice.
	if len(snackTaxes) != 2 || snackTaxes["TAX002"] == 0 || snackTaxes["TAX004"] == 0 {
		t.Errorf("snacks booked with %v; want both TAX002 and TAX004", snackTaxes)
	}

	again, err := h.Run(t.Context(), local.RunRequest{Trigger: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if g := again.Flows[0]; !again.OK || g.Delivered != 0 || g.Failed != 0 {
		t.Fatalf("second run: %+v; want nothing delivered", g)
	}
	if n := len(srv.ManualJournals()); n != approved {
		t.Fatalf("%d journals after two runs; want %d", n, approved)
	}
}
