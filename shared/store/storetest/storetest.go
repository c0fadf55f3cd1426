// Package storetest is the conformance suite of the store ports: the embedded SQLite
// adapter and the DynamoDB one run the same cases. The suite hands each store a clock it
// moves by hand, so leases expire without waiting; adapters compute times on the client
// (as DynamoDB conditional writes must), from that clock.
package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

// LedgerFactory builds a fresh, empty ledger for one test, reading the time from now, and
// registers its cleanup on t.
type LedgerFactory func(t *testing.T, now func() time.Time) store.Ledger

// CursorsFactory builds a fresh, empty cursor store for one test.
type CursorsFactory func(t *testing.T, now func() time.Time) store.Cursors

// TokensFactory builds a fresh, empty token store for one test.
type TokensFactory func(t *testing.T, now func() time.Time) store.Tokens

// clock is the suite's fake time. It starts at a whole second, so that adapters storing
// milliseconds round-trip it exactly.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2025, 3, 31, 18, 0, 0, 0, time.UTC)}
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

// contenders is how many goroutines race in the concurrency cases.
const contenders = 16

type ledgerCase struct {
	t   *testing.T
	l   store.Ledger
	clk *clock
}

// RunLedger runs the ledger cases, in parallel.
func RunLedger(t *testing.T, f LedgerFactory) {
	cases := []struct {
		name string
		run  func(ledgerCase)
	}{
		{"a new key is claimed with a lease and one attempt", ledgerNewKey},
		{"another owner is turned away while the lease runs", ledgerBusy},
		{"the owner claiming again renews its lease", ledgerRenew},
		{"an expired lease is reclaimed by a new owner with one more attempt", ledgerReclaim},
		{"a key settled delivered or skipped is already done", ledgerDone},
		{"a key settled failed is claimed again by a replay", ledgerReplay},
		{"settle records the outcome and ends the lease", ledgerSettle},
		{"settle after the lease ran out counts when nobody reclaimed", ledgerLateSettle},
		{"settle by an owner whose claim was taken over is refused", ledgerLostClaim},
		{"settle of a key never claimed is refused", ledgerSettleUnknown},
		{"settle without an outcome is refused", ledgerSettlePending},
		{"lookup of an unknown key is not found", ledgerLookupUnknown},
		{"expired lists unsettled entries whose lease ended, longest expired first", ledgerExpired},
		{"of many concurrent claims exactly one wins", ledgerConcurrentClaims},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			c.run(ledgerCase{t: t, l: f(t, clk.Now), clk: clk})
		})
	}
}

func (c ledgerCase) claim(key, owner string, lease time.Duration, want store.ClaimState) store.Entry {
	c.t.Helper()
	got, e, err := c.l.Claim(c.t.Context(), key, owner, lease)
	if err != nil {
		c.t.Fatalf("claim by %s: %v", owner, err)
	}
	if got != want {
		c.t.Fatalf("claim by %s: %s, want %s", owner, got, want)
	}
	return e
}

func (c ledgerCase) settle(key, owner string, s store.Settlement) {
	c.t.Helper()
	if err := c.l.Settle(c.t.Context(), key, owner, s); err != nil {
		c.t.Fatalf("settle by %s: %v", owner, err)
	}
}

func (c ledgerCase) lookup(key string) store.Entry {
	c.t.Helper()
	e, err := c.l.Lookup(c.t.Context(), key)
	if err != nil {
		c.t.Fatalf("lookup: %v", err)
	}
	return e
}

// checkEntry compares the fields a case cares about.
func (c ledgerCase) checkEntry(what string, got store.Entry, owner string, leaseUntil time.Time, attempts int, outcome store.Outcome) {
	c.t.Helper()
	if got.Owner != owner || !got.LeaseUntil.Equal(leaseUntil) || got.Attempts != attempts || got.Outcome != outcome {
		c.t.Errorf("%s: owner %q, lease until %v, %d attempts, outcome %q; want %q, %v, %d, %q",
			what, got.Owner, got.LeaseUntil, got.Attempts, got.Outcome, owner, leaseUntil, attempts, outcome)
	}
}

func ledgerNewKey(c ledgerCase) {
	now := c.clk.Now()
	e := c.claim("flow/target/E001/v1", "worker-a", time.Minute, store.Claimed)
	if e.Key != "flow/target/E001/v1" {
		c.t.Errorf("key = %q", e.Key)
	}
	c.checkEntry("claimed", e, "worker-a", now.Add(time.Minute), 1, store.Pending)
	if !e.UpdatedAt.Equal(now) {
		c.t.Errorf("updated at %v, want %v", e.UpdatedAt, now)
	}
	got := c.lookup("flow/target/E001/v1")
	c.checkEntry("looked up", got, "worker-a", now.Add(time.Minute), 1, store.Pending)
}

func ledgerBusy(c ledgerCase) {
	now := c.clk.Now()
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.clk.Advance(59 * time.Second)
	e := c.claim("k", "worker-b", time.Minute, store.Busy)
	c.checkEntry("the entry a busy claim returns", e, "worker-a", now.Add(time.Minute), 1, store.Pending)
	c.checkEntry("after a busy claim", c.lookup("k"), "worker-a", now.Add(time.Minute), 1, store.Pending)
}

func ledgerRenew(c ledgerCase) {
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.clk.Advance(30 * time.Second)
	e := c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.checkEntry("renewed", e, "worker-a", c.clk.Now().Add(time.Minute), 1, store.Pending)
}

func ledgerReclaim(c ledgerCase) {
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.clk.Advance(time.Minute) // a lease ends at its last instant
	e := c.claim("k", "worker-b", time.Minute, store.Reclaimed)
	c.checkEntry("reclaimed", e, "worker-b", c.clk.Now().Add(time.Minute), 2, store.Pending)
	c.checkEntry("looked up", c.lookup("k"), "worker-b", c.clk.Now().Add(time.Minute), 2, store.Pending)
}

func ledgerDone(c ledgerCase) {
	for _, outcome := range []store.Outcome{store.Delivered, store.Skipped} {
		key := "k-" + string(outcome)
		c.claim(key, "worker-a", time.Minute, store.Claimed)
		c.settle(key, "worker-a", store.Settlement{Outcome: outcome, TargetRef: "deal-42"})
		e := c.claim(key, "worker-b", time.Minute, store.AlreadyDone)
		if e.Outcome != outcome || e.TargetRef != "deal-42" || e.Owner != "worker-a" {
			c.t.Errorf("%s: already-done entry is %+v, want it as settled", outcome, e)
		}
	}
}

func ledgerReplay(c ledgerCase) {
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.settle("k", "worker-a", store.Settlement{Outcome: store.Failed, Detail: "vendor: 422 invalid account"})
	c.clk.Advance(time.Hour)
	e := c.claim("k", "replay-1", time.Minute, store.Claimed)
	c.checkEntry("replayed", e, "replay-1", c.clk.Now().Add(time.Minute), 2, store.Pending)
	if err := c.l.Settle(c.t.Context(), "k", "worker-a", store.Settlement{Outcome: store.Failed}); !errors.Is(err, store.ErrLostClaim) {
		c.t.Errorf("the first owner settling after the replay claimed: err = %v, want ErrLostClaim", err)
	}
}

func ledgerSettle(c ledgerCase) {
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.clk.Advance(10 * time.Second)
	c.settle("k", "worker-a", store.Settlement{Outcome: store.Delivered, TargetRef: "deal-42", Detail: "created"})
	e := c.lookup("k")
	c.checkEntry("settled", e, "worker-a", time.Time{}, 1, store.Delivered)
	if e.TargetRef != "deal-42" || e.Detail != "created" || !e.UpdatedAt.Equal(c.clk.Now()) {
		c.t.Errorf("settled entry: ref %q, detail %q, updated %v; want deal-42, created, %v",
			e.TargetRef, e.Detail, e.UpdatedAt, c.clk.Now())
	}
	expired, err := c.l.Expired(c.t.Context(), c.clk.Now().Add(24*time.Hour), 10)
	if err != nil {
		c.t.Fatal(err)
	}
	if len(expired) != 0 {
		c.t.Errorf("a settled entry is listed as expired")
	}
}

func ledgerLateSettle(c ledgerCase) {
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.clk.Advance(time.Hour)
	c.settle("k", "worker-a", store.Settlement{Outcome: store.Delivered})
	c.claim("k", "worker-b", time.Minute, store.AlreadyDone)
}

func ledgerLostClaim(c ledgerCase) {
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	c.clk.Advance(2 * time.Minute)
	c.claim("k", "worker-b", time.Minute, store.Reclaimed)
	err := c.l.Settle(c.t.Context(), "k", "worker-a", store.Settlement{Outcome: store.Delivered, TargetRef: "dup"})
	if !errors.Is(err, store.ErrLostClaim) {
		c.t.Fatalf("err = %v, want ErrLostClaim", err)
	}
	c.checkEntry("after the refused settle", c.lookup("k"), "worker-b", c.clk.Now().Add(time.Minute), 2, store.Pending)
}

func ledgerSettleUnknown(c ledgerCase) {
	err := c.l.Settle(c.t.Context(), "never", "worker-a", store.Settlement{Outcome: store.Delivered})
	if !errors.Is(err, store.ErrLostClaim) {
		c.t.Errorf("err = %v, want ErrLostClaim", err)
	}
}

func ledgerSettlePending(c ledgerCase) {
	c.claim("k", "worker-a", time.Minute, store.Claimed)
	if err := c.l.Settle(c.t.Context(), "k", "worker-a", store.Settlement{}); err == nil {
		c.t.Error("settled with no outcome")
	}
	c.checkEntry("after the refused settle", c.lookup("k"), "worker-a", c.clk.Now().Add(time.Minute), 1, store.Pending)
}

func ledgerLookupUnknown(c ledgerCase) {
	if _, err := c.l.Lookup(c.t.Context(), "never"); !errors.Is(err, store.ErrNotFound) {
		c.t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func ledgerExpired(c ledgerCase) {
	start := c.clk.Now()
	c.claim("short", "w", time.Minute, store.Claimed)
	c.claim("long", "w", time.Hour, store.Claimed)
	c.claim("shortest", "w", time.Second, store.Claimed)
	c.claim("settled", "w", time.Second, store.Claimed)
	c.settle("settled", "w", store.Settlement{Outcome: store.Failed})

	tests := []struct {
		at    time.Time
		limit int
		want  []string
	}{
		{start, 10, nil},
		{start.Add(time.Second), 10, nil}, // ended before t, not at t
		{start.Add(2 * time.Minute), 10, []string{"shortest", "short"}},
		{start.Add(2 * time.Hour), 2, []string{"shortest", "short"}},
		{start.Add(2 * time.Hour), 10, []string{"shortest", "short", "long"}},
	}
	for _, tt := range tests {
		got, err := c.l.Expired(c.t.Context(), tt.at, tt.limit)
		if err != nil {
			c.t.Fatal(err)
		}
		var keys []string
		for _, e := range got {
			keys = append(keys, e.Key)
		}
		if fmt.Sprint(keys) != fmt.Sprint(tt.want) {
			c.t.Errorf("expired before %v, limit %d: %v, want %v", tt.at.Sub(start), tt.limit, keys, tt.want)
		}
	}
}

func ledgerConcurrentClaims(c ledgerCase) {
	states := make([]store.ClaimState, contenders)
	var wg sync.WaitGroup
	for i := range contenders {
		wg.Go(func() {
			s, _, err := c.l.Claim(c.t.Context(), "contested", fmt.Sprintf("worker-%d", i), time.Minute)
			if err != nil {
				c.t.Errorf("claim: %v", err)
			}
			states[i] = s
		})
	}
	wg.Wait()
	winners := 0
	for i, s := range states {
		switch s {
		case store.Claimed:
			winners++
			if got := c.lookup("contested").Owner; got != fmt.Sprintf("worker-%d", i) {
				c.t.Errorf("worker-%d won, but %s owns the key", i, got)
			}
		case store.Busy:
		default:
			c.t.Errorf("worker-%d: %s", i, s)
		}
	}
	if winners != 1 {
		c.t.Errorf("%d claims won, want exactly 1", winners)
	}
}

// RunCursors runs the cursor cases, in parallel.
func RunCursors(t *testing.T, f CursorsFactory) {
	cases := []struct {
		name string
		run  func(t *testing.T, c store.Cursors, clk *clock)
	}{
		{"a cursor never stored reads as version zero", cursorMissing},
		{"the first put expects version zero and makes version one", cursorFirstPut},
		{"a put with a stale version conflicts and keeps the stored cursor", cursorStale},
		{"a put expecting a version of a cursor never stored conflicts", cursorMissingVersion},
		{"each cursor has its own version", cursorIndependent},
		{"of many concurrent puts on one version exactly one wins", cursorConcurrent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			c.run(t, f(t, clk.Now), clk)
		})
	}
}

func getCursor(t *testing.T, c store.Cursors, name string) store.Cursor {
	t.Helper()
	cur, err := c.GetCursor(t.Context(), name)
	if err != nil {
		t.Fatalf("get cursor %s: %v", name, err)
	}
	return cur
}

func putCursor(t *testing.T, c store.Cursors, name, value string, expect int64) int64 {
	t.Helper()
	v, err := c.PutCursor(t.Context(), name, value, expect)
	if err != nil {
		t.Fatalf("put cursor %s at %d: %v", name, expect, err)
	}
	return v
}

func cursorMissing(t *testing.T, c store.Cursors, _ *clock) {
	if cur := getCursor(t, c, "kot/attendance"); cur != (store.Cursor{}) {
		t.Errorf("cursor = %+v, want the zero cursor", cur)
	}
}

func cursorFirstPut(t *testing.T, c store.Cursors, clk *clock) {
	if v := putCursor(t, c, "kot/attendance", "2025-03-31T09:00:00Z", 0); v != 1 {
		t.Errorf("version = %d, want 1", v)
	}
	cur := getCursor(t, c, "kot/attendance")
	if cur.Value != "2025-03-31T09:00:00Z" || cur.Version != 1 || !cur.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("cursor = %+v, want the value at version 1, updated now", cur)
	}
	clk.Advance(time.Minute)
	if v := putCursor(t, c, "kot/attendance", "2025-03-31T10:00:00Z", 1); v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
	if cur := getCursor(t, c, "kot/attendance"); cur.Value != "2025-03-31T10:00:00Z" || cur.Version != 2 || !cur.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("cursor = %+v, want the new value at version 2, updated now", cur)
	}
}

func cursorStale(t *testing.T, c store.Cursors, _ *clock) {
	putCursor(t, c, "k", "one", 0)
	putCursor(t, c, "k", "two", 1)
	for _, expect := range []int64{0, 1, 3} {
		if _, err := c.PutCursor(t.Context(), "k", "stale", expect); !errors.Is(err, store.ErrConflict) {
			t.Errorf("put expecting %d at version 2: err = %v, want ErrConflict", expect, err)
		}
	}
	if cur := getCursor(t, c, "k"); cur.Value != "two" || cur.Version != 2 {
		t.Errorf("cursor = %+v, want two at version 2", cur)
	}
}

func cursorMissingVersion(t *testing.T, c store.Cursors, _ *clock) {
	if _, err := c.PutCursor(t.Context(), "k", "v", 1); !errors.Is(err, store.ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
	if cur := getCursor(t, c, "k"); cur.Version != 0 {
		t.Errorf("a refused put stored version %d", cur.Version)
	}
}

func cursorIndependent(t *testing.T, c store.Cursors, _ *clock) {
	putCursor(t, c, "a", "a1", 0)
	putCursor(t, c, "a", "a2", 1)
	if v := putCursor(t, c, "b", "b1", 0); v != 1 {
		t.Errorf("b's first version = %d, want 1", v)
	}
	if cur := getCursor(t, c, "a"); cur.Value != "a2" || cur.Version != 2 {
		t.Errorf("a = %+v after putting b", cur)
	}
}

func cursorConcurrent(t *testing.T, c store.Cursors, _ *clock) {
	putCursor(t, c, "k", "start", 0)
	errs := make([]error, contenders)
	var wg sync.WaitGroup
	for i := range contenders {
		wg.Go(func() { _, errs[i] = c.PutCursor(t.Context(), "k", fmt.Sprint("writer ", i), 1) })
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("writers %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer won")
	}
	if cur := getCursor(t, c, "k"); cur.Value != fmt.Sprint("writer ", winner) || cur.Version != 2 {
		t.Errorf("cursor = %+v, want the winner's value at version 2", cur)
	}
}

// RunTokens runs the token cases, in parallel.
func RunTokens(t *testing.T, f TokensFactory) {
	cases := []struct {
		name string
		run  func(t *testing.T, s store.Tokens)
	}{
		{"a connection with no token is not found", tokenMissing},
		{"secrets and expiry round-trip", tokenRoundTrip},
		{"the first put expects version zero and a second first put conflicts", tokenZeroVersion},
		{"a rotation from a stale version conflicts and keeps the stored token", tokenStale},
		{"of many concurrent rotations exactly one wins", tokenConcurrent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, f(t, newClock().Now))
		})
	}
}

func token(access, refresh string) store.Token {
	tokyo := time.FixedZone("Asia/Tokyo", 9*60*60)
	return store.Token{
		Access:  secrets.New(access),
		Refresh: secrets.New(refresh),
		Expiry:  time.Date(2025, 4, 1, 9, 30, 0, 0, tokyo),
	}
}

func putToken(t *testing.T, s store.Tokens, conn string, tok store.Token, expect int64) store.Token {
	t.Helper()
	got, err := s.PutToken(t.Context(), conn, tok, expect)
	if err != nil {
		t.Fatalf("put token at %d: %v", expect, err)
	}
	return got
}

func getToken(t *testing.T, s store.Tokens, conn string) store.Token {
	t.Helper()
	got, err := s.GetToken(t.Context(), conn)
	if err != nil {
		t.Fatalf("get token: %v", err)
	}
	return got
}

func sameToken(t *testing.T, what string, got, want store.Token) {
	t.Helper()
	if got.Access.Reveal() != want.Access.Reveal() || got.Refresh.Reveal() != want.Refresh.Reveal() ||
		!got.Expiry.Equal(want.Expiry) || got.Version != want.Version {
		// Print no secret, even a fake one: say which field differs.
		t.Errorf("%s: access equal %v, refresh equal %v, expiry %v (want %v), version %d (want %d)", what,
			got.Access.Reveal() == want.Access.Reveal(), got.Refresh.Reveal() == want.Refresh.Reveal(),
			got.Expiry, want.Expiry, got.Version, want.Version)
	}
}

func tokenMissing(t *testing.T, s store.Tokens) {
	if _, err := s.GetToken(t.Context(), "freee"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func tokenRoundTrip(t *testing.T, s store.Tokens) {
	want := token("access-1", "refresh-1")
	stored := putToken(t, s, "freee", want, 0)
	want.Version = 1
	sameToken(t, "put returns", stored, want)
	sameToken(t, "get returns", getToken(t, s, "freee"), want)

	noExpiry := store.Token{Access: secrets.New("a"), Refresh: secrets.New("r")}
	putToken(t, s, "xero", noExpiry, 0)
	if got := getToken(t, s, "xero"); !got.Expiry.IsZero() {
		t.Errorf("a token without expiry reads back expiring %v", got.Expiry)
	}
}

func tokenZeroVersion(t *testing.T, s store.Tokens) {
	putToken(t, s, "freee", token("a1", "r1"), 0)
	if _, err := s.PutToken(t.Context(), "freee", token("a2", "r2"), 0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second first put: err = %v, want ErrConflict", err)
	}
	if _, err := s.PutToken(t.Context(), "xero", token("a", "r"), 1); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a put expecting version 1 of nothing: err = %v, want ErrConflict", err)
	}
	if _, err := s.GetToken(t.Context(), "xero"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused put stored a token (err = %v)", err)
	}
}

func tokenStale(t *testing.T, s store.Tokens) {
	putToken(t, s, "freee", token("a1", "r1"), 0)
	rotated := putToken(t, s, "freee", token("a2", "r2"), 1)
	if rotated.Version != 2 {
		t.Errorf("version after rotation = %d, want 2", rotated.Version)
	}
	if _, err := s.PutToken(t.Context(), "freee", token("a3", "r3"), 1); !errors.Is(err, store.ErrConflict) {
		t.Errorf("rotation from version 1 at 2: err = %v, want ErrConflict", err)
	}
	want := token("a2", "r2")
	want.Version = 2
	sameToken(t, "after the refused rotation", getToken(t, s, "freee"), want)
}

func tokenConcurrent(t *testing.T, s store.Tokens) {
	putToken(t, s, "freee", token("a0", "r0"), 0)
	errs := make([]error, contenders)
	var wg sync.WaitGroup
	for i := range contenders {
		wg.Go(func() {
			_, errs[i] = s.PutToken(t.Context(), "freee", token(fmt.Sprint("a", i), fmt.Sprint("r", i)), 1)
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("rotations %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("rotation %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no rotation won")
	}
	want := token(fmt.Sprint("a", winner), fmt.Sprint("r", winner))
	want.Version = 2
	sameToken(t, "the stored token", getToken(t, s, "freee"), want)
}
