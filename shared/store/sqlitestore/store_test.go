package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/store/sqlitestore"
	"github.com/urakata/urakata/shared/store/storetest"
)

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "hub.db"))
}

func openAt(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func newStore(t testing.TB, db *sql.DB, now func() time.Time) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.New(db, sqlitestore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLedgerConformance(t *testing.T) {
	t.Parallel()
	storetest.RunLedger(t, func(t *testing.T, now func() time.Time) store.Ledger {
		return newStore(t, openDB(t), now)
	})
}

func TestCursorsConformance(t *testing.T) {
	t.Parallel()
	storetest.RunCursors(t, func(t *testing.T, now func() time.Time) store.Cursors {
		return newStore(t, openDB(t), now)
	})
}

func TestTokensConformance(t *testing.T) {
	t.Parallel()
	storetest.RunTokens(t, func(t *testing.T, now func() time.Time) store.Tokens {
		return newStore(t, openDB(t), now)
	})
}

func TestTheStoreSurvivesReopeningTheDatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hub.db")
	ctx := t.Context()
	db, err := sqlitedb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t, db, nil)
	if _, _, err := s.Claim(ctx, "k", "w", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(ctx, "k", "w", store.Settlement{Outcome: store.Delivered, TargetRef: "ref"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutCursor(ctx, "c", "v", 0); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s = newStore(t, openAt(t, path), nil)
	if state, e, err := s.Claim(ctx, "k", "w2", time.Minute); err != nil || state != store.AlreadyDone || e.TargetRef != "ref" {
		t.Errorf("claim after reopening: %s %+v %v, want already done with its ref", state, e, err)
	}
	if c, err := s.GetCursor(ctx, "c"); err != nil || c.Value != "v" || c.Version != 1 {
		t.Errorf("cursor after reopening: %+v %v", c, err)
	}
}

func TestMalformedRequestsAreRefused(t *testing.T) {
	t.Parallel()
	s := newStore(t, openDB(t), nil)
	ctx := t.Context()
	claim := func(key, owner string, lease time.Duration) error {
		_, _, err := s.Claim(ctx, key, owner, lease)
		return err
	}
	tests := []struct {
		name string
		err  error
	}{
		{"a claim without a key", claim("", "w", time.Minute)},
		{"a claim without an owner", claim("k", "", time.Minute)},
		{"a claim with no lease", claim("k", "w", 0)},
		{"a listing of no size", func() error { _, err := s.Expired(ctx, time.Now(), 0); return err }()},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, sqlitestore.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tt.name, tt.err)
		}
	}
	if _, err := s.Lookup(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused claim stored an entry (err = %v)", err)
	}
}

func TestLedgerErrorsLeaveTheKeyOut(t *testing.T) {
	t.Parallel()
	s := newStore(t, openDB(t), nil)
	const key = "payroll/E12345/2025-03"
	_, err := s.Lookup(t.Context(), key)
	if err == nil {
		t.Fatal("found a key never claimed")
	}
	if strings.Contains(err.Error(), key) {
		t.Errorf("error %q names the key", err)
	}
}

func TestExpiredUsesTheLeaseIndex(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	newStore(t, db, nil)
	rows, err := db.QueryContext(t.Context(), `EXPLAIN QUERY PLAN SELECT key, owner, detail FROM ledger
		WHERE outcome = '' AND lease_until < 5 ORDER BY lease_until, key LIMIT 10`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(plan, "; ")
	if !strings.Contains(joined, "INDEX ledger_leases") || strings.Contains(joined, "TEMP B-TREE") {
		t.Errorf("plan: %s", joined)
	}
}

func TestDeliveriesConformance(t *testing.T) {
	t.Parallel()
	storetest.RunDeliveries(t, func(t *testing.T, now func() time.Time) store.Deliveries {
		return newStore(t, openDB(t), now)
	})
}
