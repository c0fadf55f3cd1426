package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrSchemaTooNew says the database was migrated by a newer program than this one, which
// must not write to tables it does not understand.
var ErrSchemaTooNew = errors.New("sqlitedb: database schema is newer than this program")

// Migrate brings component's tables up to date. steps are the component's schema changes,
// in order and never edited once released (add a step instead); each may hold several
// statements. The schema_version table records, per component, how many steps were
// applied, so Migrate runs only the new ones and is safe to call at every start, from
// several processes at once. The new steps and the version are committed together.
func Migrate(ctx context.Context, db *sql.DB, component string, steps []string) error {
	err := Write(ctx, db, func(ctx context.Context, tx Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			component TEXT PRIMARY KEY,
			version   INTEGER NOT NULL
		) WITHOUT ROWID`); err != nil {
			return fmt.Errorf("create schema_version: %w", err)
		}
		var version int
		err := tx.QueryRowContext(ctx,
			`SELECT version FROM schema_version WHERE component = ?`, component).Scan(&version)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read version: %w", err)
		}
		if version > len(steps) {
			return fmt.Errorf("%w: %s is at version %d, this program knows %d",
				ErrSchemaTooNew, component, version, len(steps))
		}
		if version == len(steps) {
			return nil
		}
		for i := version; i < len(steps); i++ {
			if _, err := tx.ExecContext(ctx, steps[i]); err != nil {
				return fmt.Errorf("apply step %d: %w", i+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (component, version) VALUES (?, ?)
			ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
			component, len(steps)); err != nil {
			return fmt.Errorf("record version: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlitedb: migrate %s: %w", component, err)
	}
	return nil
}
