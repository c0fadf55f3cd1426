// Package sqlitedb opens the one SQLite file that the embedded runtime's queue and stores
// share, and serialises every write to it through a group committer.
//
// The choices, and why:
//
//   - WAL journal: readers never block the writer nor each other, so Lookup, Stats and
//     listings run in parallel on the pool's other connections.
//   - synchronous=FULL: in WAL mode this fsyncs the log on every commit, so a write that
//     returned nil survives a power cut, not only a crash of the process.
//   - One writer per database: SQLite admits one writer at a time and makes the others
//     sleep and retry in its busy handler. Write instead queues operations in process and
//     a single committer runs everything waiting in one transaction (BEGIN IMMEDIATE),
//     one savepoint per operation, then one COMMIT and one fsync for all of them. Callers
//     never meet SQLITE_BUSY from each other, and thousands of small durable writes per
//     second cost a few hundred fsyncs.
//   - busy_timeout still matters for other processes on the same file (the CLI listing
//     or replaying dead letters while the runtime runs).
//   - The file is created 0600: it holds OAuth tokens.
package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// maxConns bounds the pool: one connection for the committer, the rest for readers. More
// than a handful buys nothing on the small machines the embedded runtime targets.
const maxConns = 8

// busyTimeoutMillis is how long a connection waits for another process's lock.
const busyTimeoutMillis = 10_000

// Open opens (creating if needed) the database file at path, ready for the queue and the
// stores: WAL journal, synchronous=FULL, foreign keys on, a busy timeout. Write through
// Write; read with db directly. Close the returned db when done.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlitedb: resolve %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("sqlitedb: create directory for %s: %w", abs, err)
	}
	// SQLite would create the file with the umask's mode; the WAL and shared-memory files
	// it creates later copy the mode of the database file, so setting it here covers all.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlitedb: create %s: %w", abs, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlitedb: create %s: %w", abs, err)
	}

	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("sqlitedb: open %s: %w", abs, err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := check(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlitedb: open %s: %w", abs, err)
	}
	return db, nil
}

// dsn builds a file: URI, so that any character in the path is escaped rather than read
// as the start of the driver's parameters. Every pooled connection runs the pragmas.
func dsn(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path
	}
	q := url.Values{"_pragma": {
		fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis),
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"foreign_keys(ON)",
	}}
	u := url.URL{Scheme: "file", OmitHost: true, Path: p, RawQuery: q.Encode()}
	return u.String()
}

// check connects and confirms the settings durability depends on: SQLite keeps quiet when
// a file system refuses WAL.
func check(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	var sync int
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("read synchronous: %w", err)
	}
	if sync != 2 {
		return fmt.Errorf("synchronous is %d, want 2 (FULL)", sync)
	}
	return nil
}
