// Package dynamostore keeps the AWS home's ledger, cursors and OAuth tokens in one DynamoDB
// table, with conditional writes where the embedded twin (sqlitestore) uses its single
// writer. It passes storetest.
//
// The table has the partition key pk and the sort key sk (both strings) and TTL on ttl
// (epoch seconds), as infra declares it. Each kind of record has its own pk prefix and sk:
//
//	pk                 sk       attributes
//	ledger#<key>       ledger   owner, lease, attempts, outcome, ref, detail, updated, rev,
//	                            pending (while unsettled), ttl (once settled)
//	cursor#<name>      cursor   value, version, updated
//	token#<connection> token    access, refresh, expiry, version, updated
//
// Times are Unix nanoseconds, computed on the client from Options.Now (a condition cannot
// read DynamoDB's clock). Empty strings and zero times are left out of the item.
//
// A claim is a consistent read and a write conditioned on the entry's revision (rev), so
// of two concurrent claims exactly one write lands; the other reads again and finds the
// key Busy. A first claim of a new key, the common case, is a single write conditioned on
// the key not existing. A settle is conditioned on the owner; cursors and tokens swap on
// their version.
//
// Expired reads the sparse global secondary index Options.LeaseIndex (LeaseIndex: partition
// key "pending", sort key "lease" as a number, projecting all attributes): only unsettled
// entries carry "pending", so the index holds just the claims in flight, and a query reads
// only the expired ones. Without an index it scans the whole table, which costs a read of
// every item on each call.
package dynamostore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store"
)

// LeaseIndex is the name of the sparse index of unsettled claims that Expired queries:
// partition key "pending" (string), sort key "lease" (number), projection ALL. Nothing in
// the hub calls Expired yet (a reclaimed claim is found by its redelivered message), so
// infra does not declare the index; the conformance suite declares it to pin Expired.
const LeaseIndex = "pending-leases"

// DefaultSettledTTL is how long a settled ledger entry is kept when Options.SettledTTL is
// zero: well past SQS's longest retention (14 days), so no redelivery or dead-letter replay
// can outlive the entry that makes it a no-op, and past a pay period's re-runs.
const DefaultSettledTTL = 90 * 24 * time.Hour

// maxKey bounds a key so that its pk stays well within DynamoDB's 2048 bytes.
const maxKey = 1024

// pendingValue is the "pending" attribute of an unsettled ledger entry; one value, so the
// lease index is a single partition ordered by lease.
const pendingValue = "ledger"

// ErrInvalid says a request is malformed (an empty key, a lease of no length); nothing was
// done.
var ErrInvalid = errors.New("dynamostore: invalid request")

// Options configures a Store.
type Options struct {
	// Table is the table's name.
	Table string
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
	// SettledTTL is how long after it is settled a ledger entry expires (DynamoDB deletes
	// it some time after). Zero means DefaultSettledTTL; negative keeps entries forever.
	SettledTTL time.Duration
	// LeaseIndex names the sparse index Expired queries (LeaseIndex, as infra declares it);
	// empty makes Expired scan the table.
	LeaseIndex string
}

// Store is the ledger, the cursors and the tokens in one table. It is safe for concurrent
// use.
type Store struct {
	client *dynamodb.Client
	opts   Options
}

var (
	_ store.Ledger  = (*Store)(nil)
	_ store.Cursors = (*Store)(nil)
	_ store.Tokens  = (*Store)(nil)
)

// New returns the store in opts.Table. It makes no call: a wrong table shows on first use.
func New(client *dynamodb.Client, opts Options) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: no DynamoDB client", ErrInvalid)
	}
	if opts.Table == "" {
		return nil, fmt.Errorf("%w: no table name", ErrInvalid)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SettledTTL == 0 {
		opts.SettledTTL = DefaultSettledTTL
	}
	return &Store{client: client, opts: opts}, nil
}

// Table returns the name of the table the store uses.
func (s *Store) Table() string { return s.opts.Table }

// ledgerItem is a ledger entry as stored.
type ledgerItem struct {
	PK       string `dynamodbav:"pk"`
	SK       string `dynamodbav:"sk"`
	Owner    string `dynamodbav:"owner,omitempty"`
	Lease    int64  `dynamodbav:"lease,omitempty"`
	Attempts int    `dynamodbav:"attempts"`
	Outcome  string `dynamodbav:"outcome,omitempty"`
	Ref      string `dynamodbav:"ref,omitempty"`
	Detail   string `dynamodbav:"detail,omitempty"`
	Updated  int64  `dynamodbav:"updated"`
	// Rev counts the writes to the entry; a claim is conditioned on it.
	Rev     int64  `dynamodbav:"rev"`
	Pending string `dynamodbav:"pending,omitempty"`
	TTL     int64  `dynamodbav:"ttl,omitempty"`
}

const (
	ledgerPrefix, ledgerSK = "ledger#", "ledger"
	cursorPrefix, cursorSK = "cursor#", "cursor"
	tokenPrefix, tokenSK   = "token#", "token"
)

func (it ledgerItem) entry() store.Entry {
	return store.Entry{
		Key:        strings.TrimPrefix(it.PK, ledgerPrefix),
		Owner:      it.Owner,
		LeaseUntil: fromNanos(it.Lease),
		Attempts:   it.Attempts,
		Outcome:    store.Outcome(it.Outcome),
		TargetRef:  it.Ref,
		Detail:     it.Detail,
		UpdatedAt:  fromNanos(it.Updated),
	}
}

func itemKey(prefix, name, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: prefix + name},
		"sk": &types.AttributeValueMemberS{Value: sk},
	}
}

// Claim takes key for owner for lease; see store.Ledger. It decides by store.NextClaim, as
// sqlitestore does: a claim by the owner that already holds an unexpired lease renews it
// and is Claimed again, without counting another attempt. Error messages leave the key
// out: it may carry a record's natural key.
func (s *Store) Claim(ctx context.Context, key, owner string, lease time.Duration) (store.ClaimState, store.Entry, error) {
	if key == "" || owner == "" || lease <= 0 {
		return 0, store.Entry{}, fmt.Errorf("%w: a claim needs a key, an owner and a lease", ErrInvalid)
	}
	if len(key) > maxKey {
		return 0, store.Entry{}, fmt.Errorf("%w: a key of %d bytes, more than %d", ErrInvalid, len(key), maxKey)
	}
	// The common case first: a key never seen, claimed in one write.
	_, first := store.NextClaim(key, nil, owner, lease, s.opts.Now())
	fresh := claimedItem(first, 1)
	found, err := s.putLedger(ctx, fresh, expression.AttributeNotExists(expression.Name("pk")))
	if err == nil {
		return store.Claimed, first, nil
	}
	if !errors.Is(err, errCondition) {
		return 0, store.Entry{}, fmt.Errorf("dynamostore: claim: %w", err)
	}
	// Each round either decides without writing, or writes conditioned on the revision it
	// read; a lost race reads again. A round is lost only to a write that landed, so a few
	// rounds suffice unless owners keep renewing in a tight loop.
	for range 16 {
		old := found
		if old == nil {
			old, err = s.getLedger(ctx, key)
			if errors.Is(err, store.ErrNotFound) {
				// Deleted by TTL between the two calls: claim it as new.
				if _, err := s.putLedger(ctx, fresh, expression.AttributeNotExists(expression.Name("pk"))); err == nil {
					return store.Claimed, first, nil
				} else if !errors.Is(err, errCondition) {
					return 0, store.Entry{}, fmt.Errorf("dynamostore: claim: %w", err)
				}
				continue
			}
			if err != nil {
				return 0, store.Entry{}, fmt.Errorf("dynamostore: claim: %w", err)
			}
		}
		found = nil
		stored := old.entry()
		state, e := store.NextClaim(key, &stored, owner, lease, s.opts.Now())
		if state == store.AlreadyDone || state == store.Busy {
			return state, e, nil
		}
		cond := expression.Name("rev").Equal(expression.Value(old.Rev))
		found, err = s.putLedger(ctx, claimedItem(e, old.Rev+1), cond)
		if err == nil {
			return state, e, nil
		}
		if !errors.Is(err, errCondition) {
			return 0, store.Entry{}, fmt.Errorf("dynamostore: claim: %w", err)
		}
	}
	return 0, store.Entry{}, fmt.Errorf("dynamostore: claim: the entry kept changing under the claim: %w", store.ErrConflict)
}

// claimedItem is e, an entry a claim leaves (see store.NextClaim), as stored at revision
// rev: in the lease index, and without a ttl while it is claimed.
func claimedItem(e store.Entry, rev int64) ledgerItem {
	return ledgerItem{PK: ledgerPrefix + e.Key, SK: ledgerSK, Owner: e.Owner, Lease: nanos(e.LeaseUntil),
		Attempts: e.Attempts, Ref: e.TargetRef, Detail: e.Detail, Updated: nanos(e.UpdatedAt), Rev: rev,
		Pending: pendingValue}
}

// errCondition is a conditional write that found the item otherwise than required.
var errCondition = errors.New("condition failed")

// putLedger writes it if cond holds. When it does not, it returns errCondition and, if
// DynamoDB returned it, the item as it is.
func (s *Store) putLedger(ctx context.Context, it ledgerItem, cond expression.ConditionBuilder) (*ledgerItem, error) {
	item, err := attributevalue.MarshalMap(it)
	if err != nil {
		return nil, err
	}
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return nil, err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           aws.String(s.opts.Table),
		Item:                                item,
		ConditionExpression:                 expr.Condition(),
		ExpressionAttributeNames:            expr.Names(),
		ExpressionAttributeValues:           expr.Values(),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		if len(failed.Item) == 0 {
			return nil, errCondition
		}
		var now ledgerItem
		if err := attributevalue.UnmarshalMap(failed.Item, &now); err != nil {
			return nil, errCondition
		}
		return &now, errCondition
	}
	return nil, err
}

// getLedger reads an entry with a consistent read, or store.ErrNotFound.
func (s *Store) getLedger(ctx context.Context, k string) (*ledgerItem, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.opts.Table),
		Key:            itemKey(ledgerPrefix, k, ledgerSK),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	if len(out.Item) == 0 {
		return nil, store.ErrNotFound
	}
	var it ledgerItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decode a ledger entry: %w", err)
	}
	return &it, nil
}

// Settle records the outcome if owner still holds key, whether or not its lease ran out:
// nobody else claimed in between. The entry leaves the lease index and, unless
// Options.SettledTTL is negative, gets a ttl that far ahead.
func (s *Store) Settle(ctx context.Context, key, owner string, st store.Settlement) error {
	if st.Outcome != store.Delivered && st.Outcome != store.Skipped && st.Outcome != store.Failed {
		return fmt.Errorf("%w: settle with outcome %q", ErrInvalid, st.Outcome)
	}
	if key == "" || len(key) > maxKey {
		return fmt.Errorf("dynamostore: settle: %w", store.ErrLostClaim)
	}
	now := s.opts.Now()
	update := expression.Set(expression.Name("outcome"), expression.Value(string(st.Outcome))).
		Set(expression.Name("updated"), expression.Value(nanos(now))).
		Set(expression.Name("rev"), expression.Name("rev").Plus(expression.Value(1))).
		Remove(expression.Name("lease")).
		Remove(expression.Name("pending"))
	update = setOrRemove(update, "ref", st.TargetRef)
	update = setOrRemove(update, "detail", st.Detail)
	if s.opts.SettledTTL > 0 {
		update = update.Set(expression.Name("ttl"), expression.Value(now.Add(s.opts.SettledTTL).Unix()))
	}
	cond := expression.Name("owner").Equal(expression.Value(owner))
	expr, err := expression.NewBuilder().WithUpdate(update).WithCondition(cond).Build()
	if err != nil {
		return fmt.Errorf("dynamostore: settle: %w", err)
	}
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.opts.Table),
		Key:       itemKey(ledgerPrefix, key, ledgerSK),
		// One line: the builder puts each clause on its own, and kumo finds only clauses
		// that follow a space. DynamoDB reads both alike.
		UpdateExpression:          aws.String(strings.ReplaceAll(*expr.Update(), "\n", " ")),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return fmt.Errorf("dynamostore: settle: %w", store.ErrLostClaim)
	}
	if err != nil {
		return fmt.Errorf("dynamostore: settle: %w", err)
	}
	return nil
}

// setOrRemove sets name to v, or removes it when v is empty.
func setOrRemove(u expression.UpdateBuilder, name, v string) expression.UpdateBuilder {
	if v == "" {
		return u.Remove(expression.Name(name))
	}
	return u.Set(expression.Name(name), expression.Value(v))
}

// Lookup returns the entry for key (a consistent read), or store.ErrNotFound.
func (s *Store) Lookup(ctx context.Context, key string) (store.Entry, error) {
	if key == "" || len(key) > maxKey {
		return store.Entry{}, fmt.Errorf("dynamostore: look up: %w", store.ErrNotFound)
	}
	it, err := s.getLedger(ctx, key)
	if err != nil {
		return store.Entry{}, fmt.Errorf("dynamostore: look up: %w", err)
	}
	return it.entry(), nil
}

// Expired returns up to limit unsettled entries whose lease ended before t, the longest
// expired first: a query of Options.LeaseIndex, or else a scan of the table. An index is
// eventually consistent, so an entry settled a moment ago may still be listed; whoever
// acts on one claims it first, which sorts that out.
func (s *Store) Expired(ctx context.Context, t time.Time, limit int) ([]store.Entry, error) {
	if limit < 1 {
		return nil, fmt.Errorf("%w: list expired claims: limit %d", ErrInvalid, limit)
	}
	var items []ledgerItem
	var err error
	if s.opts.LeaseIndex != "" {
		items, err = s.queryExpired(ctx, t, limit)
	} else {
		items, err = s.scanExpired(ctx, t)
	}
	if err != nil {
		return nil, fmt.Errorf("dynamostore: list expired claims: %w", err)
	}
	slices.SortStableFunc(items, func(a, b ledgerItem) int {
		if a.Lease != b.Lease {
			return cmp.Compare(a.Lease, b.Lease)
		}
		return strings.Compare(a.PK, b.PK)
	})
	entries := make([]store.Entry, 0, min(limit, len(items)))
	for _, it := range items[:min(limit, len(items))] {
		entries = append(entries, it.entry())
	}
	return entries, nil
}

func (s *Store) queryExpired(ctx context.Context, t time.Time, limit int) ([]ledgerItem, error) {
	keyCond := expression.Key("pending").Equal(expression.Value(pendingValue)).
		And(expression.Key("lease").LessThan(expression.Value(nanos(t))))
	expr, err := expression.NewBuilder().WithKeyCondition(keyCond).Build()
	if err != nil {
		return nil, err
	}
	p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{
		TableName:                 aws.String(s.opts.Table),
		IndexName:                 aws.String(s.opts.LeaseIndex),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(true),
		Limit:                     aws.Int32(int32(min(limit, 1000))),
	})
	var items []ledgerItem
	for p.HasMorePages() && len(items) < limit {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		var got []ledgerItem
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &got); err != nil {
			return nil, fmt.Errorf("decode ledger entries: %w", err)
		}
		items = append(items, got...)
	}
	return items, nil
}

// scanExpired reads the whole table for unsettled, expired ledger entries.
func (s *Store) scanExpired(ctx context.Context, t time.Time) ([]ledgerItem, error) {
	filter := expression.Name("pk").BeginsWith(ledgerPrefix).
		And(expression.Name("pending").AttributeExists()).
		And(expression.Name("lease").LessThan(expression.Value(nanos(t))))
	expr, err := expression.NewBuilder().WithFilter(filter).Build()
	if err != nil {
		return nil, err
	}
	p := dynamodb.NewScanPaginator(s.client, &dynamodb.ScanInput{
		TableName:                 aws.String(s.opts.Table),
		FilterExpression:          expr.Filter(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ConsistentRead:            aws.Bool(true),
	})
	var items []ledgerItem
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		var got []ledgerItem
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &got); err != nil {
			return nil, fmt.Errorf("decode ledger entries: %w", err)
		}
		items = append(items, got...)
	}
	return items, nil
}

// cursorItem is a cursor as stored.
type cursorItem struct {
	Value   string `dynamodbav:"value,omitempty"`
	Version int64  `dynamodbav:"version"`
	Updated int64  `dynamodbav:"updated"`
}

// GetCursor returns the cursor (a consistent read), or a zero Cursor if none is stored.
func (s *Store) GetCursor(ctx context.Context, name string) (store.Cursor, error) {
	var it cursorItem
	found, err := s.get(ctx, itemKey(cursorPrefix, name, cursorSK), &it)
	if err != nil {
		return store.Cursor{}, fmt.Errorf("dynamostore: get cursor %s: %w", name, err)
	}
	if !found {
		return store.Cursor{}, nil
	}
	return store.Cursor{Value: it.Value, Version: it.Version, UpdatedAt: fromNanos(it.Updated)}, nil
}

// PutCursor stores value if the stored version is still expect (0: none stored) and
// returns the new version, or store.ErrConflict.
func (s *Store) PutCursor(ctx context.Context, name, value string, expect int64) (int64, error) {
	it := cursorItem{Value: value, Version: expect + 1, Updated: nanos(s.opts.Now())}
	if err := s.swap(ctx, itemKey(cursorPrefix, name, cursorSK), it, expect); err != nil {
		return 0, fmt.Errorf("dynamostore: put cursor %s: %w", name, err)
	}
	return expect + 1, nil
}

// tokenItem is a token as stored. The table is encrypted with the stack's KMS key, and
// only the functions that use a connection may read it.
type tokenItem struct {
	Access  string `dynamodbav:"access,omitempty"`
	Refresh string `dynamodbav:"refresh,omitempty"`
	Expiry  int64  `dynamodbav:"expiry,omitempty"`
	Version int64  `dynamodbav:"version"`
	Updated int64  `dynamodbav:"updated"`
}

// GetToken returns the stored token (a consistent read), or store.ErrNotFound.
func (s *Store) GetToken(ctx context.Context, connection string) (store.Token, error) {
	var it tokenItem
	found, err := s.get(ctx, itemKey(tokenPrefix, connection, tokenSK), &it)
	if err == nil && !found {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Token{}, fmt.Errorf("dynamostore: get token of %s: %w", connection, err)
	}
	return store.Token{
		Access:  secrets.New(it.Access),
		Refresh: secrets.New(it.Refresh),
		Expiry:  fromNanos(it.Expiry),
		Version: it.Version,
	}, nil
}

// PutToken stores t if the stored version is still expect (0: none stored) and returns t
// with its new Version, or store.ErrConflict.
func (s *Store) PutToken(ctx context.Context, connection string, t store.Token, expect int64) (store.Token, error) {
	it := tokenItem{Access: t.Access.Reveal(), Refresh: t.Refresh.Reveal(), Expiry: nanos(t.Expiry),
		Version: expect + 1, Updated: nanos(s.opts.Now())}
	if err := s.swap(ctx, itemKey(tokenPrefix, connection, tokenSK), it, expect); err != nil {
		return store.Token{}, fmt.Errorf("dynamostore: put token of %s: %w", connection, err)
	}
	t.Version = expect + 1
	return t, nil
}

// get reads the item at k into v with a consistent read and reports whether it exists.
func (s *Store) get(ctx context.Context, k map[string]types.AttributeValue, v any) (bool, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.opts.Table),
		Key:            k,
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, err
	}
	if len(out.Item) == 0 {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(out.Item, v); err != nil {
		// The error names attributes and types, never values.
		return false, fmt.Errorf("decode: %w", err)
	}
	return true, nil
}

// swap writes v at k if the stored version is expect: with 0, if nothing is stored. A
// whole-item put, so that a field left empty is removed, not kept from before.
func (s *Store) swap(ctx context.Context, k map[string]types.AttributeValue, v any, expect int64) error {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return err
	}
	for name, val := range k {
		item[name] = val
	}
	cond := expression.Name("pk").AttributeNotExists()
	if expect != 0 {
		cond = expression.Name("version").Equal(expression.Value(expect))
	}
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 aws.String(s.opts.Table),
		Item:                      item,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return store.ErrConflict
	}
	return err
}

// nanos is how times are stored: Unix nanoseconds; the zero time is 0 (left out).
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos reads a stored time, in UTC; 0 is the zero time.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
