package dynamostore_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/urakata/urakata/shared/awstest"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
	"github.com/urakata/urakata/shared/store/dynamostore"
	"github.com/urakata/urakata/shared/store/storetest"
)

// newStore makes a fresh table on env and a store over it.
func newStore(t testing.TB, env *awstest.Env, opts dynamostore.Options) *dynamostore.Store {
	t.Helper()
	opts.Table = env.Table(t)
	s, err := dynamostore.New(env.DynamoDB(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLedgerConformanceWithTheLeaseIndex(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	storetest.RunLedger(t, func(t *testing.T, now func() time.Time) store.Ledger {
		return newStore(t, env, dynamostore.Options{Now: now, LeaseIndex: dynamostore.LeaseIndex})
	})
}

func TestLedgerConformanceScanningForExpiredClaims(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	storetest.RunLedger(t, func(t *testing.T, now func() time.Time) store.Ledger {
		return newStore(t, env, dynamostore.Options{Now: now})
	})
}

func TestCursorsConformance(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	storetest.RunCursors(t, func(t *testing.T, now func() time.Time) store.Cursors {
		return newStore(t, env, dynamostore.Options{Now: now})
	})
}

func TestTokensConformance(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	storetest.RunTokens(t, func(t *testing.T, now func() time.Time) store.Tokens {
		return newStore(t, env, dynamostore.Options{Now: now})
	})
}

// rawItem reads an item as stored.
func rawItem(t *testing.T, env *awstest.Env, table, pk, sk string) map[string]types.AttributeValue {
	t.Helper()
	out, err := env.DynamoDB().GetItem(t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String(table),
		Key: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: pk},
			"sk": &types.AttributeValueMemberS{Value: sk},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("get item: %v", err)
	}
	return out.Item
}

func number(t *testing.T, item map[string]types.AttributeValue, name string) (int64, bool) {
	t.Helper()
	v, ok := item[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Value, 10, 64)
	if err != nil {
		t.Fatalf("%s = %q: %v", name, v.Value, err)
	}
	return n, true
}

func TestASettledEntryExpiresAfterTheSettledTTLAndAClaimedOneNever(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	now := time.Date(2025, 4, 25, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		ttl     time.Duration
		wantTTL int64 // 0: no ttl attribute
	}{
		{"the default keeps it ninety days", 0, now.Add(90 * 24 * time.Hour).Unix()},
		{"a chosen TTL keeps it that long", 7 * 24 * time.Hour, now.Add(7 * 24 * time.Hour).Unix()},
		{"a negative TTL keeps it forever", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			table := env.Table(t)
			s, err := dynamostore.New(env.DynamoDB(), dynamostore.Options{Table: table, Now: func() time.Time { return now }, SettledTTL: tt.ttl})
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			if _, _, err := s.Claim(ctx, "payroll/E001/2025-04", "w", time.Minute); err != nil {
				t.Fatal(err)
			}
			if _, ok := number(t, rawItem(t, env, table, "ledger#payroll/E001/2025-04", "ledger"), "ttl"); ok {
				t.Error("a claimed entry has a ttl")
			}
			if err := s.Settle(ctx, "payroll/E001/2025-04", "w", store.Settlement{Outcome: store.Failed, Detail: "422"}); err != nil {
				t.Fatal(err)
			}
			got, ok := number(t, rawItem(t, env, table, "ledger#payroll/E001/2025-04", "ledger"), "ttl")
			if tt.wantTTL == 0 && ok {
				t.Errorf("settled entry has ttl %d, want none", got)
			}
			if tt.wantTTL != 0 && got != tt.wantTTL {
				t.Errorf("settled entry has ttl %d, want %d", got, tt.wantTTL)
			}
			// A replay claims the failed entry again: it must not expire while claimed.
			if st, _, err := s.Claim(ctx, "payroll/E001/2025-04", "replay", time.Minute); err != nil || st != store.Claimed {
				t.Fatalf("replay claim: %v, %v", st, err)
			}
			if _, ok := number(t, rawItem(t, env, table, "ledger#payroll/E001/2025-04", "ledger"), "ttl"); ok {
				t.Error("an entry claimed again kept its ttl")
			}
		})
	}
}

func TestRecordsLiveUnderTheirOwnKeyPrefixes(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	s := newStore(t, env, dynamostore.Options{Now: time.Now})
	table := s.Table()
	ctx := t.Context()
	if _, _, err := s.Claim(ctx, "k", "w", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutCursor(ctx, "kot/attendance", "2025-04-01T00:00:00Z", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutToken(ctx, "freee", store.Token{Access: secrets.New("a"), Refresh: secrets.New("r")}, 0); err != nil {
		t.Fatal(err)
	}
	for _, k := range [][2]string{{"ledger#k", "ledger"}, {"cursor#kot/attendance", "cursor"}, {"token#freee", "token"}} {
		if item := rawItem(t, env, table, k[0], k[1]); len(item) == 0 {
			t.Errorf("no item at pk %s, sk %s", k[0], k[1])
		}
	}
}

func TestAKeyTooLongForDynamoDBIsRefused(t *testing.T) {
	t.Parallel()
	s := newStore(t, awstest.Start(t), dynamostore.Options{})
	if _, _, err := s.Claim(t.Context(), strings.Repeat("k", 1025), "w", time.Minute); !errors.Is(err, dynamostore.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
}

func TestTheTestTableDeclaresTheLeaseIndexTheStoreQueries(t *testing.T) {
	t.Parallel()
	if awstest.LeaseIndex != dynamostore.LeaseIndex {
		t.Errorf("awstest builds the index %q, the store queries %q", awstest.LeaseIndex, dynamostore.LeaseIndex)
	}
}

func TestNewRefusesOptionsItCannotWorkWith(t *testing.T) {
	t.Parallel()
	if _, err := dynamostore.New(nil, dynamostore.Options{Table: "t"}); !errors.Is(err, dynamostore.ErrInvalid) {
		t.Errorf("no client: err = %v, want ErrInvalid", err)
	}
	if _, err := dynamostore.New(dynamodb.New(dynamodb.Options{}), dynamostore.Options{}); !errors.Is(err, dynamostore.ErrInvalid) {
		t.Errorf("no table: err = %v, want ErrInvalid", err)
	}
}

// TestAClaimOnAKeyHeldElsewhereReadsTheHolderFromTheFailedWrite checks the path DynamoDB
// offers and kumo does not (ReturnValuesOnConditionCheckFailure): a first-claim write that
// finds the key answers with the item as it is, and no read follows.
func TestAClaimOnAKeyHeldElsewhereReadsTheHolderFromTheFailedWrite(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 4, 25, 9, 0, 0, 0, time.UTC)
	lease := now.Add(time.Minute).UnixNano()
	var mu sync.Mutex
	var ops []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
		mu.Lock()
		ops = append(ops, op)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if op != "PutItem" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"__type":"com.amazon.coral.validate#ValidationException","message":"unexpected"}`)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
			"message":"The conditional request failed",
			"Item":{"pk":{"S":"ledger#k"},"sk":{"S":"ledger"},"owner":{"S":"worker-a"},
				"lease":{"N":"%d"},"attempts":{"N":"1"},"updated":{"N":"%d"},"rev":{"N":"1"},
				"pending":{"S":"ledger"}}}`, lease, now.UnixNano())
	}))
	t.Cleanup(srv.Close)
	cfg := awstest.Start(t).Config
	cfg.BaseEndpoint = aws.String(srv.URL)
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	s, err := dynamostore.New(client, dynamostore.Options{Table: "t", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	state, e, err := s.Claim(t.Context(), "k", "worker-b", time.Minute)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	if state != store.Busy || e.Owner != "worker-a" || !e.LeaseUntil.Equal(now.Add(time.Minute)) {
		t.Errorf("claim: %s, entry %+v; want busy, held by worker-a for a minute", state, e)
	}
	if fmt.Sprint(ops) != "[PutItem]" {
		t.Errorf("calls %v, want the one write", ops)
	}
}

func TestDeliveriesConformance(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	storetest.RunDeliveries(t, func(t *testing.T, now func() time.Time) store.Deliveries {
		return newStore(t, env, dynamostore.Options{Now: now})
	})
}
