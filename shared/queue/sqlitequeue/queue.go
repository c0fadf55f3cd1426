// Package sqlitequeue is the embedded runtime's durable queue: queue.Queue with SQS
// semantics, kept in the SQLite database that sqlitedb opens.
//
// Every message is one row; a dead letter is the same row marked dead, so burying and
// redriving move nothing. Receive finds the next visible messages through an index on
// visibility time. Writes go through sqlitedb.Write, so concurrent Sends from many
// goroutines are committed together, one fsync per group, and each Send returns only once
// its own messages are on disk. A long-polling Receive sleeps until a Send, Retry or
// Redrive in this process signals the queue, or until the next hidden message is due.
package sqlitequeue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/sqlitedb"
)

// Limits that mirror SQS, so that what works on the embedded runtime works in AWS.
const (
	// MaxReceive is the most messages one Receive returns (SQS: 10).
	MaxReceive = 100
	// MaxDelay is the longest Outgoing.Delay (SQS DelaySeconds: 15 minutes).
	MaxDelay = 15 * time.Minute
	// MaxVisibility is the longest visibility timeout or Retry delay (SQS: 12 hours).
	MaxVisibility = 12 * time.Hour
)

var (
	// ErrClosed says the queue was closed.
	ErrClosed = errors.New("sqlitequeue: queue closed")
	// ErrInvalid says a request is outside the queue's limits; nothing was done.
	ErrInvalid = errors.New("sqlitequeue: invalid request")
)

// Options configures a queue.
type Options struct {
	// Name tells apart the queues that share a database.
	Name string
	// MaxReceives is the receive limit (SQS maxReceiveCount): the receive that would be
	// the message's MaxReceives+1th moves it to the dead letters instead. 0: no limit.
	MaxReceives int
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Queue is one named queue in a database. It is safe for concurrent use.
type Queue struct {
	db          *sql.DB
	name        string
	topic       string
	maxReceives int
	now         func() time.Time
	closed      chan struct{}
	closeOnce   sync.Once
}

var (
	_ queue.Queue       = (*Queue)(nil)
	_ queue.DeadLetters = (*Queue)(nil)
	_ queue.Counter     = (*Queue)(nil)
)

// schema is the queue's migration steps; append, never edit.
var schema = []string{`
CREATE TABLE queue_messages (
	seq           INTEGER PRIMARY KEY AUTOINCREMENT, -- the message id; never reused
	queue         TEXT    NOT NULL,
	body          BLOB    NOT NULL,
	attributes    TEXT,                              -- JSON object, NULL when none
	sent_at       INTEGER NOT NULL,                  -- Unix nanoseconds, as every time here
	visible_at    INTEGER NOT NULL,
	receive_count INTEGER NOT NULL DEFAULT 0,
	receipt       TEXT,                              -- the token of the latest receive
	last_error    TEXT    NOT NULL DEFAULT '',
	dead_at       INTEGER                            -- NULL while the message is live
);
CREATE INDEX queue_messages_ready ON queue_messages (queue, visible_at) WHERE dead_at IS NULL;
CREATE INDEX queue_messages_dead ON queue_messages (queue) WHERE dead_at IS NOT NULL;
`}

// New opens the queue opts.Name in db, creating its table on first use. Close it when done;
// db stays open.
func New(db *sql.DB, opts Options) (*Queue, error) {
	if opts.Name == "" {
		return nil, fmt.Errorf("%w: a queue needs a name", ErrInvalid)
	}
	if opts.MaxReceives < 0 {
		return nil, fmt.Errorf("%w: negative receive limit", ErrInvalid)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := sqlitedb.Migrate(context.Background(), db, "queue", schema); err != nil {
		return nil, fmt.Errorf("sqlitequeue: open %s: %w", opts.Name, err)
	}
	return &Queue{
		db:          db,
		name:        opts.Name,
		topic:       "queue:" + opts.Name,
		maxReceives: opts.MaxReceives,
		now:         opts.Now,
		closed:      make(chan struct{}),
	}, nil
}

// Close stops the queue: waiting receivers return ErrClosed, and so does every later call.
// Writes already handed to the committer still complete.
func (q *Queue) Close() error {
	q.closeOnce.Do(func() { close(q.closed) })
	return nil
}

func (q *Queue) isClosed() bool {
	select {
	case <-q.closed:
		return true
	default:
		return false
	}
}

// write runs fn through the database's group committer.
func (q *Queue) write(ctx context.Context, fn func(ctx context.Context, tx sqlitedb.Tx) error) error {
	if q.isClosed() {
		return ErrClosed
	}
	return sqlitedb.Write(ctx, q.db, fn)
}

// Send stores the batch in one transaction, shared with whatever other writes are
// waiting, and returns once it is committed and fsync'd.
func (q *Queue) Send(ctx context.Context, batch []queue.Outgoing) error {
	_, err := q.SendIf(ctx, nil, batch)
	return err
}

// SendIf enqueues batch only if cond, run in the same transaction (on the same database),
// says so, and reports whether it did: a webhook's delivery id is recorded and its jobs
// enqueued in one durable write. A nil cond always sends.
func (q *Queue) SendIf(ctx context.Context, cond func(ctx context.Context, tx sqlitedb.Tx) (bool, error), batch []queue.Outgoing) (bool, error) {
	if len(batch) == 0 && cond == nil {
		return false, nil
	}
	type row struct {
		body  []byte
		attrs any
		delay time.Duration
	}
	rows := make([]row, len(batch))
	for i, m := range batch {
		if m.Delay < 0 || m.Delay > MaxDelay {
			return false, fmt.Errorf("%w: send to %s: message %d: delay %s is outside 0 to %s",
				ErrInvalid, q.name, i, m.Delay, MaxDelay)
		}
		attrs, err := encodeAttributes(m.Attributes)
		if err != nil {
			return false, fmt.Errorf("sqlitequeue: send to %s: message %d: %w", q.name, i, err)
		}
		body := m.Body
		if body == nil {
			body = []byte{}
		}
		rows[i] = row{body: body, attrs: attrs, delay: m.Delay}
	}
	sent := false
	err := q.write(ctx, func(ctx context.Context, tx sqlitedb.Tx) error {
		if cond != nil {
			ok, err := cond(ctx, tx)
			if err != nil || !ok {
				return err
			}
		}
		now := q.now()
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO queue_messages
				(queue, body, attributes, sent_at, visible_at) VALUES (?, ?, ?, ?, ?)`,
				q.name, r.body, r.attrs, nanos(now), nanos(now.Add(r.delay))); err != nil {
				return err
			}
		}
		sent = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("sqlitequeue: send %d messages to %s: %w", len(batch), q.name, err)
	}
	if sent && len(rows) > 0 {
		sqlitedb.Signal(q.db, q.topic)
	}
	return sent, nil
}

// Receive returns up to opts.Max visible messages, oldest visible first, and hides them for
// opts.Visibility. A Max below 1 counts as 1; above MaxReceive it is refused. A message past the receive limit goes
// to the dead letters on the way. With opts.Wait, it waits for a message to become visible:
// woken by a Send, Retry or Redrive in this process or when a hidden message is due; a
// message sent by another process is found at the latest when the wait ends.
func (q *Queue) Receive(ctx context.Context, opts queue.ReceiveOptions) ([]queue.Message, error) {
	limit := max(opts.Max, 1)
	if limit > MaxReceive {
		return nil, fmt.Errorf("%w: receive from %s: max %d is over %d", ErrInvalid, q.name, opts.Max, MaxReceive)
	}
	if opts.Visibility < 0 || opts.Visibility > MaxVisibility {
		return nil, fmt.Errorf("%w: receive from %s: visibility %s is outside 0 to %s",
			ErrInvalid, q.name, opts.Visibility, MaxVisibility)
	}
	deadline := time.Now().Add(opts.Wait)
	for {
		// Watch before looking, so a send landing between the look and the wait wakes us.
		changed := sqlitedb.Watch(q.db, q.topic)
		msgs, next, err := q.receiveOnce(ctx, limit, opts.Visibility)
		if err != nil || len(msgs) > 0 {
			return msgs, err
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return nil, nil
		}
		if !next.IsZero() {
			// At least a millisecond, so a clock that does not move cannot make us spin.
			wait = min(wait, max(next.Sub(q.now()), time.Millisecond))
		}
		timer := time.NewTimer(wait)
		select {
		case <-changed:
		case <-timer.C:
		case <-q.closed:
			timer.Stop()
			return nil, ErrClosed
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("sqlitequeue: receive from %s: %w", q.name, ctx.Err())
		}
		timer.Stop()
	}
}

// receiveOnce takes what is visible now. When nothing is, it returns when the next hidden
// message becomes visible (zero if none is hidden).
func (q *Queue) receiveOnce(ctx context.Context, limit int, visibility time.Duration) (msgs []queue.Message, next time.Time, err error) {
	err = q.write(ctx, func(ctx context.Context, tx sqlitedb.Tx) error {
		msgs = msgs[:0]
		now := q.now()
		// Rows taken in this call: with a zero visibility they stay visible and would be
		// found again by the next pass.
		taken := map[int64]bool{}
		for len(msgs) < limit {
			want := limit - len(msgs) + len(taken)
			found, err := q.visible(ctx, tx, now, want)
			if err != nil {
				return err
			}
			fresh := 0
			for _, c := range found {
				if taken[c.seq] {
					continue
				}
				taken[c.seq] = true
				fresh++
				if q.maxReceives > 0 && c.ReceiveCount >= q.maxReceives {
					if _, err := tx.ExecContext(ctx, `UPDATE queue_messages
						SET dead_at = ?, receipt = NULL WHERE seq = ?`, nanos(now), c.seq); err != nil {
						return fmt.Errorf("move a message to the dead letters: %w", err)
					}
					continue
				}
				token := rand.Text()
				if _, err := tx.ExecContext(ctx, `UPDATE queue_messages
					SET receive_count = receive_count + 1, visible_at = ?, receipt = ? WHERE seq = ?`,
					nanos(now.Add(visibility)), token, c.seq); err != nil {
					return fmt.Errorf("hide a received message: %w", err)
				}
				c.ReceiveCount++
				c.Receipt = c.ID + "." + token
				msgs = append(msgs, c.Message)
				if len(msgs) == limit {
					break
				}
			}
			if fresh == 0 || len(found) < want {
				break
			}
		}
		if len(msgs) > 0 {
			return nil
		}
		var due sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT min(visible_at) FROM queue_messages
			WHERE queue = ? AND dead_at IS NULL AND visible_at > ?`, q.name, nanos(now)).Scan(&due); err != nil {
			return fmt.Errorf("find the next hidden message: %w", err)
		}
		next = fromNanos(due.Int64)
		return nil
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("sqlitequeue: receive from %s: %w", q.name, err)
	}
	return msgs, next, nil
}

// candidate is a visible message found by Receive.
type candidate struct {
	queue.Message
	seq int64
}

func (q *Queue) visible(ctx context.Context, tx sqlitedb.Tx, now time.Time, limit int) ([]candidate, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, body, attributes, sent_at, receive_count
		FROM queue_messages WHERE queue = ? AND dead_at IS NULL AND visible_at <= ?
		ORDER BY visible_at, seq LIMIT ?`, q.name, nanos(now), limit)
	if err != nil {
		return nil, fmt.Errorf("find visible messages: %w", err)
	}
	defer rows.Close()
	var found []candidate
	for rows.Next() {
		var c candidate
		var attrs sql.NullString
		var sent int64
		if err := rows.Scan(&c.seq, &c.Body, &attrs, &sent, &c.ReceiveCount); err != nil {
			return nil, fmt.Errorf("read a visible message: %w", err)
		}
		c.ID = strconv.FormatInt(c.seq, 10)
		c.SentAt = fromNanos(sent)
		if c.Attributes, err = decodeAttributes(attrs); err != nil {
			return nil, fmt.Errorf("message %s: %w", c.ID, err)
		}
		found = append(found, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find visible messages: %w", err)
	}
	return found, nil
}

// Delete removes the message the receipt owns.
func (q *Queue) Delete(ctx context.Context, receipt string) error {
	err := q.onReceipt(ctx, receipt, `DELETE FROM queue_messages`, nil)
	if err != nil {
		return fmt.Errorf("sqlitequeue: delete from %s: %w", q.name, err)
	}
	return nil
}

// Retry makes the message visible again after delay (at most MaxVisibility) and records
// cause as its last error. The receipt stays good until the message is received again.
func (q *Queue) Retry(ctx context.Context, receipt string, delay time.Duration, cause string) error {
	if delay < 0 || delay > MaxVisibility {
		return fmt.Errorf("%w: retry on %s: delay %s is outside 0 to %s", ErrInvalid, q.name, delay, MaxVisibility)
	}
	err := q.onReceipt(ctx, receipt, `UPDATE queue_messages SET visible_at = ?, last_error = ?`,
		func(now time.Time) []any { return []any{nanos(now.Add(delay)), cause} })
	if err != nil {
		return fmt.Errorf("sqlitequeue: retry on %s: %w", q.name, err)
	}
	sqlitedb.Signal(q.db, q.topic)
	return nil
}

// Bury moves the message to the dead letters now, with cause as its last error.
func (q *Queue) Bury(ctx context.Context, receipt string, cause string) error {
	err := q.onReceipt(ctx, receipt, `UPDATE queue_messages SET dead_at = ?, last_error = ?, receipt = NULL`,
		func(now time.Time) []any { return []any{nanos(now), cause} })
	if err != nil {
		return fmt.Errorf("sqlitequeue: bury on %s: %w", q.name, err)
	}
	return nil
}

// onReceipt runs stmt (a DELETE or UPDATE … SET without a WHERE) on the live message that
// the receipt owns, or returns queue.ErrStaleReceipt.
func (q *Queue) onReceipt(ctx context.Context, receipt, stmt string, args func(now time.Time) []any) error {
	id, token, ok := strings.Cut(receipt, ".")
	seq, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || token == "" {
		return queue.ErrStaleReceipt
	}
	return q.write(ctx, func(ctx context.Context, tx sqlitedb.Tx) error {
		var a []any
		if args != nil {
			a = args(q.now())
		}
		a = append(a, seq, q.name, token)
		res, err := tx.ExecContext(ctx, stmt+` WHERE seq = ? AND queue = ? AND receipt = ? AND dead_at IS NULL`, a...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return queue.ErrStaleReceipt
		}
		return nil
	})
}

// ListDead returns up to limit dead letters in the order they were sent, after the one
// with id after ("" for the first page).
func (q *Queue) ListDead(ctx context.Context, after string, limit int) ([]queue.DeadLetter, error) {
	if q.isClosed() {
		return nil, ErrClosed
	}
	if limit < 1 {
		return nil, fmt.Errorf("%w: list dead letters of %s: limit %d", ErrInvalid, q.name, limit)
	}
	var from int64
	if after != "" {
		var err error
		if from, err = strconv.ParseInt(after, 10, 64); err != nil {
			return nil, fmt.Errorf("%w: list dead letters of %s: %q is not a message id", ErrInvalid, q.name, after)
		}
	}
	rows, err := q.db.QueryContext(ctx, `SELECT seq, body, attributes, sent_at, receive_count, last_error, dead_at
		FROM queue_messages WHERE queue = ? AND dead_at IS NOT NULL AND seq > ?
		ORDER BY seq LIMIT ?`, q.name, from, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlitequeue: list dead letters of %s: %w", q.name, err)
	}
	defer rows.Close()
	var dead []queue.DeadLetter
	for rows.Next() {
		var d queue.DeadLetter
		var seq, sent, died int64
		var attrs sql.NullString
		if err := rows.Scan(&seq, &d.Body, &attrs, &sent, &d.ReceiveCount, &d.LastError, &died); err != nil {
			return nil, fmt.Errorf("sqlitequeue: list dead letters of %s: %w", q.name, err)
		}
		d.ID = strconv.FormatInt(seq, 10)
		d.SentAt, d.DeadAt = fromNanos(sent), fromNanos(died)
		if d.Attributes, err = decodeAttributes(attrs); err != nil {
			return nil, fmt.Errorf("sqlitequeue: list dead letters of %s: message %s: %w", q.name, d.ID, err)
		}
		dead = append(dead, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlitequeue: list dead letters of %s: %w", q.name, err)
	}
	return dead, nil
}

// Redrive makes the named dead letters visible again with a fresh receive count and no
// last error. Ids that are unknown, not dead, or of another queue are skipped.
func (q *Queue) Redrive(ctx context.Context, ids []string) (int, error) {
	moved := 0
	err := q.write(ctx, func(ctx context.Context, tx sqlitedb.Tx) error {
		moved = 0
		now := nanos(q.now())
		for _, id := range ids {
			seq, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				continue
			}
			res, err := tx.ExecContext(ctx, `UPDATE queue_messages
				SET dead_at = NULL, visible_at = ?, receive_count = 0, receipt = NULL, last_error = ''
				WHERE seq = ? AND queue = ? AND dead_at IS NOT NULL`, now, seq, q.name)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			moved += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqlitequeue: redrive on %s: %w", q.name, err)
	}
	if moved > 0 {
		sqlitedb.Signal(q.db, q.topic)
	}
	return moved, nil
}

// Stats counts the queue's messages. A hidden message counts as in flight once it has been
// received (also after Retry), and as delayed before, as SQS counts them. It reads every
// live message of the queue: for progress and alarms, not for a hot path.
func (q *Queue) Stats(ctx context.Context) (queue.Stats, error) {
	if q.isClosed() {
		return queue.Stats{}, ErrClosed
	}
	var s queue.Stats
	err := q.db.QueryRowContext(ctx, `SELECT
			count(*) FILTER (WHERE visible_at <= ?1),
			count(*) FILTER (WHERE visible_at > ?1 AND receive_count > 0),
			count(*) FILTER (WHERE visible_at > ?1 AND receive_count = 0)
		FROM queue_messages WHERE queue = ?2 AND dead_at IS NULL`,
		nanos(q.now()), q.name).Scan(&s.Visible, &s.InFlight, &s.Delayed)
	if err != nil {
		return queue.Stats{}, fmt.Errorf("sqlitequeue: count %s: %w", q.name, err)
	}
	err = q.db.QueryRowContext(ctx, `SELECT count(*) FROM queue_messages
		WHERE queue = ? AND dead_at IS NOT NULL`, q.name).Scan(&s.Dead)
	if err != nil {
		return queue.Stats{}, fmt.Errorf("sqlitequeue: count dead letters of %s: %w", q.name, err)
	}
	return s, nil
}

// encodeAttributes stores attributes as a JSON object; none is NULL.
func encodeAttributes(attrs map[string]string) (any, error) {
	if len(attrs) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		return nil, fmt.Errorf("encode attributes: %w", err)
	}
	return string(b), nil
}

func decodeAttributes(s sql.NullString) (map[string]string, error) {
	if !s.Valid {
		return nil, nil
	}
	var attrs map[string]string
	if err := json.Unmarshal([]byte(s.String), &attrs); err != nil {
		return nil, fmt.Errorf("decode attributes: %w", err)
	}
	return attrs, nil
}

// nanos is how times are stored: Unix nanoseconds, UTC by nature.
func nanos(t time.Time) int64 { return t.UnixNano() }

// fromNanos reads a stored time; 0 is the zero time.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
