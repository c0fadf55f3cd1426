// Package store holds the ports for the state the hub keeps between runs: the idempotency
// ledger, the source cursors and the OAuth tokens. The embedded adapters keep them in
// SQLite, the AWS ones in DynamoDB with conditional writes; both pass storetest.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/urakata/urakata/shared/secrets"
)

// Errors the adapters return, so that callers can tell them apart with errors.Is.
var (
	// ErrNotFound says there is no such key.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict says a compare-and-swap lost: someone else wrote a newer version.
	ErrConflict = errors.New("store: version conflict")
	// ErrLostClaim says the caller's claim is gone: its lease expired and someone else claimed.
	ErrLostClaim = errors.New("store: claim lost")
)

// Outcome is how a delivery ended.
type Outcome string

const (
	// Pending: claimed, not yet settled.
	Pending Outcome = ""
	// Delivered: the target holds the record.
	Delivered Outcome = "delivered"
	// Skipped: nothing needed writing (the target already held it).
	Skipped Outcome = "skipped"
	// Failed: a permanent failure; a later claim (a replay) may try again.
	Failed Outcome = "failed"
)

// Done reports whether the outcome means the target holds what it should: a later claim
// must not write again.
func (o Outcome) Done() bool { return o == Delivered || o == Skipped }

// Entry is the ledger's record of one idempotency key.
type Entry struct {
	Key   string
	Owner string
	// LeaseUntil is when the current claim expires (zero once settled).
	LeaseUntil time.Time
	// Attempts counts the claims made on this key.
	Attempts  int
	Outcome   Outcome
	TargetRef string
	// Detail is a short note from the last settle (vendor message, reconciliation); no
	// personal data.
	Detail    string
	UpdatedAt time.Time
}

// ClaimState says what Claim found.
type ClaimState int

const (
	// Claimed: the key was new (or failed before): the caller owns it and should write.
	Claimed ClaimState = iota
	// Reclaimed: an earlier claim's lease expired unsettled: the earlier worker may have
	// written. The caller owns it now and must look the target up before writing.
	Reclaimed
	// AlreadyDone: the key is settled Delivered or Skipped: do not write.
	AlreadyDone
	// Busy: another owner holds an unexpired lease: try again later.
	Busy
)

// String names the state for logs.
func (s ClaimState) String() string {
	return [...]string{"claimed", "reclaimed", "already_done", "busy"}[s]
}

// NextClaim is the rule every Ledger adapter applies in Claim, so that the embedded and the
// AWS ledgers decide alike: given the entry stored for key (nil: none) and the time now, it
// returns the state a claim by owner finds and the entry as that claim leaves it. A key that
// is new or failed before is Claimed, an expired lease Reclaimed with one more attempt, and
// the owner of an unexpired lease renews it, Claimed again without another attempt. For
// AlreadyDone and Busy the entry is returned as stored and nothing is to be written;
// otherwise the adapter stores the new entry atomically with the read it decided on.
func NextClaim(key string, stored *Entry, owner string, lease time.Duration, now time.Time) (ClaimState, Entry) {
	e, state := Entry{Key: key}, Claimed
	if stored != nil {
		e = *stored
		held := e.LeaseUntil.After(now)
		switch {
		case e.Outcome.Done():
			return AlreadyDone, e
		case e.Outcome == Failed:
		case held && e.Owner != owner:
			return Busy, e
		case held:
			e.Attempts-- // a renewal, not another attempt
		default:
			state = Reclaimed
		}
	}
	e.Owner, e.LeaseUntil, e.Attempts, e.Outcome, e.UpdatedAt = owner, now.Add(lease), e.Attempts+1, Pending, now
	return state, e
}

// Settlement is what a worker records when it is done with a key.
type Settlement struct {
	Outcome   Outcome
	TargetRef string
	Detail    string
}

// Ledger is the idempotency ledger: exactly-once effect on targets.
type Ledger interface {
	// Claim takes key for owner for lease. It returns the state found and the entry as it
	// is after the claim. Claim is atomic: of two concurrent claims, one gets Claimed (or
	// Reclaimed) and the other Busy.
	Claim(ctx context.Context, key, owner string, lease time.Duration) (ClaimState, Entry, error)
	// Settle records the outcome. It returns ErrLostClaim if owner no longer holds key.
	Settle(ctx context.Context, key, owner string, s Settlement) error
	// Lookup returns the entry for key, or ErrNotFound.
	Lookup(ctx context.Context, key string) (Entry, error)
	// Expired returns up to limit unsettled entries whose lease ended before t.
	Expired(ctx context.Context, t time.Time, limit int) ([]Entry, error)
}

// Cursor is a source's position, stored after the work it covers was queued.
type Cursor struct {
	// Value is the source's own position (a time in UTC RFC 3339, an offset, a token).
	Value string
	// Version increases by one on every successful Put; 0 means never stored.
	Version   int64
	UpdatedAt time.Time
}

// Cursors stores source positions with compare-and-swap.
type Cursors interface {
	// GetCursor returns the cursor, or a zero Cursor (Version 0) if none is stored.
	GetCursor(ctx context.Context, name string) (Cursor, error)
	// PutCursor stores value if the stored version is still expect, and returns the new
	// version; otherwise ErrConflict.
	PutCursor(ctx context.Context, name, value string, expect int64) (int64, error)
}

// Token is a connection's OAuth token pair.
type Token struct {
	Access  secrets.Secret
	Refresh secrets.Secret
	// Expiry is when the access token stops working.
	Expiry time.Time
	// Version increases by one on every successful Put; 0 means never stored.
	Version int64
}

// Tokens stores OAuth tokens with compare-and-swap on Version, so that of two processes
// refreshing at once only one rotation is kept and nobody uses a refresh token twice.
type Tokens interface {
	// GetToken returns the stored token, or ErrNotFound.
	GetToken(ctx context.Context, connection string) (Token, error)
	// PutToken stores t if the stored version is still expect (0: none stored yet) and
	// returns t with its new Version; otherwise ErrConflict.
	PutToken(ctx context.Context, connection string, t Token, expect int64) (Token, error)
}

// Deliveries remembers which webhook deliveries arrived, so that a replayed or retried one
// is acknowledged without being enqueued again.
type Deliveries interface {
	// FirstSeen records key (a connection and the vendor's delivery id) for keep and reports
	// whether this is its first arrival within that time. Of two concurrent calls with one
	// key, exactly one is first.
	FirstSeen(ctx context.Context, key string, keep time.Duration) (bool, error)
	// Forget removes key, so that a delivery whose enqueue failed after FirstSeen is taken
	// again when the vendor retries it. Forgetting an unknown key is not an error.
	Forget(ctx context.Context, key string) error
}
