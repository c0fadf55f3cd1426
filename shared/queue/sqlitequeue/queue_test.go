package sqlitequeue_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/queuetest"
	"github.com/urakata/urakata/shared/queue/sqlitequeue"
	"github.com/urakata/urakata/shared/sqlitedb"
)

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func newQueue(t testing.TB, db *sql.DB, opts sqlitequeue.Options) *sqlitequeue.Queue {
	t.Helper()
	if opts.Name == "" {
		opts.Name = "work"
	}
	q, err := sqlitequeue.New(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Close() })
	return q
}

// clock is a fake time that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestConformance(t *testing.T) {
	t.Parallel()
	queuetest.Run(t, func(t *testing.T, maxReceives int) queuetest.Subject {
		return newQueue(t, openDB(t), sqlitequeue.Options{MaxReceives: maxReceives})
	}, queuetest.Features{
		Tick:               200 * time.Millisecond,
		MaxReceive:         sqlitequeue.MaxReceive,
		MaxSend:            1000,
		DeleteReportsStale: true,
	})
}

func send(t *testing.T, q queue.Queue, bodies ...string) {
	t.Helper()
	var batch []queue.Outgoing
	for _, b := range bodies {
		batch = append(batch, queue.Outgoing{Body: []byte(b)})
	}
	if err := q.Send(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
}

func receive(t *testing.T, q queue.Queue, opts queue.ReceiveOptions) []queue.Message {
	t.Helper()
	msgs, err := q.Receive(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestOneReceiveTakesAWholeBatchInOrder(t *testing.T) {
	t.Parallel()
	q := newQueue(t, openDB(t), sqlitequeue.Options{})
	var bodies []string
	for i := range sqlitequeue.MaxReceive + 5 {
		bodies = append(bodies, fmt.Sprint(i))
	}
	send(t, q, bodies...)

	msgs := receive(t, q, queue.ReceiveOptions{Max: sqlitequeue.MaxReceive, Visibility: time.Minute})
	if len(msgs) != sqlitequeue.MaxReceive {
		t.Fatalf("received %d, want %d", len(msgs), sqlitequeue.MaxReceive)
	}
	for i, m := range msgs {
		if string(m.Body) != bodies[i] {
			t.Fatalf("message %d is %q, want %q: oldest first", i, m.Body, bodies[i])
		}
	}
}

func TestAZeroVisibilityReceiveReturnsEachMessageOnce(t *testing.T) {
	t.Parallel()
	q := newQueue(t, openDB(t), sqlitequeue.Options{})
	send(t, q, "a", "b")
	if msgs := receive(t, q, queue.ReceiveOptions{Max: 10}); len(msgs) != 2 {
		t.Errorf("received %d, want the 2 messages once each", len(msgs))
	}
	if msgs := receive(t, q, queue.ReceiveOptions{Max: 10}); len(msgs) != 2 {
		t.Errorf("received %d, want the 2 messages visible again", len(msgs))
	}
}

func TestQueuesSharingADatabaseStayApart(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	a := newQueue(t, db, sqlitequeue.Options{Name: "a"})
	b := newQueue(t, db, sqlitequeue.Options{Name: "b"})
	send(t, a, "for a")

	if msgs := receive(t, b, queue.ReceiveOptions{Max: 10}); len(msgs) != 0 {
		t.Fatalf("queue b received %q, sent to a", msgs[0].Body)
	}
	m := receive(t, a, queue.ReceiveOptions{Max: 10, Visibility: time.Minute})[0]
	if err := b.Delete(t.Context(), m.Receipt); !errors.Is(err, queue.ErrStaleReceipt) {
		t.Errorf("b deleting a's message: err = %v, want ErrStaleReceipt", err)
	}
	if err := a.Bury(t.Context(), m.Receipt, "test"); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Redrive(t.Context(), []string{m.ID}); err != nil || n != 0 {
		t.Errorf("b redrove %d of a's dead letters (err %v), want 0", n, err)
	}
	if dead, err := b.ListDead(t.Context(), "", 10); err != nil || len(dead) != 0 {
		t.Errorf("b lists %d dead letters (err %v), want none", len(dead), err)
	}
	if stats, err := b.Stats(t.Context()); err != nil || stats != (queue.Stats{}) {
		t.Errorf("b counts %+v (err %v), want nothing", stats, err)
	}
}

func TestAReceiptStaysGoodAfterItsVisibilityUntilTheMessageIsReceivedAgain(t *testing.T) {
	t.Parallel()
	clk := newClock()
	q := newQueue(t, openDB(t), sqlitequeue.Options{Now: clk.Now})
	send(t, q, "slow worker")
	m := receive(t, q, queue.ReceiveOptions{Max: 1, Visibility: time.Minute})[0]
	clk.Advance(2 * time.Minute)

	if err := q.Retry(t.Context(), m.Receipt, time.Second, "still trying"); err != nil {
		t.Errorf("retry after the visibility ended, nobody else receiving: %v", err)
	}
	clk.Advance(time.Second)
	again := receive(t, q, queue.ReceiveOptions{Max: 1, Visibility: time.Minute})
	if len(again) != 1 || again[0].ReceiveCount != 2 {
		t.Fatalf("received %v, want the message counted 2", again)
	}
	if err := q.Delete(t.Context(), m.Receipt); !errors.Is(err, queue.ErrStaleReceipt) {
		t.Errorf("delete with the older receipt: err = %v, want ErrStaleReceipt", err)
	}
}

func TestTheReceiveLimitCountsOnTheQueuesClock(t *testing.T) {
	t.Parallel()
	clk := newClock()
	q := newQueue(t, openDB(t), sqlitequeue.Options{Now: clk.Now, MaxReceives: 3})
	send(t, q, "crashes the worker")
	for i := 1; i <= 3; i++ {
		msgs := receive(t, q, queue.ReceiveOptions{Max: 1, Visibility: time.Minute})
		if len(msgs) != 1 || msgs[0].ReceiveCount != i {
			t.Fatalf("receive %d: got %v", i, msgs)
		}
		clk.Advance(time.Minute) // the worker died: the visibility runs out
	}
	if msgs := receive(t, q, queue.ReceiveOptions{Max: 1, Visibility: time.Minute}); len(msgs) != 0 {
		t.Fatalf("the fourth receive returned the message counted %d", msgs[0].ReceiveCount)
	}
	dead, err := q.ListDead(t.Context(), "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].ReceiveCount != 3 || dead[0].LastError != "" || !dead[0].DeadAt.Equal(clk.Now()) {
		t.Errorf("dead letters = %+v, want the message counted 3, no error, dead now", dead)
	}
}

func TestRequestsOutsideTheLimitsAreRefused(t *testing.T) {
	t.Parallel()
	q := newQueue(t, openDB(t), sqlitequeue.Options{})
	ctx := t.Context()
	tests := []struct {
		name string
		err  error
	}{
		{"a delay longer than SQS allows", q.Send(ctx, []queue.Outgoing{{Delay: sqlitequeue.MaxDelay + time.Second}})},
		{"a receive of more than the most", func() error {
			_, err := q.Receive(ctx, queue.ReceiveOptions{Max: sqlitequeue.MaxReceive + 1})
			return err
		}()},
		{"a visibility longer than SQS allows", func() error {
			_, err := q.Receive(ctx, queue.ReceiveOptions{Visibility: sqlitequeue.MaxVisibility + time.Second})
			return err
		}()},
		{"a dead-letter page of no size", func() error {
			_, err := q.ListDead(ctx, "", 0)
			return err
		}()},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, sqlitequeue.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", tt.name, tt.err)
		}
	}
	if stats, err := q.Stats(ctx); err != nil || stats != (queue.Stats{}) {
		t.Errorf("after refused requests the queue holds %+v (err %v)", stats, err)
	}
}

func TestASendThroughAnotherHandleWakesAWaitingReceive(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	receiver := newQueue(t, db, sqlitequeue.Options{Name: "shared"})
	sender := newQueue(t, db, sqlitequeue.Options{Name: "shared"})
	const wait = 20 * time.Second

	done := make(chan []queue.Message, 1)
	start := time.Now()
	go func() {
		msgs, err := receiver.Receive(context.Background(), queue.ReceiveOptions{Max: 1, Visibility: time.Minute, Wait: wait})
		if err != nil {
			t.Error(err)
		}
		done <- msgs
	}()
	time.Sleep(50 * time.Millisecond)
	send(t, sender, "hello")
	msgs := <-done
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want 1", len(msgs))
	}
	if elapsed := time.Since(start); elapsed >= wait/2 {
		t.Errorf("woke after %s of a %s wait", elapsed, wait)
	}
}

func TestCloseEndsAWaitingReceiveAndRefusesLaterCalls(t *testing.T) {
	t.Parallel()
	q := newQueue(t, openDB(t), sqlitequeue.Options{})
	done := make(chan error, 1)
	go func() {
		_, err := q.Receive(context.Background(), queue.ReceiveOptions{Wait: time.Hour})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, sqlitequeue.ErrClosed) {
		t.Errorf("the waiting receive: err = %v, want ErrClosed", err)
	}
	if err := q.Send(t.Context(), []queue.Outgoing{{Body: []byte("late")}}); !errors.Is(err, sqlitequeue.ErrClosed) {
		t.Errorf("send after close: err = %v, want ErrClosed", err)
	}
}

func TestACanceledWaitReturnsTheContextError(t *testing.T) {
	t.Parallel()
	q := newQueue(t, openDB(t), sqlitequeue.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := q.Receive(ctx, queue.ReceiveOptions{Wait: time.Hour})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// The queue's statements must find rows through its indexes, whatever the queue's size.
func TestQueriesUseTheIndexes(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	newQueue(t, db, sqlitequeue.Options{})
	tests := []struct{ name, query string }{
		{"receive", `SELECT seq FROM queue_messages WHERE queue = 'q' AND dead_at IS NULL AND visible_at <= 1
			ORDER BY visible_at, seq LIMIT 10`},
		{"next hidden", `SELECT min(visible_at) FROM queue_messages
			WHERE queue = 'q' AND dead_at IS NULL AND visible_at > 1`},
		{"list dead", `SELECT seq FROM queue_messages WHERE queue = 'q' AND dead_at IS NOT NULL AND seq > 0
			ORDER BY seq LIMIT 10`},
		{"count dead", `SELECT count(*) FROM queue_messages WHERE queue = 'q' AND dead_at IS NOT NULL`},
	}
	for _, tt := range tests {
		rows, err := db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+tt.query)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, "USING") || strings.Contains(joined, "TEMP B-TREE") ||
			strings.Contains(joined, "SCAN queue_messages") {
			t.Errorf("%s plan: %s", tt.name, joined)
		}
	}
}
