// Package sqlitestore keeps the embedded runtime's ledger, cursors and OAuth tokens in the
// SQLite database that sqlitedb opens. Every write goes through sqlitedb.Write, so each
// check-then-write (a claim, a compare-and-swap) runs alone inside the single writer's
// transaction, and concurrent claims from many workers share commits.
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/sqlitedb"
	"github.com/urakata/urakata/shared/store"
)

// ErrInvalid says a request is malformed (an empty key, a lease of no length); nothing
// was done.
var ErrInvalid = errors.New("sqlitestore: invalid request")

// Options configures a store.
type Options struct {
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Store is the ledger, the cursors and the tokens of one database. It is safe for
// concurrent use.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

var (
	_ store.Ledger     = (*Store)(nil)
	_ store.Cursors    = (*Store)(nil)
	_ store.Tokens     = (*Store)(nil)
	_ store.Deliveries = (*Store)(nil)
)

// schema is the store's migration steps; append, never edit. Times are Unix nanoseconds,
// 0 for none.
var schema = []string{`
CREATE TABLE ledger (
	key         TEXT    PRIMARY KEY,
	owner       TEXT    NOT NULL,
	lease_until INTEGER NOT NULL,           -- 0 once settled
	attempts    INTEGER NOT NULL,
	outcome     TEXT    NOT NULL,           -- '' while pending
	target_ref  TEXT    NOT NULL DEFAULT '',
	detail      TEXT    NOT NULL DEFAULT '',
	updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ledger_leases ON ledger (lease_until) WHERE outcome = '';

CREATE TABLE cursors (
	name       TEXT    PRIMARY KEY,
	value      TEXT    NOT NULL,
	version    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The secrets in the clear: the database file is private to its user (sqlitedb.Open).
CREATE TABLE tokens (
	connection TEXT    PRIMARY KEY,
	access     TEXT    NOT NULL,
	refresh    TEXT    NOT NULL,
	expiry     INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`, `
-- Webhook deliveries seen, until they expire: a replay within that time is not enqueued.
CREATE TABLE deliveries (
	key        TEXT    PRIMARY KEY,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`, `
-- The sweep of expired deliveries reads them by expiry.
CREATE INDEX deliveries_expiry ON deliveries (expires_at);
`}

// New opens the store in db, creating its tables on first use.
func New(db *sql.DB, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := sqlitedb.Migrate(context.Background(), db, "store", schema); err != nil {
		return nil, fmt.Errorf("sqlitestore: open: %w", err)
	}
	return &Store{db: db, now: opts.Now}, nil
}

// Claim takes key for owner for lease; see store.Ledger. It decides by store.NextClaim: a
// claim by the owner that already holds an unexpired lease renews it and is Claimed again,
// so that a retried Claim call does not shut out its own caller. Error messages leave the
// key out: it may carry a record's natural key.
func (s *Store) Claim(ctx context.Context, key, owner string, lease time.Duration) (store.ClaimState, store.Entry, error) {
	if key == "" || owner == "" || lease <= 0 {
		return 0, store.Entry{}, fmt.Errorf("%w: a claim needs a key, an owner and a lease", ErrInvalid)
	}
	var state store.ClaimState
	var e store.Entry
	err := sqlitedb.Write(ctx, s.db, func(ctx context.Context, tx sqlitedb.Tx) error {
		now := s.now()
		stored, err := lookup(ctx, tx, key)
		found := &stored
		if errors.Is(err, store.ErrNotFound) {
			found = nil
		} else if err != nil {
			return err
		}
		state, e = store.NextClaim(key, found, owner, lease, now)
		if state == store.AlreadyDone || state == store.Busy {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ledger
			(key, owner, lease_until, attempts, outcome, target_ref, detail, updated_at)
			VALUES (?, ?, ?, ?, '', ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until,
				attempts = excluded.attempts, outcome = '', updated_at = excluded.updated_at`,
			key, e.Owner, nanos(e.LeaseUntil), e.Attempts, e.TargetRef, e.Detail, nanos(now))
		return err
	})
	if err != nil {
		return 0, store.Entry{}, fmt.Errorf("sqlitestore: claim: %w", err)
	}
	return state, e, nil
}

// Settle records the outcome if owner still holds key, whether or not its lease ran out:
// nobody else claimed in between.
func (s *Store) Settle(ctx context.Context, key, owner string, st store.Settlement) error {
	if st.Outcome != store.Delivered && st.Outcome != store.Skipped && st.Outcome != store.Failed {
		return fmt.Errorf("%w: settle with outcome %q", ErrInvalid, st.Outcome)
	}
	err := sqlitedb.Write(ctx, s.db, func(ctx context.Context, tx sqlitedb.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ledger
			SET outcome = ?, target_ref = ?, detail = ?, lease_until = 0, updated_at = ?
			WHERE key = ? AND owner = ?`,
			string(st.Outcome), st.TargetRef, st.Detail, nanos(s.now()), key, owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return store.ErrLostClaim
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: settle: %w", err)
	}
	return nil
}

// Lookup returns the entry for key, or store.ErrNotFound.
func (s *Store) Lookup(ctx context.Context, key string) (store.Entry, error) {
	e, err := lookup(ctx, s.db, key)
	if err != nil {
		return store.Entry{}, fmt.Errorf("sqlitestore: look up: %w", err)
	}
	return e, nil
}

const entryColumns = `key, owner, lease_until, attempts, outcome, target_ref, detail, updated_at`

// lookup reads one entry through q: the database, or the writer's transaction.
func lookup(ctx context.Context, q sqlitedb.Tx, key string) (store.Entry, error) {
	e, err := scanEntry(q.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM ledger WHERE key = ?`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Entry{}, store.ErrNotFound
	}
	return e, err
}

func scanEntry(row interface{ Scan(...any) error }) (store.Entry, error) {
	var e store.Entry
	var lease, updated int64
	var outcome string
	if err := row.Scan(&e.Key, &e.Owner, &lease, &e.Attempts, &outcome, &e.TargetRef, &e.Detail, &updated); err != nil {
		return store.Entry{}, err
	}
	e.LeaseUntil, e.UpdatedAt, e.Outcome = fromNanos(lease), fromNanos(updated), store.Outcome(outcome)
	return e, nil
}

// Expired returns up to limit unsettled entries whose lease ended before t, the longest
// expired first.
func (s *Store) Expired(ctx context.Context, t time.Time, limit int) ([]store.Entry, error) {
	if limit < 1 {
		return nil, fmt.Errorf("%w: list expired claims: limit %d", ErrInvalid, limit)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+entryColumns+` FROM ledger
		WHERE outcome = '' AND lease_until < ? ORDER BY lease_until, key LIMIT ?`, nanos(t), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: list expired claims: %w", err)
	}
	defer rows.Close()
	var entries []store.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: list expired claims: %w", err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: list expired claims: %w", err)
	}
	return entries, nil
}

// GetCursor returns the cursor, or a zero Cursor if none is stored.
func (s *Store) GetCursor(ctx context.Context, name string) (store.Cursor, error) {
	var c store.Cursor
	var updated int64
	err := s.db.QueryRowContext(ctx, `SELECT value, version, updated_at FROM cursors WHERE name = ?`, name).
		Scan(&c.Value, &c.Version, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Cursor{}, nil
	}
	if err != nil {
		return store.Cursor{}, fmt.Errorf("sqlitestore: get cursor %s: %w", name, err)
	}
	c.UpdatedAt = fromNanos(updated)
	return c, nil
}

// PutCursor stores value if the stored version is still expect (0: none stored) and
// returns the new version, or store.ErrConflict.
func (s *Store) PutCursor(ctx context.Context, name, value string, expect int64) (int64, error) {
	err := s.swap(ctx, expect,
		`INSERT INTO cursors (name, value, version, updated_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (name) DO NOTHING`,
		`UPDATE cursors SET value = ?, version = version + 1, updated_at = ? WHERE name = ? AND version = ?`,
		func(now int64) []any { return []any{name, value, now} },
		func(now int64) []any { return []any{value, now, name, expect} })
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: put cursor %s: %w", name, err)
	}
	return expect + 1, nil
}

// GetToken returns the stored token, or store.ErrNotFound.
func (s *Store) GetToken(ctx context.Context, connection string) (store.Token, error) {
	var t store.Token
	var access, refresh string
	var expiry int64
	err := s.db.QueryRowContext(ctx, `SELECT access, refresh, expiry, version FROM tokens WHERE connection = ?`,
		connection).Scan(&access, &refresh, &expiry, &t.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Token{}, fmt.Errorf("sqlitestore: get token of %s: %w", connection, store.ErrNotFound)
	}
	if err != nil {
		return store.Token{}, fmt.Errorf("sqlitestore: get token of %s: %w", connection, err)
	}
	t.Access, t.Refresh, t.Expiry = secrets.New(access), secrets.New(refresh), fromNanos(expiry)
	return t, nil
}

// PutToken stores t if the stored version is still expect (0: none stored) and returns t
// with its new Version, or store.ErrConflict.
func (s *Store) PutToken(ctx context.Context, connection string, t store.Token, expect int64) (store.Token, error) {
	access, refresh, expiry := t.Access.Reveal(), t.Refresh.Reveal(), nanos(t.Expiry)
	err := s.swap(ctx, expect,
		`INSERT INTO tokens (connection, access, refresh, expiry, version, updated_at) VALUES (?, ?, ?, ?, 1, ?)
			ON CONFLICT (connection) DO NOTHING`,
		`UPDATE tokens SET access = ?, refresh = ?, expiry = ?, version = version + 1, updated_at = ?
			WHERE connection = ? AND version = ?`,
		func(now int64) []any { return []any{connection, access, refresh, expiry, now} },
		func(now int64) []any { return []any{access, refresh, expiry, now, connection, expect} })
	if err != nil {
		return store.Token{}, fmt.Errorf("sqlitestore: put token of %s: %w", connection, err)
	}
	t.Version = expect + 1
	return t, nil
}

// swap is a compare-and-swap on a version: with expect 0 it runs insert, which must add a
// row, otherwise update, which must change one; else store.ErrConflict.
func (s *Store) swap(ctx context.Context, expect int64, insert, update string, insertArgs, updateArgs func(now int64) []any) error {
	return sqlitedb.Write(ctx, s.db, func(ctx context.Context, tx sqlitedb.Tx) error {
		now := nanos(s.now())
		stmt, args := update, updateArgs(now)
		if expect == 0 {
			stmt, args = insert, insertArgs(now)
		}
		res, err := tx.ExecContext(ctx, stmt, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return store.ErrConflict
		}
		return nil
	})
}

// FirstSeen records a webhook delivery; see store.Deliveries. An expired record counts as
// not seen, and expired records are swept as new ones arrive.
func (s *Store) FirstSeen(ctx context.Context, key string, keep time.Duration) (bool, error) {
	var first bool
	err := sqlitedb.Write(ctx, s.db, func(ctx context.Context, tx sqlitedb.Tx) error {
		var err error
		first, err = s.FirstSeenIn(ctx, tx, key, keep)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlitestore: record delivery: %w", err)
	}
	return first, nil
}

// FirstSeenIn is FirstSeen within a write the caller makes on the same database, so that
// recording a delivery and enqueuing its jobs (sqlitequeue.Queue.SendIf) is one commit.
func (s *Store) FirstSeenIn(ctx context.Context, tx sqlitedb.Tx, key string, keep time.Duration) (bool, error) {
	if key == "" || keep <= 0 {
		return false, fmt.Errorf("%w: a delivery needs a key and a time to keep it", ErrInvalid)
	}
	now := s.now()
	res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (key, expires_at) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE deliveries.expires_at <= ?`,
		key, nanos(now.Add(keep)), nanos(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	// A few expired rows go with each new one, so the table stays as large as the
	// deliveries of the last keep period.
	_, err = tx.ExecContext(ctx, `DELETE FROM deliveries WHERE key IN
		(SELECT key FROM deliveries WHERE expires_at <= ? LIMIT 16)`, nanos(now))
	return true, err
}

// Forget removes a delivery's record; see store.Deliveries.
func (s *Store) Forget(ctx context.Context, key string) error {
	err := sqlitedb.Write(ctx, s.db, func(ctx context.Context, tx sqlitedb.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE key = ?`, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: forget delivery: %w", err)
	}
	return nil
}

// nanos is how times are stored: Unix nanoseconds; the zero time is 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos reads a stored time, in UTC; 0 is the zero time.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
