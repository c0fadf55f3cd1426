// Package queuetest is the conformance suite of the queue port: every adapter (the embedded
// SQLite queue, SQS) runs the same cases, declaring with Features what it supports.
//
// The suite runs in real time, since SQS keeps its own clock. Its timing cases wait a few
// Features.Tick at most, and it checks timing only from below ("hidden at least this long"),
// except that a waiting receive must wake well before its wait ends; so a slow machine
// makes it slower, not flaky.
//
// Beyond the port's doc comments, the suite pins what both homes must agree on: Send
// refuses a whole batch holding a negative Delay; Retry or Bury with a stale receipt, and
// any call given a string that is no receipt at all, return ErrStaleReceipt; ListDead lists
// the oldest sent first; Stats count a retried message as in flight, as SQS does.
package queuetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/queue"
)

// Subject is what the suite tests: a queue with its dead letters and counts.
type Subject interface {
	queue.Queue
	queue.DeadLetters
	queue.Counter
}

// Factory builds a fresh, empty queue for one test, with the given receive limit (0: no
// limit), and registers its cleanup on t.
type Factory func(t *testing.T, maxReceives int) Subject

// Features declares what an adapter supports; the zero value describes SQS.
type Features struct {
	// Tick is the shortest visibility timeout and delay the adapter honours; the timing
	// cases use it and wait a few of it. Zero means one second, SQS's resolution.
	Tick time.Duration
	// MaxReceive is the largest ReceiveOptions.Max the adapter accepts; zero means 10.
	MaxReceive int
	// MaxSend is the largest batch Send accepts; zero means 10.
	MaxSend int
	// Settle is how long dead-letter listings and Stats may lag behind what was done
	// (SQS counts approximately); zero means they are exact at once.
	Settle time.Duration
	// DeleteReportsStale says Delete returns ErrStaleReceipt for a receipt that no longer
	// owns its message. SQS's DeleteMessage succeeds then (and may or may not delete), so
	// the suite checks stale deletes only when this is set.
	DeleteReportsStale bool
}

func (f Features) withDefaults() Features {
	if f.Tick <= 0 {
		f.Tick = time.Second
	}
	if f.MaxReceive <= 0 {
		f.MaxReceive = 10
	}
	if f.MaxSend <= 0 {
		f.MaxSend = 10
	}
	return f
}

// Run runs every case against queues from f, in parallel.
func Run(t *testing.T, f Factory, features Features) {
	features = features.withDefaults()
	cases := []struct {
		name        string
		maxReceives int
		run         func(*suite)
	}{
		{"a sent message arrives with its body and attributes and is gone once deleted", 0, (*suite).roundTrip},
		{"a batch arrives whole, each message once, no more than max at a time", 0, (*suite).batch},
		{"a batch with an invalid message stores none of it", 0, (*suite).invalidBatch},
		{"a received message stays hidden for its visibility, then comes back counted again", 0, (*suite).visibility},
		{"a delayed message stays hidden until its delay ends", 0, (*suite).delay},
		{"Retry hides the message for its delay and the next receive counts again", 0, (*suite).retry},
		{"a message past the receive limit goes to the dead letters with its last error", 2, (*suite).receiveLimit},
		{"Bury moves the message to the dead letters at once with its cause", 0, (*suite).bury},
		{"a receipt is stale once its message was received again or deleted", 0, (*suite).staleReceipt},
		{"dead letters are listed page by page, oldest first", 0, (*suite).listDead},
		{"Redrive returns dead letters to the queue with a fresh receive count", 0, (*suite).redrive},
		{"concurrent receivers never get the same hidden message", 0, (*suite).concurrentReceivers},
		{"a waiting receive wakes when a message is sent", 0, (*suite).longPoll},
		{"Stats counts visible, in-flight, delayed and dead messages", 0, (*suite).stats},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(&suite{t: t, q: f(t, c.maxReceives), f: features})
		})
	}
}

// suite is one case's queue and helpers.
type suite struct {
	t *testing.T
	q Subject
	f Features
}

// hideLong is a visibility or delay that outlasts any case.
const hideLong = 10 * time.Minute

// longWait is how long a receive waits for a message that should come.
func (s *suite) longWait() time.Duration { return min(10*s.f.Tick, 20*time.Second) }

func (s *suite) send(msgs ...queue.Outgoing) {
	s.t.Helper()
	for batch := range slices.Chunk(msgs, s.f.MaxSend) {
		if err := s.q.Send(s.t.Context(), batch); err != nil {
			s.t.Fatalf("send: %v", err)
		}
	}
}

func (s *suite) sendBodies(bodies ...string) {
	s.t.Helper()
	msgs := make([]queue.Outgoing, len(bodies))
	for i, b := range bodies {
		msgs[i] = queue.Outgoing{Body: []byte(b)}
	}
	s.send(msgs...)
}

// receiveOne waits for one message and fails the test if none comes.
func (s *suite) receiveOne(visibility time.Duration) queue.Message {
	s.t.Helper()
	msgs := s.receive(1, visibility, s.longWait())
	if len(msgs) != 1 {
		s.t.Fatalf("received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

// receiveN receives until it has n messages, failing the test if a wait ends empty.
func (s *suite) receiveN(n int, visibility time.Duration) []queue.Message {
	s.t.Helper()
	var got []queue.Message
	for len(got) < n {
		msgs := s.receive(min(n-len(got), s.f.MaxReceive), visibility, s.longWait())
		if len(msgs) == 0 {
			s.t.Fatalf("received %d messages, want %d", len(got), n)
		}
		got = append(got, msgs...)
	}
	return got
}

func (s *suite) receive(max int, visibility, wait time.Duration) []queue.Message {
	s.t.Helper()
	msgs, err := s.q.Receive(s.t.Context(), queue.ReceiveOptions{Max: max, Visibility: visibility, Wait: wait})
	if err != nil {
		s.t.Fatalf("receive: %v", err)
	}
	if len(msgs) > max {
		s.t.Fatalf("received %d messages, more than max %d", len(msgs), max)
	}
	return msgs
}

// expectNone checks that no message arrives within wait.
func (s *suite) expectNone(wait time.Duration) {
	s.t.Helper()
	if msgs := s.receive(s.f.MaxReceive, hideLong, wait); len(msgs) > 0 {
		s.t.Fatalf("received %d messages (first %q), want none", len(msgs), msgs[0].Body)
	}
}

// eventually retries check until it passes or within has passed, for what an adapter may
// show late (Features.Settle).
func (s *suite) eventually(within time.Duration, check func() error) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatal(err)
		}
		time.Sleep(s.f.Tick / 4)
	}
}

// dead lists every dead letter.
func (s *suite) dead() []queue.DeadLetter {
	s.t.Helper()
	var all []queue.DeadLetter
	after := ""
	for {
		page, err := s.q.ListDead(s.t.Context(), after, 100)
		if err != nil {
			s.t.Fatalf("list dead letters: %v", err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
}

// deadLetter waits for the dead letter with id.
func (s *suite) deadLetter(id string, within time.Duration) queue.DeadLetter {
	s.t.Helper()
	var found queue.DeadLetter
	s.eventually(within, func() error {
		for _, d := range s.dead() {
			if d.ID == id {
				found = d
				return nil
			}
		}
		return fmt.Errorf("message %s is not among the dead letters", id)
	})
	return found
}

// elapsedAtLeast checks a lower bound on time, with a tenth of slack for a server that
// counts coarsely.
func (s *suite) elapsedAtLeast(start time.Time, want time.Duration, what string) {
	s.t.Helper()
	if got := time.Since(start); got < want*9/10 {
		s.t.Errorf("%s after %s, want at least %s", what, got, want)
	}
}

func (s *suite) roundTrip() {
	before := time.Now()
	attrs := map[string]string{"flow": "attendance-to-payroll", "kind": "attendance.closed"}
	s.send(
		queue.Outgoing{Body: []byte(`{"employee_code":"E001","note":"締め日"}`), Attributes: attrs},
		queue.Outgoing{Body: []byte("no attributes")},
	)
	after := time.Now()

	msgs := s.receiveN(2, s.f.Tick)
	byBody := map[string]queue.Message{}
	for _, m := range msgs {
		byBody[string(m.Body)] = m
	}
	withAttrs, ok := byBody[`{"employee_code":"E001","note":"締め日"}`]
	if !ok {
		s.t.Fatalf("the first message did not arrive intact; got %q and %q", msgs[0].Body, msgs[1].Body)
	}
	if !maps.Equal(withAttrs.Attributes, attrs) {
		s.t.Errorf("attributes = %v, want %v", withAttrs.Attributes, attrs)
	}
	without, ok := byBody["no attributes"]
	if !ok {
		s.t.Fatal("the second message did not arrive intact")
	}
	if len(without.Attributes) != 0 {
		s.t.Errorf("a message sent without attributes has %v", without.Attributes)
	}
	if withAttrs.ID == "" || withAttrs.ID == without.ID {
		s.t.Errorf("ids %q and %q, want two distinct", withAttrs.ID, without.ID)
	}
	for _, m := range msgs {
		if m.ReceiveCount != 1 {
			s.t.Errorf("first receive counted %d", m.ReceiveCount)
		}
		if m.Receipt == "" {
			s.t.Error("no receipt")
		}
		// A minute of slack for the clock of a server elsewhere.
		if m.SentAt.Before(before.Add(-time.Minute)) || m.SentAt.After(after.Add(time.Minute)) {
			s.t.Errorf("sent at %s, want between %s and %s", m.SentAt, before, after)
		}
		if err := s.q.Delete(s.t.Context(), m.Receipt); err != nil {
			s.t.Fatalf("delete: %v", err)
		}
	}
	// Undeleted, they would be back after one tick.
	s.expectNone(3 * s.f.Tick)
}

func (s *suite) batch() {
	const n = 25
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("batch message %02d", i))
	}
	s.sendBodies(want...)

	max := min(10, s.f.MaxReceive)
	var got []string
	for len(got) < n {
		msgs := s.receive(max, hideLong, s.longWait())
		if len(msgs) == 0 {
			s.t.Fatalf("received %d of %d messages", len(got), n)
		}
		for _, m := range msgs {
			got = append(got, string(m.Body))
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		s.t.Errorf("received %q, want each of %q once", got, want)
	}
	if err := s.q.Send(s.t.Context(), nil); err != nil {
		s.t.Errorf("an empty batch: %v", err)
	}
}

func (s *suite) invalidBatch() {
	err := s.q.Send(s.t.Context(), []queue.Outgoing{
		{Body: []byte("good one")},
		{Body: []byte("good two")},
		{Body: []byte("bad"), Delay: -time.Second},
	})
	if err == nil {
		s.t.Fatal("a batch with a negative delay was sent")
	}
	s.expectNone(2 * s.f.Tick)
}

func (s *suite) visibility() {
	s.sendBodies("hide and seek")
	start := time.Now()
	first := s.receiveOne(s.f.Tick)
	again := s.receiveOne(hideLong)
	s.elapsedAtLeast(start, s.f.Tick, "received again")
	if again.ID != first.ID {
		s.t.Errorf("received %s, want %s again", again.ID, first.ID)
	}
	if again.ReceiveCount != 2 {
		s.t.Errorf("second receive counted %d", again.ReceiveCount)
	}
	if again.Receipt == first.Receipt {
		s.t.Error("the second receive has the first one's receipt")
	}
}

func (s *suite) delay() {
	start := time.Now()
	s.send(queue.Outgoing{Body: []byte("later"), Delay: s.f.Tick})
	m := s.receiveOne(hideLong)
	s.elapsedAtLeast(start, s.f.Tick, "the delayed message arrived")
	if m.ReceiveCount != 1 {
		s.t.Errorf("first receive counted %d", m.ReceiveCount)
	}
}

func (s *suite) retry() {
	s.sendBodies("flaky")
	first := s.receiveOne(hideLong)
	start := time.Now()
	if err := s.q.Retry(s.t.Context(), first.Receipt, s.f.Tick, "vendor answered 503"); err != nil {
		s.t.Fatalf("retry: %v", err)
	}
	second := s.receiveOne(hideLong)
	s.elapsedAtLeast(start, s.f.Tick, "the retried message arrived")
	if second.ID != first.ID || second.ReceiveCount != 2 {
		s.t.Errorf("after retry: message %s counted %d, want %s counted 2", second.ID, second.ReceiveCount, first.ID)
	}
	if err := s.q.Retry(s.t.Context(), second.Receipt, 0, "vendor answered 503"); err != nil {
		s.t.Fatalf("retry without delay: %v", err)
	}
	if third := s.receiveOne(hideLong); third.ReceiveCount != 3 {
		s.t.Errorf("after a retry without delay: counted %d, want 3", third.ReceiveCount)
	}
}

func (s *suite) receiveLimit() {
	attrs := map[string]string{"flow": "expenses-to-journal"}
	s.send(queue.Outgoing{Body: []byte("doomed"), Attributes: attrs})
	var id string
	for i := 1; i <= 2; i++ {
		m := s.receiveOne(hideLong)
		if m.ReceiveCount != i {
			s.t.Fatalf("receive %d counted %d", i, m.ReceiveCount)
		}
		id = m.ID
		if err := s.q.Retry(s.t.Context(), m.Receipt, 0, fmt.Sprintf("attempt %d failed", i)); err != nil {
			s.t.Fatalf("retry: %v", err)
		}
	}
	// The third receive moves the message instead of returning it.
	var d queue.DeadLetter
	s.eventually(s.longWait()+s.f.Settle, func() error {
		if msgs := s.receive(1, hideLong, 0); len(msgs) > 0 {
			s.t.Fatalf("received past the limit of 2, counted %d", msgs[0].ReceiveCount)
		}
		for _, dl := range s.dead() {
			if dl.ID == id {
				d = dl
				return nil
			}
		}
		return errors.New("the message did not reach the dead letters")
	})
	if d.LastError != "attempt 2 failed" {
		s.t.Errorf("last error = %q, want the last retry's cause", d.LastError)
	}
	if d.ReceiveCount != 2 {
		s.t.Errorf("dead letter counted %d receives, want 2", d.ReceiveCount)
	}
	if string(d.Body) != "doomed" || !maps.Equal(d.Attributes, attrs) {
		s.t.Errorf("dead letter is %q %v, want the message as sent", d.Body, d.Attributes)
	}
	if d.DeadAt.IsZero() {
		s.t.Error("dead letter has no time of death")
	}
}

func (s *suite) bury() {
	s.sendBodies("hopeless")
	m := s.receiveOne(hideLong)
	if err := s.q.Bury(s.t.Context(), m.Receipt, "vendor rejected: unknown account code"); err != nil {
		s.t.Fatalf("bury: %v", err)
	}
	d := s.deadLetter(m.ID, s.f.Settle)
	if d.LastError != "vendor rejected: unknown account code" {
		s.t.Errorf("last error = %q, want the cause given to Bury", d.LastError)
	}
	if d.ReceiveCount != 1 || string(d.Body) != "hopeless" {
		s.t.Errorf("dead letter is %q counted %d, want the message counted 1", d.Body, d.ReceiveCount)
	}
}

func (s *suite) staleReceipt() {
	s.sendBodies("contested")
	first := s.receiveOne(s.f.Tick)
	second := s.receiveOne(hideLong)
	ctx := s.t.Context()
	checkStale := func(what string, err error) {
		s.t.Helper()
		if !errors.Is(err, queue.ErrStaleReceipt) {
			s.t.Errorf("%s: err = %v, want ErrStaleReceipt", what, err)
		}
	}
	checkStale("retry with the first receipt", s.q.Retry(ctx, first.Receipt, 0, "late"))
	checkStale("bury with the first receipt", s.q.Bury(ctx, first.Receipt, "late"))
	if s.f.DeleteReportsStale {
		checkStale("delete with the first receipt", s.q.Delete(ctx, first.Receipt))
	}
	if err := s.q.Delete(ctx, second.Receipt); err != nil {
		s.t.Fatalf("delete with the current receipt: %v", err)
	}
	checkStale("retry after delete", s.q.Retry(ctx, second.Receipt, 0, "late"))
	checkStale("delete with something not a receipt", s.q.Delete(ctx, "not-a-receipt"))
	if s.f.DeleteReportsStale {
		checkStale("delete again", s.q.Delete(ctx, second.Receipt))
	}
}

func (s *suite) listDead() {
	const n = 5
	for i := range n {
		s.sendBodies(fmt.Sprintf("dead %d", i))
	}
	for _, m := range s.receiveN(n, hideLong) {
		if err := s.q.Bury(s.t.Context(), m.Receipt, "test"); err != nil {
			s.t.Fatalf("bury: %v", err)
		}
	}
	s.eventually(s.f.Settle, func() error {
		if got := len(s.dead()); got != n {
			return fmt.Errorf("%d dead letters, want %d", got, n)
		}
		return nil
	})

	var listed []queue.DeadLetter
	after := ""
	for range n + 1 {
		page, err := s.q.ListDead(s.t.Context(), after, 2)
		if err != nil {
			s.t.Fatalf("list dead letters after %q: %v", after, err)
		}
		if len(page) > 2 {
			s.t.Fatalf("a page of %d, more than the limit 2", len(page))
		}
		if len(page) == 0 {
			break
		}
		listed = append(listed, page...)
		after = page[len(page)-1].ID
	}
	ids := map[string]bool{}
	for i, d := range listed {
		if ids[d.ID] {
			s.t.Errorf("dead letter %s listed twice", d.ID)
		}
		ids[d.ID] = true
		if i > 0 && d.SentAt.Before(listed[i-1].SentAt) {
			s.t.Errorf("%q listed after the younger %q", d.Body, listed[i-1].Body)
		}
	}
	if len(ids) != n {
		s.t.Errorf("paging listed %d dead letters, want %d", len(ids), n)
	}
}

func (s *suite) redrive() {
	s.sendBodies("one", "two")
	msgs := s.receiveN(2, hideLong)
	for _, m := range msgs {
		if err := s.q.Bury(s.t.Context(), m.Receipt, "test"); err != nil {
			s.t.Fatalf("bury: %v", err)
		}
	}
	back, stays := msgs[0], msgs[1]
	s.deadLetter(back.ID, s.f.Settle)

	n, err := s.q.Redrive(s.t.Context(), []string{back.ID, "no-such-message"})
	if err != nil {
		s.t.Fatalf("redrive: %v", err)
	}
	if n != 1 {
		s.t.Errorf("redrive moved %d, want 1", n)
	}
	m := s.receiveOne(hideLong)
	if m.ID != back.ID || m.ReceiveCount != 1 {
		s.t.Errorf("received %s counted %d, want %s counted 1", m.ID, m.ReceiveCount, back.ID)
	}
	s.eventually(s.f.Settle, func() error {
		dead := s.dead()
		if len(dead) != 1 || dead[0].ID != stays.ID {
			return fmt.Errorf("%d dead letters after redrive, want only %s", len(dead), stays.ID)
		}
		return nil
	})
	if n, err := s.q.Redrive(s.t.Context(), []string{back.ID}); err != nil || n != 0 {
		s.t.Errorf("redriving a live message moved %d (err %v), want 0", n, err)
	}
}

func (s *suite) concurrentReceivers() {
	const n, receivers = 30, 5
	var bodies []string
	for i := range n {
		bodies = append(bodies, fmt.Sprintf("contended %d", i))
	}
	s.sendBodies(bodies...)

	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range receivers {
		wg.Go(func() {
			for {
				msgs, err := s.q.Receive(s.t.Context(), queue.ReceiveOptions{
					Max: min(5, s.f.MaxReceive), Visibility: hideLong, Wait: s.f.Tick})
				if err != nil {
					s.t.Errorf("receive: %v", err)
					return
				}
				if len(msgs) == 0 {
					return
				}
				mu.Lock()
				for _, m := range msgs {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Receivers stop at their first empty receive; collect any a server held back.
	for len(seen) < n {
		msgs := s.receive(s.f.MaxReceive, hideLong, s.longWait())
		if len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			seen[m.ID]++
		}
	}
	if len(seen) != n {
		s.t.Errorf("received %d distinct messages, want %d", len(seen), n)
	}
	for id, times := range seen {
		if times > 1 {
			s.t.Errorf("message %s was received %d times while hidden", id, times)
		}
	}
}

func (s *suite) longPoll() {
	wait := s.longWait()
	type result struct {
		msgs    []queue.Message
		err     error
		elapsed time.Duration
	}
	done := make(chan result, 1)
	go func() {
		start := time.Now()
		msgs, err := s.q.Receive(s.t.Context(), queue.ReceiveOptions{Max: 1, Visibility: hideLong, Wait: wait})
		done <- result{msgs, err, time.Since(start)}
	}()
	time.Sleep(s.f.Tick / 2) // let the receive start waiting
	s.sendBodies("wake up")
	r := <-done
	if r.err != nil {
		s.t.Fatalf("receive: %v", r.err)
	}
	if len(r.msgs) != 1 || string(r.msgs[0].Body) != "wake up" {
		s.t.Fatalf("the waiting receive got %d messages, want the one sent", len(r.msgs))
	}
	if r.elapsed >= wait/2 {
		s.t.Errorf("the waiting receive returned after %s of its %s wait; a send should wake it", r.elapsed, wait)
	}
}

func (s *suite) stats() {
	s.sendBodies("a", "b", "c")
	s.send(queue.Outgoing{Body: []byte("d"), Delay: hideLong})
	msgs := s.receiveN(2, hideLong)
	if err := s.q.Bury(s.t.Context(), msgs[1].Receipt, "test"); err != nil {
		s.t.Fatalf("bury: %v", err)
	}
	want := queue.Stats{Visible: 1, InFlight: 1, Delayed: 1, Dead: 1}
	s.eventually(s.f.Settle, func() error {
		got, err := s.q.Stats(s.t.Context())
		if err != nil {
			s.t.Fatalf("stats: %v", err)
		}
		if got != want {
			return fmt.Errorf("stats = %+v, want %+v", got, want)
		}
		return nil
	})
}
