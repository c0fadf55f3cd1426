package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func createTable(t *testing.T, db *sql.DB, ddl string) {
	t.Helper()
	err := Write(t.Context(), db, func(ctx context.Context, tx Tx) error {
		_, err := tx.ExecContext(ctx, ddl)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// hold makes the committer busy with one operation until the returned release is called,
// so that the test can line up writes behind it.
func hold(t *testing.T, db *sql.DB) (release func()) {
	t.Helper()
	started, unblock := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- Write(context.Background(), db, func(context.Context, Tx) error {
			close(started)
			<-unblock
			return nil
		})
	}()
	<-started
	return func() {
		close(unblock)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// waitPending waits until n writes are queued behind the committer.
func waitPending(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	s := stateOf(db)
	for {
		s.mu.Lock()
		got := len(s.pending)
		s.mu.Unlock()
		if got == n {
			return
		}
		if t.Context().Err() != nil {
			t.Fatalf("%d writes pending, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestOpenSetsUpADurablePrivateFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a dir?#%", "hub.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the database is not at the path given: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %v, want 0600", perm)
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2",
		"foreign_keys": "1",
		"busy_timeout": fmt.Sprint(busyTimeoutMillis),
	} {
		var got string
		if err := db.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

func TestConcurrentWritesAreAllCommittedEachWithItsOwnResult(t *testing.T) {
	t.Parallel()
	db := open(t)
	createTable(t, db, "CREATE TABLE t (n INTEGER PRIMARY KEY)")

	const writers = 64
	errBoom := errors.New("boom")
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs[i] = Write(t.Context(), db, func(ctx context.Context, tx Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO t (n) VALUES (?)", i); err != nil {
					return err
				}
				if i%8 == 0 {
					return errBoom // after writing: the write must be undone
				}
				return nil
			})
		})
	}
	wg.Wait()

	for i, err := range errs {
		if i%8 == 0 && !errors.Is(err, errBoom) {
			t.Errorf("write %d: err = %v, want its own error", i, err)
		}
		if i%8 != 0 && err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	rows, err := db.QueryContext(t.Context(), "SELECT n FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[int]bool{}
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		seen[n] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i := range writers {
		if seen[i] == (i%8 == 0) {
			t.Errorf("row %d stored = %v, want %v", i, seen[i], i%8 != 0)
		}
	}
}

func TestWritesWaitingTogetherShareOneTransaction(t *testing.T) {
	t.Parallel()
	db := open(t)
	createTable(t, db, `CREATE TABLE parent (id INTEGER PRIMARY KEY);
		CREATE TABLE child (n INTEGER PRIMARY KEY,
			parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)

	// One write leaves a deferred foreign-key violation that only COMMIT detects: every
	// write of its group must fail with the commit, which shows they shared it.
	release := hold(t, db)
	const writers = 40
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs[i] = Write(t.Context(), db, func(ctx context.Context, tx Tx) error {
				parent := any(nil)
				if i == writers/2 {
					parent = 999
				}
				_, err := tx.ExecContext(ctx, "INSERT INTO child (n, parent) VALUES (?, ?)", i, parent)
				return err
			})
		})
	}
	waitPending(t, db, writers)
	release()
	wg.Wait()

	for i, err := range errs {
		if err == nil {
			t.Errorf("write %d committed apart from its group", i)
		}
	}
	if n := count(t, db, "child"); n != 0 {
		t.Errorf("%d rows stored from a failed commit", n)
	}
	// The committer carries on after a failed group.
	createTable(t, db, "CREATE TABLE after (n INTEGER)")
}

func TestAWriteWithdrawnBeforeItsTurnNeverRuns(t *testing.T) {
	t.Parallel()
	db := open(t)
	release := hold(t, db)

	ctx, cancel := context.WithCancel(t.Context())
	var ran atomic.Bool
	done := make(chan error, 1)
	go func() {
		done <- Write(ctx, db, func(context.Context, Tx) error {
			ran.Store(true)
			return nil
		})
	}()
	waitPending(t, db, 1)
	cancel()
	err := <-done
	release()

	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if ran.Load() {
		t.Error("the withdrawn write ran")
	}
}

func TestMigrateAppliesOnlyTheStepsNotYetApplied(t *testing.T) {
	t.Parallel()
	db := open(t)
	ctx := t.Context()
	v1 := []string{`CREATE TABLE a (n INTEGER); CREATE INDEX a_n ON a (n)`}
	v2 := append(v1, `ALTER TABLE a ADD COLUMN m INTEGER`)

	for _, steps := range [][]string{v1, v1, v2, v2} {
		if err := Migrate(ctx, db, "demo", steps); err != nil {
			t.Fatalf("migrate to %d steps: %v", len(steps), err)
		}
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO a (n, m) VALUES (1, 2)"); err != nil {
		t.Errorf("the schema is not at step 2: %v", err)
	}
	var version int
	if err := db.QueryRowContext(ctx,
		"SELECT version FROM schema_version WHERE component = 'demo'").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != 2 {
		t.Errorf("version = %d, want 2", version)
	}
	if err := Migrate(ctx, db, "other", []string{`CREATE TABLE b (n INTEGER)`}); err != nil {
		t.Errorf("a second component: %v", err)
	}
	if err := Migrate(ctx, db, "demo", v1); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("an older program migrating: err = %v, want ErrSchemaTooNew", err)
	}
}

func TestAFailingMigrationStepLeavesTheSchemaAsItWas(t *testing.T) {
	t.Parallel()
	db := open(t)
	ctx := t.Context()
	err := Migrate(ctx, db, "demo", []string{`CREATE TABLE a (n INTEGER)`, `NOT SQL`})
	if err == nil {
		t.Fatal("a broken step migrated")
	}
	if err := Migrate(ctx, db, "demo", []string{`CREATE TABLE a (n INTEGER)`}); err != nil {
		t.Errorf("step 1 was kept from the failed migration: %v", err)
	}
}

func TestSignalWakesTheWatchersOfItsTopicOnly(t *testing.T) {
	t.Parallel()
	db, other := open(t), open(t)
	a, b, elsewhere := Watch(db, "a"), Watch(db, "b"), Watch(other, "a")

	Signal(db, "a")

	select {
	case <-a:
	default:
		t.Error("the watcher of the signalled topic was not woken")
	}
	for name, ch := range map[string]<-chan struct{}{"another topic": b, "another database": elsewhere} {
		select {
		case <-ch:
			t.Errorf("a watcher of %s was woken", name)
		default:
		}
	}
	select {
	case <-Watch(db, "a"):
		t.Error("a new watch starts closed")
	default:
	}
}
