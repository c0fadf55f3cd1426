package sqlitedb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"weak"
)

// Tx is what a write operation may do inside the shared transaction: run statements. It
// must not begin, commit or roll back; Write does that.
type Tx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// maxGroup bounds the operations committed together, so that one transaction, and the
// latency of the first caller in it, stays short under a flood.
const maxGroup = 512

// Write runs fn as one atomic write to db and returns once it is durably committed, with
// fn's error or the commit's. Writes from every goroutine (every queue and store on db)
// are run one at a time by a single committer, which gathers the operations waiting and
// commits them together: the group shares one transaction and one fsync, while each
// operation has its own savepoint, so one that fails leaves no trace and does not
// disturb the others.
//
// fn runs on the committer's goroutine with a context of its own: a caller giving up must
// not interrupt statements of a transaction that others share. If ctx ends before fn
// starts, fn never runs and Write returns ctx's error; once fn has started, Write waits
// for the commit, which is short. fn must be quick, must not call Write itself (it would
// wait for its own group), and runs at most once.
func Write(ctx context.Context, db *sql.DB, fn func(ctx context.Context, tx Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := stateOf(db)
	o := &op{fn: fn, done: make(chan error, 1)}
	s.mu.Lock()
	s.pending = append(s.pending, o)
	if !s.committing {
		s.committing = true
		go s.commitLoop(db)
	}
	s.mu.Unlock()

	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		if s.withdraw(o) {
			return ctx.Err()
		}
		return <-o.done
	}
}

// op is one call to Write waiting for its commit.
type op struct {
	fn   func(context.Context, Tx) error
	done chan error
}

// state is what the process keeps per database: the writes waiting for the committer and
// the in-process change signals.
type state struct {
	mu         sync.Mutex
	pending    []*op
	committing bool
	signals    map[string]chan struct{}
}

// states maps each *sql.DB to its state. The key is weak and a cleanup drops the entry, so
// a database that is closed and forgotten is not kept alive by this map. The state holds
// no reference to the db; only a running committer does, and it exits when idle.
var states sync.Map // weak.Pointer[sql.DB] → *state

func stateOf(db *sql.DB) *state {
	key := weak.Make(db)
	if s, ok := states.Load(key); ok {
		return s.(*state)
	}
	s, loaded := states.LoadOrStore(key, &state{})
	if !loaded {
		runtime.AddCleanup(db, func(k weak.Pointer[sql.DB]) { states.Delete(k) }, key)
	}
	return s.(*state)
}

// withdraw removes o if the committer has not taken it yet, and reports whether it did.
func (s *state) withdraw(o *op) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.Index(s.pending, o)
	if i < 0 {
		return false
	}
	s.pending = slices.Delete(s.pending, i, i+1)
	return true
}

// commitLoop commits what is waiting, group after group, and exits when nothing is.
func (s *state) commitLoop(db *sql.DB) {
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			s.pending = nil
			s.committing = false
			s.mu.Unlock()
			return
		}
		n := min(len(s.pending), maxGroup)
		group := slices.Clone(s.pending[:n])
		s.pending = slices.Delete(s.pending, 0, n)
		s.mu.Unlock()

		errs, err := commit(db, group)
		for i, o := range group {
			if errs[i] == nil {
				errs[i] = err
			}
			o.done <- errs[i]
		}
	}
}

// commit runs group in one transaction. It returns each operation's own error, and the
// error that failed the whole group (then nothing was committed).
func commit(db *sql.DB, group []*op) (errs []error, err error) {
	ctx := context.Background()
	errs = make([]error, len(group))
	conn, err := db.Conn(ctx)
	if err != nil {
		return errs, fmt.Errorf("sqlitedb: take a connection to write: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return errs, fmt.Errorf("sqlitedb: begin write: %w", err)
	}
	for i, o := range group {
		if _, err := conn.ExecContext(ctx, "SAVEPOINT write_op"); err != nil {
			return errs, abort(ctx, conn, fmt.Errorf("sqlitedb: savepoint: %w", err))
		}
		errs[i] = o.fn(ctx, conn)
		if errs[i] != nil {
			// Some failures (a full disk, an I/O error) roll back the whole transaction,
			// and then the savepoint is gone too: the group fails.
			if _, err := conn.ExecContext(ctx, "ROLLBACK TO write_op"); err != nil {
				return errs, abort(ctx, conn, fmt.Errorf("sqlitedb: undo a failed write: %w", err))
			}
		}
		if _, err := conn.ExecContext(ctx, "RELEASE write_op"); err != nil {
			return errs, abort(ctx, conn, fmt.Errorf("sqlitedb: release savepoint: %w", err))
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return errs, abort(ctx, conn, fmt.Errorf("sqlitedb: commit: %w", err))
	}
	return errs, nil
}

// abort rolls the transaction back and returns cause. If even that fails, the connection
// is discarded rather than handed back to the pool inside a transaction.
func abort(ctx context.Context, conn *sql.Conn, cause error) error {
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return cause
}

// Signal wakes every goroutine watching topic on db. Adapters call it after a write that
// others may be waiting for, such as a send to a queue with long-polling receivers.
func Signal(db *sql.DB, topic string) {
	s := stateOf(db)
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.signals[topic]; ok {
		close(ch)
		delete(s.signals, topic)
	}
}

// Watch returns a channel that is closed at the next Signal of topic on db. Take it before
// looking at the data, so that a change landing in between is not missed. Signals reach
// this process only; a write from another process is seen on the next look.
func Watch(db *sql.DB, topic string) <-chan struct{} {
	s := stateOf(db)
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.signals[topic]
	if !ok {
		if s.signals == nil {
			s.signals = make(map[string]chan struct{})
		}
		ch = make(chan struct{})
		s.signals[topic] = ch
	}
	return ch
}
