package store_test

import (
	"testing"
	"time"

	"github.com/urakata/urakata/shared/store"
)

func TestNextClaim(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	held := store.Entry{Key: "k", Owner: "worker-a", LeaseUntil: now.Add(time.Second), Attempts: 1, TargetRef: "deal-1", Detail: "note"}
	expired := held
	expired.LeaseUntil = now // a lease ends at its last instant
	failed := store.Entry{Key: "k", Owner: "worker-a", Attempts: 2, Outcome: store.Failed, Detail: "422"}
	delivered := store.Entry{Key: "k", Owner: "worker-a", Attempts: 1, Outcome: store.Delivered, TargetRef: "deal-1"}
	for _, tc := range []struct {
		name         string
		stored       *store.Entry
		owner        string
		want         store.ClaimState
		wantAttempts int
		// wantWritten: the claim leaves owner b's lease; otherwise the entry as stored.
		wantWritten bool
	}{
		{"a new key is claimed with one attempt", nil, "worker-b", store.Claimed, 1, true},
		{"a key that failed is claimed again with one more attempt", &failed, "worker-b", store.Claimed, 3, true},
		{"a key delivered is already done", &delivered, "worker-b", store.AlreadyDone, 1, false},
		{"another owner's running lease is busy", &held, "worker-b", store.Busy, 1, false},
		{"the owner of a running lease renews it without another attempt", &held, "worker-a", store.Claimed, 1, true},
		{"an expired lease is reclaimed with one more attempt", &expired, "worker-b", store.Reclaimed, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			state, e := store.NextClaim("k", tc.stored, tc.owner, time.Minute, now)
			if state != tc.want || e.Key != "k" || e.Attempts != tc.wantAttempts {
				t.Fatalf("%s, key %q, %d attempts; want %s, k, %d", state, e.Key, e.Attempts, tc.want, tc.wantAttempts)
			}
			if !tc.wantWritten {
				if e != *tc.stored {
					t.Errorf("entry %+v, want it as stored %+v", e, *tc.stored)
				}
				return
			}
			if e.Owner != tc.owner || !e.LeaseUntil.Equal(now.Add(time.Minute)) || e.Outcome != store.Pending || !e.UpdatedAt.Equal(now) {
				t.Errorf("entry %+v, want %s's pending claim for a minute from now", e, tc.owner)
			}
			if tc.stored != nil && (e.TargetRef != tc.stored.TargetRef || e.Detail != tc.stored.Detail) {
				t.Errorf("ref %q, detail %q; want them kept from the stored entry", e.TargetRef, e.Detail)
			}
		})
	}
}
